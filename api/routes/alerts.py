"""Alerts for the MASH: list, one alert with its evidence and history, lifecycle actions."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query

from aim.api.deps import Backend, Caller, acting, request_backend
from aim.api.schemas import AlertAction, AlertChange, AlertDetail, Alerts
from aim.api.services import alerts as service
from aim.graph.alerts.rules import STATUSES

router = APIRouter(prefix="/alerts", tags=["alerts"])
AlertId = Annotated[str, Path(min_length=1, max_length=300)]
MASH = acting("mash")
READER = acting("mash", purpose=True)


@router.get("", response_model=Alerts, summary="Alerts, filtered by RAG, status, rule and date")
def list_alerts(
    rag: Literal["red", "amber", "green"] | None = None,
    status: Literal[STATUSES] | None = None,
    rule: str | None = Query(None, max_length=100),
    subject_id: str | None = Query(None, max_length=300),
    since: date | None = Query(None, alias="from"),
    until: date | None = Query(None, alias="to"),
    limit: int = Query(100, ge=1, le=1000),
    caller: Caller = Depends(READER),
    be: Backend = Depends(request_backend),
) -> dict:
    return {"alerts": service.list_alerts(be, caller, rag=rag, status=status, rule=rule, subject_id=subject_id,
                                          since=since, until=until, limit=limit)}


@router.get("/{alert_id}", response_model=AlertDetail, summary="One alert with its evidence and history")
def get_alert(alert_id: AlertId, caller: Caller = Depends(READER), be: Backend = Depends(request_backend)) -> dict:
    return service.get_alert(be, caller, alert_id)


@router.post("/{alert_id}/actions", response_model=AlertChange,
             summary="Acknowledge, refer to MASH, dismiss or watch an alert")
def act_on_alert(body: AlertAction, alert_id: AlertId, caller: Caller = Depends(MASH),
                 be: Backend = Depends(request_backend)) -> dict:
    return service.act(be, caller, alert_id, **body.model_dump())
