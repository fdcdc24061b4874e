"""The audit log for the DPO: who accessed what, when and why. Querying it is audited too."""

from __future__ import annotations

from datetime import UTC, date, datetime

from aim.api.deps import Backend, Caller
from aim import cypher
from aim.api.errors import Forbidden, Invalid
from aim.api.services.auditing import audited_miss, audited_read
from aim.api.services.persons import subject_of
from aim.api.services.policy import not_found, policed_read, policed_read_one
from aim.graph import views
from aim.graph.access import audit as audit_graph
from aim.graph.access.audit import AuditEntry

LOOKUP_RESULTS = 20
ACCESSES_SHOWN = 200


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


def _dpo_only(caller: Caller) -> None:
    """Who looked at a person is the DPO's to ask (docs/governance.md), whatever the screen."""
    if caller.principal.role != "dpo":
        raise Forbidden("only the data protection officer looks up who accessed a person")


def find_subjects(be: Backend, caller: Caller, *, first_name: str | None, last_name: str | None,
                  date_of_birth: date | None) -> list[dict]:
    """Persons by name (and date of birth) for the DPO's "who accessed" lookup: each named,
    with date of birth and postcode. The lookup is audited with its purpose and criteria."""
    _dpo_only(caller)
    if not (first_name or "").strip() and not (last_name or "").strip():
        raise Invalid("give a first name or a surname")
    criteria = {"first_name": first_name, "last_name": last_name, "date_of_birth": date_of_birth}

    def read(tx):
        found = views.search(tx, **criteria, limit=LOOKUP_RESULTS)
        return found, AuditEntry("dpo.subject_lookup", [f["subject_id"] for f in found],
                                 {"criteria": criteria, "results": len(found)})

    return policed_read(be, caller, read)


def accesses_of(be: Backend, caller: Caller, subject_id: str) -> dict:
    """Who accessed one person, when and why: the audit entries about the person, its agency
    records and the households it belongs to (newest first), with the person's name."""
    _dpo_only(caller)
    subject = subject_of(subject_id)

    def read(tx):
        view = views.person_view(tx, subject)
        if view is None:
            return audited_miss("dpo.subject_accesses")
        households = [dict(r) for r in tx.run(cypher.load("api/audit_subject_households"),
                                              person_id=subject.person_id)] if subject.person_id else []
        own = subject_ids_of(tx, subject.id)
        total, entries = audit_graph.query(tx, subject_ids=own + [h["household_id"] for h in households],
                                           limit=ACCESSES_SHOWN)
        for entry in entries:
            about = set(entry.get("subject_ids") or [])
            entry["about"] = ("person" if subject.id in about else "record" if about & set(own) else "household")
            entry["others"] = len(about - set(own) - {h["household_id"] for h in households})
        found = {"subject_id": subject.id, "person": {k: view.get(k) for k in (
            "first_name", "last_name", "date_of_birth", "postcode", "address")},
            "households": households, "total": total, "entries": entries}
        return found, AuditEntry("dpo.subject_accesses", [subject.id], {"entries": total})

    return policed_read_one(be, caller, read, not_found(subject_id))
