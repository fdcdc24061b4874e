"""The analyst workspace (analysts only): alert queries over households or persons, their
aggregates and the CSV export; pseudonyms only, small counts suppressed, purpose required."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from aim.api.deps import Backend, Caller, acting, request_backend, with_purpose
from aim.api.schemas_analyst import AnalystChoices, AnalystQuery, AnalystResult
from aim.api.services import analyst as service
from aim.graph.views.analyst import Filters

router = APIRouter(prefix="/analyst", tags=["analyst"])
ANALYST = acting(*service.ROLES)
EXPORT_NAME = "aim-analyst-alerts.csv"


def _filters(body: AnalystQuery) -> Filters:
    given = body.model_dump(exclude={"purpose"})
    return Filters(**given | {"district": given["district"].upper() if given["district"] else None})


@router.get("/choices", response_model=AnalystChoices, summary="What the workspace's filters offer (no personal data)")
def choices(caller: Caller = Depends(ANALYST), be: Backend = Depends(request_backend)) -> dict:
    return service.choices(be)


@router.post("/alerts", response_model=AnalystResult,
             summary="Alerts over households or persons, pseudonymised, with aggregates (counts < 5 suppressed)")
def alerts(body: AnalystQuery, request: Request, caller: Caller = Depends(ANALYST),
           be: Backend = Depends(request_backend)) -> dict:
    return service.query(be, with_purpose(request, caller, body.purpose), _filters(body))


@router.post("/alerts/export", response_class=Response, response_model=None,
             responses={200: {"content": {"text/csv": {}}, "description": "The rows and aggregates as CSV"}},
             summary="The same query as a pseudonymised CSV (audited as an export)")
def export(body: AnalystQuery, request: Request, caller: Caller = Depends(ANALYST),
           be: Backend = Depends(request_backend)) -> Response:
    text = service.export(be, with_purpose(request, caller, body.purpose), _filters(body))
    return Response(text, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{EXPORT_NAME}"'})
