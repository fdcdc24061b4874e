"""Request dependencies: the backend (driver, database, settings), the caller (who asks,
with the audit context of the request) and the stated purpose."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Depends, Header, Query, Request
from neo4j import Driver

from aim.api.errors import Invalid
from aim.api.security import Principal, require
from aim.api.settings import ApiSettings
from aim.graph.access.audit import AuditContext


@dataclass
class Backend:
    driver: Driver
    database: str
    settings: ApiSettings


def backend(request: Request) -> Backend:
    state = request.app.state
    return Backend(state.driver, state.settings.neo4j_database, state.settings)


@dataclass(frozen=True)
class Caller:
    """Who asks (the principal: role and organisation, for need to know) and the audit
    context of this request (endpoint, stated purpose). Every service receives one."""

    principal: Principal
    audit: AuditContext


def caller_of(request: Request, principal: Principal, purpose: str | None = None) -> Caller:
    route = request.scope.get("route")
    endpoint = getattr(route, "path", None) or request.url.path
    if not endpoint.startswith("/api/"):
        endpoint = "/api/v1" + endpoint  # the template of a route included under the version prefix
    return Caller(principal, AuditContext(
        username=principal.username, role=principal.role, organisation=principal.organisation,
        method=request.method, endpoint=endpoint, purpose=purpose,
    ))


def stated_purpose(
    purpose: str | None = Query(None, min_length=3, max_length=300,
                                description="Why you are looking (audited); or the X-AIM-Purpose header"),
    x_aim_purpose: str | None = Header(None, min_length=3, max_length=300),
) -> str:
    """Every view of a person's data needs a stated purpose, which is audited."""
    given = (purpose or x_aim_purpose or "").strip()
    if len(given) < 3:
        raise Invalid("state the purpose of this access: ?purpose=... or the X-AIM-Purpose header")
    return given


def acting(*roles: str, purpose: bool = False):
    """A dependency giving the ``Caller`` of a route open to ``roles`` (403 for the others);
    with ``purpose=True`` the request must state why (``stated_purpose``)."""
    check = require(*roles)

    if purpose:
        def with_purpose(request: Request, principal: Principal = Depends(check),
                         given: str = Depends(stated_purpose)) -> Caller:
            return caller_of(request, principal, given)

        return with_purpose

    def without_purpose(request: Request, principal: Principal = Depends(check)) -> Caller:
        return caller_of(request, principal)

    return without_purpose
