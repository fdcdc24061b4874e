"""Unusual reading volumes (DPO)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query

from aim.api.deps import Backend, Caller, acting, request_backend
from aim.api.schemas import UsageAnomalies
from aim.api.services import usage as service

router = APIRouter(tags=["audit"])


@router.get("/audit/anomalies", response_model=UsageAnomalies,
            summary="Users whose reading volume is unusual against their own history and their role's")
def anomalies(day: date | None = Query(None, description="YYYY-MM-DD (UTC); today by default"),
              caller: Caller = Depends(acting("dpo")), be: Backend = Depends(request_backend)) -> dict:
    return service.anomalies(be, caller, day)
