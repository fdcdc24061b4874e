"""Ingest of the minimum data set into the graph: batched ``UNWIND`` in managed transactions.

Each batch is one transaction, so a failure mid-file (Neo4j stopped, say) leaves no
half-written batch; every write is a ``MERGE`` on a natural key, so re-running the same
file finishes the job and loading it twice changes nothing.
"""

from __future__ import annotations

import csv
import hashlib
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import chain, islice
from pathlib import Path

from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.canonical import CanonicalRow, Mapping, Organisation, Reject, RowWarning, Validated, read_csv
from aim.graph.db import get_driver
from aim.resolution.standardise import normalise_postcode
from aim.settings import Settings, get_settings

RECORD_DETAILS = (
    "first_name", "last_name", "middle_names", "date_of_birth", "gender", "gender_raw",
    "address", "postcode", "phone", "email", "nhs_number",
)
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class IngestReport:
    source: str | None = None
    rows_read: int = 0
    accepted: int = 0
    rejected: int = 0
    new_records: int = 0
    updated_records: int = 0
    new_events: int = 0
    batches: int = 0
    warnings: Counter = field(default_factory=Counter)
    warning_examples: list[RowWarning] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    rejects_path: Path | None = None

    def absorb(self, other: BatchCounts) -> None:
        self.new_records += other.new_records
        self.updated_records += other.updated_records
        self.new_events += other.new_events
        self.batches += 1


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
        list(records.values()),
        list(addresses.values()),
        list(events.values()),
    )


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
    driver: Driver | None = None,
    settings: Settings | None = None,
) -> BatchCounts:
    """Write one batch of valid rows in a single managed (retried, atomic) transaction."""
    settings = settings or get_settings()
    driver = driver or get_driver()
    with driver.session(database=settings.neo4j_database) as session:
        return session.execute_write(_write_batch, plan_batch(rows, organisation))


def _batches(items: Iterator[Validated], size: int) -> Iterator[list[Validated]]:
    while chunk := list(islice(items, size)):
        yield chunk


def ingest_validated(
    validated: Iterable[Validated],
    *,
    organisation: Organisation | None = None,
    driver: Driver | None = None,
    settings: Settings | None = None,
    on_batch=None,
    report: IngestReport | None = None,
) -> IngestReport:
    """Load validated rows batch by batch; rejects and warnings are collected in the report.

    One batch is written while the next is validated (a single writer thread, so batches
    still commit in file order); a failed batch stops the load with its exception.
    """
    settings = settings or get_settings()
    report = report or IngestReport()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="aim-ingest") as writer:
        pending: Future | None = None
        for chunk in _batches(iter(validated), settings.ingest_batch_size):
            good = _triage(chunk, report)
            if pending is not None:
                _finish(pending, report, on_batch)
            write = partial(write_rows, good, organisation, driver, settings) if good else None
            pending = writer.submit(_counted, write, len(good), len(chunk))
        if pending is not None:
            _finish(pending, report, on_batch)
    return report


def _triage(chunk: list[Validated], report: IngestReport) -> list[CanonicalRow]:
    """The usable rows of a chunk; rejects and warnings go to the report."""
    good: list[CanonicalRow] = []
    for item in chunk:
        report.rows_read += 1
        for warning in item.warnings:
            report.warnings[warning.field] += 1
            if len(report.warning_examples) < 20:
                report.warning_examples.append(warning)
        if item.row is None:
            report.rejected += 1
            report.rejects.append(item.reject)
        else:
            good.append(item.row)
    return good


def _counted(write, accepted: int, rows: int) -> tuple[BatchCounts | None, int, int]:
    return (write() if write else None), accepted, rows


def _finish(pending: Future, report: IngestReport, on_batch) -> None:
    counts, accepted, rows = pending.result()
    if counts is not None:
        report.absorb(counts)
    report.accepted += accepted
    if on_batch:
        on_batch(rows)


def safe_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def write_rejects(path: Path, rejects: list[Reject]) -> None:
    """The rejects file: line number, plain-English reason, then the row as it arrived."""
    columns: dict[str, None] = {}  # ordered set: a very wide file must not take O(n²)
    for reject in rejects:
        columns.update(dict.fromkeys(reject.raw))
    with open(path, "w", newline="", encoding="utf-8", errors="replace") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "reason", *(safe_cell(c) for c in columns)])  # headers come from the file too
        for reject in rejects:
            writer.writerow(
                [reject.line, safe_cell(reject.reason), *(safe_cell(reject.raw.get(c)) for c in columns)]
            )


def _count_lines(path: Path) -> int:
    with open(path, "rb") as handle:
        return max(sum(1 for _ in handle) - 1, 0)


def ingest_file(
    path: Path,
    *,
    source: str | None = None,
    mapping: Mapping | None = None,
    rejects_path: Path | None = None,
    progress: bool = True,
    driver: Driver | None = None,
    settings: Settings | None = None,
) -> IngestReport:
    """Validate and load one agency export. Raises ``MappingError`` before writing anything
    when the file as a whole cannot be read (empty, missing columns, bad mapping)."""
    path = Path(path)
    mapping = mapping or Mapping()
    rejects_path = rejects_path or path.with_name(path.name + ".rejects.csv")
    rejects_path.unlink(missing_ok=True)
    report = IngestReport(source=source or mapping.source, rejects_path=None)
    rows = read_csv(path, mapping, source)
    first = next(rows, None)  # reads the header: a bad file fails here, before any write
    validated = rows if first is None else chain([first], rows)
    if progress:
        from rich.progress import Progress

        with Progress(transient=False) as bar:
            task = bar.add_task(f"Ingesting {path.name}", total=_count_lines(path))
            ingest_validated(
                validated, organisation=mapping.organisation, driver=driver, settings=settings,
                on_batch=lambda n: bar.advance(task, n), report=report,
            )
    else:
        ingest_validated(validated, organisation=mapping.organisation, driver=driver, settings=settings, report=report)
    if report.rejects:
        write_rejects(rejects_path, report.rejects)
        report.rejects_path = rejects_path
    return report
