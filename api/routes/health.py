"""Liveness and readiness (readiness is 503 while Neo4j cannot be reached)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from aim.api.deps import Backend, request_backend
from aim.api.schemas import Status

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live", response_model=Status, response_model_exclude_none=True, summary="The process is up")
def live() -> dict:
    return {"status": "live"}


@router.get("/ready", response_model=Status, response_model_exclude_none=True,
            summary="Neo4j answers: ready to serve", responses={503: {"description": "not ready", "model": Status}})
def ready(be: Backend = Depends(request_backend)):
    try:
        # An auto-commit query is not retried, so an unreachable server fails fast. It runs in
        # the session's default write mode on purpose: on a cluster that asks the leader, which
        # every read needs too (its audit entry is written there).
        with be.driver.session(database=be.database) as session:
            session.run("RETURN 1 AS ok").consume()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return JSONResponse({"status": "not ready", "reason": type(exc).__name__}, status_code=503)
    return {"status": "ready"}
