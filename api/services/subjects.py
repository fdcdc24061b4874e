"""Subject access export (DPO): one person's data and every access to it."""

from __future__ import annotations

from aim.api.deps import Backend, Caller
from aim.api.errors import NotFound
from aim.api.services.auditing import audited_read
from aim.api.services.persons import subject_of
from aim.graph.access import audit as audit_graph
from aim.graph import views
from aim.graph.access.audit import AuditEntry

EVERYTHING = 100_000


def export(be: Backend, caller: Caller, subject_id: str) -> dict:
    subject = subject_of(subject_id)

    def read(tx):
        record_ids = views.subject_record_ids(tx, subject)
        if record_ids is None:
            return None, AuditEntry("dpo.subject_access_export", [], {"found": False})
        view = views.person_view(tx, subject)
        total, events = views.timeline(tx, subject, skip=0, limit=EVERYTHING)
        ids = sorted({subject.id, *record_ids})
        accesses_total, accesses = audit_graph.query(tx, subject_ids=ids, limit=EVERYTHING)
        return {
            "subject_id": subject.id,
            "subject_ids": ids,
            "person": {k: v for k, v in view.items() if k != "activity"},
            "organisations": [a for a in view["activity"] if a["known"]],
            "events": events,
            "accesses": accesses,
            "accesses_total": accesses_total,
        }, AuditEntry("dpo.subject_access_export", [subject.id], {"events": total})

    found = audited_read(be, caller, read)
    if found is None:
        raise NotFound(f"no person or record '{subject_id}'")
    return found
