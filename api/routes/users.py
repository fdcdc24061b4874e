"""User administration (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from aim.api.deps import Backend, Caller, acting, request_backend
from aim.api.schemas import User, UserIn
from aim.api.schemas_access import Approval, RoleChange
from aim.api.services import approvals, auth
from aim.api.services import users as service

router = APIRouter(prefix="/users", tags=["users"])
ADMIN = acting("admin")


@router.get("", response_model=list[User], summary="List users")
def list_users(caller: Caller = Depends(ADMIN), be: Backend = Depends(request_backend)) -> list[dict]:
    return service.list_users(be, caller)


@router.post("", response_model=User | Approval, status_code=201,
             summary="Create a user (mash, dpo, admin: a request that another administrator approves)",
             responses={202: {"model": Approval, "description": "a privileged role: waiting for approval"}})
def create_user(body: UserIn, response: Response, caller: Caller = Depends(ADMIN),
                be: Backend = Depends(request_backend)) -> dict:
    created = service.create(be, caller, **body.model_dump())
    if "request_id" in created:
        response.status_code = 202
    return created


@router.post("/{username}/role", response_model=User | Approval,
             summary="Change a user's role (to mash, dpo or admin: a request that another administrator approves)",
             responses={202: {"model": Approval, "description": "a privileged role: waiting for approval"}})
def change_role(username: Annotated[str, Path(min_length=1, max_length=100)], body: RoleChange, response: Response,
                caller: Caller = Depends(ADMIN), be: Backend = Depends(request_backend)) -> dict:
    changed = approvals.change_role(be, caller, username, body.role, body.organisation)
    if "request_id" in changed:
        response.status_code = 202
    return changed


@router.post("/{username}/disable", response_model=User, summary="Disable a user (takes effect at once)")
def disable_user(username: Annotated[str, Path(min_length=1, max_length=100)],
                 caller: Caller = Depends(ADMIN), be: Backend = Depends(request_backend)) -> dict:
    return service.disable(be, caller, username)


@router.post("/{username}/unlock", status_code=204, response_class=Response,
             summary="End a user's sign-in lockout and forget their failed sign-ins")
def unlock_user(username: Annotated[str, Path(min_length=1, max_length=100)], caller: Caller = Depends(ADMIN),
                be: Backend = Depends(request_backend)) -> Response:
    auth.unlock(be, caller, username)
    return Response(status_code=204)
