"""User administration (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from aim.api.deps import Backend, Caller, acting, backend
from aim.api.schemas import User, UserIn
from aim.api.services import auth
from aim.api.services import users as service

router = APIRouter(prefix="/users", tags=["users"])
ADMIN = acting("admin")


@router.get("", response_model=list[User], summary="List users")
def list_users(caller: Caller = Depends(ADMIN), be: Backend = Depends(backend)) -> list[dict]:
    return service.list_users(be, caller)


@router.post("", response_model=User, status_code=201, summary="Create a user")
def create_user(body: UserIn, caller: Caller = Depends(ADMIN), be: Backend = Depends(backend)) -> dict:
    return service.create(be, caller, **body.model_dump())


@router.post("/{username}/disable", response_model=User, summary="Disable a user (takes effect at once)")
def disable_user(username: Annotated[str, Path(min_length=1, max_length=100)],
                 caller: Caller = Depends(ADMIN), be: Backend = Depends(backend)) -> dict:
    return service.disable(be, caller, username)


@router.post("/{username}/unlock", status_code=204, response_class=Response,
             summary="End a user's sign-in lockout and forget their failed sign-ins")
def unlock_user(username: Annotated[str, Path(min_length=1, max_length=100)], caller: Caller = Depends(ADMIN),
                be: Backend = Depends(backend)) -> Response:
    auth.unlock(be, caller, username)
    return Response(status_code=204)
