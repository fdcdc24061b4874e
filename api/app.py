"""The AIM HTTP API: ``create_app(settings)`` builds the FastAPI application.

One thin router per resource (``api/routes``) over services (``api/services``) over the
graph (``aim.graph``). A route's ``Caller`` dependency (``deps.acting``) authenticates,
checks the role and carries the audit context, so that no route can forget them; services
audit every read of personal data (``services.auditing``) and raise domain errors
(``api/errors.py``) that one handler answers. Everything is versioned under ``/api/v1``.
"""

from __future__ import annotations

import gc
import logging
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

from aim.api.deps import Backend, route_of
from aim.api.errors import DomainError, http_headers
from aim.api.middleware import BodyLimitMiddleware, SecurityHeadersMiddleware
from aim.api.routes import (alerts, analyst, approvals, audit, auth, cases, health, households, jobs, network,
                            persons, records, review, subjects, usage, users, watchlist)
from aim.api.security import TokenBucket
from aim.api.services import records as records_service
from aim.api.services.jobs import Jobs
from aim.api.services.notifications import Notifier
from aim.api.settings import ApiSettings, get_api_settings

API_PREFIX = "/api/v1"
ROUTERS = (health, auth, records, persons, network, households, alerts, cases, watchlist, review, jobs, audit,
           usage, subjects, users, approvals, analyst)
log = logging.getLogger("aim.api")


def serving_app() -> FastAPI:
    """The app as ``aim serve`` runs it (each worker): :func:`create_app`, warmed at start."""
    return create_app(warm_start=True)


def create_app(settings: ApiSettings | None = None, driver=None, *, warm_start: bool = False) -> FastAPI:
    """``warm_start``: before serving, ready the real-time path (``realtime.warm``) and freeze
    what start-up made for the garbage collector (below)."""
    settings = settings or get_api_settings()
    settings.signing_secret()  # fail at start, not on the first request, if it cannot be had

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        own = app.state.driver is None
        if own:
            from aim.graph.store import connect

            app.state.driver = connect(settings)
        notifier = Notifier(Backend(app.state.driver, settings.neo4j_database, settings)).start() \
            if settings.smtp_host else None
        if warm_start:
            _warm(app.state.driver, settings)
        try:
            yield
        finally:
            if notifier:
                notifier.stop()
            if own:
                app.state.driver.close()
                app.state.driver = None

    app = FastAPI(
        title="AIM API",
        version="1.0.0",
        description="Active Intervention Management: multi-agency safeguarding data, need-to-know access, "
                    "every access audited.",
        openapi_url=f"{API_PREFIX}/openapi.json" if settings.api_docs else None,
        docs_url=None,  # api/docs.py: Swagger UI from this app's own static files
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.driver = driver
    app.state.rate_limiter = TokenBucket(settings.rate_limit_per_minute, settings.rate_limit_burst)
    app.state.login_limiter = TokenBucket(settings.login_attempts_per_minute, settings.login_attempts_per_minute)
    app.state.jobs = Jobs()
    app.state.submissions = records_service.grouping(settings)
    for module in ROUTERS:
        app.include_router(module.router, prefix=API_PREFIX)

    app.add_middleware(
        CORSMiddleware, allow_origins=settings.cors_origins, allow_credentials=False,
        allow_methods=["GET", "POST", "DELETE"], allow_headers=["Authorization", "Content-Type", "X-AIM-Purpose"],
    )
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    from aim.api.dashboard import install as install_dashboard

    install_dashboard(app)  # HTML pages under /dashboard, assets under /static (docs/dashboard.md)
    if settings.api_docs:
        from aim.api.docs import install as install_docs

        install_docs(app, f"{API_PREFIX}/docs")

    _answer_errors(app)
    return app


def _warm(driver, settings: ApiSettings) -> None:
    """Ready the real-time path, then freeze the objects start-up made (modules, the model,
    name tables): the collector's full passes skip frozen objects; each walked them all before,
    holding every request for up to 300 ms every few seconds at 60-100 submissions a second
    (docs/benchmarks.md, session 16). Only long-lived objects exist at this point, so nothing
    collectable is kept."""
    from aim.graph.identity.realtime import warm

    try:
        warm(driver, settings)
        records_service.warm_plans(Backend(driver, settings.neo4j_database, settings))
    except Exception as exc:  # noqa: BLE001 - the first submissions will read the model and be planned instead
        log.warning("could not ready real-time resolution at start (%s)", type(exc).__name__)
    gc.collect()
    gc.freeze()


def _answer_errors(app: FastAPI) -> None:
    """How errors reach an API client: domain errors with their status (one handler for
    all of them), bad input as a bounded 422, an unreachable database as 503, anything
    else as a bare 500 (details only in the log)."""

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError):
        found = exc.errors()
        # At most 50: a body with 100,000 unknown keys must not produce a 10 MB answer.
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")} for e in found[:50]]
        if len(found) > 50:
            errors.append({"loc": [], "msg": f"and {len(found) - 50} more errors", "type": "too_many_errors"})
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError):
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=http_headers(exc))

    @app.exception_handler(ServiceUnavailable)
    @app.exception_handler(SessionExpired)
    @app.exception_handler(TransientError)
    async def unavailable(request: Request, exc: Exception):
        log.warning("database unavailable: %s", exc)
        return JSONResponse({"detail": "the database is unavailable; try again shortly"}, status_code=503,
                            headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        # The route's template, not the path: paths carry subject ids (nothing personal in logs).
        log.exception("unhandled error on %s %s", request.method, route_of(request))
        return JSONResponse({"detail": "internal error"}, status_code=500)
