"""The audit log (DPO): who accessed what, when and why."""

from __future__ import annotations

from datetime import datetime

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from aim.api.deps import Backend, Caller, acting, request_backend, with_purpose
from aim.api.schemas import AuditLog
from aim.api.schemas_chronology import SubjectAccesses, SubjectLookup, SubjectLookupIn
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
    be: Backend = Depends(request_backend),
) -> dict:
    return service.log(be, caller, subject_id=subject_id, username=username, endpoint=endpoint, since=since,
                       until=until, page=page, page_size=page_size)


@router.post("/audit/subjects/search", response_model=SubjectLookup,
             summary="Who accessed a person, step 1: find them by name (and date of birth)")
def find_subjects(body: SubjectLookupIn, request: Request, caller: Caller = Depends(acting("dpo")),
                  be: Backend = Depends(request_backend)) -> dict:
    caller = with_purpose(request, caller, body.purpose)
    return {"subjects": service.find_subjects(be, caller, first_name=body.first_name, last_name=body.last_name,
                                              date_of_birth=body.date_of_birth)}


@router.get("/audit/subjects/{subject_id}/accesses", response_model=SubjectAccesses,
            summary="Who accessed a person, step 2: every access to them, their records and households")
def subject_accesses(subject_id: Annotated[str, Path(min_length=1, max_length=300)],
                     caller: Caller = Depends(acting("dpo", purpose=True)),
                     be: Backend = Depends(request_backend)) -> dict:
    return service.accesses_of(be, caller, subject_id)
