"""Running Maven so that a first start shows what it fetches: each artifact downloaded from
Maven Central (name, size, running total) and how many jars were copied into place, with
the elapsed time, instead of minutes of silence under ``mvn -q``."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

# "Downloaded from central: https://.../neo4j-kernel-5.26.19.jar (8.4 MB at 2.1 MB/s)"
DOWNLOADED = re.compile(r"Downloaded from [^:]+: (?P<url>\S+) \((?P<size>[\d.]+) (?P<unit>B|kB|MB|GB)")
# "[INFO] Copying neo4j-kernel-5.26.19.jar to /.../lib/5.26.19/neo4j-kernel-5.26.19.jar"
COPYING = re.compile(r"Copying (?P<name>\S+\.jar) to ")
UNIT_BYTES = {"B": 1, "kB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000}
TAIL_LINES = 60
COPIES_PER_REPORT = 50
ATTEMPTS = 3
RETRY_PAUSE_S = 20


def _stderr(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


@dataclass
class MavenProgress:
    """Counts Maven's transfer lines and reports each download as it happens."""

    report: Callable[[str], None] = _stderr
    started: float = field(default_factory=time.perf_counter)
    downloaded: int = 0
    downloaded_bytes: int = 0
    copied: int = 0

    def feed(self, line: str) -> None:
        if found := DOWNLOADED.search(line):
            self.downloaded += 1
            size = int(float(found["size"]) * UNIT_BYTES[found["unit"]])
            self.downloaded_bytes += size
            if found["url"].endswith(".jar"):
                self.report(f"  fetched {found['url'].rsplit('/', 1)[-1]} ({size / 1e6:.1f} MB) — "
                            f"{self.downloaded} files, {self.downloaded_bytes / 1e6:.0f} MB, {self.elapsed:.0f} s")
        elif COPYING.search(line):
            self.copied += 1
            if self.copied % COPIES_PER_REPORT == 0:
                self.report(f"  {self.copied} jars copied into place, {self.elapsed:.0f} s")

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def describe(self) -> str:
        return (f"Maven: {self.downloaded} files downloaded ({self.downloaded_bytes / 1e6:.0f} MB), "
                f"{self.copied} jars copied, in {self.elapsed:.0f} s")


def run_maven(cmd: list[str], cwd: str, progress: MavenProgress | None = None,
              attempts: int = ATTEMPTS, pause_s: float = RETRY_PAUSE_S) -> tuple[int, str]:
    """Run Maven (``cmd`` without ``-q``), reporting its progress; returns the exit code and
    the last lines of its output (for an error message). A failed run is tried again after a
    pause, up to ``attempts`` runs: connections drop, and what Maven already fetched stays in
    its local repository, so a later run picks up where the failed one stopped."""
    progress = progress or MavenProgress()
    progress.report("Fetching Neo4j and its plugins with Maven (first start only)...")
    for attempt in range(1, attempts + 1):
        code, tail = _run_once(cmd, cwd, progress)
        if code == 0 or attempt == attempts:
            break
        progress.report(f"Maven failed (exit {code}, attempt {attempt} of {attempts}); "
                        f"trying again in {pause_s * attempt:.0f} s...")
        time.sleep(pause_s * attempt)
    progress.report(progress.describe())
    return code, tail


def _run_once(cmd: list[str], cwd: str, progress: MavenProgress) -> tuple[int, str]:
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    with subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            tail.append(line)
            progress.feed(line)
        code = proc.wait()
    return code, "".join(tail)
