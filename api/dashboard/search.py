"""Search: find a person by name and date of birth, with a stated purpose; MASH officers
also see how many open alerts wait for them."""

from __future__ import annotations

from datetime import date

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from aim.api.deps import Backend, backend, caller_of
from aim.api.services import alerts as alerts_service
from aim.api.services import persons, records

from . import present
from .pages import form_data, render, screen_router
from .purpose import SCREENS, refuse_in_url, remember
from .session import Session, check_form, session

router = screen_router()
FIELDS = ("first_name", "last_name", "dob_day", "dob_month", "dob_year", "gender", "purpose")


def _date_of_birth(given: dict, errors: list[dict]) -> date | None:
    if not any(given[k] for k in ("dob_day", "dob_month", "dob_year")):
        return None
    try:
        return date(int(given["dob_year"]), int(given["dob_month"]), int(given["dob_day"]))
    except ValueError:
        errors.append({"field": "dob", "text": "Enter a real date of birth, for example 27 3 2015"})
        return None


def _open_alerts(request: Request, s: Session, be: Backend) -> dict:
    found = alerts_service.list_alerts(be, caller_of(request, s.principal, SCREENS["alerts"]), limit=1000)
    open_ = [a for a in found if a.get("status") in present.OPEN_STATUSES]
    return {"open": len(open_), "red": sum(present.rag(a.get("rag")) == "red" for a in open_),
            "amber": sum(present.rag(a.get("rag")) == "amber" for a in open_)}


@router.get("/search", response_class=HTMLResponse)
def search_form(request: Request) -> Response:
    """The search form (and, for MASH officers, the alerts waiting); searching is a POST, so
    that names, dates of birth and the purpose never go into a URL."""
    s = session(request, "partner", "mash")
    refuse_in_url(request)
    return _page(request, s, {k: "" for k in FIELDS}, [], None)


@router.post("/search", response_class=HTMLResponse)
def search(request: Request, form=Depends(form_data)) -> Response:
    s = session(request, "partner", "mash")
    check_form(request, s, form)
    refuse_in_url(request)
    given = {k: str(form.get(k) or "").strip() for k in FIELDS}
    errors: list[dict] = []
    dob = _date_of_birth(given, errors)
    if not (given["first_name"] or given["last_name"] or dob):
        errors.append({"field": "first_name", "text": "Enter a name or a date of birth to search by"})
    if not 3 <= len(given["purpose"]) <= 300:
        errors.append({"field": "purpose", "text": "Say why you are searching (this is recorded)"})
    if given["gender"] not in ("", "M", "F", "X", "U"):
        given["gender"] = ""
    if errors:
        return _page(request, s, given, errors, None, status_code=400)
    results = persons.search(backend(request), caller_of(request, s.principal, given["purpose"]),
                             first_name=given["first_name"] or None, last_name=given["last_name"] or None,
                             date_of_birth=dob, gender=given["gender"] or None, limit=20)
    # The purpose is suggested when a result is opened (never carried in its link).
    return remember(_page(request, s, given, [], results), request, s, "", given["purpose"])


def _page(request: Request, s: Session, given: dict, errors: list[dict], results: list[dict] | None,
          status_code: int = 200) -> Response:
    be = backend(request)
    alerts = _open_alerts(request, s, be) if s.can("alerts") and results is None else None
    return render(request, s, "dashboard/search.html", status_code=status_code, given=given, errors=errors,
                  results=results, alerts=alerts, organisations=records.organisation_names(be))
