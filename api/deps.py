"""Request dependencies: the backend (driver, database, settings), the caller (who asks,
with the audit context of the request) and the stated purpose."""

from __future__ import annotations

from dataclasses import dataclass, replace

from fastapi import Depends, Header, Request
from neo4j import Driver

from aim.api.errors import Invalid
from aim.api.security import Principal, current_principal, require
from aim.api.services.group_commit import GroupCommit
from aim.api.settings import ApiSettings
from aim.graph.access.audit import AuditContext


@dataclass
class Backend:
    driver: Driver
    database: str
    settings: ApiSettings
    submissions: GroupCommit | None = None  # the app's group commit of record submissions


def backend(request: Request) -> Backend:
    state = request.app.state
    return Backend(state.driver, state.settings.neo4j_database, state.settings, state.submissions)


async def request_backend(request: Request) -> Backend:
    """:func:`backend` as a route's dependency: async, since it does no I/O (FastAPI hands a
    sync dependency to a worker thread and back, which costs more than reading the app's state)."""
    return backend(request)


def client_address(request: Request) -> str:
    """The caller's address: behind the TLS proxy, the one it forwards (AIM_FORWARDED_ALLOW_IPS)."""
    return request.client.host if request.client else "unknown"


@dataclass(frozen=True)
class Caller:
    """Who asks (the principal: role and organisation, for need to know) and the audit
    context of this request (endpoint, stated purpose). Every service receives one."""

    principal: Principal
    audit: AuditContext


def route_of(request: Request) -> str:
    """The template of the request's route (``/persons/{subject_id}``), never the path with
    its ids: what audit entries and log lines name."""
    route = request.scope.get("route")
    return getattr(route, "path", None) or "(no route)"


def caller_of(request: Request, principal: Principal, purpose: str | None = None) -> Caller:
    endpoint = route_of(request)
    if not endpoint.startswith("/api/"):
        endpoint = "/api/v1" + endpoint  # the template of a route included under the version prefix
    return Caller(principal, AuditContext(
        username=principal.username, role=principal.role, organisation=principal.organisation,
        method=request.method, endpoint=endpoint, purpose=purpose,
    ))


PURPOSE_HEADER = "X-AIM-Purpose"


def stated_purpose(request: Request, given: str | None = None) -> str:
    """Every read of personal data needs a stated purpose, which is audited: ``given`` (from
    a POST body) or the ``X-AIM-Purpose`` header, never the URL (URLs reach browser history,
    proxies and access logs). Called after authentication, so no token answers 401 first."""
    if "purpose" in request.query_params:
        raise Invalid("the purpose must not be sent in the URL: send it in the X-AIM-Purpose header "
                      "(or the request body)")
    stated = (given or request.headers.get(PURPOSE_HEADER) or "").strip()
    if not 3 <= len(stated) <= 300:
        raise Invalid("state the purpose of this access (3 to 300 characters) in the X-AIM-Purpose header")
    return stated


def with_purpose(request: Request, caller: Caller, given: str | None) -> Caller:
    """The caller of a route whose purpose comes in its POST body (or the header)."""
    return replace(caller, audit=replace(caller.audit, purpose=stated_purpose(request, given)))


def acting(*roles: str, purpose: bool = False):
    """A dependency giving the ``Caller`` of a route open to ``roles`` (403 for the others);
    with ``purpose=True`` the request must state why (``stated_purpose``)."""
    check = require(*roles)

    # async, calling the role check itself: neither does I/O, so FastAPI runs them on the event
    # loop instead of handing each to a worker thread and back (a hop costs more than their work).
    if purpose:
        async def with_purpose(request: Request, principal: Principal = Depends(current_principal),
                               x_aim_purpose: str | None = Header(None, description="Why you are looking (audited)")
                               ) -> Caller:
            return caller_of(request, check(principal), stated_purpose(request, x_aim_purpose))

        return with_purpose

    async def without_purpose(request: Request, principal: Principal = Depends(current_principal)) -> Caller:
        return caller_of(request, check(principal))

    return without_purpose
