"""aim seed score-resolution / score-alerts against the ground truth."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aim.cli import app
from aim.seeds.generate import generate
from aim.seeds.score import score_alerts, score_resolution


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("score") / "s"
    generate(2500, 5, out, date(2026, 11, 1), 730)
    return out


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_perfect_and_singleton_resolutions(small: Path, tmp_path: Path) -> None:
    truth = small / "truth" / "link_truth.csv"
    perfect = score_resolution(truth, truth)
    assert perfect["pairwise_f1"] == 1.0 and perfect["bcubed_f1"] == 1.0
    rows = _rows(truth)
    singletons = _write(tmp_path / "single.csv", ["record_id", "entity_id"],
                        [[r["record_id"], r["record_id"]] for r in rows])
    single = score_resolution(truth, singletons)
    assert single["pairwise_recall"] == 0.0 and single["bcubed_precision"] == 1.0
    lumped = _write(tmp_path / "lumped.csv", ["record_id", "entity_id"],
                    [[r["record_id"], "everyone"] for r in rows])
    one = score_resolution(truth, lumped)
    assert one["pairwise_recall"] == 1.0 and one["pairwise_precision"] < 0.01


def test_alerts_on_the_scenarios_score_full_recall(small: Path, tmp_path: Path) -> None:
    scenarios = {s["scenario_id"]: s for s in _rows(small / "truth" / "scenarios.csv")}
    rows = []
    for e in _rows(small / "truth" / "scenario_events.csv"):
        sc = scenarios[e["scenario_id"]]
        if sc["should_alert"] == "true":
            rows.append([e["scenario_id"], e["record_id"], sc["window_start"]])
    alerts = _write(tmp_path / "alerts.csv", ["alert_id", "record_id", "alert_date"], rows)
    result = score_alerts(small, alerts)
    for kind in ("escalating_child_concern", "domestic_abuse", "adult_at_risk"):
        assert result[kind]["recall"] == 1.0
    assert result["decoy_busy_family"]["false_alert_rate"] == 0.0
    assert result["overall"]["precision"] == 1.0
    runner = CliRunner()
    out = runner.invoke(app, ["seed", "score-alerts", str(small), str(alerts)])
    assert out.exit_code == 0, out.output
    assert "escalating_child_concern" in out.output
    out = runner.invoke(app, ["seed", "score-resolution", str(small),
                              str(small / "truth" / "link_truth.csv")])
    assert out.exit_code == 0 and "bcubed_f1" in out.output
