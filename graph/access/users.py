"""API users, stored as ``(:User)`` nodes with argon2 password hashes."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from neo4j import Driver, ManagedTransaction
from neo4j.exceptions import ConstraintError

from aim import cypher
from aim.graph.store import causal_session

ROLES = ("partner", "mash", "analyst", "dpo", "admin")
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so that timing does not reveal usernames.
_DUMMY_HASH = _HASHER.hash("aim-no-such-user")


class UserError(ValueError):
    """A user cannot be created or changed as asked."""


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def create_user(driver: Driver, database: str, username: str, password: str, role: str,
                organisation: str | None = None, full_name: str | None = None) -> dict:
    check_role(role, organisation)
    check_password_strength(password)
    with causal_session(driver, database) as session:
        return session.execute_write(write_user, username, hash_password(password), role, organisation, full_name)


def check_role(role: str, organisation: str | None) -> None:
    if role not in ROLES:
        raise UserError(f"role must be one of {', '.join(ROLES)}")
    if role == "partner" and not organisation:
        raise UserError("a partner user needs --organisation (the agency code it submits as)")


def check_password_strength(password: str) -> None:
    if len(password) < 12:
        raise UserError("passwords need at least 12 characters")


def write_user(tx: ManagedTransaction, username: str, password_hash: str, role: str, organisation: str | None,
               full_name: str | None) -> dict:
    try:
        return tx.run(cypher.load("api/users_create"), username=username, password_hash=password_hash, role=role,
                      organisation=organisation, full_name=full_name).single()["user"]
    except ConstraintError as exc:
        raise UserError(f"user '{username}' exists already") from exc


def write_role(tx: ManagedTransaction, username: str, role: str, organisation: str | None) -> dict:
    """A new role for the user (checked with ``check_role``); their tokens stop working."""
    record = tx.run(cypher.load("api/users_set_role"), username=username, role=role,
                    organisation=organisation).single()
    if record is None:
        raise UserError(f"no user '{username}'")
    return record["user"]


def get_user(driver: Driver, database: str, username: str) -> dict | None:
    records, _, _ = driver.execute_query(cypher.load("api/users_get"), username=username,
                                         database_=database, routing_="r")
    return records[0]["user"] if records else None


def read_users(tx: ManagedTransaction) -> list[dict]:
    return [r["user"] for r in tx.run(cypher.load("api/users_list"))]


def list_users(driver: Driver, database: str) -> list[dict]:
    with causal_session(driver, database) as session:
        return session.execute_read(read_users)


def set_disabled(driver: Driver, database: str, username: str, disabled: bool = True) -> dict:
    records, _, _ = driver.execute_query(cypher.load("api/users_set_disabled"), username=username,
                                         disabled=disabled, database_=database)
    if not records:
        raise UserError(f"no user '{username}'")
    return records[0]["user"]


def set_password(driver: Driver, database: str, username: str, password: str) -> None:
    check_password_strength(password)
    records, _, _ = driver.execute_query(cypher.load("api/users_set_password"), username=username,
                                         password_hash=hash_password(password), database_=database)
    if not records:
        raise UserError(f"no user '{username}'")


def authenticate(driver: Driver, database: str, username: str, password: str) -> dict | None:
    """The user when the password is right and the account enabled, else None."""
    user = get_user(driver, database, username)
    stored = user["password_hash"] if user else _DUMMY_HASH
    try:
        _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.get("disabled"):
        return None
    user = dict(user)
    user.pop("password_hash", None)
    return user
