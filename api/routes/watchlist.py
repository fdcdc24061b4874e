"""The watch list (MASH)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from aim.api.deps import Backend, Caller, acting, request_backend
from aim.api.schemas import UnwatchIn, WatchEntry, WatchIn, WatchList
from aim.api.services import watchlist as service

router = APIRouter(prefix="/watchlist", tags=["watch list"])
MASH = acting("mash")


@router.get("", response_model=WatchList, summary="Active watch-list entries and their activity since")
def watch_list(due_only: bool = False, caller: Caller = Depends(acting("mash", purpose=True)),
               be: Backend = Depends(request_backend)) -> dict:
    return {"entries": service.entries(be, caller, due_only=due_only)}


@router.post("", response_model=WatchEntry, status_code=201, summary="Put a person or household on the watch list")
def add_watch(body: WatchIn, caller: Caller = Depends(MASH), be: Backend = Depends(request_backend)) -> dict:
    return service.add(be, caller, **body.model_dump())


@router.post("/{watch_id}/end", response_model=WatchEntry, summary="End a watch-list entry")
def end_watch(body: UnwatchIn, watch_id: Annotated[str, Path(min_length=1, max_length=300)],
              caller: Caller = Depends(MASH), be: Backend = Depends(request_backend)) -> dict:
    return service.end(be, caller, watch_id, body.reason)
