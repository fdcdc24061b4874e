"""A record corrected through real-time resolution drops the SIMILAR pairs it no longer
matches (real-time resolution deletes only pairs the record holds: a new record holds none)."""

from __future__ import annotations

import pytest

from aim.graph.identity.batch import resolve
from aim.graph.identity.keys import record_key
from aim.graph.identity.realtime import resolve_records
from tests.factories import population
from tests.graph_helpers import load, memberships

pytestmark = pytest.mark.neo4j


def _pairs_with(driver, key: tuple[str, str]) -> set[str]:
    rows, _, _ = driver.execute_query(
        "MATCH (:Record {source: $s, source_record_id: $i})-[:SIMILAR]-(o:Record) "
        "RETURN o.source AS s, o.source_record_id AS i", s=key[0], i=key[1])
    return {record_key(r["s"], r["i"]) for r in rows}


def test_a_corrected_record_loses_the_pairs_it_no_longer_matches(graph, settings, tmp_path):
    rows, _ = population(60)
    load(rows, tmp_path, graph, settings)
    resolve(driver=graph, settings=settings, households=False)
    known = rows[0]
    known_key = record_key(known["source"], known["source_record_id"])
    copy = dict(known, source="FIRE", source_record_id="FX1", event_id="FXE1", event_date="01/03/2025")
    load([copy], tmp_path, graph, settings, "copy.csv")
    resolve_records([("FIRE", "FX1")], driver=graph, settings=settings)
    assert known_key in _pairs_with(graph, ("FIRE", "FX1"))
    assert memberships(graph)["FIRE|FX1"] == memberships(graph)[known_key]

    # Corrected by a later event: another given name and year of birth, the same surname and
    # home (so still a candidate, sharing the surname and postcode key), now below the review band.
    day, month, _ = known["date_of_birth"].split("/")
    corrected = dict(copy, first_name="Zebedee", date_of_birth=f"{day}/{month}/1931", event_id="FXE2",
                     event_date="01/04/2025")
    load([corrected], tmp_path, graph, settings, "corrected.csv")
    resolve_records([("FIRE", "FX1")], driver=graph, settings=settings)
    assert known_key not in _pairs_with(graph, ("FIRE", "FX1"))
    assert memberships(graph)["FIRE|FX1"] != memberships(graph)[known_key]
