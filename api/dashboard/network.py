"""The network screen (Cytoscape.js: the person's households, addresses, co-residents and
linked persons, expandable by depth) and the household screen."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from aim.api.deps import backend, caller_of
from aim.api.services import households, network

from . import present
from .pages import purpose_of, purpose_prompt, render, screen_router
from .session import session

router = screen_router()


@router.get("/people/{subject_id}/network", response_class=HTMLResponse)
def network_page(request: Request, subject_id: str) -> Response:
    s = session(request, "mash")
    purpose = purpose_of(request)
    if purpose is None:
        return purpose_prompt(request, s, subject_id, "network")
    graph = network.neighbourhood(backend(request), caller_of(request, s.principal, purpose), subject_id, depth=1)
    return render(request, s, "dashboard/network.html", subject_id=subject_id, purpose=purpose,
                  elements=present.cytoscape(graph, subject_id), qs=urlencode({"purpose": purpose}))


@router.get("/people/{subject_id}/network.json")
def network_json(request: Request, subject_id: str, depth: int = 1) -> Response:
    s = session(request, "mash")
    purpose = purpose_of(request)
    if purpose is None:
        return JSONResponse({"detail": "state the purpose of this access"}, status_code=400)
    graph = network.neighbourhood(backend(request), caller_of(request, s.principal, purpose), subject_id,
                                  depth=max(1, min(depth, 3)))
    response = JSONResponse(present.cytoscape(graph, subject_id))
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/households/{household_id}", response_class=HTMLResponse)
def household(request: Request, household_id: str) -> Response:
    s = session(request, "mash")
    found = households.get_household(backend(request), caller_of(request, s.principal), household_id)
    return render(request, s, "dashboard/household.html", household=found, household_id=household_id)
