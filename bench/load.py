"""Load test: API reads and writes together over loopback for a bounded time.

    AIM_HOME=... python bench/load.py --seed-dir DIR [--seconds 60] [--writers 4] [--readers 4]

Starts ``aim serve`` in a child process (its own port, a throw-away signing secret, rate
limits raised), creates partner users for every agency and a MASH user, then runs
``--writers`` partner clients submitting batches of records (asyncio + httpx) and
``--readers`` MASH clients searching, viewing persons and timelines, all at once, for
``--seconds``. The records are the seeds population's own people (names, dates of birth,
addresses of ``canonical.csv``) under new record ids and event ids, so real-time
resolution links them to the persons already in the graph; a quarter of the batches
re-send an earlier batch (an idempotent retry, as a partner would after a time-out).

Afterwards every accepted submission is looked up in the graph: a record or event that
was accepted but is not there is a **lost write**. Reported: requests, throughput, error
rate by status, latency percentiles per operation, lost writes. ``--json`` appends the
result to a file; ``bench/run.py`` calls :func:`run_load` and puts it in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import random
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

V1 = "/api/v1"
SECRET = "load-test-" + uuid.uuid4().hex + uuid.uuid4().hex
FIELDS = ("first_name", "last_name", "middle_names", "date_of_birth", "gender", "address", "postcode", "event_type")


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    xs = sorted(values)

    def p(q: float) -> float:
        return round(1000 * xs[min(len(xs) - 1, int(q * len(xs)))], 1)

    return {"n": len(xs), "p50_ms": p(0.50), "p90_ms": p(0.90), "p95_ms": p(0.95), "p99_ms": p(0.99),
            "max_ms": round(1000 * xs[-1], 1), "mean_ms": round(1000 * sum(xs) / len(xs), 1)}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def templates(seed_dir: Path, limit: int = 20000) -> list[dict]:
    with open(seed_dir / "canonical.csv", newline="", encoding="utf-8") as handle:
        rows = [row for _, row in zip(range(limit), csv.DictReader(handle))]
    return [r for r in rows if r.get("event_date")]


def ensure_users(orgs: list[str]) -> None:
    from aim import cypher
    from aim.graph.store import get_driver
    from aim.graph.access.users import get_user, hash_password
    from aim.settings import get_settings

    driver, db = get_driver(), get_settings().neo4j_database
    password_hash = hash_password(uuid.uuid4().hex)
    wanted = [(f"load_{o.lower()}", "partner", o) for o in orgs] + [("load_mash", "mash", "MASH")]
    for username, role, org in wanted:
        if get_user(driver, db, username) is None:
            driver.execute_query(cypher.load("api/users_create"), username=username, password_hash=password_hash,
                                 role=role, organisation=org, full_name="load test", database_=db)


def tokens(orgs: list[str]) -> dict[str, str]:
    from aim.api.security import issue_token
    from aim.api.settings import ApiSettings

    settings = ApiSettings(jwt_secret=SECRET, token_minutes=24 * 60)
    out = {o: issue_token(settings, {"username": f"load_{o.lower()}", "role": "partner", "organisation": o})[0]
           for o in orgs}
    out["MASH"] = issue_token(settings, {"username": "load_mash", "role": "mash", "organisation": "MASH"})[0]
    return out


class Server:
    """``aim serve`` in a child process."""

    def __init__(self, workers: int = 1) -> None:
        self.port = free_port()
        env = os.environ | {"AIM_JWT_SECRET": SECRET, "AIM_RATE_LIMIT_PER_MINUTE": "10000000",
                            "AIM_RATE_LIMIT_BURST": "1000000"}
        (HERE / "out").mkdir(exist_ok=True)
        self.log = open(HERE / "out" / "load-server.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "aim.cli", "serve", "--port", str(self.port), "--workers", str(workers),
             "--log-level", "warning"], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        self.url = f"http://127.0.0.1:{self.port}"

    def wait(self, timeout: float = 90) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"aim serve exited; see {self.log.name}")
            try:
                if httpx.get(f"{self.url}{V1}/health/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        raise RuntimeError("aim serve did not become ready")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


async def _writer(n: int, client, rows: list[dict], toks: dict, stop: float, stats, accepted, run: str) -> None:
    rng = random.Random(n)
    sent: list[tuple[str, list[dict]]] = []
    i = 0
    while time.monotonic() < stop:
        if sent and rng.random() < 0.25:  # an idempotent re-send of an earlier batch
            org, records = rng.choice(sent)
            kind = "write_resend"
        else:
            org = rng.choice(sorted({r["source"] for r in rows}))
            mine = [r for r in rng.sample(rows, min(len(rows), 200)) if r["source"] == org][:20] or rows[:1]
            org = mine[0]["source"]
            records = []
            for r in mine:
                i += 1
                records.append({k: r[k] for k in FIELDS if r.get(k)} | {
                    "source_record_id": f"{run}-{n}-{i}", "event_id": f"{run}-E{n}-{i}",
                    "event_date": r["event_date"]})
            sent.append((org, records))
            kind = "write"
        t = time.perf_counter()
        try:
            response = await client.post(f"{V1}/records", json={"records": records},
                                         headers={"Authorization": f"Bearer {toks[org]}"})
            status = response.status_code
        except Exception as exc:  # noqa: BLE001 - counted as an error
            status = type(exc).__name__
        stats["latency"][kind].append(time.perf_counter() - t)
        stats["status"][kind][str(status)] += 1
        if status == 200:
            body = response.json()
            for row, result in zip(records, body["results"], strict=True):
                if result["status"] == "accepted":
                    accepted.add((org, row["source_record_id"], row["event_id"]))


async def _reader(n: int, client, rows: list[dict], toks: dict, stop: float, stats) -> None:
    rng = random.Random(1000 + n)
    headers = {"Authorization": f"Bearer {toks['MASH']}", "X-AIM-Purpose": "load test"}
    found: list[str] = []
    while time.monotonic() < stop:
        roll = rng.random()
        if found and roll < 0.3:
            kind, path, params = "person_view", f"{V1}/persons/{rng.choice(found)}", None
        elif found and roll < 0.5:
            kind, path, params = "timeline", f"{V1}/persons/{rng.choice(found)}/timeline", None
        else:
            r = rng.choice(rows)
            kind, path = "search", f"{V1}/persons/search"
            params = {"last_name": r["last_name"], "first_name": r["first_name"]}
        t = time.perf_counter()
        try:
            response = await client.get(path, params=params, headers=headers)
            status = response.status_code
        except Exception as exc:  # noqa: BLE001
            status = type(exc).__name__
        stats["latency"][kind].append(time.perf_counter() - t)
        stats["status"][kind][str(status)] += 1
        if kind == "search" and status == 200:
            found.extend(h["subject_id"] for h in response.json()["results"][:3])
            del found[:-200]


def verify(accepted: set[tuple[str, str, str]]) -> dict:
    """Every accepted (organisation, record id, event id) must be in the graph."""
    from aim.graph.store import get_driver
    from aim.settings import get_settings

    rows = [list(a) for a in sorted(accepted)]
    missing_records = missing_events = 0
    for start in range(0, len(rows), 5000):
        chunk = rows[start:start + 5000]
        records, _, _ = get_driver().execute_query(
            "UNWIND $rows AS k OPTIONAL MATCH (r:Record {source: k[0], source_record_id: k[1]}) "
            "OPTIONAL MATCH (r)-[:HAS_EVENT]->(e:Event {source: k[0], event_id: k[2]}) "
            "RETURN sum(CASE WHEN r IS NULL THEN 1 ELSE 0 END) AS no_record, "
            "sum(CASE WHEN e IS NULL THEN 1 ELSE 0 END) AS no_event", rows=chunk,
            database_=get_settings().neo4j_database)
        missing_records += records[0]["no_record"]
        missing_events += records[0]["no_event"]
    return {"accepted_rows": len(rows), "lost_records": missing_records, "lost_events": missing_events}


async def _drive(url: str, rows: list[dict], toks: dict, seconds: float, writers: int, readers: int,
                 run: str) -> tuple[dict, set]:
    import httpx

    stats = {"latency": defaultdict(list), "status": defaultdict(Counter)}
    accepted: set = set()
    limits = httpx.Limits(max_connections=writers + readers + 4)
    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as client:
        stop = time.monotonic() + seconds
        tasks = [_writer(n, client, rows, toks, stop, stats, accepted, run) for n in range(writers)]
        tasks += [_reader(n, client, rows, toks, stop, stats) for n in range(readers)]
        await asyncio.gather(*tasks)
    return stats, accepted


def run_load(seed_dir: Path, seconds: float = 60, writers: int = 4, readers: int = 4, workers: int = 1) -> dict:
    rows = templates(Path(seed_dir))
    orgs = sorted({r["source"] for r in rows})
    ensure_users(orgs)
    toks = tokens(orgs)
    server = Server(workers)
    try:
        server.wait()
        run = "LOAD" + uuid.uuid4().hex[:6]
        started = time.perf_counter()
        stats, accepted = asyncio.run(_drive(server.url, rows, toks, seconds, writers, readers, run))
        elapsed = time.perf_counter() - started
    finally:
        server.stop()
    checked = verify(accepted)
    total = sum(sum(c.values()) for c in stats["status"].values())
    errors = sum(n for c in stats["status"].values() for s, n in c.items() if s != "200")
    return {
        "seconds": round(elapsed, 1), "writers": writers, "readers": readers, "uvicorn_workers": workers,
        "requests": total, "requests_per_s": round(total / elapsed, 1), "errors": errors,
        "error_rate": round(errors / total, 4) if total else None,
        "status": {k: dict(v) for k, v in stats["status"].items()},
        "latency": {k: percentiles(v) for k, v in stats["latency"].items()},
        "rows_accepted_per_s": round(checked["accepted_rows"] / elapsed, 1),
        **checked,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed-dir", type=Path, required=True, help="output of `aim seed generate` (loaded)")
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--readers", type=int, default=4)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--json", type=Path, default=HERE / "out" / "load.jsonl")
    a = ap.parse_args()
    result = run_load(a.seed_dir, a.seconds, a.writers, a.readers, a.workers)
    print(json.dumps(result, indent=2))
    a.json.parent.mkdir(parents=True, exist_ok=True)
    with open(a.json, "a") as fh:
        fh.write(json.dumps(result) + "\n")
    if result["lost_records"] or result["lost_events"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
