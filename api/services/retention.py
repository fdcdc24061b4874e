"""Retention: everything held about people ages out, each kind after its own period
(``AIM_RETENTION_*_DAYS``): closed alerts with their history, ended watch-list entries,
resolution events, events (those still evidence of a kept alert stay), then the records left
with nothing to justify them, households dissolved or empty, orphaned addresses and persons;
audit entries after their own, longer period, the chain anchored on the last one removed
(signed, so that the rest still verifies).

A preview counts and is audited; a run is audited before it starts and when it ends, and
logged, counts only (no ids), in a JSON-lines file in ``$AIM_HOME/retention`` and a
``(:RetentionRun)`` node."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from neo4j import Driver

from aim import cypher
from aim.api.deps import Backend, Caller
from aim.api.services.audit_integrity import anchor_key
from aim.api.settings import ApiSettings
from aim.graph.access import audit
from aim.graph.access.audit import AuditContext, AuditEntry
from aim.graph.access.audit_chain import set_anchor
from aim.graph.store import causal_session

BATCH = 5000
# What goes, in this order, and the period (of ``Periods``) each is measured against.
STEPS = (
    ("closed_alerts", "closed_alerts", "api/retention_alerts"),
    ("closed_cases", "closed_alerts", "api/retention_cases"),
    ("watch_entries", "watch_entries", "api/retention_watch"),
    ("resolution_events", "resolution_events", "api/retention_resolution"),
    ("events", "events", "api/retention_events"),
    ("records", "events", "api/retention_records"),
    ("households", "households", "api/retention_households"),
)


@dataclass(frozen=True)
class Periods:
    """Days each kind of data is kept."""

    events: int
    closed_alerts: int
    watch_entries: int
    resolution_events: int
    households: int
    audit: int

    @classmethod
    def of(cls, settings: ApiSettings, event_days: int | None = None) -> Periods:
        return cls(events=event_days or settings.retention_event_days,
                   closed_alerts=settings.retention_closed_alert_days,
                   watch_entries=settings.retention_watch_entry_days,
                   resolution_events=settings.retention_resolution_event_days,
                   households=settings.retention_household_days, audit=settings.retention_audit_days)

    def cutoffs(self, today: date | None = None) -> dict[str, date]:
        today = today or date.today()
        return {kind: today - timedelta(days=days) for kind, days in asdict(self).items()}


def run(be: Backend, caller: Caller, days: int | None, dry_run: bool) -> dict:
    """Preview (dry run) or apply the policy; ``days`` overrides ``AIM_RETENTION_EVENT_DAYS``."""
    periods = Periods.of(be.settings, days)
    if dry_run:
        return preview(be.driver, be.database, be.settings, periods, caller.audit)
    return apply(be.driver, be.database, be.settings, periods, caller.audit)


def preview(driver: Driver, database: str, settings: ApiSettings, periods: Periods, ctx: AuditContext,
            today: date | None = None) -> dict:
    """What a run would remove, counted (and audited: it tells what the graph holds)."""
    cutoffs = periods.cutoffs(today)

    def read(tx):
        row = tx.run(cypher.load("api/retention_preview"), **cutoffs).single()
        counts = dict(row)
        return counts, AuditEntry("retention.preview", [], {"policy_days": asdict(periods), **counts})

    counts = audit.audited_read(driver, database, settings.audit_log_path, ctx, read)
    return {"cutoff": cutoffs["events"].isoformat(), "policy_days": periods.events, "dry_run": True,
            "periods": asdict(periods), "events_to_remove": counts.pop("events"),
            "records_to_remove_at_most": counts.pop("records"),
            "to_remove": counts}


def apply(driver: Driver, database: str, settings: ApiSettings, periods: Periods, ctx: AuditContext,
          today: date | None = None) -> dict:
    cutoffs = periods.cutoffs(today)
    run_id = str(uuid.uuid4())
    copy = settings.audit_log_path
    audit.record(driver, database, copy, ctx, AuditEntry(
        "retention.apply", [], {"run_id": run_id, "policy_days": asdict(periods)}))
    removed: Counter = Counter()
    by_org: Counter = Counter()
    with causal_session(driver, database) as session:
        for kind, period, query in STEPS:
            for source, count in _in_batches(session, query, cutoff=cutoffs[period]).items():
                removed[kind] += count
                if kind == "events" and source:
                    by_org[source] += count
        orphans = session.execute_write(
            lambda tx: {r["what"]: r["n"] for r in tx.run(cypher.load("api/retention_orphans"))})
        removed.update({"addresses": orphans.get("addresses", 0), "persons": orphans.get("persons", 0)})
        removed["audit_entries"] = _age_out_audit(session, anchor_key(settings), cutoffs["audit"])
    counts = {f"{kind}_removed": removed[kind] for kind in
              (*(step[0] for step in STEPS), "addresses", "persons", "audit_entries")}
    log_path = _log(Path(settings.home), run_id, cutoffs, counts, by_org)
    summary = {"run_id": run_id, "cutoff": cutoffs["events"].isoformat(), "policy_days": periods.events,
               "dry_run": False, "periods": asdict(periods), **counts,
               "events_removed_by_organisation": dict(by_org), "log_file": str(log_path)}
    with causal_session(driver, database) as session:
        session.execute_write(lambda tx: tx.run(
            cypher.load("api/retention_log"), run_id=run_id, cutoff=cutoffs["events"], policy_days=periods.events,
            username=ctx.username, removed=counts, by_organisation=json.dumps(dict(by_org)),
            log_file=str(log_path)).consume())
    audit.record(driver, database, copy, ctx, AuditEntry("retention.done", [], {"run_id": run_id, **counts}))
    return summary


def _in_batches(session, query: str, **params) -> Counter:
    """Run a deleting query batch by batch until a batch comes back short; removed per source."""
    removed: Counter = Counter()
    while True:
        rows = session.execute_write(lambda tx: tx.run(cypher.load(query), batch=BATCH, **params).data())
        batch = 0
        for row in rows:
            removed[row["source"]] += row["removed"]
            batch += row["removed"]
        if batch < BATCH:
            return removed


def _age_out_audit(session, key: bytes | None, cutoff: date) -> int:
    """Remove the audit entries older than the audit period, oldest first, after anchoring
    the chain (signed) on the newest of them. Without the key nothing is removed: an
    unsigned anchor would make the rest of the chain unverifiable."""
    if key is None:
        return 0
    cut = session.execute_read(lambda tx: tx.run(cypher.load("api/retention_audit_cut"), cutoff=cutoff).single())
    if cut is not None:
        session.execute_write(set_anchor, key, cut["seq"], cut["hash"])
    through = cut["seq"] if cut is not None else None
    removed = sum(_in_batches(session, "api/retention_audit", through=through, cutoff=cutoff).values())
    _in_batches(session, "api/retention_audit_subjects")
    return removed


def _log(home: Path, run_id: str, cutoffs: dict[str, date], counts: dict, by_org: Counter) -> Path:
    """The run's log line: when, the cutoffs and how many of each kind went, never which."""
    log_dir = home / "retention"
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{run_id[:8]}.jsonl"
    with open(path, "w", encoding="utf-8") as log:
        log.write(json.dumps({"run_id": run_id, "cutoffs": {k: v.isoformat() for k, v in cutoffs.items()},
                              **counts, "events_removed_by_organisation": dict(by_org)}) + "\n")
    return path
