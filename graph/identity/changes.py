"""Writing an id assignment (:mod:`.ids`) as persons, memberships, tombstones and
``ResolutionEvent`` nodes: planned here without the database, written in one
transaction (:func:`apply_in_tx`) or in batches (the batch run)."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Hashable, Iterable

from neo4j import ManagedTransaction

from aim import cypher

from .ids import Assignment
from .keys import split_key


def _mode(values: Iterable[str | None]) -> str | None:
    c = Counter(v for v in values if v)
    if not c:
        return None
    top = max(c.values())
    return min(v for v, n in c.items() if n == top)


def person_details(members: list[str], details: dict[str, dict]) -> dict:
    """Display fields of a person: the commonest value of each field among its records."""
    recs = [details[m] for m in members if m in details]
    out = {
        "first_name": _mode(r.get("first_name") for r in recs),
        "last_name": _mode(r.get("last_name") for r in recs),
        "gender": _mode(r.get("gender") for r in recs),
        "record_count": len(members),
        "sources": sorted({split_key(m)[0] for m in members}),
    }
    dob = _mode(r.get("date_of_birth") for r in recs)
    return {"person_id": None, "details": out, "date_of_birth": dob}


def event_rows(events: list[dict], *, model_version: str | None, run_id: str, by: str,
               reason: str | None) -> list[dict]:
    return [{"event_id": str(uuid.uuid4()), "kind": e["kind"], "person_ids": e["person_ids"],
             "record_keys": e.get("record_keys", []), "merged_into": e.get("merged_into"),
             "model_version": model_version, "run_id": run_id, "by": by, "reason": reason}
            for e in events]


def plan_writes(a: Assignment, groups: dict[Hashable, list[str]], details: dict[str, dict]):
    """The persons to write (new or changed), the records that move, the ids retired."""
    persons = []
    for label, members in groups.items():
        pid = a.ids[label]
        if pid in a.changed_ids:
            row = person_details(members, details)
            row["person_id"] = pid
            persons.append(row)
    moves = [dict(zip(("source", "source_record_id"), split_key(m)), person_id=pid) for m, pid in a.moved.items()]
    retire = [{"person_id": oid, "status": st, "merged_into": into} for oid, (st, into) in a.retired.items()]
    return persons, moves, retire


def apply_in_tx(tx: ManagedTransaction, a: Assignment, groups, details, *, model_version, by, reason,
                run_id=None) -> None:
    """Write an assignment inside one transaction, in one round trip (real-time and
    manual paths)."""
    persons, moves, retire = plan_writes(a, groups, details)
    if not (persons or moves or retire or a.events):
        return
    events = event_rows(a.events, model_version=model_version, run_id=run_id or str(uuid.uuid4()), by=by,
                        reason=reason)
    tx.run(cypher.load("resolution/apply_changes"), persons=persons, moves=moves, retire=retire,
           events=events).consume()
