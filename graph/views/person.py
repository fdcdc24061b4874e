"""The person view and timeline of a subject. Every function takes a (read) transaction;
the API writes the audit entry after it."""

from __future__ import annotations

from datetime import date

from neo4j import ManagedTransaction

from aim import cypher
from aim.graph.identity.keys import subject_id
from aim.graph.store import to_native

from .subject import Subject, age


def organisations(tx: ManagedTransaction) -> list[dict]:
    return [dict(r["organisation"]) for r in tx.run(cypher.load("api/organisations"))]


def person_records(tx: ManagedTransaction, subject: Subject) -> tuple[list[dict], list[dict]]:
    """The subject's records, latest first, and every partner organisation (none when the
    subject has no records)."""
    row = tx.run(cypher.load("api/person_records"), **subject.params()).single()
    out = []
    for r in row["records"]:
        record = {k: to_native(v) for k, v in dict(r["record"]).items()}
        if record.get("last_seen") == date.min:
            record["last_seen"] = None
        latest = r["latest_event"]
        out.append({
            "record": record,
            "organisation": r["organisation"],
            "address": dict(r["address"]) if r["address"] else None,
            "latest_event": {"date": to_native(latest["date"]), "kind": latest["type"]} if latest else None,
            "events": r["events"],
        })
    return out, [dict(o) for o in row["organisations"] or []]


def _activity(records: list[dict], organisations_: list[dict]) -> list[dict]:
    """One row per partner organisation: its latest activity about the subject (or none)
    and its service lead."""
    by_org: dict[str, dict] = {}
    for item in records:
        org = by_org.setdefault(item["organisation"], {"records": 0, "events": 0, "latest": None})
        org["records"] += 1
        org["events"] += item["events"]
        event = item["latest_event"]
        if event and (org["latest"] is None or event["date"] > org["latest"]["date"]):
            org["latest"] = event
    activity = []
    for org in organisations_:
        found = by_org.get(org["code"])
        event = found["latest"] if found else None
        activity.append({
            "organisation": org["code"],
            "name": org.get("name"),
            "kind": org.get("kind"),
            "known": found is not None,
            "latest_activity_date": event["date"] if event else None,
            "latest_activity_kind": event["kind"] if event else None,
            "activity": "no activity reported" if event is None else f"activity reported on {event['date'].isoformat()}",
            "events": found["events"] if found else 0,
            "lead": {"name": org.get("lead_name"), "phone": org.get("lead_phone"), "email": org.get("lead_email")},
        })
    return activity


def person_view(tx: ManagedTransaction, subject: Subject) -> dict | None:
    """For every partner organisation, its latest activity about the subject (or none),
    with the service lead contact; plus the subject's details and records."""
    records, organisations_ = person_records(tx, subject)
    if not records:
        return None
    latest = records[0]["record"]
    current = records[0]["address"] or {}
    return {
        "subject_id": subject.id,
        "first_name": latest.get("first_name"),
        "last_name": latest.get("last_name"),
        "date_of_birth": latest.get("date_of_birth"),
        "age": age(latest.get("date_of_birth")),
        "gender": latest.get("gender"),
        "address": current.get("line") or latest.get("address"),
        "postcode": current.get("postcode") or latest.get("postcode"),
        "activity": _activity(records, organisations_),
        "records": [
            {**item["record"], "organisation": item["organisation"], "events": item["events"]}
            for item in records
        ],
    }


def timeline(tx: ManagedTransaction, subject: Subject, *, since: date | None = None, until: date | None = None,
             organisation: str | None = None, kind: str | None = None, skip: int = 0,
             limit: int = 50) -> tuple[int, list[dict]] | None:
    """(events matching, the page of them), or None when there is no such subject."""
    row = tx.run(cypher.load("api/person_timeline"), **subject.params(), since=since, until=until,
                 organisation=organisation, kind=kind, skip=skip, limit=limit).single()
    if not row["records"]:
        return None
    events = [{**dict(e), "date": to_native(e["date"])} for e in row["events"]]
    return row["total"], events


def subject_record_ids(tx: ManagedTransaction, subject: Subject) -> list[str] | None:
    """The record subject ids of a subject, or None when it does not exist."""
    row = tx.run(cypher.load("api/subject_exists"), **subject.params()).single()
    if not row or not row["records"]:
        return None
    return [subject_id(source, source_record_id) for source, source_record_id in row["record_keys"]]


def stats(tx: ManagedTransaction, since: date | None = None) -> list[dict]:
    """Records and events per organisation (the analyst's aggregate view, no person data)."""
    return [
        {"organisation": r["organisation"], "records": r["records"], "events": [dict(e) for e in r["events"]]}
        for r in tx.run(cypher.load("api/stats"), since=since)
    ]
