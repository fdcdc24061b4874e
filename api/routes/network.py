"""A person's network (MASH; pseudonymised for analysts)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from aim.api.deps import Backend, Caller, acting, request_backend
from aim.api.schemas import Network
from aim.api.services import network as service

router = APIRouter(prefix="/persons", tags=["network"])


@router.get("/{subject_id}/network", response_model=Network,
            summary="Household members, co-residents, linked persons and addresses")
def network(subject_id: Annotated[str, Path(min_length=1, max_length=300)],
            depth: int = Query(2, ge=1, le=3), limit: Annotated[int, Query(ge=1, le=500)] = 100,
            since: Annotated[date | None, Query(alias="from", description="only links that held from this day")] = None,
            until: Annotated[date | None, Query(alias="to", description="only links that held until this day")] = None,
            caller: Caller = Depends(acting("mash", "analyst", purpose=True)),
            be: Backend = Depends(request_backend)) -> dict:
    return service.network(be, caller, subject_id, depth=depth, limit=limit, since=since, until=until)
