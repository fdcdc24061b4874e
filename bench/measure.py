"""Wall time and peak memory of a benchmark stage run as a child process."""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Measured:
    wall_s: float
    returncode: int
    peak_tree_bytes: int  # the child and all its descendants, summed
    peak_watched_bytes: int  # another process, such as the Neo4j server (0 when none)


def run_sampled(cmd: list[str], log: Path, watch_pid: int | None = None, interval: float = 0.1) -> Measured:
    """Run ``cmd`` with its output in ``log``, sampling RSS every ``interval`` seconds."""
    import psutil

    watched = psutil.Process(watch_pid) if watch_pid else None
    peaks = {"tree": 0, "watched": 0}
    stop = threading.Event()
    start = time.perf_counter()
    with open(log, "w") as handle:
        proc = subprocess.Popen(cmd, stdout=handle, stderr=subprocess.STDOUT)
        root = psutil.Process(proc.pid)

        def sample() -> None:
            while not stop.is_set():
                try:
                    tree = root.memory_info().rss + sum(c.memory_info().rss for c in root.children(recursive=True))
                    peaks["tree"] = max(peaks["tree"], tree)
                    if watched:
                        peaks["watched"] = max(peaks["watched"], watched.memory_info().rss)
                except psutil.Error:
                    pass
                stop.wait(interval)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        returncode = proc.wait()
        stop.set()
        sampler.join()
    return Measured(time.perf_counter() - start, returncode, peaks["tree"], peaks["watched"])
