"""Request dependencies: the driver, the audit context and the stated purpose."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Header, HTTPException, Query, Request, status
from neo4j import Driver

from aim.api.security import Principal
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


def audit_context(request: Request, principal: Principal, purpose: str | None = None) -> AuditContext:
    route = request.scope.get("route")
    endpoint = getattr(route, "path", None) or request.url.path
    if not endpoint.startswith("/api/"):
        endpoint = "/api/v1" + endpoint  # the template of a route included under the version prefix
    return AuditContext(
        username=principal.username, role=principal.role, organisation=principal.organisation,
        method=request.method, endpoint=endpoint, purpose=purpose,
    )


def stated_purpose(
    purpose: str | None = Query(None, min_length=3, max_length=300,
                                description="Why you are looking (audited); or the X-AIM-Purpose header"),
    x_aim_purpose: str | None = Header(None, min_length=3, max_length=300),
) -> str:
    """Every view of a person's data needs a stated purpose, which is audited."""
    given = (purpose or x_aim_purpose or "").strip()
    if len(given) < 3:
        raise HTTPException(
            status.HTTP_400_BAD_REQUEST,
            detail="state the purpose of this access: ?purpose=... or the X-AIM-Purpose header",
        )
    return given
