"""The network screen (Cytoscape.js: the person's households, addresses, co-residents and
linked persons, expandable by depth) and the household screen."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from aim.api.deps import PURPOSE_HEADER, backend, caller_of
from aim.api.services import households, network

from . import present
from .pages import form_data, render, screen_router
from .purpose import purpose_of, purpose_prompt, refuse_in_url, state_purpose
from .session import session

router = screen_router()


@router.get("/people/{subject_id}/network", response_class=HTMLResponse)
def network_page(request: Request, subject_id: str) -> Response:
    s = session(request, "mash")
    purpose = purpose_of(request, s, subject_id)
    if purpose is None:
        return purpose_prompt(request, s, subject_id, "network")
    graph = network.neighbourhood(backend(request), caller_of(request, s.principal, purpose), subject_id, depth=1)
    return render(request, s, "dashboard/network.html", subject_id=subject_id, purpose=purpose,
                  elements=present.cytoscape(graph, subject_id))


@router.post("/people/{subject_id}/network", response_class=HTMLResponse)
def state_network_purpose(request: Request, subject_id: str, form=Depends(form_data)) -> Response:
    return state_purpose(request, session(request, "mash"), form, subject_id, "network")


@router.get("/people/{subject_id}/network.json")
def network_json(request: Request, subject_id: str, depth: int = 1) -> Response:
    s = session(request, "mash")
    refuse_in_url(request)
    purpose = request.headers.get(PURPOSE_HEADER) or purpose_of(request, s, subject_id)
    if not purpose:
        return JSONResponse({"detail": "state the purpose of this access (X-AIM-Purpose)"}, status_code=400)
    graph = network.neighbourhood(backend(request), caller_of(request, s.principal, purpose), subject_id,
                                  depth=max(1, min(depth, 3)))
    response = JSONResponse(present.cytoscape(graph, subject_id))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/households/{household_id}", response_class=HTMLResponse)
def household(request: Request, household_id: str) -> Response:
    s = session(request, "mash")
    purpose = purpose_of(request, s, household_id)
    if purpose is None:
        return purpose_prompt(request, s, household_id, "household")
    found = households.get_household(backend(request), caller_of(request, s.principal, purpose), household_id)
    return render(request, s, "dashboard/household.html", household=found, household_id=household_id,
                  purpose=purpose)


@router.post("/households/{household_id}", response_class=HTMLResponse)
def state_household_purpose(request: Request, household_id: str, form=Depends(form_data)) -> Response:
    return state_purpose(request, session(request, "mash"), form, household_id, "household")
