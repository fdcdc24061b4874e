"""Subject access (DPO): one person's data and who accessed it."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Path

from aim.api.deps import Backend, Caller, acting, request_backend
from aim.api.schemas import SubjectExport
from aim.api.services import subjects as service

router = APIRouter(prefix="/subjects", tags=["subjects"])


@router.get("/{subject_id}/export", response_model=SubjectExport,
            summary="Subject access export: one person's data and who accessed it")
def subject_access_export(subject_id: str = Path(..., min_length=1, max_length=300),
                          caller: Caller = Depends(acting("dpo", purpose=True)),
                          be: Backend = Depends(request_backend)) -> dict:
    return service.export(be, caller, subject_id)
