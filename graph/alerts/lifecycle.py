"""The alert lifecycle: new -> acknowledged -> watch list | referred to MASH | dismissed.

Every change is an ``AlertTransition {from, to, by, at, reason}`` linked to the alert by
``HAS_TRANSITION``. Dismissing needs a reason. Moving an alert to the watch list puts its
subject on the watch list (owner, reason, review date). Closed alerts (referred,
dismissed) are re-opened by the engine only when the rule fires on new evidence. The
alert's case (``cases``) is recomputed with each change.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.graph.store import causal_session, to_native
from aim.settings import Settings, get_settings

from .cases import case_id_for, recompute
from .engine import default_today
from .rules import STATUSES
from .watchlist import upsert_watch_entry

# to -> statuses it may be reached from (by a person; the engine re-opens closed alerts and
# marks stale / closes alerts with no current activity, which a person may still act on)
ALLOWED_FROM: dict[str, tuple[str, ...]] = {
    "acknowledged": ("new", "stale"),
    "watch_list": ("new", "acknowledged", "stale"),
    "referred": ("new", "acknowledged", "watch_list", "stale"),
    "dismissed": ("new", "acknowledged", "watch_list", "stale"),
}
DEFAULT_REVIEW_DAYS = 28


class LifecycleError(ValueError):
    """A status change that is not allowed (unknown alert, wrong state, missing reason)."""


def _clean(alert: dict) -> dict:
    out = {k: to_native(v) for k, v in alert.items()}
    if isinstance(out.get("explanation"), str):
        out["explanation"] = json.loads(out["explanation"])
    return out


def transition(
    alert_id: str,
    to: str,
    by: str,
    reason: str | None = None,
    *,
    owner: str | None = None,
    review_date: date | None = None,
    today: date | None = None,
    driver: Driver,
    settings: Settings | None = None,
) -> dict:
    """Move an alert to status ``to`` as user ``by``; returns ``{alert_id, from, to}`` and,
    for ``watch_list``, the watch entry. Raises ``LifecycleError`` when not allowed."""
    if to not in ALLOWED_FROM:
        raise LifecycleError(f"cannot move an alert to {to!r} (one of {', '.join(ALLOWED_FROM)})")
    if not by or not by.strip():
        raise LifecycleError("who made the change (`by`) is required")
    if to == "dismissed" and not (reason and reason.strip()):
        raise LifecycleError("dismissing an alert needs a reason")
    settings = settings or get_settings()
    today = today or default_today()

    def work(tx: ManagedTransaction) -> dict:
        row = tx.run(cypher.load("alerts/transition"), alert_id=alert_id, to=to, by=by, reason=reason,
                     allowed_from=list(ALLOWED_FROM[to])).single()
        if row is None:
            current = tx.run("MATCH (a:Alert {alert_id: $id}) RETURN a.status AS status", id=alert_id).single()
            if current is None:
                raise LifecycleError(f"no alert {alert_id}")
            raise LifecycleError(f"alert {alert_id} is {current['status']}; it cannot move to {to}")
        result = {"alert_id": alert_id, "from": row["previous"], "to": to}
        if to == "watch_list":
            result["watch_entry"] = upsert_watch_entry(
                tx, row["subject_type"], row["subject_id"], owner=owner or by,
                reason=reason or "from alert", review_date=review_date or today + timedelta(days=DEFAULT_REVIEW_DAYS),
                by=by, since=today, alert_id=alert_id,
            )
        recompute(tx, [case_id_for(row["subject_type"], row["subject_id"])])  # its case's RAG follows
        return result

    with causal_session(driver, settings.neo4j_database) as session:
        return session.execute_write(work)


def acknowledge(alert_id: str, by: str, reason: str | None = None, *, driver: Driver, **kwargs) -> dict:
    return transition(alert_id, "acknowledged", by, reason, driver=driver, **kwargs)


def refer(alert_id: str, by: str, reason: str | None = None, *, driver: Driver, **kwargs) -> dict:
    """Referred to the MASH."""
    return transition(alert_id, "referred", by, reason, driver=driver, **kwargs)


def dismiss(alert_id: str, by: str, reason: str, *, driver: Driver, **kwargs) -> dict:
    return transition(alert_id, "dismissed", by, reason, driver=driver, **kwargs)


def add_to_watch_list(alert_id: str, by: str, reason: str, *, owner: str | None = None,
                      review_date: date | None = None, driver: Driver, **kwargs) -> dict:
    return transition(alert_id, "watch_list", by, reason, owner=owner, review_date=review_date, driver=driver,
                      **kwargs)


def read_alert(tx: ManagedTransaction, alert_id: str) -> dict | None:
    """An alert's properties (explanation parsed from JSON) and its evidence events."""
    record = tx.run(cypher.load("alerts/get"), alert_id=alert_id).single()
    if record is None:
        return None
    alert = _clean(record["alert"])
    alert["evidence"] = [{k: to_native(v) for k, v in e.items()} for e in record["evidence"]]
    return alert


def read_alerts(tx: ManagedTransaction, statuses: list[str] | None = None, subject_id: str | None = None,
                limit: int = 100) -> list[dict]:
    """Alerts, highest score first; ``statuses`` defaults to every status."""
    for status in statuses or []:
        if status not in STATUSES:
            raise LifecycleError(f"unknown status {status!r}")
    records = tx.run(cypher.load("alerts/list"), statuses=statuses, subject_id=subject_id, limit=limit)
    return [_clean(r["alert"]) for r in records]


def read_history(tx: ManagedTransaction, alert_id: str) -> list[dict]:
    """Every status change of an alert, oldest first: from, to, by, at, reason."""
    return [{k: to_native(v) for k, v in r.data().items()} for r in tx.run(cypher.load("alerts/history"),
                                                                        alert_id=alert_id)]


def _read(work, driver: Driver, settings: Settings | None, *args):
    settings = settings or get_settings()
    with causal_session(driver, settings.neo4j_database) as session:
        return session.execute_read(work, *args)


def get_alert(alert_id: str, *, driver: Driver, settings: Settings | None = None) -> dict | None:
    return _read(read_alert, driver, settings, alert_id)


def list_alerts(statuses: list[str] | None = None, subject_id: str | None = None, limit: int = 100, *,
                driver: Driver, settings: Settings | None = None) -> list[dict]:
    return _read(read_alerts, driver, settings, statuses, subject_id, limit)


def alert_history(alert_id: str, *, driver: Driver, settings: Settings | None = None) -> list[dict]:
    return _read(read_history, driver, settings, alert_id)
