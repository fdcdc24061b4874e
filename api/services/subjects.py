"""Subject access export (DPO): everything held about one person (graph/views/subject_export.py)
and every access to it, with third parties redacted; as JSON or as a printable page."""

from __future__ import annotations

from aim.api.deps import Backend, Caller
from aim.api.services.auditing import audited_miss, audited_read
from aim.api.services.persons import subject_of
from aim.api.services.policy import not_found
from aim.graph import views
from aim.graph.access import audit as audit_graph
from aim.graph.access.audit import AuditEntry
from aim.graph.views.subject_export import EVERYTHING

# What an access entry tells the subject: who, when, what and why. Its other subjects (a
# search lists many people) and its details (search criteria) are about other people.
ACCESS_FIELDS = ("at", "username", "role", "organisation", "method", "endpoint", "action", "purpose")
CATEGORIES = ("person", "events", "alerts", "watch_entries", "households", "resolution_history",
              "review_decisions", "accesses")


def export(be: Backend, caller: Caller, subject_id: str) -> dict:
    subject = subject_of(subject_id)

    def read(tx):
        found = views.subject_access(tx, subject)
        if found is None:
            return audited_miss("dpo.subject_access_export")
        total, accesses = audit_graph.query(tx, subject_ids=found["subject_ids"], limit=EVERYTHING)
        found["accesses"] = [_redacted_access(entry, found["subject_ids"]) for entry in accesses]
        found["accesses_total"] = total
        return found, AuditEntry("dpo.subject_access_export", [subject.id],
                                 {category: len(found[category]) for category in CATEGORIES if category != "person"})

    found = audited_read(be, caller, read)
    if found is None:
        raise not_found(subject_id)
    return found


def _redacted_access(entry: dict, own_ids: list[str]) -> dict:
    return {**{k: entry.get(k) for k in ACCESS_FIELDS},
            "subject_ids": [s for s in entry.get("subject_ids") or [] if s in own_ids]}
