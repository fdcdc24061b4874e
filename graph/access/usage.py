"""Limits on bulk reading: each user's searches and distinct subjects viewed per day, counted
in the graph (so the count survives restarts and is shared by every worker), and the check
that shows the DPO who reads unusually much against their own history and their role's.

The counts are written by the statement that writes the audit entry of the read they
count (a :class:`Count` on the ``AuditEntry``: one round trip, and the user's day is locked
for that statement and the commit only), in the write transaction after the read's own
read transaction: a read refused by its quota rolls back its entry and count and returns
nothing (the refusal itself is counted, in a transaction of its own).
One ``(:DailyUsage)`` per user and day holds them (the people viewed as keyed hashes, not
ids); a user's days older than ``KEPT_DAYS`` are removed as that user reads.
"""

from __future__ import annotations

import hashlib
import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from neo4j import ManagedTransaction

from aim import cypher

from .policy import Reader

# Per role, per user, per day (AIM_DAILY_SEARCHES / AIM_DAILY_SUBJECTS override them); a role
# not listed has none of what is counted (the roles that search and view people are listed).
DAILY_SEARCHES = {"partner": 50, "mash": 500, "analyst": 200}  # an analyst's: workspace queries and exports
DAILY_SUBJECTS = {"partner": 60, "mash": 600, "analyst": 300}
HISTORY_DAYS = 28
KEPT_DAYS = 2 * HISTORY_DAYS  # a user's older days are removed as they read
UNUSUAL_TIMES = 3.0    # a day's volume this many times the usual is unusual...
UNUSUAL_FLOOR = 20     # ...when it is at least this many reads


class QuotaExceeded(Exception):
    def __init__(self, what: str, limit: int) -> None:
        super().__init__(f"daily limit of {limit} {what} reached")
        self.what = what
        self.limit = limit


@dataclass(frozen=True)
class Quotas:
    searches: dict[str, int]
    subjects: dict[str, int]

    @classmethod
    def of(cls, searches: dict[str, int] | None = None, subjects: dict[str, int] | None = None) -> Quotas:
        """The defaults with the given roles' limits in place of theirs."""
        return cls(DAILY_SEARCHES | (searches or {}), DAILY_SUBJECTS | (subjects or {}))


def today() -> date:
    return datetime.now(UTC).date()


def _usage_key(reader: Reader, day: date) -> str:
    return f"{reader.username}|{day.isoformat()}"


def _view_key(reader: Reader, day: date, subject_id: str) -> str:
    return hashlib.sha256(f"{reader.username}|{day.isoformat()}|{subject_id}".encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Count:
    """What a read counts against its reader's daily quotas: a search and/or the subjects it
    shows. The audit entry's statement writes it (``api/audit_write``, ``$usage``)."""

    reader: Reader
    quotas: Quotas
    search: bool = False
    subject_ids: tuple[str, ...] | list[str] = ()

    def params(self) -> dict:
        day = today()
        return {"key": _usage_key(self.reader, day), "username": self.reader.username, "role": self.reader.role,
                "day": day, "searches": 1 if self.search else 0,
                "views": [_view_key(self.reader, day, s) for s in sorted(set(self.subject_ids))],
                "keep_since": day - timedelta(days=KEPT_DAYS)}

    def check(self, searches: int, subjects: int) -> None:
        """QuotaExceeded when this read took the reader over a daily limit (the transaction
        then rolls back, counts and audit entry included)."""
        role = self.reader.role
        if self.search and searches > self.quotas.searches.get(role, 0):
            raise QuotaExceeded("searches", self.quotas.searches.get(role, 0))
        if subjects > self.quotas.subjects.get(role, 0):
            raise QuotaExceeded("distinct people viewed", self.quotas.subjects.get(role, 0))


def refused(tx: ManagedTransaction, reader: Reader) -> None:
    day = today()
    tx.run(cypher.load("access/usage_refused"), usage_key=_usage_key(reader, day), username=reader.username,
           role=reader.role, day=day).consume()


def read_usage(tx: ManagedTransaction, since: date) -> list[dict]:
    return [dict(r) | {"day": r["day"].to_native()} for r in tx.run(cypher.load("access/usage_read"), since=since)]


def anomalies(rows: list[dict], day: date) -> list[dict]:
    """Users whose reads on ``day`` are unusual: ``UNUSUAL_TIMES`` their own usual daily
    volume (their mean over the previous ``HISTORY_DAYS`` days with reads) and their role's
    (the median of its users' days; either alone when the other has no history yet), and at
    least ``UNUSUAL_FLOOR`` reads; or who hit a quota."""
    own: dict[str, list[int]] = defaultdict(list)
    role_days: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        if r["day"] < day:
            own[r["username"]].append(r["searches"] + r["subjects"])
            role_days[r["role"]].append(r["searches"] + r["subjects"])
    found = []
    for r in (r for r in rows if r["day"] == day):
        volume = r["searches"] + r["subjects"]
        usual_own = statistics.fmean(own[r["username"]]) if own[r["username"]] else None
        usual_role = statistics.median(role_days[r["role"]]) if role_days[r["role"]] else None
        reasons = []
        if r["refused"]:
            reasons.append(f"refused {r['refused']} time(s) by a daily quota")
        usual = [u for u in (usual_own, usual_role) if u is not None]  # no history yet: nothing to compare
        if volume >= UNUSUAL_FLOOR and usual and all(volume >= UNUSUAL_TIMES * max(u, 1.0) for u in usual):
            reasons.append(f"{volume} reads against a usual {_usual(usual_own)} for this user and "
                           f"{_usual(usual_role)} for the {r['role']} role")
        if reasons:
            found.append({"username": r["username"], "role": r["role"], "day": day, "searches": r["searches"],
                          "subjects": r["subjects"], "refused": r["refused"], "usual_for_user": usual_own,
                          "usual_for_role": usual_role, "reasons": reasons})
    return sorted(found, key=lambda a: -(a["searches"] + a["subjects"]))


def history_since(day: date) -> date:
    return day - timedelta(days=HISTORY_DAYS)


def _usual(value: float | None) -> str:
    return "none yet" if value is None else f"{value:.0f}"
