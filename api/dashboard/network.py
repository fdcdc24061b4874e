"""The network screen (Cytoscape.js: the person's households, addresses and linked persons
to a chosen depth, within a period, each expansion a policed read) and the household screen."""

from __future__ import annotations

from datetime import date

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from aim.api.deps import PURPOSE_HEADER, backend, caller_of
from aim.api.services import households, network

from .network_elements import elements
from .pages import form_data, render, screen_router
from .purpose import purpose_of, refuse_in_url, required_purpose, state_purpose
from .session import PageError, session

router = screen_router()


@router.get("/people/{subject_id}/network", response_class=HTMLResponse)
def network_page(request: Request, subject_id: str) -> Response:
    s = session(request, "mash")
    purpose = required_purpose(request, s, subject_id, "network")
    depth, since, until = _view(request)
    graph = network.explore(backend(request), caller_of(request, s.principal, purpose), subject_id,
                            depth=depth, since=since, until=until)
    return render(request, s, "dashboard/network.html", subject_id=subject_id, purpose=purpose,
                  elements=elements(graph, subject_id), depth=depth, since=since, until=until)


@router.post("/people/{subject_id}/network", response_class=HTMLResponse)
def state_network_purpose(request: Request, subject_id: str, form=Depends(form_data)) -> Response:
    return state_purpose(request, session(request, "mash"), form, subject_id, "network")


@router.get("/people/{subject_id}/network.json")
def network_json(request: Request, subject_id: str) -> Response:
    """One expansion (the picture's and the table's Expand): the person's exploration at the
    screen's depth and period; the purpose comes in the X-AIM-Purpose header."""
    s = session(request, "mash")
    refuse_in_url(request)
    purpose = request.headers.get(PURPOSE_HEADER) or purpose_of(request, s, subject_id)
    if not purpose:
        return JSONResponse({"detail": "state the purpose of this access (X-AIM-Purpose)"}, status_code=400)
    depth, since, until = _view(request)
    graph = network.explore(backend(request), caller_of(request, s.principal, purpose), subject_id,
                            depth=depth, since=since, until=until)
    response = JSONResponse(elements(graph, subject_id))
    response.headers["Cache-Control"] = "no-store"
    return response


def _view(request: Request) -> tuple[int, date | None, date | None]:
    """The depth (1-3) and the period (``from``, ``to``: ISO dates, either may be empty)."""
    params = request.query_params
    try:
        depth = max(1, min(int(params.get("depth") or 1), 3))
        since, until = (date.fromisoformat(params[k]) if params.get(k) else None for k in ("from", "to"))
    except ValueError as exc:
        raise PageError(400, "Check the depth and the dates",
                        "Give the depth as 1, 2 or 3 and the dates as day, month and year.") from exc
    if since and until and since > until:
        raise PageError(400, "Check the dates", "The start of the period must be before its end.")
    return depth, since, until


@router.get("/households/{household_id}", response_class=HTMLResponse)
def household(request: Request, household_id: str) -> Response:
    s = session(request, "mash")
    purpose = required_purpose(request, s, household_id, "household")
    found = households.get_household(backend(request), caller_of(request, s.principal, purpose), household_id)
    return render(request, s, "dashboard/household.html", household=found, household_id=household_id,
                  purpose=purpose)


@router.post("/households/{household_id}", response_class=HTMLResponse)
def state_household_purpose(request: Request, household_id: str, form=Depends(form_data)) -> Response:
    return state_purpose(request, session(request, "mash"), form, household_id, "household")
