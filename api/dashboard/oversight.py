"""The screens of oversight and administration: the audit log (DPO), aggregates
(analysts, MASH, DPO) and users (admin)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from aim.api.deps import backend, caller_of
from aim.api.services import audit as audit_service
from aim.api.services import records, usage, users

from .pages import parse_day, render, screen_router
from .session import session

router = screen_router()


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, page: int = 1) -> Response:
    s = session(request, "dpo")
    q = request.query_params
    chosen = {k: (q.get(k) or "").strip()[:300] for k in ("subject_id", "username", "endpoint", "from", "to")}
    since, until = parse_day(chosen["from"]), parse_day(chosen["to"])
    found = audit_service.log(
        backend(request), caller_of(request, s.principal), subject_id=chosen["subject_id"] or None,
        username=chosen["username"] or None, endpoint=chosen["endpoint"] or None,
        since=datetime(since.year, since.month, since.day, tzinfo=UTC) if since else None,
        until=datetime(until.year, until.month, until.day, 23, 59, 59, tzinfo=UTC) if until else None,
        page=max(1, min(page, 100_000)), page_size=50)
    anomalies = usage.anomalies(backend(request), caller_of(request, s.principal))["anomalies"]
    return render(request, s, "dashboard/audit.html", found=found, chosen=chosen, anomalies=anomalies,
                  qs=urlencode({k: v for k, v in chosen.items() if v}))


@router.get("/stats", response_class=HTMLResponse)
def stats(request: Request) -> Response:
    s = session(request, "analyst", "mash", "dpo")
    found = {"organisations": records.stats(backend(request), caller_of(request, s.principal))}
    return render(request, s, "dashboard/stats.html", found=found)


@router.get("/users", response_class=HTMLResponse)
def user_list(request: Request) -> Response:
    s = session(request, "admin")
    return render(request, s, "dashboard/users.html", users=users.list_users(backend(request),
                                                                            caller_of(request, s.principal)))
