"""``aim alerts evaluate`` on a small generated data set: the labelled scenarios are found,
the decoys stay silent, and the figures have the promised shape."""

from __future__ import annotations

from datetime import date

import pytest

from aim.graph.alerts.evaluate import evaluate, persons_from_truth
from aim.seeds.generate import generate
from aim.seeds.load import load

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]


def test_replaying_the_rules_finds_the_scenarios_and_ignores_the_decoys(graph, settings, tmp_path):
    generate(2500, 3, tmp_path, date(2026, 11, 1), 730)
    load(tmp_path, progress=False, driver=graph, settings=settings)
    counts = persons_from_truth(tmp_path, driver=graph)
    assert counts["records"] > 0 and counts["memberships"] > 0
    result = evaluate(tmp_path, date(2026, 11, 1), driver=graph)
    kinds = result["kinds"]
    assert {"escalating_child_concern", "domestic_abuse", "adult_at_risk",
            "decoy_busy_family", "decoy_frequent_attender"} <= set(kinds)
    for kind in ("escalating_child_concern", "domestic_abuse", "adult_at_risk"):
        assert kinds[kind]["recall"] >= 0.95, (kind, kinds[kind])
        assert kinds[kind]["days_to_alert_max"] <= 60
    for kind in ("decoy_busy_family", "decoy_frequent_attender"):
        assert kinds[kind]["false_alert_rate"] == 0.0, (kind, kinds[kind])
    overall = result["overall"]
    assert overall["recall"] >= 0.95 and overall["precision_labelled"] == 1.0
    assert overall["true_positive"] + overall["decoy_hit"] + overall["unlabelled"] == overall["alerts"]
