"""The order in which a transaction that writes more than its audit entries takes its locks:
the audit chain's head first.

Every writer of the audit trail waits for the chain's head. A transaction that locked its
own nodes first and the head last could hold a node another transaction waits for while it
waits for the head that transaction holds: Neo4j ends one of them as a deadlock, retried by
the driver a second later. Taken first, the head is never waited for by a transaction that
holds anything else: a record submission, a successful sign-in (its failures cleared)."""

from __future__ import annotations

import threading
import time

import pytest

from aim.graph.access.audit import lock_chain
from tests.api_world import PASSWORD, V1, auth, submitted_record, world  # noqa: F401 (fixture)

pytestmark = pytest.mark.neo4j

RECORD = ("WMP", "N1")  # what submitted_record() is, from the partner's organisation


def _blocked(driver, database: str) -> int:
    rows, _, _ = driver.execute_query("SHOW TRANSACTIONS YIELD status WHERE status STARTS WITH 'Blocked' "
                                      "RETURN count(*) AS n", database_=database)
    return rows[0]["n"]


def test_a_submission_waiting_for_the_audit_chain_holds_no_lock_on_its_records(world, driver, settings):  # noqa: F811
    client, tokens = world
    partner = auth(tokens["partner"])
    first = client.post(f"{V1}/records", json={"records": [submitted_record()]}, headers=partner)
    assert first.status_code == 200, first.text
    database = settings.neo4j_database
    answers: list = []
    with driver.session(database=database) as holder:
        chain = holder.begin_transaction()
        lock_chain(chain)   # another writer of the audit trail, mid-transaction
        again = submitted_record(event_id="NE2")  # the same record sent again, with its next contact
        sender = threading.Thread(target=lambda: answers.append(
            client.post(f"{V1}/records", json={"records": [again]}, headers=partner)))
        sender.start()
        deadline = time.monotonic() + 30
        while not _blocked(driver, database):
            assert time.monotonic() < deadline and sender.is_alive(), "the submission never waited"
            time.sleep(0.05)
        # While the submission waits for the head, another transaction can lock its record:
        # it holds nothing (locked after its rows, it would hold the record, and this would time out).
        with driver.session(database=database) as other:
            probe = other.begin_transaction(timeout=5)
            locked = probe.run("MATCH (r:Record {source: $s, source_record_id: $i}) "
                               "SET r._probe = true REMOVE r._probe RETURN count(r) AS n",
                               s=RECORD[0], i=RECORD[1]).single()["n"]
            probe.commit()
        assert locked == 1
        chain.rollback()
    sender.join(timeout=60)
    assert answers and answers[0].status_code == 200, answers


def test_a_sign_in_waiting_for_the_audit_chain_holds_no_lock_on_its_failures(world, driver, settings):  # noqa: F811
    client, _ = world
    refused = client.post(f"{V1}/auth/token", data={"username": "partner1", "password": "not the password"})
    assert refused.status_code == 401  # one failure counted: the username's SignInGuard
    database = settings.neo4j_database
    answers: list = []
    with driver.session(database=database) as holder:
        chain = holder.begin_transaction()
        lock_chain(chain)
        sender = threading.Thread(target=lambda: answers.append(
            client.post(f"{V1}/auth/token", data={"username": "partner1", "password": PASSWORD})))
        sender.start()
        deadline = time.monotonic() + 30
        while not _blocked(driver, database):
            assert time.monotonic() < deadline and sender.is_alive(), "the sign-in never waited"
            time.sleep(0.05)
        # Clearing the failures after the entry, the waiting sign-in has not touched them yet.
        with driver.session(database=database) as other:
            probe = other.begin_transaction(timeout=5)
            guards = probe.run("MATCH (g:SignInGuard {username: 'partner1'}) "
                               "SET g._probe = true REMOVE g._probe RETURN count(g) AS n").single()["n"]
            probe.commit()
        assert guards == 1
        chain.rollback()
    sender.join(timeout=60)
    assert answers and answers[0].status_code == 200, answers[0].text if answers else answers
