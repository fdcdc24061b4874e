"""The one audit mechanism of the API. Every read of personal data goes through
``audited_read``: the read runs in a read transaction (a cluster's secondary), then its
audit entry in a write transaction, and the data is returned only once the entry has
committed, so when the entry cannot be written no data leaves. Every change is audited with
``audited_change`` before it is made, so a change is never unaudited."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from neo4j import ManagedTransaction

from aim.api.deps import Backend, Caller
from aim.graph.access import audit
from aim.graph.access.audit import AuditEntry

T = TypeVar("T")


def audited_read(be: Backend, caller: Caller, read: Callable[[ManagedTransaction], tuple[T, AuditEntry]]) -> T:
    """``read(tx) -> (result, AuditEntry)`` in a read transaction; the entry is written after it."""
    return audit.audited_read(be.driver, be.database, be.settings.audit_log_path, caller.audit, read)


def audited_miss(action: str, subject_ids: list[str] | None = None, **detail) -> tuple[None, AuditEntry]:
    """What a ``read`` returns when what it was asked for does not exist or may not be opened:
    no result, and an entry that records the attempt (a miss is audited like a hit)."""
    return None, AuditEntry(action, subject_ids or [], detail | {"found": False})


def audited_transaction(be: Backend, work: Callable[..., T], *args) -> T:
    """``work(tx, *args)`` in a write transaction whose audit entries (``write_entry``) also go
    to the JSON-lines copy once it commits."""
    return audit.audited_write(be.driver, be.database, be.settings.audit_log_path, work, *args)


def audited_change(be: Backend, caller: Caller, action: str, subject_ids: list[str | None],
                   detail: dict | None = None) -> None:
    """Write the audit entry of a change that is about to be made."""
    entry = AuditEntry(action, [s for s in subject_ids if s], detail)
    audit.record(be.driver, be.database, be.settings.audit_log_path, caller.audit, entry)
