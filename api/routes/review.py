"""Match review (MASH): the queue of uncertain pairs and decisions on them."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query

from aim.api.deps import Backend, Caller, acting, request_backend
from aim.api.schemas import DecisionResult, ReviewDecision, ReviewQueue
from aim.api.services import review as service

router = APIRouter(prefix="/review", tags=["review"])
MASH = acting("mash")


@router.get("", response_model=ReviewQueue, summary="The match review queue: undecided pairs, most probable first")
def review_queue(limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
                 caller: Caller = Depends(acting("mash", purpose=True)),
                 be: Backend = Depends(request_backend)) -> dict:
    return {"pairs": service.queue(be, caller, limit=limit, offset=offset)}


@router.post("/decisions", response_model=DecisionResult, summary="Decide whether two records are the same person")
def decide(body: ReviewDecision, caller: Caller = Depends(MASH), be: Backend = Depends(request_backend)) -> dict:
    return service.decide(be, caller, (body.a.source, body.a.source_record_id),
                          (body.b.source, body.b.source_record_id), body.decision, body.reason)
