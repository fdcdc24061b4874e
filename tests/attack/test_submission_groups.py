"""Attacks on the group commit of record submissions, through the real app: submissions
that arrive together are written and resolved in one group, yet each response says only
what its own records did (its persons, its counts) and each has its own audit entry, so a
partner never learns of the person another agency's submission created or touched.

The group is forced: the app's group commit is held on a first submission until the
others have queued behind it, so they go in one group."""

from __future__ import annotations

import threading
import time
from functools import partial

import numpy as np
import pytest

from aim import cypher
from aim.api.security import issue_token
from aim.api.services import records as submissions
from aim.api.services.group_commit import GroupCommit
from aim.graph.identity import save_model
from aim.graph.identity.realtime import TOGETHER
from aim.resolution.model import Model, default_m, n_levels
from tests.api_world import V1, auth, audit_entries, password_hash, submitted_record, world  # noqa: F401 (fixture)
from tests.threads import run_together

pytestmark = pytest.mark.neo4j


def held_until_queued(client, others: int) -> tuple[list[list[int]], threading.Event]:
    """Replace the app's group commit with one whose first group waits until ``others``
    submissions have queued; returns the sizes of the groups as they run, and the event
    set when the first group is held."""
    sizes: list[list[int]] = []
    held = threading.Event()
    group: GroupCommit | None = None

    def work(items):
        if not held.is_set():
            held.set()
            deadline = time.monotonic() + 30
            while group.queued < others:
                assert time.monotonic() < deadline, "the other submissions never queued"
                time.sleep(0.01)
        sizes.append([len(item.keys) for item in items])
        return submissions.submit_group(items)

    group = GroupCommit(work, parallel=1, limit=TOGETHER, size=lambda item: len(item.keys))
    client.app.state.submissions = group
    return sizes, held


def fire_partner(client, driver) -> dict:
    database = client.app.state.settings.neo4j_database
    driver.execute_query(cypher.load("api/users_create"), username="fire1", password_hash=password_hash(),
                         role="partner", organisation="FIRE", full_name=None, database_=database)
    return auth(issue_token(client.app.state.settings,
                            {"username": "fire1", "role": "partner", "organisation": "FIRE"})[0])


def test_submissions_done_together_each_hear_only_of_their_own_records(world, driver, settings):  # noqa: F811
    client, tokens = world
    save_model(driver, settings.neo4j_database,
               Model(m=default_m(), u=[np.full(n, 1.0 / n) for n in n_levels()], lam=0.01), trained_on=0)
    sizes, held = held_until_queued(client, others=2)
    police, fire = auth(tokens["partner"]), fire_partner(client, driver)
    first = submitted_record(source_record_id="G0", event_id="GE0", first_name="Zara", last_name="Quinn",
                             date_of_birth="09/09/2009", postcode="B7 7GG", address="7 Grove Road")
    mine = submitted_record(source_record_id="G1", event_id="GE1")  # Amira Khan, new to the world
    theirs = submitted_record(source_record_id="G2", event_id="GE2", first_name="Omar", last_name="Farouk",
                              date_of_birth="11/11/2011", postcode="B9 9ZZ", address="9 Canal Side")
    responses: dict[str, dict] = {}

    def submit(name: str, headers: dict, record: dict) -> None:
        response = client.post(f"{V1}/records", json={"records": [record]}, headers=headers)
        assert response.status_code == 200, response.text
        responses[name] = response.json()

    leader = threading.Thread(target=submit, args=("first", police, first))
    leader.start()
    assert held.wait(timeout=60)  # the first submission leads a group of its own, held
    errors = run_together([partial(submit, "mine", police, mine), partial(submit, "theirs", fire, theirs)], timeout=60)
    leader.join(timeout=60)
    assert not errors, errors
    assert sizes == [[1], [1, 1]], "the two later submissions must have been done together"

    holders = dict(driver.execute_query(
        "MATCH (p:Person {status: 'active'})-[:HAS_RECORD]->(r:Record) WHERE r.source_record_id IN ['G1', 'G2'] "
        "RETURN r.source_record_id AS id, p.person_id AS person").records)
    assert responses["mine"]["persons"] == [holders["G1"]]
    assert responses["theirs"]["persons"] == [holders["G2"]]
    assert holders["G1"] != holders["G2"]
    for name in ("mine", "theirs"):
        body = responses[name]
        assert (body["accepted"], body["new_records"], body["new_events"]) == (1, 1, 1)
        assert body["resolution"] == "resolved" and body["alerts"] is not None
    entries = {e["username"]: e for e in audit_entries(driver, settings.neo4j_database, action="records.submit")}
    assert entries["fire1"]["organisation"] == "FIRE" and entries["partner1"]["organisation"] == "WMP"
    assert len(entries["fire1"]["subject_ids"]) == 1
    assert not set(entries["fire1"]["subject_ids"]) & set(
        e for u, entry in entries.items() if u != "fire1" for e in entry["subject_ids"])
