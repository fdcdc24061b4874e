"""Chronologies for strategy meetings (MASH): a person's or a household's multi-agency events
in date order, with each agency's service lead. Policed reads: a purpose, the reader's daily
quota of subjects, the read and then its audit entry (``policed_read``)."""

from __future__ import annotations

from aim.api.deps import Backend, Caller
from aim.api.errors import Forbidden
from aim.api.services.persons import subject_of
from aim.api.services.auditing import audited_miss
from aim.api.services.policy import not_found, policed_read_one, quotas_of, reader_of
from aim.graph import views
from aim.graph.access import usage
from aim.graph.access.audit import AuditEntry

MAY_READ = ("mash",)


def _check_role(caller: Caller) -> None:
    """The whole multi-agency picture is the MASH's (graph/access/policy.py): partners see their
    own agency's events only, analysts pseudonyms only, so neither gets a chronology."""
    if caller.principal.role not in MAY_READ:
        raise Forbidden("chronologies are for the MASH")


def person(be: Backend, caller: Caller, subject_id: str, *, form: str = "page") -> dict:
    """``{subject_id, person: {names, date of birth, address}, entries}`` for a person (or an
    unresolved agency record); ``form`` (page, csv or json) is recorded in the audit entry."""
    _check_role(caller)
    subject = subject_of(subject_id)

    def read(tx):
        view = views.person_view(tx, subject)
        if view is None:
            return audited_miss("person.chronology")
        entries = views.person_chronology(tx, subject)
        found = {"subject_id": subject.id, "entries": entries, "person": {k: view.get(k) for k in (
            "first_name", "last_name", "date_of_birth", "gender", "address", "postcode")}}
        return found, AuditEntry("person.chronology", [subject.id], {"form": form, "entries": len(entries)},
                                 usage.Count(reader_of(caller), quotas_of(be), subject_ids=[subject.id]))

    return policed_read_one(be, caller, read, not_found(subject_id))


def household(be: Backend, caller: Caller, household_id: str, *, form: str = "page") -> dict:
    """``{household_id, address, entries}``, each entry naming the member it is about."""
    _check_role(caller)

    def read(tx):
        found = views.household_chronology(tx, household_id)
        if found is None:
            return audited_miss("household.chronology")
        members = sorted({e["person_id"] for e in found["entries"]})
        return found, AuditEntry("household.chronology", [household_id, *members],
                                 {"form": form, "entries": len(found["entries"])},
                                 usage.Count(reader_of(caller), quotas_of(be), subject_ids=[household_id]))

    return policed_read_one(be, caller, read, not_found(household_id))
