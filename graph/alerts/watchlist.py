"""The watch list: people or households with an owner, a reason and a review date.

A watched subject's new activity surfaces twice: in ``watch_list()`` (its events since the
watch began) and as alerts of the ``watched`` rule kind when the engine runs.
"""

from __future__ import annotations

import uuid
from datetime import date

from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.graph.store import causal_session, to_native
from aim.settings import Settings, get_settings

from .engine import default_today, session_for


class WatchListError(ValueError):
    pass


def upsert_watch_entry(tx: ManagedTransaction, subject_type: str, subject_id: str, *, owner: str, reason: str,
                       review_date: date, by: str, since: date, alert_id: str | None = None) -> dict:
    """Put a subject on the watch list, or update its active entry; the entry."""
    if subject_type not in ("person", "household"):
        raise WatchListError("subject_type is person or household")
    row = tx.run(cypher.load("alerts/watch_upsert"), subject_type=subject_type, subject_id=subject_id,
                 owner=owner, reason=reason, review_date=review_date, by=by, since=since,
                 alert_id=alert_id, watch_id=f"W-{uuid.uuid4().hex[:16]}").single()
    if row is None:
        raise WatchListError(f"no {subject_type} {subject_id}")
    return {k: to_native(v) for k, v in row["entry"].items()}


def watch(subject_type: str, subject_id: str, *, owner: str, reason: str, review_date: date,
          by: str | None = None, today: date | None = None, driver: Driver,
          settings: Settings | None = None) -> dict:
    """Put a person or household on the watch list (or update its active entry)."""
    if not owner or not reason:
        raise WatchListError("a watch entry needs an owner and a reason")
    settings = settings or get_settings()
    today = today or default_today()
    with causal_session(driver, settings.neo4j_database) as session:
        return session.execute_write(upsert_watch_entry, subject_type, subject_id, owner=owner, reason=reason,
                                     review_date=review_date, by=by or owner, since=today)


def unwatch(watch_id: str, *, by: str, reason: str, driver: Driver, settings: Settings | None = None) -> dict:
    """End a watch entry (kept, inactive, with who ended it and why)."""
    settings = settings or get_settings()
    records, _, _ = driver.execute_query(cypher.load("alerts/watch_end"), watch_id=watch_id, by=by,
                                         reason=reason, database_=settings.neo4j_database)
    if not records:
        raise WatchListError(f"no active watch entry {watch_id}")
    return {k: to_native(v) for k, v in records[0]["entry"].items()}


def read_watch_list(tx: ManagedTransaction, today: date, due_only: bool = False) -> list[dict]:
    """Active entries with the subject's activity since the watch began (``activity``) and
    whether the review is ``due``."""
    out = []
    for r in tx.run(cypher.load("alerts/watch_list"), today=today, due_only=due_only):
        entry = {k: to_native(v) for k, v in r["entry"].items()}
        entry["activity"] = [{k: to_native(v) for k, v in e.items()} for e in r["activity"]]
        entry["due"] = bool(r["due"])
        out.append(entry)
    return out


def watch_list(today: date | None = None, *, due_only: bool = False, driver: Driver,
               settings: Settings | None = None) -> list[dict]:
    settings = settings or get_settings()
    with session_for(driver, settings) as session:
        return session.execute_read(read_watch_list, today or default_today(), due_only)


def active_watch_entry(tx: ManagedTransaction, subject_id: str) -> dict | None:
    """The subject's active watch entry, or None."""
    row = tx.run(cypher.load("alerts/watch_active"), subject_id=subject_id).single()
    return {k: to_native(v) for k, v in row["entry"].items()} if row else None
