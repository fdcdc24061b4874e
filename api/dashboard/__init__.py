"""The AIM dashboard: server-rendered GOV.UK Frontend pages for MASH officers, partners,
the DPO, analysts and administrators, under ``/dashboard`` (see docs/dashboard.md).

``install(app)`` adds the pages, the static files (``/static``, vendored GOV.UK Frontend and
Cytoscape.js: no CDN), the dashboard's error pages and its Content-Security-Policy.
"""

from __future__ import annotations

import time
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent.parent / "static"
# Cytoscape.js sets style attributes on the elements it creates: style-src-attr allows those
# (attributes only; <style> elements and inline scripts stay blocked).
DASHBOARD_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
                 "img-src 'self' data:; "
                 "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                 "base-uri 'none'; object-src 'none'")


class DashboardHeaders:
    """The API answers with ``default-src 'none'``; the dashboard's pages and static files
    need their own stylesheets, scripts and same-origin fetches (still no inline code and
    no third-party origin). Outermost, so it sees the headers the API's middleware set."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if not (path == "/dashboard" or path.startswith("/dashboard/") or path.startswith("/static/")):
            return await self.app(scope, receive, send)
        scope.setdefault("state", {})["dashboard_started"] = time.perf_counter()

        async def with_csp(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"content-security-policy"]
                headers.append((b"content-security-policy", DASHBOARD_CSP.encode()))
                if path.startswith("/static/"):
                    headers.append((b"cache-control", b"public, max-age=3600"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_csp)


def install(app: FastAPI) -> None:
    """Mount the dashboard on the API app (call after the API's own middleware is added)."""
    from fastapi.exception_handlers import http_exception_handler
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from . import (accesses, alerts, analyst, approvals, cases, chronology, network, oversight, pending, person,
                   review, search, sign_in, subject_access)
    from .pages import error_page, render
    from .session import PREFIX, PageError, SignInRequired, sign_in_url

    app.state.pending_forms = pending.PendingForms()
    for screen in (sign_in, search, person, network, chronology, alerts, cases, review, accesses, oversight,
                   subject_access, approvals, analyst, pending):
        app.include_router(screen.router)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(f"{PREFIX}/", status_code=307)

    @app.exception_handler(SignInRequired)
    async def sign_in_required(request: Request, exc: SignInRequired):
        if exc.pending_form is not None:
            return pending.keep_and_sign_in(request, exc.pending_form)
        return RedirectResponse(sign_in_url(exc.next_url), status_code=303)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        """Under /dashboard an HTML page with a way back (an unknown address, a form's address
        opened as a page); the API keeps its JSON."""
        if request.url.path != PREFIX and not request.url.path.startswith(PREFIX + "/"):
            return await http_exception_handler(request, exc)
        response = error_page(request, None, exc.status_code)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    @app.exception_handler(PageError)
    async def page_error(request: Request, exc: PageError):
        return render(request, None, "dashboard/error.html", status_code=exc.status_code, title=exc.title,
                      message=exc.message)

    app.add_middleware(DashboardHeaders)
