"""Benchmark: real-time resolution through the HTTP API from concurrent partner clients,
this code against an earlier commit's real-time resolution, in the same run.

    AIM_HOME=... python bench/realtime.py --before ddd34f4^ --clients 4 --records 20 --repeat 2

Needs a resolved graph (``aim demo --no-serve``, or ``aim seed load`` then ``aim resolve``).
Two copies of the code are taken at the start: ``after`` as it is, ``before`` with the
files of ``REALTIME_FILES`` as at the ``--before`` ref. Each is served in turn by ``aim
serve`` (``--workers``) on the same database. Per phase, ``--clients`` partner clients (one
organisation each) submit at once ``--records`` new records each — half another agency's
record of a known person (some with a typo or another address), half someone new — one
per request (``single``) or ``--batch`` per request (``batch``), after ``--warmup``
records each (reported apart). Every submission goes through validation, ingest,
real-time resolution and incremental alert evaluation, as a partner's does.

``--resend``: what is timed is each record sent a second time, unchanged, with a new event
(a partner's next contact with someone it has sent before); the first sending is not timed.
With ``--rate`` too: every phase of the sweep sends its rows twice, the second time at the rate.

``--direct``: resolution alone (threads calling ``resolve_records`` in a child process
running each copy, on records ingested just before).

Reported per phase: records/s (wall time), p50/p95 latency per request, errors (a status
other than 200 or a resolution other than ``resolved``), CPU ms per record of the API
server (through the API only) and of Neo4j, and the load average before and after
(compare the sides within a repeat; which runs first alternates); records are new each phase.

``--rate R`` (or ``--rates 10,20,40``) measures the latency at an offered load: open loop,
single records, this code (and the ``--before`` side), one server per ``--workers`` count and
``--groups`` setting (``AIM_SUBMIT_GROUPS``; ``--groups 0,2``: group commit off and on in one run). After its
warm-up and the closed-loop phase (its saturation point), a phase per rate: requests
arrive on a seeded Poisson schedule, are sent on time (``--inflight`` at most per client)
and timed from then (no coordinated omission). ``--chart PATH`` draws p50/p95 against it.

``--gc``: each phase also reports the API server's garbage-collector passes (``realtime_gc``).
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Appended, so that a copy of the code on PYTHONPATH (--before, --direct) comes first.
sys.path.append(str(HERE.parent))

from bench.ingest import server_cpu  # noqa: E402
from bench.load import V1, Server, ensure_users, percentiles, tokens  # noqa: E402
from bench.realtime_chart import draw  # noqa: E402
from bench.realtime_gc import log_for, passes, traced  # noqa: E402
from bench.realtime_rows import make_rows  # noqa: E402

# Top-level folders installed as subpackages of aim (pyproject.toml [tool.setuptools]).
SUBPACKAGES = ("api", "cypher", "graph", "resolution", "seeds")
# What issue 16 changed in real-time resolution and the submission path (the files
# --before takes from its ref; one absent at the ref is absent from that side).
REALTIME_FILES = ("graph/identity/realtime.py", "graph/identity/locks.py", "graph/identity/models.py",
                  "api/services/records.py", "api/services/auditing.py", "graph/alerts/engine.py",
                  "resolution/predict.py", "resolution/explain.py", "resolution/records.py", "resolution/guard.py",
                  "resolution/clustering.py",
                  "resolution/standardise.py",
                  "api/deps.py", "graph/access/audit.py", "api/cli.py",
                  "api/routes/records.py", "api/app.py", "api/settings.py", "api/services/group_commit.py",
                  "graph/ingest/batch.py", "graph/alerts/report.py",
                  "cypher/resolution/candidates.cypher", "cypher/resolution/realtime_candidates.cypher",
                  "cypher/resolution/get_records.cypher", "cypher/resolution/lock_persons.cypher",
                  "cypher/resolution/write_similar.cypher", "cypher/alerts/households_of.cypher",
                  "cypher/alerts/merged.cypher", "cypher/api/audit_write.cypher")


def code_dir(name: str, before: str | None = None) -> Path:
    """A copy of the working tree's ``aim`` package as the install maps it, taken now (so
    that edits made while the benchmark runs change neither side); with ``before``, the
    real-time resolution files as they were at that git ref. The two sides differ in
    those files only."""
    root = HERE.parent
    tree = HERE / "out" / f"realtime-{name}"
    shutil.rmtree(tree, ignore_errors=True)
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(root / "aim", tree / "aim", ignore=skip)
    for sub in SUBPACKAGES:
        shutil.copytree(root / sub, tree / "aim" / sub, ignore=skip)
    if before:
        for path in REALTIME_FILES:
            shown = subprocess.run(["git", "show", f"{before}:{path}"], cwd=root, capture_output=True, text=True)
            if shown.returncode == 0:
                (tree / "aim" / path).write_text(shown.stdout)
            else:
                (tree / "aim" / path).unlink(missing_ok=True)
    return tree


@contextmanager
def serving(code: Path, workers: int = 1, env: dict[str, str] | None = None, gc_log: Path | None = None):
    """``aim serve`` (``workers`` processes) running the ``aim`` package in ``code``, with
    ``env`` (settings) added to its environment; ``gc_log``: its collector passes logged there."""
    saved = dict(os.environ)
    # Only that code on the path: neither the current directory nor the editable install first.
    os.environ |= {"PYTHONPATH": str(code), "PYTHONSAFEPATH": "1"} | (env or {}) | traced(code, gc_log)
    try:
        server = Server(workers=workers)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    try:
        server.wait()
        yield server.url, server.process.pid
    finally:
        server.stop()


def tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and its live children (``aim serve``'s workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return server_cpu(pid)["total"] + sum(tree_cpu(int(child)) for child in children)


def poisson_arrivals(rate: float, n: int, seed: int) -> list[float]:
    """When ``n`` requests are due, seconds from the start (seeded): a Poisson process of ``rate``
    a second given ``n`` arrivals in ``n / rate`` seconds (uniform times), so it offers ``rate``."""
    rng = random.Random(f"arrivals-{seed}")
    return sorted(rng.uniform(0, n / rate) for _ in range(n))


def _timed(submit, chunk: list[dict], since: float, out: dict) -> None:
    """``submit`` one chunk, timed from ``since`` (``submit`` returns what went wrong, or None)."""
    try:
        failed = submit(chunk)
    except Exception as exc:  # noqa: BLE001 - counted as an error
        failed = type(exc).__name__
    out["latency"].append(time.perf_counter() - since)
    if failed:
        out["errors"].append(failed)


def _loop(rows: list[dict], batch: int, start: threading.Barrier, out: dict, submit,
          arrivals: list[float] | None = None, inflight: int = 1) -> None:
    """One client: ``submit`` its rows ``batch`` at a time. Closed loop (no ``arrivals``): each
    call as soon as the previous one has answered, timed from its send. Open loop: chunk k is
    due ``arrivals[k]`` seconds after the start and sent from a pool of ``inflight`` threads,
    so that a slow answer does not hold back the next; timed from when it was due, any wait
    for a free thread or a late wake-up included (no coordinated omission)."""
    chunks = [rows[i:i + batch] for i in range(0, len(rows), batch)]
    start.wait()
    if arrivals is None:
        for chunk in chunks:
            _timed(submit, chunk, time.perf_counter(), out)
        return
    began = time.perf_counter()
    with ThreadPoolExecutor(inflight) as pool:
        for due, chunk in zip(arrivals, chunks, strict=True):
            time.sleep(max(0.0, began + due - time.perf_counter()))
            pool.submit(_timed, submit, chunk, began + due, out)


def api_client(url: str, toks: dict, batch: int, org: str, rows: list[dict], start, out, arrivals=None,
               inflight: int = 1) -> None:
    """A partner client: the rows through ``POST /records``; open loop with ``arrivals``, up to
    ``inflight`` requests at once, a connection each, an idle one dropped before the server's
    5 s keep-alive ends (else one is reused as the server closes it: RemoteProtocolError)."""
    import httpx

    limits = httpx.Limits(max_connections=max(inflight, 10), keepalive_expiry=2)
    with httpx.Client(base_url=url, timeout=120, limits=limits) as client:
        _loop(rows, batch, start, out, functools.partial(post_records, client, toks[org]), arrivals, inflight)


def post_records(client, token: str, chunk: list[dict]) -> str | None:
    """``POST /records`` of ``chunk`` with ``client`` (an ``httpx.Client`` on the API); None
    when every record was resolved, else what went wrong (the status, or the resolution)."""
    response = client.post(f"{V1}/records", json={"records": chunk}, headers={"Authorization": f"Bearer {token}"})
    if response.status_code != 200:
        return str(response.status_code)
    resolution = response.json()["resolution"]
    return None if resolution == "resolved" else resolution


def direct_client(driver, batch: int, org: str, rows: list[dict], start, out, arrivals=None) -> None:
    """Resolution alone: ``resolve_records`` on rows ingested beforehand, in this process."""
    from aim.graph.identity.realtime import resolve_records

    def submit(chunk: list[dict]) -> None:
        resolve_records([(org, r["source_record_id"]) for r in chunk], driver=driver)

    _loop(rows, batch, start, out, submit, arrivals)


def phase(driver, orgs: list[str], client, *, clients: int, records: int, seed: int, ingest: bool = False,
          api_pid: int | None = None, rate: float | None = None, resend: bool = False,
          gc_log: Path | None = None) -> dict:
    """``clients`` threads, each ``client(org, rows, start, out, arrivals)`` over ``records`` new
    rows of its own organisation, started together (``ingest``: the rows written first); with
    ``rate`` (records/s in all) open loop, each client's arrivals Poisson at ``rate / clients``.
    ``resend``: the rows are submitted once untimed, then timed again unchanged, each with a
    new event (a partner's next contact with people it has sent before).
    The CPU seconds of Neo4j and (``api_pid``) of the API server are taken around the phase, and
    (``gc_log``) the server's collector passes during it (``realtime_gc``)."""
    from aim.graph.store import LocalNeo4j
    from aim.settings import get_settings

    neo4j_pid = LocalNeo4j(get_settings()).status().pid
    run = uuid.uuid4().hex[:6].upper()
    work = [(orgs[n % len(orgs)], make_rows(driver, records, seed * 100 + n, orgs[n % len(orgs)], f"RT{run}{n}"))
            for n in range(clients)]
    if ingest:
        from aim.graph.ingest import write_rows
        from tests.factories import as_canonical

        write_rows(as_canonical([dict(r, source=org) for org, rows in work for r in rows]), driver=driver)
    arrivals = [poisson_arrivals(rate / clients, records, seed * 100 + n) if rate else None for n in range(clients)]
    if resend:
        _run_clients(client, work, [None] * clients)
        work = [(org, [dict(r, event_id=r["event_id"] + "N", event_date="02/10/2026") for r in rows])
                for org, rows in work]
    load_before = os.getloadavg()[0]
    cpu_before = (server_cpu(neo4j_pid)["total"], tree_cpu(api_pid) if api_pid else 0.0)
    began = time.time()
    out, wall = _run_clients(client, work, arrivals)
    collector = passes(gc_log, began, time.time()) if gc_log else {}
    neo4j_cpu, api_cpu = (server_cpu(neo4j_pid)["total"] - cpu_before[0],
                          tree_cpu(api_pid) - cpu_before[1] if api_pid else None)
    found = driver.execute_query(
        "UNWIND $keys AS k MATCH (:Record {source: k[0], source_record_id: k[1]})<-[:HAS_RECORD]-(p:Person) "
        "RETURN count(*) AS n", keys=[[org, r["source_record_id"]] for org, rows in work for r in rows])
    return {"records": clients * records, "seconds": round(wall, 1),
            "records_per_s": round(clients * records / wall, 1), **percentiles(out["latency"]),
            "errors": len(out["errors"]), "error_kinds": sorted(set(out["errors"])),
            "records_with_a_person": found[0][0]["n"],
            "api_cpu_ms_per_record": round(api_cpu * 1000 / (clients * records), 1) if api_pid else None,
            "neo4j_cpu_ms_per_record": round(neo4j_cpu * 1000 / (clients * records), 1),
            "load_1min_before": round(load_before, 1), "load_1min_after": round(os.getloadavg()[0], 1), **collector}


def _run_clients(client, work: list[tuple[str, list[dict]]], arrivals: list) -> tuple[dict, float]:
    """A thread a client over its (organisation, rows), started together: what they saw, and the wall time."""
    out = {"latency": [], "errors": []}
    start = threading.Barrier(len(work) + 1)
    threads = [threading.Thread(target=client, args=(org, rows, start, out, due))
               for (org, rows), due in zip(work, arrivals, strict=True)]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    return out, time.perf_counter() - began


def measure(args, code: Path, batch: int, seed: int, driver, orgs: list[str], toks: dict) -> dict:
    """One phase with the code in ``code``: through its ``aim serve``, or (``--direct``) in
    a child process running that code (this script with ``--direct-child``)."""
    if not args.direct:
        log = log_for(code, args.gc)
        with serving(code, args.workers[0], gc_log=log) as (url, pid):  # the closed-loop mode runs one server
            client = functools.partial(api_client, url, toks, batch)
            # warm-up, reported apart: the model, query plans and caches of a fresh server
            # (and Neo4j's JIT, which a production server has long finished)
            warm = phase(driver, orgs, client, clients=args.clients, records=args.warmup, seed=seed + 999,
                         api_pid=pid) if args.warmup else None
            return phase(driver, orgs, client, clients=args.clients, records=args.records, seed=seed,
                         api_pid=pid, resend=args.resend, gc_log=log) | {"warmup": warm, "resend": args.resend}
    command = [sys.executable, __file__, "--direct-child", "--clients", str(args.clients), "--records",
               str(args.records), "--batch", str(batch), "--seed", str(seed)]
    env = os.environ | {"PYTHONPATH": str(code), "PYTHONSAFEPATH": "1"}
    done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def in_turn(sides: dict[str, Path], repeat: int) -> list[tuple[str, Path]]:
    """The sides (name → code) in a repeat's order: the first alternates (Neo4j warms through a run)."""
    return sorted(sides.items(), reverse=(repeat % 2 == 0))


def sweep(args, sides: dict[str, Path], driver, orgs: list[str], toks: dict, about: dict) -> list[dict]:
    """Open loop, single records: per ``--workers`` count, ``--groups`` setting and side a fresh
    ``aim serve``; after its warm-up, the closed-loop phase (the saturation point, measured as
    the default mode measures it), then one open-loop phase per offered rate, lowest first."""
    results = []
    for repeat in range(args.repeat):
        for workers, groups, (side, code) in itertools.product(
                args.workers, args.groups or [None], in_turn(sides, repeat)):
            log = log_for(code, args.gc)
            env = {} if groups is None else {"AIM_SUBMIT_GROUPS": str(groups)}
            with serving(code, workers, env, log) as (url, pid):
                client = functools.partial(api_client, url, toks, 1, inflight=args.inflight)
                run = functools.partial(phase, driver, orgs, client, clients=args.clients, api_pid=pid,
                                        resend=args.resend, gc_log=log)
                each = about | {"kind": "single", "batch": 1, "repeat": repeat, "workers": workers, "code": side,
                                "before": args.before, "submit_groups": groups, "resend": args.resend}
                warm = run(records=args.warmup, seed=repeat * 100 + 99) if args.warmup else None
                closed = run(records=args.records, seed=repeat * 100)
                results.append(emit(args.json, each | {"loop": "closed"} | closed | {"warmup": warm}))
                for k, rate in enumerate(sorted(args.rate)):
                    offered = run(records=args.records, seed=repeat * 100 + k + 1, rate=rate)
                    results.append(emit(args.json, each | {"loop": "open", "offered_records_per_s": rate} | offered))
    return results


def emit(path: Path, result: dict) -> dict:
    """``result``, timed, printed and appended to the JSON lines at ``path``."""
    result = result | {"at": time.strftime("%Y-%m-%dT%H:%M:%S")}
    print(json.dumps(result), flush=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as fh:
        fh.write(json.dumps(result) + "\n")
    return result


def direct_child(args, driver, orgs: list[str]) -> None:
    client = functools.partial(direct_client, driver, args.batch)
    phase(driver, orgs, client, clients=args.clients, records=2, seed=999, ingest=True)  # warm-up
    print(json.dumps(phase(driver, orgs, client, clients=args.clients, records=args.records, seed=args.seed,
                           ingest=True)))


def _numbers(kind):
    """An argument type: a comma-separated list of ``kind``."""
    return lambda text: [kind(part) for part in text.split(",")]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", default=None,
                    help="git ref whose real-time resolution files to compare with (this code otherwise)")
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--records", type=int, default=20, help="records per client per phase")
    ap.add_argument("--batch", type=int, default=10, help="records per request in the batch phases")
    ap.add_argument("--warmup", type=int, default=2,
                    help="records per client submitted (as the phase submits them) before each phase, reported apart")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--workers", type=_numbers(int), default=[1],
                    help="aim serve worker processes (open loop: a comma list, a sweep each)")
    ap.add_argument("--rate", "--rates", type=_numbers(float), default=None,
                    help="open loop, single records: records/s offered in all over the clients, a Poisson "
                         "schedule (a comma list: a phase each, after the closed-loop phase)")
    ap.add_argument("--groups", type=_numbers(int), default=None,
                    help="open loop: AIM_SUBMIT_GROUPS of the server, a comma list, a sweep each (0: no group "
                         "commit; the server's default otherwise)")
    ap.add_argument("--inflight", type=int, default=16, help="open loop: requests in flight at most per client")
    ap.add_argument("--chart", type=Path, default=None, help="open loop: draw latency against offered load here")
    ap.add_argument("--resend", action="store_true",
                    help="closed loop: time the phase's records sent a second time, unchanged, each with a new event")
    ap.add_argument("--gc", action="store_true",
                    help="through the API: the server's garbage-collector passes per phase (bench/realtime_gc.py)")
    ap.add_argument("--direct", action="store_true",
                    help="resolution alone: threads calling resolve_records in process, no HTTP, ingest or alerts")
    ap.add_argument("--direct-child", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--json", type=Path, default=HERE / "out" / "realtime.jsonl")
    args = ap.parse_args()
    if args.rate and args.direct or not args.rate and (len(args.workers) > 1 or args.chart or args.groups):
        ap.error("--rate: through the API (no --direct); --chart, --groups, several --workers need it")

    import logging

    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    from aim.graph.store import get_driver, migrate
    from aim.settings import get_settings

    driver = get_driver()
    orgs = sorted(r["code"] for r in driver.execute_query("MATCH (r:Record) RETURN DISTINCT r.source AS code").records)
    if args.direct_child:
        direct_child(args, driver, orgs)
        return
    migrate(driver, get_settings().neo4j_database)
    ensure_users(orgs)
    toks = tokens(orgs)
    graph = {"records": driver.execute_query("MATCH (r:Record) RETURN count(r) AS n")[0][0]["n"],
             "persons": driver.execute_query("MATCH (p:Person {status: 'active'}) RETURN count(p) AS n")[0][0]["n"]}
    print(json.dumps({"graph": graph, "cpus": os.cpu_count()}))
    sides = {"after": code_dir("after")} | ({"before": code_dir("before", args.before)} if args.before else {})
    if args.rate:
        about = {"bench": "realtime", "via": "api", "clients": args.clients, "graph": graph}
        results = sweep(args, sides, driver, orgs, toks, about)
        if args.chart:
            draw(results, args.chart)
        return
    for repeat in range(args.repeat):
        for kind, batch in (("single", 1), ("batch", args.batch)):
            for side, code in in_turn(sides, repeat):
                result = measure(args, code, batch, repeat * 10 + batch, driver, orgs, toks)
                emit(args.json, {"bench": "realtime", "via": "direct" if args.direct else "api", "code": side,
                                 "before": args.before, "kind": kind, "batch": batch, "repeat": repeat,
                                 "clients": args.clients, "workers": args.workers[0], "graph": graph, **result})


if __name__ == "__main__":
    main()
