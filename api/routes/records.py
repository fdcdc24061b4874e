"""Agencies submit records of the minimum data set."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request, status

from aim.api.deps import Backend, audit_context, backend
from aim.api.schemas import RecordBatch, SubmitResult
from aim.api.security import Principal, require
from aim.api.services import records as service

router = APIRouter(tags=["records"])


@router.post("/records", response_model=SubmitResult, summary="Submit one or many records (idempotent)",
             description="Rows are validated exactly as `aim ingest` validates a CSV; each row's outcome is "
                         "reported. The source is always the caller's organisation.")
def submit(batch: RecordBatch, request: Request, principal: Principal = Depends(require("partner", "mash")),
           be: Backend = Depends(backend)) -> dict:
    if not principal.organisation:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this account has no organisation to submit as")
    if len(batch.records) > be.settings.max_records_per_request:
        raise HTTPException(status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                            detail=f"at most {be.settings.max_records_per_request} records per request")
    rows = [r.model_dump(exclude_none=True) for r in batch.records]
    return service.submit(be, audit_context(request, principal), principal.organisation, rows)
