"""Households as the API and dashboard show them (members with their ages, the address)."""

from __future__ import annotations

from datetime import date

from neo4j import ManagedTransaction

from aim import cypher
from aim.graph.store import to_native

from .subject import age


def _household(row) -> dict:
    members = []
    for m in row["members"]:
        dob = to_native(m.get("date_of_birth"))
        members.append({**{k: to_native(v) for k, v in m.items()}, "age": age(dob) if isinstance(dob, date) else None})
    return {"household_id": row["household_id"], "member_count": row["member_count"],
            "address": dict(row["address"]) if row["address"] else None, "members": members}


def households(tx: ManagedTransaction, *, skip: int = 0, limit: int = 50, min_members: int | None = None) -> list[dict]:
    rows = tx.run(cypher.load("api/households_list"), skip=skip, limit=limit, min_members=min_members)
    return [_household(r) for r in rows]


def household(tx: ManagedTransaction, household_id: str) -> dict | None:
    row = tx.run(cypher.load("api/household_get"), household_id=household_id).single()
    return _household(row) | {"status": row["status"]} if row else None
