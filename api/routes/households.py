"""Households (MASH; pseudonymised for analysts)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from aim.api.deps import Backend, Caller, acting, request_backend
from aim.api.schemas import Household, Households, PseudonymisedHousehold
from aim.api.schemas_chronology import HouseholdChronology
from aim.api.services import chronology
from aim.api.services import households as service

router = APIRouter(prefix="/households", tags=["households"])
READER = acting("mash", "analyst", purpose=True)


@router.get("", response_model=Households, summary="Households, largest first (analysts see pseudonyms)")
def list_households(limit: int = Query(50, ge=1, le=500), offset: int = Query(0, ge=0, le=1_000_000),
                    min_members: int | None = Query(None, ge=1, le=1000),
                    caller: Caller = Depends(READER), be: Backend = Depends(request_backend)) -> dict:
    return {"households": service.list_households(be, caller, limit=limit, offset=offset, min_members=min_members)}


@router.get("/{household_id}", response_model=Household | PseudonymisedHousehold,
            summary="One household: members over time and address")
def get_household(household_id: Annotated[str, Path(min_length=1, max_length=300)],
                  caller: Caller = Depends(READER), be: Backend = Depends(request_backend)) -> dict:
    return service.get_household(be, caller, household_id)


@router.get("/{household_id}/chronology", response_model=HouseholdChronology,
            summary="Every member's multi-agency contacts, oldest first, for a strategy meeting (MASH)")
def household_chronology(household_id: Annotated[str, Path(min_length=1, max_length=300)],
                         caller: Caller = Depends(acting("mash", purpose=True)),
                         be: Backend = Depends(request_backend)) -> dict:
    return chronology.household(be, caller, household_id, form="json")
