"""The case screens: one case (its subject by name, every rule that fired with its window and
evidence, the actions form, notes, partner requests and history), the MASH's actions, and
a partner's "Ask the MASH to review" from its view-only person page. The case list is the
alert screen (``alerts.py``)."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from aim.api.deps import backend, caller_of
from aim.api.errors import Conflict, Invalid
from aim.api.schemas_cases import CaseAction, ReviewRequestIn
from aim.api.services import cases
from aim.graph.alerts.case_actions import DESTINATIONS, NEEDED

from .pages import NOTICES, errors_of, form_data, redirect, render, screen_router, templates
from .purpose import SCREENS, required_purpose
from .session import PREFIX, Session, form_session, session

router = screen_router()
REVIEW_IN = timedelta(days=28)
DUE_IN = timedelta(days=7)
FIELDS = ("action", "reason", "owner", "due_date", "destination", "outcome", "outcome_date", "review_date")
ASK = {"owner": "Give the officer to assign the case to", "due_date": "Give a due date",
       "reason": "Write the note", "destination": "Choose where the case is referred to",
       "outcome": "Describe the outcome of the referral"}
DISMISS_REASON = "Give a reason for dismissing the case"


def new_red_cases(request: Request) -> int:
    """The header's count of new Red cases (MASH users only; a count, nothing personal)."""
    return cases.new_red_count(backend(request))


# A case is referred to a destination of the officer's choosing, not "to the MASH" as an alert is.
templates.env.globals.update(new_red_cases=new_red_cases, CASE_STATUS_NAMES={"referred": "Referred"})
NOTICES.update({
    "case-acknowledge": "Case acknowledged; its alerts are acknowledged too.",
    "case-assign": "Case assigned.",
    "case-due": "Due date set.",
    "case-note": "Note added.",
    "case-watch": "Case on the watch list; its subject is on the watch list.",
    "case-refer": "Case referred; its alerts are closed as referred.",
    "case-outcome": "Outcome of the referral recorded.",
    "case-dismiss": "Case dismissed; its alerts are closed as dismissed.",
    "review-requested": "Your request has gone to the MASH. You will see here when they have reviewed it.",
})


@router.get("/cases/{case_id}", response_class=HTMLResponse)
def case(request: Request, case_id: str) -> Response:
    return _case_page(request, session(request, "mash"), case_id, [], {})


def _case_page(request: Request, s: Session, case_id: str, errors: list[dict], chosen: dict) -> Response:
    found = cases.get_case(backend(request), caller_of(request, s.principal, SCREENS["alerts"]), case_id)
    defaults = {"action": "acknowledge" if found["status"] == "new" else "note", "owner": found.get("owner") or
                s.principal.username, "due_date": found.get("due_date") or (date.today() + DUE_IN).isoformat(),
                "review_date": (date.today() + REVIEW_IN).isoformat(), "outcome_date": date.today().isoformat()}
    return render(request, s, "dashboard/case.html", status_code=400 if errors else 200, case=found,
                  errors=errors, chosen=defaults | {k: v for k, v in chosen.items() if v}, destinations=DESTINATIONS)


@router.post("/cases/{case_id}/action", response_class=HTMLResponse)
def act(request: Request, case_id: str, form=Depends(form_data)) -> Response:
    s = form_session(request, form, "mash")
    chosen = {k: str(form.get(k) or "").strip() for k in FIELDS}
    action = chosen["action"]
    if action in NEEDED and not chosen[NEEDED[action][0]]:
        field = NEEDED[action][0]
        text = DISMISS_REASON if action == "dismiss" else ASK[field]
        return _case_page(request, s, case_id, [{"field": field, "text": text}], chosen)
    try:
        body = CaseAction(**{k: v or None for k, v in chosen.items()})
    except ValidationError as exc:
        return _case_page(request, s, case_id, errors_of(exc), chosen)
    try:
        cases.act(backend(request), caller_of(request, s.principal), case_id, **body.model_dump())
    except (Invalid, Conflict) as exc:
        return _case_page(request, s, case_id, [{"field": "action", "text": exc.detail}], chosen)
    return redirect(f"{PREFIX}/cases/{case_id}?notice=case-{action}")


@router.post("/people/{subject_id}/review-request", response_class=HTMLResponse)
def ask_for_review(request: Request, subject_id: str, form=Depends(form_data)) -> Response:
    """A partner asks the MASH to review this person (a reason is required; the form keeps
    the text when it is refused)."""
    s = form_session(request, form, "partner")
    purpose = required_purpose(request, s, subject_id, "person")
    reason = str(form.get("reason") or "").strip()
    try:
        body = ReviewRequestIn(subject_id=subject_id, reason=reason)
    except ValidationError:
        return render(request, s, "dashboard/review_request.html", status_code=400, subject_id=subject_id,
                      reason=reason, errors=[{"field": "reason", "text": "Say why the MASH should review (at least "
                                                                         "3 characters)"}])
    cases.request_review(backend(request), caller_of(request, s.principal, purpose), body.subject_id, body.reason)
    return redirect(f"{PREFIX}/people/{subject_id}?notice=review-requested")
