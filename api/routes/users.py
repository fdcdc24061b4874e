"""User administration (admin)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from aim.api.deps import Backend, Caller, acting, backend
from aim.api.schemas import User, UserIn
from aim.api.services import users as service

router = APIRouter(prefix="/users", tags=["users"])
ADMIN = acting("admin")


@router.get("", response_model=list[User], summary="List users")
def list_users(caller: Caller = Depends(ADMIN), be: Backend = Depends(backend)) -> list[dict]:
    return service.list_users(be, caller)


@router.post("", response_model=User, status_code=201, summary="Create a user")
def create_user(body: UserIn, caller: Caller = Depends(ADMIN), be: Backend = Depends(backend)) -> dict:
    return service.create(be, caller, **body.model_dump())


@router.post("/{username}/disable", response_model=User, summary="Disable a user (takes effect within seconds)")
def disable_user(request: Request, username: Annotated[str, Path(min_length=1, max_length=100)],
                 caller: Caller = Depends(ADMIN), be: Backend = Depends(backend)) -> dict:
    user = service.disable(be, caller, username)
    request.app.state.user_cache.forget(username)
    return user
