"""What AIM holds about one subject, for a subject access request: identity and records,
events, alerts, watch-list entries, households, resolution history and review decisions.

Third parties are redacted: no other person's or household's id or name appears (other
people are counted, other agencies' records named by organisation only), and free text that
may be about someone else (a reviewer's reason on a pair with another person's record, the
history of an alert or watch entry on a whole household) is withheld.
"""

from __future__ import annotations

from neo4j import ManagedTransaction

from aim import cypher
from aim.graph.identity.keys import record_key
from aim.graph.store import to_native

from .person import person_view, subject_record_ids, timeline
from .subject import Subject

EVERYTHING = 100_000
WITHHELD = "withheld: it may concern another person"


def subject_access(tx: ManagedTransaction, subject: Subject) -> dict | None:
    """Everything held about ``subject`` (None when there is no such subject)."""
    record_ids = subject_record_ids(tx, subject)
    if record_ids is None:
        return None
    view = person_view(tx, subject)
    _, events = timeline(tx, subject, skip=0, limit=EVERYTHING)
    own_keys = {record_key(r["source"], r["source_record_id"]) for r in view["records"]}
    params = subject.params()
    return {
        "subject_id": subject.id,
        "subject_ids": sorted({subject.id, *record_ids}),
        "person": {k: v for k, v in view.items() if k != "activity"},
        "organisations": [a for a in view["activity"] if a["known"]],
        "events": events,
        "alerts": [_alert(row) for row in tx.run(cypher.load("api/subject_access_alerts"), **params)],
        "watch_entries": [_watch_entry(row) for row in tx.run(cypher.load("api/subject_access_watch"), **params)],
        "households": [_native(dict(row)) for row in tx.run(cypher.load("api/subject_access_households"), **params)],
        "resolution_history": [_resolution_event(row["event"], subject, own_keys)
                               for row in tx.run(cypher.load("api/subject_access_resolution"), **params)],
        "review_decisions": [_review(row) for row in tx.run(cypher.load("api/subject_access_reviews"), **params)],
    }


def _native(values: dict) -> dict:
    return {k: to_native(v) for k, v in values.items()}


def _alert(row) -> dict:
    household = row["about"] == "household"
    return {
        **_native(dict(row["alert"])), "about": row["about"],
        "history": [{**_native(dict(t)), **({"reason": WITHHELD} if household and t.get("reason") else {})}
                    for t in row["transitions"]],
        "evidence": [_native(dict(e)) for e in row["evidence"]],
        "evidence_about_others": row["other_evidence"],
    }


def _watch_entry(row) -> dict:
    entry = _native(dict(row["entry"]))
    if row["about"] == "household":
        entry.update({k: WITHHELD for k in ("reason", "end_reason") if entry.get(k)})
    return {**entry, "about": row["about"]}


def _resolution_event(event, subject: Subject, own_keys: set[str]) -> dict:
    persons = list(event.get("person_ids") or [])
    keys = list(event.get("record_keys") or [])
    return {
        "kind": event.get("kind"), "at": to_native(event.get("at")), "model_version": event.get("model_version"),
        "records": sorted(k for k in keys if k in own_keys),
        "records_of_others": sum(k not in own_keys for k in keys),
        "other_persons": sum(p != subject.person_id for p in persons),
    }


def _review(row) -> dict:
    pair = [row["first"], row["second"]]
    both_own = all(r["own"] for r in pair)
    return {
        "decision": row["decision"], "reviewer": row["reviewer"], "at": to_native(row["at"]),
        "records": [record_key(r["source"], r["source_record_id"]) for r in pair if r["own"]],
        "other_records": [{"organisation": r["source"]} for r in pair if not r["own"]],
        "reason": row["reason"] if both_own or not row["reason"] else WITHHELD,
    }
