"""Cases (one per subject, gathering its alerts): the MASH's list, one case, its actions;
partners ask the MASH to review a person and see when it was reviewed."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from aim.api.deps import Backend, Caller, acting, request_backend
from aim.api.schemas_cases import CaseAction, CaseChange, CaseDetail, Cases, ReviewRequestIn, ReviewRequests
from aim.api.services import cases as service

router = APIRouter(prefix="/cases", tags=["cases"])
CaseId = Annotated[str, Path(min_length=1, max_length=100)]
MASH = acting("mash")
READER = acting("mash", purpose=True)
PARTNER = acting("partner")
PARTNER_READER = acting("partner", purpose=True)


@router.get("", response_model=Cases, summary="Cases, worst RAG first, filtered by status, RAG, rule and owner")
def list_cases(
    status: Literal["open", "closed", "all", "new", "acknowledged", "watch_list", "referred", "dismissed",
                    "stale"] = "open",
    rag: Literal["red", "amber", "green"] | None = None,
    rule: str | None = Query(None, max_length=100),
    owner: str | None = Query(None, max_length=200),
    subject_id: str | None = Query(None, max_length=300),
    limit: int = Query(100, ge=1, le=1000),
    caller: Caller = Depends(READER),
    be: Backend = Depends(request_backend),
) -> dict:
    return {"cases": service.list_cases(be, caller, status=status, rag=rag, rule=rule, owner=owner,
                                        subject_id=subject_id, limit=limit)}


@router.post("/review-requests", response_model=ReviewRequests,
             summary="A partner asks the MASH to review a person it may open (reason required)")
def request_review(body: ReviewRequestIn, caller: Caller = Depends(PARTNER),
                   be: Backend = Depends(request_backend)) -> dict:
    return {"requests": service.request_review(be, caller, body.subject_id, body.reason)}


@router.get("/review-requests/{subject_id}", response_model=ReviewRequests,
            summary="The partner's own requests about a person: when asked, when reviewed")
def review_requests(subject_id: Annotated[str, Path(min_length=1, max_length=300)],
                    caller: Caller = Depends(PARTNER_READER), be: Backend = Depends(request_backend)) -> dict:
    return {"requests": service.requests_of(be, caller, subject_id)}


@router.get("/{case_id}", response_model=CaseDetail, summary="One case: its alerts, evidence, history and notes")
def get_case(case_id: CaseId, caller: Caller = Depends(READER), be: Backend = Depends(request_backend)) -> dict:
    return service.get_case(be, caller, case_id)


@router.post("/{case_id}/actions", response_model=CaseChange,
             summary="Acknowledge, assign, set a due date, add a note, watch, refer, record the outcome or dismiss")
def act_on_case(body: CaseAction, case_id: CaseId, caller: Caller = Depends(MASH),
                be: Backend = Depends(request_backend)) -> dict:
    return service.act(be, caller, case_id, **body.model_dump())
