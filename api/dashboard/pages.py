"""What every dashboard screen shares: the templates, ``render``, the route class that turns
errors into error pages, and small form helpers. Screens call the API's services (the same
need-to-know shaping, validation and audit trail as the JSON API), never its routes."""

from __future__ import annotations

import logging
import time
from datetime import date
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError
from pydantic import ValidationError

from aim.api.deps import route_of
from aim.api.errors import DomainError

from . import explained, present
from .session import PREFIX, PageError, PromptFirst, Session, SignInRequired

log = logging.getLogger("aim.api.dashboard")
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))
templates.env.filters.update(day=present.day, when=present.when, label=present.label, rag=present.rag,
                             rag_tag=present.rag_tag, name_of=present.name_of, likelihood=explained.likelihood)
templates.env.globals.update(PREFIX=PREFIX, STATUS_NAMES=present.STATUS_NAMES, STATUS_TAG=present.STATUS_TAG,
                             GENDERS=present.GENDERS)
NOTICES = {
    "watched": "Added to the watch list.",
    "watch-updated": "The watch-list entry is updated.",
    "acknowledge": "Alert acknowledged.",
    "refer": "Alert referred to the MASH.",
    "dismiss": "Alert dismissed.",
    "watch": "Alert moved to the watch list; its subject is on the watch list.",
    "decided": "Decision recorded. The records have been re-resolved.",
    "ended": "Watch-list entry ended.",
    "signed-out": "You have signed out.",
    "password-changed": "Your password has changed and your sessions have ended. Sign in with the new password.",
    "requested": "Requested: it takes effect when another administrator (or, for retention, another DPO) "
                 "approves it.",
    "approved": "Approved: it has taken effect.",
    "rejected": "Rejected: it will not take effect.",
    "role-changed": "Role changed; the user's sessions have ended.",
}
TITLES = {400: "Check what you entered", 403: "You cannot see this page", 404: "Page not found",
          405: "This page cannot be opened that way", 429: "Too many requests"}
# What an HTTP error (an unknown dashboard address, a form's address opened as a page) says.
HTTP_MESSAGES = {
    404: "There is no page at this address. Check it, or start again from the AIM home page.",
    405: "This address answers a form. Go back to the page with the form and use its button.",
}


class PageRoute(APIRoute):
    """A dashboard route: a service's domain error becomes an error page with its status,
    an unreachable database a 503 page, anything unexpected a 500 page (logged, details
    never shown) rather than the API's JSON."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def page(request: Request) -> Response:
            try:
                return await handler(request)
            except (PageError, HTTPException):
                raise
            except PromptFirst as exc:
                return exc.response
            except SignInRequired as exc:
                if request.method == "POST":  # kept, so that signing in again can return to it
                    exc.pending_form = await request.form()
                raise
            except RequestValidationError as exc:
                raise PageError(400, TITLES[400], "The address or the form has a value AIM cannot read. Go back "
                                                  "and try again.") from exc
            except DomainError as exc:
                raise PageError(exc.status_code, TITLES.get(exc.status_code, "Something went wrong"),
                                exc.detail) from exc
            except (ServiceUnavailable, SessionExpired, TransientError) as exc:
                log.warning("database unavailable: %s", exc)
                raise PageError(503, "AIM is busy",
                                "The database could not be reached. Try again in a few seconds.") from exc
            except Exception as exc:
                log.exception("dashboard: %s failed", route_of(request))
                raise PageError(500, "Something went wrong", "AIM could not complete this. Try again; if it keeps "
                                                             "happening, tell the AIM team.") from exc

        return page


def screen_router() -> APIRouter:
    return APIRouter(prefix=PREFIX, include_in_schema=False, route_class=PageRoute)


def render(request: Request, s: Session | None, template: str, status_code: int = 200, **context) -> HTMLResponse:
    context.update(request=request, s=s, notice=NOTICES.get(request.query_params.get("notice", "")))
    started = getattr(request.state, "dashboard_started", None)
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    if started is not None:
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
    return response


def error_page(request: Request, s: Session | None, status_code: int, message: str | None = None,
               title: str | None = None) -> HTMLResponse:
    """An error as a dashboard page, with a way back (never the API's JSON)."""
    return render(request, s, "dashboard/error.html", status_code=status_code,
                  title=title or TITLES.get(status_code, "Something went wrong"),
                  message=message or HTTP_MESSAGES.get(status_code, "AIM could not complete this. Try again."))


def errors_of(exc: ValidationError) -> list[dict]:
    out = []
    for e in exc.errors():
        field = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
        out.append({"field": field, "text": f"{present.label(field)}: {e.get('msg')}" if field else e.get("msg")})
    return out


def parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


async def form_data(request: Request):
    """The posted form, read before a (synchronous, thread-pooled) page function runs."""
    return await request.form()


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
