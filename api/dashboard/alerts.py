"""The alert screens (the list of cases, one alert and its actions) and the watch list."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from aim.api.deps import backend, caller_of
from aim.api.errors import Conflict, Invalid
from aim.api.schemas import AlertAction, UnwatchIn
from aim.api.services import alerts, cases, watchlist
from aim.graph.alerts.cases import case_id_for
from aim.graph.store import as_date
from aim.graph.views import age

from . import present
from .pages import errors_of, form_data, redirect, render, screen_router
from .purpose import SCREENS
from .session import PREFIX, Session, check_form, session

router = screen_router()
REVIEW_IN = timedelta(days=28)


CASE_SORTS = {
    "rag": lambda c: (present.RAG_ORDER.get(present.rag(c.get("rag")), 3), -(c.get("score") or 0)),
    "date": lambda c: -(c["last_activity"].toordinal() if c.get("last_activity") else 0),
    "due": lambda c: (c.get("due_date") is None, str(c.get("due_date") or "")),
}


def _chosen(request: Request) -> dict:
    q = request.query_params
    chosen = {"rag": q.get("rag", ""), "status": q.get("status", "open"), "rule": q.get("rule", ""),
              "sort": q.get("sort", "rag"), "mine": q.get("mine", "")}
    if chosen["rag"] not in ("", "red", "amber", "green"):
        chosen["rag"] = ""
    if chosen["status"] not in ("open", "closed", "all", *present.STATUS_NAMES):
        chosen["status"] = "open"
    if chosen["sort"] not in CASE_SORTS:
        chosen["sort"] = "rag"
    return chosen


@router.get("/alerts", response_class=HTMLResponse)
def alert_list(request: Request) -> Response:
    """The alert screen lists cases (one per child or household), names first."""
    s = session(request, "mash")
    chosen = _chosen(request)
    found = cases.list_cases(backend(request), caller_of(request, s.principal, SCREENS["alerts"]),
                             status=chosen["status"], rag=chosen["rag"] or None, rule=chosen["rule"] or None,
                             owner=s.principal.username if chosen["mine"] else None, limit=1000)
    for item in found:
        item["age"] = age(as_date(item.get("date_of_birth")))
        item["last_activity"] = as_date(item.get("last_activity"))
    rules = sorted({(a["rule"], a.get("title") or a["rule"]) for c in found for a in c["alerts"] if a.get("rule")})
    if chosen["rule"] and chosen["rule"] not in {r for r, _ in rules}:
        rules = sorted(set(rules) | {(chosen["rule"], present.label(chosen["rule"]))})
    return render(request, s, "dashboard/alerts.html", cases=sorted(found, key=CASE_SORTS[chosen["sort"]]),
                  chosen=chosen, rules=rules)


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert(request: Request, alert_id: str) -> Response:
    return _alert_page(request, session(request, "mash"), alert_id, [])


def _alert_page(request: Request, s: Session, alert_id: str, errors: list[dict], chosen: dict | None = None
                ) -> Response:
    """The alert page; after a refused form, ``chosen`` (the action and text given) is shown again."""
    found = alerts.get_alert(backend(request), caller_of(request, s.principal, SCREENS["alerts"]), alert_id)
    return render(request, s, "dashboard/alert.html", status_code=400 if errors else 200, alert=found,
                  errors=errors, chosen=chosen or {}, review_default=(date.today() + REVIEW_IN).isoformat(),
                  explanation=found.get("explanation") or {},
                  case_id=case_id_for(found["subject_type"], found["subject_id"]))


@router.post("/alerts/{alert_id}/action", response_class=HTMLResponse)
def act(request: Request, alert_id: str, form=Depends(form_data)) -> Response:
    s = session(request, "mash")
    check_form(request, s, form)
    action = str(form.get("action") or "")
    reason = str(form.get("reason") or "").strip() or None
    chosen = {"action": action, "reason": reason}
    if action == "dismiss" and not reason:
        return _alert_page(request, s, alert_id, [{"field": "reason", "text": "Give a reason for dismissing the alert"}],
                           chosen)
    try:
        body = AlertAction(action=action, reason=reason, owner=str(form.get("owner") or "").strip() or None,
                           review_date=str(form.get("review_date") or "") or None)
    except ValidationError as exc:
        return _alert_page(request, s, alert_id, errors_of(exc), chosen)
    try:
        alerts.act(backend(request), caller_of(request, s.principal), alert_id, action=body.action,
                   reason=body.reason, owner=body.owner, review_date=body.review_date)
    except (Invalid, Conflict) as exc:
        return _alert_page(request, s, alert_id, [{"field": "action", "text": exc.detail}], chosen)
    return redirect(f"{PREFIX}/alerts/{alert_id}?notice={action}")


@router.get("/watch-list", response_class=HTMLResponse)
def watch_list(request: Request) -> Response:
    return _watch_list(request, session(request, "mash"))


def _watch_list(request: Request, s: Session, ending: dict | None = None) -> Response:
    """The watch list; ``ending`` re-shows an end-watch form that was not accepted (its
    entry, the text typed and why)."""
    due_only = request.query_params.get("due") == "1"
    entries = watchlist.entries(backend(request), caller_of(request, s.principal, SCREENS["watch"]), due_only=due_only)
    return render(request, s, "dashboard/watch_list.html", status_code=400 if ending else 200, entries=entries,
                  due_only=due_only, ending=ending or {})


@router.post("/watch-list/{watch_id}/end", response_class=HTMLResponse)
def end_watch(request: Request, watch_id: str, form=Depends(form_data)) -> Response:
    s = session(request, "mash")
    check_form(request, s, form)
    typed = str(form.get("reason") or "")
    try:
        body = UnwatchIn(reason=typed.strip())
    except ValidationError:
        return _watch_list(request, s, {"watch_id": watch_id, "reason": typed,
                                        "error": "Say why the watch ends (at least 3 characters)"})
    watchlist.end(backend(request), caller_of(request, s.principal), watch_id, body.reason)
    return redirect(f"{PREFIX}/watch-list?notice=ended")
