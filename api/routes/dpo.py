"""For the Data Protection Officer: the audit log, subject access export and retention."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status

from aim.api.deps import Backend, audit_context, backend, stated_purpose
from aim.api.schemas import RetentionRequest
from aim.api.security import Principal, require
from aim.api.services import people as people_service
from aim.api.services import retention as retention_service

router = APIRouter(tags=["dpo"])


@router.get("/audit", summary="Who accessed what, when and why (filterable)")
def audit_log(
    request: Request,
    subject_id: str | None = Query(None, max_length=300, description="A person or record subject id"),
    username: str | None = Query(None, max_length=100),
    endpoint: str | None = Query(None, max_length=300, description="Endpoint path prefix, e.g. /api/v1/persons"),
    since: datetime | None = Query(None, alias="from"),
    until: datetime | None = Query(None, alias="to"),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(100, ge=1, le=1000),
    principal: Principal = Depends(require("dpo")),
    be: Backend = Depends(backend),
) -> dict:
    bounds = []
    for value in (since, until):
        if value is not None and value.tzinfo is None:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="give times with a timezone, e.g. ...Z")
        try:
            # Neo4j accepts offsets up to +/-18:00 only; compare in UTC.
            bounds.append(value.astimezone(UTC) if value is not None else None)
        except (OverflowError, ValueError) as exc:
            raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="time out of range") from exc
    since, until = bounds
    return people_service.audit_log(be, audit_context(request, principal), subject_id=subject_id,
                                    username=username, endpoint=endpoint, since=since, until=until,
                                    page=page, page_size=page_size)


@router.get("/subjects/{subject_id}/export", summary="Subject access export: one person's data and who accessed it")
def subject_access_export(request: Request,
                          subject_id: str = Path(..., min_length=1, max_length=300),
                          purpose: str = Depends(stated_purpose),
                          principal: Principal = Depends(require("dpo")), be: Backend = Depends(backend)) -> dict:
    return people_service.subject_access_export(be, audit_context(request, principal, purpose), subject_id)


@router.post("/retention", summary="Preview (dry run) or apply the retention policy")
def retention(body: RetentionRequest, request: Request, principal: Principal = Depends(require("dpo")),
              be: Backend = Depends(backend)) -> dict:
    days = body.days or be.settings.retention_event_days
    if body.dry_run:
        return retention_service.preview(be.driver, be.database, days)
    return retention_service.apply(be.driver, be.database, be.settings.home, days, audit_context(request, principal))
