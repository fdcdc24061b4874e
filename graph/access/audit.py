"""The audit trail: who read or changed whose data, when, where from and why.

An entry is written with :func:`write_entry` inside the transaction that reads the data
it records (``session.execute_write``), so that if the audit write fails, the read fails
with it and nothing is returned. Entries are hash-chained (:mod:`.audit_chain`) and, once
their transaction has committed, appended to the JSON-lines copy (:mod:`.audit_copy`):
run every transaction that writes entries through :func:`audited_write` (or
:func:`audited_read`, :func:`record`), which does both.
"""

from __future__ import annotations

import getpass
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from weakref import WeakKeyDictionary

from neo4j import Driver, ManagedTransaction

from aim import cypher

from . import audit_copy
from .audit_chain import CHAIN, GENESIS, HASHING, Verdict, check, content_hash, read_head
from .usage import Count

T = TypeVar("T")
# The entries each open transaction has written, for the copy once it commits (audited_write);
# a transaction that is retried or rolled back leaves its list to be collected with it.
_pending: WeakKeyDictionary = WeakKeyDictionary()


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
    counted: Count | None = None  # what the read counts against its reader's daily quotas


def write_entry(tx: ManagedTransaction, ctx: AuditContext, entry: AuditEntry) -> dict:
    """Write ``entry`` at the end of the chain, and its read's count (``entry.counted``) in
    the same statement; returns it as written (for the copy). QuotaExceeded when the count
    goes over a daily limit (the transaction then rolls back, entry included)."""
    content = {
        "entry_id": str(uuid.uuid4()), "at": datetime.now(UTC), "username": ctx.username, "role": ctx.role,
        "organisation": ctx.organisation, "purpose": ctx.purpose, "method": ctx.method,
        "endpoint": ctx.endpoint, "action": entry.action, "subject_ids": sorted(set(entry.subject_ids)),
        "detail": json.dumps(entry.detail, default=str, sort_keys=True) if entry.detail else None,
        "hashing": HASHING,
    }
    row = tx.run(cypher.load("api/audit_write"), chain=CHAIN, genesis=GENESIS, content_hash=content_hash(content),
                 usage=entry.counted.params() if entry.counted else None, **content).single()
    if entry.counted:
        entry.counted.check(row["searches"], row["subjects"])
    written = content | {"seq": row["seq"], "previous_hash": row["previous_hash"], "hash": row["hash"]}
    _pending.setdefault(tx, []).append(written)
    return written


def audited_write(driver: Driver, database: str, copy: Path, work: Callable[..., T], *args) -> T:
    """Run ``work(tx, *args)`` in a write transaction; the entries it writes (``write_entry``)
    go to the copy once the transaction has committed. Every transaction that writes audit
    entries runs through this (or ``audited_read``, ``record``), else the copy misses them."""

    def run(tx: ManagedTransaction):
        return work(tx, *args), _pending.pop(tx, [])

    with driver.session(database=database) as session:
        result, written = session.execute_write(run)
    audit_copy.append(copy, written)
    return result


def record(driver: Driver, database: str, copy: Path, ctx: AuditContext, entry: AuditEntry) -> dict:
    """Write one entry in a transaction of its own (and to the copy)."""
    return audited_write(driver, database, copy, write_entry, ctx, entry)


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


def record_replacement(driver: Driver, database: str, copy: Path, command: str, dropped: dict,
                       detail: dict) -> dict:
    """After a command replaced the graph (``aim db restore``, ``aim demo --discard-audit``):
    the entry that starts the chain's new branch, saying which entries were discarded (the
    copy keeps them)."""
    ctx = AuditContext(username=f"cli:{getpass.getuser()}", role="admin", organisation=None, method="CLI",
                       endpoint=command, purpose=None)
    action = "audit.discarded" if dropped.get("entries") else "db.restored"
    return record(driver, database, copy, ctx, AuditEntry(action, [], {
        **detail, "discarded_entries": dropped.get("entries", 0), "discarded_head_seq": dropped.get("head_seq"),
        "discarded_head_hash": dropped.get("head_hash")}))


def audited_read(driver: Driver, database: str, copy: Path, ctx: AuditContext, read):
    """Run ``read(tx) -> (result, AuditEntry)`` and write its audit entry in the same
    transaction; once committed, the entry goes to the copy."""

    def work(tx: ManagedTransaction):
        result, entry = read(tx)
        write_entry(tx, ctx, entry)
        return result

    return audited_write(driver, database, copy, work)


def verify(driver: Driver, database: str, key: bytes | None, against: Path | None = None) -> Verdict:
    """Check the chain from its anchor to its head (``key`` checks the anchor's signature)
    and, with ``against``, compare the graph's entries with the JSON-lines copy."""

    def entries(tx: ManagedTransaction):
        return (dict(row["entry"]) for row in tx.run(cypher.load("api/audit_chain_entries")))

    def work(tx: ManagedTransaction) -> Verdict:
        head = read_head(tx)
        verdict = check(entries(tx), head, key)
        if against is not None:
            verdict.findings.extend(audit_copy.compare(entries(tx), against, verdict.anchor))
        return verdict

    with driver.session(database=database) as session:
        return session.execute_read(work)
