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
import json
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from statistics import mean, median

from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.graph.store import batches, causal_session
from aim.settings import Settings, get_settings

from .engine import Finding, detect
from .rules import RuleSet, load_rules

BATCH = 10_000


def _read(path: Path) -> Iterator[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


def persons_from_truth(directory: Path, *, driver: Driver, settings: Settings | None = None) -> dict:
    """Write Persons/Households from truth/records.csv and truth/households.csv. For
    measuring the rules apart from resolution, when ``aim resolve`` is not available."""
    settings = settings or get_settings()
    truth = Path(directory) / "truth"
    counts = Counter()

    def write_all(name: str, rows: Iterator[dict]) -> int:
        """Stream ``rows`` into the query ``name`` in batches of BATCH; how many were written."""
        written = 0
        with causal_session(driver, settings.neo4j_database) as session:
            for batch in batches(rows, BATCH):
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


def backtest(today: date, since: date, *, rules: RuleSet | None = None, driver: Driver,
             settings: Settings | None = None) -> tuple[list[Episode], float]:
    """Every episode the rules would have raised between ``since`` and ``today``."""
    rules = rules or load_rules()
    started = time.perf_counter()
    found = detect(today, rules=rules, scope="history", since=since, driver=driver, settings=settings)
    return episodes(found, rules), time.perf_counter() - started


@dataclass
class Truth:
    """The seeds' answer key: the true person of each record, household memberships both
    ways, and the labelled scenarios."""

    person_of_record: dict[tuple[str, str], str]
    households_of: dict[str, set[str]]
    members: dict[str, set[str]]
    scenarios: list[dict]

    @classmethod
    def read(cls, truth: Path) -> Truth:
        person_of_record = {(r["source"], r["source_record_id"]): r["person_id"] for r in _read(truth / "records.csv")}
        households_of: dict[str, set[str]] = defaultdict(set)
        members: dict[str, set[str]] = defaultdict(set)
        for r in _read(truth / "households.csv"):
            households_of[r["person_id"]].add(r["household_id"])
            members[r["household_id"]].add(r["person_id"])
        return cls(person_of_record, households_of, members, list(_read(truth / "scenarios.csv")))


@dataclass
class SubjectMap:
    """Graph persons and households mapped to true ones (by majority, see the module docstring)."""

    persons: dict[str, str | None]
    households: dict[str, str | None]
    truth: Truth

    def true_people(self, e: Episode) -> set[str]:
        if e.subject_type == "person":
            return {self.persons[e.subject_id]} if self.persons.get(e.subject_id) else set()
        household = self.households.get(e.subject_id)
        return set(self.truth.members.get(household, ())) if household else set()

    def true_household(self, e: Episode) -> str | None:
        return self.households.get(e.subject_id) if e.subject_type == "household" else None


def _majority(counter: Counter) -> str | None:
    return counter.most_common(1)[0][0] if counter else None


def _household_members(tx: ManagedTransaction, household_ids: list[str]) -> dict[str, list[str]]:
    return {r["household_id"]: r["members"]
            for r in tx.run(cypher.load("alerts/household_members"), household_ids=household_ids)}


def _person_records(tx: ManagedTransaction, person_ids: list[str]) -> list[dict]:
    return tx.run(cypher.load("alerts/person_records"), person_ids=person_ids).data()


def map_subjects(found: list[Episode], truth: Truth, *, driver: Driver, settings: Settings) -> SubjectMap:
    """Each graph person to the true person most of its records belong to; each graph
    household to the true household that holds most of its (mapped) members."""
    person_ids = {e.subject_id for e in found if e.subject_type == "person"}
    household_ids = sorted({e.subject_id for e in found if e.subject_type == "household"})
    graph_members: dict[str, list[str]] = {}
    votes: dict[str, Counter] = defaultdict(Counter)
    with causal_session(driver, settings.neo4j_database) as session:
        for chunk in batches(household_ids, BATCH):
            graph_members |= session.execute_read(_household_members, chunk)
        needed = sorted(person_ids | {p for m in graph_members.values() for p in m})
        for chunk in batches(needed, BATCH):
            for r in session.execute_read(_person_records, chunk):
                true = truth.person_of_record.get((r["source"], r["source_record_id"]))
                if true:
                    votes[r["person_id"]][true] += 1
    persons = {pid: _majority(votes[pid]) for pid in needed}
    households = {
        hid: _majority(Counter(h for p in people if persons.get(p) for h in truth.households_of[persons[p]]))
        for hid, people in graph_members.items()
    }
    return SubjectMap(persons, households, truth)


def _scenarios_by_subject(truth: Truth) -> tuple[dict[str, list[dict]], dict[str, list[dict]]]:
    """Scenarios by true person and by true household: a person's scenario also counts
    for their households, a household's for its members."""
    by_person: dict[str, list[dict]] = defaultdict(list)
    by_household: dict[str, list[dict]] = defaultdict(list)
    for sc in truth.scenarios:
        if sc["subject_type"] == "person":
            by_person[sc["subject_id"]].append(sc)
            for hh in truth.households_of.get(sc["subject_id"], ()):
                by_household[hh].append(sc)
        else:
            by_household[sc["subject_id"]].append(sc)
            for pid in truth.members.get(sc["subject_id"], ()):
                by_person[pid].append(sc)
    return by_person, by_household


@dataclass
class Hits:
    """What the episodes met: each scenario's first firing inside its window, the rules
    that met each scenario kind, and each episode's label overall and per rule."""

    first: dict[str, date] = field(default_factory=dict)
    rules_by_kind: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    outcome: Counter = field(default_factory=Counter)
    per_rule: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))


def _match(found: list[Episode], subjects: SubjectMap) -> Hits:
    by_person, by_household = _scenarios_by_subject(subjects.truth)
    hits = Hits()
    for e in found:
        candidates = {id(sc): sc for p in subjects.true_people(e) for sc in by_person.get(p, ())}
        if subjects.true_household(e):
            candidates |= {id(sc): sc for sc in by_household.get(subjects.true_household(e), ())}
        matched = []
        for sc in candidates.values():
            lo, hi = date.fromisoformat(sc["first_event_date"]), date.fromisoformat(sc["window_end"])
            inside = [d for d in e.firings if lo <= d <= hi]
            if inside:
                matched.append(sc)
                if sc["scenario_id"] not in hits.first or inside[0] < hits.first[sc["scenario_id"]]:
                    hits.first[sc["scenario_id"]] = inside[0]
                hits.rules_by_kind[sc["kind"]][e.rule] += 1
        if any(sc["should_alert"] == "true" for sc in matched):
            label = "true_positive"
        elif matched:
            label = "decoy_hit"
        else:
            label = "unlabelled"
        hits.outcome[label] += 1
        hits.per_rule[e.rule][label] += 1
    return hits


def _precision_of(rules: Counter, hits: Hits) -> float | None:
    """Of every episode raised by these rules, the share about a should-alert scenario."""
    outcomes = Counter()
    for rule in rules:
        outcomes.update(hits.per_rule[rule])
    total = sum(outcomes.values())
    return outcomes["true_positive"] / total if total else None


def _kinds(scenarios: list[dict], hits: Hits) -> dict[str, dict]:
    """Per scenario kind: recall (or false-alert rate for a decoy kind), the precision of the
    rules that met it (see ``_precision_of``) and days to alert."""
    kinds = {}
    for kind in sorted({sc["kind"] for sc in scenarios}):
        of_kind = [sc for sc in scenarios if sc["kind"] == kind]
        should = of_kind[0]["should_alert"] == "true"
        alerted = [sc for sc in of_kind if sc["scenario_id"] in hits.first]
        delays = [(hits.first[sc["scenario_id"]] - date.fromisoformat(sc["first_event_date"])).days for sc in alerted]
        entry = {"scenarios": len(of_kind), "should_alert": should, "alerted": len(alerted),
                 ("recall" if should else "false_alert_rate"): len(alerted) / len(of_kind) if of_kind else 0.0,
                 "rules": dict(hits.rules_by_kind[kind])}
        if should:
            entry["precision"] = _precision_of(hits.rules_by_kind[kind], hits)
        if delays:
            entry |= {"days_to_alert_median": median(delays), "days_to_alert_mean": round(mean(delays), 1),
                      "days_to_alert_max": max(delays)}
        kinds[kind] = entry
    return kinds


def _overall(found: list[Episode], scenarios: list[dict], hits: Hits) -> dict:
    outcome = hits.outcome
    total = sum(outcome.values())
    should_scenarios = [sc for sc in scenarios if sc["should_alert"] == "true"]
    labelled = outcome["true_positive"] + outcome["decoy_hit"]
    return {
        "alerts": total, "true_positive": outcome["true_positive"], "decoy_hit": outcome["decoy_hit"],
        "unlabelled": outcome["unlabelled"],
        "recall": sum(sc["scenario_id"] in hits.first for sc in should_scenarios) / max(1, len(should_scenarios)),
        "precision_labelled": outcome["true_positive"] / labelled if labelled else 0.0,
        "precision_all": outcome["true_positive"] / total if total else 0.0,
        "rag": dict(Counter(e.rag for e in found)),
    }


def _manifest_today(directory: Path) -> date:
    """The data set's own "today" (manifest.json), else 1 November 2026."""
    manifest = directory / "manifest.json"
    given = json.loads(manifest.read_text()).get("today") if manifest.exists() else None
    return date.fromisoformat(given) if given else date(2026, 11, 1)


def _current(today: date, rules: RuleSet, truth: Truth, *, driver: Driver, settings: Settings) -> dict:
    """What a run as of ``today`` shows (the demo's question): alerts by RAG and subject
    type, and per scenario kind how many scenarios are current (``today`` between their
    first event and window end) and how many of those the rules alert today."""
    found = episodes(detect(today, rules=rules, driver=driver, settings=settings), rules)
    hits = _match(found, map_subjects(found, truth, driver=driver, settings=settings))
    kinds: dict[str, dict] = {}
    for sc in truth.scenarios:
        if date.fromisoformat(sc["first_event_date"]) <= today <= date.fromisoformat(sc["window_end"]):
            entry = kinds.setdefault(sc["kind"], {"current": 0, "alerted": 0})
            entry["current"] += 1
            entry["alerted"] += sc["scenario_id"] in hits.first
    return {"alerts": len(found), "rag": dict(Counter(e.rag for e in found)),
            "subjects": dict(Counter(e.subject_type for e in found)), "kinds": kinds}


def evaluate(directory: Path, today: date | None = None, *, since: date | None = None,
             rules: RuleSet | None = None, driver: Driver, settings: Settings | None = None) -> dict:
    """Recall per should-alert scenario kind, false-alert rate per decoy kind, precision,
    and days from first concerning event to alert; and what a run as of ``today`` shows."""
    settings = settings or get_settings()
    directory = Path(directory)
    today = today or _manifest_today(directory)
    since = since or today - timedelta(days=730)
    found, seconds = backtest(today, since, rules=rules, driver=driver, settings=settings)
    truth = Truth.read(directory / "truth")
    hits = _match(found, map_subjects(found, truth, driver=driver, settings=settings))
    return {
        "kinds": _kinds(truth.scenarios, hits),
        "overall": {"today": today.isoformat(), "since": since.isoformat(), "replay_seconds": round(seconds, 1)}
        | _overall(found, truth.scenarios, hits),
        "rules": {rule: dict(c) for rule, c in sorted(hits.per_rule.items())},
        "today": _current(today, rules or load_rules(), truth, driver=driver, settings=settings),
    }
