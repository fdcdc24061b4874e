"""The watch list: persons and households an owner keeps an eye on until a review date."""

from __future__ import annotations

from datetime import date

from aim.api.deps import Backend, Caller
from aim.api.errors import Invalid, NotFound
from aim.api.services.auditing import audited_change
from aim.api.services.policy import policed_read
from aim.api.services.values import plain
from aim.graph.alerts import watchlist
from aim.graph.alerts.engine import default_today
from aim.graph.access.audit import AuditEntry


def entries(be: Backend, caller: Caller, *, due_only: bool = False) -> list[dict]:
    """Active entries with their subject's activity since the watch began."""

    def read(tx):
        found = plain(watchlist.read_watch_list(tx, default_today(), due_only))
        return found, AuditEntry("watchlist.list", [e.get("subject_id") for e in found if e.get("subject_id")])

    return policed_read(be, caller, read)


def active_entry(be: Backend, caller: Caller, subject_id: str) -> dict | None:
    """The subject's active watch entry (owner, reason, review date), or None."""

    def read(tx):
        found = watchlist.active_watch_entry(tx, subject_id)
        return plain(found), AuditEntry("watchlist.entry", [subject_id], {"found": found is not None})

    return policed_read(be, caller, read)


def add(be: Backend, caller: Caller, *, subject_type: str, subject_id: str, owner: str, reason: str,
        review_date: date) -> dict:
    audited_change(be, caller, "watchlist.add", [subject_id], {"reason": reason})
    try:
        return plain(watchlist.watch(subject_type, subject_id, owner=owner, reason=reason, review_date=review_date,
                                     by=caller.principal.username, driver=be.driver, settings=be.settings))
    except watchlist.WatchListError as exc:
        raise Invalid(str(exc)) from exc


def end(be: Backend, caller: Caller, watch_id: str, reason: str) -> dict:
    audited_change(be, caller, "watchlist.end", [], {"watch_id": watch_id})
    try:
        return plain(watchlist.unwatch(watch_id, by=caller.principal.username, reason=reason,
                                       driver=be.driver, settings=be.settings))
    except watchlist.WatchListError as exc:
        raise NotFound(str(exc)) from exc
