"""Alerts kept true as time passes: open alerts whose window has passed without new
activity go stale, stale ones close (``expire``, run by the daily ``run_all``), and the
figures computed against today at read time (``with_currency``): days since the subject's
last activity and its trend (the last 30 days against the 90 before).

Nothing here is stored as "current": a stored count or age would be wrong the next day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from neo4j import ManagedTransaction

from aim import cypher
from aim.graph.store import to_native
from aim.settings import Settings

from .rules import OPEN_STATUSES as OPEN
from .rules import RuleSet

ENGINE = "engine"
RECENT_DAYS = 30
BEFORE_DAYS = 90
# recent activity above (below) the usual rate times this reads as rising (falling)
RISING, FALLING = 1.25, 0.75


def expire(tx: ManagedTransaction, today: date, rules: RuleSet, settings: Settings) -> tuple[int, int]:
    """Mark stale the open alerts of these rules whose window passed (plus
    ``alert_stale_days``) with no new activity, and close the alerts stale for
    ``alert_close_days``; their cases are refreshed. Returns (newly stale, newly closed)."""
    from .cases import gather  # here: cases -> lifecycle -> engine -> staleness would be a cycle

    windows = [{"rule": r.id, "days": r.days} for r in rules.rules]
    stale = tx.run(cypher.load("alerts/stale"), rules=windows, open=list(OPEN), today=today,
                   stale_days=settings.alert_stale_days, by=ENGINE).data()
    closed = tx.run(cypher.load("alerts/close_stale"), today=today, close_days=settings.alert_close_days,
                    by=ENGINE).data()
    gather(tx, stale + closed)
    return len(stale), len(closed)


@dataclass(frozen=True)
class Trend:
    """Activity in the last ``RECENT_DAYS`` against the ``BEFORE_DAYS`` before them."""

    recent: int
    before: int

    @property
    def usual(self) -> float:
        """The usual count per ``RECENT_DAYS`` days, from the period before."""
        return self.before * RECENT_DAYS / BEFORE_DAYS

    @property
    def direction(self) -> str:
        if self.recent > self.usual * RISING:
            return "rising"
        if self.recent < self.usual * FALLING:
            return "falling"
        return "steady"

    @property
    def arrow(self) -> str:
        return {"rising": "↑", "falling": "↓", "steady": "→"}[self.direction]

    def describe(self) -> str:
        return (f"{self.arrow} {self.direction}: {self.recent} in the last {RECENT_DAYS} days against "
                f"{self.before} in the {BEFORE_DAYS} days before ({self.usual:.1f} per {RECENT_DAYS} days)")

    def as_dict(self) -> dict:
        return {"recent": self.recent, "before": self.before, "recent_days": RECENT_DAYS,
                "before_days": BEFORE_DAYS, "usual": round(self.usual, 1), "direction": self.direction,
                "arrow": self.arrow, "text": self.describe()}


def subject_activity(tx: ManagedTransaction, subjects: list[tuple[str, str]], today: date,
                     routine_types: tuple[str, ...]) -> dict[tuple[str, str], dict]:
    """Per (subject_type, subject_id): its trend and the days since its last activity as of
    ``today`` (routine contacts not counted)."""
    rows = tx.run(cypher.load("alerts/trend"),
                  subjects=[{"subject_type": t, "subject_id": i} for t, i in sorted(set(subjects))],
                  today=today, routine_types=list(routine_types), recent_days=RECENT_DAYS,
                  before_days=BEFORE_DAYS)
    activity = {}
    for row in rows:
        last = to_native(row["last_activity"])
        activity[row["subject_type"], row["subject_id"]] = {
            "trend": Trend(row["recent"], row["before"]).as_dict(),
            "last_activity_date": last,
            "days_since_last_activity": (today - last).days if last else None,
        }
    return activity


def with_currency(tx: ManagedTransaction, alerts: list[dict], today: date, rules: RuleSet) -> list[dict]:
    """These alerts (or cases) with ``trend``, ``last_activity_date``, ``days_since_last_activity``
    (of their subject, as of ``today``) and ``today`` itself."""
    found = subject_activity(tx, [(a["subject_type"], a["subject_id"]) for a in alerts], today,
                             rules.routine_types)
    for alert in alerts:
        alert |= {"today": today, "trend": None, "last_activity_date": None,
                  "days_since_last_activity": None}
        alert |= found.get((alert["subject_type"], alert["subject_id"]), {})
    return alerts
