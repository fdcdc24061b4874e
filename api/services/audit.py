"""The audit log for the DPO: who accessed what, when and why. Querying it is audited too."""

from __future__ import annotations

from datetime import UTC, datetime

from aim.api.deps import Backend, Caller
from aim.api.errors import Invalid
from aim.api.services.auditing import audited_read
from aim.graph.access import audit as audit_graph
from aim.graph import views
from aim.graph.access.audit import AuditEntry


def _utc(value: datetime | None) -> datetime | None:
    """Neo4j holds offsets up to +/-18:00 only: compare in UTC."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise Invalid("give times with a timezone, e.g. ...Z")
    try:
        return value.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise Invalid("time out of range") from exc


def subject_ids_of(tx, subject_id: str) -> list[str]:
    """A subject id and, for a person, the record subject ids of its records, so that
    accesses made before resolution linked the records are found as well."""
    try:
        more = views.subject_record_ids(tx, views.parse_subject(subject_id))
    except ValueError:
        more = None
    return [subject_id, *(more or [])]


def log(be: Backend, caller: Caller, *, subject_id: str | None = None, username: str | None = None,
        endpoint: str | None = None, since: datetime | None = None, until: datetime | None = None,
        page: int = 1, page_size: int = 100) -> dict:
    since, until = _utc(since), _utc(until)

    def read(tx):
        total, entries = audit_graph.query(
            tx, subject_ids=subject_ids_of(tx, subject_id) if subject_id else None, username=username,
            endpoint=endpoint, since=since, until=until, skip=(page - 1) * page_size, limit=page_size)
        return (total, entries), AuditEntry("dpo.audit_query", [subject_id] if subject_id else [], {
            "username": username, "endpoint": endpoint, "since": since, "until": until})

    total, entries = audited_read(be, caller, read)
    return {"total": total, "page": page, "page_size": page_size, "entries": entries}
