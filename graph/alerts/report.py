"""What a run of the alert rules did: counts of findings and alerts created, updated,
re-opened or left unchanged, and per finding its subject, so that a run over several
submissions' persons can tell each submission what its own subjects got."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class Outcome:
    """What one finding did to its alert."""

    subject: tuple[str, str]  # (subject_type, subject_id)
    rule: str
    did: str  # created, updated, reopened or unchanged
    rag: str | None  # None when unchanged
    alert_id: str | None  # None when unchanged


@dataclass
class RunReport:
    today: date | None = None
    findings: int = 0
    created: int = 0
    updated: int = 0
    reopened: int = 0
    unchanged: int = 0
    per_rule: Counter = field(default_factory=Counter)
    rag: Counter = field(default_factory=Counter)
    carried_over: int = 0
    stale: int = 0
    closed: int = 0
    seconds: float = 0.0
    alert_ids: list[str] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        """Add one finding's outcome to the counts."""
        self.outcomes.append(outcome)
        self.findings += 1
        self.per_rule[outcome.rule] += 1
        setattr(self, outcome.did, getattr(self, outcome.did) + 1)
        if outcome.alert_id is not None:
            self.rag[outcome.rag] += 1
            self.alert_ids.append(outcome.alert_id)

    def about(self, subjects: set[tuple[str, str]], carried_over: int) -> RunReport:
        """This run's report narrowed to the findings about ``subjects``."""
        narrowed = RunReport(today=self.today, carried_over=carried_over, seconds=self.seconds)
        for outcome in self.outcomes:
            if outcome.subject in subjects:
                narrowed.count(outcome)
        return narrowed
