"""The API tests' small world: William Smith (b. 5 Mar 2014) known to the police and a
school, a neighbour and a stranger, resolved by hand into one person; one user per role;
the API settings and tokens the tests use. Shared by the API tests
(tests/test_api*.py) and the attack tests."""

from __future__ import annotations

import functools
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from aim import cypher
from aim.api.app import create_app
from aim.api.security import issue_token
from aim.api.settings import ApiSettings
from aim.canonical import Mapping, validate_row
from aim.graph.access.users import get_user, hash_password
from aim.graph.ingest import write_rows
from tests.graph_helpers import wipe

V1 = "/api/v1"
SECRET = "test-secret-" + "x" * 40
PASSWORD = "correct horse battery staple"
ROLES = ("partner", "mash", "analyst", "dpo", "admin")
PERSON = "P-TEST-1"
PURPOSE_TEXT = "section 47 enquiry"
PURPOSE = {"X-AIM-Purpose": PURPOSE_TEXT}  # a header: never in a URL
TODAY = date.today()


def _rows() -> list[dict]:
    """William Smith (b. 5 Mar 2014) known to police and a school; a neighbour; a stranger."""
    recent = (TODAY - timedelta(days=20)).isoformat()
    older = (TODAY - timedelta(days=200)).isoformat()
    base = {"date_of_birth": "2014-03-05", "gender": "M", "address": "12 Mill Lane", "postcode": "B1 1AA"}
    return [
        {"source": "WMP", "source_record_id": "W1", "first_name": "William", "last_name": "Smith", **base,
         "event_id": "WE1", "event_date": recent, "event_type": "concern_for_welfare",
         "lead_name": "DS Patel", "lead_phone": "0121 000 0000", "lead_email": "mash@wmp.example"},
        {"source": "WMP", "source_record_id": "W1", "first_name": "William", "last_name": "Smith", **base,
         "event_id": "WE2", "event_date": older, "event_type": "missing_person"},
        {"source": "SCHOOL_OAK", "source_record_id": "S9", "first_name": "Billy", "last_name": "Smyth", **base,
         "event_id": "SE1", "event_date": (TODAY - timedelta(days=5)).isoformat(), "event_type": "school_absence",
         "lead_name": "Mrs Green", "lead_email": "dsl@oak.example"},
        {"source": "WMP", "source_record_id": "W2", "first_name": "Grace", "last_name": "Jones",
         "date_of_birth": "1990-07-01", "gender": "F", "address": "14 Mill Lane", "postcode": "B1 1AA",
         "event_id": "WE3", "event_date": recent, "event_type": "crime_victim"},
        {"source": "FIRE", "source_record_id": "F1", "first_name": "Leo", "last_name": "Brown",
         "date_of_birth": "1980-01-01", "gender": "M", "address": "1 High St", "postcode": "B2 2BB"},
    ]


def load_world(driver, database: str, settings) -> None:
    wipe(driver, database)
    rows = []
    for i, values in enumerate(_rows()):
        checked = validate_row(values, i, Mapping(), source=values["source"])
        assert checked.row is not None, checked.reject
        rows.append(checked.row)
    write_rows(rows, driver=driver, settings=settings)
    # What resolution produces: one person for William's two records.
    driver.execute_query(
        "CREATE (p:Person {person_id: $pid, status: 'active'}) WITH p "
        "MATCH (r:Record) WHERE [r.source, r.source_record_id] IN [['WMP', 'W1'], ['SCHOOL_OAK', 'S9']] "
        "MERGE (p)-[:HAS_RECORD]->(r)", pid=PERSON, database_=database)
    driver.execute_query("MERGE (:Organisation {code: 'CSC', name: 'Children Social Care', kind: 'childrens_social_care', "
                         "lead_name: 'Duty manager', lead_phone: '0121 111 1111'})", database_=database)
    for role in ROLES:
        driver.execute_query(cypher.load("api/users_create"), username=f"{role}1", password_hash=password_hash(),
                             role=role, organisation={"partner": "WMP", "mash": "MASH"}.get(role), full_name=None,
                             database_=database)


def add_household(driver) -> None:
    """What resolution derives: William and Grace as persons, one household at Mill Lane."""
    driver.execute_query(
        "MATCH (p:Person {person_id: $pid}) SET p.first_name = 'William', p.last_name = 'Smith', "
        "p.date_of_birth = date('2014-03-05') "
        "WITH p MATCH (g:Record {source_record_id: 'W2'}) "
        "CREATE (q:Person {person_id: 'P-TEST-2', status: 'active', first_name: 'Grace', last_name: 'Jones', "
        "date_of_birth: date('1990-07-01')})"
        "-[:HAS_RECORD]->(g) "
        "CREATE (h:Household {household_id: 'H-TEST', status: 'active', member_count: 2}) "
        "WITH p, q, h MATCH (a:Address) WHERE a.postcode = 'B1 1AA' WITH p, q, h, a LIMIT 1 "
        "CREATE (h)-[:AT]->(a), (p)-[:MEMBER_OF {from: date('2024-01-01')}]->(h), "
        "(q)-[:MEMBER_OF {from: date('2024-02-01')}]->(h)", pid=PERSON)


@functools.cache
def password_hash() -> str:
    """Hashed once: argon2 is deliberately slow."""
    return hash_password(PASSWORD)


def api_settings(settings, **overrides) -> ApiSettings:
    values = {"home": settings.home, "jwt_secret": SECRET, "rate_limit_per_minute": 100_000,
              "rate_limit_burst": 10_000, "login_attempts_per_minute": 10_000,
              "neo4j_uri": settings.neo4j_uri, "max_body_bytes": 200_000, "api_docs": True}
    return ApiSettings(**(values | overrides))


def second_user(client, driver, role: str) -> str:
    """The token of a second user of ``role`` (``{role}2``, created when missing): the other
    person that four-eyes approvals need."""
    username = f"{role}2"
    if get_user(driver, client.app.state.settings.neo4j_database, username) is None:
        driver.execute_query(cypher.load("api/users_create"), username=username, password_hash=password_hash(),
                             role=role, organisation=None, full_name=None)
    return issue_token(client.app.state.settings, {"username": username, "role": role, "organisation": None})[0]


def applied_retention(client, driver, tokens: dict, body: dict | None = None) -> dict:
    """Apply retention as the API allows it: dpo1 asks, dpo2 approves (four eyes); the run's summary."""
    asked = client.post(f"{V1}/retention", json=(body or {}) | {"dry_run": False}, headers=auth(tokens["dpo"]))
    assert asked.status_code == 202, asked.text
    approved = client.post(f"{V1}/approvals/{asked.json()['request_id']}/approve",
                           headers=auth(second_user(client, driver, "dpo")))
    assert approved.status_code == 200, approved.text
    return approved.json()["outcome"]


def auth(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def tokens_for(settings: ApiSettings) -> dict[str, str]:
    """What signing in gives each role's user (signing in itself is tested on its own)."""
    return {role: issue_token(settings, {"username": f"{role}1", "role": role,
                                         "organisation": {"partner": "WMP", "mash": "MASH"}.get(role)})[0]
            for role in ROLES}


def token_for(client: TestClient, username: str, password: str = PASSWORD) -> str:
    response = client.post(f"{V1}/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
def world(driver, settings):
    """The small world, loaded afresh, an app and a token per role (import it into a test module)."""
    load_world(driver, settings.neo4j_database, settings)
    app = create_app(api_settings(settings), driver=driver)
    with TestClient(app) as client:
        yield client, tokens_for(app.state.settings)


def audit_entries(driver, database: str, **where) -> list[dict]:
    records, _, _ = driver.execute_query(
        "MATCH (a:AuditEntry) RETURN a {.*, at: toString(a.at)} AS a ORDER BY a.at", database_=database)
    entries = [r["a"] for r in records]
    return [e for e in entries if all(e.get(k) == v for k, v in where.items())]


def submitted_record(**overrides) -> dict:
    """One valid row for ``POST /records``: a girl new to the world, with one recent event."""
    return {"source_record_id": "N1", "first_name": "Amira", "last_name": "Khan", "date_of_birth": "01/02/2012",
            "gender": "F", "address": "3 Station Road", "postcode": "B3 3CC", "event_id": "NE1",
            "event_date": (TODAY - timedelta(days=3)).strftime("%d/%m/%Y"), "event_type": "concern_for_welfare"} | overrides
