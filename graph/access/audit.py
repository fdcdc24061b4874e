"""The audit trail: who read or changed whose data, when, where from and why.

An entry is written with :func:`write_entry` inside the transaction that reads the data
it records (``session.execute_write``), so that if the audit write fails, the read fails
with it and nothing is returned.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from neo4j import Driver, ManagedTransaction

from aim import cypher


@dataclass
class AuditContext:
    """Who is asking and why; filled by the API for every request."""

    username: str
    role: str
    organisation: str | None
    method: str
    endpoint: str
    purpose: str | None = None


@dataclass
class AuditEntry:
    action: str
    subject_ids: list[str] = field(default_factory=list)
    detail: dict | None = None


def write_entry(tx: ManagedTransaction, ctx: AuditContext, entry: AuditEntry) -> str:
    entry_id = str(uuid.uuid4())
    tx.run(
        cypher.load("api/audit_write"),
        entry_id=entry_id, username=ctx.username, role=ctx.role, organisation=ctx.organisation,
        purpose=ctx.purpose, method=ctx.method, endpoint=ctx.endpoint, action=entry.action,
        subject_ids=sorted(set(entry.subject_ids)),
        detail=json.dumps(entry.detail, default=str, sort_keys=True) if entry.detail else None,
    ).consume()
    return entry_id


def query(tx: ManagedTransaction, *, subject_ids: list[str] | None = None, username: str | None = None,
          endpoint: str | None = None, since: datetime | None = None, until: datetime | None = None,
          skip: int = 0, limit: int = 100) -> tuple[int, list[dict]]:
    record = tx.run(
        cypher.load("api/audit_query"), subject_ids=subject_ids, username=username, endpoint=endpoint,
        since=since, until=until, skip=skip, limit=limit,
    ).single()
    entries = []
    for entry in record["entries"]:
        entry = dict(entry)
        if entry.get("detail"):
            entry["detail"] = json.loads(entry["detail"])
        entries.append(entry)
    return record["total"], entries


def audited_read(driver: Driver, database: str, ctx: AuditContext, read):
    """Run ``read(tx) -> (result, AuditEntry)`` and write its audit entry in the same transaction."""

    def work(tx: ManagedTransaction):
        result, entry = read(tx)
        write_entry(tx, ctx, entry)
        return result

    with driver.session(database=database) as session:
        return session.execute_write(work)
