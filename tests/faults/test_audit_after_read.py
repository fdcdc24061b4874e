"""A read of personal data runs in a read transaction and its audit entry in a write
transaction after it: when the database refuses that entry, the data already read must not
leave. The failure here is the database's own (a uniqueness constraint the entry's quota
count breaks), not a stand-in raised in Python."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.api_world import PERSON, PURPOSE, V1, auth, world  # noqa: F401 - world is a fixture

pytestmark = pytest.mark.neo4j

CONSTRAINT = "fault_one_usage_day_per_user"


def _count(driver, query: str) -> int:
    records, _, _ = driver.execute_query(query)
    return records[0][0]


def test_when_the_database_refuses_the_audit_entry_after_the_read_nothing_is_returned(world, driver, monkeypatch):
    client, tokens = world
    from aim.graph.views import person

    reads = []
    read_records = person.person_records
    monkeypatch.setattr(person, "person_records", lambda tx, subject: reads.append(subject) or read_records(tx, subject))
    # mash1 read yesterday; one usage day per user is then enforced, so the statement that
    # writes today's entry with its count (MERGE of today's day) fails in the database.
    driver.execute_query("MATCH (u:DailyUsage) DETACH DELETE u")
    driver.execute_query("CREATE (:DailyUsage {key: 'mash1|yesterday', username: 'mash1', role: 'mash', "
                         "day: date() - duration('P1D'), searches: 0, subjects: 0, refused: 0, viewed: []})")
    driver.execute_query(f"CREATE CONSTRAINT {CONSTRAINT} FOR (u:DailyUsage) REQUIRE (u.username, u.role) IS UNIQUE")
    try:
        entries = _count(driver, "MATCH (a:AuditEntry) RETURN count(a)")
        client = TestClient(client.app, raise_server_exceptions=False)
        response = client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | PURPOSE)
    finally:
        driver.execute_query(f"DROP CONSTRAINT {CONSTRAINT}")
    assert reads, "the person was read before its audit entry was refused"
    assert response.status_code == 500
    assert not any(name in response.text for name in ("William", "Smith", "Billy", "Smyth", "W1", "S9", "B1 1AA"))
    assert _count(driver, "MATCH (a:AuditEntry) RETURN count(a)") == entries  # rolled back with its count
    assert _count(driver, "MATCH (u:DailyUsage {username: 'mash1'}) RETURN count(u)") == 1
    # the same read, once the entry can be written, answers
    response = client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | PURPOSE)
    assert response.status_code == 200 and response.json()["first_name"] in ("William", "Billy")
