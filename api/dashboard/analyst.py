"""The analyst workspace screen: a form of filters and a purpose (POST: a purpose never goes
in a URL), the pseudonymised rows, the aggregates as charts with their tables, and the CSV
export of the same query (POST, audited as an export). Calls ``aim.api.services.analyst``,
which applies the access policy; analysts only."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from aim.api.deps import backend, caller_of
from aim.api.services import analyst as service
from aim.graph.views.analyst import Filters

from . import analyst_charts
from .pages import form_data, render, screen_router
from .purpose import refuse_in_url
from .session import Session, check_form, session

router = screen_router()
PURPOSES = (
    "Performance reporting to the safeguarding partnership",
    "Service planning and commissioning",
    "Audit of alert rules (quality assurance)",
)
FILTER_FIELDS = ("level", "rule", "rag", "from_month", "to_month", "district", "household_size", "age_band")
BREAKDOWNS = (("by_rule", "Alerts by rule"), ("by_agency", "Alerts by agency"), ("by_area", "Alerts by area"))
EXPORT_NAME = "aim-analyst-alerts.csv"


def _chosen(form) -> dict:
    """The form's filters and purpose as typed (kept to re-show the form)."""
    chosen = {k: str(form.get(k) or "").strip()[:300] for k in FILTER_FIELDS + ("purpose", "purpose_other")}
    chosen["district"] = chosen["district"].upper()
    chosen["level"] = chosen["level"] or "household"
    return chosen


def _purpose(chosen: dict) -> str:
    return chosen["purpose_other"] if chosen["purpose"] == "other" else chosen["purpose"]


def _checked(chosen: dict) -> tuple[Filters, dict[str, str]]:
    filters = Filters(**{k: chosen[k] or None for k in FILTER_FIELDS} | {"level": chosen["level"]})
    problems = filters.problems()
    if not 3 <= len(_purpose(chosen)) <= 300:
        problems["purpose"] = "Say why you are running this query (3 to 300 characters)"
    return filters, problems


def _page(request: Request, s: Session, chosen: dict, *, found: dict | None = None,
          problems: dict | None = None) -> HTMLResponse:
    charts = None
    if found:
        charts = {"trend": analyst_charts.trend(found["aggregates"]["by_month"]),
                  **{name: analyst_charts.breakdown(found["aggregates"][name]) for name, _ in BREAKDOWNS}}
    errors = [{"field": field, "text": text} for field, text in (problems or {}).items()]
    return render(request, s, "dashboard/analyst.html", status_code=400 if errors else 200,
                  options=_options(service.choices(backend(request))), chosen=chosen, found=found, charts=charts,
                  breakdowns=BREAKDOWNS, errors=errors)


def _options(choices: dict) -> dict[str, list[tuple[str, str]]]:
    """(value, text) per choice of each select."""
    return {"rules": [(r["rule"], r["title"]) for r in choices["rules"]],
            "rags": [(rag, rag) for rag in choices["rags"]],
            "household_sizes": [(band, f"{band} people") for band in choices["household_sizes"]],
            "age_bands": [(band, band) for band in choices["age_bands"]],
            "purposes": [(p, p) for p in PURPOSES] + [("other", "Another reason")]}


@router.get("/analyst", response_class=HTMLResponse)
def workspace(request: Request) -> Response:
    s = session(request, *service.ROLES)
    refuse_in_url(request)
    return _page(request, s, {"level": "household", "purpose": PURPOSES[0]})


def _posted(request: Request, form) -> tuple[Session, dict, Filters, dict[str, str]]:
    """The session, the form as typed, its filters and what is wrong with them."""
    s = session(request, *service.ROLES)
    check_form(request, s, form)
    refuse_in_url(request)
    chosen = _chosen(form)
    return (s, chosen, *_checked(chosen))


@router.post("/analyst", response_class=HTMLResponse)
def run_query(request: Request, form=Depends(form_data)) -> Response:
    s, chosen, filters, problems = _posted(request, form)
    if problems:
        return _page(request, s, chosen, problems=problems)
    found = service.query(backend(request), caller_of(request, s.principal, _purpose(chosen)), filters)
    return _page(request, s, chosen, found=found)


@router.post("/analyst/export")
def export(request: Request, form=Depends(form_data)) -> Response:
    s, chosen, filters, problems = _posted(request, form)
    if problems:
        return _page(request, s, chosen, problems=problems)
    text = service.export(backend(request), caller_of(request, s.principal, _purpose(chosen)), filters)
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{EXPORT_NAME}"',
                             "Cache-Control": "no-store"})
