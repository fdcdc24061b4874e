"""Benchmark: AIM in process, AIM on Spark (local[1], local[2]) and Splink on its Spark
backend, same data, same run.

    python bench/spark.py --dataset seeds --records 100000
    python bench/spark.py --dataset febrl3 --systems aim,spark2
    python bench/spark.py --dataset seeds --records 1000000 --systems aim,spark2,splink-spark

AIM's model is trained once in process (``aim train``, timed on its own) and every AIM
run links with that model file, so the backends are compared on the same model: their
entities must agree (``agreement_f1``: pairwise F1 of each run against the in-process
run, 1.0 = the same partition). Each system runs as a child process; wall time, CPU
seconds and peak memory are of its whole process tree (the Spark driver JVM and its
Python workers included: ``measure.run_sampled``). Splink gets the Spark settings its guide
recommends (``_splink_spark``). Results are appended to ``WORK/spark.jsonl``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time
from pathlib import Path

from measure import run_sampled  # noqa: E402  (bench/ is the script's folder)
from resolve import febrl, seeds, splink_worker  # noqa: E402

from aim.resolution.backends.spark import DRIVER_MEMORY  # noqa: E402  (Splink gets the same driver)


def _aim(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("aim")), *args]


def _splink_spark(records: str, out: str, threshold: float, uk: bool, master: str) -> None:
    """The bench's Splink model (bench/resolve.py) on Splink's Spark backend."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import SparkAPI, similarity_jar_location

    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    # Splink's guide "Optimising Spark performance": parallelism and shuffle partitions
    # about 5 x the cores (Spark's default of 200 is 100 tiny tasks per core here), lineage
    # broken by Parquet files (its default), and few partitions on repartition, since the
    # output of predict() is well under 100 MB a file at these sizes.
    cores = int(master[len("local["):-1]) if master.startswith("local[") else os.cpu_count()
    spark = (SparkSession.builder.master(master).config("spark.driver.memory", DRIVER_MEMORY)
             .config("spark.jars", similarity_jar_location()).config("spark.ui.enabled", "false")
             .config("spark.default.parallelism", str(5 * cores))
             .config("spark.sql.shuffle.partitions", str(5 * cores))
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    spark.sparkContext.setCheckpointDir(str(Path(out).with_suffix(".checkpoints")))
    splink_worker(records, out, threshold, uk, db_api=lambda: SparkAPI(
        spark_session=spark, break_lineage_method="parquet", num_partitions_on_repartition=2 * cores))


def _labels(path: Path) -> dict[str, str]:
    """record_id → entity_id from a CSV file or a directory of CSV part files."""
    files = sorted(path.glob("part-*.csv")) if path.is_dir() else [path]
    out: dict[str, str] = {}
    for f in files:
        with open(f, newline="") as fh:
            out.update((r["record_id"], r["entity_id"]) for r in csv.DictReader(fh))
    return out


def _scores(truth: dict[str, str], got: dict[str, str]) -> dict[str, float]:
    from aim.resolution.evaluate import evaluate

    ids = list(truth)
    q = evaluate([truth[x] for x in ids], [got.get(x, x) for x in ids])
    return {k: round(q[k], 4) for k in ("precision", "recall", "f1")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=["febrl3", "febrl4", "seeds"], default="seeds")
    ap.add_argument("--records", type=int, default=100_000, help="rows for the seeds data set")
    ap.add_argument("--systems", default="aim,spark1,spark2,splink-spark")
    ap.add_argument("--threshold", type=float, default=0.95, help="Splink clustering threshold")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "aim-bench")
    ap.add_argument("--driver-memory", help="Spark driver heap for AIM and Splink alike (default: AIM's)")
    ap.add_argument("--reuse-model", action="store_true", help="link with WORK's model of an earlier run, if any")
    ap.add_argument("--splink-spark-worker", nargs=3, metavar=("RECORDS", "OUT", "MASTER"), help=argparse.SUPPRESS)
    ap.add_argument("--uk", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.splink_spark_worker:
        records, out, master = a.splink_spark_worker
        _splink_spark(records, out, a.threshold, a.uk, master)
        return

    if a.driver_memory:     # read by the backend, in every child that starts Spark
        os.environ["AIM_SPARK_DRIVER_MEMORY"] = a.driver_memory
    a.work.mkdir(parents=True, exist_ok=True)
    if a.dataset == "seeds":
        rec, truth_csv = seeds(a.records, a.work)
        tag = f"seeds-{a.records}"
    else:
        (a.work / a.dataset).mkdir(exist_ok=True)
        rec, truth_csv = febrl(a.dataset, a.work / a.dataset)
        tag = a.dataset
    truth = _labels(truth_csv)
    print(f"{tag}: {len(truth):,} rows in {rec}; Spark driver {os.environ.get('AIM_SPARK_DRIVER_MEMORY', DRIVER_MEMORY)};"
          f" load average {os.getloadavg()}", flush=True)
    model = a.work / f"{tag}-model.json"
    results: dict[str, dict] = {}
    if a.reuse_model and model.exists():
        print(f"  model of an earlier run: {model}", flush=True)
    else:
        trained = run_sampled(_aim("train", str(rec), "--out", str(model)), a.work / f"{tag}-train.log")
        results["train"] = {"wall_s": round(trained.wall_s, 2), "cpu_s": round(trained.cpu_s, 1),
                            "peak_rss_gb": round(trained.peak_tree_bytes / 1e9, 3)}
        print(f"  trained in process: {results['train']}", flush=True)
    reference: dict[str, str] | None = None
    for system in a.systems.split(","):
        out = a.work / f"{tag}-{system}-clusters.csv"
        if system == "aim":
            cmd = _aim("link", str(rec), "--out", str(out), "--model", str(model), "--quiet")
        elif system.startswith("spark"):
            cmd = _aim("link", str(rec), "--out", str(out), "--model", str(model), "--quiet",
                       "--engine", "spark", "--master", f"local[{system[5:]}]")
        elif system == "splink-spark":
            cmd = [sys.executable, __file__, "--splink-spark-worker", str(rec), str(out), "local[2]",
                   "--threshold", str(a.threshold)] + (["--uk"] if a.dataset == "seeds" else [])
        else:
            raise SystemExit(f"unknown system {system!r}")
        print(f"running {system} ...", flush=True)
        m = run_sampled(cmd, a.work / f"{tag}-{system}.log")
        if m.returncode != 0:
            print(f"  {system} failed ({m.returncode}): see {a.work / f'{tag}-{system}.log'}", flush=True)
            continue
        got = _labels(out)
        row = {"wall_s": round(m.wall_s, 2), "cpu_s": round(m.cpu_s, 1),
               "peak_rss_gb": round(m.peak_tree_bytes / 1e9, 3), **_scores(truth, got)}
        if system == "aim":
            reference = got
        elif reference is not None and system != "splink-spark":
            row["agreement_f1"] = _scores(reference, got)["f1"]
        results[system] = row
        print(f"  {system}: {row}; load average {os.getloadavg()}", flush=True)
    summary = {"dataset": tag, "rows": len(truth), "cores": os.cpu_count(),
               "driver_memory": os.environ.get("AIM_SPARK_DRIVER_MEMORY", DRIVER_MEMORY),
               "load_avg": [round(x, 1) for x in os.getloadavg()], **results}
    print(json.dumps(summary, indent=1))
    with open(a.work / "spark.jsonl", "a") as fh:
        fh.write(json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%S"), **summary}) + "\n")


if __name__ == "__main__":
    main()
