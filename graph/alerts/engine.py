"""Running the rules: all subjects (``run_all``) or only the affected ones
(``evaluate_subjects``), and applying what they find to the alerts in the graph.

One Alert exists per (rule, subject) (a uniqueness constraint; a new alert's ``alert_id``
is derived from both and never changes afterwards), so a rule that keeps firing updates
that alert (new evidence is added, score and summary refreshed) instead of raising a
second one. When persons merge, their alerts follow the surviving person. A dismissed,
referred, stale or closed alert is re-opened (status ``new``) only when the rule fires on
evidence it has not seen before. The daily ``run_all`` also marks stale the open alerts
whose window has passed without new activity and closes those stale for long enough
(``staleness.expire``); every change the engine makes is an AlertTransition by "engine".

Alert properties (all kept from before, plus those marked new; dates are Neo4j dates):
``alert_id, rule, title, subject_type, subject_id, status, score, rag, summary,
explanation, evidence_count, first_raised`` (the run date on which AIM raised it, never an
evidence date), ``last_updated`` (the run date of the last new evidence), and new:
``window_start, window_end`` (the window of the rule's last firing), ``first_evidence,
last_evidence`` (dates of the earliest and latest evidence held), ``stale_since`` and
``closed_on`` (set by the engine). Statuses ``stale`` and ``closed`` are new. Figures that
depend on today (days since the last activity, the trend) are never stored: read them with
``staleness.with_currency`` / ``staleness.subject_activity``.
"""

from __future__ import annotations

import hashlib
import os
import re
import time
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.graph.store import causal_session, to_native
from aim.settings import Settings, get_settings

from . import scoring
from .report import Outcome, RunReport
from .rules import Rule, RuleSet, Scope, load_rules
from .staleness import ENGINE, OPEN, expire, with_currency

# Statuses the engine re-opens when the rule fires on new evidence.
REOPENABLE = ("referred", "dismissed", "stale", "closed")
WRITE_BATCH = 500


def default_today() -> date:
    """``AIM_TODAY`` (YYYY-MM-DD) when set, else the calendar date."""
    given = os.environ.get("AIM_TODAY")
    return date.fromisoformat(given) if given else date.today()


def as_of_today(tx: ManagedTransaction, alerts: list[dict]) -> list[dict]:
    """These alerts (or cases) with their currency as every reader sees it: today's, under the
    rules in force (``staleness.with_currency``)."""
    return with_currency(tx, alerts, default_today(), load_rules())


def alert_id_for(rule_id: str, subject_type: str, subject_id: str) -> str:
    """The stable id of the one alert a rule keeps about a subject."""
    digest = hashlib.sha1(f"{rule_id}|{subject_type}|{subject_id}".encode()).hexdigest()
    return f"AL-{digest[:16]}"


@dataclass
class Finding:
    """A rule firing for one subject as of one date, with the events that made it fire."""

    rule: Rule
    subject_type: str
    subject_id: str
    as_of: date
    evidence: list[dict]
    organisations: list[str]
    metrics: dict[str, Any]
    score: float = 0.0
    rag: str = "Green"
    summary: str = ""

    @property
    def alert_id(self) -> str:
        return alert_id_for(self.rule.id, self.subject_type, self.subject_id)

    @property
    def event_keys(self) -> set[str]:
        return {f"{e['source']}|{e['event_id']}" for e in self.evidence}


def _finding(rule: Rule, rules: RuleSet, row: dict) -> Finding:
    evidence = [
        {k: (to_native(v) if k == "date" else v) for k, v in e.items()} for e in row["evidence"]
    ]
    found = Finding(
        rule=rule,
        subject_type=row.get("subject_type") or rule.subject,
        subject_id=row["subject_id"],
        as_of=to_native(row["as_of"]),
        evidence=evidence,
        organisations=list(row["organisations"]),
        metrics=dict(row["metrics"]),
    )
    found.score = scoring.score(rule, found.metrics)
    found.rag = rules.rag(found.score)
    found.summary = scoring.summary(rule, found.metrics, evidence, found.as_of)
    return found


def _run_rule(runner, rule: Rule, rules: RuleSet, today: date, scope: Scope,
              subject_ids: list[str] | None, since: date | None) -> list[Finding]:
    params = rule.parameters(today, child_age=rules.child_age, scope=scope, subject_ids=subject_ids, since=since)
    rows = runner(rule.query(scope), params)
    return [_finding(rule, rules, row) for row in rows]


def detect(
    today: date | None = None,
    *,
    rules: RuleSet | None = None,
    scope: Scope = "recent",
    person_ids: list[str] | None = None,
    household_ids: list[str] | None = None,
    since: date | None = None,
    driver: Driver,
    settings: Settings | None = None,
) -> list[Finding]:
    """What the rules find (read only). ``scope``: ``recent`` (everyone with activity in a
    rule's window, as of ``today``), ``ids`` (only the given persons and households) or
    ``history`` (every event date between ``since`` and ``today``, for evaluation)."""
    settings = settings or get_settings()
    rules = rules or load_rules()
    today = today or default_today()

    found: list[Finding] = []
    with session_for(driver, settings) as session:

        def runner(query: str, params: dict) -> list[dict]:
            return session.execute_read(lambda tx: tx.run(query, params).data())

        for rule in rules.rules:
            ids = _ids_for(rule, scope, person_ids, household_ids)
            if ids is False or (rule.kind == "watched" and scope == "history"):
                continue
            found += _run_rule(runner, rule, rules, today, scope, ids, since)
    return found


def session_for(driver: Driver, settings: Settings):
    """A causal session without server notifications: rule queries name labels and properties
    (watch entries, say) that a young graph may not have yet, which is not worth a warning."""
    return causal_session(driver, settings.neo4j_database, notifications_min_severity="OFF")


def _ids_for(rule: Rule, scope: Scope, person_ids, household_ids):
    """Subject ids to pass for a scope, or False when the rule has nothing to evaluate."""
    if scope != "ids":
        return None
    if rule.subject == "person":
        ids = list(person_ids or [])
    elif rule.subject == "household":
        ids = list(household_ids or [])
    else:
        ids = list(person_ids or []) + list(household_ids or [])
    return ids or False


def _organisation_names(tx: ManagedTransaction) -> dict[str, str]:
    rows = tx.run("MATCH (o:Organisation) RETURN o.code AS code, o.name AS name").data()
    return {r["code"]: r["name"] or r["code"] for r in rows}


def _plan(findings: list[Finding], existing: dict[tuple, dict], rules: RuleSet, names: dict[str, str],
          report: RunReport) -> list[dict]:
    """Decide per finding: create, add new evidence, re-open, or leave alone."""
    # one finding per (rule, subject): the latest as_of wins (history replays give several)
    latest: dict[tuple, Finding] = {}
    for f in findings:
        key = (f.rule.id, f.subject_type, f.subject_id)
        if key not in latest or f.as_of >= latest[key].as_of:
            latest[key] = f
    rows = []
    for key, f in latest.items():
        state = existing.get(key)
        alert_id = state["alert_id"] if state else f.alert_id
        fresh = f.event_keys - set(state["evidence"]) if state else f.event_keys
        transition = None
        if state is None:
            status, did = "new", "created"
            transition = {"from": None, "to": "new", "by": ENGINE, "reason": f"raised: {f.summary}"}
        elif not fresh:
            report.count(Outcome((f.subject_type, f.subject_id), f.rule.id, "unchanged", None, None))
            continue
        elif state["status"] in REOPENABLE:
            status, did = "new", "reopened"
            transition = {"from": state["status"], "to": "new", "by": ENGINE,
                          "reason": f"re-opened on {len(fresh)} new event(s): {f.summary}"}
        else:
            status, did = state["status"], "updated"
        report.count(Outcome((f.subject_type, f.subject_id), f.rule.id, did, f.rag, alert_id))
        rows.append({
            "alert_id": alert_id, "rule": f.rule.id, "title": f.rule.title,
            "subject_type": f.subject_type, "subject_id": f.subject_id, "as_of": f.as_of,
            "window_start": f.as_of - timedelta(days=f.rule.days - 1),
            "status": status, "score": f.score, "rag": f.rag, "summary": f.summary,
            "explanation": scoring.explanation(f.rule, rules, f.as_of, f.metrics, f.evidence, names,
                                               f.score, f.summary),
            "events": [{"source": e["source"], "event_id": e["event_id"]} for e in f.evidence],
            "transition": transition,
        })
    return rows


def _existing(tx: ManagedTransaction, findings: list[Finding]) -> dict[tuple, dict]:
    keys = {(f.rule.id, f.subject_type, f.subject_id) for f in findings}
    rows = tx.run(cypher.load("alerts/existing"),
                  keys=[{"rule": r, "subject_type": t, "subject_id": s} for r, t, s in sorted(keys)]).data()
    return {(r["rule"], r["subject_type"], r["subject_id"]): r for r in rows}


def carry_over_merged(tx: ManagedTransaction, person_ids: list[str]) -> int:
    """Alerts about persons merged into these survivors follow them: moved to the survivor
    when it has no alert for that rule, otherwise closed as duplicates (if still open)
    pointing at the survivor's alert. Returns how many alerts were handled."""
    return _carry_over(tx, tx.run(cypher.load("alerts/merged"), person_ids=person_ids).single()["merged"])


def _carry_over(tx: ManagedTransaction, rows: list[dict]) -> int:
    """:func:`carry_over_merged` of the rows ``alerts/merged`` read."""
    for row in rows:
        if row["kept_id"] is None:
            tx.run(cypher.load("alerts/repoint"), alert_id=row["alert_id"], survivor=row["survivor"],
                   old_id=row["old_id"],
                   reason=f"person {row['old_id']} merged into {row['survivor']}").consume()
        elif row["status"] in OPEN:
            tx.run(cypher.load("alerts/transition"), alert_id=row["alert_id"], to="dismissed", by=ENGINE,
                   allowed_from=list(OPEN),
                   reason=f"person {row['old_id']} merged into {row['survivor']}; "
                          f"continued as alert {row['kept_id']}").consume()
    return len(rows)


def apply_findings(tx: ManagedTransaction, findings: list[Finding], rules: RuleSet, report: RunReport,
                   names: dict[str, str] | None = None) -> None:
    """Create, update or re-open the alerts for these findings inside one transaction."""
    if not findings:
        return
    names = names if names is not None else _organisation_names(tx)
    existing = _existing(tx, findings)
    rows = _plan(findings, existing, rules, names, report)
    if rows:
        tx.run(cypher.load("alerts/write"), alerts=rows).consume()
        from .cases import gather  # here: cases -> lifecycle -> engine would be an import cycle

        gather(tx, rows)


def run_all(
    today: date | None = None,
    *,
    rules: RuleSet | None = None,
    rule_ids: list[str] | None = None,
    driver: Driver,
    settings: Settings | None = None,
) -> RunReport:
    """Evaluate every rule for every subject with activity in the rule's window, as of
    ``today``, and create/update/re-open alerts accordingly (after moving alerts of
    merged-away persons to their survivors); then mark stale, or close, the alerts of these
    rules that no longer have current activity."""
    started = time.perf_counter()
    settings = settings or get_settings()
    rules = (rules or load_rules()).only(rule_ids)
    today = today or default_today()
    report = RunReport(today=today)
    findings = detect(today, rules=rules, driver=driver, settings=settings)
    with session_for(driver, settings) as session:
        names = session.execute_read(_organisation_names)
        survivors = session.execute_read(lambda tx: tx.run(cypher.load("alerts/merged_survivors")).value())
        if survivors:
            report.carried_over = session.execute_write(carry_over_merged, survivors)
        for start in range(0, len(findings), WRITE_BATCH):
            chunk = findings[start:start + WRITE_BATCH]
            session.execute_write(apply_findings, chunk, rules, report, names)
        report.stale, report.closed = session.execute_write(expire, today, rules, settings)
    report.seconds = time.perf_counter() - started
    return report


@cache
def _households_and_merged_query() -> str:
    return "\n".join([cypher.subquery(cypher.load("alerts/households_of")),
                      cypher.subquery(cypher.load("alerts/merged")), "RETURN memberships, merged"])


def _households_and_merged(tx: ManagedTransaction, person_ids: list[str],
                           since: date) -> tuple[list[tuple[str, str]], list[dict]]:
    """The households of these persons, as (person id, household id) pairs
    (``alerts/households_of``), and the alerts of the persons merged into them
    (``alerts/merged``), in one round trip."""
    row = tx.run(_households_and_merged_query(), person_ids=person_ids, since=since).single()
    return [tuple(pair) for pair in row["memberships"]], row["merged"]


def evaluate_in(tx: ManagedTransaction, person_ids: list[str], household_ids: list[str] | None = None,
                today: date | None = None, *, rules: RuleSet | None = None) -> RunReport:
    """Incremental re-evaluation inside the caller's transaction: every rule for these
    persons and for their households (plus ``household_ids``). Call it with the person ids
    that real-time resolution touched (the surviving id after a merge: alerts of persons
    merged into it are moved to it, or closed as duplicates of its own alert for the same
    rule). Unknown ids are ignored."""
    return evaluate_each_in(tx, [person_ids], household_ids, today, rules=rules)[0]


def evaluate_each_in(tx: ManagedTransaction, person_groups: list[list[str]], household_ids: list[str] | None = None,
                     today: date | None = None, *, rules: RuleSet | None = None) -> list[RunReport]:
    """:func:`evaluate_in` for the persons of several submissions at once: one evaluation
    of them all, then, when there is more than one group, each group's report narrowed to
    its own subjects (its persons, their households and ``household_ids``)."""
    started = time.perf_counter()
    rules = rules or load_rules()
    report = RunReport(today=today or default_today())
    person_ids = sorted(set().union(*person_groups))
    households = set(household_ids or [])
    memberships, merged = [], []
    if person_ids:
        lookback = max(r.lookback for r in rules.rules)
        memberships, merged = _households_and_merged(tx, person_ids, report.today - timedelta(days=lookback))
        households |= {household for _, household in memberships}
        report.carried_over = _carry_over(tx, merged)
    apply_findings(tx, _detect_together(tx, rules, report.today, person_ids, sorted(households)), rules, report)
    report.seconds = time.perf_counter() - started
    if len(person_groups) == 1:
        return [report]
    narrowed = []
    for group in map(set, person_groups):
        subjects = {("person", p) for p in group} | {("household", h) for h in household_ids or []} | {
            ("household", h) for p, h in memberships if p in group}
        narrowed.append(report.about(subjects, sum(1 for row in merged if row["survivor"] in group)))
    return narrowed


def _detect_together(tx: ManagedTransaction, rules: RuleSet, today: date, person_ids: list[str],
                     household_ids: list[str]) -> list[Finding]:
    """What every rule finds about these subjects, in one statement: each rule's query
    (scope ``ids``) in a subquery of its own, its parameters renamed apart (``$days`` of
    rule 3 is ``$r3_days``), the rows told apart by the rule's position."""
    parts, params, chosen = [], {}, {}
    for n, rule in enumerate(rules.rules):
        ids = _ids_for(rule, "ids", person_ids, household_ids)
        if ids is False:
            continue
        chosen[n] = rule
        prefix = f"r{n}_"
        query = re.sub(r"\$(\w+)", lambda m, prefix=prefix: f"${prefix}{m.group(1)}", rule.query("ids"))
        params |= {prefix + name: value for name, value in
                   rule.parameters(today, child_age=rules.child_age, scope="ids", subject_ids=ids).items()}
        # A rule about any subject says of each row which kind it is; the others' kind is the rule's.
        kind = "subject_type" if rule.subject == "any" else "null AS subject_type"
        parts.append(f"{cypher.subquery(query)}\n"
                     f"RETURN {n} AS rule, {kind}, subject_id, as_of, evidence, organisations, metrics")
    if not parts:
        return []
    rows = tx.run("\nUNION ALL\n".join(parts), params).data()
    return [_finding(chosen[row["rule"]], rules, row) for row in rows]


def evaluate_subjects(
    person_ids: list[str],
    household_ids: list[str] | None = None,
    today: date | None = None,
    *,
    rules: RuleSet | None = None,
    driver: Driver,
    settings: Settings | None = None,
) -> RunReport:
    """:func:`evaluate_in` in a write transaction of its own (after records arrive or
    persons merge)."""
    settings = settings or get_settings()
    with session_for(driver, settings) as session:
        return session.execute_write(evaluate_in, person_ids, household_ids, today, rules=rules)
