"""What the MASH does with a case, and partners' requests for a review.

Every action is a ``CaseTransition {action, from, to, by, at, reason, detail}`` on the case.
Actions that change the case's status move its alerts too (each with its own
``AlertTransition``), so no alert of a closed case stays open:

- ``acknowledge`` (new -> acknowledged), ``assign`` (an officer), ``due`` (a due date),
  ``note`` (a dated, authored note), ``watch`` (the case and its subject on the watch list),
- ``refer`` (to a destination such as children's social care), then ``outcome`` (what came
  of the referral, and when), ``dismiss`` (a reason is required).

Closing actions and the outcome mark partners' pending requests as reviewed: a partner then
sees "reviewed by the MASH on DATE", nothing more.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.graph.store import causal_session, to_native
from aim.settings import Settings, get_settings

from .cases import CLOSED, OPEN, case_id_for
from .engine import default_today
from .lifecycle import DEFAULT_REVIEW_DAYS
from .watchlist import upsert_watch_entry

DESTINATIONS = ("children's social care", "adult social care", "early help", "police", "health", "other")


class CaseError(ValueError):
    """An action that is not allowed (wrong state, missing detail)."""


class CaseNotFound(CaseError):
    """No case with this id."""


@dataclass(frozen=True)
class Action:
    to: str | None                     # the case's new status (None: unchanged)
    allowed_from: tuple[str, ...] | None
    alert_to: str | None = None        # where the case's alerts in alert_from go
    alert_from: tuple[str, ...] = ()
    review_requests: bool = False


ACTIONS = {
    "acknowledge": Action("acknowledged", ("new",), "acknowledged", ("new",)),
    "assign": Action(None, OPEN),
    "due": Action(None, OPEN),
    "note": Action(None, None),
    "watch": Action("watch_list", ("new", "acknowledged"), "watch_list", ("new", "acknowledged")),
    "refer": Action("referred", OPEN, "referred", OPEN, review_requests=True),
    "outcome": Action(None, ("referred",), review_requests=True),
    "dismiss": Action("dismissed", OPEN, "dismissed", OPEN, review_requests=True),
}


# action -> (the detail it needs, what to ask for)
NEEDED = {"assign": ("owner", "an officer to assign"), "due": ("due_date", "a due date"),
          "note": ("reason", "the note's text"), "dismiss": ("reason", "a reason for dismissing"),
          "refer": ("destination", "where the case is referred to"),
          "outcome": ("outcome", "the outcome of the referral")}


@dataclass
class CaseChange:
    """What an action asks for; ``check`` says what is missing."""

    action: str
    by: str
    reason: str | None = None
    owner: str | None = None
    due_date: date | None = None
    destination: str | None = None
    outcome: str | None = None
    outcome_date: date | None = None
    review_date: date | None = None

    def check(self) -> None:
        if self.action not in ACTIONS:
            raise CaseError(f"unknown action {self.action!r} (one of {', '.join(ACTIONS)})")
        if not (self.by or "").strip():
            raise CaseError("who acts (`by`) is required")
        if self.action in NEEDED:
            field, what = NEEDED[self.action]
            value = getattr(self, field)
            if value is None or (isinstance(value, str) and not value.strip()):
                raise CaseError(f"{self.action}: give {what}")
        if self.action == "refer" and self.destination not in DESTINATIONS:
            raise CaseError(f"refer: the destination is one of {', '.join(DESTINATIONS)}")

    def changes(self, today: date) -> dict:
        """The case properties this action sets."""
        if self.action == "assign":
            return {"owner": self.owner}
        if self.action == "due":
            return {"due_date": self.due_date}
        if self.action == "refer":
            return {"referral_destination": self.destination, "referred_on": today, "referred_by": self.by}
        if self.action == "outcome":
            return {"outcome": self.outcome, "outcome_date": self.outcome_date or today, "outcome_by": self.by}
        if self.action == "dismiss":
            return {"dismiss_reason": self.reason}
        return {}


def act(case_id: str, change: CaseChange, *, today: date | None = None, driver: Driver,
        settings: Settings | None = None) -> dict:
    """Apply ``change`` to the case; ``{case_id, action, from, to, alerts_changed}`` (and the
    watch entry for ``watch``). Raises ``CaseNotFound`` or ``CaseError``."""
    change.check()
    spec = ACTIONS[change.action]
    settings = settings or get_settings()
    today = today or default_today()
    changes = change.changes(today)
    note = change.reason if change.action == "note" else None

    def work(tx: ManagedTransaction) -> dict:
        if change.action == "assign" and not tx.run(cypher.load("cases/officer"), username=change.owner).single()["ok"]:
            raise CaseError(f"assign: {change.owner!r} is not an active MASH officer's username")
        row = tx.run(cypher.load("cases/act"), case_id=case_id, action=change.action, by=change.by,
                     reason=None if note else change.reason, to=spec.to,
                     allowed_from=list(spec.allowed_from) if spec.allowed_from else None,
                     changes=changes, detail=json.dumps({k: str(v) for k, v in changes.items()}) if changes else None,
                     alert_to=spec.alert_to, alert_from=list(spec.alert_from), review_requests=spec.review_requests,
                     note=note, note_id=f"N-{uuid.uuid4().hex[:16]}").single()
        if row is None:
            current = tx.run(cypher.load("cases/case_of"), case_id=case_id).single()
            if current is None:
                raise CaseNotFound(f"no case {case_id}")
            raise CaseError(f"the case is {current['status'].replace('_', ' ')}: it cannot be given '{change.action}'")
        result = {"case_id": case_id, "action": change.action, "from": row["previous"], "to": row["status"],
                  "alerts_changed": row["alerts_changed"], "requests_reviewed": row["reviewed"]}
        if change.action == "watch":
            result["watch_entry"] = upsert_watch_entry(
                tx, row["subject_type"], row["subject_id"], owner=change.owner or change.by,
                reason=change.reason or "from case", by=change.by, since=today,
                review_date=change.review_date or today + timedelta(days=DEFAULT_REVIEW_DAYS))
        return result

    with causal_session(driver, settings.neo4j_database) as session:
        return session.execute_write(work)


def request_review(tx: ManagedTransaction, person_id: str, *, organisation: str, by: str, reason: str) -> str | None:
    """A partner's "ask the MASH to review": joins (or opens, or re-opens) the person's case.
    Returns the case id; None when there is no such person."""
    if not (reason or "").strip():
        raise CaseError("say why the MASH should review (a reason is required)")
    row = tx.run(cypher.load("cases/request"), person_id=person_id, case_id=case_id_for("person", person_id),
                 request_id=f"R-{uuid.uuid4().hex[:16]}", organisation=organisation, by=by, reason=reason.strip(),
                 closed=list(CLOSED)).single()
    return row["case_id"] if row else None


def requests_of(tx: ManagedTransaction, person_id: str, organisation: str) -> list[dict]:
    """An organisation's own requests about a person: when asked, when reviewed (dates only)."""
    rows = tx.run(cypher.load("cases/requests_of"), person_id=person_id, organisation=organisation)
    return [{k: to_native(v) for k, v in r.data().items()} for r in rows]
