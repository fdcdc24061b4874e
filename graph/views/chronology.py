"""Multi-agency chronologies for strategy meetings: a person's or a household's events in
date order, each with its agency, the kind of contact and the agency's service lead. Every
function takes a (read) transaction; the API writes the audit entry after it."""

from __future__ import annotations

from neo4j import ManagedTransaction

from aim import cypher
from aim.graph.store import to_native

from .subject import Subject

MOST_ENTRIES = 5000  # far more than any person's or household's history; bounds a bad graph


def _entry(values) -> dict:
    return {k: to_native(v) for k, v in dict(values).items()}


def person_chronology(tx: ManagedTransaction, subject: Subject) -> list[dict]:
    rows = tx.run(cypher.load("api/chronology_person"), **subject.params(), limit=MOST_ENTRIES)
    return [_entry(row) for row in rows]


def household_chronology(tx: ManagedTransaction, household_id: str) -> dict | None:
    """The household's address and its members' events (None when there is no such household)."""
    row = tx.run(cypher.load("api/chronology_household"), household_id=household_id, limit=MOST_ENTRIES).single()
    if row is None:
        return None
    return {"household_id": row["household_id"], "address": dict(row["address"] or {}),
            "entries": [_entry(e) for e in row["entries"]]}
