"""Training on Spark gives the in-process engine's model, and `aim link --engine spark`
without a model trains on Spark and then gives the in-process engine's entities (a small
population of the independent generator on ``local[2]``)."""

from __future__ import annotations

import csv

import numpy as np
import pytest

pytest.importorskip("pyspark", reason="the Spark backend needs the spark extra (scripts/setup.sh installs it)")

from typer.testing import CliRunner  # noqa: E402

from aim.cli import app  # noqa: E402
from aim.resolution import engine  # noqa: E402
from aim.resolution.model import Model  # noqa: E402
from aim.resolution.records import read_records  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.spark]


@pytest.fixture(scope="module")
def linked_on_spark(tmp_path_factory):
    """A small population of the independent generator; the model `aim link --engine
    spark` with no model trained on it and saved, and the entity per row it wrote."""
    from aim.seeds.independent.generate import generate

    work = tmp_path_factory.mktemp("spark")
    generate(800, 7, work)
    records, out, model = work / "canonical.csv", work / "clusters.csv", work / "model.json"
    result = CliRunner().invoke(app, ["link", str(records), "--out", str(out), "--save-model", str(model),
                                      "--engine", "spark", "--master", "local[2]", "--quiet"])
    assert result.exit_code == 0, result.output
    rows = []
    for part in sorted(out.glob("part-*.csv")):
        with open(part, newline="") as fh:
            rows.extend(csv.DictReader(fh))
    return records, Model.load(model), {r["record_id"]: r["entity_id"] for r in rows}


def test_training_on_spark_gives_the_in_process_model(linked_on_spark):
    records, got, _ = linked_on_spark
    expected = engine.train(read_records(records))
    # The same pairs are drawn and compared; only the order in which the driver sums the
    # random pairs' vectors differs, so the estimates agree to rounding.
    for k, (m, u) in enumerate(zip(expected.m, expected.u)):
        np.testing.assert_allclose(got.m[k], m, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(got.u[k], u, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got.interaction, expected.interaction, rtol=1e-9, atol=1e-9)
    assert got.lam == pytest.approx(expected.lam, rel=1e-9)
    assert got.tf == expected.tf and got.tf_min == expected.tf_min
    assert got.reference_year == expected.reference_year
    assert (got.cap, got.window, got.link_threshold) == (expected.cap, expected.window, expected.link_threshold)
    same = ("records", "candidate_pairs", "u_pairs", "em_iterations", "method")
    assert {k: got.history[0][k] for k in same} == {k: expected.history[0][k] for k in same}
    assert [s["pairs"] for s in got.history[0]["sessions"]] == [s["pairs"] for s in expected.history[0]["sessions"]]
    # the exact-full-name session's dates a generation apart are marked alike (engine._dob_else_bound)
    bounds = [[s.get("dob_else_bound") for s in model.history[0]["sessions"]] for model in (got, expected)]
    assert bounds[1][0] is not None and bounds[0][1:] == bounds[1][1:]
    assert bounds[0][0] == pytest.approx(bounds[1][0], rel=1e-9)
    # engine.junior_rate, and the candidates' counts it rests on
    assert got.history[0]["home_namesakes"] == expected.history[0]["home_namesakes"]
    assert sum(expected.history[0]["home_namesakes"]) > 0
    assert got.history[0]["near_share"] == pytest.approx(expected.history[0]["near_share"], rel=1e-12)
    assert got.given_name_at_home == pytest.approx(expected.given_name_at_home, rel=1e-9)


def test_spark_link_without_a_model_gives_the_in_process_entities(linked_on_spark):
    records, _, got = linked_on_spark
    result = engine.link(read_records(records))
    expected = dict(zip(result.prepared.row_ids, result.entity_ids))
    assert got == expected
    # Not a trivial partition: the population holds people with several records.
    assert len(set(expected.values())) < len(expected) * 0.9


def test_train_names_the_engines(tmp_path):
    result = CliRunner().invoke(app, ["train", str(tmp_path / "records.csv"), "--out", str(tmp_path / "m.json"),
                                      "--engine", "dask"])
    assert result.exit_code != 0
    assert "local or spark" in result.output
