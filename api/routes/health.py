"""Liveness and readiness (readiness is 503 while Neo4j cannot be reached)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(prefix="/health", tags=["health"])


@router.get("/live", summary="The process is up")
def live() -> dict:
    return {"status": "live"}


@router.get("/ready", summary="Neo4j answers: ready to serve", responses={503: {"description": "not ready"}})
def ready(request: Request):
    state = request.app.state
    try:
        # An auto-commit query is not retried, so an unreachable server fails fast.
        with state.driver.session(database=state.settings.neo4j_database) as session:
            session.run("RETURN 1 AS ok").consume()
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return JSONResponse({"status": "not ready", "reason": type(exc).__name__}, status_code=503)
    return {"status": "ready"}
