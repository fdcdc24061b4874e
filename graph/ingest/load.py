"""Loading an agency export: validation (:mod:`aim.canonical`) wired to batched writes
(:mod:`.batch`), with a report of what was read, loaded and rejected."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import chain
from pathlib import Path

from neo4j import Driver

from aim.canonical import CanonicalRow, Mapping, Organisation, Reject, RowWarning, Validated, read_csv
from aim.graph.store import batches, write_batched
from aim.settings import Settings, get_settings

from .batch import BatchCounts, BatchParams, plan_batch, write_plan
from .parts import disjoint_parts
from .rejects import write_rejects


@dataclass
class IngestReport:
    """What one load read, accepted, rejected (with the rows and why) and wrote."""

    source: str | None = None
    rows_read: int = 0
    rejected: int = 0
    written: BatchCounts = field(default_factory=BatchCounts)
    batches: int = 0
    warnings: Counter = field(default_factory=Counter)
    warning_examples: list[RowWarning] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    rejects_path: Path | None = None

    @property
    def accepted(self) -> int:
        return self.rows_read - self.rejected

    def absorb(self, counts: BatchCounts) -> None:
        self.written += counts
        self.batches += 1


# Neo4j Community runs a transaction on one thread: two writers on disjoint parts of a batch
# keep both of this machine's cores busy. A batch under two parts of PART_MIN_ROWS rows is
# written whole, as one transaction: splitting it would cost more in round trips than it gains.
WRITERS = 2
PART_MIN_ROWS = 1000


def ingest_validated(
    validated: Iterable[Validated],
    *,
    organisation: Organisation | None = None,
    driver: Driver,
    settings: Settings | None = None,
    on_batch=None,
    report: IngestReport | None = None,
) -> IngestReport:
    """Load validated rows batch by batch; rejects and warnings are collected in the report.

    One batch is written while the next is validated and planned. A large batch is written
    as parts that share no record, address or event, in concurrent transactions (each part
    atomic); batches still commit in file order. While every record and event the load has
    met was new to the graph (a first load), the batches after the first are written without
    the existence reads: the load's own records are known from the load (see
    ``write_plan``). A failed part stops the load with its exception once the batch's other
    parts have finished.
    """
    settings = settings or get_settings()
    report = report or IngestReport()
    with _rare_collections(), ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="aim-ingest") as writers:
        pending: list[tuple[BatchParams, Future]] = []
        pending_rows, loaded = 0, _LoadedRecords()
        for chunk in batches(validated, settings.ingest_batch_size):
            parts = _planned_parts(triage(chunk, report), organisation)
            if pending_rows:
                loaded.add([part for part, _ in pending], _finish(pending, pending_rows, report, on_batch, loaded.keys))
            if len(parts) > 1:  # upserted first: each part then finds them unchanged (a plain read), not locked
                write_batched(driver, settings.neo4j_database, "ingest/upsert_organisations", "organisations",
                              parts[0].organisations)
            write = partial(write_plan, driver=driver, settings=settings, loaded=loaded.keys)
            pending, pending_rows = [(part, writers.submit(write, part)) for part in parts], len(chunk)
        _finish(pending, pending_rows, report, on_batch, loaded.keys)
    return report


@dataclass
class _LoadedRecords:
    """The records a load has written, while every record and event it met was new to the
    graph (a first load): the ``hash`` of each record key, or None before its first batch is
    written and from the first batch that met one it had not written (every batch then
    reads the graph)."""

    keys: set[int] | None = None
    met_older: bool = False

    def add(self, parts: list[BatchParams], all_new: bool) -> None:
        if not parts:  # a chunk of rejects only tells nothing
            return
        self.met_older = self.met_older or not all_new
        if self.met_older:
            self.keys = None
            return
        self.keys = self.keys if self.keys is not None else set()
        self.keys.update(hash((r["source"], r["source_record_id"])) for part in parts for r in part.records)


@contextmanager
def _rare_collections():
    """Python's cycle collector run rarely for the load, as it was before it afterwards.

    The driver's results form reference cycles that keep their parameters (a few objects
    per row) until a collection; with the default thresholds the collector's passes over
    everything alive cost the loader about as much CPU as validating the rows.
    """
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)


def _planned_parts(rows: list[CanonicalRow], organisation: Organisation | None) -> list[BatchParams]:
    if not rows:
        return []
    plan = plan_batch(rows, organisation)
    return disjoint_parts(plan, WRITERS) if len(rows) >= WRITERS * PART_MIN_ROWS else [plan]


def triage(chunk: list[Validated], report: IngestReport) -> list[CanonicalRow]:
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


def _finish(pending: list[tuple[BatchParams, Future]], rows: int, report: IngestReport, on_batch,
            loaded: set[int] | None) -> bool:
    """Wait for a batch's parts; their counts go to the report as one batch. True when the
    batch created every record and event it holds, bar the records the load had written
    (``loaded``)."""
    written = sum((future.result() for _, future in pending), BatchCounts())
    if pending:
        report.absorb(written)
    if on_batch and rows:
        on_batch(rows)
    records = [(r["source"], r["source_record_id"]) for part, _ in pending for r in part.records]
    fresh = sum(1 for key in records if loaded is None or hash(key) not in loaded)
    return (written.new_records, written.new_events) == (fresh, sum(len(part.events) for part, _ in pending))


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
    driver: Driver,
    settings: Settings | None = None,
) -> IngestReport:
    """Validate and load one agency export. Raises ``MappingError`` before writing anything
    when the file as a whole cannot be read (empty, missing columns, bad mapping)."""
    path = Path(path)
    mapping = mapping or Mapping()
    rejects_path = fresh_rejects_path(path, rejects_path)
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
    return finish_rejects(report, rejects_path)


def fresh_rejects_path(path: Path, given: Path | None) -> Path:
    """Where the rejects of ``path`` go; a rejects file left by an earlier load is removed."""
    rejects_path = given or path.with_name(path.name + ".rejects.csv")
    rejects_path.unlink(missing_ok=True)
    return rejects_path


def finish_rejects(report: IngestReport, rejects_path: Path) -> IngestReport:
    """Write the rejects file when some rows were rejected, and say where it is."""
    if report.rejects:
        write_rejects(rejects_path, report.rejects)
        report.rejects_path = rejects_path
    return report
