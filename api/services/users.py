"""User administration (admin): list, create, disable; privileged roles through a second
administrator's approval (``services.approvals``). Every call is audited."""

from __future__ import annotations

from aim.api.deps import Backend, Caller
from aim.api.errors import Conflict, Invalid, NotFound
from aim.api.services import approvals
from aim.api.services.auditing import audited_change, audited_read
from aim.graph.access import users
from aim.graph.access.audit import AuditEntry


def list_users(be: Backend, caller: Caller) -> list[dict]:
    return audited_read(be, caller, lambda tx: (users.read_users(tx), AuditEntry("users.list")))


def create(be: Backend, caller: Caller, *, username: str, password: str, role: str, organisation: str | None,
           full_name: str | None) -> dict:
    """The new user; for a privileged role, a request that another administrator approves."""
    if role in approvals.PRIVILEGED:
        return approvals.request_user(be, caller, username=username, password=password, role=role,
                                      organisation=organisation, full_name=full_name)
    audited_change(be, caller, "users.create", [], {"username": username, "role": role})
    try:
        return users.create_user(be.driver, be.database, username, password, role, organisation, full_name)
    except users.UserError as exc:
        raise (Conflict if "exists" in str(exc) else Invalid)(str(exc)) from exc


def disable(be: Backend, caller: Caller, username: str) -> dict:
    audited_change(be, caller, "users.disable", [], {"username": username})
    try:
        return users.set_disabled(be.driver, be.database, username, True)
    except users.UserError as exc:
        raise NotFound(str(exc)) from exc
