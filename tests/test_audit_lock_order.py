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


def lockable_while_waiting(driver, database: str, request, probe: str, **params) -> tuple[int, object]:
    """Send ``request()`` while another transaction holds the audit chain's head; once it waits
    for the head, lock what ``probe`` matches (SET and REMOVE a property; a 5 s timeout: a lock
    the waiting request holds fails it) and return how many nodes it locked, with the answer
    the request got once the head was let go."""
    answers: list = []
    with driver.session(database=database) as holder:
        chain = holder.begin_transaction()
        lock_chain(chain)   # another writer of the audit trail, mid-transaction
        sender = threading.Thread(target=lambda: answers.append(request()))
        sender.start()
        deadline = time.monotonic() + 30
        while not _blocked(driver, database):
            assert time.monotonic() < deadline and sender.is_alive(), "the request never waited"
            time.sleep(0.05)
        with driver.session(database=database) as other:
            tx = other.begin_transaction(timeout=5)
            locked = tx.run(f"{probe} SET n._probe = true REMOVE n._probe RETURN count(n) AS n", params).single()["n"]
            tx.commit()
        chain.rollback()
    sender.join(timeout=60)
    assert answers, "the request never answered"
    return locked, answers[0]


def test_a_submission_waiting_for_the_audit_chain_holds_no_lock_on_its_records(world, driver, settings):  # noqa: F811
    client, tokens = world
    partner = auth(tokens["partner"])
    first = client.post(f"{V1}/records", json={"records": [submitted_record()]}, headers=partner)
    assert first.status_code == 200, first.text
    again = submitted_record(event_id="NE2")  # the same record sent again, with its next contact
    # Locked after its rows, the waiting submission would hold its record.
    locked, answer = lockable_while_waiting(
        driver, settings.neo4j_database,
        lambda: client.post(f"{V1}/records", json={"records": [again]}, headers=partner),
        "MATCH (n:Record {source: $s, source_record_id: $i})", s=RECORD[0], i=RECORD[1])
    assert locked == 1
    assert answer.status_code == 200, answer.text


def test_a_sign_in_waiting_for_the_audit_chain_holds_no_lock_on_its_failures(world, driver, settings):  # noqa: F811
    client, _ = world
    refused = client.post(f"{V1}/auth/token", data={"username": "partner1", "password": "not the password"})
    assert refused.status_code == 401  # one failure counted: the username's SignInGuard
    # Clearing the failures before its entry, the waiting sign-in would hold them.
    locked, answer = lockable_while_waiting(
        driver, settings.neo4j_database,
        lambda: client.post(f"{V1}/auth/token", data={"username": "partner1", "password": PASSWORD}),
        "MATCH (n:SignInGuard {username: $u})", u="partner1")
    assert locked == 1
    assert answer.status_code == 200, answer.text
