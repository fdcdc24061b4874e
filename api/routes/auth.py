"""Sign-in (OAuth2 password flow) and who am I."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from aim.api.schemas import Me, Token
from aim.api.security import Principal, current_principal, issue_token

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/token", response_model=Token, summary="Exchange username and password for a bearer token",
             responses={401: {"description": "wrong credentials"}, 429: {"description": "too many attempts"}})
def token(request: Request, form: OAuth2PasswordRequestForm = Depends()) -> Token:
    from aim.graph.access.users import authenticate

    state = request.app.state
    client = request.client.host if request.client else "unknown"
    if state.login_limiter.take(client) or state.login_limiter.take(f"user:{form.username[:100]}"):
        raise HTTPException(status.HTTP_429_TOO_MANY_REQUESTS, detail="too many sign-in attempts; wait a minute",
                            headers={"Retry-After": "60"})
    if len(form.username) > 100 or len(form.password) > 200:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong username or password",
                            headers={"WWW-Authenticate": "Bearer"})
    user = authenticate(state.driver, state.settings.neo4j_database, form.username, form.password)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, detail="wrong username or password",
                            headers={"WWW-Authenticate": "Bearer"})
    state.user_cache.forget(user["username"])
    access, lifetime = issue_token(state.settings, user)
    return Token(access_token=access, expires_in=lifetime)


@router.get("/me", response_model=Me, summary="The signed-in user")
def me(principal: Principal = Depends(current_principal)) -> Me:
    return Me(username=principal.username, role=principal.role, organisation=principal.organisation)
