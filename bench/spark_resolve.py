"""Benchmark: ``aim resolve`` in process against ``aim resolve --engine spark`` on the same
records, in one run, and whether they leave the same graph.

    aim seed generate --people 64000 --seed 7 --out DIR && aim seed load DIR   # once: 99,553 records
    AIM_HOME=... python bench/spark_resolve.py [--master local[2]]

Each engine starts from the records alone (persons, resolution events, households,
``SIMILAR`` pairs and the stored blocking keys' fingerprints removed) and uses the graph's
current model, which a first in-process run trains when there is none (not measured:
training on Spark is bench/spark_train.py's). Per run: wall time, CPU seconds of the
command's process tree (Spark's JVM and Python workers included: ``measure.run_sampled``) and of the Neo4j server,
peak RSS of the tree, the load average before and after. Then the two graphs: the same
partition of the records into persons, the same SIMILAR pairs (weight, probability,
explanation, band), the same households. Appended to ``bench/out/spark_resolve.jsonl``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from measure import run_sampled  # noqa: E402  (bench/ is the script's folder)

AIM = str(Path(sys.executable).with_name("aim"))
CLEAR = [
    "MATCH (n) WHERE n:Person OR n:ResolutionEvent OR n:Household CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH ()-[s:SIMILAR]->() CALL (s) { DELETE s } IN TRANSACTIONS OF 10000 ROWS",
    "MATCH (r:Record) CALL (r) { REMOVE r.bk_fp } IN TRANSACTIONS OF 10000 ROWS",
]


def clear(driver, db: str) -> None:
    """Back to the records alone (CALL IN TRANSACTIONS needs an auto-commit transaction)."""
    with driver.session(database=db) as session:
        for statement in CLEAR:
            session.run(statement).consume()


def graph_state(driver, db: str) -> dict:
    """Persons as sets of record keys, SIMILAR pairs with what is stored on them, households
    as their address and their members' record sets and periods."""
    held, _, _ = driver.execute_query(
        "MATCH (p:Person {status: 'active'})-[:HAS_RECORD]->(r:Record) "
        "RETURN p.person_id AS pid, collect(r.source + '|' + r.source_record_id) AS records", database_=db)
    similar, _, _ = driver.execute_query(
        "MATCH (a:Record)-[s:SIMILAR]->(b:Record) RETURN a.source + '|' + a.source_record_id AS a, "
        "b.source + '|' + b.source_record_id AS b, [s.match_weight, s.probability, s.explanation, s.band] AS v",
        database_=db)
    homes, _, _ = driver.execute_query(
        "MATCH (h:Household {status: 'active'})-[:AT]->(a:Address), (p:Person)-[m:MEMBER_OF]->(h) "
        "MATCH (p)-[:HAS_RECORD]->(r:Record) WITH a, p, m, collect(r.source + '|' + r.source_record_id) AS records "
        "RETURN a.key AS address, collect([records, toString(m.from), toString(m.to)]) AS members", database_=db)
    return {"persons": {frozenset(r["records"]) for r in held},
            "similar": {(r["a"], r["b"]): tuple(r["v"]) for r in similar},
            "households": {(r["address"], frozenset((frozenset(m[0]), m[1], m[2]) for m in r["members"]))
                           for r in homes}}


def measured(cmd: list[str], server: psutil.Process, name: str) -> dict:
    server_cpu = sum(server.cpu_times()[:2])
    load_before = os.getloadavg()
    m = run_sampled(cmd, HERE / "out" / f"spark_resolve_{name}.log", interval=0.2)
    out = {"wall_s": round(m.wall_s, 1), "cpu_s": round(m.cpu_s, 1),
           "server_cpu_s": round(sum(server.cpu_times()[:2]) - server_cpu, 1),
           "peak_tree_mb": round(m.peak_tree_bytes / 2**20), "load_before": [round(x, 1) for x in load_before],
           "load_after": [round(x, 1) for x in os.getloadavg()], "returncode": m.returncode}
    print(name, out, flush=True)
    if m.returncode:
        sys.exit((HERE / "out" / f"spark_resolve_{name}.log").read_text()[-3000:])
    return out


def main() -> None:
    from aim.graph.identity import current_model
    from aim.graph.store import LocalNeo4j, get_driver
    from aim.settings import get_settings

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--master", default="local[2]")
    a = ap.parse_args()
    settings = get_settings()
    db, driver = settings.neo4j_database, get_driver()
    server = psutil.Process(LocalNeo4j(settings).status().pid)
    (HERE / "out").mkdir(exist_ok=True)
    if current_model(driver, db) is None:
        clear(driver, db)
        measured([AIM, "resolve", "--quiet"], server, "train")
    clear(driver, db)
    local = measured([AIM, "resolve", "--quiet"], server, "local")
    expected = graph_state(driver, db)
    clear(driver, db)
    spark = measured([AIM, "resolve", "--engine", "spark", "--master", a.master, "--quiet"], server, "spark")
    got = graph_state(driver, db)
    same = {k: got[k] == expected[k] for k in expected}
    sizes = {k: len(v) for k, v in expected.items()}
    records = driver.execute_query("MATCH (r:Record) RETURN count(r) AS n", database_=db).records[0]["n"]
    row = {"at": time.strftime("%Y-%m-%dT%H:%M:%S"), "records": records, "master": a.master, "local": local,
           "spark": spark, "same": same, "sizes": sizes}
    print(json.dumps(row), flush=True)
    with open(HERE / "out" / "spark_resolve.jsonl", "a") as fh:
        fh.write(json.dumps(row) + "\n")


if __name__ == "__main__":
    main()
