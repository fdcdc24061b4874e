"""Persons: search, the person view, the timeline, manual merge and split."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request

from aim.api.deps import Backend, Caller, acting, request_backend, with_purpose
from aim.api.schemas import (MergeIn, MergeResult, PersonView, SearchIn, SearchResult, SplitIn, SplitResult,
                             Timeline)
from aim.api.schemas_chronology import PersonChronology
from aim.api.services import chronology
from aim.api.services import persons as service

router = APIRouter(prefix="/persons", tags=["persons"])
SubjectId = Annotated[str, Path(min_length=1, max_length=300, description="A person id, or rec:<source>:<record id>")]
READER = acting("partner", "mash", purpose=True)
MASH = acting("mash")


@router.post("/search", response_model=SearchResult, summary="Fuzzy, ranked person search")
def search(body: SearchIn, request: Request, caller: Caller = Depends(acting("partner", "mash")),
           be: Backend = Depends(request_backend)) -> dict:
    caller = with_purpose(request, caller, body.purpose)
    return service.search(be, caller, first_name=body.first_name, last_name=body.last_name,
                          date_of_birth=body.date_of_birth, year_of_birth=body.year_of_birth, gender=body.gender,
                          limit=body.limit)


@router.get("/{subject_id}", response_model=PersonView,
            summary="Person view: every organisation's latest activity and lead contact")
def view(subject_id: SubjectId, caller: Caller = Depends(READER), be: Backend = Depends(request_backend)) -> dict:
    return service.view(be, caller, subject_id)


@router.get("/{subject_id}/timeline", response_model=Timeline, summary="Events across agencies, newest first")
def timeline(
    subject_id: SubjectId,
    since: date | None = Query(None, alias="from"),
    until: date | None = Query(None, alias="to"),
    organisation: str | None = Query(None, max_length=100),
    kind: str | None = Query(None, max_length=100),
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=500),
    caller: Caller = Depends(READER),
    be: Backend = Depends(request_backend),
) -> dict:
    return service.timeline(be, caller, subject_id, since=since, until=until, organisation=organisation, kind=kind,
                            page=page, page_size=page_size)


@router.post("/merge", response_model=MergeResult, summary="Merge two persons by hand")
def merge(body: MergeIn, caller: Caller = Depends(MASH), be: Backend = Depends(request_backend)) -> dict:
    return service.merge(be, caller, body.person_a, body.person_b, body.reason)


@router.post("/{subject_id}/split", response_model=SplitResult, summary="Split records out of a person into a new one")
def split(body: SplitIn, subject_id: SubjectId, caller: Caller = Depends(MASH),
          be: Backend = Depends(request_backend)) -> dict:
    keys = [(k.source, k.source_record_id) for k in body.records]
    return service.split(be, caller, subject_id, keys, body.reason)


@router.get("/{subject_id}/chronology", response_model=PersonChronology,
            summary="Multi-agency chronology, oldest first, for a strategy meeting (MASH)")
def person_chronology(subject_id: SubjectId, caller: Caller = Depends(acting("mash", purpose=True)),
                      be: Backend = Depends(request_backend)) -> dict:
    return chronology.person(be, caller, subject_id, form="json")
