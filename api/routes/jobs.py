"""Resolution jobs (MASH): start a batch resolution run in the background, see its status."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request

from aim.api.deps import Backend, Caller, acting, request_backend
from aim.api.schemas import Job, ResolutionJobIn
from aim.api.services import jobs as service

router = APIRouter(prefix="/resolution/jobs", tags=["jobs"])
MASH = acting("mash")


@router.post("", response_model=Job, status_code=202, summary="Start a resolution run in the background")
def start_job(body: ResolutionJobIn, request: Request, caller: Caller = Depends(MASH),
              be: Backend = Depends(request_backend)) -> dict:
    return service.start(be, caller, request.app.state.jobs, body.train)


@router.get("/{job_id}", response_model=Job, summary="A resolution run's status and report")
def job_status(request: Request, job_id: Annotated[str, Path(min_length=1, max_length=300)],
               caller: Caller = Depends(MASH)) -> dict:
    return request.app.state.jobs.get(job_id)
