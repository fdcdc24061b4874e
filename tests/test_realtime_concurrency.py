"""Real-time resolution from concurrent clients against the real Neo4j: the persons it
ends with are the ones resolving the same records one at a time gives, whether clients
send single records or batches.

Without the global lock, two records of one new person resolved at once could each start
a person (each reads the other as person-less); they share a blocking key, hence a lock
bucket, so they take turns. The records of each new person here are dealt to different
clients, which submit at the same moment.
"""

from __future__ import annotations

from functools import partial

import pytest

from aim.graph.identity import resolve
from aim.graph.identity.keys import record_key
from aim.graph.identity.realtime import resolve_records
from aim.graph.ingest import write_rows
from aim.graph.store.backup import export_graph
from tests.factories import as_canonical, population
from tests.graph_helpers import assert_no_duplicates, memberships, restore_base
from tests.threads import run_together

pytestmark = pytest.mark.neo4j

CLIENTS = 4


@pytest.fixture(scope="module")
def submitted(driver, settings, tmp_path_factory):
    """A resolved base population, then new records ingested but not resolved yet: new
    people with one to three agencies' records each, and the fire service's copies of
    known people's records. Returns the snapshot and the new records' keys, the records
    of each new person next to each other."""
    from tests.graph_helpers import wipe

    base, _ = population(120, seed=5)
    wipe(driver, settings.neo4j_database)
    write_rows(as_canonical(base), driver=driver, settings=settings)
    resolve(driver=driver, settings=settings, households=False)
    newcomers, _ = population(40, seed=9, start=5000)
    copies = [dict(r, source="FIRE", source_record_id=f"FX{k}", event_id=f"FXE{k}") for k, r in enumerate(base[::6])]
    write_rows(as_canonical(newcomers + copies), driver=driver, settings=settings)
    path = tmp_path_factory.mktemp("realtime-concurrency") / "submitted.jsonl.gz"
    export_graph(path, driver=driver, settings=settings)
    keys = [(r["source"], r["source_record_id"]) for r in newcomers + copies]
    return path, keys, newcomers


def partition(driver) -> set[frozenset[str]]:
    """The live persons as sets of record keys (a new person's id is random)."""
    persons: dict[str, set[str]] = {}
    for key, pid in memberships(driver).items():
        persons.setdefault(pid, set()).add(key)
    return {frozenset(records) for records in persons.values()}


def one_at_a_time(path, keys, driver, settings) -> set[frozenset[str]]:
    restore_base(path, driver, settings)
    for key in keys:
        resolve_records([key], driver=driver, settings=settings)
    return partition(driver)


def concurrently(path, keys, driver, settings, batch: int) -> set[frozenset[str]]:
    """``CLIENTS`` threads resolve the keys dealt round-robin (so consecutive records, those
    of one new person, go to different clients), ``batch`` records per call."""
    restore_base(path, driver, settings)

    def client(mine: list[tuple[str, str]]) -> None:
        for i in range(0, len(mine), batch):
            resolve_records(mine[i:i + batch], driver=driver, settings=settings)

    errors = run_together([partial(client, keys[n::CLIENTS]) for n in range(CLIENTS)], timeout=600)
    assert not errors, errors
    assert_no_duplicates(driver, settings)
    return partition(driver)


@pytest.mark.timeout(900)
def test_concurrent_clients_give_the_persons_of_one_at_a_time(submitted, driver, settings):
    path, keys, newcomers = submitted
    expected = one_at_a_time(path, keys, driver, settings)
    held = set().union(*expected)
    assert {record_key(*k) for k in keys} <= held, "a submitted record has no person"
    # Every new person's records (one to three agencies, same name and date of birth) are
    # one person: a race would split them.
    together = {}
    for r in newcomers:
        together.setdefault((r["last_name"], r["date_of_birth"]), set()).add(record_key(r["source"],
                                                                                     r["source_record_id"]))
    several = [records for records in together.values() if len(records) > 1]
    assert len(several) >= 10
    assert all(any(records <= person for person in expected) for records in several)

    assert concurrently(path, keys, driver, settings, batch=1) == expected
    assert concurrently(path, keys, driver, settings, batch=5) == expected


@pytest.mark.timeout(900)
def test_records_submitted_together_resolve_as_one_at_a_time_and_as_the_batch_run(submitted, driver, settings):
    path, keys, _ = submitted
    expected = one_at_a_time(path, keys, driver, settings)
    restore_base(path, driver, settings)
    resolve_records(keys, driver=driver, settings=settings)
    assert partition(driver) == expected
    # The batch run over the same graph agrees with what real-time resolution did.
    assert resolve(driver=driver, settings=settings, households=False).records_moved == 0
