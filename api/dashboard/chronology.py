"""Chronologies for strategy meetings (MASH): a person's or a household's multi-agency events
in date order as a page to print (print styles in chronology.css) and as a CSV download. Each
asks for the purpose the way the person and household pages do (a POST form, kept for that
subject in an HttpOnly cookie, never in a URL), and each read is audited."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response

from aim.api.deps import backend, caller_of
from aim.api.services import chronology
from aim.graph.ingest.rejects import safe_cell

from . import present
from .pages import form_data, render, screen_router
from .purpose import required_purpose, state_purpose
from .session import session

router = screen_router()
COLUMNS = (("date", "Date"), ("member", "Person"), ("agency", "Agency"), ("kind", "Kind of contact"),
           ("lead_name", "Service lead"), ("lead_phone", "Lead phone"), ("lead_email", "Lead email"))


def _read(request: Request, subject_id: str, what: str, read: Callable) -> Response:
    """The page, or the CSV download when the address asks for ``chronology.csv``."""
    as_csv = request.url.path.endswith(".csv")
    s = session(request, "mash")
    purpose = required_purpose(request, s, subject_id, what)
    found = read(backend(request), caller_of(request, s.principal, purpose), subject_id,
                 form="csv" if as_csv else "page")
    rows = [_row(entry, household=what == "household") for entry in found["entries"]]
    if as_csv:
        return _csv(rows, what, subject_id, household=what == "household")
    return render(request, s, "dashboard/chronology.html", found=found, rows=rows, what=what, purpose=purpose,
                  subject_id=subject_id)


def _row(entry: dict, household: bool) -> dict:
    return {"date": present.day(entry.get("date")), "agency": entry.get("agency") or entry.get("organisation"),
            "kind": present.label(entry.get("kind")), "lead_name": entry.get("lead_name") or "",
            "lead_phone": entry.get("lead_phone") or "", "lead_email": entry.get("lead_email") or "",
            "iso_date": str(entry.get("date") or ""), **({"member": present.name_of(entry)} if household else {})}


def _csv(rows: list[dict], what: str, subject_id: str, household: bool) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    columns = [c for c in COLUMNS if household or c[0] != "member"]
    writer.writerow([text for _, text in columns])
    for row in rows:
        writer.writerow([safe_cell(row["iso_date"] if key == "date" else row[key]) for key, _ in columns])
    name = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in subject_id)
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="chronology-{what}-{name}.csv"', "Cache-Control": "no-store"})


@router.get("/people/{subject_id}/chronology", response_class=HTMLResponse)
@router.get("/people/{subject_id}/chronology.csv")
def person_chronology(request: Request, subject_id: str) -> Response:
    return _read(request, subject_id, "person", chronology.person)


@router.get("/households/{household_id}/chronology", response_class=HTMLResponse)
@router.get("/households/{household_id}/chronology.csv")
def household_chronology(request: Request, household_id: str) -> Response:
    return _read(request, household_id, "household", chronology.household)


@router.post("/people/{subject_id}/chronology", response_class=HTMLResponse)
@router.post("/people/{subject_id}/chronology.csv", response_class=HTMLResponse)
def state_person_purpose(request: Request, subject_id: str, form=Depends(form_data)) -> Response:
    return state_purpose(request, session(request, "mash"), form, subject_id, "person")


@router.post("/households/{household_id}/chronology", response_class=HTMLResponse)
@router.post("/households/{household_id}/chronology.csv", response_class=HTMLResponse)
def state_household_purpose(request: Request, household_id: str, form=Depends(form_data)) -> Response:
    return state_purpose(request, session(request, "mash"), form, household_id, "household")
