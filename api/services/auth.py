"""Signing in and out, changing one's password and unlocking a username: the services behind
both the API's auth routes and the dashboard.

Every sign-in attempt is audited (success or failure, with the client address; never the
password), failed ones count towards a progressive lockout (``graph.access.sessions``), and
signing out or changing the password revokes every token the user holds.
"""

from __future__ import annotations

from datetime import UTC, datetime

from neo4j import ManagedTransaction

from aim.api.deps import Backend, Caller
from aim.api.errors import Invalid, NotFound, RateLimited, Unauthorised
from aim.api.security import TokenBucket, issue_token
from aim.api.services.auditing import audited_change, audited_transaction
from aim.graph.access import sessions, users
from aim.graph.access.audit import AuditContext, AuditEntry, write_entry
from aim.graph.store import causal_session

MAX_USERNAME = 100
MAX_PASSWORD = 200


def sign_in(be: Backend, limiter: TokenBucket, client: str, endpoint: str, username: str, password: str) -> dict:
    """A bearer token for the right password of an enabled, unlocked account. Attempts are
    limited per client address and per username."""
    if limiter.take(client) or limiter.take(f"user:{username[:MAX_USERNAME]}"):
        raise RateLimited("too many sign-in attempts; wait a minute", retry_after=60)
    user = check_password(be, client, endpoint, username, password)
    audited_transaction(be, _signed_in, _attempt(endpoint, user["username"], user), client)
    access, lifetime = issue_token(be.settings, user)
    return {"access_token": access, "token_type": "bearer", "expires_in": lifetime}


def check_password(be: Backend, client: str, endpoint: str, username: str, password: str) -> dict:
    """The account when the password is right; a wrong one is audited and counted towards the
    lockout, and while a lockout runs no password is even tried."""
    name = username[:MAX_USERNAME]
    with causal_session(be.driver, be.database) as session:
        until = session.execute_read(sessions.locked_until, name)
    if until is not None:
        audited_transaction(be, _failed, _attempt(endpoint, name), client, "locked")
        wait = max(1, int((until - datetime.now(UTC)).total_seconds() + 0.999))
        raise RateLimited(f"too many failed sign-ins: this username is locked for {wait} more seconds "
                          "(an administrator can unlock it)", retry_after=wait)
    user = None
    if len(username) <= MAX_USERNAME and len(password) <= MAX_PASSWORD:
        user = users.authenticate(be.driver, be.database, username, password)
    if user is None:
        audited_transaction(be, _failed, _attempt(endpoint, name), client, "wrong username or password",
                            _policy(be))
        raise Unauthorised("wrong username or password")
    return user


def sign_out(be: Backend, caller: Caller) -> None:
    """Revoke every token of the caller (the dashboard's cookie and any bearer token)."""

    def work(tx: ManagedTransaction) -> None:
        write_entry(tx, caller.audit, AuditEntry("auth.sign_out"))
        sessions.revoke_tokens(tx, caller.principal.username)

    audited_transaction(be, work)


def change_password(be: Backend, caller: Caller, client: str, current: str, new: str) -> None:
    """Set a new password after checking the current one; every token issued so far is revoked."""
    username = caller.principal.username
    try:
        check_password(be, client, caller.audit.endpoint, username, current)
    except Unauthorised as exc:
        raise Invalid("the current password is not right") from exc
    if new == current:
        raise Invalid("choose a password different from the current one")
    audited_change(be, caller, "auth.password_change", [], {"client": client})
    try:
        users.set_password(be.driver, be.database, username, new)
    except users.UserError as exc:
        raise Invalid(str(exc)) from exc


def unlock(be: Backend, caller: Caller, username: str) -> bool:
    """End a user's lockout and forget their failed sign-ins (admin); whether there were any."""
    if users.get_user(be.driver, be.database, username) is None:
        raise NotFound(f"no user '{username}'")
    audited_change(be, caller, "users.unlock", [], {"username": username})
    with causal_session(be.driver, be.database) as session:
        return session.execute_write(sessions.clear_failures, username)


def _policy(be: Backend) -> sessions.LockoutPolicy:
    s = be.settings
    return sessions.LockoutPolicy(s.lockout_after_failures, s.lockout_first_seconds, s.lockout_longest_seconds)


def _attempt(endpoint: str, username: str, user: dict | None = None) -> AuditContext:
    """The audit context of a sign-in: the attempted username, the account's role if known."""
    return AuditContext(username=username, role=user["role"] if user else "anonymous",
                        organisation=user.get("organisation") if user else None, method="POST", endpoint=endpoint)


def _signed_in(tx: ManagedTransaction, ctx: AuditContext, client: str) -> None:
    sessions.clear_failures(tx, ctx.username)
    write_entry(tx, ctx, AuditEntry("auth.sign_in", [], {"client": client}))


def _failed(tx: ManagedTransaction, ctx: AuditContext, client: str, reason: str,
            policy: sessions.LockoutPolicy | None = None) -> None:
    """Audit a refused sign-in; count it (when a password was tried) and audit the lockout it starts."""
    write_entry(tx, ctx, AuditEntry("auth.sign_in_failed", [], {"client": client, "reason": reason}))
    if policy is None:
        return
    until = sessions.record_failure(tx, ctx.username, policy)
    if until is not None:
        write_entry(tx, ctx, AuditEntry("auth.lockout", [], {"client": client, "locked_until": until.isoformat()}))
