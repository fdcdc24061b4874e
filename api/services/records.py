"""Records of the minimum data set: submission (the same validation as CSV ingest, per-row
outcomes, idempotent writes, then real-time resolution and incremental alert evaluation)
and the aggregate counts analysts see."""

from __future__ import annotations

import logging
from datetime import date

from neo4j.exceptions import ServiceUnavailable, SessionExpired, TransientError

from aim.api.deps import Backend, Caller
from aim.api.errors import Forbidden, TooLarge
from aim.api.services.auditing import audited_change, audited_read
from aim.canonical import Mapping, validate_row
from aim.graph import views
from aim.graph.identity.keys import subject_id as record_subject_id
from aim.graph.alerts.engine import evaluate_subjects
from aim.graph.access import policy
from aim.graph.access.audit import AuditEntry
from aim.graph.ingest import write_rows
from aim.graph.identity.realtime import NoModel, resolve_records
from aim.graph.store import causal_session

log = logging.getLogger("aim.api")


def submit(be: Backend, caller: Caller, records: list[dict]) -> dict:
    """Validate every row as coming from the caller's own organisation, write the valid
    ones in one transaction, and say per row what happened."""
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
    audited_change(be, caller, "records.submit", subjects, {"rows": len(records), "accepted": len(good)})
    counts = write_rows(good, driver=be.driver, settings=be.settings) if good else None
    return {
        "organisation": organisation,
        "received": len(records),
        "accepted": len(good),
        "rejected": len(records) - len(good),
        "new_records": counts.new_records if counts else 0,
        "updated_records": counts.updated_records if counts else 0,
        "new_events": counts.new_events if counts else 0,
        "results": results,
        **_resolve(be, sorted({(r.source, r.source_record_id) for r in good})),
    }


def _resolve(be: Backend, keys: list[tuple[str, str]]) -> dict:
    """Real-time resolution and incremental alert evaluation; the submission itself has
    succeeded either way (the next batch run picks up what is deferred)."""
    if not keys:
        return {"resolution": "nothing to resolve", "persons": [], "alerts": None}
    try:
        persons = resolve_records(keys, driver=be.driver, settings=be.settings)
    except NoModel:
        return {"resolution": "pending: no resolution model yet (run `aim resolve`)", "persons": [],
                "alerts": None}
    except (ServiceUnavailable, SessionExpired, TransientError):
        # The database went away mid-resolution: a 503, so that the client's retry (idempotent
        # for the stored rows) resolves these records now rather than at the next batch run.
        raise
    except Exception as exc:  # noqa: BLE001 - the records are stored; the batch run will resolve them
        log.exception("real-time resolution failed for %d record(s)", len(keys))
        return {"resolution": f"deferred: real-time resolution failed ({type(exc).__name__}); "
                              "the next `aim resolve` will include these records", "persons": [], "alerts": None}
    alerts = None
    if persons:
        try:
            report = evaluate_subjects(persons, driver=be.driver, settings=be.settings)
            alerts = {k: v for k, v in vars(report).items() if isinstance(v, (int, float, str))}
        except Exception as exc:  # noqa: BLE001 - the nightly run evaluates every subject anyway
            log.exception("incremental alert evaluation failed")
            alerts = {"error": f"deferred ({type(exc).__name__})"}
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
