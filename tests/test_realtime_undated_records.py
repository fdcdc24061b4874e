"""Records without a date of birth or sex (a payslip, a tax return: name and home only) join
the one person whose records agree with them, in the batch run and in real time alike,
also when two of them arrive together and point at each other as well as at that person
(clustering.attach_without_dob)."""

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

NAME_AND_HOME = {"first_name": "Reza", "last_name": "Tehrani", "address": "5 Mill Lane", "postcode": "CV3 6GE",
                 "event_type": "concern_for_welfare", "event_date": "01/03/2025"}
DATED = [{"source": "POLICE", "source_record_id": "D1", "event_id": "E-D1", "date_of_birth": "30/01/1988",
          "gender": "M", **NAME_AND_HOME},
         {"source": "HEALTH", "source_record_id": "D2", "event_id": "E-D2", "date_of_birth": "30/01/1988",
          "gender": "M", **NAME_AND_HOME}]
UNDATED = [{"source": "COUNCIL", "source_record_id": "PAY", "event_id": "E-PAY", **NAME_AND_HOME},
           {"source": "HOUSING", "source_record_id": "TAX", "event_id": "E-TAX", **NAME_AND_HOME}]
KEYS = [record_key(r["source"], r["source_record_id"]) for r in DATED + UNDATED]


def _model_with_undated_pairs_in_the_review_band(driver, settings):
    """The trained model with a lower prior (as at a million records), so that an undated
    record's pair with each of his records lies in the review band: only the record-to-cluster
    evidence can join it."""
    model, _ = current_model(driver, settings.neo4j_database)
    weight = score_record(model, UNDATED[0], [DATED[0]])[0]["match_weight"]
    target = (model.link_weight + model.review_weight) / 2
    prior = model.prior_weight - (weight - target)
    return replace(model, lam=float(1 / (1 + np.exp2(-prior))))


def _town(graph, settings, tmp_path, records: list[dict]):
    rows, _ = population(60)
    load(rows + records, tmp_path, graph, settings)
    resolve(driver=graph, settings=settings, households=False)
    model = _model_with_undated_pairs_in_the_review_band(graph, settings)
    resolve(driver=graph, settings=settings, households=False, model=model)
    for other in (UNDATED[1], DATED[1]):
        pair = score_record(model, UNDATED[0], [other])[0]
        assert model.review_threshold <= pair["match_probability"] < model.link_threshold


def test_the_batch_run_joins_both_undated_records_to_him(graph, settings, tmp_path):
    _town(graph, settings, tmp_path, DATED + UNDATED)
    member = memberships(graph)
    assert len({member[k] for k in KEYS}) == 1


@pytest.mark.parametrize("together", [True, False], ids=["one submission", "one after the other"])
def test_real_time_gives_the_batch_runs_answer(graph, settings, tmp_path, together):
    _town(graph, settings, tmp_path, DATED)
    load(UNDATED, tmp_path, graph, settings, "undated.csv")
    keys = [(r["source"], r["source_record_id"]) for r in UNDATED]
    for batch in ([keys] if together else [[k] for k in keys]):
        resolve_records(batch, driver=graph, settings=settings)
    member = memberships(graph)
    assert len({member[k] for k in KEYS}) == 1
