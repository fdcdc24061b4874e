"""Sessions: the per-user token version that revokes tokens, and the progressive lockout
after failed sign-ins.

Every token carries the version of its user's account at the time it was issued; signing out
or changing the password raises the version, so every older token is refused from the next
request on (the version is read with the enabled flag on every request, never cached).
Failed sign-ins are counted per attempted username on a ``(:SignInGuard)`` node, whether the
account exists or not, so that a lockout tells nothing about which usernames exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.graph.store import to_native


@dataclass(frozen=True)
class LockoutPolicy:
    """After ``failures`` failed sign-ins in a row, lock for ``first_seconds``, doubling with
    each further lockout up to ``longest_seconds``; a successful sign-in starts afresh."""

    failures: int = 5
    first_seconds: int = 60
    longest_seconds: int = 24 * 3600


def session_state(driver: Driver, database: str, username: str) -> dict | None:
    """Role, organisation, enabled flag and token version of an account (None when unknown)."""
    records, _, _ = driver.execute_query(cypher.load("api/sessions_state"), username=username,
                                         database_=database, routing_="r")
    return records[0]["user"] if records else None


def revoke_tokens(tx: ManagedTransaction, username: str) -> int | None:
    """Refuse every token of the user issued so far; the new version, None for no such user."""
    record = tx.run(cypher.load("api/sessions_revoke"), username=username).single()
    return record["token_version"] if record else None


def locked_until(tx: ManagedTransaction, username: str) -> datetime | None:
    """When the username's running lockout ends; None when it may sign in."""
    return to_native(tx.run(cypher.load("api/sessions_lock"), username=username).single()["locked_until"])


def record_failure(tx: ManagedTransaction, username: str, policy: LockoutPolicy) -> datetime | None:
    """Count a failed sign-in; the end of the lockout it starts, if it starts one."""
    tx.run(cypher.load("api/sessions_forget_stale")).consume()
    record = tx.run(cypher.load("api/sessions_failure"), username=username, threshold=policy.failures,
                    base_seconds=policy.first_seconds, max_seconds=policy.longest_seconds).single()
    return to_native(record["locked_until"])


def clear_failures(tx: ManagedTransaction, username: str) -> bool:
    """Forget the username's failures and lockouts (a sign-in, an unlock); whether it had any."""
    return tx.run(cypher.load("api/sessions_clear"), username=username).single()["cleared"] > 0
