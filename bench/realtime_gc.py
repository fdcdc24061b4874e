"""The garbage collector's passes in the API server during a phase of ``bench/realtime.py``
(``--gc``): the server runs with ``bench/gc_trace`` first on its path, which logs each pass."""

from __future__ import annotations

import os
from pathlib import Path

TRACE_DIR = Path(__file__).resolve().parent / "gc_trace"


def log_for(code: Path, tracing: bool) -> Path | None:
    """Where the server of ``code`` (a copy the benchmark made) logs its passes, emptied; None
    when not ``tracing``."""
    if not tracing:
        return None
    log = code.parent / f"{code.name}-gc.log"
    log.unlink(missing_ok=True)
    return log


def traced(code: Path, log: Path | None) -> dict[str, str]:
    """The environment that serves ``code`` with its collector passes logged to ``log`` (none: nothing)."""
    return {"PYTHONPATH": f"{TRACE_DIR}{os.pathsep}{code}", "AIM_BENCH_GC_LOG": str(log)} if log else {}


def passes(log: Path, since: float, until: float) -> dict:
    """The passes that ended between ``since`` and ``until`` (``time.time()``): how many full
    ones (generation 2), their longest and their total, and the total of all passes, in ms."""
    lines = [line.split() for line in log.read_text().splitlines()] if log.exists() else []
    found = [(int(gen), float(ms)) for at, gen, ms in lines if since <= float(at) <= until]
    full = [ms for gen, ms in found if gen == 2]
    return {"gc_full_passes": len(full), "gc_full_max_ms": round(max(full, default=0.0), 1),
            "gc_full_total_ms": round(sum(full), 1), "gc_all_total_ms": round(sum(ms for _, ms in found), 1)}
