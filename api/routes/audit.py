"""The audit log (DPO): who accessed what, when and why."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Query

from aim.api.deps import Backend, Caller, acting, backend
from aim.api.schemas import AuditLog
from aim.api.services import audit as service

router = APIRouter(tags=["audit"])


@router.get("/audit", response_model=AuditLog, summary="Who accessed what, when and why (filterable)")
def audit_log(
    subject_id: str | None = Query(None, max_length=300, description="A person or record subject id"),
    username: str | None = Query(None, max_length=100),
    endpoint: str | None = Query(None, max_length=300, description="Endpoint path prefix, e.g. /api/v1/persons"),
    since: datetime | None = Query(None, alias="from"),
    until: datetime | None = Query(None, alias="to"),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(100, ge=1, le=1000),
    caller: Caller = Depends(acting("dpo")),
    be: Backend = Depends(backend),
) -> dict:
    return service.log(be, caller, subject_id=subject_id, username=username, endpoint=endpoint, since=since,
                       until=until, page=page, page_size=page_size)
