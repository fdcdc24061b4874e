"""Authentication (OAuth2 bearer JWTs) and role-based authorisation.

Tokens are HS256 JWTs signed with ``AIM_JWT_SECRET``; they carry the user's name, role
and organisation and expire after ``AIM_TOKEN_MINUTES``. Every request re-checks that the
account is still enabled (cached for a few seconds) and counts against the user's rate limit.
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
from aim.api.settings import ApiSettings
from aim.graph.access.users import get_user

ROLES = ("partner", "mash", "analyst", "dpo", "admin")
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
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, settings.signing_secret(), algorithm="HS256"), lifetime


def decode_token(settings: ApiSettings, token: str) -> Principal:
    try:
        claims = jwt.decode(
            token, settings.signing_secret(), algorithms=["HS256"], issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorised("the access token has expired; request a new one") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorised("the access token is not valid") from exc
    role = claims.get("role")
    if role not in ROLES or not isinstance(claims.get("sub"), str):
        raise Unauthorised("the access token is not valid")
    return Principal(claims["sub"], role, claims.get("org"))


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


class UserCache:
    """Whether an account is enabled, re-read from the graph every few seconds."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._seen: dict[str, tuple[float, dict | None]] = {}
        self._lock = threading.Lock()

    def get(self, username: str, load) -> dict | None:
        now = time.monotonic()
        with self._lock:
            hit = self._seen.get(username)
        if hit and now - hit[0] < self.seconds:
            return hit[1]
        user = load(username)
        with self._lock:
            self._seen[username] = (now, user)
        return user

    def forget(self, username: str) -> None:
        with self._lock:
            self._seen.pop(username, None)


def current_principal(request: Request, token: str | None = Depends(oauth2_scheme)) -> Principal:
    if not token:
        raise Unauthorised("sign in: this endpoint needs a bearer token")
    state = request.app.state
    principal = decode_token(state.settings, token)
    user = state.user_cache.get(
        principal.username, lambda name: get_user(state.driver, state.settings.neo4j_database, name)
    )
    if user is None or user.get("disabled") or user.get("role") != principal.role:
        raise Unauthorised("the account is disabled or has changed; sign in again")
    wait = state.rate_limiter.take(principal.username)
    if wait:
        raise RateLimited("rate limit exceeded; slow down", retry_after=max(1, int(wait + 0.999)))
    # The organisation comes from the account, not the token, so that a change (or a token
    # minted before it) can never let a user submit as another agency.
    principal = Principal(principal.username, principal.role, user.get("organisation"))
    request.state.principal = principal
    return principal


def require(*roles: str):
    """A dependency that admits only the given roles (403 for the others)."""

    def check(principal: Principal = Depends(current_principal)) -> Principal:
        if principal.role not in roles:
            raise Forbidden(f"the {principal.role} role may not use this endpoint (need to know)")
        return principal

    return check
