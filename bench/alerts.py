"""Alert benchmark: full run, incremental re-evaluation after one new event, and quality.

    export AIM_HOME=...            # a server holding a loaded seeds data set with Persons
    python bench/alerts.py --today 2026-11-01 [--samples 200] [--evaluate seed-data]

* full: ``run_all`` as of ``--today`` (every rule, every subject with recent activity),
  run twice: the first raises the alerts, the second finds them all unchanged.
* incremental: for ``--samples`` persons with recent activity, one new event is written
  to one of their records, then ``evaluate_subjects([person])`` is timed (the call the
  HTTP API makes after real-time resolution). p50/p95/max in milliseconds. The bench
  events (event_id ``BENCH-...``) are deleted afterwards; alerts they raised stay.
* ``--evaluate DIR``: ``evaluate`` against DIR/truth (recall, precision, days to alert).

Writes a JSON summary to bench/out/alerts.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from datetime import date
from pathlib import Path

from aim.graph.alerts.engine import evaluate_subjects, run_all
from aim.graph.store import get_driver
from aim.settings import get_settings

PICK = """
MATCH (e:Event) WHERE e.date > $today - duration({days: 30}) AND e.date <= $today
MATCH (e)<-[:HAS_EVENT]-(r:Record)<-[:HAS_RECORD]-(p:Person)
RETURN DISTINCT p.person_id AS person_id, r.source AS source, r.source_record_id AS record
"""
ADD = """
MATCH (r:Record {source: $source, source_record_id: $record})
CREATE (e:Event {source: $source, event_id: $event_id, date: $today, type: 'injury'})
CREATE (r)-[:HAS_EVENT]->(e)
"""
CLEAN = "MATCH (e:Event) WHERE e.event_id STARTS WITH 'BENCH-' DETACH DELETE e"


def counts(driver, database):
    rows, _, _ = driver.execute_query(
        "CALL () { MATCH (r:Record) RETURN count(r) AS records } "
        "CALL () { MATCH (e:Event) RETURN count(e) AS events } "
        "CALL () { MATCH (p:Person) RETURN count(p) AS persons } "
        "CALL () { MATCH (h:Household) RETURN count(h) AS households } "
        "RETURN records, events, persons, households", database_=database)
    return rows[0].data()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--today", default="2026-11-01")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--evaluate", type=Path, default=None)
    parser.add_argument("--skip-full", action="store_true")
    args = parser.parse_args()
    today = date.fromisoformat(args.today)
    settings = get_settings()
    driver = get_driver()
    db = settings.neo4j_database
    out: dict = {"today": args.today, "graph": counts(driver, db), "load_average_before": os.getloadavg()}
    print("graph:", out["graph"], "load average:", out["load_average_before"])

    if not args.skip_full:
        first = run_all(today, driver=driver)
        second = run_all(today, driver=driver)
        out["full_run"] = {
            "first_seconds": round(first.seconds, 2), "second_seconds": round(second.seconds, 2),
            "subjects_meeting_a_rule": first.findings, "created": first.created,
            "per_rule": dict(first.per_rule), "rag": dict(first.rag), "second_unchanged": second.unchanged,
        }
        print("full run:", out["full_run"])

    rows, _, _ = driver.execute_query(PICK, today=today, database_=db)
    candidates = [r.data() for r in rows]
    random.Random(args.seed).shuffle(candidates)
    seen, picks = set(), []
    for c in candidates:
        if c["person_id"] not in seen:
            seen.add(c["person_id"])
            picks.append(c)
        if len(picks) >= args.samples + 10:
            break
    timings = []
    try:
        for i, pick in enumerate(picks):
            driver.execute_query(ADD, source=pick["source"], record=pick["record"], event_id=f"BENCH-{i}",
                                 today=today, database_=db)
            started = time.perf_counter()
            evaluate_subjects([pick["person_id"]], today=today, driver=driver)
            elapsed = (time.perf_counter() - started) * 1000
            if i >= 10:  # the first ten warm the driver and the page cache
                timings.append(elapsed)
    finally:
        with driver.session(database=db) as session:
            session.run(CLEAN).consume()
    timings.sort()
    out["incremental_ms"] = {
        "samples": len(timings),
        "p50": round(statistics.median(timings), 1),
        "p95": round(timings[int(0.95 * (len(timings) - 1))], 1),
        "max": round(timings[-1], 1),
        "mean": round(statistics.mean(timings), 1),
    }
    out["load_average_after"] = os.getloadavg()
    print("incremental evaluate_subjects after one new event (ms):", out["incremental_ms"],
          "load average:", out["load_average_after"])

    if args.evaluate:
        from aim.graph.alerts.evaluate import evaluate

        out["evaluate"] = evaluate(args.evaluate, today, driver=driver)
        print(json.dumps(out["evaluate"], indent=2, default=str))

    target = Path(__file__).resolve().parent / "out"
    target.mkdir(exist_ok=True)
    (target / "alerts.json").write_text(json.dumps(out, indent=2, default=str))


if __name__ == "__main__":
    main()
