"""Persons: search, the person view and the timeline (policed reads: a purpose, quotas, the
audit entry, shaped by the access policy for the caller's role and organisation), and manual
merge and split (audited changes through the review module).

A merged-away person id leads to the survivor (``merged_from`` in the answer)."""

from __future__ import annotations

from datetime import date

from aim.api.deps import Backend, Caller
from aim.api.errors import Forbidden, Invalid
from aim.api.services import review
from aim.api.services.auditing import audited_miss
from aim.api.services.policy import not_found, policed_read, quotas_of, reader_of
from aim.graph import views
from aim.graph.access import policy, usage
from aim.graph.identity import review as review_module
from aim.graph.access.audit import AuditEntry


def subject_of(subject_id: str) -> views.Subject:
    try:
        return views.parse_subject(subject_id)
    except ValueError as exc:
        raise not_found(subject_id) from exc


def _survivor(be: Backend, subject: views.Subject) -> views.Subject | None:
    """The live person a merged-away person id now stands for, if any."""
    current = None
    if subject.person_id is not None:
        current = review_module.current_person_id(subject.person_id, driver=be.driver, settings=be.settings)
    if not current or current == subject.person_id:
        return None
    return views.parse_subject(current)


def policy_subject(subject: views.Subject) -> dict:
    """A subject as the access policy reads it (``{id, person_id, source, record_id}``)."""
    return {"id": subject.id, **subject.params()}


def search(be: Backend, caller: Caller, *, first_name: str | None, last_name: str | None,
           date_of_birth: date | None, gender: str | None, limit: int, year_of_birth: int | None = None) -> dict:
    """``{results, more, more_at_least}``: the best ``limit`` hits, shaped for the caller by
    the access policy, and how many more there are of what the caller may see."""
    named = bool((first_name or "").strip() or (last_name or "").strip())
    if not named and date_of_birth is None:
        raise Invalid("give a name or a date of birth to search by")
    if year_of_birth is not None and (date_of_birth is not None or not named):
        raise Invalid("give a year of birth with a name, instead of a full date of birth")
    criteria = {"first_name": first_name, "last_name": last_name, "date_of_birth": date_of_birth,
                "year_of_birth": year_of_birth, "gender": gender, "limit": limit}
    reader = reader_of(caller)

    def read(tx):
        page = views.search_page(tx, **(criteria | {"limit": policy.search_breadth(reader, limit)}))
        found, remembered = page["results"], []
        if reader.partner:
            subjects = [policy_subject(views.parse_subject(f["subject_id"])) for f in found]
            found, remember_identified = policy.partner_search(tx, reader, criteria, found, subjects, len(found))
            found = [hit | {"age": views.age(hit["date_of_birth"])} for hit in found]
            remembered.append(remember_identified)
            page = {"more": max(0, len(found) - limit),
                    "more_at_least": len(found) > limit and (page["more"] > 0 or page["more_at_least"])}
        found = found[:limit]
        return page | {"results": found}, AuditEntry("person.search", [f["subject_id"] for f in found],
                                                      {"criteria": criteria, "results": len(found)},
                                                      usage.Count(reader, quotas_of(be), search=True), remembered)

    return policed_read(be, caller, read)


def _read_view(be: Backend, caller: Caller, subject: views.Subject) -> dict | None:
    reader = reader_of(caller)

    def read(tx):
        found = views.person_view(tx, subject)
        if found is not None and reader.partner:
            found = policy.partner_view(tx, reader, found)
            if found is None:  # audited, then answered as an unknown id
                return None, AuditEntry("person.view", [subject.id], {"found": True, "withheld": True})
            found["age"] = views.age(found["date_of_birth"])
        counted = usage.Count(reader, quotas_of(be), subject_ids=[subject.id]) if found is not None else None
        return found, AuditEntry("person.view", [subject.id] if found else [], {"found": found is not None}, counted)

    return policed_read(be, caller, read)


def view(be: Backend, caller: Caller, subject_id: str) -> dict:
    """Every organisation's latest activity and lead contact, the details and the records,
    shaped for the caller by the access policy."""
    subject = subject_of(subject_id)
    found = _read_view(be, caller, subject)
    if found is None:
        moved = _survivor(be, subject)
        found = _read_view(be, caller, moved) if moved else None
        if found is None:
            raise not_found(subject_id)
        found["merged_from"] = subject_id
    return found


def _read_timeline(be: Backend, caller: Caller, subject: views.Subject, window: dict, page: int,
                   page_size: int) -> tuple[int, list[dict]] | None:
    reader = reader_of(caller)

    def read(tx):
        found = views.timeline(tx, subject, **window, skip=(page - 1) * page_size, limit=page_size)
        if found is None:
            return audited_miss("person.timeline")
        if reader.partner and not policy.partner_may_read(tx, reader, policy_subject(subject)):
            return None, AuditEntry("person.timeline", [subject.id], {"found": True, "withheld": True})
        total, events = found
        return (total, events), AuditEntry("person.timeline", [subject.id],
                                           window | {"page": page, "returned": len(events)},
                                           usage.Count(reader, quotas_of(be), subject_ids=[subject.id]))

    return policed_read(be, caller, read)


def timeline(be: Backend, caller: Caller, subject_id: str, *, since: date | None = None, until: date | None = None,
             organisation: str | None = None, kind: str | None = None, page: int = 1, page_size: int = 50) -> dict:
    """Events across agencies, newest first; a partner sees its own organisation's events,
    dates only."""
    subject = subject_of(subject_id)
    if since and until and since > until:
        raise Invalid("'from' is after 'to'")
    if caller.principal.role == "partner":
        if kind:
            raise Forbidden("partners see that activity exists, not its kind: no kind filter")
        if organisation and organisation != caller.principal.organisation:
            raise Forbidden("partners see their own organisation's events only")
        organisation = caller.principal.organisation
    window = {"since": since, "until": until, "organisation": organisation, "kind": kind}
    found = _read_timeline(be, caller, subject, window, page, page_size)
    merged = {}
    if found is None:
        moved = _survivor(be, subject)
        found = _read_timeline(be, caller, moved, window, page, page_size) if moved else None
        if found is None:
            raise not_found(subject_id)
        subject, merged = moved, {"merged_from": subject_id}
    total, events = found
    if caller.principal.role == "partner":
        events = [{"date": e["date"], "organisation": e["organisation"], "kind": None} for e in events]
    return {"subject_id": subject.id, "total": total, "page": page, "page_size": page_size, "events": events} | merged


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

    return policed_read(be, caller, read)
