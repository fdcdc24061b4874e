"""Four eyes: requests that wait for a second administrator (grants of mash, dpo, admin) or a
second DPO (retention runs), and their approval or rejection by someone other than the
requester."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from aim.api.deps import Backend, Caller, acting, request_backend
from aim.api.schemas_access import Approval, Decision
from aim.api.services import approvals as service

router = APIRouter(prefix="/approvals", tags=["approvals"])
DECIDERS = acting("admin", "dpo")
RequestId = Annotated[str, Path(min_length=1, max_length=100)]


@router.get("", response_model=list[Approval], summary="Requests the caller's role decides (pending by default)")
def list_requests(status: Literal["pending", "approved", "rejected", "all"] = Query("pending"),
                  caller: Caller = Depends(DECIDERS), be: Backend = Depends(request_backend)) -> list[dict]:
    return service.listed(be, caller, None if status == "all" else status)


@router.post("/{request_id}/approve", response_model=Approval,
             summary="Approve another person's request; it takes effect now",
             responses={403: {"description": "your own request"}, 409: {"description": "decided already"}})
def approve(request_id: RequestId, caller: Caller = Depends(DECIDERS), be: Backend = Depends(request_backend)) -> dict:
    return service.approve(be, caller, request_id)


@router.post("/{request_id}/reject", response_model=Approval, summary="Reject another person's request",
             responses={403: {"description": "your own request"}, 409: {"description": "decided already"}})
def reject(request_id: RequestId, body: Decision | None = None, caller: Caller = Depends(DECIDERS),
           be: Backend = Depends(request_backend)) -> dict:
    return service.reject(be, caller, request_id, body.reason if body else None)
