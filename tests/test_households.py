"""Households from shared addresses over time, against the real Neo4j."""

from __future__ import annotations

import pytest

from aim.graph.identity.households import HouseholdRules, derive_households, refresh_for_persons
from aim.graph.ingest import ingest_file
from tests.factories import household_row, write_csv

pytestmark = pytest.mark.neo4j


def households_at(driver, line):
    rows, _, _ = driver.execute_query(
        "MATCH (p:Person)-[m:MEMBER_OF]->(h:Household {status: 'active'})-[:AT]->(a:Address {line: $line}) "
        "RETURN h.household_id AS h, p.first_name AS first, toString(m.from) AS from, toString(m.to) AS to "
        "ORDER BY h, first", line=line)
    out: dict[str, list] = {}
    for r in rows:
        out.setdefault(r["h"], []).append((r["first"], r["from"], r["to"]))
    return out


def test_block_of_flats_is_a_shared_address_not_a_household(town, settings):
    rep = derive_households(driver=town, settings=settings)
    assert households_at(town, "10 HIGH STREET") == {}
    flagged, _, _ = town.execute_query(
        "MATCH (a:Address {line: '10 HIGH STREET'}) RETURN a.shared AS shared, a.person_count AS n, "
        "a.shared_reason AS reason")
    assert flagged[0]["shared"] is True and flagged[0]["n"] == 14 and "persons" in flagged[0]["reason"]
    assert rep.shared_addresses == 1


def test_many_surnames_make_a_shared_address(town, settings):
    derive_households(rules=HouseholdRules(max_persons=50, max_surnames=4), driver=town, settings=settings)
    flagged, _, _ = town.execute_query("MATCH (a:Address {line: '10 HIGH STREET'}) RETURN a.shared_reason AS r")
    assert "surnames" in flagged[0]["r"]
    assert households_at(town, "10 HIGH STREET") == {}


def test_family_is_one_household_and_successive_occupants_are_two(town, settings):
    derive_households(driver=town, settings=settings)
    family = households_at(town, "5 MILL LANE")
    assert len(family) == 1
    (members,) = family.values()
    assert [m[0] for m in members] == ["AVA", "LEO", "NOAH"] or [m[0] for m in members] == ["Ava", "Leo", "Noah"]
    assert all(m[2] is None for m in members)  # still living there
    house = households_at(town, "7 PARK AVENUE")
    assert len(house) == 2
    couples = sorted(sorted(m[0].title() for m in ms) for ms in house.values())
    assert couples == [["Grace", "Jack"], ["Priya", "Sean"]]
    grace = next(m for ms in house.values() for m in ms if m[0].title() == "Grace")
    assert grace[1] == "2024-01-01" and grace[2] == "2024-01-01"  # moved on: a closed period
    at, _, _ = town.execute_query(
        "MATCH (h:Household)-[:AT]->(a:Address) RETURN count(DISTINCT h) AS n")
    assert at[0]["n"] == 3


def test_household_ids_are_stable_and_rerun_changes_nothing(town, settings):
    derive_households(driver=town, settings=settings)
    before = households_at(town, "5 MILL LANE") | households_at(town, "7 PARK AVENUE")
    rep = derive_households(driver=town, settings=settings)
    assert (rep.households_written, rep.households_dissolved, rep.addresses_flagged) == (0, 0, 0)
    assert (households_at(town, "5 MILL LANE") | households_at(town, "7 PARK AVENUE")) == before
    persons, _, _ = town.execute_query(
        "MATCH (p:Person)-[:HAS_RECORD]->(:Record)-[:LIVES_AT]->(:Address {line: '5 MILL LANE'}) "
        "RETURN collect(p.person_id) AS ids")
    refresh_for_persons(persons[0]["ids"], driver=town, settings=settings)
    assert (households_at(town, "5 MILL LANE") | households_at(town, "7 PARK AVENUE")) == before


def test_a_new_member_arriving_in_real_time_joins_the_household(town, settings, tmp_path):
    from aim.graph.identity.realtime import resolve_records

    derive_households(driver=town, settings=settings)
    (before,) = households_at(town, "5 MILL LANE").keys()
    baby = household_row(103, "Mia", "Smith", "01/04/2025", "5 Mill Lane", "B2 2BB", "10/05/2025", source="CHILD_HOSP")
    ingest_file(write_csv(tmp_path / "baby.csv", [baby]), progress=False, driver=town, settings=settings)
    affected = resolve_records([("CHILD_HOSP", "H00103")], households=True, driver=town, settings=settings)
    assert len(affected) == 1
    after = households_at(town, "5 MILL LANE")
    assert list(after) == [before]
    assert sorted(m[0].title() for m in after[before]) == ["Ava", "Leo", "Mia", "Noah"]
