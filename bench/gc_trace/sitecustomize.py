"""Loaded at start by the API servers of ``bench/realtime.py --gc`` (this folder first on their
PYTHONPATH): every pass of the garbage collector, a line to ``AIM_BENCH_GC_LOG``: when it
ended (``time.time()``), the generation and how long it held the process (wall ms). A pass
holds every thread, so a long one delays every request in flight."""

import os

if os.environ.get("AIM_BENCH_GC_LOG"):
    import gc
    import time

    _log = open(os.environ["AIM_BENCH_GC_LOG"], "a", buffering=1)  # noqa: SIM115 - for the process's life
    _began = [0.0]

    def _pass(phase: str, info: dict) -> None:
        if phase == "start":
            _began[0] = time.perf_counter()
        else:
            _log.write(f"{time.time():.3f} {info['generation']} {1000 * (time.perf_counter() - _began[0]):.2f}\n")

    gc.callbacks.append(_pass)
