"""Records: agencies submit the minimum data set; aggregates per organisation; retention."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Response

from aim.api.deps import Backend, Caller, acting, request_backend
from aim.api.schemas import RecordBatch, Retention, RetentionRequest, Stats, SubmitResult
from aim.api.schemas_access import Approval
from aim.api.services import records as service
from aim.api.services import approvals, retention

router = APIRouter(tags=["records"])


@router.post("/records", response_model=SubmitResult, summary="Submit one or many records (idempotent)",
             description="Rows are validated exactly as `aim ingest` validates a CSV; each row's outcome is "
                         "reported. The source is always the caller's organisation.")
def submit(batch: RecordBatch, caller: Caller = Depends(acting("partner", "mash")),
           be: Backend = Depends(request_backend)) -> dict:
    return service.submit(be, caller, [r.model_dump(exclude_none=True) for r in batch.records])


@router.get("/stats", response_model=Stats, summary="Records and events per organisation and event type")
def stats(since: date | None = Query(None, alias="from"), caller: Caller = Depends(acting("analyst", "mash", "dpo")),
          be: Backend = Depends(request_backend)) -> dict:
    return {"organisations": service.stats(be, caller, since)}


@router.post("/retention", response_model=Retention | Approval,
             summary="Preview (dry run) or ask to apply the retention policy (another DPO approves the run)",
             responses={202: {"model": Approval, "description": "a run: waiting for another DPO's approval"}})
def apply_retention(body: RetentionRequest, response: Response, caller: Caller = Depends(acting("dpo")),
                    be: Backend = Depends(request_backend)) -> dict:
    if body.dry_run:
        return retention.run(be, caller, body.days, dry_run=True)
    response.status_code = 202
    return approvals.request_retention(be, caller, body.days)
