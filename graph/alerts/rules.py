"""Alert rules as data: a YAML rule set, each rule compiled to a parameterised Cypher query.

A rule's *kind* (and subject type) picks a body template in ``cypher/alerts/``; a *scope*
template in ``cypher/alerts/scope/`` picks which subjects are evaluated and as of which
date (everyone active recently, given subjects, or every event date for a replay of
history). The query text is only ever the concatenation of those two files: every number,
date and list of event types travels as a query parameter.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

from aim import cypher

Scope = Literal["recent", "ids", "history"]
KINDS = ("multi_agency", "high_risk", "household_cluster", "escalation", "watched")
STATUSES = ("new", "acknowledged", "watch_list", "referred", "dismissed", "stale", "closed")
OPEN_STATUSES = ("new", "acknowledged", "watch_list")  # someone still has to act

# (kind, subject type) -> body template
TEMPLATES = {
    ("multi_agency", "person"): "alerts/person_activity",
    ("high_risk", "person"): "alerts/person_activity",
    ("high_risk", "household"): "alerts/household_high_risk",
    ("household_cluster", "household"): "alerts/household_activity",
    ("escalation", "person"): "alerts/person_escalation",
    ("watched", "any"): "alerts/watched",
}
# Parameter defaults per kind; a rule's `params` override them.
DEFAULTS: dict[str, dict[str, Any]] = {
    "multi_agency": {"n": 3, "k": 2, "days": 30},
    "high_risk": {"n": 1, "k": 1, "days": 30},
    "household_cluster": {"n": 5, "k": 2, "days": 30, "min_members": 2},
    "escalation": {"days": 30, "baseline_days": 180, "ratio": 3.0, "min_events": 3, "k": 1, "smoothing": 1},
    "watched": {"n": 1, "days": 30},
}


class RuleError(ValueError):
    """A rule set that cannot be compiled."""


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    subject: str  # person | household | any
    title: str
    params: dict[str, Any]
    types: tuple[str, ...] | None = None
    exclude_types: tuple[str, ...] = ()
    age: str = "any"  # child | adult | any
    score: dict[str, float] = field(default_factory=dict)
    summary: str = ""

    @property
    def template(self) -> str:
        return TEMPLATES[self.kind, self.subject]

    @property
    def days(self) -> int:
        return int(self.params["days"])

    @property
    def lookback(self) -> int:
        """Days before `today` whose events can matter to this rule."""
        return self.days + int(self.params.get("baseline_days", 0))

    @property
    def min_events(self) -> int:
        return int(self.params.get("min_events", self.params.get("n", 1)))

    def query(self, scope: Scope) -> str:
        """The Cypher for this rule over one scope (text from ``cypher/`` only)."""
        if self.kind == "watched":
            if scope == "history":
                raise RuleError("the watched rule has no history replay")
            return cypher.load(self.template)
        return cypher.load(f"alerts/scope/{self.subject}_{scope}") + "\n" + cypher.load(self.template)

    def parameters(self, today: date, *, child_age: int, scope: Scope = "recent",
                   subject_ids: list[str] | None = None, since: date | None = None) -> dict[str, Any]:
        """Query parameters for this rule evaluated as of ``today``."""
        min_age = max_age = None
        if self.age == "child":
            max_age = child_age
        elif self.age == "adult":
            min_age = child_age
        params = {
            "n": 1, "k": 1, "min_members": 1, "min_events": 1, "ratio": 0.0, "smoothing": 1,
            "baseline_days": 0,
        } | self.params
        params |= {
            "today": today,
            "types": list(self.types) if self.types is not None else None,
            "exclude_types": list(self.exclude_types),
            "min_age": min_age,
            "max_age": max_age,
            "child_age": child_age,
            "subject_ids": subject_ids,
            # the scope: subjects with at least `scope_min` events in the rule's (recent) window, or since `since`
            "scope_since": since or (today - timedelta(days=self.days - 1)),
            "scope_min": self.min_events,
        }
        return params


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    red: float = 70
    amber: float = 40
    child_age: int = 18
    routine_types: tuple[str, ...] = ()  # contacts that never count (trend included)

    def rag(self, score: float) -> str:
        if score >= self.red:
            return "Red"
        if score >= self.amber:
            return "Amber"
        return "Green"

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

    def only(self, rule_ids: list[str] | None) -> RuleSet:
        if not rule_ids:
            return self
        unknown = set(rule_ids) - {r.id for r in self.rules}
        if unknown:
            raise RuleError(f"unknown rule(s): {', '.join(sorted(unknown))}")
        return RuleSet(tuple(r for r in self.rules if r.id in rule_ids), self.red, self.amber, self.child_age,
                       self.routine_types)


def _rule(raw: dict, routine: list[str]) -> Rule:
    try:
        rule_id, kind = str(raw["id"]), str(raw["kind"])
    except KeyError as exc:
        raise RuleError(f"a rule needs {exc.args[0]!r}: {raw}") from None
    if kind not in KINDS:
        raise RuleError(f"rule {rule_id}: unknown kind {kind!r} (one of {', '.join(KINDS)})")
    subject = str(raw.get("subject", "any" if kind == "watched" else "person"))
    if (kind, subject) not in TEMPLATES:
        raise RuleError(f"rule {rule_id}: kind {kind} has no template for subject {subject!r}")
    age = str(raw.get("age", "any"))
    if age not in ("child", "adult", "any"):
        raise RuleError(f"rule {rule_id}: age must be child, adult or any")
    params = DEFAULTS[kind] | dict(raw.get("params") or {})
    for name, value in params.items():
        if not isinstance(value, int | float) or isinstance(value, bool) or value < 0:
            raise RuleError(f"rule {rule_id}: parameter {name} must be a non-negative number")
    if params["days"] < 1:
        raise RuleError(f"rule {rule_id}: days must be at least 1")
    types = raw.get("types")
    exclude = raw.get("exclude_types")
    if exclude is None:
        exclude = routine if types is None else []
    return Rule(
        id=rule_id, kind=kind, subject=subject, title=str(raw.get("title", rule_id)), params=params,
        types=tuple(types) if types is not None else None, exclude_types=tuple(exclude), age=age,
        score={k: float(v) for k, v in (raw.get("score") or {}).items()},
        summary=str(raw.get("summary", "{events} {activities} in the last {days} days")),
    )


def parse_rules(data: dict) -> RuleSet:
    """A rule set from its YAML structure (validated)."""
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError("a rule set is a mapping with a list of `rules`")
    routine = list(data.get("routine_types") or [])
    rules = tuple(_rule(raw, routine) for raw in data["rules"])
    ids = [r.id for r in rules]
    if len(ids) != len(set(ids)):
        raise RuleError("rule ids must be unique")
    bands = data.get("bands") or {}
    red, amber = float(bands.get("red", 70)), float(bands.get("amber", 40))
    if amber > red:
        raise RuleError("the amber band must start below the red band")
    return RuleSet(rules, red=red, amber=amber, child_age=int(data.get("child_age", 18)),
                   routine_types=tuple(routine))


@cache
def _default_rules() -> RuleSet:
    # parsed once per process: real-time submissions evaluate the rules for every record
    return parse_rules(yaml.safe_load(
        resources.files("aim.graph.alerts").joinpath("rules.yaml").read_text(encoding="utf-8")))


def load_rules(path: Path | str | None = None) -> RuleSet:
    """The rule set in ``path``, or the default ``rules.yaml`` shipped with the package."""
    if path:
        return parse_rules(yaml.safe_load(Path(path).read_text(encoding="utf-8")))
    return _default_rules()
