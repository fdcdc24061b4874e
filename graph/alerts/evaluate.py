"""Quality of the rules against a seeds data set's scenario labels (``aim alerts evaluate``).

The rules are replayed over history (``detect(scope="history")``): each subject is
evaluated as of the date of each of its events, which is when a daily run would first have
seen the rule fire. Consecutive firings of a rule for a subject form one *episode* (one
alert) until the rule has been silent for the rule's window, mimicking one open alert per
subject and rule that is closed once activity dies down.

Graph persons are mapped to true persons by the majority of their records
(truth/records.csv), graph households to the true household holding most of their members.
A scenario is *alerted* when an episode about its subject (the person, or for a household
scenario the household or any member; a person scenario is also met by an alert on the
person's household) fires between the scenario's first event and its window end. Days to
alert = first such firing - first event date.
"""

from __future__ import annotations

import csv
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from statistics import mean, median

from neo4j import Driver

from aim import cypher
from aim.graph.store import get_driver
from aim.settings import Settings, get_settings

from .engine import Finding, detect
from .rules import RuleSet, load_rules

BATCH = 10_000


def _read(path: Path):
    with open(path, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def persons_from_truth(directory: Path, *, driver: Driver | None = None, settings: Settings | None = None) -> dict:
    """Write Persons/Households from truth/records.csv and truth/households.csv. For
    measuring the rules apart from resolution, when ``aim resolve`` is not available."""
    settings = settings or get_settings()
    driver = driver or get_driver()
    truth = Path(directory) / "truth"
    counts = Counter()

    def write_all(name: str, rows: Iterator[dict]) -> int:
        """Stream ``rows`` into the query ``name`` in batches of BATCH; how many were written."""
        written = 0
        while batch := list(islice(rows, BATCH)):
            with driver.session(database=settings.neo4j_database) as session:
                session.execute_write(lambda tx: tx.run(cypher.load(name), rows=batch).consume())
            written += len(batch)
        return written

    counts["records"] = write_all("alerts/truth_persons", (
        {"source": row["source"], "source_record_id": row["source_record_id"], "person_id": row["person_id"]}
        for row in _read(truth / "records.csv")))
    counts["memberships"] = write_all("alerts/truth_households", (
        {"person_id": row["person_id"], "household_id": row["household_id"],
         "from": date.fromisoformat(row["from"]) if row["from"] else None,
         "to": date.fromisoformat(row["to"]) if row["to"] else None}
        for row in _read(truth / "households.csv")))
    return dict(counts)


@dataclass
class Episode:
    rule: str
    subject_type: str
    subject_id: str
    raised: date
    last: date
    firings: list[date] = field(default_factory=list)
    score: float = 0.0
    rag: str = "Green"
    summary: str = ""
    events: set = field(default_factory=set)


def episodes(findings: list[Finding], rules: RuleSet) -> list[Episode]:
    """Group history firings into episodes (see the module docstring)."""
    grouped: dict[tuple, list[Finding]] = defaultdict(list)
    for f in findings:
        grouped[f.rule.id, f.subject_type, f.subject_id].append(f)
    out: list[Episode] = []
    for (rule_id, subject_type, subject_id), found in grouped.items():
        gap = rules.get(rule_id).days
        found.sort(key=lambda f: f.as_of)
        current: Episode | None = None
        for f in found:
            if current is None or f.as_of > current.last + timedelta(days=gap):
                current = Episode(rule_id, subject_type, subject_id, f.as_of, f.as_of)
                out.append(current)
            current.last = f.as_of
            current.firings.append(f.as_of)
            current.events |= f.event_keys
            if f.score >= current.score:
                current.score, current.rag, current.summary = f.score, f.rag, f.summary
    return out


def backtest(today: date, since: date, *, rules: RuleSet | None = None, driver: Driver | None = None,
             settings: Settings | None = None) -> tuple[list[Episode], float]:
    """Every episode the rules would have raised between ``since`` and ``today``."""
    rules = rules or load_rules()
    started = time.perf_counter()
    found = detect(today, rules=rules, scope="history", since=since, driver=driver, settings=settings)
    return episodes(found, rules), time.perf_counter() - started


def _majority(counter: Counter) -> str | None:
    return counter.most_common(1)[0][0] if counter else None


def evaluate(directory: Path, today: date | None = None, *, since: date | None = None,
             rules: RuleSet | None = None, driver: Driver | None = None,
             settings: Settings | None = None) -> dict:
    """Recall per should-alert scenario kind, false-alert rate per decoy kind, precision,
    and days from first concerning event to alert."""
    settings = settings or get_settings()
    driver = driver or get_driver()
    directory = Path(directory)
    truth = directory / "truth"
    manifest_today = None
    manifest = directory / "manifest.json"
    if manifest.exists():
        import json

        manifest_today = json.loads(manifest.read_text()).get("today")
    today = today or (date.fromisoformat(manifest_today) if manifest_today else date(2026, 11, 1))
    since = since or today - timedelta(days=730)
    found, seconds = backtest(today, since, rules=rules, driver=driver, settings=settings)

    # --- map graph subjects to true ones
    by_record = {(r["source"], r["source_record_id"]): r["person_id"] for r in _read(truth / "records.csv")}
    households_of: dict[str, set[str]] = defaultdict(set)
    members: dict[str, set[str]] = defaultdict(set)
    for r in _read(truth / "households.csv"):
        households_of[r["person_id"]].add(r["household_id"])
        members[r["household_id"]].add(r["person_id"])
    person_ids = sorted({e.subject_id for e in found if e.subject_type == "person"})
    household_ids = sorted({e.subject_id for e in found if e.subject_type == "household"})
    person_map: dict[str, str | None] = {}
    votes: dict[str, Counter] = defaultdict(Counter)
    graph_members: dict[str, list[str]] = {}
    for start in range(0, len(household_ids), BATCH):
        records, _, _ = driver.execute_query(cypher.load("alerts/household_members"),
                                             household_ids=household_ids[start:start + BATCH],
                                             database_=settings.neo4j_database, routing_="r")
        for r in records:
            graph_members[r["household_id"]] = r["members"]
    needed = sorted(set(person_ids) | {p for m in graph_members.values() for p in m})
    for start in range(0, len(needed), BATCH):
        records, _, _ = driver.execute_query(cypher.load("alerts/person_records"),
                                             person_ids=needed[start:start + BATCH],
                                             database_=settings.neo4j_database, routing_="r")
        for r in records:
            true = by_record.get((r["source"], r["source_record_id"]))
            if true:
                votes[r["person_id"]][true] += 1
    for pid in needed:
        person_map[pid] = _majority(votes[pid])
    household_map: dict[str, str | None] = {}
    for hid, graph_people in graph_members.items():
        tally = Counter(h for p in graph_people if person_map.get(p) for h in households_of[person_map[p]])
        household_map[hid] = _majority(tally)

    def true_people(e: Episode) -> set[str]:
        if e.subject_type == "person":
            return {person_map[e.subject_id]} if person_map.get(e.subject_id) else set()
        hh = household_map.get(e.subject_id)
        return set(members.get(hh, ())) if hh else set()

    def true_household(e: Episode) -> str | None:
        return household_map.get(e.subject_id) if e.subject_type == "household" else None

    scenarios = list(_read(truth / "scenarios.csv"))
    by_person: dict[str, list[dict]] = defaultdict(list)
    by_household: dict[str, list[dict]] = defaultdict(list)
    for sc in scenarios:
        if sc["subject_type"] == "person":
            by_person[sc["subject_id"]].append(sc)
            for hh in households_of.get(sc["subject_id"], ()):
                by_household[hh].append(sc)
        else:
            by_household[sc["subject_id"]].append(sc)
            for pid in members.get(sc["subject_id"], ()):
                by_person[pid].append(sc)

    first_hit: dict[str, date] = {}
    hit_rules: dict[str, Counter] = defaultdict(Counter)
    outcome = Counter()
    per_rule = defaultdict(Counter)
    for e in found:
        candidates = {id(sc): sc for p in true_people(e) for sc in by_person.get(p, ())}
        if true_household(e):
            candidates |= {id(sc): sc for sc in by_household.get(true_household(e), ())}
        matched = []
        for sc in candidates.values():
            lo, hi = date.fromisoformat(sc["first_event_date"]), date.fromisoformat(sc["window_end"])
            inside = [d for d in e.firings if lo <= d <= hi]
            if inside:
                matched.append(sc)
                if sc["scenario_id"] not in first_hit or inside[0] < first_hit[sc["scenario_id"]]:
                    first_hit[sc["scenario_id"]] = inside[0]
                hit_rules[sc["kind"]][e.rule] += 1
        if any(sc["should_alert"] == "true" for sc in matched):
            label = "true_positive"
        elif matched:
            label = "decoy_hit"
        else:
            label = "unlabelled"
        outcome[label] += 1
        per_rule[e.rule][label] += 1
    result: dict = {"kinds": {}, "overall": {}, "rules": {}}
    for kind in sorted({sc["kind"] for sc in scenarios}):
        of_kind = [sc for sc in scenarios if sc["kind"] == kind]
        should = of_kind[0]["should_alert"] == "true"
        alerted = [sc for sc in of_kind if sc["scenario_id"] in first_hit]
        delays = [(first_hit[sc["scenario_id"]] - date.fromisoformat(sc["first_event_date"])).days for sc in alerted]
        entry = {"scenarios": len(of_kind), "should_alert": should, "alerted": len(alerted),
                 ("recall" if should else "false_alert_rate"): len(alerted) / len(of_kind) if of_kind else 0.0,
                 "rules": dict(hit_rules[kind])}
        if delays:
            entry |= {"days_to_alert_median": median(delays), "days_to_alert_mean": round(mean(delays), 1),
                      "days_to_alert_max": max(delays)}
        result["kinds"][kind] = entry
    total = sum(outcome.values())
    should_scenarios = [sc for sc in scenarios if sc["should_alert"] == "true"]
    labelled = outcome["true_positive"] + outcome["decoy_hit"]
    result["overall"] = {
        "today": today.isoformat(), "since": since.isoformat(), "replay_seconds": round(seconds, 1),
        "alerts": total, "true_positive": outcome["true_positive"], "decoy_hit": outcome["decoy_hit"],
        "unlabelled": outcome["unlabelled"],
        "recall": sum(sc["scenario_id"] in first_hit for sc in should_scenarios) / max(1, len(should_scenarios)),
        "precision_labelled": outcome["true_positive"] / labelled if labelled else 0.0,
        "precision_all": outcome["true_positive"] / total if total else 0.0,
        "rag": dict(Counter(e.rag for e in found)),
    }
    result["rules"] = {rule: dict(c) for rule, c in sorted(per_rule.items())}
    return result
