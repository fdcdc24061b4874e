"""Search: find a person by name and date of birth, with a stated purpose; MASH officers
also see how many open alerts wait for them."""

from __future__ import annotations

from datetime import date

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from aim.api.deps import Backend, backend, caller_of
from aim.api.services import alerts as alerts_service
from aim.api.services import persons, records
from aim.graph.alerts.rules import OPEN_STATUSES

from . import present
from .pages import form_data, render, screen_router
from .purpose import SCREENS, refuse_in_url, remember
from .session import Session, form_session, session

router = screen_router()
FIELDS = ("first_name", "last_name", "dob_day", "dob_month", "dob_year", "gender", "purpose")
LIMIT = 20
MATCH_BANDS = ((0.9, "strong"), (0.75, "good"), (0.0, "weak"))
NAME_MATCH = {"exact": "agrees", "variant": "is a nickname or spelling variant", "initial": "matches the initial",
              "prefix": "starts with what you typed", "similar": "is spelt similarly",
              "swapped": "matches the other name (swapped)", "different": "differs", "missing": "not recorded"}
DOB_MATCH = {"exact": "date of birth agrees", "swapped": "date of birth has day and month swapped",
             "partial": "date of birth partly agrees", "near": "born a year either side",
             "different": "date of birth differs", "missing": "no date of birth recorded"}


def _date_of_birth(given: dict, errors: list[dict]) -> date | int | None:
    """The full date of birth, or the year alone (as a number), or None."""
    if not any(given[k] for k in ("dob_day", "dob_month", "dob_year")):
        return None
    if given["dob_year"].isdigit() and not (given["dob_day"] or given["dob_month"]) and len(given["dob_year"]) == 4:
        return int(given["dob_year"])
    try:
        return date(int(given["dob_year"]), int(given["dob_month"]), int(given["dob_day"]))
    except ValueError:
        errors.append({"field": "dob", "text": "Enter a real date of birth, for example 27 3 2015, or the year "
                                               "alone, for example 2015"})
        return None


def match_words(hit: dict) -> str:
    """How well a result matches the search, in words: ``strong: name and date of birth agree``."""
    score, match = hit.get("score") or 0.0, hit.get("match") or {}
    band = next(words for low, words in MATCH_BANDS if score >= low)
    names = [match.get("first_name"), match.get("last_name")]
    parts = []
    if names == ["exact", "exact"]:
        parts.append("name agrees")
    else:
        parts += [f"{title} {NAME_MATCH[match[field]]}" for field, title in (("first_name", "first name"),
                                                                            ("last_name", "surname"))
                  if match.get(field) in NAME_MATCH]
    if match.get("date_of_birth") in DOB_MATCH:
        parts.append(DOB_MATCH[match["date_of_birth"]])
    if len(parts) > 1 and parts[-2] == "name agrees" and parts[-1] == "date of birth agrees":
        parts[-2:] = ["name and date of birth agree"]
    return f"{band}: " + ", ".join(parts) if parts else band


def _open_alerts(request: Request, s: Session, be: Backend) -> dict:
    found = alerts_service.list_alerts(be, caller_of(request, s.principal, SCREENS["alerts"]), limit=1000)
    open_ = [a for a in found if a.get("status") in OPEN_STATUSES]
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
    s = form_session(request, form, "partner", "mash")
    refuse_in_url(request)
    given = {k: str(form.get(k) or "").strip() for k in FIELDS}
    errors: list[dict] = []
    dob = _date_of_birth(given, errors)
    named = bool(given["first_name"] or given["last_name"])
    if not (named or dob):
        errors.append({"field": "first_name", "text": "Enter a name or a date of birth to search by"})
    elif isinstance(dob, int) and not named:
        errors.append({"field": "first_name", "text": "Enter a name to search with a year of birth"})
    if not 3 <= len(given["purpose"]) <= 300:
        errors.append({"field": "purpose", "text": "Say why you are searching (this is recorded)"})
    if given["gender"] not in ("", "M", "F", "X", "U"):
        given["gender"] = ""
    if errors:
        return _page(request, s, given, errors, None, status_code=400)
    year = dob if isinstance(dob, int) else None
    results = persons.search(backend(request), caller_of(request, s.principal, given["purpose"]),
                             first_name=given["first_name"] or None, last_name=given["last_name"] or None,
                             date_of_birth=None if year else dob, year_of_birth=year, gender=given["gender"] or None,
                             limit=LIMIT)
    # The purpose is suggested when a result is opened (never carried in its link).
    return remember(_page(request, s, given, [], results), request, s, "", given["purpose"])


def _page(request: Request, s: Session, given: dict, errors: list[dict], found: dict | None,
          status_code: int = 200) -> Response:
    be = backend(request)
    alerts = _open_alerts(request, s, be) if s.can("alerts") and found is None else None
    results = None if found is None else [hit | {"match_words": match_words(hit)} for hit in found["results"]]
    return render(request, s, "dashboard/search.html", status_code=status_code, given=given, errors=errors,
                  results=results, more=(found or {}).get("more", 0), more_at_least=(found or {}).get("more_at_least"),
                  alerts=alerts, organisations=records.organisation_names(be))
