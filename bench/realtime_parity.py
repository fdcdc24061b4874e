"""Benchmark check: partner clients submitting at once end with the persons that a
sequential run of the same records gives, at the graph's own size (issue 16: "persons
equal to a sequential run", which the tests show on small graphs).

    AIM_HOME=.aim/rt1m python bench/realtime_parity.py --clients 4 --records 100

Needs a resolved graph in the local Neo4j (``aim db start``). Steps:

1. Neo4j is stopped and its data folder and the audit trail's copy are saved beside them.
2. ``--clients`` partner clients (one organisation each) submit ``--records`` single records
   each at once through ``aim serve`` (the rows ``bench/realtime_rows.py`` makes: half
   another agency's record of a known person, half someone new; group commit as configured).
   With ``--overlap`` the clients' known people are the same, in the same order: at each
   turn every client sends its own agency's record of one person.
3. For every submitted record, the records its person holds are read.
4. Neo4j is stopped, the saved data folder and copy put back, and the same records are
   submitted one at a time (the clients' rows taken in turn), then read again.
5. Compared: the submitted records whose person holds other records in the two runs.

The graph is left as the sequential run made it, and the save is deleted. Needs free disk
for one copy of the database. Prints one JSON line (the runs' seconds are those of a server
just started, its page cache cold: not the latencies bench/realtime.py measures).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import random
import shutil
import sys
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.append(str(HERE.parent))

from bench.load import ensure_users, tokens  # noqa: E402
from bench.realtime import _run_clients, api_client, code_dir, post_records, serving  # noqa: E402
from bench.realtime_rows import make_rows, sample_records  # noqa: E402

HOLDERS = """
UNWIND $keys AS key
MATCH (:Record {source: key[0], source_record_id: key[1]})<-[:HAS_RECORD]-(p:Person)
MATCH (p)-[:HAS_RECORD]->(o:Record)
RETURN key, collect(o.source + '|' + o.source_record_id) AS records
"""


def holders(driver, keys: list[list[str]]) -> dict[tuple[str, str], frozenset[str]]:
    """Per submitted record, the records its person holds (a record no person holds is absent)."""
    return {tuple(r["key"]): frozenset(r["records"]) for r in driver.execute_query(HOLDERS, keys=keys).records}


class Saved:
    """The database's files and the audit trail's copy, saved with Neo4j stopped, and put back."""

    def __init__(self, settings):
        from aim.graph.store import LocalNeo4j

        self.server = LocalNeo4j(settings)
        self.paths = [p for p in (self.server.data, settings.audit_log_path) if p.exists()]

    def save(self) -> float:
        began = time.perf_counter()
        self.server.stop()
        try:
            for path in self.paths:
                copy = shutil.copytree if path.is_dir() else shutil.copy2
                copy(path, self._saved(path))
        except BaseException:
            self.discard()
            raise
        finally:
            self.server.start()
        return time.perf_counter() - began

    def restore(self) -> float:
        began = time.perf_counter()
        self.server.stop()
        for path in self.paths:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
            self._saved(path).rename(path)
        self.server.start()
        return time.perf_counter() - began

    def discard(self) -> None:
        for path in self.paths:
            saved = self._saved(path)
            if saved.is_dir():
                shutil.rmtree(saved)
            else:
                saved.unlink(missing_ok=True)

    @staticmethod
    def _saved(path: Path) -> Path:
        return path.with_name(path.name + ".parity-save")


def one_at_a_time(url: str, toks: dict, work: list[tuple[str, list[dict]]]) -> dict:
    """The clients' rows in turn (client 1's first, client 2's first, ...), one request at a time."""
    import httpx

    turns = itertools.zip_longest(*[[(org, row) for row in rows] for org, rows in work])
    with httpx.Client(base_url=url, timeout=120) as client:
        outcomes = [post_records(client, toks[org], [row]) for turn in turns for org, row in filter(None, turn)]
    return {"errors": [error for error in outcomes if error]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--records", type=int, default=100, help="single records per client")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--overlap", action="store_true",
                    help="every client sends a record of the same known people at the same turn (its own "
                         "agency's), so that their resolutions meet")
    args = ap.parse_args()

    import logging

    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    from aim.graph.store import get_driver
    from aim.settings import get_settings

    settings, driver = get_settings(), get_driver()
    orgs = sorted(r["code"] for r in driver.execute_query("MATCH (r:Record) RETURN DISTINCT r.source AS code").records)
    ensure_users(orgs)
    toks = tokens(orgs)
    run = uuid.uuid4().hex[:6].upper()
    shared = sample_records(driver, args.records, random.Random(args.seed)) if args.overlap else None
    work = [(orgs[n % len(orgs)], make_rows(driver, args.records, args.seed * 100 + n, orgs[n % len(orgs)],
                                            f"RP{run}{n}", shared)) for n in range(args.clients)]
    keys = [[org, row["source_record_id"]] for org, rows in work for row in rows]
    graph = driver.execute_query("MATCH (r:Record) RETURN count(r) AS n")[0][0]["n"]
    saved = Saved(settings)
    save_s = saved.save()
    code = code_dir("after")
    try:
        with serving(code) as (url, _):
            together, wall = _run_clients(functools.partial(api_client, url, toks, 1), work, [None] * len(work))
        concurrent = holders(driver, keys)
        restore_s = saved.restore()
    except BaseException:
        saved.discard()
        raise
    with serving(code) as (url, _):
        began = time.perf_counter()
        alone = one_at_a_time(url, toks, work)
        sequential_wall = time.perf_counter() - began
    sequential = holders(driver, keys)
    differ = sorted(k for k in map(tuple, keys) if concurrent.get(k) != sequential.get(k))
    print(json.dumps({
        "bench": "realtime_parity", "graph_records": graph, "clients": args.clients, "records": len(keys),
        "overlap": args.overlap, "submit_groups": os.environ.get("AIM_SUBMIT_GROUPS", "default"),
        "concurrent": {"seconds": round(wall, 1), "errors": len(together["errors"]),
                       "records_with_a_person": len(concurrent)},
        "sequential": {"seconds": round(sequential_wall, 1), "errors": len(alone["errors"]),
                       "records_with_a_person": len(sequential)},
        "persons_concurrent": len(set(concurrent.values())), "persons_sequential": len(set(sequential.values())),
        "records_whose_person_differs": len(differ), "examples": [list(k) for k in differ[:5]],
        "save_s": round(save_s, 1), "restore_s": round(restore_s, 1)}), flush=True)


if __name__ == "__main__":
    main()
