"""The first start's Maven output is turned into progress: each jar downloaded (name, size,
running total) and the jars copied, counted from Maven's own transfer lines."""

from __future__ import annotations

import sys

from aim.graph.store.maven import MavenProgress, run_maven

DOWNLOAD = ("Downloaded from central: https://repo.maven.apache.org/maven2/org/neo4j/neo4j-kernel/5.26.19/"
            "neo4j-kernel-5.26.19.jar (8.4 MB at 2.1 MB/s)")
POM = "Downloaded from central: https://repo.maven.apache.org/maven2/org/neo4j/neo4j/5.26.19/neo4j-5.26.19.pom (12 kB at 40 kB/s)"
COPY = "[INFO] Copying neo4j-kernel-5.26.19.jar to /tmp/aim/neo4j/lib/5.26.19/neo4j-kernel-5.26.19.jar"


def test_downloads_are_reported_one_by_one_with_a_running_total_and_copies_are_counted():
    said: list[str] = []
    progress = MavenProgress(report=said.append)
    for line in (POM, DOWNLOAD, COPY, "[INFO] BUILD SUCCESS"):
        progress.feed(line)
    assert (progress.downloaded, progress.downloaded_bytes, progress.copied) == (2, 8_412_000, 1)
    assert len(said) == 1 and said[0].startswith("  fetched neo4j-kernel-5.26.19.jar (8.4 MB) — 2 files, 8 MB")
    assert progress.describe().startswith("Maven: 2 files downloaded (8 MB), 1 jars copied")


def test_run_maven_streams_the_output_and_returns_the_exit_code_and_its_tail():
    said: list[str] = []
    script = f"print({DOWNLOAD!r}); print({COPY!r}); raise SystemExit(3)"
    code, tail = run_maven([sys.executable, "-c", script], ".", MavenProgress(report=said.append), attempts=1)
    assert code == 3 and "Copying neo4j-kernel" in tail
    assert said[0] == "Fetching Neo4j and its plugins with Maven (first start only)..."
    assert any("fetched neo4j-kernel-5.26.19.jar" in line for line in said)
    assert said[-1].startswith("Maven: 1 files downloaded (8 MB), 1 jars copied")


def test_a_failed_run_is_tried_again_and_a_later_success_is_returned(tmp_path):
    """A dropped connection fails one run; the next run (its downloads kept) succeeds."""
    said: list[str] = []
    runs = tmp_path / "runs"
    script = (f"import pathlib; p = pathlib.Path({str(runs)!r}); p.write_text(p.read_text() + 'x' "
              "if p.exists() else 'x'); raise SystemExit(0 if len(p.read_text()) == 2 else 1)")
    code, _ = run_maven([sys.executable, "-c", script], ".", MavenProgress(report=said.append),
                        attempts=3, pause_s=0)
    assert code == 0 and runs.read_text() == "xx"
    assert any(line.startswith("Maven failed (exit 1, attempt 1 of 3)") for line in said)


def test_the_last_failure_is_returned_when_every_attempt_fails():
    said: list[str] = []
    code, tail = run_maven([sys.executable, "-c", "print('no route to host'); raise SystemExit(1)"], ".",
                           MavenProgress(report=said.append), attempts=2, pause_s=0)
    assert code == 1 and "no route to host" in tail
    assert sum(line.startswith("Maven failed") for line in said) == 1
