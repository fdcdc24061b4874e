"""Person search, view, timeline and subject access export, with need-to-know shaping
and the audit entry written in the same transaction as the read."""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from fastapi import HTTPException, status

from aim.api.deps import Backend
from aim.api.security import Principal
from aim.graph.access import audit as audit_graph
from aim.graph import views as people
from aim.graph.access.audit import AuditContext, AuditEntry


def pseudonym(secret: str, subject_id: str) -> str:
    """A stable pseudonym for analysts: the same subject always gets the same one."""
    digest = hmac.new(secret.encode(), subject_id.encode(), hashlib.sha256).hexdigest()[:12]
    return f"anon-{digest}"


def parse_subject_or_404(subject_id: str) -> people.Subject:
    try:
        return people.parse_subject(subject_id)
    except ValueError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from exc


def survivor(be: Backend, subject: people.Subject) -> people.Subject | None:
    """The live person a merged-away person id now stands for (None when there is none)."""
    if subject.person_id is None:
        return None
    try:
        from aim.graph.review import current_person_id
    except ImportError:
        return None
    current = current_person_id(subject.person_id, driver=be.driver, settings=be.settings)
    return people.parse_subject(current) if current and current != subject.person_id else None


def search(be: Backend, ctx: AuditContext, principal: Principal, **criteria) -> list[dict]:
    def read(tx):
        found = people.search(tx, **criteria)
        return found, AuditEntry("person.search", [f["subject_id"] for f in found],
                                 {"criteria": criteria, "results": len(found)})

    return audit_graph.audited_read(be.driver, be.database, ctx, read)


def view(be: Backend, ctx: AuditContext, principal: Principal, subject_id: str) -> dict:
    subject = parse_subject_or_404(subject_id)

    def read(tx):
        found = people.person_view(tx, subject)
        return found, AuditEntry("person.view", [subject.id] if found else [],
                                 {"found": found is not None})

    found = audit_graph.audited_read(be.driver, be.database, ctx, read)
    if found is None:
        moved = survivor(be, subject)
        if moved is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no person or record '{subject_id}'")
        found = view(be, ctx, principal, moved.id)
        found["merged_from"] = subject_id
        return found
    if principal.role == "partner":
        # Partners see that activity exists, by whom and when; never what it was, and only
        # their own organisation's records.
        for item in found["activity"]:
            item["latest_activity_kind"] = None
        found["records"] = [r for r in found["records"] if r["organisation"] == principal.organisation]
    return found


def timeline(be: Backend, ctx: AuditContext, principal: Principal, subject_id: str, *, since: date | None,
             until: date | None, organisation: str | None, kind: str | None, page: int, page_size: int) -> dict:
    subject = parse_subject_or_404(subject_id)
    if principal.role == "partner" and kind:
        raise HTTPException(status.HTTP_403_FORBIDDEN,
                            detail="partners see that activity exists, not its kind: no kind filter")
    skip = (page - 1) * page_size

    def read(tx):
        if people.subject_record_ids(tx, subject) is None:
            return None, AuditEntry("person.timeline", [], {"found": False})
        total, events = people.timeline(tx, subject, since=since, until=until, organisation=organisation,
                                        kind=kind, skip=skip, limit=page_size)
        return (total, events), AuditEntry("person.timeline", [subject.id], {
            "since": since, "until": until, "organisation": organisation, "kind": kind, "page": page,
            "returned": len(events)})

    found = audit_graph.audited_read(be.driver, be.database, ctx, read)
    if found is None:
        moved = survivor(be, subject)
        if moved is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no person or record '{subject_id}'")
        return timeline(be, ctx, principal, moved.id, since=since, until=until, organisation=organisation,
                        kind=kind, page=page, page_size=page_size) | {"merged_from": subject_id}
    total, events = found
    if principal.role == "partner":
        events = [{"date": e["date"], "organisation": e["organisation"], "kind": None} for e in events]
    return {"subject_id": subject.id, "total": total, "page": page, "page_size": page_size, "events": events}


def stats(be: Backend, ctx: AuditContext, since: date | None) -> dict:
    def read(tx):
        return people.stats(tx, since), AuditEntry("aggregate.stats", [], {"since": since})

    return {"organisations": audit_graph.audited_read(be.driver, be.database, ctx, read)}


def subject_access_export(be: Backend, ctx: AuditContext, subject_id: str) -> dict:
    """One person's data and who accessed it, for a subject access request (DPO)."""
    subject = parse_subject_or_404(subject_id)

    def read(tx):
        record_ids = people.subject_record_ids(tx, subject)
        if record_ids is None:
            return None, AuditEntry("dpo.subject_access_export", [], {"found": False})
        view = people.person_view(tx, subject)
        total, events = people.timeline(tx, subject, skip=0, limit=100_000)
        ids = sorted({subject.id, *record_ids})
        accesses_total, accesses = audit_graph.query(tx, subject_ids=ids, limit=100_000)
        export = {
            "subject_id": subject.id,
            "subject_ids": ids,
            "person": {k: v for k, v in view.items() if k != "activity"},
            "organisations": [a for a in view["activity"] if a["known"]],
            "events": events,
            "accesses": accesses,
            "accesses_total": accesses_total,
        }
        return export, AuditEntry("dpo.subject_access_export", [subject.id], {"events": total})

    found = audit_graph.audited_read(be.driver, be.database, ctx, read)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"no person or record '{subject_id}'")
    return found


def audit_log(be: Backend, ctx: AuditContext, *, subject_id: str | None, username: str | None,
              endpoint: str | None, since, until, page: int, page_size: int) -> dict:
    def read(tx):
        ids = None
        if subject_id:
            ids = [subject_id]
            try:
                more = people.subject_record_ids(tx, people.parse_subject(subject_id))
            except ValueError:
                more = None
            ids += more or []
        total, entries = audit_graph.query(tx, subject_ids=ids, username=username, endpoint=endpoint,
                                           since=since, until=until, skip=(page - 1) * page_size,
                                           limit=page_size)
        return (total, entries), AuditEntry("dpo.audit_query", [subject_id] if subject_id else [], {
            "username": username, "endpoint": endpoint, "since": since, "until": until})

    total, entries = audit_graph.audited_read(be.driver, be.database, ctx, read)
    return {"total": total, "page": page, "page_size": page_size, "entries": entries}
