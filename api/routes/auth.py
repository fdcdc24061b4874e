"""Sign-in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.security import OAuth2PasswordRequestForm

from aim.api.deps import Backend, backend
from aim.api.schemas import Me, Token
from aim.api.security import Principal, current_principal
from aim.api.services import auth as service

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=Token, summary="Exchange username and password for a bearer token",
             responses={401: {"description": "wrong credentials"}, 429: {"description": "too many attempts"}})
def token(request: Request, form: OAuth2PasswordRequestForm = Depends(), be: Backend = Depends(backend)) -> dict:
    state = request.app.state
    client = request.client.host if request.client else "unknown"
    return service.sign_in(be, state.login_limiter, state.user_cache, client, form.username, form.password)


@router.get("/me", response_model=Me, summary="The signed-in user")
def me(principal: Principal = Depends(current_principal)) -> Me:
    return Me(username=principal.username, role=principal.role, organisation=principal.organisation)
