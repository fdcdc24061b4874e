"""Authentication (OAuth2 bearer JWTs) and role-based authorisation.

Tokens are HS256 JWTs signed with the token key (``aim.api.keys``); they carry the user's name, role,
organisation and the account's token version, and expire after ``AIM_TOKEN_MINUTES``. Every
request re-reads the account (never cached): it must be enabled, still have the token's role and
the token's version, which signing out and changing the password raise (``graph.access.sessions``),
and the request counts against the user's rate limit.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from aim.api.errors import Forbidden, RateLimited, Unauthorised
from aim.api.keys import token_key
from aim.api.settings import ApiSettings
from aim.graph.access.sessions import session_state
from aim.graph.access.users import ROLES
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    organisation: str | None


def issue_token(settings: ApiSettings, user: dict) -> tuple[str, int]:
    now = datetime.now(UTC)
    lifetime = settings.token_minutes * 60
    claims = {
        "sub": user["username"], "role": user["role"], "org": user.get("organisation"),
        "iss": settings.jwt_issuer, "iat": now, "nbf": now, "exp": now + timedelta(seconds=lifetime),
        "jti": str(uuid.uuid4()), "ver": user.get("token_version", 0),
    }
    return jwt.encode(claims, token_key(settings), algorithm="HS256"), lifetime


def read_claims(settings: ApiSettings, token: str, *, expired_ok: bool = False) -> dict:
    """The claims of a token signed with the token key, or ``Unauthorised``; ``expired_ok``
    reads an expired one too (to tell whose session ended, never to let it in)."""
    try:
        claims = jwt.decode(
            token, token_key(settings), algorithms=["HS256"], issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "iss", "ver"], "verify_exp": not expired_ok},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorised("the access token has expired; request a new one") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorised("the access token is not valid") from exc
    if claims.get("role") not in ROLES or not isinstance(claims.get("sub"), str) or \
            not isinstance(claims.get("ver"), int):
        raise Unauthorised("the access token is not valid")
    return claims


def decode_token(settings: ApiSettings, token: str) -> Principal:
    claims = read_claims(settings, token)
    return Principal(claims["sub"], claims["role"], claims.get("org"))


class TokenBucket:
    """Per-key token buckets: ``rate`` per minute, at most ``burst`` at once."""

    def __init__(self, per_minute: int, burst: int) -> None:
        self.rate = per_minute / 60.0
        self.burst = float(burst)
        self._state: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """0 when allowed, else the seconds to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, last = self._state.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._state[key] = (tokens - 1, now)
                return 0.0
            self._state[key] = (tokens, now)
            return (1 - tokens) / self.rate


def current_principal(request: Request, token: str | None = Depends(oauth2_scheme)) -> Principal:
    if not token:
        raise Unauthorised("sign in: this endpoint needs a bearer token")
    state = request.app.state
    claims = read_claims(state.settings, token)
    user = session_state(state.driver, state.settings.neo4j_database, claims["sub"])
    if user is None or user["disabled"] or user["role"] != claims["role"] or \
            user["token_version"] != claims["ver"]:
        raise Unauthorised("this session has ended (signed out, password or account changed); sign in again")
    wait = state.rate_limiter.take(user["username"])
    if wait:
        raise RateLimited("rate limit exceeded; slow down", retry_after=max(1, int(wait + 0.999)))
    # The organisation comes from the account, not the token, so that a change (or a token
    # minted before it) can never let a user submit as another agency.
    principal = Principal(user["username"], user["role"], user.get("organisation"))
    request.state.principal = principal
    return principal


def require(*roles: str):
    """A dependency that admits only the given roles (403 for the others)."""

    def check(principal: Principal = Depends(current_principal)) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"the {principal.role} role may not use this endpoint (need to know)")
        return principal

    return check
