"""Who accessed a person (DPO): find the person by name (and date of birth), then every audit
entry about them, their agency records and their households: who, when, what and why. Both
steps are POSTed with a purpose (never in a URL) and audited; the subject access answer for the
person is one button away."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from aim.api.deps import backend, caller_of
from aim.api.services import audit as audit_service
from aim.api.services import records

from .pages import form_data, parse_day, render, screen_router
from .session import Session, form_session, session

router = screen_router()
FIELDS = ("first_name", "last_name", "date_of_birth", "purpose")
# What an audited action means to the person it is about (others fall back to their code).
ACTIONS = {
    "person.view": "Opened the person page", "person.timeline": "Read the timeline",
    "person.history": "Read the matching history", "person.search": "Found in a search",
    "person.chronology": "Produced a chronology", "household.chronology": "Produced a household chronology",
    "households.view": "Opened the household", "persons.network": "Opened the network",
    "alerts.list": "Listed alerts", "alerts.view": "Opened an alert", "cases.list": "Listed cases",
    "cases.view": "Opened a case", "watchlist.entry": "Read the watch-list entry",
    "watchlist.list": "Read the watch list", "watchlist.add": "Added to the watch list",
    "watchlist.end": "Ended the watch", "dpo.subject_lookup": "DPO: found in a who-accessed lookup",
    "dpo.subject_accesses": "DPO: read who accessed", "dpo.subject_access_export": "DPO: subject access answer",
    "dpo.audit_query": "DPO: searched the audit", "review.queue": "Listed in the match review",
}


def _purpose_error(purpose: str) -> list[dict]:
    if 3 <= len(purpose) <= 300:
        return []
    return [{"field": "purpose", "text": "Say why you are looking (for example, a complaint's reference); "
                                         "it is recorded"}]


@router.get("/audit/people", response_class=HTMLResponse)
def lookup_form(request: Request) -> Response:
    s = session(request, "dpo")
    return _lookup(request, s, {k: "" for k in FIELDS}, [], None)


@router.post("/audit/people", response_class=HTMLResponse)
def lookup(request: Request, form=Depends(form_data)) -> Response:
    s = form_session(request, form, "dpo")
    given = {k: str(form.get(k) or "").strip()[:300] for k in FIELDS}
    errors = _purpose_error(given["purpose"])
    if not (given["first_name"] or given["last_name"]):
        errors.insert(0, {"field": "last_name", "text": "Enter a first name or a surname"})
    dob = parse_day(given["date_of_birth"])
    if given["date_of_birth"] and dob is None:
        errors.append({"field": "date_of_birth", "text": "Enter a real date of birth, or leave it empty"})
    if errors:
        return _lookup(request, s, given, errors, None)
    found = audit_service.find_subjects(backend(request), caller_of(request, s.principal, given["purpose"]),
                                        first_name=given["first_name"] or None,
                                        last_name=given["last_name"] or None, date_of_birth=dob)
    return _lookup(request, s, given, [], found)


@router.post("/audit/people/{subject_id}", response_class=HTMLResponse)
def accesses(request: Request, subject_id: str, form=Depends(form_data)) -> Response:
    s = form_session(request, form, "dpo")
    purpose = str(form.get("purpose") or "").strip()
    if _purpose_error(purpose):
        return _lookup(request, s, {k: "" for k in FIELDS} | {"purpose": purpose}, _purpose_error(purpose), None)
    found = audit_service.accesses_of(backend(request), caller_of(request, s.principal, purpose), subject_id)
    return render(request, s, "dashboard/audit_accesses.html", found=found, purpose=purpose, actions=ACTIONS)


def _lookup(request: Request, s: Session, given: dict, errors: list[dict], found: list[dict] | None) -> Response:
    names = records.organisation_names(backend(request)) if found else {}
    return render(request, s, "dashboard/audit_lookup.html", status_code=400 if errors else 200, given=given,
                  errors=errors, found=found, organisations=names)
