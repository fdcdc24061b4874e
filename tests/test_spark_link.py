"""The Spark backend gives the in-process engine's entities (same records, same model):
a few thousand records of the independent population on ``local[2]``, and `aim link
--engine spark` end to end."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

pytest.importorskip("pyspark", reason="the Spark backend needs the spark extra (scripts/setup.sh installs it)")

from typer.testing import CliRunner  # noqa: E402

from aim.cli import app  # noqa: E402
from aim.resolution import engine  # noqa: E402
from aim.resolution.evaluate import evaluate  # noqa: E402
from aim.resolution.records import read_records  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.spark]


@pytest.fixture(scope="module")
def population(tmp_path_factory) -> Path:
    from aim.seeds.independent.generate import generate

    out = tmp_path_factory.mktemp("population")
    generate(3000, 5, out)
    return out / "canonical.csv"


@pytest.fixture(scope="module")
def in_process(population, tmp_path_factory):
    """The in-process engine's model, entity per row and scored pairs (review band and
    above). The model's blocking cap is
    small, so that both kinds of block are joined here: blocks paired in full, and blocks
    over the cap sorted and paired within the window (the engine's sort order matters)."""
    cols = read_records(population)
    model = engine.train(cols)
    model.cap, model.window = 5, 3
    path = tmp_path_factory.mktemp("model") / "model.json"
    model.save(path)
    result = engine.link(cols, model)
    return path, dict(zip(result.prepared.row_ids, result.entity_ids)), result.prepared.row_ids, result.pairs()


def _read_parts(out: Path) -> list[dict]:
    rows = []
    for part in sorted(out.glob("part-*.csv")):
        with open(part, newline="") as fh:
            rows.extend(csv.DictReader(fh))
    return rows


def test_spark_link_gives_the_in_process_entities_and_pairs(population, in_process, tmp_path):
    model, expected, ids, expected_pairs = in_process
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"
    result = CliRunner().invoke(app, ["link", str(population), "--out", str(out), "--model", str(model),
                                      "--pairs", str(pairs), "--engine", "spark", "--master", "local[2]", "--quiet"])
    assert result.exit_code == 0, result.output
    rows = _read_parts(out)
    # Every input row once, in input order.
    assert [r["record_id"] for r in rows] == ids
    got = {r["record_id"]: r["entity_id"] for r in rows}
    # The same partition into entities, with the same entity ids (the first record of each).
    assert got == expected
    scores = evaluate([expected[x] for x in ids], [got[x] for x in ids])
    assert scores["f1"] == 1.0
    # Not a trivial partition: the population holds people with several records.
    assert len(set(expected.values())) < len(ids) * 0.8
    # --pairs: the in-process engine's pairs, in its order, both bands and pairs across entities among them.
    got_pairs = [{**r, "match_weight": float(r["match_weight"]), "match_probability": float(r["match_probability"]),
                  "same_entity": r["same_entity"] == "true"} for r in _read_parts(pairs)]
    assert got_pairs == expected_pairs
    assert {(p["decision"], p["same_entity"]) for p in expected_pairs} >= {("link", True), ("review", False)}
