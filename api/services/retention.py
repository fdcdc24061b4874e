"""Retention: remove events older than the policy, then the records left with nothing to
justify them (no events, nothing received since the cutoff), then orphaned addresses and
empty persons. Every removal is logged (a JSON-lines file in ``$AIM_HOME/retention`` and a
``(:RetentionRun)`` node) and audited."""

from __future__ import annotations

import json
import uuid
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from neo4j import Driver

from aim import cypher
from aim.api.deps import Backend, Caller
from aim.graph.access.audit import AuditContext, AuditEntry, write_entry

BATCH = 5000


def run(be: Backend, caller: Caller, days: int | None, dry_run: bool) -> dict:
    """Preview (dry run) or apply the policy; ``days`` overrides ``AIM_RETENTION_EVENT_DAYS``."""
    days = days or be.settings.retention_event_days
    if dry_run:
        return preview(be.driver, be.database, days)
    return apply(be.driver, be.database, be.settings.home, days, caller.audit)


def cutoff_for(days: int, today: date | None = None) -> date:
    return (today or date.today()) - timedelta(days=days)


def preview(driver: Driver, database: str, days: int, today: date | None = None) -> dict:
    cutoff = cutoff_for(days, today)
    row = driver.execute_query(cypher.load("api/retention_preview"), cutoff=cutoff, database_=database,
                               routing_="r")[0][0]
    return {"cutoff": cutoff.isoformat(), "policy_days": days, "dry_run": True,
            "events_to_remove": row["events"], "records_to_remove_at_most": row["records"]}


def apply(driver: Driver, database: str, home: Path, days: int, ctx: AuditContext,
          today: date | None = None) -> dict:
    cutoff = cutoff_for(days, today)
    run_id = str(uuid.uuid4())
    log_dir = Path(home) / "retention"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{run_id[:8]}.jsonl"
    by_org: Counter = Counter()
    events = records = 0
    with driver.session(database=database) as session:
        session.execute_write(write_entry, ctx, AuditEntry(
            "retention.apply", [], {"run_id": run_id, "cutoff": cutoff, "policy_days": days}))
        with open(log_path, "w", encoding="utf-8") as log:
            while True:
                gone = session.execute_write(
                    lambda tx: tx.run(cypher.load("api/retention_events"), cutoff=cutoff, batch=BATCH).data())
                for row in gone:
                    log.write(json.dumps({"removed": "event", **row}) + "\n")
                    by_org[row["source"]] += 1
                events += len(gone)
                if len(gone) < BATCH:
                    break
            while True:
                gone = session.execute_write(
                    lambda tx: tx.run(cypher.load("api/retention_records"), cutoff=cutoff, batch=BATCH).data())
                for row in gone:
                    log.write(json.dumps({"removed": "record", **row}) + "\n")
                records += len(gone)
                if len(gone) < BATCH:
                    break
            orphans = session.execute_write(
                lambda tx: {r["what"]: r["n"] for r in tx.run(cypher.load("api/retention_orphans"))})
            log.write(json.dumps({"removed": "orphans", **orphans}) + "\n")
        summary = {
            "run_id": run_id, "cutoff": cutoff.isoformat(), "policy_days": days, "dry_run": False,
            "events_removed": events, "records_removed": records,
            "addresses_removed": orphans.get("addresses", 0), "persons_removed": orphans.get("persons", 0),
            "events_removed_by_organisation": dict(by_org), "log_file": str(log_path),
        }
        session.execute_write(lambda tx: tx.run(
            cypher.load("api/retention_log"), run_id=run_id, cutoff=cutoff, policy_days=days,
            username=ctx.username, dry_run=False, events_removed=events, records_removed=records,
            addresses_removed=summary["addresses_removed"], persons_removed=summary["persons_removed"],
            by_organisation=json.dumps(dict(by_org)), log_file=str(log_path)).consume())
    return summary
