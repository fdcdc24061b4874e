"""Persons: search, the person view and the timeline (audited reads, shaped for the
caller's role), and manual merge and split (audited changes through the review module).

A merged-away person id leads to the survivor (``merged_from`` in the answer)."""

from __future__ import annotations

from datetime import date

from aim.api.deps import Backend, Caller
from aim.api.errors import Forbidden, Invalid, NotFound
from aim.api.services import review
from aim.api.services.auditing import audited_read
from aim.graph import views
from aim.graph.identity import review as review_module
from aim.graph.access.audit import AuditEntry


def subject_of(subject_id: str) -> views.Subject:
    try:
        return views.parse_subject(subject_id)
    except ValueError as exc:
        raise NotFound(str(exc)) from exc


def _survivor(be: Backend, subject: views.Subject, subject_id: str) -> views.Subject:
    """The live person a merged-away person id now stands for; NotFound when there is none."""
    current = None
    if subject.person_id is not None:
        current = review_module.current_person_id(subject.person_id, driver=be.driver, settings=be.settings)
    if not current or current == subject.person_id:
        raise NotFound(f"no person or record '{subject_id}'")
    return views.parse_subject(current)


def search(be: Backend, caller: Caller, *, first_name: str | None, last_name: str | None,
           date_of_birth: date | None, gender: str | None, limit: int) -> list[dict]:
    if not (first_name or "").strip() and not (last_name or "").strip() and date_of_birth is None:
        raise Invalid("give a name or a date of birth to search by")
    criteria = {"first_name": first_name, "last_name": last_name, "date_of_birth": date_of_birth,
                "gender": gender, "limit": limit}

    def read(tx):
        found = views.search(tx, **criteria)
        return found, AuditEntry("person.search", [f["subject_id"] for f in found],
                                 {"criteria": criteria, "results": len(found)})

    return audited_read(be, caller, read)


def view(be: Backend, caller: Caller, subject_id: str) -> dict:
    """Every organisation's latest activity and lead contact, the details and the records."""
    subject = subject_of(subject_id)

    def read(tx):
        found = views.person_view(tx, subject)
        return found, AuditEntry("person.view", [subject.id] if found else [], {"found": found is not None})

    found = audited_read(be, caller, read)
    if found is None:
        return view(be, caller, _survivor(be, subject, subject_id).id) | {"merged_from": subject_id}
    if caller.principal.role == "partner":
        # Partners see that activity exists, by whom and when; never what it was, and only
        # their own organisation's records.
        for item in found["activity"]:
            item["latest_activity_kind"] = None
        found["records"] = [r for r in found["records"] if r["organisation"] == caller.principal.organisation]
    return found


def timeline(be: Backend, caller: Caller, subject_id: str, *, since: date | None = None, until: date | None = None,
             organisation: str | None = None, kind: str | None = None, page: int = 1, page_size: int = 50) -> dict:
    """Events across agencies, newest first; partners see dates and organisations only."""
    subject = subject_of(subject_id)
    if since and until and since > until:
        raise Invalid("'from' is after 'to'")
    if caller.principal.role == "partner" and kind:
        raise Forbidden("partners see that activity exists, not its kind: no kind filter")
    window = {"since": since, "until": until, "organisation": organisation, "kind": kind}

    def read(tx):
        if views.subject_record_ids(tx, subject) is None:
            return None, AuditEntry("person.timeline", [], {"found": False})
        total, events = views.timeline(tx, subject, **window, skip=(page - 1) * page_size, limit=page_size)
        return (total, events), AuditEntry("person.timeline", [subject.id],
                                           window | {"page": page, "returned": len(events)})

    found = audited_read(be, caller, read)
    if found is None:
        moved = _survivor(be, subject, subject_id)
        return timeline(be, caller, moved.id, **window, page=page, page_size=page_size) | {"merged_from": subject_id}
    total, events = found
    if caller.principal.role == "partner":
        events = [{"date": e["date"], "organisation": e["organisation"], "kind": None} for e in events]
    return {"subject_id": subject.id, "total": total, "page": page, "page_size": page_size, "events": events}


def merge(be: Backend, caller: Caller, person_a: str, person_b: str, reason: str) -> dict:
    survivor = review.change(be, caller, "persons.merge", [person_a, person_b], {"reason": reason},
                             review_module.merge_persons, person_a, person_b)
    return {"person_id": survivor}


def split(be: Backend, caller: Caller, subject_id: str, keys: list[tuple[str, str]], reason: str) -> dict:
    ids = review.change(be, caller, "persons.split", [subject_id], {"reason": reason},
                        review_module.split_person, subject_id, keys)
    return {"person_ids": ids}


def history(be: Backend, caller: Caller, subject_id: str, limit: int = 50) -> list[dict]:
    """Resolution events about a person: creation, merges, splits, decisions, newest first."""

    def read(tx):
        found = review_module.read_person_history(tx, subject_id, limit)
        return found, AuditEntry("person.history", [subject_id], {"returned": len(found)})

    return audited_read(be, caller, read)
