"""``aim ingest --bulk``: Neo4j's offline importer builds the graph the batched path builds,
and refuses a database that holds data. Each test restarts the local test server."""

from __future__ import annotations

import pytest

from aim.canonical import Mapping, Organisation
from aim.graph.ingest import BulkIngestError, bulk_ingest_file, ingest_file
from tests.factories import canonical_rows, write_csv
from tests.graph_helpers import counts, graph_content, wipe

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


def _mixed_rows() -> list[dict]:
    """A record corrected by a later row, an older row after a newer one, an event that moves
    to another record, an empty middle name, two records at one address and a malformed row."""
    rows = canonical_rows(60)
    for row in rows:
        row["middle_names"] = ""
    rows[1].update(first_name="Corrected", event_date="30/12/2025")
    rows[3].update(event_date="01/01/2024", address="1 Old Road")
    rows[5].update(event_id=rows[8]["event_id"])
    rows[7].update(address=rows[9]["address"], postcode=rows[9]["postcode"])
    rows[11].update(date_of_birth="31/02/2001")
    return rows


def test_bulk_load_builds_the_graph_the_batched_load_builds(graph, settings, tmp_path):
    path = write_csv(tmp_path / "wmp.csv", _mixed_rows())
    mapping = Mapping(source="WMP", organisation=Organisation(name="West Midlands Police", kind="police"))
    small_batches = settings.model_copy(update={"ingest_batch_size": 7})
    batched = ingest_file(path, mapping=mapping, progress=False, driver=graph, settings=small_batches)
    expected = graph_content(graph, settings.neo4j_database)
    batched_rejects = batched.rejects_path.read_text()
    wipe(graph, settings.neo4j_database)

    bulk = bulk_ingest_file(path, mapping=mapping, driver=graph, settings=settings)

    assert graph_content(graph, settings.neo4j_database) == expected
    assert (bulk.rows_read, bulk.accepted, bulk.rejected) == (batched.rows_read, batched.accepted, 1)
    assert (bulk.written.new_records, bulk.written.new_events) == (batched.written.new_records, batched.written.new_events)
    assert bulk.rejects_path.read_text() == batched_rejects
    constraints, _, _ = graph.execute_query("SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names")
    assert "record_natural_key" in constraints[0]["names"]


def test_bulk_load_refuses_a_database_that_holds_data(graph, settings, tmp_path):
    path = write_csv(tmp_path / "wmp.csv", canonical_rows(10))
    ingest_file(path, source="WMP", progress=False, driver=graph, settings=settings)
    before = counts(graph, settings.neo4j_database)
    with pytest.raises(BulkIngestError, match="only an empty database"):
        bulk_ingest_file(path, source="WMP", driver=graph, settings=settings)
    assert counts(graph, settings.neo4j_database) == before
