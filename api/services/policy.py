"""The access policy (``aim.graph.access.policy``) as the services apply it: every read of
personal data is a ``policed_read`` — a stated purpose, the reader's daily quotas, the read
(in a read transaction) and its audit entry (committed before any data is returned) — and
whatever a reader may not open answers exactly as an unknown id does."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from neo4j import ManagedTransaction

from aim.api.deps import Backend, Caller
from aim.api.errors import DomainError, Invalid, NotFound, RateLimited
from aim.api.services.auditing import audited_read
from aim.graph.access import usage
from aim.graph.access.audit import AuditEntry
from aim.graph.access.policy import Reader
from aim.graph.store import causal_session

T = TypeVar("T")


def reader_of(caller: Caller) -> Reader:
    p = caller.principal
    return Reader(p.username, p.role, p.organisation)


def quotas_of(be: Backend) -> usage.Quotas:
    return usage.Quotas.of(be.settings.daily_searches, be.settings.daily_subjects)


def not_found(subject_id: str) -> NotFound:
    """The one answer for an id that does not exist and for one the reader may not open."""
    return NotFound(f"no person or record '{subject_id}'")


def policed_read(be: Backend, caller: Caller, read: Callable[[ManagedTransaction], tuple[T, AuditEntry]]) -> T:
    """A read of personal data: refused without a stated purpose (whichever way it came: the
    API's header or body, a dashboard form); ``read`` counts against the reader's quotas
    (a ``usage.Count`` on its audit entry) in its own transaction; going over a quota is a
    429 that says why."""
    if not caller.audit.purpose:
        raise Invalid("state the purpose of this access")
    try:
        return audited_read(be, caller, read)
    except usage.QuotaExceeded as exc:
        with causal_session(be.driver, be.database) as session:
            session.execute_write(usage.refused, reader_of(caller))
        setting = "AIM_DAILY_SEARCHES" if exc.what == "searches" else "AIM_DAILY_SUBJECTS"
        now = datetime.now(UTC)
        midnight = datetime(now.year, now.month, now.day, tzinfo=UTC) + timedelta(days=1)
        raise RateLimited(f"{exc} for the {caller.principal.role} role today; it resets at midnight UTC "
                          f"(the DPO can see this; the limits are {setting})",
                          retry_after=max(1, int((midnight - now).total_seconds()))) from exc


def policed_read_one(be: Backend, caller: Caller, read: Callable[[ManagedTransaction], tuple[T | None, AuditEntry]],
                     missing: DomainError) -> T:
    """A ``policed_read`` of one thing; when ``read`` finds nothing (``audited_miss``), ``missing``
    is raised once the miss is audited."""
    found = policed_read(be, caller, read)
    if found is None:
        raise missing
    return found
