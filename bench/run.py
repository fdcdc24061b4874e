"""The whole pipeline on seeds data, measured, written to docs/benchmarks.md.

    AIM_HOME=... aim db start
    AIM_HOME=... python bench/run.py --records 30000 [--load-seconds 60] [--no-splink]

**It empties the graph of that AIM_HOME.** Stages, each its own child process measured the
same way (wall time; peak RSS of the process tree sampled every 0.1 s; the Neo4j server's
own RSS sampled alongside, as it is a separate process with a fixed heap + page cache):

1. ``aim seed generate`` — ``--records`` is the target number of agency rows (a person
   has ~3.3 rows on average, so people = records / 3.3);
2. ``aim seed load`` — every agency export through the normal ingest path, with its mapping;
3. ``aim resolve`` — batch resolution in the graph (train, score, cluster, households);
4. ``aim alerts run`` — every rule, as of the data set's 'today';
5. quality: ``aim persons-export`` + ``aim evaluate`` (pairwise and B-cubed F1 against the
   truth); Splink on the same canonical rows in the same run (``bench/resolve.py``'s
   worker, scored by the same evaluator); ``aim alerts evaluate`` (recall, precision);
6. API load: ``bench/load.py`` — reads and writes together over loopback, lost writes.

Results are appended to ``bench/out/run.jsonl`` and rendered into ``docs/benchmarks.md``
(the previous run's section for the same size is replaced; other sizes are kept).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from measure import run_sampled  # noqa: E402  (bench/ is the script's folder)

ROWS_PER_PERSON = 3.32  # measured: 996,016 agency rows for 300,000 people (docs/seeds.md)
TODAY = "2026-11-01"


def neo4j_pid() -> int | None:
    from aim.settings import get_settings

    state = get_settings().neo4j_home / "state.json"
    return json.loads(state.read_text())["pid"] if state.exists() else None


def measured(name: str, cmd: list[str], log_dir: Path) -> dict:
    """Run ``cmd``; wall time, peak RSS of its process tree and of the Neo4j server."""
    log = log_dir / f"{name}.log"
    m = run_sampled(cmd, log, watch_pid=neo4j_pid())
    if m.returncode != 0:
        raise RuntimeError(f"{name}: {' '.join(cmd[:5])} failed ({m.returncode}); see {log}:\n{log.read_text()[-3000:]}")
    client_mb, neo4j_mb = m.peak_tree_bytes / 2**20, m.peak_watched_bytes / 2**20
    print(f"  {name}: {m.wall_s:.1f} s, peak {client_mb:.0f} MB (Neo4j {neo4j_mb:.0f} MB)", flush=True)
    return {"wall_s": round(m.wall_s, 2), "peak_rss_mb": round(client_mb),
            "neo4j_peak_rss_mb": round(neo4j_mb), "log": str(log.relative_to(REPO))}


def aim(*args: str) -> list[str]:
    return [sys.executable, "-m", "aim.cli", *args]


def last_json(path: Path):
    """The JSON document a command printed (possibly after other output)."""
    text = path.read_text()
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    return json.loads(text[start:]) if start >= 0 else None


def machine() -> dict:
    import psutil

    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    versions = {}
    for dist in ("neo4j", "fastapi", "uvicorn", "numpy", "splink", "httpx"):
        try:
            from importlib.metadata import version

            versions[dist] = version(dist)
        except Exception:  # noqa: BLE001
            versions[dist] = "not installed"
    from aim.settings import get_settings

    s = get_settings()
    java = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr.splitlines()
    return {
        "cpu": cpu, "cores": os.cpu_count(), "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "available_ram_gb_at_start": round(psutil.virtual_memory().available / 2**30, 1),
        "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
        "os": platform.platform(), "python": platform.python_version(), "java": java[0] if java else "?",
        "neo4j_server": s.neo4j_version, "apoc": s.apoc_version, "gds": s.gds_version,
        "neo4j_heap": s.neo4j_heap, "neo4j_pagecache": s.neo4j_pagecache, "python_packages": versions,
    }


def graph_counts() -> dict:
    from aim.graph.store import get_driver
    from aim.settings import get_settings

    db = get_settings().neo4j_database
    nodes, _, _ = get_driver().execute_query(
        "MATCH (n) UNWIND labels(n) AS l RETURN l, count(*) AS n ORDER BY l", database_=db)
    rels, _, _ = get_driver().execute_query("MATCH ()-[r]->() RETURN count(r) AS n", database_=db)
    return {r["l"]: r["n"] for r in nodes} | {"relationships": rels[0]["n"]}


def run(a: argparse.Namespace) -> dict:
    from aim.graph.store import get_driver
    from aim.graph.store import migrate
    from aim.settings import get_settings

    people = max(50, round(a.records / ROWS_PER_PERSON))
    work = (a.work or HERE / "out" / f"run-{a.records}").resolve()
    work.mkdir(parents=True, exist_ok=True)
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    seed_dir = work / "seed"
    result: dict = {"started": datetime.now(UTC).isoformat(timespec="seconds"), "records_target": a.records,
                    "people": people, "machine": machine(), "stages": {}, "quality": {}}
    stages = result["stages"]
    print(f"pipeline on {people:,} people (~{a.records:,} agency rows) in {work}", flush=True)

    stages["generate"] = measured("generate", aim("seed", "generate", "--people", str(people), "--seed", str(a.seed),
                                                  "--out", str(seed_dir), "--today", TODAY, "--no-progress"), logs)
    manifest = json.loads((seed_dir / "manifest.json").read_text())
    counts = manifest.get("counts", {})
    rows = sum(counts.get("rows", {}).values()) if isinstance(counts.get("rows"), dict) else None
    if rows is None:
        with open(seed_dir / "canonical.csv", "rb") as fh:
            rows = sum(1 for _ in fh) - 1
    result["agency_rows"] = rows

    driver, db = get_driver(), get_settings().neo4j_database
    with driver.session(database=db) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()
    migrate(driver, db)

    stages["ingest"] = measured("ingest", aim("seed", "load", str(seed_dir), "--no-progress"), logs)
    stages["ingest"]["rows_per_s"] = round(rows / stages["ingest"]["wall_s"], 1)
    after_ingest = graph_counts()
    stages["resolve"] = measured("resolve", aim("resolve", "--quiet"), logs)
    stages["resolve"]["records_per_s"] = round(after_ingest.get("Record", 0) / stages["resolve"]["wall_s"], 1)
    stages["alerts"] = measured("alerts", aim("alerts", "run", "--today", TODAY), logs)
    result["graph"] = graph_counts()

    # Quality: resolution against the truth, and Splink on the same rows.
    clusters = work / "graph_clusters.csv"
    stages["export_persons"] = measured("persons-export", aim("persons-export", str(clusters), "--canonical",
                                                              str(seed_dir / "canonical.csv")), logs)
    measured("evaluate-aim", aim("evaluate", str(seed_dir / "truth" / "link_truth.csv"), str(clusters), "--json"),
             logs)
    result["quality"]["aim_graph"] = last_json(logs / "evaluate-aim.log")
    if a.splink:
        out = work / "splink_clusters.csv"
        try:
            stages["splink"] = measured("splink", [sys.executable, str(HERE / "resolve.py"), "--splink-worker",
                                                   str(seed_dir / "canonical.csv"), str(out), "--threshold", "0.95",
                                                   "--uk"], logs)
            measured("evaluate-splink", aim("evaluate", str(seed_dir / "truth" / "link_truth.csv"), str(out),
                                            "--json"), logs)
            result["quality"]["splink"] = last_json(logs / "evaluate-splink.log")
        except RuntimeError as exc:
            result["quality"]["splink"] = {"error": str(exc)[:300]}
    try:
        measured("alerts-evaluate", aim("alerts", "evaluate", str(seed_dir), "--today", TODAY, "--json"), logs)
        result["quality"]["alerts"] = last_json(logs / "alerts-evaluate.log")
    except RuntimeError as exc:
        result["quality"]["alerts"] = {"error": str(exc)[:300]}

    if a.load_seconds > 0:
        from bench.load import run_load

        print(f"  API load: {a.load_seconds:.0f} s, {a.writers} writers + {a.readers} readers", flush=True)
        result["load"] = run_load(seed_dir, a.load_seconds, a.writers, a.readers)
        print(f"  load: {result['load']['requests']:,} requests, {result['load']['errors']} errors, "
              f"lost records {result['load']['lost_records']}, lost events {result['load']['lost_events']}",
              flush=True)
    result["machine"]["load_average_at_end"] = [round(x, 1) for x in os.getloadavg()]
    result["finished"] = datetime.now(UTC).isoformat(timespec="seconds")
    return result


# ----------------------------------------------------------------------------- report


def _mb(v) -> str:
    return f"{v:,}" if isinstance(v, (int, float)) else "–"


def _f(v, digits: int = 4) -> str:
    return f"{v:.{digits}f}" if isinstance(v, (int, float)) else "–"


def _pick(d: dict | None, *names):
    if not isinstance(d, dict):
        return None
    for n in names:
        if n in d:
            return d[n]
    return None


def render(r: dict) -> str:
    m = r["machine"]
    s = r["stages"]
    lines = [
        f"### {r['agency_rows']:,} agency rows ({r['people']:,} people)",
        "",
        f"`python bench/run.py --records {r['records_target']}` — {r['started']} to {r['finished']} (UTC).",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM ({m['available_ram_gb_at_start']} GB "
        f"available at the start); load average {m['load_average_at_start']} at the start and "
        f"{m['load_average_at_end']} at the end (the machine was shared with other jobs, so wall times are "
        f"pessimistic). {m['os']}; Python {m['python']}; {m['java']}; Neo4j Community {m['neo4j_server']} "
        f"(heap {m['neo4j_heap']}, page cache {m['neo4j_pagecache']}), APOC {m['apoc']}, GDS {m['gds']}; "
        + ", ".join(f"{k} {v}" for k, v in m["python_packages"].items()) + ".",
        "",
        "| stage | command | wall (s) | throughput | peak RSS, client (MB) | peak RSS, Neo4j (MB) |",
        "|---|---|---:|---|---:|---:|",
    ]
    rows = [
        ("generate", "aim seed generate", f"{r['agency_rows'] / s['generate']['wall_s']:,.0f} rows/s"),
        ("ingest", "aim seed load", f"{s['ingest']['rows_per_s']:,.0f} rows/s"),
        ("resolve", "aim resolve", f"{s['resolve']['records_per_s']:,.0f} records/s"),
        ("alerts", "aim alerts run", ""),
        ("export_persons", "aim persons-export", ""),
        ("splink", "Splink (DuckDB) on canonical.csv", ""),
    ]
    for key, cmd, tp in rows:
        if key in s:
            lines.append(f"| {key} | `{cmd}` | {s[key]['wall_s']:,.1f} | {tp} | {_mb(s[key]['peak_rss_mb'])} | "
                         f"{_mb(s[key]['neo4j_peak_rss_mb'])} |")
    g = r.get("graph", {})
    lines += ["", "Graph after the pipeline: " + ", ".join(f"{k} {v:,}" for k, v in g.items()) + ".", ""]
    q = r["quality"]
    lines += ["#### Quality", "", "| resolution | pairwise precision | pairwise recall | pairwise F1 | B-cubed F1 |",
              "|---|---:|---:|---:|---:|"]
    for name, res in (("AIM (graph, `aim resolve`)", q.get("aim_graph")), ("Splink, same rows, same run",
                                                                          q.get("splink"))):
        if res is None:
            continue
        if "error" in res:
            lines.append(f"| {name} | failed: {res['error'][:120]} | | | |")
            continue
        lines.append(f"| {name} | {_f(_pick(res, 'pairwise_precision', 'precision'))} | "
                     f"{_f(_pick(res, 'pairwise_recall', 'recall'))} | {_f(_pick(res, 'pairwise_f1', 'f1'))} | "
                     f"{_f(_pick(res, 'bcubed_f1', 'b3_f1'))} |")
    alerts = q.get("alerts")
    if isinstance(alerts, dict) and "error" not in alerts:
        overall = alerts.get("overall", alerts)
        lines += ["", "Alerts (`aim alerts evaluate`, replaying the rules against the labelled scenarios): "
                  + ", ".join(f"{k} {_f(v, 3) if isinstance(v, float) else v}" for k, v in overall.items()
                              if isinstance(v, (int, float, str))) + "."]
    elif alerts:
        lines += ["", f"Alerts evaluation failed: {alerts.get('error', '')[:200]}"]
    load = r.get("load")
    if load:
        lines += ["", "#### API load (`bench/load.py`)", "",
                  f"{load['writers']} partner clients submitting batches of up to 20 records (a quarter of them "
                  f"re-sends) and {load['readers']} MASH clients searching and viewing, together for "
                  f"{load['seconds']:.0f} s over loopback against `aim serve` (1 uvicorn worker): "
                  f"{load['requests']:,} requests ({load['requests_per_s']:.1f}/s), "
                  f"{load['errors']} errors (error rate {load['error_rate']:.2%}), "
                  f"{load['accepted_rows']:,} rows accepted ({load['rows_accepted_per_s']:.1f}/s). "
                  f"**Lost writes: {load['lost_records']} records, {load['lost_events']} events** "
                  "(every accepted row looked up in the graph afterwards).", "",
                  "| operation | requests | p50 (ms) | p90 | p95 | p99 | max | statuses |",
                  "|---|---:|---:|---:|---:|---:|---:|---|"]
        for op, lat in load["latency"].items():
            lines.append(f"| {op} | {lat['n']:,} | {lat.get('p50_ms')} | {lat.get('p90_ms')} | {lat.get('p95_ms')} | "
                         f"{lat.get('p99_ms')} | {lat.get('max_ms')} | "
                         f"{', '.join(f'{k}: {v}' for k, v in load['status'].get(op, {}).items())} |")
    return "\n".join(lines) + "\n"


def write_doc(section: str, records: int, doc: Path) -> None:
    marker_start, marker_end = f"<!-- run:{records}:start -->", f"<!-- run:{records}:end -->"
    block = f"{marker_start}\n{section}{marker_end}\n"
    text = doc.read_text() if doc.exists() else (
        "# Benchmarks\n\nMeasured by `bench/run.py` (whole pipeline) and `bench/load.py` (API load); "
        "see the end of this page for what was not run.\n\n")
    if marker_start in text:
        text = re.sub(re.escape(marker_start) + ".*?" + re.escape(marker_end) + "\n", lambda _: block, text,
                      flags=re.S)
    elif "<!-- runs:end -->" in text:
        text = text.replace("<!-- runs:end -->", block + "<!-- runs:end -->")
    else:
        text += block
    doc.write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=30000, help="target number of agency rows")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=None, help="working directory [bench/out/run-RECORDS]")
    ap.add_argument("--load-seconds", type=float, default=60)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--readers", type=int, default=4)
    ap.add_argument("--splink", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--doc", type=Path, default=REPO / "docs" / "benchmarks.md")
    ap.add_argument("--render-only", type=Path, help="re-render docs/benchmarks.md from a run's JSON")
    a = ap.parse_args()
    if a.render_only:
        result = json.loads(a.render_only.read_text())
    else:
        result = run(a)
        (HERE / "out").mkdir(exist_ok=True)
        with open(HERE / "out" / "run.jsonl", "a") as fh:
            fh.write(json.dumps(result) + "\n")
        (HERE / "out" / f"run-{a.records}.json").write_text(json.dumps(result, indent=1))
    write_doc(render(result), result["records_target"], a.doc)
    print(f"written to {a.doc}")


if __name__ == "__main__":
    main()
