"""Benchmark: batch resolution in the graph (``aim resolve``) on a seeds population.

    aim seed generate --people 300000 --out DIR && aim seed load DIR     # once
    AIM_HOME=... python bench/graph_resolve.py DIR [--train] [--skip-run]

1. runs ``aim resolve`` in a child process and measures its wall time and peak memory
   (RSS of the process tree, sampled every 0.2 s; the Neo4j server is separate and runs
   with its configured heap and page cache);
2. exports the persons in the graph and scores them against the truth — per record
   (``truth/records.csv``) and per canonical row (``truth/link_truth.csv``, the figure
   ``aim link`` + ``aim evaluate`` report offline);
3. runs the engine offline on the *same records as the graph holds* (exported from
   the graph) and on ``canonical.csv``, and scores both the same way, so the graph's
   figure can be compared with the engine's own.

Results are printed and appended to ``bench/out/graph_resolve.jsonl``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from measure import run_sampled  # noqa: E402  (bench/ is the script's folder)


def run_measured(cmd: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak RSS (MB) of the process tree, return code, output tail."""
    log = HERE / "out" / "graph_resolve_stage.log"
    m = run_sampled(cmd, log, interval=0.2)
    return m.wall_s, m.peak_tree_bytes / 2**20, m.returncode, log.read_text()[-3000:]


def engine_code() -> str:
    """The commit and whether resolution/ has uncommitted changes: the engine is compared
    with itself only when both runs used the same code."""
    root = HERE.parent
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "resolution"], cwd=root, capture_output=True, text=True).stdout
    return head + ("+dirty" if dirty.strip() else "")


def truth_per_record(seed_dir: Path, path: Path) -> Path:
    from aim.graph.identity.keys import record_key as key_str

    with open(seed_dir / "truth" / "records.csv", newline="") as src, open(path, "w", newline="") as dst:
        w = csv.writer(dst)
        w.writerow(["record_id", "entity_id"])
        for row in csv.DictReader(src):
            w.writerow([key_str(row["source"], row["source_record_id"]), row["person_id"]])
    return path


def export_graph_records(path: Path) -> int:
    from aim.graph.store import get_driver
    from aim.graph.identity import read_records
    from aim.settings import get_settings

    cols, _ = read_records(get_driver(), get_settings().neo4j_database)
    names = ["record_id", "source", "source_record_id", "first_name", "last_name", "date_of_birth",
             "gender", "address", "postcode"]
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(names)
        w.writerows(zip(*(cols[n] for n in names)))
    return len(cols["record_id"])


def score(truth: Path, clusters: Path) -> dict:
    from aim.resolution.evaluate import evaluate_files

    r = evaluate_files(truth, clusters)
    return {k: (round(v, 5) if isinstance(v, float) else v) for k, v in r.items()
            if k in ("records", "precision", "recall", "f1", "bcubed_f1", "predicted_entities",
                     "true_entities", "missing_from_clusters")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("seed_dir", type=Path)
    ap.add_argument("--train", action="store_true", help="aim resolve --train")
    ap.add_argument("--skip-run", action="store_true", help="score the graph as it is")
    ap.add_argument("--skip-offline", action="store_true")
    ap.add_argument("--json", type=Path, default=HERE / "out" / "graph_resolve.jsonl")
    args = ap.parse_args()
    out = HERE / "out"
    out.mkdir(exist_ok=True)
    aim = str(Path(sys.executable).with_name("aim"))
    result: dict = {"bench": "graph_resolve", "seed_dir": str(args.seed_dir), "aim_home": os.environ.get("AIM_HOME"),
                    "engine_code": engine_code()}

    if not args.skip_run:
        cmd = [aim, "resolve", "-q"] + (["--train"] if args.train else [])
        wall, peak, rc, tail = run_measured(cmd)
        print(tail)
        if rc:
            raise SystemExit(f"aim resolve failed ({rc})")
        result.update(resolve_wall_s=round(wall, 1), resolve_peak_rss_mb=round(peak))

    from aim.graph.identity import export_clusters
    from aim.graph.store import get_driver

    truth_rec = truth_per_record(args.seed_dir, out / "truth_records.csv")
    export_clusters(out / "graph_persons_records.csv", driver=get_driver())
    export_clusters(out / "graph_persons_rows.csv", driver=get_driver(), canonical=str(args.seed_dir / "canonical.csv"))
    result["graph_per_record"] = score(truth_rec, out / "graph_persons_records.csv")
    result["graph_per_row"] = score(args.seed_dir / "truth" / "link_truth.csv", out / "graph_persons_rows.csv")

    if not args.skip_offline:
        n = export_graph_records(out / "graph_records.csv")
        wall, peak, rc, tail = run_measured([aim, "link", str(out / "graph_records.csv"), "--out",
                                             str(out / "offline_graph_records.csv"), "-q"])
        result["offline_same_records"] = score(truth_rec, out / "offline_graph_records.csv") | {
            "wall_s": round(wall, 1), "peak_rss_mb": round(peak), "records": n}
        wall, peak, rc, tail = run_measured([aim, "link", str(args.seed_dir / "canonical.csv"), "--out",
                                             str(out / "offline_canonical.csv"), "-q"])
        result["offline_canonical_per_row"] = score(args.seed_dir / "truth" / "link_truth.csv",
                                                    out / "offline_canonical.csv") | {
            "wall_s": round(wall, 1), "peak_rss_mb": round(peak)}
    result["engine_code_after"] = engine_code()
    result["at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    print(json.dumps(result, indent=1))
    with open(args.json, "a") as fh:
        fh.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
