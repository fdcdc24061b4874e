"""A record corrected through real-time resolution drops the SIMILAR pairs it no longer
matches (real-time resolution deletes only pairs the record holds: a new record holds none);
a record re-sent unchanged (a partner's next event for it) keeps its person without being
resolved again, unless its fields changed since real-time resolution last saw them."""

from __future__ import annotations

import pytest

from aim.graph.identity.batch import resolve
from aim.graph.identity.keys import record_key
from aim.graph.identity.realtime import resolve_records
from aim.graph.identity.records import resolved_fingerprint
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


def _drop_pairs(driver, key: tuple[str, str]) -> None:
    driver.execute_query("MATCH (:Record {source: $s, source_record_id: $i})-[p:SIMILAR]-() DELETE p",
                         s=key[0], i=key[1])


def _known_copy(graph, settings, tmp_path) -> tuple[dict, str]:
    """A town resolved in batch, then another agency's record of its first person resolved in
    real time: the copy and the key of the record it copies."""
    rows, _ = population(60)
    load(rows, tmp_path, graph, settings)
    resolve(driver=graph, settings=settings, households=False)
    known = rows[0]
    copy = dict(known, source="FIRE", source_record_id="FX1", event_id="FXE1", event_date="01/03/2025")
    load([copy], tmp_path, graph, settings, "copy.csv")
    assert resolve_records([("FIRE", "FX1")], driver=graph, settings=settings)
    return copy, record_key(known["source"], known["source_record_id"])


def test_a_record_sent_again_unchanged_keeps_its_person_without_resolving_again(graph, settings, tmp_path):
    copy, known_key = _known_copy(graph, settings, tmp_path)
    person = memberships(graph)["FIRE|FX1"]
    assert person == memberships(graph)[known_key]
    # Its pairs removed behind resolution's back: resolving it again would write them anew.
    _drop_pairs(graph, ("FIRE", "FX1"))
    load([dict(copy, event_id="FXE2", event_date="01/04/2025")], tmp_path, graph, settings, "next.csv")
    assert resolve_records([("FIRE", "FX1")], driver=graph, settings=settings) == [person]
    assert _pairs_with(graph, ("FIRE", "FX1")) == set()
    assert memberships(graph)["FIRE|FX1"] == person


def test_a_record_changed_since_resolution_saw_it_is_resolved_again(graph, settings, tmp_path):
    """Fields loaded without real-time resolution (a CSV, or a submission whose resolution
    failed): the record's next submission, unchanged as written, resolves it."""
    copy, known_key = _known_copy(graph, settings, tmp_path)
    load([dict(copy, first_name=copy["first_name"] + "a", event_id="FXE2", event_date="01/04/2025")],
         tmp_path, graph, settings, "typo.csv")
    _drop_pairs(graph, ("FIRE", "FX1"))
    resolve_records([("FIRE", "FX1")], driver=graph, settings=settings)
    assert known_key in _pairs_with(graph, ("FIRE", "FX1"))


def test_a_record_resolved_under_another_model_is_resolved_again(graph, settings, tmp_path):
    copy, known_key = _known_copy(graph, settings, tmp_path)
    # What it was resolved as, had the model been another: the same fields, another version.
    [stored], _, _ = graph.execute_query(
        "MATCH (r:Record {source: 'FIRE', source_record_id: 'FX1'}) RETURN r {.first_name, .last_name, .gender, "
        ".address, .postcode, date_of_birth: toString(r.date_of_birth)} AS r")
    graph.execute_query("MATCH (r:Record {source: 'FIRE', source_record_id: 'FX1'}) SET r.resolved_as = $stale",
                        stale=resolved_fingerprint(stored["r"], "an older model"))
    _drop_pairs(graph, ("FIRE", "FX1"))
    resolve_records([("FIRE", "FX1")], driver=graph, settings=settings)
    assert known_key in _pairs_with(graph, ("FIRE", "FX1"))
