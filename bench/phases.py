"""CPU phase profile of one engine's `aim link` on one file, and a check that two engines
gave the same answers (docs/resolution.md, "Speed at 1M").

    python bench/phases.py ENGINE_DIR RECORDS.csv OUT.npz     # one engine, one file
    python bench/phases.py --same A.npz B.npz                 # same clusters, pairs, weights?

ENGINE_DIR is a ``resolution/`` folder (this checkout's, a ``git archive`` of a commit, or
the b3ccab0 worktree's), imported under another package name as bench/resolve.py does. The
engine's own phase timings (``LinkResult.timings``) are taken in CPU seconds of this
process (every thread; a forked child, such as prepare's address parser, is not counted)
instead of wall seconds, which the other engineers' jobs on the same cores make noisy.
Prints one JSON line; OUT.npz keeps the answers for ``--same``.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
import types

import numpy as np
from resolve import engine_under_test  # bench/ is the script's folder


def profile(engine_dir: str, records: str, out: str) -> dict:
    engine, _, read = engine_under_test(engine_dir)
    # the engine times its phases with time.perf_counter: here they are CPU seconds
    engine.time = types.SimpleNamespace(perf_counter=time.process_time)
    cpu, wall = time.process_time(), time.perf_counter()
    cols = read(records)
    read_cpu = time.process_time() - cpu
    res = engine.link(cols)
    np.savez(out, labels=res.record_entity, left=res.left, right=res.right, weight=res.weight,
             entity=np.array(res.entity_ids, dtype=object))
    return {"engine": engine_dir, "records": records, "read_cpu_s": round(read_cpu, 2),
            "phases_cpu_s": {k: round(v, 2) for k, v in res.timings.items()},
            "total_cpu_s": round(time.process_time() - cpu, 2), "wall_s": round(time.perf_counter() - wall, 1),
            "peak_rss_gb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9, 3),
            "load_avg": [round(x, 1) for x in os.getloadavg()]}


def same(a_path: str, b_path: str) -> list[str]:
    """The answers that differ between two saved runs (none: identical)."""
    a, b = np.load(a_path, allow_pickle=True), np.load(b_path, allow_pickle=True)
    return [k for k in ("labels", "left", "right", "weight", "entity") if not np.array_equal(a[k], b[k])]


if __name__ == "__main__":
    if sys.argv[1] == "--same":
        differ = same(*sys.argv[2:4])
        print("identical" if not differ else f"differ: {', '.join(differ)}")
        sys.exit(1 if differ else 0)
    print(json.dumps(profile(*sys.argv[1:4])))
