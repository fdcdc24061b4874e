"""Separation of duties (four eyes): granting the mash, dpo or admin role (a new user or a
role change) and applying retention are requests that take effect only when another
administrator (grants) or another DPO (retention) approves them; nobody approves their own.
Every request, approval and rejection is audited; an approved grant is carried out in the
approval's own transaction, so a grant never exists without its approval.
"""

from __future__ import annotations

from neo4j import ManagedTransaction

from aim.api.deps import Backend, Caller
from aim.api.errors import Conflict, Forbidden, Invalid, NotFound
from aim.api.services import retention
from aim.api.services.auditing import audited_read, audited_transaction
from aim.graph.access import approvals, users
from aim.graph.access.audit import AuditEntry, write_entry
from aim.graph.store import causal_session

PRIVILEGED = ("mash", "dpo", "admin")
# Who decides each kind of request.
DECIDED_BY = {"grant.create": "admin", "grant.role": "admin", "retention.apply": "dpo"}


def kinds_for(role: str) -> list[str]:
    return [kind for kind, decider in DECIDED_BY.items() if decider == role]


def request_user(be: Backend, caller: Caller, *, username: str, password: str, role: str,
                 organisation: str | None, full_name: str | None) -> dict:
    """Ask for a new user with a privileged role; the password is kept only as its hash."""
    _check(role, organisation, password)
    if users.get_user(be.driver, be.database, username) is not None:
        raise Conflict(f"user '{username}' exists already")
    params = {"username": username, "role": role, "organisation": organisation, "full_name": full_name}
    return _request(be, caller, "grant.create", params, users.hash_password(password))


def change_role(be: Backend, caller: Caller, username: str, role: str, organisation: str | None) -> dict:
    """A privileged role is a request for approval; any other role is set at once (audited)."""
    _check(role, organisation)
    if users.get_user(be.driver, be.database, username) is None:
        raise NotFound(f"no user '{username}'")
    params = {"username": username, "role": role, "organisation": organisation}
    if role in PRIVILEGED:
        return _request(be, caller, "grant.role", params)

    def work(tx: ManagedTransaction) -> dict:
        write_entry(tx, caller.audit, AuditEntry("users.role", [], params))
        return users.write_role(tx, username, role, organisation)

    return audited_transaction(be, work)


def request_retention(be: Backend, caller: Caller, days: int | None) -> dict:
    """Ask for a retention run (``days`` overrides the events' period)."""
    return _request(be, caller, "retention.apply", {"days": days})


def listed(be: Backend, caller: Caller, status: str | None) -> list[dict]:
    """The requests the caller's role decides (pending ones unless ``status`` says otherwise)."""
    kinds = kinds_for(caller.principal.role)
    return audited_read(be, caller, lambda tx: (approvals.read_requests(tx, kinds, status),
                                                AuditEntry("approvals.list", [], {"status": status})))


def approve(be: Backend, caller: Caller, request_id: str) -> dict:
    request = _decidable(be, caller, request_id)
    if request["kind"] == "retention.apply":
        decided, _ = audited_transaction(be, _decide, caller, request_id, True, None)
        outcome = retention.run(be, caller, decided["params"]["days"], dry_run=False)
        return {**decided, "outcome": outcome}
    try:
        return audited_transaction(be, _grant, caller, request_id)
    except users.UserError as exc:
        raise Conflict(f"{exc}: reject the request") from exc


def reject(be: Backend, caller: Caller, request_id: str, reason: str | None) -> dict:
    _decidable(be, caller, request_id)
    return audited_transaction(be, _decide, caller, request_id, False, reason)[0]


def _check(role: str, organisation: str | None, password: str | None = None) -> None:
    try:
        users.check_role(role, organisation)
        if password is not None:
            users.check_password_strength(password)
    except users.UserError as exc:
        raise Invalid(str(exc)) from exc


def _request(be: Backend, caller: Caller, kind: str, params: dict, password_hash: str | None = None) -> dict:
    def work(tx: ManagedTransaction) -> dict:
        request = approvals.create_request(tx, kind, caller.principal.username, params, password_hash)
        write_entry(tx, caller.audit, AuditEntry("approvals.request", [], {
            "request_id": request["request_id"], "kind": kind, **params}))
        return request

    return audited_transaction(be, work)


def _decidable(be: Backend, caller: Caller, request_id: str) -> dict:
    """The request, when the caller may decide it now: another person of the deciding role."""
    with causal_session(be.driver, be.database) as session:
        request = session.execute_read(approvals.read_request, request_id)
    if request is None or DECIDED_BY[request["kind"]] != caller.principal.role:
        raise NotFound(f"no request '{request_id}' for the {caller.principal.role} role")
    if request["requested_by"] == caller.principal.username:
        raise Forbidden(f"you made this request: another {caller.principal.role} must decide it (four eyes)")
    if request["status"] != "pending":
        raise Conflict(f"the request was {request['status']} already")
    return request


def _decide(tx: ManagedTransaction, caller: Caller, request_id: str, approve_it: bool,
            reason: str | None) -> tuple[dict, str | None]:
    """Decide the request (audited): the request and the password hash it carried."""
    decided = approvals.decide(tx, request_id, caller.principal.username, approve_it, reason)
    if decided is None:
        raise Conflict("the request was decided meanwhile")
    request = decided[0]
    write_entry(tx, caller.audit, AuditEntry("approvals.approve" if approve_it else "approvals.reject", [], {
        "request_id": request_id, "kind": request["kind"], "requested_by": request["requested_by"],
        "reason": reason}))
    return decided


def _grant(tx: ManagedTransaction, caller: Caller, request_id: str) -> dict:
    """Approve a grant and carry it out in the same transaction."""
    request, password_hash = _decide(tx, caller, request_id, True, None)
    p = request["params"]
    if request["kind"] == "grant.create":
        user = users.write_user(tx, p["username"], password_hash, p["role"], p["organisation"], p["full_name"])
    else:
        user = users.write_role(tx, p["username"], p["role"], p["organisation"])
    write_entry(tx, caller.audit, AuditEntry("users.create" if request["kind"] == "grant.create" else "users.role",
                                             [], {"request_id": request_id, "requested_by": request["requested_by"],
                                                  "username": p["username"], "role": p["role"]}))
    return {**request, "outcome": {"user": user}}
