"""Sign-in (OAuth2 password flow), sign-out, password change and who am I."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.security import OAuth2PasswordRequestForm

from aim.api.deps import Backend, Caller, acting, client_address, request_backend
from aim.api.schemas import Me, PasswordChange, Token
from aim.api.security import ROLES, Principal, current_principal
from aim.api.services import auth as service

router = APIRouter(prefix="/auth", tags=["auth"])


SIGNED_IN = acting(*ROLES)


@router.post("/token", response_model=Token, summary="Exchange username and password for a bearer token",
             responses={401: {"description": "wrong credentials"},
                        429: {"description": "too many attempts, or the username is locked"}})
def token(request: Request, form: OAuth2PasswordRequestForm = Depends(),
          be: Backend = Depends(request_backend)) -> dict:
    return service.sign_in(be, request.app.state.login_limiter, client_address(request), request.url.path,
                           form.username, form.password)


@router.post("/sign-out", status_code=204, response_class=Response,
             summary="Sign out: every token of the user (and the dashboard's session) stops working")
def sign_out(caller: Caller = Depends(SIGNED_IN), be: Backend = Depends(request_backend)) -> Response:
    service.sign_out(be, caller)
    return Response(status_code=204)


@router.post("/password", status_code=204, response_class=Response,
             summary="Change one's password: every token issued so far stops working (sign in again)",
             responses={400: {"description": "the current password is not right, or the new one is too weak"}})
def change_password(request: Request, body: PasswordChange, caller: Caller = Depends(SIGNED_IN),
                    be: Backend = Depends(request_backend)) -> Response:
    service.change_password(be, caller, client_address(request), body.current_password, body.new_password)
    return Response(status_code=204)


@router.get("/me", response_model=Me, summary="The signed-in user")
def me(principal: Principal = Depends(current_principal)) -> Me:
    return Me(username=principal.username, role=principal.role, organisation=principal.organisation)
