"""Benchmark: Neo4j's and the driver's fixed cost per statement and per transaction, for a
few driver configurations side by side in the same run.

    AIM_HOME=... python bench/statement_cost.py --n 2000 --rounds 3

Three kinds of work, each ``--n`` times: a trivial statement (``RETURN 1``) in one open
transaction (the cost per statement), a managed read transaction of one trivial statement
in a session of its own (per transaction, as an API request makes one), and a managed
write transaction setting a property of one probe node. Then, with the driver as
configured, a write transaction creating a probe node with two names, as a submission
creates a ``Record``: without a full-text index on them, with one as ``record_names`` is
(updated as the transaction commits), and with one eventually consistent (updated just
after; waited for within the measurement). With ``--records``, the same write creates a
``Record`` of a probe source in the graph's own ``record_names`` (about a million documents
at 1M), against the same values under properties no index holds. The probe nodes, Records
and index are deleted after each round.

Per unit: Neo4j's CPU microseconds (the sum of its threads' ``/proc/<pid>/task/*/schedstat``
run time: nanoseconds, where ``/proc/<pid>/stat`` counts 10 ms ticks) and this process's
(the driver's work and the loop's). Configurations alternate within each of ``--rounds``
rounds (other processes share the machine; the first round is the server's warm-up); the
load average is printed with each line. A server setting is compared by running this
before and after a restart with it.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from functools import partial
from pathlib import Path

sys.path.append(str(Path(__file__).resolve().parent.parent))

from neo4j import GraphDatabase  # noqa: E402

from aim.graph.store import LocalNeo4j  # noqa: E402
from aim.graph.store.db import causal_session, connect  # noqa: E402
from aim.settings import get_settings  # noqa: E402

PROBE = "MERGE (p:StatementCostProbe {key: 0}) SET p.n = $n"
NAMED_PROBE = "CREATE (:StatementCostNamedProbe {key: $n, first_name: $first, last_name: $last})"
PROBE_INDEX = "statement_cost_probe_names"
FULL_TEXT_INDEXES = {
    "no full-text index": None,
    "full-text index": "",
    "eventually consistent one": " OPTIONS {indexConfig: {`fulltext.eventually_consistent`: true}}",
}
PROBE_SOURCE = "STATEMENT_COST_PROBE"
# --records: new Records of a probe source, with a first name in record_names or with the same
# value under a property no index holds (the last name under one either way: record_last_name
# would count too).
RECORD_PROBES = {
    "a Record, its first name in record_names":
        f"CREATE (:Record {{source: '{PROBE_SOURCE}', source_record_id: toString($n), first_name: $first, "
        "probe_last_name: $last})",
    "a Record, the same values in no index":
        f"CREATE (:Record {{source: '{PROBE_SOURCE}', source_record_id: toString($n), probe_first_name: $first, "
        "probe_last_name: $last})",
}


def neo4j_cpu_ns(pid: int) -> int:
    """Nanoseconds of CPU the server's live threads have run."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except OSError:  # the thread ended meanwhile
            continue
    return total


def drivers(settings) -> dict:
    """The driver as the project configures it, and the same without any notification
    filter and with notifications off altogether."""
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    return {"as configured": connect(settings),
            "every notification": GraphDatabase.driver(settings.bolt_uri, auth=auth),
            "notifications off": GraphDatabase.driver(settings.bolt_uri, auth=auth,
                                                      notifications_min_severity="OFF")}


def statements(driver, database: str, n: int) -> None:
    with causal_session(driver, database) as session:
        session.execute_read(lambda tx: [tx.run("RETURN 1 AS one").consume() for _ in range(n)])


def read_transactions(driver, database: str, n: int) -> None:
    for _ in range(n):
        with causal_session(driver, database) as session:
            session.execute_read(lambda tx: tx.run("RETURN 1 AS one").consume())


def write_transactions(driver, database: str, n: int) -> None:
    with causal_session(driver, database) as session:
        for step in range(n):
            session.execute_write(lambda tx, s=step: tx.run(PROBE, n=s).consume())


def named_writes(driver, database: str, n: int, query: str = NAMED_PROBE) -> None:
    with causal_session(driver, database) as session:
        for step in range(n):
            session.execute_write(lambda tx, s=step: tx.run(query, n=s, first=f"Probe{s % 97}",
                                                             last=f"Surname{s}").consume())
    # an eventually consistent index's updates, applied after the commits, counted with them
    driver.execute_query("CALL db.index.fulltext.awaitEventuallyConsistentIndexRefresh()", database_=database)


def use_full_text_index(driver, database: str, options: str | None) -> None:
    """The probe's full-text index created with ``options``; none for None."""
    driver.execute_query(f"DROP INDEX {PROBE_INDEX} IF EXISTS", database_=database)
    if options is not None:
        driver.execute_query(f"CREATE FULLTEXT INDEX {PROBE_INDEX} FOR (p:StatementCostNamedProbe) "
                             f"ON EACH [p.first_name, p.last_name]{options}", database_=database)
        driver.execute_query("CALL db.awaitIndexes(60)", database_=database)


def clear_probes(driver, database: str) -> None:
    """No probe index or probe node left (an index's background work would count in the next measurement)."""
    use_full_text_index(driver, database, None)
    driver.execute_query("MATCH (p:StatementCostProbe|StatementCostNamedProbe) DELETE p", database_=database)
    driver.execute_query("MATCH (r:Record {source: $source}) DELETE r", source=PROBE_SOURCE, database_=database)


KINDS = {"statement": statements, "read transaction": read_transactions, "write transaction": write_transactions}


def report(pid: int, label: str, work, n: int) -> None:
    neo4j_before, own_before, began = neo4j_cpu_ns(pid), time.process_time(), time.perf_counter()
    work()
    wall = time.perf_counter() - began
    neo4j_us = (neo4j_cpu_ns(pid) - neo4j_before) / 1e3 / n
    own_us = (time.process_time() - own_before) * 1e6 / n
    print(f"{label:<70} Neo4j {neo4j_us:6.0f} µs  driver {own_us:5.0f} µs  wall {wall * 1e6 / n:6.0f} µs  "
          f"load {os.getloadavg()[0]:.1f}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="units of each kind per measurement")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--records", action="store_true",
                    help="also new Records of a probe source (deleted after each case) in the graph's record_names")
    args = ap.parse_args()
    settings = get_settings()
    neo4j_pid = LocalNeo4j(settings).status().pid
    configured = drivers(settings)
    try:
        for driver in configured.values():  # warm-up: plans, connections, JIT
            for work in KINDS.values():
                work(driver, settings.neo4j_database, 200)
        for round_ in range(args.rounds):
            for kind, work in KINDS.items():
                for name, driver in configured.items():
                    report(neo4j_pid, f"round {round_} {kind}, {name}",
                           partial(work, driver, settings.neo4j_database, args.n), args.n)
            for name, options in FULL_TEXT_INDEXES.items():
                use_full_text_index(configured["as configured"], settings.neo4j_database, options)
                report(neo4j_pid, f"round {round_} write transaction, new named node, {name}",
                       partial(named_writes, configured["as configured"], settings.neo4j_database, args.n), args.n)
            clear_probes(configured["as configured"], settings.neo4j_database)
            for name, query in RECORD_PROBES.items() if args.records else ():
                report(neo4j_pid, f"round {round_} write transaction, {name}",
                       partial(named_writes, configured["as configured"], settings.neo4j_database, args.n, query),
                       args.n)
                clear_probes(configured["as configured"], settings.neo4j_database)
    finally:
        clear_probes(configured["as configured"], settings.neo4j_database)
        for driver in configured.values():
            driver.close()


if __name__ == "__main__":
    main()
