"""Network queries (MASH view) against the real Neo4j."""

from __future__ import annotations

import pytest

from aim.graph.identity.households import derive_households
from aim.graph.views.network import co_residents, household_members, network, person_records

pytestmark = pytest.mark.neo4j


def _person(driver, first, line):
    rows, _, _ = driver.execute_query(
        "MATCH (p:Person)-[:HAS_RECORD]->(:Record)-[:LIVES_AT]->(:Address {line: $line}) "
        "WHERE toUpper(p.first_name) = $f RETURN p.person_id AS id", f=first.upper(), line=line)
    return rows[0]["id"]


def test_person_records_household_and_co_residents(town, settings):
    derive_households(driver=town, settings=settings)
    ava = _person(town, "Ava", "5 MILL LANE")
    recs = person_records(ava, driver=town, settings=settings)
    assert {n["label"] for n in recs["nodes"]} == {"Person", "Record", "Organisation"}
    assert {e["type"] for e in recs["edges"]} == {"HAS_RECORD", "HELD_BY"}
    hh = household_members(ava, driver=town, settings=settings)
    members = [n for n in hh["nodes"] if n["label"] == "Person"]
    assert len(members) == 3
    co = co_residents(ava, driver=town, settings=settings)
    assert len([n for n in co["nodes"] if n["label"] == "Person"]) == 3  # Ava + 2
    # The block of flats is a shared address: hidden unless asked for.
    someone = _person(town, "Zofia", "10 HIGH STREET")
    assert co_residents(someone, driver=town, settings=settings)["nodes"] == []
    assert len(co_residents(someone, include_shared=True, driver=town, settings=settings)["nodes"]) > 10


def test_network_depth_and_limits(town, settings):
    derive_households(driver=town, settings=settings)
    grace = _person(town, "Grace", "7 PARK AVENUE")
    one = network(grace, depth=1, driver=town, settings=settings)
    assert len(one["nodes"]) == 4  # Jack (household, address) and the later Patels (address)
    assert {e["type"] for e in one["edges"]} == {"HOUSEHOLD", "ADDRESS"}
    household_only = network(grace, depth=3, kinds=("HOUSEHOLD",), driver=town, settings=settings)
    assert len(household_only["nodes"]) == 2 and {e["type"] for e in household_only["edges"]} == {"HOUSEHOLD"}
    # Grace's later address is her own; the block of flats is reached by nobody here.
    assert all(n["properties"]["hop"] <= 1 for n in network(grace, depth=3, driver=town, settings=settings)["nodes"])
    capped = network(grace, depth=3, limit=2, include_shared=True, driver=town, settings=settings)
    assert len(capped["nodes"]) == 2
    node_ids = {n["id"] for n in capped["nodes"]}
    assert all(e["source"] in node_ids and e["target"] in node_ids for e in capped["edges"])
    assert network("P-nobody", driver=town, settings=settings) == {"nodes": [], "edges": []}
