"""Ingest into the real Neo4j: idempotence, rejects, corrections, atomic batches, crashes."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from aim.canonical import Mapping, Organisation, validate_row
from aim.graph.ingest import batch as ingest_module
from aim.graph.ingest import BatchCounts, ingest_file, ingest_validated, write_rows
from aim.graph.store import get_driver
from aim.resolution.standardise import normalise_address
from tests.factories import as_canonical, canonical_rows, write_csv
from tests.graph_helpers import counts, wipe
from tests.threads import run_together

pytestmark = pytest.mark.neo4j


def _load(path, settings, **kwargs):
    return ingest_file(path, source="WMP", progress=False, driver=get_driver(), settings=settings, **kwargs)


def test_loading_a_file_twice_changes_nothing(graph, settings, tmp_path):
    path = write_csv(tmp_path / "wmp.csv", canonical_rows(400))
    first = _load(path, settings)
    after_first = counts(graph, settings.neo4j_database)
    second = _load(path, settings)
    assert counts(graph, settings.neo4j_database) == after_first
    assert first.written == BatchCounts(new_records=200, new_events=400)
    assert second.written == BatchCounts()
    assert after_first[":Record"] == 200 and after_first[":Event"] == 400
    assert after_first["-HAS_EVENT->"] == 400 and after_first["-HELD_BY->"] == 200


def test_five_malformed_rows_among_a_thousand(graph, settings, tmp_path):
    rows = canonical_rows(1000)
    for index, change in zip(
        (10, 200, 400, 600, 999),
        ({"date_of_birth": "31/02/2001"}, {"first_name": "", "last_name": ""},
         {"event_date": ""}, {"date_of_birth": "01/01/2099"}, {"event_date": "not a date"}),
        strict=True,
    ):
        rows[index].update(change)
    path = write_csv(tmp_path / "wmp.csv", rows)
    report = _load(path, settings)
    assert (report.rows_read, report.accepted, report.rejected) == (1000, 995, 5)
    rejects = report.rejects_path.read_text().splitlines()
    assert len(rejects) == 6
    assert [line.split(",")[0] for line in rejects[1:]] == ["12", "202", "402", "602", "1001"]
    events, _, _ = graph.execute_query("MATCH (e:Event) RETURN count(e) AS n")
    assert events[0]["n"] == 995


def test_a_corrected_row_updates_the_record(graph, settings, tmp_path):
    rows = canonical_rows(2, events_per_record=1)
    _load(write_csv(tmp_path / "a.csv", rows), settings)
    rows[0]["first_name"] = "Corrected"
    report = _load(write_csv(tmp_path / "b.csv", rows), settings)
    assert (report.written.new_records, report.written.updated_records) == (0, 1)
    found, _, _ = graph.execute_query(
        "MATCH (r:Record {source: 'WMP', source_record_id: $id}) RETURN r.first_name AS name",
        id=rows[0]["source_record_id"],
    )
    assert [r["name"] for r in found] == ["Corrected"]


def test_an_older_row_never_overwrites_a_newer_one(graph, settings, tmp_path):
    newer, older = canonical_rows(2, events_per_record=2)
    newer.update(event_date="01/06/2025", address="9 New Road")
    older.update(event_date="01/01/2025", address="1 Old Road")
    _load(write_csv(tmp_path / "a.csv", [newer, older]), settings)
    found, _, _ = graph.execute_query(
        "MATCH (r:Record)-[l:LIVES_AT]->(a:Address) RETURN r.address AS current, a.line AS line, "
        "toString(l.first_seen) AS seen ORDER BY seen"
    )
    assert [(r["current"], r["line"], r["seen"]) for r in found] == [
        ("9 New Road", "1 OLD ROAD", "2025-01-01"),
        ("9 New Road", "9 NEW ROAD", "2025-06-01"),
    ]


def test_a_later_file_older_or_tied_on_date_keeps_latest_wins_and_still_adds_events_and_addresses(
        graph, settings, tmp_path):
    older, tied, same = canonical_rows(3, events_per_record=1)
    _load(write_csv(tmp_path / "a.csv", [older, tied, same]), settings)
    stale = older | {"event_id": "E-OLD", "event_date": "01/01/2020", "first_name": "Stale", "address": "5 Old Road"}
    report = _load(write_csv(tmp_path / "b.csv", [stale, tied | {"first_name": "Tied"}, same]), settings)
    assert report.written == BatchCounts(new_records=0, updated_records=1, new_events=1)
    found, _, _ = graph.execute_query(
        "MATCH (r:Record) RETURN r.source_record_id AS id, r.first_name AS name, "
        "[(r)-[:HAS_EVENT]->(e) | e.event_id] AS events, [(r)-[:LIVES_AT]->(a) | a.line] AS lines ORDER BY id")
    assert [(r["id"], r["name"], sorted(r["events"]), sorted(r["lines"])) for r in found] == [
        (older["source_record_id"], older["first_name"], sorted(["E-OLD", older["event_id"]]),
         sorted(["5 OLD ROAD", normalise_address(older["address"])])),
        (tied["source_record_id"], "Tied", [tied["event_id"]], [normalise_address(tied["address"])]),
        (same["source_record_id"], same["first_name"], [same["event_id"]], [normalise_address(same["address"])]),
    ]


def test_the_mapping_names_the_organisation(graph, settings, tmp_path):
    mapping = Mapping(source="WMP", organisation=Organisation(name="West Midlands Police", kind="police",
                                                               lead_email="mash@wmp.example"))
    ingest_file(write_csv(tmp_path / "a.csv", canonical_rows(2)), mapping=mapping, progress=False, driver=graph,
                settings=settings)
    found, _, _ = graph.execute_query("MATCH (o:Organisation) RETURN o.code AS code, o.name AS name, o.lead_email AS lead")
    assert [dict(r) for r in found] == [{"code": "WMP", "name": "West Midlands Police", "lead": "mash@wmp.example"}]


def test_a_failing_batch_leaves_nothing_half_written(graph, settings, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "wmp.csv", canonical_rows(30))
    small = settings.model_copy(update={"ingest_batch_size": 10})
    calls = {"n": 0}
    real = ingest_module._write_batch

    def fail_on_second_batch(tx, batch, *how):
        calls["n"] += 1
        result = real(tx, batch, *how)
        if calls["n"] == 2:
            raise RuntimeError("simulated failure after the batch's writes, before commit")
        return result

    monkeypatch.setattr(ingest_module, "_write_batch", fail_on_second_batch)
    with pytest.raises(RuntimeError):
        ingest_file(path, source="WMP", progress=False, driver=graph, settings=small)
    assert counts(graph, settings.neo4j_database)[":Event"] == 10  # the first batch only
    monkeypatch.setattr(ingest_module, "_write_batch", real)
    ingest_file(path, source="WMP", progress=False, driver=graph, settings=small)
    assert counts(graph, settings.neo4j_database)[":Event"] == 30


def test_two_writers_creating_the_same_records_at_once_leave_one_of_each(graph, settings, monkeypatch):
    first, *rows = as_canonical(canonical_rows(42)[1:])
    write_rows([first], driver=graph, settings=settings)  # the organisation exists, as in a second file
    both_read = threading.Barrier(2, timeout=30)
    real = ingest_module.split_batch
    first_splits = []

    def read_then_wait(tx, batch, *how):
        split = real(tx, batch, *how)
        if len(first_splits) < 2:  # the retry after the constraint failure does not wait
            first_splits.append(split)
            both_read.wait()  # both found nothing, so both CREATE the same records
        return split

    monkeypatch.setattr(ingest_module, "split_batch", read_then_wait)
    reports = []
    errors = run_together([lambda: reports.append(write_rows(rows, driver=graph, settings=settings))] * 2, 60)
    assert errors == []
    assert [len(fresh.records) for fresh, _ in first_splits] == [20, 20]
    assert sorted(report.new_records for report in reports) == [0, 20]
    assert sorted(report.new_events for report in reports) == [0, 40]
    assert counts(graph, settings.neo4j_database) == {
        ":Address": 21, ":Event": 41, ":Organisation": 1, ":Record": 21,
        "-HAS_EVENT->": 41, "-HELD_BY->": 21, "-LIVES_AT->": 21,
    }


@pytest.mark.slow
def test_neo4j_killed_mid_ingest_then_rerun_matches_an_uninterrupted_load(graph, settings, neo4j_server, tmp_path):
    # 12 batches of 1,000 rows: the kill, once 3,000 events are in, leaves nine to go (several
    # seconds of writing), so it always lands mid-load; a bigger file only makes both loads longer.
    path = write_csv(tmp_path / "big.csv", canonical_rows(12_000))
    _load(path, settings)
    expected = counts(graph, settings.neo4j_database)
    wipe(graph, settings.neo4j_database)

    env = os.environ | {"AIM_INGEST_BATCH_SIZE": "1000", "AIM_NEO4J_RETRY_TIME": "2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "aim.cli", "ingest", str(path), "--source", "WMP"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        loaded, _, _ = graph.execute_query("MATCH (e:Event) RETURN count(e) AS n")
        if loaded[0]["n"] >= 3000:
            break
        time.sleep(0.2)
    neo4j_server.kill()
    output, _ = process.communicate(timeout=120)
    assert process.returncode != 0, output.decode()
    neo4j_server.start()
    interrupted = counts(graph, settings.neo4j_database)
    assert 3000 <= interrupted.get(":Event", 0) < expected[":Event"]
    assert interrupted.get(":Event", 0) % 1000 == 0  # whole batches only

    _load(path, settings)
    assert counts(graph, settings.neo4j_database) == expected


def test_a_first_load_that_meets_its_own_records_again_and_then_an_older_one(graph, settings, tmp_path):
    """After all-new batches a load writes without existence reads: a record it wrote in an
    earlier batch is merged, and a record another load wrote fails the uniqueness constraint,
    so that batch is written again with the reads."""
    rows = canonical_rows(60, events_per_record=1)
    small = settings.model_copy(update={"ingest_batch_size": 10})
    ingest_file(write_csv(tmp_path / "older.csv", rows[50:]), source="WMP", progress=False, driver=graph,
                settings=small)
    own = dict(rows[3], first_name="Again", event_id="E-own", event_date="01/11/2026")
    older = dict(rows[55], first_name="Corrected", event_id="E-older", event_date="01/11/2026")
    report = ingest_file(write_csv(tmp_path / "wmp.csv", rows[:30] + [own] + rows[30:50] + [older]), source="WMP",
                         progress=False, driver=graph, settings=small)
    assert report.written == BatchCounts(new_records=50, updated_records=2, new_events=52)
    found, _, _ = graph.execute_query(
        "MATCH (r:Record)-[:HAS_EVENT]->(e:Event) WHERE e.event_id IN ['E-own', 'E-older'] "
        "RETURN r.source_record_id AS id, r.first_name AS name ORDER BY id")
    assert [(r["id"], r["name"]) for r in found] == [(own["source_record_id"], "Again"),
                                                      (older["source_record_id"], "Corrected")]
    assert counts(graph, settings.neo4j_database)[":Record"] == 60


def test_progress_counts_every_row_read_rejected_chunks_included(graph, settings):
    rows = canonical_rows(30)
    for row in rows[10:20]:
        row["date_of_birth"] = "31/02/2001"
    validated = [validate_row(row, i, Mapping(), source="WMP") for i, row in enumerate(rows)]
    progress = []
    report = ingest_validated(validated, driver=graph, settings=settings.model_copy(update={"ingest_batch_size": 10}),
                              on_batch=progress.append)
    assert progress == [10, 10, 10]
    assert (report.rejected, report.batches, report.written.new_records) == (10, 2, 10)


def _parts_written(driver, settings, parts: list[list]) -> list[BatchCounts]:
    with driver.session(database=settings.neo4j_database) as session:
        return session.execute_write(ingest_module.write_parts_in, [as_canonical(part) for part in parts])


def test_several_submissions_written_as_one_batch_each_get_their_own_counts(graph, settings):
    rows = canonical_rows(12)  # six records, two events each
    write_rows(as_canonical(rows[:4]), driver=graph, settings=settings)  # R0, R1 known already
    corrected = [dict(row, first_name="Changed", event_id=row["event_id"] + "X") for row in rows[2:4]]
    parts = [rows[4:8], corrected, rows[8:10], []]  # new R2-R3; R1 corrected with a new event; new R4
    before = counts(graph, settings.neo4j_database)
    written = _parts_written(graph, settings, parts)
    assert written == [BatchCounts(new_records=2, new_events=4), BatchCounts(updated_records=1, new_events=2),
                       BatchCounts(new_records=1, new_events=2), BatchCounts()]
    after = counts(graph, settings.neo4j_database)
    assert after[":Record"] - before[":Record"] == 3 and after[":Event"] - before[":Event"] == 8


def test_submissions_sharing_a_record_are_written_one_after_another(graph, settings):
    rows = canonical_rows(4)  # two records, two events each
    later = [dict(row, first_name="Changed") for row in rows[:2]]  # the first record again, corrected
    assert _parts_written(graph, settings, [rows[:2], later]) == [
        BatchCounts(new_records=1, new_events=2), BatchCounts(updated_records=1)]
    assert _parts_written(graph, settings, [rows[2:], rows[2:]]) == [
        BatchCounts(new_records=1, new_events=2), BatchCounts()]
