"""Score resolution and alerting against a generated data set's ground truth.

Resolution is scored by ``aim evaluate truth/link_truth.csv CLUSTERS.csv`` (the resolution
package's evaluator); this module scores alerting.

Alerting: predicted alerts in long form, one row per record an alert implicates:
``alert_id`` plus either ``record_id`` (a canonical.csv id) or ``source, source_record_id``;
an optional ``alert_date`` (YYYY-MM-DD). An alert *hits* a scenario when one of its records
belongs to the scenario's subject (the person, or any member of the household) and, when
the alert has a date, that date falls in the scenario's window. Recall per kind is the
share of scenarios hit; an alert is a true positive when it hits a should-alert scenario,
a decoy hit when it hits only decoys, and unlabelled otherwise (background noise, which a
good MASH triage would also not want to see).
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path


def _read(path: Path) -> Iterator[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def score_alerts(directory: Path, alerts_path: Path) -> dict[str, dict[str, float]]:
    directory = Path(directory)
    truth = directory / "truth"
    by_record = {row["record_id"]: row["entity_id"] for row in _read(truth / "link_truth.csv")}
    by_source = {(row["source"], row["source_record_id"]): row["person_id"]
                 for row in _read(truth / "records.csv")}
    members: dict[str, set[str]] = defaultdict(set)
    for row in _read(truth / "households.csv"):
        members[row["household_id"]].add(row["person_id"])
    scenarios = list(_read(truth / "scenarios.csv"))
    by_person: dict[str, list[dict[str, str]]] = defaultdict(list)
    for sc in scenarios:
        people = {sc["subject_id"]} if sc["subject_type"] == "person" else members[sc["subject_id"]]
        for pid in people:
            by_person[pid].append(sc)

    alerts: dict[str, tuple[set[str], str]] = {}
    for row in _read(alerts_path):
        if row.get("record_id"):
            pid = by_record.get(row["record_id"])
        else:
            pid = by_source.get((row.get("source", ""), row.get("source_record_id", "")))
        people, when = alerts.setdefault(row["alert_id"], (set(), row.get("alert_date", "") or ""))
        if pid:
            people.add(pid)
    hit: set[str] = set()
    outcome: Counter = Counter()
    alert_kind: Counter = Counter()
    for people, when in alerts.values():
        matched = [
            sc for pid in people for sc in by_person.get(pid, ())
            if not when or sc["window_start"] <= when <= sc["window_end"]
            or (sc["should_alert"] == "false" and sc["first_event_date"] <= when <= sc["window_end"])
        ]
        for sc in matched:
            hit.add(sc["scenario_id"])
        positive = [sc for sc in matched if sc["should_alert"] == "true"]
        if positive:
            outcome["true_positive"] += 1
            for kind in {sc["kind"] for sc in positive}:
                alert_kind[kind] += 1
        elif matched:
            outcome["decoy_hit"] += 1
            for kind in {sc["kind"] for sc in matched}:
                alert_kind[kind] += 1
        else:
            outcome["unlabelled"] += 1
    result: dict[str, dict[str, float]] = {}
    kinds = sorted({sc["kind"] for sc in scenarios})
    for kind in kinds:
        of_kind = [sc for sc in scenarios if sc["kind"] == kind]
        found = sum(sc["scenario_id"] in hit for sc in of_kind)
        should = of_kind[0]["should_alert"] == "true"
        result[kind] = {
            "scenarios": len(of_kind), "should_alert": should, "alerted": found,
            "alerts": alert_kind[kind],
            # recall for real scenarios; for decoys, the share wrongly alerted (lower is better)
            ("recall" if should else "false_alert_rate"): found / len(of_kind) if of_kind else 0.0,
        }
    total = len(alerts)
    result["overall"] = {
        "alerts": total, "true_positive": outcome["true_positive"],
        "decoy_hit": outcome["decoy_hit"], "unlabelled": outcome["unlabelled"],
        "precision": outcome["true_positive"] / total if total else 0.0,
        "recall": (sum(result[k]["alerted"] for k in kinds if result[k]["should_alert"])
                   / max(1, sum(result[k]["scenarios"] for k in kinds if result[k]["should_alert"]))),
    }
    return result
