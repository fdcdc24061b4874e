"""Work kept across a sign-in: a form POSTed after the session ended (expired, revoked or its
cookie gone) is kept in memory for a short while under a one-time token held in an HttpOnly
cookie (never in a URL, never logged); after signing in, ``/dashboard/resume`` shows it again,
filled in, to send with the new session's CSRF token. It is offered only to the user whose
session ended when the old token still says who that was (its signature checked, its expiry
not), else to whoever signs in next in the same browser within the time it is kept."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aim.api.errors import Unauthorised
from aim.api.security import read_claims

from .pages import error_page, render, screen_router
from .session import COOKIE, COOKIE_PATH, PREFIX, secure_cookies, session, sign_in_url

PENDING_COOKIE = "aim_pending"
KEEP_SECONDS = 15 * 60
MAX_KEPT = 1000
NOT_RESENT = {"csrf_token", "nonce"}  # and every password field (never kept)
TYPED = {"reason", "note", "outcome", "purpose", "purpose_other", "text"}  # shown to edit; the rest as chosen
router = screen_router()


@dataclass(frozen=True)
class PendingForm:
    path: str
    fields: list[tuple[str, str]]
    username: str | None
    expires: float


class PendingForms:
    """The forms kept, oldest dropped first past ``MAX_KEPT``; each can be taken once."""

    def __init__(self) -> None:
        self._forms: OrderedDict[str, PendingForm] = OrderedDict()
        self._lock = threading.Lock()

    def keep(self, path: str, fields: list[tuple[str, str]], username: str | None) -> str:
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._forms[token] = PendingForm(path, fields, username, time.monotonic() + KEEP_SECONDS)
            while len(self._forms) > MAX_KEPT:
                self._forms.popitem(last=False)
        return token

    def take(self, token: str) -> PendingForm | None:
        with self._lock:
            found = self._forms.pop(token, None)
        return found if found and found.expires > time.monotonic() else None


def _previous_user(request: Request) -> str | None:
    """Who the ended session belonged to, from its token (signature checked, expiry not)."""
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return read_claims(request.app.state.settings, token, expired_ok=True)["sub"]
    except Unauthorised:
        return None


def keep_and_sign_in(request: Request, form) -> Response:
    """The answer to a form sent without a live session: keep it, then the sign-in page,
    which returns to ``/dashboard/resume``."""
    fields = [(k, v) for k, v in form.multi_items()
              if k not in NOT_RESENT and "password" not in k and isinstance(v, str)]
    if not fields:  # nothing typed worth keeping (a sign-out, a password change): just sign in
        return RedirectResponse(sign_in_url(), status_code=303)
    token = request.app.state.pending_forms.keep(request.url.path, fields, _previous_user(request))
    response = RedirectResponse(sign_in_url(f"{PREFIX}/resume"), status_code=303)
    response.set_cookie(PENDING_COOKIE, token, max_age=KEEP_SECONDS, httponly=True, samesite="strict",
                        path=COOKIE_PATH, secure=secure_cookies(request))
    return response


@router.get("/resume", response_class=HTMLResponse)
def resume(request: Request) -> Response:
    s = session(request)
    token = request.cookies.get(PENDING_COOKIE)
    found = request.app.state.pending_forms.take(token) if token else None
    if found is None or found.username not in (None, s.principal.username):
        response = error_page(request, s, 404, title="Nothing to return to",
                              message="There is no unsent form to return to (it is kept for 15 minutes, "
                                      "for the user who was filling it in). Start again from the page you were on.")
    else:
        response = render(request, s, "dashboard/resume.html", pending=found, typed=TYPED)
    response.delete_cookie(PENDING_COOKIE, path=COOKIE_PATH)
    return response
