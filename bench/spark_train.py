"""Benchmark: training in process (``engine.train``) and on Spark
(``backends.training.train_files``) on the same file, back to back in one run.

    python bench/spark_train.py --dataset febrl4
    python bench/spark_train.py --dataset seeds --records 100000

Prints for each: wall time (and the process's CPU time in process; on Spark the work is in
the JVM and its Python workers), the load average after it, the largest difference
between the two models' m, u and interaction weights, and the pairwise agreement F1 of
the entities ``engine.link`` gives with each model (1.0: the same partition).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from resolve import febrl, seeds  # noqa: E402  (bench/ is the script's folder)

from aim.resolution import engine  # noqa: E402
from aim.resolution.backends.training import train_files  # noqa: E402
from aim.resolution.evaluate import evaluate  # noqa: E402
from aim.resolution.records import read_records  # noqa: E402


def _load() -> str:
    return "load " + " / ".join(f"{x:.1f}" for x in os.getloadavg())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dataset", choices=["febrl3", "febrl4", "seeds"], default="febrl4")
    ap.add_argument("--records", type=int, default=100_000, help="rows for the seeds data set")
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "aim-bench")
    a = ap.parse_args()
    (a.work if a.dataset == "seeds" else a.work / a.dataset).mkdir(parents=True, exist_ok=True)
    records = str((seeds(a.records, a.work) if a.dataset == "seeds" else febrl(a.dataset, a.work / a.dataset))[0])
    print(f"{a.dataset}: {records}; {_load()}", flush=True)
    started, cpu = time.perf_counter(), time.process_time()
    in_process = engine.train(read_records(records))
    print(f"in process: {time.perf_counter() - started:.1f} s wall, {time.process_time() - cpu:.1f} s CPU; {_load()}",
          flush=True)
    started = time.perf_counter()
    on_spark = train_files(records, master=a.master, progress=lambda s: print("  spark:", s, flush=True))
    print(f"Spark {a.master}: {time.perf_counter() - started:.1f} s wall; {_load()}", flush=True)
    for name, x, y in (("m", in_process.m, on_spark.m), ("u", in_process.u, on_spark.u)):
        print(f"largest |difference| of {name}: {max(float(np.max(np.abs(p - q))) for p, q in zip(x, y)):.1e}")
    print(f"largest |difference| of the interaction weights: "
          f"{float(np.max(np.abs(in_process.interaction - on_spark.interaction))):.1e}; lambda "
          f"{in_process.lam:.6e} / {on_spark.lam:.6e}; name frequencies equal: {in_process.tf == on_spark.tf}")
    cols = read_records(records)
    linked = [engine.link(cols, model).entity_ids for model in (in_process, on_spark)]
    print(f"agreement F1 of the entities: {evaluate(*linked)['f1']:.6f} (identical: {linked[0] == linked[1]})")


if __name__ == "__main__":
    main()
