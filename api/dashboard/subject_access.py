"""Subject access (DPO): a form (subject id and purpose, POSTed so neither goes into a URL)
and the answer as a readable page to print or save as PDF: the same export, redaction and
audit entry as ``GET /api/v1/subjects/{id}/export``."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from aim.api.deps import backend, caller_of
from aim.api.errors import NotFound
from aim.api.services import subjects

from .pages import form_data, render, screen_router
from .session import Session, form_session, session

router = screen_router()
TEMPLATE = "dashboard/subject_access.html"


@router.get("/subject-access", response_class=HTMLResponse)
def subject_access_form(request: Request) -> Response:
    s = session(request, "dpo")
    return _form(request, s, {"subject_id": "", "purpose": ""}, [])


@router.post("/subject-access", response_class=HTMLResponse)
def subject_access(request: Request, form=Depends(form_data)) -> Response:
    s = form_session(request, form, "dpo")
    given = {k: str(form.get(k) or "").strip() for k in ("subject_id", "purpose")}
    errors = []
    if not 1 <= len(given["subject_id"]) <= 300:
        errors.append({"field": "subject_id", "text": "Enter the id of the person or agency record"})
    if not 3 <= len(given["purpose"]) <= 300:
        errors.append({"field": "purpose", "text": "Say why (for example, the request's reference); it is recorded"})
    if errors:
        return _form(request, s, given, errors)
    try:
        found = subjects.export(backend(request), caller_of(request, s.principal, given["purpose"]),
                                given["subject_id"])
    except NotFound:
        return _form(request, s, given, [{"field": "subject_id", "text": "No person or agency record has this id"}],
                     status_code=404)
    return render(request, s, TEMPLATE, given=given, found=found, errors=[])


def _form(request: Request, s: Session, given: dict, errors: list[dict], status_code: int | None = None) -> Response:
    return render(request, s, TEMPLATE, status_code=status_code or (400 if errors else 200), given=given,
                  found=None, errors=errors)
