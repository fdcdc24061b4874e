"""The person view: every organisation's latest activity and lead contact, the timeline,
and for MASH officers why the records were linked, the resolution history, the person's
alerts and *Add to watch list*."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from aim.api.deps import backend, caller_of
from aim.api.schemas import WatchIn
from aim.api.services import alerts, cases, persons, records, review, watchlist

from . import explained, present
from .pages import errors_of, form_data, log, redirect, render, screen_router
from .purpose import SCREENS, purpose_of, required_purpose, state_purpose
from .session import PREFIX, Session, form_session, session

router = screen_router()
REVIEW_IN = timedelta(days=28)
WATCH_ERRORS = {"reason": "Give the reason for watching (at least 3 characters)",
                "owner": "Give the owner's username", "review_date": "Give a review date, for example 31 12 2026"}


@router.get("/people/{subject_id}", response_class=HTMLResponse)
def person(request: Request, subject_id: str, page: int = 1) -> Response:
    s = session(request, "partner", "mash")
    purpose = required_purpose(request, s, subject_id, "person")
    return _page(request, s, subject_id, purpose, page)


def _page(request: Request, s: Session, subject_id: str, purpose: str, page: int = 1, watch_form: dict | None = None,
          status_code: int = 200) -> Response:
    """The person page; ``watch_form`` re-shows a watch-list form that was not accepted
    (what was typed and why), open."""
    be = backend(request)
    caller = caller_of(request, s.principal, purpose)
    view = persons.view(be, caller, subject_id)
    timeline = persons.timeline(be, caller, subject_id, page=max(1, min(page, 10_000)), page_size=25)
    history, found, links, watching = [], [], [], None
    if s.role == "mash":
        if not subject_id.startswith("rec:"):
            history = persons.history(be, caller, subject_id)
            try:
                links = [link | {"table": explained.link_table(link)}
                         for link in review.why_linked(be, view["records"])]
            except Exception:  # noqa: BLE001 - an explanation is extra; the view stands without it
                log.exception("dashboard: could not explain a person's links")
        found = alerts.list_alerts(be, caller, subject_id=subject_id, limit=100)
        watching = watchlist.active_entry(be, caller, subject_id)
    asked = s.role == "partner" and not subject_id.startswith("rec:")
    requests = cases.requests_of(be, caller, subject_id) if asked else []
    return render(request, s, "dashboard/person.html", review_requests=requests,
                  status_code=status_code, view=view, timeline=timeline,
                  history=history, alerts=found, links=links, organisations=records.organisation_names(be),
                  purpose=purpose, care=present.care_links(view["activity"]), subject_id=subject_id,
                  review_default=(date.today() + REVIEW_IN).isoformat(), watching=watching,
                  watch_form=watch_form or {"given": {}, "errors": []})


@router.post("/people/{subject_id}", response_class=HTMLResponse)
def state_person_purpose(request: Request, subject_id: str, form=Depends(form_data)) -> Response:
    return state_purpose(request, session(request, "partner", "mash"), form, subject_id, "person")


@router.post("/people/{subject_id}/watch", response_class=HTMLResponse)
def watch_person(request: Request, subject_id: str, form=Depends(form_data)) -> Response:
    """Add to the watch list; a form that is not complete, or a subject already watched (its
    entry is shown, to update on purpose rather than replace silently), comes back with what
    was typed."""
    s = form_session(request, form, "mash")
    given = {k: str(form.get(k) or "") for k in ("reason", "owner", "review_date", "update")}
    purpose = purpose_of(request, s, subject_id) or SCREENS["watch"]
    try:
        body = WatchIn(subject_type=str(form.get("subject_type") or "person"), subject_id=subject_id,
                       owner=given["owner"] or s.principal.username, reason=given["reason"].strip(),
                       review_date=given["review_date"])
    except ValidationError as exc:
        errors = [{"field": "watch-" + e["field"].replace("_date", ""),
                   "text": WATCH_ERRORS.get(e["field"], e["text"])} for e in errors_of(exc)]
        return _page(request, s, subject_id, purpose, watch_form={"given": given, "errors": errors}, status_code=400)
    be = backend(request)
    if given["update"] != "yes" and watchlist.active_entry(be, caller_of(request, s.principal, purpose), subject_id):
        errors = [{"field": "watch-reason", "text": "This person is already on the watch list. Check the entry "
                                                    "shown, then choose Update the entry to replace it"}]
        return _page(request, s, subject_id, purpose, watch_form={"given": given, "errors": errors}, status_code=409)
    watchlist.add(be, caller_of(request, s.principal), subject_type=body.subject_type,
                  subject_id=body.subject_id, owner=body.owner, reason=body.reason, review_date=body.review_date)
    return redirect(f"{PREFIX}/people/{subject_id}?notice={'watch-updated' if given['update'] == 'yes' else 'watched'}")
