"""The audit trail: who read or changed whose data, when, where from and why.

A read of personal data (:func:`audited_read`) runs in a read transaction, which a
``neo4j://`` routing URI sends to a secondary of a cluster; its entry is then written with
:func:`write_entry` in a write transaction of the same session (the leader), and the data
is returned only once that entry has committed: if the audit write (or the quota count it
carries) fails, nothing is returned. Entries are hash-chained (:mod:`.audit_chain`) and, once
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

from neo4j import Driver, ManagedTransaction, Session

from aim import cypher
from aim.graph.store.db import causal_session, execute_write

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
    # What the read leaves in the graph besides its entry and count (a partner's full
    # identifications, the pseudonyms an analyst was shown): the read itself runs in a read
    # transaction, so these writes run in its entry's.
    remembered: list[Callable[[ManagedTransaction], None]] = field(default_factory=list)


def lock_chain(tx: ManagedTransaction) -> None:
    """Write-lock the chain's head (what :func:`audited_write` does first)."""
    tx.run(cypher.load("api/audit_chain_lock"), chain=CHAIN, genesis=GENESIS).consume()


def write_entry(tx: ManagedTransaction, ctx: AuditContext, entry: AuditEntry) -> dict:
    """Write ``entry`` at the end of the chain, and its read's count (``entry.counted``) in
    the same statement; returns it as written (for the copy). QuotaExceeded when the count
    goes over a daily limit (the transaction then rolls back, entry included)."""
    [written] = write_entries(tx, [(ctx, entry)])
    return written


def write_entries(tx: ManagedTransaction, entries: list[tuple[AuditContext, AuditEntry]]) -> list[dict]:
    """Write ``entries`` at the end of the chain in this order, in one statement (the
    submissions of a group commit each have one); returns them as written. Only a lone
    entry may carry a read's count (:func:`write_entry`)."""
    counted = [entry.counted for _, entry in entries if entry.counted]
    if counted and len(entries) > 1:
        raise ValueError("only a lone audit entry carries a read's count")
    contents = [_content(ctx, entry) for ctx, entry in entries]
    rows = tx.run(cypher.load("api/audit_write"), chain=CHAIN, genesis=GENESIS,
                  entries=[content | {"content_hash": content_hash(content)} for content in contents],
                  usage=counted[0].params() if counted else None).data()
    if counted:
        counted[0].check(rows[0]["searches"], rows[0]["subjects"])
    for _, entry in entries:
        for remember in entry.remembered:
            remember(tx)
    written = [content | {"seq": row["seq"], "previous_hash": row["previous_hash"], "hash": row["hash"]}
               for content, row in zip(contents, rows, strict=True)]
    _pending.setdefault(tx, []).extend(written)
    return written


def _content(ctx: AuditContext, entry: AuditEntry) -> dict:
    """What an entry's writer hashes (``audit_chain.CONTENT``) before the chain gives it a place."""
    return {
        "entry_id": str(uuid.uuid4()), "at": datetime.now(UTC), "username": ctx.username, "role": ctx.role,
        "organisation": ctx.organisation, "purpose": ctx.purpose, "method": ctx.method,
        "endpoint": ctx.endpoint, "action": entry.action, "subject_ids": sorted(set(entry.subject_ids)),
        "detail": json.dumps(entry.detail, default=str, sort_keys=True) if entry.detail else None,
        "hashing": HASHING,
    }


def audited_write(driver: Driver, database: str, copy: Path, work: Callable[..., T], *args) -> T:
    """Run ``work(tx, *args)`` in a write transaction; the entries it writes (``write_entry``)
    go to the copy once the transaction has committed. Every transaction that writes audit
    entries runs through this (or ``audited_read``, ``record``), else the copy misses them.
    The chain's head is locked before ``work`` runs: every writer of the trail waits for it,
    and one that held another node (a record, a sign-in's failures) while waiting could
    deadlock with one holding the head and waiting for that node."""

    with causal_session(driver, database) as session:
        return _write_audited(session, copy, _chain_first, work, *args)


def _chain_first(tx: ManagedTransaction, work: Callable[..., T], *args) -> T:
    lock_chain(tx)
    return work(tx, *args)


def _write_audited(session: Session, copy: Path, work: Callable[..., T], *args) -> T:
    def run(tx: ManagedTransaction):
        return work(tx, *args), _pending.pop(tx, [])

    result, written = execute_write(session, run)  # retries the deadlocks the driver hides too
    audit_copy.append(copy, written)
    return result


def record(driver: Driver, database: str, copy: Path, ctx: AuditContext, entry: AuditEntry) -> dict:
    """Write one entry in a transaction of its own (and to the copy); its statement takes the
    head itself, before anything else."""
    with causal_session(driver, database) as session:
        return _write_audited(session, copy, write_entry, ctx, entry)


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


def audited_read(driver: Driver, database: str, copy: Path, ctx: AuditContext,
                 read: Callable[[ManagedTransaction], tuple[T, AuditEntry]]) -> T:
    """Run ``read(tx) -> (result, AuditEntry)`` in a read transaction, then write its entry
    (and the quota count it carries) in a write transaction; ``result`` is returned only
    once the entry has committed, so a failed entry or a quota exceeded returns nothing.
    One session, which also starts after this process's earlier writes (``causal_session``):
    the reader's own changes are seen on any member of a cluster."""
    with causal_session(driver, database) as session:
        result, entry = session.execute_read(read)
        _write_audited(session, copy, write_entry, ctx, entry)
    return result


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

    with causal_session(driver, database) as session:
        return session.execute_read(work)
