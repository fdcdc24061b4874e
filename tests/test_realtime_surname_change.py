"""Real-time resolution gives the batch run's answer for a woman whose records the clusters'
evidence joins (a surname change with a move: cluster_evidence.surname_change_links), not
only for records joined pair by pair."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from aim.graph.identity import current_model
from aim.graph.identity.batch import resolve
from aim.graph.identity.keys import record_key
from aim.graph.identity.realtime import resolve_records
from aim.resolution.predict import score_record
from tests.factories import population
from tests.graph_helpers import load, memberships

pytestmark = pytest.mark.neo4j

WOMAN = {"first_name": "Philippa", "date_of_birth": "11/02/1984", "gender": "F", "event_type": "concern_for_welfare",
         "event_date": "01/03/2025"}
OLD_HOME = {"last_name": "Quenby", "address": "12 Orchard Road", "postcode": "WR9 8AB"}
NEW_HOME = {"last_name": "Tarrant", "address": "3 Mill Street", "postcode": "CV3 6GE"}


def _row(source: str, rid: str, **fields) -> dict:
    return {"source": source, "source_record_id": rid, "event_id": f"E-{rid}", **fields}


def _old_records() -> list[dict]:
    """Her records before the marriage (birth surname, old address), and her husband's at the
    new home (the partner whose surname she took)."""
    return [_row("POLICE", "OLD1", **WOMAN, **OLD_HOME), _row("SCHOOL", "OLD2", **WOMAN, **OLD_HOME),
            _row("POLICE", "HUSB", **{**WOMAN, "first_name": "Gareth", "date_of_birth": "02/07/1982",
                                      "gender": "M"}, **NEW_HOME)]


def _new_records() -> list[dict]:
    return [_row("HEALTH", "NEW1", **WOMAN, **NEW_HOME), _row("COUNCIL", "NEW2", **WOMAN, **NEW_HOME)]


def _model_with_her_pair_in_the_review_band(driver, settings):
    """The trained model with a lower prior (as the prior falls at a million records), so that
    a pair of her records across the surname change lies in the middle of the review band:
    only the clusters' evidence can join her."""
    model, _ = current_model(driver, settings.neo4j_database)
    weight = score_record(model, _new_records()[0], [_old_records()[0]])[0]["match_weight"]
    target = (model.link_weight + model.review_weight) / 2
    prior = model.prior_weight - (weight - target)
    return replace(model, lam=float(1 / (1 + np.exp2(-prior))))


def _resolve_in_real_time(graph, settings, tmp_path, *, old_records: list[dict]) -> dict[str, str]:
    """The population and ``old_records`` resolved by a batch run (with her pair in the
    review band), then her records after the marriage submitted in real time; returns the
    memberships after that."""
    rows, _ = population(60)
    load(rows + old_records, tmp_path, graph, settings)
    resolve(driver=graph, settings=settings, households=False)
    model = _model_with_her_pair_in_the_review_band(graph, settings)
    resolve(driver=graph, settings=settings, households=False, model=model)
    pair = score_record(model, _new_records()[0], [_old_records()[0]])[0]
    assert model.review_threshold <= pair["match_probability"] < model.link_threshold
    load(_new_records(), tmp_path, graph, settings, "new.csv")
    resolve_records([("HEALTH", "NEW1"), ("COUNCIL", "NEW2")], driver=graph, settings=settings)
    return memberships(graph)


def _her_persons(member: dict[str, str]) -> set[str]:
    return {member[record_key(s, i)] for s, i in
            (("POLICE", "OLD1"), ("SCHOOL", "OLD2"), ("HEALTH", "NEW1"), ("COUNCIL", "NEW2"))}


def test_a_woman_after_a_surname_change_with_a_move_joins_in_real_time_as_in_the_batch(graph, settings, tmp_path):
    realtime = _resolve_in_real_time(graph, settings, tmp_path, old_records=_old_records())
    her = _her_persons(realtime)
    assert len(her) == 1
    assert realtime[record_key("POLICE", "HUSB")] not in her
    # the joining pair is stored as a link (Model.as_link), as the batch run stores it
    model, _ = current_model(graph, settings.neo4j_database)
    bands, _, _ = graph.execute_query(
        "MATCH (a:Record)-[s:SIMILAR]-(b:Record) WHERE a.source_record_id STARTS WITH 'NEW' "
        "AND b.source_record_id STARTS WITH 'OLD' RETURN s.band AS band, s.match_weight AS w")
    assert sum(r["band"] == "link" and r["w"] >= model.link_weight for r in bands) == 1
    again = resolve(driver=graph, settings=settings, households=False)
    assert again.records_moved == 0
    assert memberships(graph) == realtime


def test_when_her_old_home_shows_a_marriage_too_real_time_keeps_them_apart_as_the_batch(graph, settings, tmp_path):
    """A man of the birth surname at the old address: both sides show a marriage (two married
    women of one name and birthday), which the real-time path sees only by looking past the
    records the new one reaches."""
    father = _row("POLICE", "DAD", **{**WOMAN, "first_name": "Dennis", "date_of_birth": "19/05/1956", "gender": "M"},
                  **OLD_HOME)
    realtime = _resolve_in_real_time(graph, settings, tmp_path, old_records=[*_old_records(), father])
    assert len(_her_persons(realtime)) == 2
    again = resolve(driver=graph, settings=settings, households=False)
    assert again.records_moved == 0
    assert memberships(graph) == realtime
