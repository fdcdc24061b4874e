"""The dashboard's session: the API's access token in an HttpOnly, SameSite=Strict cookie,
a CSRF token derived from it for every form, and the role checks of the API itself.

Signing in calls the API's own sign-in service (same rate limit, same password check); every
page re-checks the token with ``current_principal`` (enabled account, rate limit) and the
API's ``require(...)`` role check, so the dashboard can never grant more than the API.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import Response

from aim.api.errors import Forbidden, RateLimited, Unauthorised
from aim.api.keys import csrf_key
from aim.api.security import Principal, current_principal, require

COOKIE = "aim_session"
SIGNIN_COOKIE = "aim_signin"
COOKIE_PATH = "/dashboard"
PREFIX = "/dashboard"

ROLE_NAMES = {
    "partner": "Partner agency (view only)",
    "mash": "MASH officer",
    "analyst": "Analyst",
    "dpo": "Data Protection Officer",
    "admin": "Administrator",
}

# The screens each role is offered. Every screen also calls the API code that enforces the
# same roles, so this only decides what the navigation shows.
SCREENS = {
    "search": ("partner", "mash"),
    "alerts": ("mash",),
    "watch": ("mash",),
    "review": ("mash",),
    "network": ("mash",),
    "households": ("mash",),
    "audit": ("dpo",),
    "stats": ("analyst", "mash", "dpo"),
    "analyst": ("analyst",),
    "users": ("admin",),
    "approvals": ("admin", "dpo"),
}
HOME = {"partner": "search", "mash": "search", "dpo": "audit", "analyst": "analyst", "admin": "users"}


class SignInRequired(Exception):
    def __init__(self, next_url: str, message: str | None = None) -> None:
        self.next_url = next_url
        self.message = message
        self.pending_form = None  # a POSTed form to keep for after sign-in (dashboard/pending.py)


class PromptFirst(Exception):
    """A page that must ask something before it shows anything (the purpose prompt): the
    question is the answer."""

    def __init__(self, response: Response) -> None:
        self.response = response


class PageError(Exception):
    def __init__(self, status_code: int, title: str, message: str) -> None:
        self.status_code = status_code
        self.title = title
        self.message = message


@dataclass(frozen=True)
class Session:
    principal: Principal
    token: str
    csrf: str

    @property
    def role(self) -> str:
        return self.principal.role

    @property
    def role_name(self) -> str:
        return ROLE_NAMES.get(self.principal.role, self.principal.role)

    def can(self, screen: str) -> bool:
        return self.principal.role in SCREENS.get(screen, ())


def csrf_for(request: Request, token: str) -> str:
    key = csrf_key(request.app.state.settings)
    return hmac.new(key, token.encode(), hashlib.sha256).hexdigest()[:40]


def _next(request: Request) -> str:
    path = request.url.path
    if request.url.query:
        path += "?" + request.url.query
    return path


def session(request: Request, *roles: str) -> Session:
    """The signed-in user, admitted only in ``roles`` (the API's own checks)."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise SignInRequired(_next(request))
    try:
        principal = current_principal(request, token)
        if roles:
            principal = require(*roles)(principal)
    except Unauthorised as exc:
        raise SignInRequired(_next(request), exc.detail) from exc
    except Forbidden as exc:
        raise PageError(403, "You cannot see this page",
                        "Your role does not give access to this screen (need to know).") from exc
    except RateLimited as exc:
        raise PageError(429, "Too many requests", "Wait a moment, then try again.") from exc
    return Session(principal, token, csrf_for(request, token))


def form_session(request: Request, form, *roles: str) -> Session:
    """The signed-in user (in ``roles``) who posted ``form`` from this site (see ``check_form``)."""
    s = session(request, *roles)
    check_form(request, s, form)
    return s


def check_form(request: Request, s: Session, form) -> None:
    """Forms post back only from this site, with the session's CSRF token."""
    # With Referrer-Policy no-referrer, browsers send "Origin: null" for their own forms;
    # Sec-Fetch-Site says the same thing reliably in current browsers.
    origin = request.headers.get("origin")
    site = request.headers.get("sec-fetch-site")
    if (origin and origin != "null" and origin != f"{request.url.scheme}://{request.url.netloc}") or \
            site in ("cross-site", "same-site"):
        raise PageError(403, "Form rejected", "The form was not sent from this site.")
    given = str(form.get("csrf_token") or "")
    if not hmac.compare_digest(given, s.csrf):
        raise PageError(403, "Form rejected", "The form has expired. Go back, reload the page and try again.")


def new_signin_nonce() -> str:
    return secrets.token_urlsafe(24)


def secure_cookies(request: Request) -> bool:
    """Always in production (AIM_ENV); elsewhere when the request came over HTTPS."""
    if request.app.state.settings.production:
        return True
    proto = request.headers.get("x-forwarded-proto", request.url.scheme)
    return proto == "https"


def sign_in_url(next_url: str | None = None) -> str:
    url = f"{PREFIX}/sign-in"
    if next_url and next_url.startswith(PREFIX + "/") and not next_url.startswith("//"):
        url += "?next=" + quote(next_url, safe="")
    return url


def safe_next(value: str | None, fallback: str) -> str:
    """Only a path inside the dashboard (no open redirect)."""
    if value and value.startswith(PREFIX + "/") and "//" not in value and "\\" not in value:
        return value
    return fallback
