"""Alerts for the MASH: filtered lists, one alert with its evidence and history, and the
lifecycle actions (acknowledge, refer, dismiss, watch) of the alerts module."""

from __future__ import annotations

from datetime import date

from aim.api.deps import Backend, Caller
from aim.api.errors import Conflict, Invalid, NotFound
from aim.api.services.auditing import audited_change, audited_miss
from aim.api.services.policy import policed_read, policed_read_one
from aim.api.services.values import plain
from aim.graph.alerts import lifecycle
from aim.graph.alerts.engine import as_of_today
from aim.graph.access.audit import AuditEntry
from aim.graph.store import as_date

# Filters other than status and subject apply to this many alerts, highest score first.
SCANNED = 10_000


def _matches(alert: dict, rag: str | None, rule: str | None, since: date | None, until: date | None) -> bool:
    if rag and str(alert.get("rag", "")).lower() != rag.lower():
        return False
    if rule and alert.get("rule") != rule:
        return False
    raised = as_date(alert.get("last_updated") or alert.get("first_raised"))
    if since and (raised is None or raised < since):
        return False
    return not (until and (raised is None or raised > until))


def list_alerts(be: Backend, caller: Caller, *, rag: str | None = None, status: str | None = None,
                rule: str | None = None, subject_id: str | None = None, since: date | None = None,
                until: date | None = None, limit: int = 100) -> list[dict]:
    def read(tx):
        found = lifecycle.read_alerts(tx, [status] if status else None, subject_id, SCANNED)
        found = [a for a in found if _matches(a, rag, rule, since, until)][:limit]
        found = plain(as_of_today(tx, found))
        return found, AuditEntry("alerts.list", [a.get("subject_id") for a in found if a.get("subject_id")],
                                 {"rag": rag, "status": status, "rule": rule, "returned": len(found)})

    return policed_read(be, caller, read)


def get_alert(be: Backend, caller: Caller, alert_id: str) -> dict:
    """The alert, its evidence events and its history of status changes."""

    def read(tx):
        found = lifecycle.read_alert(tx, alert_id)
        if found is None:
            return audited_miss("alerts.view", alert_id=alert_id)
        history = lifecycle.read_history(tx, alert_id)
        found = as_of_today(tx, [found])[0]
        return plain(found | {"history": history}), AuditEntry("alerts.view", [found.get("subject_id")],
                                                               {"alert_id": alert_id})

    return policed_read_one(be, caller, read, NotFound(f"no alert '{alert_id}'"))


def act(be: Backend, caller: Caller, alert_id: str, *, action: str, reason: str | None = None,
        owner: str | None = None, review_date: date | None = None) -> dict:
    """``acknowledge``, ``refer``, ``dismiss`` (needs a reason) or ``watch``."""
    if action == "dismiss" and not reason:
        raise Invalid("dismissing an alert needs a reason")
    audited_change(be, caller, f"alerts.{action}", [], {"alert_id": alert_id, "reason": reason})
    by, kw = caller.principal.username, {"driver": be.driver, "settings": be.settings}
    try:
        if action == "acknowledge":
            result = lifecycle.acknowledge(alert_id, by, reason=reason, **kw)
        elif action == "refer":
            result = lifecycle.refer(alert_id, by, reason, **kw)
        elif action == "dismiss":
            result = lifecycle.dismiss(alert_id, by, reason, **kw)
        else:
            result = lifecycle.add_to_watch_list(alert_id, by, reason or "from alert", owner=owner,
                                                 review_date=review_date, **kw)
    except lifecycle.LifecycleError as exc:
        raise Conflict(str(exc)) from exc
    return plain(result)
