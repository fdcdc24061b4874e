"""Match review: one undecided pair at a time, field by field, and the reviewer's decision."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from aim.api.deps import backend, caller_of
from aim.api.errors import Invalid
from aim.api.schemas import RecordKey, ReviewDecision
from aim.api.services import review as service

from .explained import explained
from .pages import errors_of, form_data, redirect, render, screen_router
from .purpose import SCREENS
from .session import PREFIX, Session, form_session, session

router = screen_router()


@router.get("/review", response_class=HTMLResponse)
def review(request: Request, offset: int = 0) -> Response:
    return _review_page(request, session(request, "mash"), offset, [])


def _review_page(request: Request, s: Session, offset: int, errors: list[dict]) -> Response:
    offset = max(0, min(offset, 1_000_000))
    pairs = service.queue(backend(request), caller_of(request, s.principal, SCREENS["review"]), limit=20,
                          offset=offset)
    pair = pairs[0] if pairs else None
    return render(request, s, "dashboard/review.html", status_code=400 if errors else 200, pair=pair,
                  table=_table(pair) if pair else None, offset=offset, waiting=len(pairs), errors=errors)


def _table(pair: dict) -> dict:
    return explained(pair.get("explanation"), pair.get("record_a") or {}, pair.get("record_b") or {},
                     pair["match_weight"], pair["probability"]) | {
        "a_name": " ".join(pair["record_key_a"]), "b_name": " ".join(pair["record_key_b"])}


@router.post("/review/decide", response_class=HTMLResponse)
def decide(request: Request, form=Depends(form_data)) -> Response:
    s = form_session(request, form, "mash")
    offset = int(str(form.get("offset") or "0")) if str(form.get("offset") or "0").isdigit() else 0
    try:
        body = ReviewDecision(
            a=RecordKey(source=str(form.get("a_source") or ""), source_record_id=str(form.get("a_id") or "")),
            b=RecordKey(source=str(form.get("b_source") or ""), source_record_id=str(form.get("b_id") or "")),
            decision=str(form.get("decision") or ""), reason=str(form.get("reason") or "").strip())
    except ValidationError as exc:
        errs = [{"field": "reason", "text": "Give a reason for your decision (at least 3 characters)"}
                if "reason" in e["field"] else e for e in errors_of(exc)]
        return _review_page(request, s, offset, errs)
    try:
        service.decide(backend(request), caller_of(request, s.principal), (body.a.source, body.a.source_record_id),
                       (body.b.source, body.b.source_record_id), body.decision, body.reason)
    except Invalid as exc:
        return _review_page(request, s, offset, [{"field": "decision", "text": exc.detail}])
    return redirect(f"{PREFIX}/review?offset={offset}&notice=decided")
