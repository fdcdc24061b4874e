"""One batch of the minimum data set written to the graph: batched ``UNWIND`` in one
managed transaction.

Each batch (or each part of a large batch, see :mod:`.parts`) is one transaction, so a
failure mid-file (Neo4j stopped, say) leaves no half-written one. A read at the start of the
batch finds which of its records (and of their events and addresses) exist: the new ones are
``CREATE``d in one pass (a first load takes no per-row ``MERGE`` locks), the others go
through ``MERGE`` upserts on their natural keys, so re-running the same file finishes the
job and loading it twice changes nothing.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from operator import attrgetter

from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import ConstraintError

from aim import cypher
from aim.canonical import CanonicalRow, Organisation
from aim.canonical.rows import standard_postcode
from aim.graph.store.db import Rows, causal_session, execute_write
from aim.settings import Settings, get_settings

RECORD_DETAILS = (
    "first_name", "last_name", "middle_names", "date_of_birth", "gender", "gender_raw",
    "address", "postcode", "phone", "email", "nhs_number",
)
NEW_ADDRESS = ("key", "line", "postcode", "postcode_valid", "outward")  # what create_addresses sets


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


_record_details = attrgetter(*RECORD_DETAILS)


def fingerprint(row: CanonicalRow) -> str:
    """Identifies a record's details, so that an ingest can say which records changed."""
    return _fingerprint(_record_details(row))


def _fingerprint(details: tuple) -> str:
    text = "|".join([str(value or "") for value in details])
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
    tie), matching what the Cypher does across batches. Dates travel as ISO text, read back
    by Cypher's ``date()``: the driver's encoding of a date object costs more than all of a
    row's other values together.
    """
    latest: dict[tuple[str, str], CanonicalRow] = {}
    addresses: dict[tuple[str, str, str], dict] = {}
    events: dict[tuple[str, str], dict] = {}
    for row in rows:
        key = (row.source, row.source_record_id)
        current = latest.get(key)
        if current is None or (row.event_date or date.min) >= (current.event_date or date.min):
            latest[key] = row
        day = _iso(row.event_date)
        address_key = _address_key(row)
        if address_key:
            link = addresses.get((*key, address_key))
            if link is None:  # built once per link: the postcode's parsing is not free
                addresses[(*key, address_key)] = {
                    "source": row.source,
                    "source_record_id": row.source_record_id,
                    "key": address_key,
                    "line": row.address_norm,
                    "postcode": row.postcode_norm,
                    "postcode_valid": row.postcode_valid,
                    "outward": standard_postcode(row.postcode_norm).outward,
                    "first_seen": day,
                    "last_seen": day,
                }
            elif day:  # ISO dates order as text
                link["first_seen"] = min(filter(None, (link["first_seen"], day)))
                link["last_seen"] = max(filter(None, (link["last_seen"], day)))
        if row.event_id:
            events[(row.source, row.event_id)] = {
                "source": row.source,
                "source_record_id": row.source_record_id,
                "event_id": row.event_id,
                "date": day,
                "type": row.event_type,
            }
    return BatchParams(_organisations(rows, organisation), [_record(row) for row in latest.values()],
                       list(addresses.values()), list(events.values()))


def _record(row: CanonicalRow) -> dict:
    """A record's entry, from its latest row; its fingerprint is taken once, from that row."""
    values = _record_details(row)
    details = dict(zip(RECORD_DETAILS, values))
    details["date_of_birth"] = _iso(row.date_of_birth)
    details["address_key"] = _address_key(row)
    return {
        "source": row.source,
        "source_record_id": row.source_record_id,
        "last_seen": _iso(row.event_date or date.min),
        "fingerprint": _fingerprint(values),
        "details": details,
    }


def _iso(day: date | None) -> str | None:
    return None if day is None else _iso_date(day)


# A batch repeats its dates (every event of a day, every row of a record): each is written out once.
_iso_date = lru_cache(maxsize=1 << 12)(date.isoformat)


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


def split_batch(tx: ManagedTransaction, batch: BatchParams,
                loaded: set[int] | None = None) -> tuple[FreshRecords, BatchParams]:
    """What of ``batch`` is new (created outright) and what must be merged with the graph.

    Two reads: the records, then the events and addresses of the new ones only, so that a
    re-load (every record known) reads each record once before its upserts. Given
    ``loaded`` (the ``hash`` of each record key that this load has written, when the graph
    held none of them), the addresses only: the records in ``loaded`` are merged, the
    others and every new record's events are created, and one that exists after all fails
    its uniqueness constraint.
    """
    keys = [(r["source"], r["source_record_id"]) for r in batch.records]
    if loaded is not None:
        known: dict[tuple[str, str], tuple | None] = {key: None for key in keys if hash(key) in loaded}
    else:
        held = tx.run(cypher.load("ingest/known_records"), records=Rows(list(key) for key in keys)).single()["known"]
        known = {(source, record_id): (last_seen, stored) for source, record_id, last_seen, stored in held}
    if len(known) == len(batch.records):  # every record known (a re-load): all goes through the upserts
        changed = [record for record, key in zip(batch.records, keys) if not _unchanged(record, known[key])]
        return FreshRecords([], []), BatchParams(batch.organisations, changed, batch.addresses, batch.events)
    fresh: dict[tuple[str, str], dict] = {}
    merged = BatchParams(batch.organisations, [], [], [])
    for record, key in zip(batch.records, keys):
        if key not in known:
            fresh[key] = record | {"addresses": [], "events": []}
        elif not _unchanged(record, known[key]):
            merged.records.append(record)
    links, events = [], []
    for link in batch.addresses:
        (links if (link["source"], link["source_record_id"]) in fresh else merged.addresses).append(link)
    for event in batch.events:
        (events if (event["source"], event["source_record_id"]) in fresh else merged.events).append(event)
    found = tx.run(cypher.load("ingest/known_events_and_addresses"),
                   events=Rows([] if loaded is not None else ([e["source"], e["event_id"]] for e in events)),
                   addresses=Rows({link["key"] for link in links})).single()
    known_events = set(map(tuple, found["events"]))
    known_addresses = set(found["addresses"])
    new_addresses: dict[str, dict] = {}
    for link in links:
        if link["key"] not in known_addresses and link["key"] not in new_addresses:
            # the first row of a key, as MERGE's ON CREATE
            new_addresses[link["key"]] = {name: link[name] for name in NEW_ADDRESS}
        fresh[(link["source"], link["source_record_id"])]["addresses"].append(
            {"key": link["key"], "first_seen": link["first_seen"], "last_seen": link["last_seen"]})
    for event in events:
        if (event["source"], event["event_id"]) in known_events:
            merged.events.append(event)  # an event that exists moves to its new record by upsert_events
        else:
            fresh[(event["source"], event["source_record_id"])]["events"].append(
                {"event_id": event["event_id"], "date": event["date"], "type": event["type"]})
    return FreshRecords(list(fresh.values()), list(new_addresses.values())), merged


def _unchanged(record: dict, held: tuple[str | None, str | None] | None) -> bool:
    """Whether upsert_records would leave the record as the graph holds it (``held``: its
    last_seen as ISO text and its fingerprint there, None when not read): such a record is
    not sent at all, which spares a re-load the packing and the server's read of every record."""
    if held is None or held[0] is None:
        return False
    last_seen, stored_fingerprint = held
    return record["last_seen"] < last_seen or (
        record["last_seen"] == last_seen and record["fingerprint"] == stored_fingerprint)


def _write_batch(tx: ManagedTransaction, batch: BatchParams, create_new: bool = True,
                 loaded: set[int] | None = None, part_of: dict[tuple[str, str], int] | None = None,
                 parts: int = 1) -> list[BatchCounts]:
    """Write one batch; its counts per part (``part_of``: each record key's part of
    ``parts``, when the batch gathers several submissions), the records new to the graph
    created together, the upserts of what the graph holds per part."""
    tx.run(cypher.load("ingest/upsert_organisations"), organisations=batch.organisations).consume()
    fresh, merged = split_batch(tx, batch, loaded) if create_new else (FreshRecords([], []), batch)
    # A fresh token per attempt: a retried transaction must not take the records that a
    # rolled-back attempt created for already existing.
    token = uuid.uuid4().hex
    _create_fresh(tx, fresh, token)
    def part(row: dict) -> int:
        return part_of[row["source"], row["source_record_id"]] if part_of else 0

    counts = [BatchCounts() for _ in range(parts)]
    for record in fresh.records:
        counts[part(record)].new_records += 1
        counts[part(record)].new_events += len(record["events"])
    each = [BatchParams(batch.organisations, [], [], []) for _ in range(parts)]
    for row in merged.records:
        each[part(row)].records.append(row)
    for row in merged.addresses:
        each[part(row)].addresses.append(row)
    for row in merged.events:
        each[part(row)].events.append(row)
    for n, upserts in enumerate(each):
        counts[n] += _upsert_merged(tx, upserts, token)
    return counts


def _create_fresh(tx: ManagedTransaction, fresh: FreshRecords, token: str) -> None:
    if fresh.addresses:
        tx.run(cypher.load("ingest/create_addresses"), addresses=Rows(fresh.addresses)).consume()
    if fresh.records:
        tx.run(cypher.load("ingest/create_records"), records=Rows(fresh.records), batch=token).consume()


def _upsert_merged(tx: ManagedTransaction, merged: BatchParams, token: str) -> BatchCounts:
    counts = BatchCounts()
    if merged.records:
        records = tx.run(cypher.load("ingest/upsert_records"), records=Rows(merged.records), batch=token)
        counts.updated_records = records.single()["updated"]
        counts.new_records += records.consume().counters.nodes_created
    if merged.addresses:
        tx.run(cypher.load("ingest/upsert_addresses"), addresses=Rows(merged.addresses)).consume()
    if merged.events:
        events = tx.run(cypher.load("ingest/upsert_events"), events=Rows(merged.events))
        counts.new_events += events.consume().counters.nodes_created
    return counts


def write_parts_in(tx: ManagedTransaction, parts: list[list[CanonicalRow]]) -> list[BatchCounts]:
    """:func:`write_rows_in` for several submissions' rows at once, as one batch, each part's
    counts its own. Parts that share a record or an event are written one after another
    instead, as submitted."""
    if not any(parts):
        return [BatchCounts() for _ in parts]
    keys = [{(row.source, row.source_record_id) for row in part} for part in parts]
    events = [{(row.source, row.event_id) for row in part if row.event_id} for part in parts]
    if sum(map(len, keys)) != len(set().union(*keys)) or sum(map(len, events)) != len(set().union(*events)):
        return [write_rows_in(tx, part) for part in parts]
    part_of = {key: n for n, part_keys in enumerate(keys) for key in part_keys}
    return _write_batch(tx, plan_batch([row for part in parts for row in part]), part_of=part_of, parts=len(parts))


def write_rows(
    rows: list[CanonicalRow],
    organisation: Organisation | None = None,
    *,
    driver: Driver,
    settings: Settings | None = None,
) -> BatchCounts:
    """Write one batch of valid rows in a single managed (retried, atomic) transaction."""
    return write_plan(plan_batch(rows, organisation), driver=driver, settings=settings)


def write_plan(plan: BatchParams, *, driver: Driver, settings: Settings | None = None,
               loaded: set[int] | None = None) -> BatchCounts:
    """Write one planned batch in a single managed (retried, atomic) transaction.

    A record, event or address created by another writer between this batch's existence
    read and its commit fails a uniqueness constraint; the batch is then written again with
    the MERGE upserts only, which wait for such a writer instead of failing. With
    ``loaded`` (see :func:`split_batch`) the batch is first written without the existence
    reads of records and events; when one exists after all, it is written again as without.
    """
    settings = settings or get_settings()
    with causal_session(driver, settings.neo4j_database) as session:
        if loaded is not None:
            try:
                return execute_write(session, _write_batch, plan, True, loaded)[0]
            except ConstraintError:
                pass
        try:
            return execute_write(session, _write_batch, plan)[0]
        except ConstraintError:
            return execute_write(session, _write_batch, plan, False)[0]


def write_rows_in(tx: ManagedTransaction, rows: list[CanonicalRow], *, create_new: bool = True) -> BatchCounts:
    """:func:`write_rows` inside the caller's transaction (an API submission writes its rows
    and its audit entry in one). A ConstraintError there (another writer
    created one of the records meanwhile) is the caller's to retry with ``create_new=False``."""
    return _write_batch(tx, plan_batch(rows), create_new)[0]
