"""What the audit trail's integrity costs per audited read: the same trivial read with its
entry written three ways, interleaved so that a busy machine slows each alike:

* ``plain``: the entry alone (the query AIM used before the hash chain, kept here);
* ``chained``: the entry at the end of the hash chain (one more statement, locking the head);
* ``chained+copy``: chained, and appended to the fsync'd JSON-lines copy after commit.

It writes audit entries, so it refuses a graph that already holds any, and removes its own
at the end.

    AIM_HOME=.aim/bench python bench/audit.py --reads 600
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import uuid
from pathlib import Path

from aim.graph.access import audit
from aim.graph.access.audit import AuditContext, AuditEntry
from aim.graph.store import get_driver
from aim.settings import get_settings

PLAIN = """
CREATE (a:AuditEntry {entry_id: $entry_id, at: datetime(), username: $username, role: 'mash', purpose: 'bench',
                      method: 'GET', endpoint: '/bench', action: 'bench.read', subject_ids: $subject_ids})
WITH a UNWIND $subject_ids AS subject_id
MERGE (s:AuditSubject {subject_id: subject_id})
CREATE (a)-[:ABOUT]->(s)
"""
CONTEXT = AuditContext("bench", "mash", None, "GET", "/bench", "bench")


def _read(tx):
    tx.run("RETURN 1").consume()
    return 1, AuditEntry("bench.read", ["bench-subject"], {"found": True})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reads", type=int, default=600, help="reads of each kind")
    args = parser.parse_args()
    driver, database = get_driver(), get_settings().neo4j_database
    held, _, _ = driver.execute_query("MATCH (a:AuditEntry) RETURN count(a) AS n", database_=database)
    if held[0]["n"]:
        raise SystemExit("the graph holds an audit trail: run this on a graph of its own")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "audit.jsonl"

        def plain() -> None:
            def work(tx):
                _read(tx)
                tx.run(PLAIN, entry_id=str(uuid.uuid4()), username="bench", subject_ids=["bench-subject"]).consume()
            with driver.session(database=database) as session:
                session.execute_write(work)

        def chained() -> None:
            with driver.session(database=database) as session:
                session.execute_write(lambda tx: audit.write_entry(tx, CONTEXT, _read(tx)[1]))

        def chained_and_copied() -> None:
            audit.audited_read(driver, database, copy, CONTEXT, _read)

        kinds = {"plain": plain, "chained": chained, "chained+copy": chained_and_copied}
        seconds: dict[str, list[float]] = {name: [] for name in kinds}
        for _ in range(args.reads):
            for name, read in kinds.items():
                started = time.perf_counter()
                read()
                seconds[name].append(time.perf_counter() - started)
    driver.execute_query("MATCH (n) WHERE n:AuditEntry OR n:AuditSubject OR n:AuditChain DETACH DELETE n",
                         database_=database)
    report = {}
    for name, values in seconds.items():
        values.sort()
        report[name] = {"median_ms": round(values[len(values) // 2] * 1000, 2),
                        "p90_ms": round(values[int(len(values) * 0.9)] * 1000, 2)}
    print(json.dumps({"reads": args.reads, **report}, indent=2))


if __name__ == "__main__":
    main()
