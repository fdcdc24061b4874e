"""Four eyes: requests that take effect only when a second person approves them (granting a
privileged role, applying retention). The requester can never decide their own request; a
request is decided once, in the transaction that carries out what it asks.
"""

from __future__ import annotations

import json
import uuid

from neo4j import ManagedTransaction

from aim import cypher


def create_request(tx: ManagedTransaction, kind: str, requested_by: str, params: dict,
                   password_hash: str | None = None) -> dict:
    record = tx.run(cypher.load("api/approvals_create"), request_id=str(uuid.uuid4()), kind=kind,
                    requested_by=requested_by, params=json.dumps(params, sort_keys=True, default=str),
                    password_hash=password_hash).single()
    return _plain(record["request"])


def read_request(tx: ManagedTransaction, request_id: str) -> dict | None:
    record = tx.run(cypher.load("api/approvals_get"), request_id=request_id).single()
    return _plain(record["request"]) if record else None


def read_requests(tx: ManagedTransaction, kinds: list[str], status: str | None = "pending",
                  limit: int = 200) -> list[dict]:
    return [_plain(r["request"]) for r in tx.run(cypher.load("api/approvals_list"), kinds=kinds, status=status,
                                                 limit=limit)]


def decide(tx: ManagedTransaction, request_id: str, decided_by: str, approve: bool,
           reason: str | None = None) -> tuple[dict, str | None] | None:
    """Approve or reject a pending request made by someone else: the request and the password
    hash it carried; None when it is not pending or ``decided_by`` made it."""
    record = tx.run(cypher.load("api/approvals_decide"), request_id=request_id, decided_by=decided_by,
                    status="approved" if approve else "rejected", reason=reason).single()
    return (_plain(record["request"]), record["password_hash"]) if record else None


def _plain(request: dict) -> dict:
    return {**request, "params": json.loads(request["params"])}
