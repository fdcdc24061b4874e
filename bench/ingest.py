"""Ingest throughput into Neo4j: rows per second for a first load, an idempotent re-load and
the bulk path (``aim ingest --bulk``, Neo4j's offline importer, into the emptied database).

    python bench/ingest.py --rows 100000 --before 798368c
    python bench/ingest.py --file POPULATION.csv --before 798368c --no-bulk

Uses its own AIM home (``.aim/bench``) and Neo4j server, started when not running. Each load
runs ``ingest_file`` in a child process, so that its CPU seconds are its own; the Neo4j
server's CPU seconds come from its ``/proc`` entry, with those of its garbage collector's and
JIT compilers' threads apart (the JIT's are the server's warm-up: compare warm rounds); a
transaction of the load open 30 s or more is named with its statement (sampled every 2 s). With
``--before REF`` the same file is also loaded by the loader as it was at REF (``graph/ingest``,
``cypher/ingest`` and ``aim/canonical`` from that commit, the rest as now) against the same server, right
after the current one.
``--file`` loads another population (a canonical CSV with its source column, such as
``aim seed generate``'s or ``aim seed independent``'s ``canonical.csv``) instead of the
generated rows, whose addresses are not shared. The peer is the naive approach the
batching replaces: one transaction per row, on a sample. The bulk path runs at two sizes
(the file and its first ``--bulk-small`` rows): the difference gives its cost per row apart
from its fixed costs (the server's stop and start, the importer's JVM, the schema's indexes).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Appended, so that a copy of the code on PYTHONPATH (--before) comes first.
sys.path.append(str(ROOT))
os.environ.setdefault("AIM_HOME", str(ROOT / ".aim" / "bench"))

# What issue 16 changed in loading (the folders --before takes from its ref).
INGEST_FOLDERS = ("graph/ingest", "cypher/ingest", "aim/canonical")


def ingest_code(name: str, before: str | None = None) -> Path:
    """A copy of the ``aim`` package as the install maps it; with ``before``, the ingest
    folders as they were at that git ref."""
    from bench.realtime import code_dir

    tree = code_dir(f"ingest-{name}")
    for folder in INGEST_FOLDERS if before else ():
        package = tree if folder.startswith("aim/") else tree / "aim"  # aim/ is the package itself
        shutil.rmtree(package / folder)
        archive = subprocess.run(["git", "archive", before, folder], cwd=ROOT, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(package)], input=archive.stdout, check=True)
    return tree


def load_worker(path: Path, batch_size: int) -> None:
    """Child process: one ``ingest_file``; prints its wall and CPU seconds and counts."""
    from aim.graph.ingest import ingest_file
    from aim.graph.store import get_driver
    from aim.settings import get_settings

    settings = get_settings().model_copy(update={"ingest_batch_size": batch_size})
    driver = get_driver()
    start, cpu = time.perf_counter(), time.process_time()
    report = ingest_file(path, progress=False, driver=driver, settings=settings)
    print(json.dumps({"seconds": time.perf_counter() - start, "loader_cpu": time.process_time() - cpu}
                     | asdict(report.written)))


# The JVM's own threads, by the start of their names, apart from the work asked of the
# server (Bolt workers, page cache, index population).
THREAD_GROUPS = {"GC Thread": "gc", "G1 ": "gc", "C1 Compiler": "jit", "C2 Compiler": "jit", "Sweeper": "jit"}


def _cpu_seconds(stat: Path) -> float:
    fields = stat.read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int) -> Counter:
    """CPU seconds (user + system) the Neo4j server has used so far (``total``, ended threads
    included), and those of its garbage collector's (``gc``) and JIT compilers' (``jit``, the
    server's warm-up) threads."""
    spent = Counter(total=_cpu_seconds(Path(f"/proc/{pid}/stat")))
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            name, seconds = (task / "comm").read_text(), _cpu_seconds(task / "stat")
        except OSError:  # the thread ended meanwhile
            continue
        group = next((g for prefix, g in THREAD_GROUPS.items() if name.startswith(prefix)), None)
        if group:
            spent[group] += seconds
    return spent


# A statement that runs far longer than a batch ever should is named in the output (session 10
# once saw a re-load take 310 s instead of 4, and nothing said which statement it was).
LONG_TRANSACTION_S = 30
SAMPLE_EVERY_S = 2.0


def sample_long_transactions(driver, stop: threading.Event, longest: dict[str, int]) -> None:
    """Until ``stop``: the statement of each server transaction open for LONG_TRANSACTION_S
    or more (its Cypher without comments, shortened), with the longest time it was seen open."""
    while not stop.wait(SAMPLE_EVERY_S):
        records, _, _ = driver.execute_query(
            "SHOW TRANSACTIONS YIELD currentQuery, elapsedTime "
            "WHERE elapsedTime.seconds >= $long AND NOT currentQuery STARTS WITH 'SHOW TRANSACTIONS' "
            "RETURN currentQuery, elapsedTime.seconds AS seconds", long=LONG_TRANSACTION_S)
        for record in records:
            code = " ".join(line.strip() for line in record["currentQuery"].splitlines() if not line.startswith("//"))
            if code:
                longest[code[:100]] = max(longest.get(code[:100], 0), record["seconds"])


def timed_load(code: Path, path: Path, batch_size: int, server_pid: int, driver) -> dict:
    """One load by the loader in ``code``, with the server's CPU seconds over it and the
    statements of its transactions that stayed open long (``long``)."""
    environment = os.environ | {"PYTHONPATH": str(code), "PYTHONSAFEPATH": "1"}
    stop, longest = threading.Event(), {}
    sampler = threading.Thread(target=sample_long_transactions, args=(driver, stop, longest), daemon=True)
    before = server_cpu(server_pid)
    sampler.start()
    try:
        result = subprocess.run([sys.executable, __file__, "--load-worker", str(path), "--batch-size",
                                 str(batch_size)], env=environment, check=True, capture_output=True, text=True)
    finally:
        stop.set()
        sampler.join()
    spent = server_cpu(server_pid) - before
    return json.loads(result.stdout.splitlines()[-1]) | {"server_cpu": spent["total"], "server_gc": spent["gc"],
                                                          "server_jit": spent["jit"], "long": longest}


def describe(label: str, rows: int, run: dict) -> str:
    cpu = run["loader_cpu"] + run["server_cpu"]
    long = "".join(f"\n{'':34} open {seconds} s: {code}" for code, seconds in run["long"].items())
    return (f"{label:<34} {run['seconds']:7.1f} s {rows / run['seconds']:9,.0f} rows/s   CPU s: loader "
            f"{run['loader_cpu']:5.1f}, Neo4j {run['server_cpu']:5.1f} (GC {run['server_gc']:4.1f}, "
            f"JIT {run['server_jit']:4.1f}) → {rows / cpu:7,.0f} rows per CPU-second{long}")


def first_rows(path: Path, rows: int, out: Path) -> Path:
    """The header and the first ``rows`` lines of ``path`` (the canonical files hold no line breaks in values)."""
    with open(path, encoding="utf-8") as source, open(out, "w", encoding="utf-8") as target:
        target.writelines(line for _, line in zip(range(rows + 1), source))
    return out


def timed_bulk(path: Path, driver, settings) -> float:
    from aim.graph.ingest import bulk_ingest_file
    from tests.graph_helpers import wipe

    wipe(driver, settings.neo4j_database)
    start = time.perf_counter()
    bulk_ingest_file(path, driver=driver, settings=settings)
    return time.perf_counter() - start


def measure_sides(sides: dict[str, Path], path: Path, repeat: int, driver, settings, pid: int) -> list[tuple]:
    """A first load into the emptied graph and a re-load, by each loader, ``repeat`` times.

    The order alternates: the first load after a wipe pays for the server's clean-up of the
    deleted graph (and the first run for its JIT), so a fixed order would favour one side.
    """
    from tests.graph_helpers import counts, wipe

    runs = []
    for round_ in range(repeat):
        for name in (list(sides) if round_ % 2 == 0 else list(sides)[::-1]):
            wipe(driver, settings.neo4j_database)
            first = timed_load(sides[name], path, settings.ingest_batch_size, pid, driver)
            after_first = counts(driver, settings.neo4j_database)
            again = timed_load(sides[name], path, settings.ingest_batch_size, pid, driver)
            runs.append((name, {"first": first, "again": again, "counts": after_first,
                                "same": counts(driver, settings.neo4j_database) == after_first}))
            print(f"[{name}] load average now {os.getloadavg()[0]:.1f}", flush=True)
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", type=Path, help="a canonical CSV to load instead of --rows generated rows")
    parser.add_argument("--sample", type=int, default=2_000, help="rows for the one-row-per-transaction peer")
    parser.add_argument("--bulk-small", type=int, default=10_000, help="rows of the bulk path's second, smaller run")
    parser.add_argument("--before", default=None, help="git ref whose loader is measured too, on the same file")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of first load and re-load per loader")
    parser.add_argument("--no-bulk", action="store_true")
    parser.add_argument("--load-worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--batch-size", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.load_worker:
        return load_worker(args.load_worker, args.batch_size)

    from aim.graph.store import LocalNeo4j, get_driver, migrate
    from aim.settings import get_settings
    from tests.factories import canonical_rows, write_csv
    from tests.graph_helpers import counts, wipe

    settings = get_settings()
    server = LocalNeo4j(settings)
    pid = server.start().pid
    driver = get_driver()
    migrate(driver, settings.neo4j_database)
    sides = {"after": ingest_code("after")} | ({"before": ingest_code("before", args.before)} if args.before else {})
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory() as folder:
        path = args.file or write_csv(Path(folder) / "rows.csv", canonical_rows(args.rows))
        if args.file:
            with open(path, "rb") as handle:
                args.rows = sum(1 for _ in handle) - 1
        runs = measure_sides(sides, path, args.repeat, driver, settings, pid)

        wipe(driver, settings.neo4j_database)
        sample = write_csv(Path(folder) / "sample.csv", canonical_rows(args.sample, seed=2))
        peer = timed_load(sides["after"], sample, 1, pid, driver)

        if not args.no_bulk:
            bulk_s = timed_bulk(path, driver, settings)
            bulk_same = counts(driver, settings.neo4j_database) == runs[0][1]["counts"]
            small_s = timed_bulk(first_rows(path, args.bulk_small, Path(folder) / "small.csv"), driver, settings)
        wipe(driver, settings.neo4j_database)

    after = next(result for name, result in runs if name == "after")
    first = after["first"]
    print(f"{args.file or 'generated rows'}: {args.rows:,} rows ({first['new_records']:,} records, "
          f"{first['new_events']:,} events), "
          f"batch size {settings.ingest_batch_size:,}; Neo4j heap {settings.neo4j_heap}, "
          f"page cache {settings.neo4j_pagecache}")
    for name, result in runs:
        print(describe(f"[{name}] first load", args.rows, result["first"]))
        print(describe(f"[{name}] idempotent re-load", args.rows, result["again"]))
        print(f"{'':34} counts identical after the re-load: {result['same']}; "
              f"re-load new {result['again']['new_records']}, updated {result['again']['updated_records']}")
    if args.before:
        print(f"counts identical, every run of both loaders: {len({str(r['counts']) for _, r in runs}) == 1}")
    print(describe(f"peer, one transaction per row ({args.sample:,} rows)", args.sample, peer))
    print(f"batched first load / peer: {args.rows / after['first']['seconds'] / (args.sample / peer['seconds']):.0f}x")
    if not args.no_bulk:
        per_row = (bulk_s - small_s) / (args.rows - args.bulk_small)
        print(f"bulk (empty database): {bulk_s:.1f} s {args.rows / bulk_s:,.0f} rows/s (counts identical to the "
              f"first load: {bulk_same}); {args.bulk_small:,} rows: {small_s:.1f} s → "
              f"{per_row * 1e6:.0f} µs a row ({1 / per_row:,.0f} rows/s) + {bulk_s - per_row * args.rows:.1f} s fixed")
    print(f"load average (1, 5, 15 min) at the start: {' '.join(f'{x:.1f}' for x in load_start)}; "
          f"at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
