"""aim seed score-alerts against the ground truth."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from aim.cli import app
from aim.seeds.generate import generate
from aim.seeds.score import score_alerts
from tests.factories import read_rows


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("score") / "s"
    generate(2500, 5, out, date(2026, 11, 1), 730)
    return out


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        w = csv.writer(handle)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_alerts_on_the_scenarios_score_full_recall(small: Path, tmp_path: Path) -> None:
    scenarios = {s["scenario_id"]: s for s in read_rows(small / "truth" / "scenarios.csv")}
    rows = []
    for e in read_rows(small / "truth" / "scenario_events.csv"):
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
