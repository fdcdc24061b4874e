"""Score, Red/Amber/Green rating, plain-English summary and explanation of a finding."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta
from typing import Any

from .rules import Rule, RuleSet


ACTIONS = {
    "Red": "consider a referral to the MASH",
    "Amber": "review the activity",
    "Green": "add to watch list",
}


def _plural(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def _label(event_type: str) -> str:
    return event_type.replace("_", " ") if event_type else "unspecified"


def score(rule: Rule, metrics: dict[str, Any]) -> float:
    """``base`` plus points for every event and organisation beyond the rule's threshold
    (``per_extra_event``, ``per_extra_organisation``), plus ``per_child`` when a child is
    concerned; clipped to 0..100."""
    weights = rule.score
    events = int(metrics.get("events", 0))
    organisations = int(metrics.get("organisations", 0))
    threshold_events = int(rule.params.get("n", rule.params.get("min_events", 1)))
    threshold_orgs = int(rule.params.get("k", 1))
    value = weights.get("base", 50.0)
    value += weights.get("per_extra_event", 0.0) * max(0, events - threshold_events)
    value += weights.get("per_extra_organisation", 0.0) * max(0, organisations - threshold_orgs)
    if metrics.get("children"):
        value += weights.get("per_child", 0.0)
    return float(max(0.0, min(100.0, round(value, 1))))


def day(value: date) -> str:
    """A date as people write it: 3 Nov 2026."""
    return f"{value.day} {value:%b %Y}"


def _span(dates: list[date]) -> str:
    """"on 3 Nov 2026" or "from 3 Nov 2026 to 20 Nov 2026"."""
    if not dates:
        return ""
    if dates[0] == dates[-1]:
        return f"on {day(dates[0])}"
    return f"from {day(dates[0])} to {day(dates[-1])}"


def summary(rule: Rule, metrics: dict[str, Any], evidence: list[dict], as_of: date) -> str:
    """The plain-English line for the alert screen, from the rule's ``summary`` template.
    It names its dates (``{dates}``, ``{first}``, ``{last}``: the evidence's; ``{to}``: the
    day the rule was run), so that it stays true when read later."""
    events = int(metrics.get("events", len(evidence)))
    dates = sorted(e["date"] for e in evidence if e.get("date"))
    organisations = int(metrics.get("organisations", 0))
    children = int(metrics.get("children", 0) or 0)
    ratio = metrics.get("ratio")
    fields = {
        "events": events,
        "activities": _plural(events, "activity", "activities"),
        "events_word": _plural(events, "event", "events"),
        "organisations": organisations,
        "agencies": _plural(organisations, "agency", "agencies"),
        "days": rule.days,
        "members": int(metrics.get("members", 0) or 0),
        "children": children,
        "children_word": _plural(children, "child", "children"),
        "baseline": int(metrics.get("baseline", 0) or 0),
        "baseline_days": int(rule.params.get("baseline_days", 0)),
        "ratio_text": f"{ratio:.1f} x" if isinstance(ratio, int | float) else "above",
        "types": ", ".join(_label(t) for t, _ in Counter(e["type"] for e in evidence).most_common()),
        "first": day(dates[0]) if dates else "",
        "last": day(dates[-1]) if dates else "",
        "dates": _span(dates),
        "to": day(as_of),
    }
    try:
        return rule.summary.format(**fields)
    except (KeyError, IndexError, ValueError):
        return f"{events} {fields['activities']} in the {rule.days} days to {fields['to']}"


def _iso(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def explanation(rule: Rule, rules: RuleSet, as_of: date, metrics: dict[str, Any], evidence: list[dict],
                organisation_names: dict[str, str], value: float, text: str) -> str:
    """JSON: the rule and its parameters, the window, the events and the organisations."""
    per_org = Counter(e["source"] for e in evidence)
    body = {
        "rule": rule.id,
        "title": rule.title,
        "kind": rule.kind,
        "as_of": as_of.isoformat(),
        "window": {"from": (as_of - timedelta(days=rule.days - 1)).isoformat(), "to": as_of.isoformat()},
        "evidence_dates": {"first": _iso(min(e["date"] for e in evidence)) if evidence else None,
                           "last": _iso(max(e["date"] for e in evidence)) if evidence else None},
        "parameters": {k: v for k, v in rule.params.items()} | {"age": rule.age},
        "metrics": {k: _iso(v) for k, v in metrics.items()},
        "score": value,
        "rag": rules.rag(value),
        "action": ACTIONS[rules.rag(value)],
        "summary": text,
        "organisations": [
            {"code": code, "name": organisation_names.get(code, code), "events": n}
            for code, n in per_org.most_common()
        ],
        "events": [
            {k: _iso(v) for k, v in e.items()} | {"organisation": organisation_names.get(e["source"], e["source"])}
            for e in sorted(evidence, key=lambda e: (e["date"], e["source"], e["event_id"]))
        ],
    }
    return json.dumps(body, sort_keys=False)
