"""Aggregate queries for analysts (no names)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Query, Request

from aim.api.deps import Backend, audit_context, backend
from aim.api.security import Principal, require
from aim.api.services import people as service

router = APIRouter(tags=["analyst"])


@router.get("/stats", summary="Records and events per organisation and event type")
def stats(request: Request, since: date | None = Query(None, alias="from"),
          principal: Principal = Depends(require("analyst", "mash", "dpo")), be: Backend = Depends(backend)) -> dict:
    return service.stats(be, audit_context(request, principal), since)
