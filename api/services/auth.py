"""Signing in: the password check behind both the API's token route and the dashboard."""

from __future__ import annotations

from aim.api.deps import Backend
from aim.api.errors import RateLimited, Unauthorised
from aim.api.security import TokenBucket, UserCache, issue_token
from aim.graph.access.users import authenticate


def sign_in(be: Backend, limiter: TokenBucket, cache: UserCache, client: str, username: str,
            password: str) -> dict:
    """A bearer token for the right password of an enabled account. Attempts are limited per
    client address and per username."""
    if limiter.take(client) or limiter.take(f"user:{username[:100]}"):
        raise RateLimited("too many sign-in attempts; wait a minute", retry_after=60)
    user = None
    if len(username) <= 100 and len(password) <= 200:
        user = authenticate(be.driver, be.database, username, password)
    if user is None:
        raise Unauthorised("wrong username or password")
    cache.forget(user["username"])
    access, lifetime = issue_token(be.settings, user)
    return {"access_token": access, "token_type": "bearer", "expires_in": lifetime}
