"""The stated purpose on the dashboard: never in a URL (URLs reach browser history, proxies
and logs). Opening a person, their network or a household asks why, in a POST form; the
answer is kept for that subject only, for this user, in an HttpOnly, SameSite=Strict cookie,
so that the page's own links (timeline pages, the network and back) need not ask again. The
queue screens (alerts, watch list, match review) state their own purpose."""

from __future__ import annotations

from urllib.parse import quote, unquote

from fastapi import Request
from fastapi.responses import Response

from . import present
from .pages import redirect, render
from .session import COOKIE_PATH, PageError, PromptFirst, Session, check_form, secure_cookies

COOKIE = "aim_purpose"
SCREENS = {
    "alerts": "Triage of multi-agency alerts (alerts screen)",
    "watch": "Review of the watch list (watch-list screen)",
    "review": "Match review of uncertain records (review screen)",
}


def refuse_in_url(request: Request) -> None:
    if "purpose" in request.query_params:
        raise PageError(400, "The purpose cannot go in a web address",
                        "Web addresses are kept in browser history and logs, so AIM never takes the purpose from "
                        "one. Open the page again and give the purpose in the form.")


def _stated(request: Request) -> tuple[str, str, str] | None:
    """(username, subject, purpose) from the cookie."""
    parts = (request.cookies.get(COOKIE) or "").split("|")
    return tuple(unquote(p) for p in parts) if len(parts) == 3 else None


def purpose_of(request: Request, s: Session, subject_id: str) -> str | None:
    """The purpose this user stated for this subject, if any."""
    refuse_in_url(request)
    stated = _stated(request)
    if stated and stated[0] == s.principal.username and stated[1] == subject_id:
        return stated[2]
    return None


def required_purpose(request: Request, s: Session, subject_id: str, what: str) -> str:
    """The purpose this user stated for this subject; without one, the page asks for it first."""
    purpose = purpose_of(request, s, subject_id)
    if purpose is None:
        raise PromptFirst(purpose_prompt(request, s, subject_id, what))
    return purpose


def remember(response: Response, request: Request, s: Session, subject_id: str, purpose: str) -> Response:
    value = "|".join(quote(x, safe="") for x in (s.principal.username, subject_id, purpose))
    response.set_cookie(COOKIE, value, httponly=True, samesite="strict", path=COOKIE_PATH,
                        secure=secure_cookies(request))
    return response


def purpose_prompt(request: Request, s: Session, subject_id: str, what: str, error: str | None = None,
                   typed: str | None = None) -> Response:
    """Why are you opening this? A POST form to the page itself; the last purpose this user
    stated is suggested, or, after an error, what was typed (with *Another reason* chosen)."""
    stated = _stated(request)
    suggested = stated[2] if stated and stated[0] == s.principal.username else ""
    return render(request, s, "dashboard/purpose.html", status_code=400 if error else 200, subject_id=subject_id,
                  what=what, purposes=present.PURPOSES, error=error, suggested=suggested if typed is None else typed,
                  other=typed is not None, action=request.url.path)


def state_purpose(request: Request, s: Session, form, subject_id: str, what: str) -> Response:
    """The prompt's answer: kept for the subject, then the page itself (GET)."""
    check_form(request, s, form)
    given = str(form.get("purpose") or "").strip()
    if given == "other":
        given = str(form.get("purpose_other") or "").strip()
    if not 3 <= len(given) <= 300:
        return purpose_prompt(request, s, subject_id, what,
                              error="Say why you are opening this record (3 to 300 characters)", typed=given)
    return remember(redirect(request.url.path), request, s, subject_id, given)
