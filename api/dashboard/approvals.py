"""Four eyes on the dashboard: administrators ask for role changes and decide each other's
grants, DPOs ask for retention runs and decide each other's; a request is never offered to
its own requester for a decision. Every action calls the API's own approval service."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from aim.api.deps import backend, caller_of
from aim.api.errors import Invalid, NotFound
from aim.api.schemas import RetentionRequest
from aim.api.schemas_access import RoleChange
from aim.api.services import approvals as service
from aim.api.services import users

from .pages import form_data, redirect, render, screen_router
from .session import PREFIX, ROLE_NAMES, Session, form_session, session

router = screen_router()
DECIDERS = ("admin", "dpo")


@router.get("/approvals", response_class=HTMLResponse)
def approvals(request: Request) -> Response:
    return _page(request, session(request, *DECIDERS), None)


def _page(request: Request, s: Session, error: str | None) -> Response:
    be, caller = backend(request), caller_of(request, s.principal)
    pending = service.listed(be, caller, "pending")
    decided = [r for r in service.listed(be, caller, None) if r["status"] != "pending"][:20]
    accounts = users.list_users(be, caller) if s.role == "admin" else []
    return render(request, s, "dashboard/approvals.html", status_code=400 if error else 200, pending=pending,
                  decided=decided, accounts=accounts, roles=ROLE_NAMES, error=error)


@router.post("/approvals/{request_id}/{decision}", response_class=HTMLResponse)
def decide(request: Request, request_id: str, decision: str, form=Depends(form_data)) -> Response:
    s = form_session(request, form, *DECIDERS)
    be, caller = backend(request), caller_of(request, s.principal)
    if decision == "approve":
        service.approve(be, caller, request_id[:100])
    elif decision == "reject":
        service.reject(be, caller, request_id[:100], str(form.get("reason") or "").strip()[:2000] or None)
    else:
        raise NotFound("no such decision")
    return redirect(f"{PREFIX}/approvals?notice={decision}d")


@router.post("/approvals/role", response_class=HTMLResponse)
def ask_role(request: Request, form=Depends(form_data)) -> Response:
    s = form_session(request, form, "admin")
    try:
        body = RoleChange(role=str(form.get("role") or ""), organisation=str(form.get("organisation") or "") or None)
        changed = service.change_role(backend(request), caller_of(request, s.principal),
                                      str(form.get("username") or "")[:100], body.role, body.organisation)
    except ValidationError:
        return _page(request, s, "Choose a role.")
    except (Invalid, NotFound) as exc:
        return _page(request, s, exc.detail)
    return redirect(f"{PREFIX}/approvals?notice={'requested' if 'request_id' in changed else 'role-changed'}")


@router.post("/approvals/retention", response_class=HTMLResponse)
def ask_retention(request: Request, form=Depends(form_data)) -> Response:
    s = form_session(request, form, "dpo")
    try:
        body = RetentionRequest(days=str(form.get("days") or "").strip() or None, dry_run=False)
    except ValidationError:
        return _page(request, s, "Days to keep events: a whole number from 30 to 36500, or empty for the policy.")
    service.request_retention(backend(request), caller_of(request, s.principal), body.days)
    return redirect(f"{PREFIX}/approvals?notice=requested")
