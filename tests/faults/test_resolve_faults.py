"""Fault tolerance of ``aim resolve`` against the real Neo4j: killed mid-run, a re-run
completes with the same persons under the same ids, and a further run changes nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from aim.graph.ingest import write_rows
from tests.factories import as_canonical
from tests.graph_helpers import assert_no_duplicates, restore_base, state

pytestmark = pytest.mark.neo4j


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_aim_resolve_killed_mid_run_then_rerun_completes_with_stable_person_ids(
        population, base_snapshot, driver, settings):
    _, rest = population
    db = settings.neo4j_database
    command = [sys.executable, "-m", "aim.cli", "resolve", "--no-households", "--quiet"]
    env = os.environ | {"AIM_HOME": str(settings.home)}

    def add_rest() -> None:
        restore_base(base_snapshot, driver, settings)
        write_rows(as_canonical(rest), driver=driver, settings=settings)

    def keyed() -> int:
        found, _, _ = driver.execute_query("MATCH (r:Record) WHERE r.bk_fp IS NOT NULL RETURN count(r) AS n",
                                           database_=db)
        return found[0]["n"]

    add_rest()
    before = state(driver, settings)
    base_keyed = keyed()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    expected = state(driver, settings)
    assert expected["persons"] != before["persons"]  # the run had work to do
    # persons of the base that kept all their records keep their ids
    kept = {pid: recs for pid, recs in before["persons"].items() if pid in expected["persons"]}
    assert kept

    add_rest()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 300
    while keyed() == base_keyed:  # kill it as soon as its first write has committed
        assert process.poll() is None, "aim resolve ended before it could be killed"
        assert time.monotonic() < deadline
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL
    interrupted = state(driver, settings)
    assert interrupted["persons"] != expected["persons"], "the kill must leave the run unfinished"

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    after = state(driver, settings)
    # The same clusters; the base's persons under the same ids (new persons get random ids,
    # so two separate runs name them differently).
    assert sorted(after["persons"].values()) == sorted(expected["persons"].values())
    assert {pid: after["persons"].get(pid) for pid in kept} == {pid: expected["persons"][pid] for pid in kept}
    assert after["counts"] == expected["counts"]
    assert_no_duplicates(driver, settings)
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0 and state(driver, settings) == after  # and a further run changes nothing
