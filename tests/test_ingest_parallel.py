"""Parallel writers: a large batch is written as parts that share no record, address or event,
in concurrent transactions, and the graph is the one a single writer builds (real Neo4j)."""

from __future__ import annotations

from collections import Counter

import pytest

from aim.graph.ingest import ingest_file, load as load_module, plan_batch
from aim.graph.ingest.parts import disjoint_parts
from tests.factories import as_canonical, canonical_rows, write_csv
from tests.graph_helpers import counts, graph_content, wipe
from tests.threads import run_together

BATCH = 2 * load_module.PART_MIN_ROWS  # the smallest batch that is split


def _rows() -> list[dict]:
    """Three batches of rows with households (records sharing an address), events that move
    to a later record (within a batch and across batches) and a record whose rows span two
    batches with one event date (the later row wins)."""
    rows = canonical_rows(3 * BATCH)
    for i in range(10, len(rows), 10):  # every fifth record also lives where the one before it lives
        rows[i].update(address=rows[i - 2]["address"], postcode=rows[i - 2]["postcode"])
    rows[BATCH - 500]["event_id"] = rows[100]["event_id"]
    rows[BATCH + 500]["event_id"] = rows[BATCH - 300]["event_id"]
    rows[BATCH + 1].update(source_record_id=rows[BATCH - 1]["source_record_id"],
                           event_date=rows[BATCH - 1]["event_date"], first_name="Later")
    return rows


def _keys(part) -> tuple[set, set, set]:
    return ({(r["source"], r["source_record_id"]) for r in part.records}, {a["key"] for a in part.addresses},
            {(e["source"], e["event_id"]) for e in part.events})


def test_the_parts_of_a_batch_share_no_record_address_or_event():
    plan = plan_batch(as_canonical(_rows()[:BATCH]))
    first, second = disjoint_parts(plan, 2)
    for mine, theirs in zip(_keys(first), _keys(second)):
        assert mine and theirs and not mine & theirs
    assert abs(len(first.records) - len(second.records)) <= 2  # balanced
    for name in ("records", "addresses", "events"):  # every entry once, in the batch's order
        whole = getattr(plan, name)
        for part in (first, second):
            assert [entry for entry in whole if entry in getattr(part, name)] == getattr(part, name)
        assert len(getattr(first, name)) + len(getattr(second, name)) == len(whole)
    shared = Counter(link["key"] for link in plan.addresses).most_common(1)[0][0]
    household = {(link["source"], link["source_record_id"]) for link in plan.addresses if link["key"] == shared}
    assert len(household) == 2 and household <= _keys(first)[0] | _keys(second)[0]
    assert any(household <= _keys(part)[0] for part in (first, second))


@pytest.mark.neo4j
def test_parallel_writers_build_the_graph_one_writer_builds(graph, settings, tmp_path, monkeypatch):
    path = write_csv(tmp_path / "wmp.csv", _rows())
    batches = settings.model_copy(update={"ingest_batch_size": BATCH})
    monkeypatch.setattr(load_module, "PART_MIN_ROWS", len(_rows()))  # no batch is split
    whole = ingest_file(path, progress=False, driver=graph, settings=batches)
    expected = graph_content(graph, settings.neo4j_database)
    wipe(graph, settings.neo4j_database)

    monkeypatch.undo()
    split = []
    real = load_module.disjoint_parts
    monkeypatch.setattr(load_module, "disjoint_parts", lambda plan, n: split.append(real(plan, n)) or split[-1])
    parallel = ingest_file(path, progress=False, driver=graph, settings=batches)

    assert [len(parts) for parts in split] == [2, 2, 2]
    assert graph_content(graph, settings.neo4j_database) == expected
    assert parallel.written == whole.written
    moved, _, _ = graph.execute_query(
        "MATCH (r:Record)-[:HAS_EVENT]->(e:Event {event_id: $id}) RETURN r.source_record_id AS id",
        id=_rows()[BATCH + 500]["event_id"])
    assert [r["id"] for r in moved] == [_rows()[BATCH + 500]["source_record_id"]]


@pytest.mark.neo4j
def test_two_concurrent_loads_of_overlapping_files_build_the_graph_of_one_sequential_load(graph, settings,
                                                                                            tmp_path):
    rows = _rows()
    early = write_csv(tmp_path / "early.csv", rows[:2 * BATCH])
    late = write_csv(tmp_path / "late.csv", rows[BATCH:])
    batches = settings.model_copy(update={"ingest_batch_size": BATCH})
    for path in (early, late):
        ingest_file(path, progress=False, driver=graph, settings=batches)
    expected = graph_content(graph, settings.neo4j_database)
    expected_counts = counts(graph, settings.neo4j_database)
    wipe(graph, settings.neo4j_database)

    errors = run_together([lambda path=path: ingest_file(path, progress=False, driver=graph, settings=batches)
                           for path in (early, late)], 300)

    assert errors == []
    assert counts(graph, settings.neo4j_database) == expected_counts
    assert graph_content(graph, settings.neo4j_database) == expected
