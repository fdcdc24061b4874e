"""Households: members over time and address (MASH); for analysts, by pseudonym only (the
access policy): they name a household by the pseudonym they were shown."""

from __future__ import annotations

from aim.api.deps import Backend, Caller
from aim.api.errors import NotFound
from aim.api.keys import pseudonym_key
from aim.api.services.auditing import audited_miss
from aim.api.services.policy import policed_read, policed_read_one, quotas_of, reader_of
from aim.api.services.values import plain
from aim.graph import views
from aim.graph.access import policy, usage
from aim.graph.access.audit import AuditEntry


def _shaped(be: Backend, caller: Caller, households: list[dict]) -> tuple[list[dict], list]:
    """As the caller may see them, and what their audit entry remembers: analysts get
    pseudonyms, which are kept so that they can name them back."""
    if caller.principal.role != "analyst":
        return households, []
    key = pseudonym_key(be.settings)
    shown = set().union(*(policy.household_subjects(h) for h in households))
    return [policy.pseudonymise_household(h, key) for h in households], [policy.remember_pseudonyms(key, shown)]


def list_households(be: Backend, caller: Caller, *, limit: int, offset: int, min_members: int | None) -> list[dict]:
    """Largest first."""

    def read(tx):
        found = plain(views.households(tx, skip=offset, limit=limit, min_members=min_members))
        subjects = [h["household_id"] for h in found] + [m["person_id"] for h in found for m in h["members"]]
        shaped, remembered = _shaped(be, caller, found)
        return shaped, AuditEntry("households.list", subjects, {"limit": limit, "offset": offset},
                                  remembered=remembered)

    return policed_read(be, caller, read)


def get_household(be: Backend, caller: Caller, household_id: str) -> dict:
    """One household; an analyst names it by pseudonym (a real id is unknown to it)."""
    reader = reader_of(caller)

    def read(tx):
        real = policy.subject_of_pseudonym(tx, pseudonym_key(be.settings), household_id) if reader.analyst \
            else household_id
        found = plain(views.household(tx, real)) if real else None
        if not found:
            return audited_miss("households.view")
        subjects = [real] + [m["person_id"] for m in found["members"]]
        shaped, remembered = _shaped(be, caller, [found])
        return shaped[0], AuditEntry("households.view", subjects, {"found": True},
                                     usage.Count(reader, quotas_of(be), subject_ids=[real]), remembered)

    return policed_read_one(be, caller, read, NotFound(f"no household '{household_id}'"))
