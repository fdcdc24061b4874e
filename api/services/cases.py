"""Cases for the MASH (one per subject, gathering its alerts): filtered lists, one case with
its alerts, evidence, history, notes and partner requests (policed reads), the MASH's
actions (audited changes), and partners' "ask the MASH to review" with the dates they may
see back."""

from __future__ import annotations

from aim.api.deps import Backend, Caller
from aim.api.errors import Conflict, Invalid, NotFound
from aim.api.services.auditing import audited_change, audited_miss
from aim.api.services.persons import policy_subject, subject_of
from aim.api.services.policy import not_found, policed_read, policed_read_one, reader_of
from aim.api.services.values import plain
from aim.graph.access import policy
from aim.graph.access.audit import AuditEntry
from aim.graph.alerts import case_actions, cases
from aim.graph.alerts.case_actions import CaseChange, CaseError, CaseNotFound
from aim.graph.alerts.engine import as_of_today
from aim.graph.store import causal_session

STATUS_FILTERS = {"open": list(cases.OPEN), "closed": list(cases.CLOSED), "all": None}


def statuses_for(status: str | None) -> list[str] | None:
    """``open`` (the default), ``closed``, ``all`` or one status."""
    status = status or "open"
    return STATUS_FILTERS[status] if status in STATUS_FILTERS else [status]


def list_cases(be: Backend, caller: Caller, *, status: str | None = None, rag: str | None = None,
               rule: str | None = None, owner: str | None = None, subject_id: str | None = None,
               limit: int = 100) -> list[dict]:
    filters = {"status": status or "open", "rag": rag, "rule": rule, "owner": owner}

    def read(tx):
        found = plain(cases.read_cases(tx, statuses=statuses_for(status), rag=rag, rule=rule, owner=owner,
                                       subject_id=subject_id, limit=limit))
        return found, AuditEntry("cases.list", [c["subject_id"] for c in found], filters | {"returned": len(found)})

    return policed_read(be, caller, read)


def get_case(be: Backend, caller: Caller, case_id: str) -> dict:
    """The case, each alert with its evidence, the history, notes and partner requests."""

    def read(tx):
        found = cases.read_case(tx, case_id)
        if found is None:
            return audited_miss("cases.view", case_id=case_id)
        found = as_of_today(tx, [found])[0]  # trend, days since activity
        return plain(found), AuditEntry("cases.view", [found["subject_id"]], {"case_id": case_id})

    return policed_read_one(be, caller, read, NotFound(f"no case '{case_id}'"))


def act(be: Backend, caller: Caller, case_id: str, **detail) -> dict:
    """An action on a case by a MASH officer (see ``case_actions``)."""
    change = CaseChange(by=caller.principal.username, **detail)
    try:
        change.check()
    except CaseError as exc:
        raise Invalid(str(exc)) from exc
    audited_change(be, caller, f"cases.{change.action}", [],
                   {"case_id": case_id} | {k: str(v) for k, v in detail.items() if v is not None and k != "action"})
    try:
        return plain(case_actions.act(case_id, change, driver=be.driver, settings=be.settings))
    except CaseNotFound as exc:
        raise NotFound(f"no case '{case_id}'") from exc
    except CaseError as exc:
        raise Conflict(str(exc)) from exc


def new_red_count(be: Backend) -> int:
    """How many Red cases nobody has acted on yet (a count, nothing personal)."""
    with causal_session(be.driver, be.database) as session:
        return session.execute_read(cases.new_red_count)


def request_review(be: Backend, caller: Caller, subject_id: str, reason: str) -> list[dict]:
    """A partner asks the MASH to review a person it may open (anything else answers as an
    unknown id); audited. Returns its organisation's requests about the person (dates)."""
    reader = reader_of(caller)
    subject = subject_of(subject_id)
    audited_change(be, caller, "cases.partner_request", [subject_id], {"reason": reason})

    def work(tx):
        if subject.person_id is None or not policy.partner_may_read(tx, reader, policy_subject(subject)):
            return None
        if case_actions.request_review(tx, subject.person_id, organisation=reader.organisation,
                                       by=reader.username, reason=reason) is None:
            return None
        return case_actions.requests_of(tx, subject.person_id, reader.organisation)

    try:
        with causal_session(be.driver, be.database) as session:
            found = session.execute_write(work)
    except CaseError as exc:
        raise Invalid(str(exc)) from exc
    if found is None:
        raise not_found(subject_id)
    return plain(found)


def requests_of(be: Backend, caller: Caller, subject_id: str) -> list[dict]:
    """The partner's own organisation's requests about a person it may open: when asked and
    when the MASH reviewed them, nothing more."""
    reader = reader_of(caller)
    subject = subject_of(subject_id)

    def read(tx):
        if subject.person_id is None or not policy.partner_may_read(tx, reader, policy_subject(subject)):
            return audited_miss("cases.partner_requests", [subject.id])
        found = case_actions.requests_of(tx, subject.person_id, reader.organisation)
        return plain(found), AuditEntry("cases.partner_requests", [subject.id], {"returned": len(found)})

    return policed_read_one(be, caller, read, not_found(subject_id))
