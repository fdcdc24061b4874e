"""Wall time, CPU time and peak memory of a benchmark stage run as a child process."""

from __future__ import annotations

import ctypes
import resource
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36   # linux/prctl.h


@dataclass
class Measured:
    wall_s: float
    returncode: int
    peak_tree_bytes: int  # the child and all its descendants, summed
    peak_watched_bytes: int  # another process, such as the Neo4j server (0 when none)
    cpu_s: float  # user + system CPU seconds of the child and all its descendants


def _subreaper(on: bool) -> None:
    """Make this process the one that inherits its descendants' orphans (Linux): a Spark
    JVM and its Python workers are not always waited for by their parents, so without it
    their CPU time is reported to no one (init reaps them)."""
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, int(on), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def tree_rss(root) -> int:
    """RSS of a ``psutil.Process`` and all its descendants, summed (pages a forked child
    still shares with its parent count twice: an upper bound)."""
    return root.memory_info().rss + sum(c.memory_info().rss for c in root.children(recursive=True))


@contextmanager
def peak_of_this_tree(interval: float = 0.05) -> Iterator[dict]:
    """While the block runs, the largest RSS this process and its descendants held at once
    (``["bytes"]``, sampled every ``interval`` seconds in a thread)."""
    import psutil

    me, peak, stop = psutil.Process(), {"bytes": 0}, threading.Event()

    def sample() -> None:
        while not stop.is_set():
            try:
                peak["bytes"] = max(peak["bytes"], tree_rss(me))
            except psutil.Error:
                pass
            stop.wait(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        stop.set()
        sampler.join()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_sampled(cmd: list[str], log: Path, watch_pid: int | None = None, interval: float = 0.1,
                orphan_wait_s: float = 120.0) -> Measured:
    """Run ``cmd`` with its output in ``log``, sampling RSS every ``interval`` seconds.

    CPU time is the kernel's own account of the whole process tree, not a sample: every
    descendant is reaped by its parent or, once orphaned, by this process (a child
    subreaper for the run), and a reaped process's CPU, with that of the descendants it
    reaped, adds to its reaper's children's usage. The descendants still running when
    ``cmd`` exits (a JVM shutting down) are waited for, up to ``orphan_wait_s``; the wall
    time is ``cmd``'s own."""
    import psutil

    me = psutil.Process()
    watched = psutil.Process(watch_pid) if watch_pid else None
    peaks = {"tree": 0, "watched": 0}
    stop = threading.Event()
    _subreaper(True)
    before = {c.pid for c in me.children()}
    cpu_before = _children_cpu()
    start = time.perf_counter()
    try:
        with open(log, "w") as handle:
            proc = subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT)
            root = psutil.Process(proc.pid)

            def sample() -> None:
                while not stop.is_set():
                    try:
                        peaks["tree"] = max(peaks["tree"], tree_rss(root))
                        if watched:
                            peaks["watched"] = max(peaks["watched"], watched.memory_info().rss)
                    except psutil.Error:
                        pass
                    stop.wait(interval)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            returncode = proc.wait()
            wall = time.perf_counter() - start
            stop.set()
            sampler.join()
        # psutil's wait reaps a child of this process (its usage is then counted); a reaped
        # orphan's own orphans come to this process next.
        deadline = time.monotonic() + orphan_wait_s
        while (orphans := [c for c in me.children() if c.pid not in before]) and time.monotonic() < deadline:
            psutil.wait_procs(orphans, timeout=deadline - time.monotonic())
    finally:
        _subreaper(False)
    return Measured(wall, returncode, peaks["tree"], peaks["watched"], _children_cpu() - cpu_before)
