"""The ingest statements' plans, made afresh from the graph's statistics of the moment
(``CYPHER replan=force``): on an empty graph, and after a load has grown it before its
indexes were sampled again. Neo4j caches a plan and compares its statistics at most every 10 s,
and only once a transaction has committed since: a plan made while the graph was empty can serve
a whole re-load (which commits nothing) on the full graph. Every node a statement looks up by
its natural key must then still be found through its unique index, never by a scan
(docs/benchmarks.md, Ingest, "The slow re-load on a freshly started server")."""

from __future__ import annotations

import pytest

from aim import cypher
from aim.graph.ingest.batch import plan_batch, split_batch
from tests.factories import as_canonical, canonical_rows
from tests.graph_helpers import load, plan_operators

pytestmark = pytest.mark.neo4j

SCANS = {"AllNodesScan", "NodeByLabelScan", "NodeIndexScan", "DirectedRelationshipTypeScan",
         "UndirectedRelationshipTypeScan"}


def _statement_parameters(driver, database: str) -> dict[str, dict]:
    """Each ingest statement with the parameters a batch gives it: the first load's (every
    record new, as split_batch finds them on a graph that does not hold them) and the upserts'."""
    batch = plan_batch(as_canonical(canonical_rows(40, seed=7, source="PLN")))
    with driver.session(database=database) as session:
        fresh, _ = session.execute_read(split_batch, batch)
    return {
        "known_records": {"records": [[r["source"], r["source_record_id"]] for r in batch.records]},
        "known_events_and_addresses": {"events": [[e["source"], e["event_id"]] for e in batch.events],
                                       "addresses": [a["key"] for a in fresh.addresses]},
        "create_addresses": {"addresses": fresh.addresses},
        "create_records": {"records": fresh.records, "batch": "plan"},
        "upsert_organisations": {"organisations": batch.organisations},
        "upsert_records": {"records": batch.records, "batch": "plan"},
        "upsert_addresses": {"addresses": batch.addresses},
        "upsert_events": {"events": batch.events},
    }


@pytest.mark.parametrize("loaded_rows", [0, 600], ids=["empty graph", "after a load"])
def test_every_ingest_statement_finds_its_nodes_through_unique_indexes_whatever_the_statistics(
        graph, settings, tmp_path, loaded_rows):
    if loaded_rows:
        load(canonical_rows(loaded_rows), tmp_path, graph, settings)
    parameters = _statement_parameters(graph, settings.neo4j_database)
    for name, values in parameters.items():
        summary = graph.execute_query(f"CYPHER replan=force EXPLAIN {cypher.load('ingest/' + name)}", values,
                                      database_=settings.neo4j_database).summary
        operators = plan_operators(summary.plan)
        assert not operators & SCANS, (name, operators)
        if name != "create_addresses":  # creates only: it looks nothing up
            assert "NodeUniqueIndexSeek" in operators, (name, operators)
