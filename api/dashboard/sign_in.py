"""Signing in and out, changing one's password, and each role's home screen."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from aim.api.deps import backend, caller_of, client_address
from aim.api.errors import Invalid, RateLimited, Unauthorised
from aim.api.security import decode_token
from aim.api.services import auth

from .pages import form_data, redirect, render, screen_router
from .session import (COOKIE, COOKIE_PATH, HOME, PREFIX, SIGNIN_COOKIE, PageError, SignInRequired, check_form,
                      new_signin_nonce, safe_next, secure_cookies, session)

router = screen_router()
EXPIRED_TOKEN_KEPT = 12 * 3600  # seconds


def _form(request: Request, status_code: int = 200, **context) -> Response:
    """The sign-in form with a fresh nonce (also in a short-lived cookie)."""
    nonce = new_signin_nonce()
    response = render(request, None, "dashboard/sign_in.html", status_code=status_code, nonce=nonce, **context)
    response.set_cookie(SIGNIN_COOKIE, nonce, max_age=900, httponly=True, samesite="strict", path=COOKIE_PATH,
                        secure=secure_cookies(request))
    return response


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str | None = None) -> Response:
    return _form(request, next=safe_next(next, ""))


@router.post("/sign-in", response_class=HTMLResponse)
def sign_in(request: Request, form=Depends(form_data)) -> Response:
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    next_url = safe_next(str(form.get("next") or ""), "")

    def again(message: str, code: int) -> Response:
        return _form(request, code, next=next_url, error=message, username=username)

    nonce = request.cookies.get(SIGNIN_COOKIE)
    if not nonce or str(form.get("nonce") or "") != nonce:
        return again("The sign-in form expired. Try again.", 400)
    if not username or not password:
        return again("Enter your username and password.", 400)
    state = request.app.state
    try:
        token = auth.sign_in(backend(request), state.login_limiter, client_address(request), request.url.path,
                             username, password)
    except Unauthorised as exc:
        return again("Wrong username or password.", exc.status_code)
    except RateLimited as exc:
        return again(exc.detail, exc.status_code)
    principal = decode_token(state.settings, token["access_token"])
    response = redirect(next_url or f"{PREFIX}/{HOME.get(principal.role, 'search')}")
    # The cookie outlives its token (refused once expired), so that a form sent after expiry
    # is kept for the user it belongs to (pending.py).
    response.set_cookie(COOKIE, token["access_token"], max_age=token["expires_in"] + EXPIRED_TOKEN_KEPT,
                        httponly=True, samesite="strict", path=COOKIE_PATH, secure=secure_cookies(request))
    response.delete_cookie(SIGNIN_COOKIE, path=COOKIE_PATH)
    return response


@router.post("/sign-out")
def sign_out(request: Request, form=Depends(form_data)) -> Response:
    """Revokes the session's token (and every other token of the user), then drops the cookie."""
    try:
        s = session(request)
        check_form(request, s, form)
    except (SignInRequired, PageError):
        pass  # an expired or foreign session signs out all the same: only the cookie goes
    else:
        auth.sign_out(backend(request), caller_of(request, s.principal))
    response = redirect(f"{PREFIX}/sign-in?notice=signed-out")
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


@router.get("/password", response_class=HTMLResponse)
def password_page(request: Request) -> Response:
    return render(request, session(request), "dashboard/password.html")


@router.post("/password", response_class=HTMLResponse)
def change_password(request: Request, form=Depends(form_data)) -> Response:
    """A new password ends every session of the user, this one too: sign in again."""
    s = session(request)
    check_form(request, s, form)
    new = str(form.get("new_password") or "")
    if new != str(form.get("confirm_password") or ""):
        return render(request, s, "dashboard/password.html", status_code=400, error="The new passwords differ.")
    try:
        auth.change_password(backend(request), caller_of(request, s.principal), client_address(request),
                             str(form.get("current_password") or ""), new)
    except Invalid as exc:
        return render(request, s, "dashboard/password.html", status_code=400, error=exc.detail)
    response = redirect(f"{PREFIX}/sign-in?notice=password-changed")
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
    return response


@router.get("")
@router.get("/")
def home(request: Request) -> Response:
    s = session(request)
    return redirect(f"{PREFIX}/{HOME.get(s.role, 'search')}")
