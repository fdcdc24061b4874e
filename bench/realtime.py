"""Benchmark: real-time resolution latency with the whole population in the graph.

    AIM_HOME=... python bench/realtime.py --records 300

Needs a resolved graph (``aim seed load DIR`` then ``aim resolve``). Makes ``--records``
new agency records — half perturbed copies of records already in the graph (another
agency's record of a known person: typo in the given name, another address for some),
half new people — ingests them all through the normal ingest path under source
``BENCH``, then resolves them one at a time with :func:`aim.graph.realtime.resolve_records`
(the call the API makes right after an ingest) and reports the latency distribution and
what happened (joined / new / merged). ``--cleanup`` removes the BENCH records and the
persons made only of them afterwards (a re-run of ``aim resolve`` restores the rest).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def _typo(name: str, rng: random.Random) -> str:
    if not name or len(name) < 4:
        return name or ""
    i = rng.randrange(1, len(name) - 2)
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def make_rows(driver, n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    total = driver.execute_query("MATCH (r:Record) RETURN count(r) AS n")[0][0]["n"]
    skip = rng.randrange(max(1, total - n))
    sample, _, _ = driver.execute_query(
        "MATCH (r:Record) WHERE r.date_of_birth IS NOT NULL "
        "RETURN r.first_name AS f, r.last_name AS l, toString(r.date_of_birth) AS d, r.gender AS g, "
        "r.address AS a, r.postcode AS p SKIP $skip LIMIT $n", skip=skip, n=n)
    rows = []
    for k in range(n):
        base = sample[k % len(sample)]
        if k % 2 == 0:  # another agency's record of a known person
            first = _typo(base["f"], rng) if rng.random() < 0.3 else base["f"]
            address, postcode = (base["a"], base["p"]) if rng.random() < 0.7 else ("1 Bench Road", "B1 1BB")
            last, dob = base["l"], base["d"]
        else:  # someone new
            other = sample[rng.randrange(len(sample))]
            first, last = other["f"], f"Benchmark{k}"
            dob = (date(1950, 1, 1) + timedelta(days=rng.randrange(25000))).isoformat()
            address, postcode = f"{rng.randrange(1, 300)} Bench Street", "B2 2BB"
        y, m, d = dob.split("-")
        rows.append({
            "source": "BENCH", "source_record_id": f"BR{k:06d}", "first_name": first, "last_name": last,
            "date_of_birth": f"{d}/{m}/{y}", "gender": base["g"] or "U", "address": address or "",
            "postcode": postcode or "", "event_id": f"BE{k:06d}", "event_date": "01/10/2026",
            "event_type": "concern_for_welfare",
        })
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cleanup", action="store_true")
    ap.add_argument("--json", type=Path, default=HERE / "out" / "realtime.jsonl")
    args = ap.parse_args()

    import logging

    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    from aim.graph.store import get_driver
    from aim.graph.ingest import ingest_file
    from aim.graph.identity.realtime import resolve_records
    from aim.settings import get_settings
    from tests.factories import write_csv

    settings = get_settings()
    driver = get_driver()
    records = driver.execute_query("MATCH (r:Record) RETURN count(r) AS n")[0][0]["n"]
    persons = driver.execute_query("MATCH (p:Person {status: 'active'}) RETURN count(p) AS n")[0][0]["n"]
    rows = make_rows(driver, args.records, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        report = ingest_file(write_csv(Path(tmp) / "bench.csv", rows), progress=False, driver=driver, settings=settings)
    keys = [(r["source"], r["source_record_id"]) for r in rows]
    resolve_records(keys[:5], driver=driver)  # warm up: model load, query plans, caches
    lat = []
    outcome = {"joined": 0, "new": 0, "several_persons": 0}
    for key in keys[5:]:
        t = time.perf_counter()
        affected = resolve_records([key], driver=driver)
        lat.append((time.perf_counter() - t) * 1000)
        got = driver.execute_query(
            "MATCH (r:Record {source: $s, source_record_id: $i})<-[:HAS_RECORD]-(p:Person) "
            "RETURN p.record_count AS n", s=key[0], i=key[1])[0]
        n = got[0]["n"] if got else 0
        outcome["new" if n == 1 else "several_persons" if len(affected) > 1 else "joined"] += 1
    lat.sort()

    def pct(q):
        return lat[min(len(lat) - 1, int(round(q * (len(lat) - 1))))]

    result = {
        "bench": "realtime", "records_in_graph": records, "persons_in_graph": persons,
        "resolved": len(lat), "ingested": report.accepted, "p50_ms": round(pct(0.5), 1),
        "p95_ms": round(pct(0.95), 1), "p99_ms": round(pct(0.99), 1), "max_ms": round(lat[-1], 1),
        "mean_ms": round(statistics.mean(lat), 1), "outcomes": outcome,
        "at": time.strftime("%Y-%m-%dT%H:%M:%S"),
    }
    print(json.dumps(result, indent=1))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    with open(args.json, "a") as fh:
        fh.write(json.dumps(result) + "\n")
    if args.cleanup:
        driver.execute_query(
            "MATCH (r:Record {source: 'BENCH'}) OPTIONAL MATCH (r)-[:HAS_EVENT]->(e:Event) DETACH DELETE r, e")
        driver.execute_query(
            "MATCH (p:Person {status: 'active'}) WHERE NOT (p)-[:HAS_RECORD]->() DETACH DELETE p")


if __name__ == "__main__":
    main()
