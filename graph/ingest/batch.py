"""One batch of the minimum data set written to the graph: batched ``UNWIND`` in one
managed transaction.

Each batch is one transaction, so a failure mid-file (Neo4j stopped, say) leaves no
half-written batch. A read at the start of the batch finds which of its records (and of
their events and addresses) exist: the new ones are ``CREATE``d in one pass (a first load
takes no per-row ``MERGE`` locks), the others go through ``MERGE`` upserts on their natural
keys, so re-running the same file finishes the job and loading it twice changes nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date

from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import ConstraintError

from aim import cypher
from aim.canonical import CanonicalRow, Organisation
from aim.resolution.standardise import normalise_postcode
from aim.graph.store.db import causal_session, execute_write
from aim.settings import Settings, get_settings

RECORD_DETAILS = (
    "first_name", "last_name", "middle_names", "date_of_birth", "gender", "gender_raw",
    "address", "postcode", "phone", "email", "nhs_number",
)


@dataclass
class BatchCounts:
    """What a write changed: records created and updated, events created."""

    new_records: int = 0
    updated_records: int = 0
    new_events: int = 0

    def __add__(self, other: BatchCounts) -> BatchCounts:
        return BatchCounts(self.new_records + other.new_records, self.updated_records + other.updated_records,
                           self.new_events + other.new_events)


@dataclass
class BatchParams:
    """The parameters of one batch: records, their addresses and events, de-duplicated."""

    organisations: list[dict]
    records: list[dict]
    addresses: list[dict]
    events: list[dict]


def fingerprint(row: CanonicalRow) -> str:
    """Identifies a record's details, so that an ingest can say which records changed."""
    text = "|".join(str(getattr(row, name) or "") for name in RECORD_DETAILS)
    return hashlib.sha1(text.encode()).hexdigest()


def _organisations(rows: list[CanonicalRow], organisation: Organisation | None) -> list[dict]:
    details: dict[str, dict] = {}
    for row in rows:
        found = details.setdefault(row.source, {})
        for key in ("lead_name", "lead_phone", "lead_email"):
            if getattr(row, key):
                found[key] = getattr(row, key)
    if organisation is not None:
        given = organisation.model_dump(exclude_none=True)
        for found in details.values():
            found.update({k: v for k, v in given.items() if k not in found})
    return [{"code": code, "details": found} for code, found in details.items()]


def plan_batch(rows: list[CanonicalRow], organisation: Organisation | None = None) -> BatchParams:
    """Collapse a batch's rows into one entry per record, address link and event.

    A record's details come from its row with the latest event date (the later row on a
    tie), matching what the Cypher does across batches.
    """
    records: dict[tuple[str, str], dict] = {}
    addresses: dict[tuple[str, str, str], dict] = {}
    events: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (row.source, row.source_record_id)
        seen = row.event_date or date.min
        current = records.get(key)
        if current is None or seen >= current["last_seen"]:
            records[key] = {
                "source": row.source,
                "source_record_id": row.source_record_id,
                "last_seen": seen,
                "fingerprint": fingerprint(row),
                "details": {name: getattr(row, name) for name in RECORD_DETAILS}
                | {"address_key": _address_key(row)},
            }
        address_key = _address_key(row)
        if address_key:
            link = addresses.get((*key, address_key))
            if link is None:  # built once per link: the postcode's parsing is not free
                link = addresses[(*key, address_key)] = {
                    "source": row.source,
                    "source_record_id": row.source_record_id,
                    "key": address_key,
                    "line": row.address_norm,
                    "postcode": row.postcode_norm,
                    "postcode_valid": row.postcode_valid,
                    "outward": normalise_postcode(row.postcode_norm).outward,
                    "first_seen": row.event_date,
                    "last_seen": row.event_date,
                }
            elif row.event_date:
                link["first_seen"] = min(filter(None, (link["first_seen"], row.event_date)))
                link["last_seen"] = max(filter(None, (link["last_seen"], row.event_date)))
        if row.event_id:
            events[(row.source, row.event_id)] = {
                "source": row.source,
                "source_record_id": row.source_record_id,
                "event_id": row.event_id,
                "date": row.event_date,
                "type": row.event_type,
            }
    return BatchParams(
        _organisations(rows, organisation),
        [_dates_as_text(record, "last_seen") for record in records.values()],
        [_dates_as_text(link, "first_seen", "last_seen") for link in addresses.values()],
        [_dates_as_text(event, "date") for event in events.values()],
    )


def _dates_as_text(entry: dict, *names: str) -> dict:
    """Dates travel as ISO text, read back by Cypher's ``date()``: the driver's encoding of a
    date object costs more than all of a row's other values together."""
    for name in names:
        entry[name] = _iso(entry[name])
    if "details" in entry:
        entry["details"]["date_of_birth"] = _iso(entry["details"]["date_of_birth"])
    return entry


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _address_key(row: CanonicalRow) -> str | None:
    if not row.address_norm and not row.postcode_norm:
        return None
    return f"{row.address_norm}|{row.postcode_norm}"


@dataclass
class FreshRecords:
    """The part of a batch that the graph does not hold: records to create with their links
    and events, and the addresses they introduce (one entry a key)."""

    records: list[dict]
    addresses: list[dict]


def split_batch(tx: ManagedTransaction, batch: BatchParams) -> tuple[FreshRecords, BatchParams]:
    """What of ``batch`` is new (created outright) and what must be merged with the graph.

    Two reads: the records, then the events and addresses of the new ones only, so that a
    re-load (every record known) reads each record once before its upserts.
    """
    known = tx.run(cypher.load("ingest/known_records"),
                   records=[[r["source"], r["source_record_id"]] for r in batch.records]).single()["known"]
    known_records = {tuple(key) for key in known}
    fresh: dict[tuple[str, str], dict] = {}
    merged = BatchParams(batch.organisations, [], [], [])
    for record in batch.records:
        key = (record["source"], record["source_record_id"])
        if key in known_records:
            merged.records.append(record)
        else:
            fresh[key] = record | {"addresses": [], "events": []}
    links = [link for link in batch.addresses if (link["source"], link["source_record_id"]) in fresh]
    events = [event for event in batch.events if (event["source"], event["source_record_id"]) in fresh]
    merged.addresses = [link for link in batch.addresses if (link["source"], link["source_record_id"]) not in fresh]
    merged.events = [event for event in batch.events if (event["source"], event["source_record_id"]) not in fresh]
    if not fresh:
        return FreshRecords([], []), merged
    found = tx.run(cypher.load("ingest/known_events_and_addresses"),
                   events=[[e["source"], e["event_id"]] for e in events],
                   addresses=list({link["key"] for link in links})).single()
    known_events = {tuple(key) for key in found["events"]}
    known_addresses = set(found["addresses"])
    new_addresses: dict[str, dict] = {}
    for link in links:
        if link["key"] not in known_addresses:
            new_addresses.setdefault(link["key"], link)  # the first row of a key, as MERGE's ON CREATE
        fresh[(link["source"], link["source_record_id"])]["addresses"].append(
            {name: link[name] for name in ("key", "first_seen", "last_seen")})
    for event in events:
        if (event["source"], event["event_id"]) in known_events:
            merged.events.append(event)  # an event that exists moves to its new record by upsert_events
        else:
            fresh[(event["source"], event["source_record_id"])]["events"].append(
                {name: event[name] for name in ("event_id", "date", "type")})
    return FreshRecords(list(fresh.values()), list(new_addresses.values())), merged


def _write_batch(tx: ManagedTransaction, batch: BatchParams, create_new: bool = True) -> BatchCounts:
    tx.run(cypher.load("ingest/upsert_organisations"), organisations=batch.organisations).consume()
    fresh, merged = split_batch(tx, batch) if create_new else (FreshRecords([], []), batch)
    # A fresh token per attempt: a retried transaction must not take the records that a
    # rolled-back attempt created for already existing.
    token = uuid.uuid4().hex
    counts = BatchCounts(new_records=len(fresh.records), updated_records=0,
                         new_events=sum(len(record["events"]) for record in fresh.records))
    if fresh.addresses:
        tx.run(cypher.load("ingest/create_addresses"), addresses=fresh.addresses).consume()
    if fresh.records:
        tx.run(cypher.load("ingest/create_records"), records=fresh.records, batch=token).consume()
    if merged.records:
        records = tx.run(cypher.load("ingest/upsert_records"), records=merged.records, batch=token)
        counts.updated_records = records.single()["updated"]
        counts.new_records += records.consume().counters.nodes_created
    if merged.addresses:
        tx.run(cypher.load("ingest/upsert_addresses"), addresses=merged.addresses).consume()
    if merged.events:
        events = tx.run(cypher.load("ingest/upsert_events"), events=merged.events)
        counts.new_events += events.consume().counters.nodes_created
    return counts


def write_rows(
    rows: list[CanonicalRow],
    organisation: Organisation | None = None,
    *,
    driver: Driver,
    settings: Settings | None = None,
) -> BatchCounts:
    """Write one batch of valid rows in a single managed (retried, atomic) transaction.

    A record, event or address created by another writer between this batch's existence
    read and its commit fails a uniqueness constraint; the batch is then written again with
    the MERGE upserts only, which wait for such a writer instead of failing.
    """
    settings = settings or get_settings()
    plan = plan_batch(rows, organisation)
    with causal_session(driver, settings.neo4j_database) as session:
        try:
            return execute_write(session, _write_batch, plan)
        except ConstraintError:
            return execute_write(session, _write_batch, plan, False)


def write_rows_in(tx: ManagedTransaction, rows: list[CanonicalRow], *, create_new: bool = True) -> BatchCounts:
    """:func:`write_rows` inside the caller's transaction (an API submission writes its rows,
    their resolution and its audit entry in one). A ConstraintError there (another writer
    created one of the records meanwhile) is the caller's to retry with ``create_new=False``."""
    return _write_batch(tx, plan_batch(rows), create_new)
