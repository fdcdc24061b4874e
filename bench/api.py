"""API latency under a steady open-loop load, and the throughput at which p95 crosses 200 ms.

Starts ``aim serve`` (uvicorn, one worker) against the configured Neo4j (``AIM_HOME``),
signs in as a MASH user made for the benchmark, samples real subjects and names from the
graph, then fires requests on a fixed schedule (open loop: a request is sent at its
scheduled time whether or not earlier ones have answered, and its latency counts from that
time, so queueing is not hidden). Per endpoint: p50/p95/p99 at ``--rate`` (default 50/s),
the CPU milliseconds per request of the API server and of Neo4j (steadier than latency on a
shared machine) and the load average; then a mixed search/view/timeline sweep of increasing
rates until p95 exceeds 200 ms.

Run it with another checkout's interpreter (its editable install) to measure that code
against the same server: ``/tmp/before/.venv/bin/python bench/api.py ...``.

    AIM_HOME=.aim/h-api python bench/api.py --duration 30 --rate 50 --out bench-api.json
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import time
from pathlib import Path

import httpx
import numpy as np
import psutil
from load import Server  # bench/ is the script's folder

V1 = "/api/v1"
# A run sends thousands of searches and views as one MASH user: above the role's daily quotas
# (500 searches, 600 people), which would answer 429 after the first few seconds.
QUOTAS = {"AIM_DAILY_SEARCHES": '{"mash": 100000000}', "AIM_DAILY_SUBJECTS": '{"mash": 100000000}'}
PURPOSE = {"X-AIM-Purpose": "benchmark"}  # a header: never in the URL


def ensure_user(driver, database: str) -> tuple[str, str]:
    from aim.graph.access.users import UserError, create_user, set_password

    username, password = "bench-mash", secrets.token_urlsafe(18)
    try:
        create_user(driver, database, username, password, "mash", "MASH", "API benchmark")
    except UserError:
        set_password(driver, database, username, password)
    # The day's count starts empty, as a real user's does: the people viewed today are one
    # list on the user's day (at most the role's 600 for a real user), which runs with the
    # quotas lifted would otherwise grow from run to run, each view rewriting it.
    driver.execute_query("MATCH (u:DailyUsage {username: $username}) DELETE u", username=username,
                         database_=database)
    return username, password


def sample(driver, database: str, n: int) -> list[dict]:
    """Random records with their subject id (the person when resolved)."""
    total = driver.execute_query("MATCH (r:Record) RETURN count(r) AS n", database_=database)[0][0]["n"]
    rows, _, _ = driver.execute_query(
        "MATCH (r:Record) WHERE rand() < $p WITH r LIMIT $n OPTIONAL MATCH (p:Person)-[:HAS_RECORD]->(r) "
        "RETURN r.first_name AS first, r.last_name AS last, toString(r.date_of_birth) AS dob, "
        "coalesce(p.person_id, 'rec:' + r.source + ':' + r.source_record_id) AS subject",
        p=min(1.0, 3.0 * n / max(total, 1)), n=n, database_=database)
    return [dict(r) for r in rows]


def typo(name: str, rng: random.Random) -> str:
    if not name or len(name) < 4 or rng.random() < 0.5:
        return name or ""
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2:]


def request_for(kind: str, item: dict, rng: random.Random) -> tuple[str, str, dict]:
    """(method, url, httpx arguments): a search is a POST (names never in a URL)."""
    if kind == "search":
        body = {"first_name": typo(item["first"], rng), "last_name": item["last"]}
        if item["dob"] and rng.random() < 0.5:
            body["date_of_birth"] = item["dob"]
        return "POST", f"{V1}/persons/search", {"json": body}
    if kind == "view":
        return "GET", f"{V1}/persons/{item['subject']}", {}
    return "GET", f"{V1}/persons/{item['subject']}/timeline", {"params": {"page_size": 20}}


async def open_loop(base: str, token: str, kinds: list[str], items: list[dict], rate: float, duration: float,
                    seed: int = 1) -> dict:
    rng = random.Random(seed)
    latencies: dict[str, list[float]] = {k: [] for k in kinds}
    errors: dict[str, int] = {k: 0 for k in kinds}
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=1000)
    headers = {"Authorization": f"Bearer {token}"} | PURPOSE
    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=30.0) as client:
        n = int(rate * duration)
        start = time.perf_counter() + 0.2
        tasks = []

        async def one(i: int) -> None:
            kind = kinds[i % len(kinds)]
            method, url, arguments = request_for(kind, items[rng.randrange(len(items))], rng)
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                response = await client.request(method, url, **arguments)
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            latencies[kind].append((time.perf_counter() - scheduled) * 1000)
            if not ok:
                errors[kind] += 1

        for i in range(n):
            tasks.append(asyncio.create_task(one(i)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    out = {}
    for kind in kinds:
        values = np.array(latencies[kind])
        out[kind] = {
            "requests": int(values.size), "errors": errors[kind],
            "p50_ms": round(float(np.percentile(values, 50)), 1), "p95_ms": round(float(np.percentile(values, 95)), 1),
            "p99_ms": round(float(np.percentile(values, 99)), 1),
        }
    every = np.concatenate([np.array(latencies[k]) for k in kinds])
    out["all"] = {"requests": int(every.size), "achieved_rps": round(every.size / elapsed, 1),
                  "p95_ms": round(float(np.percentile(every, 95)), 1), "errors": sum(errors.values())}
    return out


def cpu_seconds(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its live children (``aim
    serve``'s workers)."""
    process = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])


def measured(base: str, token: str, kinds: list[str], items: list[dict], rate: float, duration: float,
             pids: tuple[int, int]) -> dict:
    """An open-loop run, with the API server's (``pids[0]``) and Neo4j's (``pids[1]``) CPU
    milliseconds per request and the load average at its end."""
    before = [cpu_seconds(pid) for pid in pids]
    result = asyncio.run(open_loop(base, token, kinds, items, rate, duration))
    api, neo4j = (round((cpu_seconds(pid) - spent) * 1000 / result["all"]["requests"], 1)
                  for pid, spent in zip(pids, before))
    result["all"] |= {"api_cpu_ms_per_request": api, "neo4j_cpu_ms_per_request": neo4j,
                      "load_average": [round(x, 1) for x in os.getloadavg()]}
    return result


def drain(base: str, timeout: float = 120.0) -> None:
    """Wait until the server has worked off any backlog (three quick answers in a row)."""
    deadline, quick = time.monotonic() + timeout, 0
    while quick < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            httpx.get(f"{base}{V1}/health/live", timeout=60)
        except httpx.HTTPError:
            pass
        quick = quick + 1 if time.perf_counter() - started < 0.05 else 0
        time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=50.0, help="requests per second per endpoint run")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per run")
    parser.add_argument("--samples", type=int, default=500, help="records sampled for requests")
    parser.add_argument("--sweep", default="50,100,150,200,300,400", help="mixed-load rates to try")
    parser.add_argument("--sweep-duration", type=float, default=20.0)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--only", default="search,view,timeline", help="endpoints to measure one by one")
    args = parser.parse_args()

    from aim.api.settings import get_api_settings
    from aim.graph.store import LocalNeo4j, connect

    settings = get_api_settings()
    driver = connect(settings)
    db = settings.neo4j_database
    records = driver.execute_query("MATCH (r:Record) RETURN count(r) AS n", database_=db)[0][0]["n"]
    events = driver.execute_query("MATCH (e:Event) RETURN count(e) AS n", database_=db)[0][0]["n"]
    persons = driver.execute_query("MATCH (p:Person) RETURN count(p) AS n", database_=db)[0][0]["n"]
    username, password = ensure_user(driver, db)
    items = sample(driver, db, args.samples)
    driver.close()
    neo4j_pid = LocalNeo4j(settings).status().pid

    os.environ.update(QUOTAS)  # the server inherits them
    server = Server(args.workers)
    base = server.url
    try:
        server.wait()
        token = httpx.post(f"{base}{V1}/auth/token", data={"username": username, "password": password}).json()[
            "access_token"]
        # warm up (caches, JIT-compiled query plans)
        asyncio.run(open_loop(base, token, ["search", "view", "timeline"], items, 20, 5, seed=99))
        result = {"graph": {"records": records, "events": events, "persons": persons}, "rate": args.rate,
                  "duration_s": args.duration, "endpoints": {}, "sweep": []}
        result["workers"] = args.workers
        result["load_average_before"] = os.getloadavg()
        for kind in [k for k in args.only.split(",") if k]:
            drain(base)
            run = measured(base, token, [kind], items, args.rate, args.duration, (server.process.pid, neo4j_pid))
            result["endpoints"][kind] = run[kind] | {k: v for k, v in run["all"].items() if k not in run[kind]}
            print(kind, result["endpoints"][kind], flush=True)
        for rate in [float(r) for r in args.sweep.split(",") if r]:
            drain(base)
            mixed = measured(base, token, ["search", "view", "timeline"], items, rate, args.sweep_duration,
                             (server.process.pid, neo4j_pid))
            result["sweep"].append({"rate": rate, **mixed["all"]})
            print("sweep", rate, mixed["all"], flush=True)
            if mixed["all"]["p95_ms"] > 200:
                break
        result["load_average_after"] = os.getloadavg()
        crossed = [s for s in result["sweep"] if s["p95_ms"] > 200]
        result["p95_crosses_200ms_at_rps"] = crossed[0]["rate"] if crossed else None
        text = json.dumps(result, indent=2)
        print(text)
        if args.out:
            args.out.write_text(text)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
