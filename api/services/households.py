"""Households: members over time and address (MASH), pseudonymised for analysts."""

from __future__ import annotations

from aim.api.deps import Backend, Caller
from aim.api.errors import NotFound
from aim.api.services.auditing import audited_read
from aim.api.services.pseudonyms import pseudonymise_household
from aim.api.services.values import plain
from aim.graph import views
from aim.graph.access.audit import AuditEntry


def _for_role(be: Backend, caller: Caller, household: dict) -> dict:
    if caller.principal.role == "analyst":
        return pseudonymise_household(household, be.settings.signing_secret())
    return household


def list_households(be: Backend, caller: Caller, *, limit: int, offset: int, min_members: int | None) -> list[dict]:
    """Largest first."""

    def read(tx):
        found = views.households(tx, skip=offset, limit=limit, min_members=min_members)
        subjects = [h["household_id"] for h in found] + [m["person_id"] for h in found for m in h["members"]]
        return found, AuditEntry("households.list", subjects, {"limit": limit, "offset": offset})

    return [_for_role(be, caller, h) for h in plain(audited_read(be, caller, read))]


def get_household(be: Backend, caller: Caller, household_id: str) -> dict:
    def read(tx):
        found = views.household(tx, household_id)
        subjects = [household_id] + [m["person_id"] for m in found["members"]] if found else []
        return found, AuditEntry("households.view", subjects, {"found": found is not None})

    found = audited_read(be, caller, read)
    if not found:
        raise NotFound(f"no household '{household_id}'")
    return _for_role(be, caller, plain(found))
