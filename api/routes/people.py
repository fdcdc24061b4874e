"""Person search, person view, timeline and network."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, status

from aim.api.deps import Backend, audit_context, backend, stated_purpose
from aim.api.schemas import SearchResult
from aim.api.security import Principal, require
from aim.api.services import people as service

router = APIRouter(prefix="/persons", tags=["persons"])
SubjectId = Annotated[str, Path(min_length=1, max_length=300, description="A person id, or rec:<source>:<record id>")]


@router.get("/search", response_model=SearchResult, summary="Fuzzy, ranked person search")
def search(
    request: Request,
    first_name: str | None = Query(None, max_length=100),
    last_name: str | None = Query(None, max_length=100),
    date_of_birth: date | None = Query(None, description="YYYY-MM-DD"),
    gender: Literal["M", "F", "X", "U"] | None = None,
    limit: int = Query(20, ge=1, le=100),
    purpose: str = Depends(stated_purpose),
    principal: Principal = Depends(require("partner", "mash")),
    be: Backend = Depends(backend),
) -> dict:
    if not (first_name or "").strip() and not (last_name or "").strip() and date_of_birth is None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="give a name or a date of birth to search by")
    results = service.search(be, audit_context(request, principal, purpose), principal,
                             first_name=first_name, last_name=last_name, date_of_birth=date_of_birth,
                             gender=gender, limit=limit)
    return {"results": results}


@router.get("/{subject_id}", summary="Person view: every organisation's latest activity and lead contact")
def view(request: Request, subject_id: SubjectId, purpose: str = Depends(stated_purpose),
         principal: Principal = Depends(require("partner", "mash")), be: Backend = Depends(backend)) -> dict:
    return service.view(be, audit_context(request, principal, purpose), principal, subject_id)


@router.get("/{subject_id}/timeline", summary="Events across agencies, newest first")
def timeline(
    request: Request,
    subject_id: SubjectId,
    since: date | None = Query(None, alias="from"),
    until: date | None = Query(None, alias="to"),
    organisation: str | None = Query(None, max_length=100),
    kind: str | None = Query(None, max_length=100),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=500),
    purpose: str = Depends(stated_purpose),
    principal: Principal = Depends(require("partner", "mash")),
    be: Backend = Depends(backend),
) -> dict:
    if since and until and since > until:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail="'from' is after 'to'")
    return service.timeline(be, audit_context(request, principal, purpose), principal, subject_id,
                            since=since, until=until, organisation=organisation, kind=kind, page=page,
                            page_size=page_size)
