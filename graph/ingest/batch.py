"""One batch of the minimum data set written to the graph: batched ``UNWIND`` in one
managed transaction.

Each batch is one transaction, so a failure mid-file (Neo4j stopped, say) leaves no
half-written batch; every write is a ``MERGE`` on a natural key, so re-running the same
file finishes the job and loading it twice changes nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date

from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.canonical import CanonicalRow, Organisation
from aim.resolution.standardise import normalise_postcode
from aim.settings import Settings, get_settings

RECORD_DETAILS = (
    "first_name", "last_name", "middle_names", "date_of_birth", "gender", "gender_raw",
    "address", "postcode", "phone", "email", "nhs_number",
)


@dataclass
class BatchCounts:
    new_records: int
    updated_records: int
    new_events: int


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
            link = addresses.setdefault(
                (*key, address_key),
                {
                    "source": row.source,
                    "source_record_id": row.source_record_id,
                    "key": address_key,
                    "line": row.address_norm,
                    "postcode": row.postcode_norm,
                    "postcode_valid": row.postcode_valid,
                    "outward": normalise_postcode(row.postcode_norm).outward,
                    "first_seen": row.event_date,
                    "last_seen": row.event_date,
                },
            )
            if row.event_date:
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


def _write_batch(tx: ManagedTransaction, batch: BatchParams) -> BatchCounts:
    tx.run(cypher.load("ingest/upsert_organisations"), organisations=batch.organisations).consume()
    # A fresh token per attempt: a retried transaction must not take the records that a
    # rolled-back attempt created for already existing.
    records = tx.run(cypher.load("ingest/upsert_records"), records=batch.records, batch=uuid.uuid4().hex)
    updated = records.single()["updated"]
    new_records = records.consume().counters.nodes_created
    tx.run(cypher.load("ingest/upsert_addresses"), addresses=batch.addresses).consume()
    new_events = tx.run(cypher.load("ingest/upsert_events"), events=batch.events).consume().counters.nodes_created
    return BatchCounts(new_records=new_records, updated_records=updated, new_events=new_events)


def write_rows(
    rows: list[CanonicalRow],
    organisation: Organisation | None = None,
    *,
    driver: Driver,
    settings: Settings | None = None,
) -> BatchCounts:
    """Write one batch of valid rows in a single managed (retried, atomic) transaction."""
    settings = settings or get_settings()
    with driver.session(database=settings.neo4j_database) as session:
        return session.execute_write(_write_batch, plan_batch(rows, organisation))
