"""Bad input, property-based, on every API payload: each bad body gets a clear 4xx error;
nothing is written for a request that is refused as a whole; nothing crashes (no 500).

Garbage bodies on every POST endpoint (malformed UTF-8, NaN, control characters, deeply
nested and oversized JSON, lone surrogates), bad values in submitted records. The CSV
reader, mappings and the rejects file: test_bad_input_files.py.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from aim.canonical import CANONICAL_COLUMNS, MAX_FIELD_CHARS
from tests.factories import field_text
from tests.graph_helpers import counts

V1 = "/api/v1"
ROLES = ("partner", "mash", "analyst", "dpo", "admin")


@pytest.fixture
def api(graph, settings):
    from fastapi.testclient import TestClient

    from aim import cypher
    from aim.api.app import create_app
    from aim.api.security import issue_token
    from aim.api.settings import ApiSettings
    from aim.graph.access.users import hash_password

    db = settings.neo4j_database
    password_hash = hash_password("bad input password")
    orgs = {"partner": "WMP", "mash": "MASH"}
    for role in ROLES:
        graph.execute_query(cypher.load("api/users_create"), username=f"{role}1", password_hash=password_hash,
                            role=role, organisation=orgs.get(role), full_name=None, database_=db)
    app_settings = ApiSettings(home=settings.home, jwt_secret="bad-input-" + "z" * 40, rate_limit_per_minute=10**6,
                               rate_limit_burst=10**5, neo4j_uri=settings.neo4j_uri,
                               api_docs=True)  # the POST routes are read from the OpenAPI document
    app = create_app(app_settings, driver=graph)
    tokens = {role: {"Authorization": "Bearer " + issue_token(app_settings, {
        "username": f"{role}1", "role": role, "organisation": orgs.get(role)})[0]} for role in ROLES}
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, tokens


def data_nodes(driver, settings) -> dict:
    """Everything but the audit trail (every request, refused or not, is audited)."""
    return {k: v for k, v in counts(driver, settings.neo4j_database).items() if "Audit" not in k and "User" not in k}


def good_record(n: int, **changes) -> dict:
    return {"source_record_id": f"R{n}", "first_name": "Ann", "last_name": "Lee", "date_of_birth": "2000-02-01",
            "gender": "F", "address": "1 Mill Lane", "postcode": "B1 1AA", "event_id": f"E{n}",
            "event_date": "2024-04-03", "event_type": "ed_attendance"} | changes


GARBAGE_BODIES = {
    "malformed utf-8": b'{"records": [{"first_name": "\xff\xfe"}]}',
    "empty": b"",
    "null": b"null",
    "a list": b"[]",
    "a number": b"42",
    "not json": b"records=1",
    "NaN": b'{"records": NaN, "reason": NaN}',
    "control characters": json.dumps({"a\u0000": "\u0001\u001b[31m"}).encode(),
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
    "huge string": json.dumps({"reason": "x" * 1_500_000, "records": "x"}).encode(),
    "20k keys": json.dumps({f"k{i}": i for i in range(20_000)}).encode(),
    "too big": b'{"records": "' + b"x" * 3_000_000 + b'"}',
}


def post_operations(client) -> list[str]:
    spec = client.get(f"{V1}/openapi.json").json()
    paths = []
    for path, ops in spec["paths"].items():
        # sign-in takes a form, not JSON; sign-out takes no body and would end the test's sessions
        if "post" in ops and path not in (f"{V1}/auth/token", f"{V1}/auth/sign-out"):
            paths.append(path.replace("{alert_id}", "A-1").replace("{watch_id}", "W-1")
                         .replace("{subject_id}", "P-1").replace("{username}", "nobody"))
    return paths


@pytest.mark.neo4j
def test_garbage_bodies_on_every_post_endpoint_give_4xx_and_write_nothing(api, graph, settings):
    client, tokens = api
    client.post(f"{V1}/records", json={"records": [good_record(1)]}, headers=tokens["partner"])
    before = data_nodes(graph, settings)
    paths = post_operations(client)
    assert f"{V1}/records" in paths and len(paths) >= 5
    problems = []
    for path in paths:
        # the role that may use the endpoint (the others get 403 before the body matters)
        allowed = [role for role in ROLES if client.post(path, content=b"null", headers=tokens[role] | {
            "Content-Type": "application/json"}).status_code not in (401, 403)]
        assert allowed, path
        for role in allowed[:1]:
            for name, body in GARBAGE_BODIES.items():
                response = client.post(path, content=body,
                                       headers=tokens[role] | {"Content-Type": "application/json"})
                if not 400 <= response.status_code < 500 or len(response.content) > 20_000:
                    problems.append((path, role, name, response.status_code, response.text[:150]))
                try:
                    assert "detail" in response.json()
                except (ValueError, AssertionError):
                    problems.append((path, role, name, "no JSON detail", response.text[:100]))
    assert not problems, problems[:10]
    assert data_nodes(graph, settings) == before
    # the sign-in form too
    for body in (b"\xff\xfe", b"username=\x00&password=" + b"x" * 100_000, b"a" * 1_000_000):
        response = client.post(f"{V1}/auth/token", content=body,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert 400 <= response.status_code < 500, response.text[:200]


@pytest.mark.neo4j
def test_submitted_records_with_bad_values_are_rejected_per_row_and_never_500(api, graph, settings):
    client, tokens = api
    cases = {
        "31/02": good_record(1, date_of_birth="31/02/2020"),
        "control": good_record(2, first_name="A\u0007nn"),
        "future": good_record(5, event_date="2999-01-01"),
        "other source": good_record(6, source="FIRE"),
        "no name": good_record(7, first_name="", last_name=""),
        "event without date": good_record(8, event_date=None),
    }
    body = json.dumps({"records": list(cases.values()) + [good_record(99)]}).encode()
    response = client.post(f"{V1}/records", content=body,
                           headers=tokens["partner"] | {"Content-Type": "application/json"})
    assert response.status_code == 200, response.text
    result = response.json()
    statuses = {name: r["status"] for name, r in zip([*cases, "good"], result["results"], strict=True)}
    assert statuses == {**{name: "rejected" for name in cases}, "good": "accepted"}
    reasons = [r["reason"] for r in result["results"][:len(cases)]]
    assert "is not a real date" in reasons[0] and "control characters" in reasons[1]
    found, _, _ = graph.execute_query("MATCH (r:Record) RETURN collect(r.source_record_id) AS ids",
                                      database_=settings.neo4j_database)
    assert found[0]["ids"] == ["R99"]  # the good row only


@pytest.mark.neo4j
def test_a_batch_refused_as_a_whole_writes_nothing(api, graph, settings):
    client, tokens = api
    before = data_nodes(graph, settings)
    refused = {
        "huge field": [good_record(1), good_record(2, first_name="x" * (MAX_FIELD_CHARS + 1))],
        "unknown field": [good_record(1), good_record(2) | {"nhs": "1"}],
        "wrong type": [good_record(1), good_record(2) | {"first_name": {"$gt": ""}}],
        "lone surrogate": [good_record(1), good_record(2, last_name="L\ud800e")],
        "escaped bad utf-8": [good_record(1), good_record(2, address="\udcff\udcfe")],
        "too many": [good_record(i) for i in range(1001)],
        "none": [],
    }
    for name, records in refused.items():
        response = client.post(f"{V1}/records", content=json.dumps({"records": records}).encode(),
                               headers=tokens["partner"] | {"Content-Type": "application/json"})
        assert response.status_code in (413, 422), (name, response.status_code)
        assert response.json()["detail"], name
        assert data_nodes(graph, settings) == before, name


@pytest.mark.neo4j
@hsettings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(records=st.lists(st.fixed_dictionaries({}, optional={c: st.one_of(st.none(), field_text, st.integers())
                                                                for c in CANONICAL_COLUMNS}), min_size=1, max_size=4))
def test_any_record_payload_is_answered_without_a_server_error(records, api):
    client, tokens = api
    response = client.post(f"{V1}/records", content=json.dumps({"records": records}).encode(),
                           headers=tokens["partner"] | {"Content-Type": "application/json"})
    assert response.status_code in (200, 413, 422), response.text[:300]
    if response.status_code == 200:
        result = response.json()
        assert result["accepted"] + result["rejected"] == len(records)
        assert all(r["status"] == "accepted" or r["reason"] for r in result["results"])
