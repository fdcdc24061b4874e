"""Records of the minimum data set: submission (the same validation as CSV ingest, per-row
outcomes, idempotent writes, then real-time resolution and incremental alert evaluation)
and the aggregate counts analysts see."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from neo4j import ManagedTransaction
from neo4j.exceptions import ConstraintError, ServiceUnavailable, SessionExpired, TransientError

from aim.api.deps import Backend, Caller
from aim.api.errors import Forbidden, TooLarge
from aim.api.services.auditing import audited_read, audited_transaction
from aim.api.services.group_commit import GroupCommit
from aim.api.settings import ApiSettings
from aim.canonical import CanonicalRow, Mapping, validate_row
from aim.graph import views
from aim.graph.alerts.engine import RunReport, evaluate_each_in, evaluate_subjects, session_for
from aim.graph.access import policy
from aim.graph.access.audit import AuditContext, AuditEntry, lock_chain, write_entries
from aim.graph.ingest import BatchCounts
from aim.graph.ingest.batch import write_parts_in, write_rows_in
from aim.graph.identity.keys import record_key
from aim.graph.identity.keys import subject_id as record_subject_id
from aim.graph.identity.realtime import TOGETHER, NoModel, resolve_each_in, resolve_records
from aim.graph.identity.records import FIELDS as RESOLUTION_FIELDS
from aim.graph.store import causal_session, execute_write

log = logging.getLogger("aim.api")


@dataclass(eq=False)
class Submission:
    """One request's valid rows, their record keys and its audit entry, once validated."""

    be: Backend
    audit: AuditContext
    entry: AuditEntry
    rows: list[CanonicalRow]
    keys: list[tuple[str, str]]


def submit(be: Backend, caller: Caller, records: list[dict]) -> dict:
    """Validate every row as coming from the caller's own organisation, write the valid
    ones, resolve them and re-evaluate the alerts of the persons they touch, and say per
    row what happened. Submissions that arrive while others are being written and resolved
    are done together with them (``be.submissions``, a group commit)."""
    organisation = caller.principal.organisation
    if not organisation:
        raise Forbidden("this account has no organisation to submit as")
    if len(records) > be.settings.max_records_per_request:
        raise TooLarge(f"at most {be.settings.max_records_per_request} records per request")
    mapping = Mapping()
    results, good = [], []
    for index, values in enumerate(records):
        text = {k: "" if v is None else str(v) for k, v in values.items()}
        checked = validate_row(text, index, mapping, source=organisation)
        if checked.row is None:
            results.append({"index": index, "status": "rejected", "reason": checked.reject.reason})
            continue
        good.append(checked.row)
        results.append({"index": index, "status": "accepted", "warnings": [w.message for w in checked.warnings]})
    subjects = sorted({record_subject_id(r.source, r.source_record_id) for r in good})
    entry = AuditEntry("records.submit", subjects, {"rows": len(records), "accepted": len(good)})
    keys = sorted({(r.source, r.source_record_id) for r in good})
    submission = Submission(be, caller.audit, entry, good, keys)
    grouped = be.submissions is not None and 0 < len(keys) <= TOGETHER
    counts, outcome = be.submissions.run(submission) if grouped else submit_group([submission])[0]
    return {
        "organisation": organisation,
        "received": len(records),
        "accepted": len(good),
        "rejected": len(records) - len(good),
        "new_records": counts.new_records,
        "updated_records": counts.updated_records,
        "new_events": counts.new_events,
        "results": results,
        **outcome,
    }


def grouping(settings: ApiSettings) -> GroupCommit[Submission, tuple[BatchCounts, dict] | Exception] | None:
    """The app's group commit of submissions: at most ``submit_groups`` groups at once,
    each of at most ``TOGETHER`` records (what one resolution transaction takes); None
    when ``submit_groups`` is 0 (each submission alone, in parallel)."""
    if not settings.submit_groups:
        return None
    return GroupCommit(submit_group, parallel=settings.submit_groups, limit=TOGETHER,
                       size=lambda submission: len(submission.keys))


def submit_group(group: list[Submission]) -> list[tuple[BatchCounts, dict] | Exception]:
    """Write the submissions' rows and audit entries in one transaction, then resolve their
    records and re-evaluate their alerts in another, each submission's outcome its own.
    When the group's write fails, each submission is written on its own, so that one
    submission's failure is not the others'."""
    be = group[0].be
    try:
        every_count = _write(be, group)
    except (ServiceUnavailable, SessionExpired, TransientError):
        raise
    except Exception as exc:  # noqa: BLE001 - alone, each submission meets its own error
        if len(group) == 1:
            raise
        log.info("submissions written one by one: the group's write failed (%s)", type(exc).__name__)
        return [_submit_alone(submission) for submission in group]
    outcomes = _resolve_together(be, group) or [_resolve(be, submission.keys) for submission in group]
    return list(zip(every_count, outcomes))


def _submit_alone(submission: Submission) -> tuple[BatchCounts, dict] | Exception:
    try:
        return submit_group([submission])[0]
    except Exception as exc:  # noqa: BLE001 - this submission's caller gets it
        return exc


def _write(be: Backend, group: list[Submission]) -> list[BatchCounts]:
    try:
        return audited_transaction(be, _write_audited_rows, group, True)
    except ConstraintError:
        # Another writer created one of these records meanwhile: the upserts wait for it.
        return audited_transaction(be, _write_audited_rows, group, False)


def _write_audited_rows(tx: ManagedTransaction, group: list[Submission], create_new: bool) -> list[BatchCounts]:
    """The submissions' rows and audit entries, in one transaction (``audited_transaction``
    has locked the audit chain's head first). The rows' own locks (a shared address, say)
    end with it too, before their resolution."""
    parts = [submission.rows for submission in group]
    counts = write_parts_in(tx, parts) if create_new else [
        write_rows_in(tx, rows, create_new=False) if rows else BatchCounts() for rows in parts]
    write_entries(tx, [(submission.audit, submission.entry) for submission in group])
    return counts


def _resolve_together(be: Backend, group: list[Submission]) -> list[dict] | None:
    """Real-time resolution of the group's records and the alerts of the persons each
    submission touches, in one transaction (the alerts evaluated once for them all); None
    when the group has more records than one transaction takes or a part failed (then
    undone: the caller does it in steps, each part's failure handled on its own)."""
    keys = sorted({key for submission in group for key in submission.keys})
    if not keys or len(keys) > TOGETHER:
        return None

    def work(tx: ManagedTransaction) -> list[dict]:
        affected = resolve_each_in(tx, keys, likely=[_as_stored(row) for s in group for row in s.rows])
        persons = [sorted({p for key in s.keys for p in affected.get(record_key(*key), [])}) for s in group]
        reports = evaluate_each_in(tx, persons) if any(persons) else [None] * len(group)
        return [_outcome(s.keys, mine, report if mine else None) for s, mine, report in zip(group, persons, reports)]

    try:
        with session_for(be.driver, be.settings) as session:
            return execute_write(session, work)
    except (ServiceUnavailable, SessionExpired, TransientError):
        raise
    except NoModel:
        return [_no_model() for _ in group]  # the steps would only read the model again to find none
    except Exception as exc:  # noqa: BLE001 - done again in steps, which say what failed
        log.info("resolution and alerts in steps: one transaction failed (%s)", type(exc).__name__)
        return None


def _as_stored(row: CanonicalRow) -> dict:
    """A valid row's resolution fields as its record holds them once written."""
    return {name: getattr(row, name) for name in RESOLUTION_FIELDS} | {
        "date_of_birth": row.date_of_birth.isoformat() if row.date_of_birth else None}


def _resolve(be: Backend, keys: list[tuple[str, str]]) -> dict:
    """Real-time resolution, then incremental alert evaluation, each in a transaction of its
    own; the submission itself has succeeded either way (the next batch run picks up what
    is deferred)."""
    if not keys:
        return _outcome(keys, [], None)
    try:
        persons = resolve_records(keys, driver=be.driver, settings=be.settings)
    except NoModel:
        return _no_model()
    except (ServiceUnavailable, SessionExpired, TransientError):
        # The database went away mid-resolution: a 503, so that the client's retry (idempotent
        # for the stored rows) resolves these records now rather than at the next batch run.
        raise
    except Exception as exc:  # noqa: BLE001 - the records are stored; the batch run will resolve them
        log.exception("real-time resolution failed for %d record(s)", len(keys))
        return {"resolution": f"deferred: real-time resolution failed ({type(exc).__name__}); "
                              "the next `aim resolve` will include these records", "persons": [], "alerts": None}
    if not persons:
        return _outcome(keys, persons, None)
    try:
        report = evaluate_subjects(persons, driver=be.driver, settings=be.settings)
    except Exception as exc:  # noqa: BLE001 - the nightly run evaluates every subject anyway
        log.exception("incremental alert evaluation failed")
        return _outcome(keys, persons, None) | {"alerts": {"error": f"deferred ({type(exc).__name__})"}}
    return _outcome(keys, persons, report)


def warm_plans(be: Backend) -> None:
    """Have Neo4j plan a submission's statements before the first one arrives: a made-up
    record written, resolved and its alerts evaluated (the persons' rules, then with a
    household too), and an audit entry written, in transactions that are rolled back, so
    nothing stays. Neo4j plans a statement when it first runs (an ``EXPLAIN``'s plan is
    cached apart): the alert rules' statement alone took 0.7-1.4 s to plan at 1M records,
    which the first submissions after a start waited for (docs/benchmarks.md, session 17).
    Without a model (before the first ``aim resolve``) the resolution part is skipped."""
    today = date.today()
    checked = validate_row({"source_record_id": "WARM-UP-1", "first_name": "JOHN", "last_name": "SMITH",
                            "date_of_birth": "01/01/1980", "gender": "M", "address": "1 HIGH STREET",
                            "postcode": "B1 1AA", "event_id": "WARM-UP-E1", "event_date": today.strftime("%d/%m/%Y"),
                            "event_type": "concern_for_welfare"}, 1, Mapping(), source="AIM-WARM-UP", today=today)
    row = checked.row
    ctx = AuditContext("aim-warm-up", "partner", row.source, "POST", "/api/v1/records")
    with causal_session(be.driver, be.database) as session:
        with session.begin_transaction() as tx:
            try:
                write_parts_in(tx, [[row]])
                affected = resolve_each_in(tx, [(row.source, row.source_record_id)], likely=[_as_stored(row)])
                persons = sorted(set().union(*affected.values()))
                evaluate_each_in(tx, [persons])
                evaluate_each_in(tx, [persons], household_ids=["WARM-UP-H1"])
            except NoModel:
                return
            finally:
                tx.rollback()   # a transaction left open commits when its block ends
        with session.begin_transaction() as tx:
            try:
                lock_chain(tx)
                write_entries(tx, [(ctx, AuditEntry("records.submit", [], {"rows": 1, "accepted": 1}))])
            finally:
                tx.rollback()


def _no_model() -> dict:
    return {"resolution": "pending: no resolution model yet (run `aim resolve`)", "persons": [], "alerts": None}


def _outcome(keys: list[tuple[str, str]], persons: list[str], report: RunReport | None) -> dict:
    """What a submission's response says about its resolution and alerts."""
    if not keys:
        return {"resolution": "nothing to resolve", "persons": [], "alerts": None}
    alerts = {k: v for k, v in vars(report).items() if isinstance(v, (int, float, str))} if report else None
    return {"resolution": "resolved", "persons": persons, "alerts": alerts}


def stats(be: Backend, caller: Caller, since: date | None = None) -> list[dict]:
    """Records and events per organisation and event type: no names; for analysts, counts
    under five suppressed (the access policy)."""

    def read(tx):
        return views.stats(tx, since), AuditEntry("aggregate.stats", [], {"since": since})

    found = audited_read(be, caller, read)
    if caller.principal.role == "analyst":
        return [policy.suppress_small_counts(o) for o in found]
    return found


def organisation_names(be: Backend) -> dict[str, str]:
    """Organisation codes -> names (reference data, not personal)."""
    with causal_session(be.driver, be.database) as session:
        orgs = session.execute_read(views.organisations)
    return {o["code"]: o.get("name") or o["code"] for o in orgs}
