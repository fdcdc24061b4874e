"""User administration (admin role)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Request, status

from aim.api.deps import Backend, audit_context, backend
from aim.api.schemas import User, UserIn
from aim.api.security import Principal, require
from aim.graph.access import users
from aim.graph.access.audit import AuditEntry, write_entry

router = APIRouter(prefix="/users", tags=["admin"])
Username = Annotated[str, Path(min_length=1, max_length=100)]


def _audit(be: Backend, request: Request, principal: Principal, action: str, detail: dict) -> None:
    with be.driver.session(database=be.database) as session:
        session.execute_write(write_entry, audit_context(request, principal), AuditEntry(action, [], detail))


@router.get("", response_model=list[User], summary="List users")
def list_users(request: Request, principal: Principal = Depends(require("admin")),
               be: Backend = Depends(backend)) -> list[dict]:
    _audit(be, request, principal, "users.list", {})
    return users.list_users(be.driver, be.database)


@router.post("", response_model=User, status_code=201, summary="Create a user")
def create_user(body: UserIn, request: Request, principal: Principal = Depends(require("admin")),
                be: Backend = Depends(backend)) -> dict:
    _audit(be, request, principal, "users.create", {"username": body.username, "role": body.role})
    try:
        return users.create_user(be.driver, be.database, body.username, body.password, body.role,
                                 body.organisation, body.full_name)
    except users.UserError as exc:
        raise HTTPException(status.HTTP_409_CONFLICT if "exists" in str(exc) else 400, detail=str(exc)) from exc


@router.post("/{username}/disable", response_model=User, summary="Disable a user (takes effect within seconds)")
def disable_user(request: Request, username: Username, principal: Principal = Depends(require("admin")),
                 be: Backend = Depends(backend)) -> dict:
    _audit(be, request, principal, "users.disable", {"username": username})
    try:
        user = users.set_disabled(be.driver, be.database, username, True)
    except users.UserError as exc:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=str(exc)) from exc
    request.app.state.user_cache.forget(username)
    return user
