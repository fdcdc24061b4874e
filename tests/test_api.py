"""The HTTP API against the real Neo4j: authentication, need-to-know, audit, records,
search, person view, timeline, DPO functions, retention and hardening."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from aim.api.app import create_app
from aim.api.keys import token_key
from aim.api.settings import ApiSettings
from tests.api_world import (PASSWORD, PERSON, PURPOSE, PURPOSE_TEXT, TODAY, V1, add_household, api_settings,
                             applied_retention, auth, load_world, tokens_for)
from tests.graph_helpers import counts, wipe
from tests.tcp_proxy import Proxy

pytestmark = pytest.mark.neo4j


def token_for(client: TestClient, username: str, password: str = PASSWORD) -> str:
    response = client.post(f"{V1}/auth/token", data={"username": username, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
def world(driver, settings):
    """The small world (tests/api_world.py), loaded afresh, an app and a token per role."""
    load_world(driver, settings.neo4j_database, settings)
    app = create_app(api_settings(settings), driver=driver)
    with TestClient(app) as client:
        yield client, tokens_for(app.state.settings)


def audit_entries(driver, database: str, **where) -> list[dict]:
    records, _, _ = driver.execute_query(
        "MATCH (a:AuditEntry) RETURN a {.*, at: toString(a.at)} AS a ORDER BY a.at", database_=database)
    entries = [r["a"] for r in records]
    return [e for e in entries if all(e.get(k) == v for k, v in where.items())]


# ----------------------------------------------------------------------------- health


def test_health_and_openapi(world):
    client, _ = world
    assert client.get(f"{V1}/health/live").json() == {"status": "live"}
    assert client.get(f"{V1}/health/ready").status_code == 200
    spec = client.get(f"{V1}/openapi.json").json()
    assert spec["info"]["title"] == "AIM API"
    assert f"{V1}/persons/search" in spec["paths"]


def test_readiness_is_503_while_neo4j_is_unreachable_and_recovers_by_itself(driver, settings):
    host, port = settings.bolt_uri.removeprefix("bolt://").split(":")
    proxy = Proxy((host, int(port)))
    app = create_app(api_settings(settings, neo4j_uri=f"bolt://127.0.0.1:{proxy.port}", neo4j_connect_timeout=1.0))
    with TestClient(app) as client:
        assert client.get(f"{V1}/health/ready").status_code == 200
        proxy.set("refuse")
        response = client.get(f"{V1}/health/ready")
        assert response.status_code == 503 and response.json()["status"] == "not ready"
        assert client.get(f"{V1}/health/live").status_code == 200
        proxy.set("forward")
        assert client.get(f"{V1}/health/ready").status_code == 200
    proxy.close()


# ----------------------------------------------------------------------------- authentication


def test_wrong_password_expired_tampered_and_missing_tokens_are_401(world, settings):
    client, tokens = world
    assert client.post(f"{V1}/auth/token", data={"username": "mash1", "password": "wrong password!"}).status_code == 401
    assert client.post(f"{V1}/auth/token", data={"username": "nobody", "password": PASSWORD}).status_code == 401
    assert client.get(f"{V1}/auth/me").status_code == 401
    now = datetime.now(UTC)
    key = token_key(api_settings(settings))
    expired = jwt.encode({"sub": "mash1", "role": "mash", "org": "MASH", "iss": "aim", "iat": now - timedelta(hours=2),
                          "exp": now - timedelta(hours=1), "ver": 0}, key, algorithm="HS256")
    response = client.get(f"{V1}/auth/me", headers=auth(expired))
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    forged = jwt.encode({"sub": "mash1", "role": "dpo", "iss": "aim", "iat": now, "exp": now + timedelta(hours=1)},
                        "not-the-secret", algorithm="HS256")
    assert client.get(f"{V1}/auth/me", headers=auth(forged)).status_code == 401
    # a token claiming another role than the account has is refused
    escalated = jwt.encode({"sub": "mash1", "role": "dpo", "iss": "aim", "iat": now, "exp": now + timedelta(hours=1),
                            "ver": 0}, key, algorithm="HS256")
    assert client.get(f"{V1}/auth/me", headers=auth(escalated)).status_code == 401
    none_alg = jwt.encode({"sub": "mash1", "role": "mash", "iss": "aim", "iat": now, "exp": now + timedelta(hours=1)},
                          None, algorithm="none")
    assert client.get(f"{V1}/auth/me", headers=auth(none_alg)).status_code == 401
    me = client.get(f"{V1}/auth/me", headers=auth(token_for(client, "mash1"))).json()
    assert me == {"username": "mash1", "role": "mash", "organisation": "MASH"}


def test_tokens_expire_and_passwords_are_argon2_hashed(world, driver, settings):
    client, tokens = world
    claims = jwt.decode(tokens["mash"], token_key(api_settings(settings)), algorithms=["HS256"], issuer="aim")
    assert 0 < claims["exp"] - claims["iat"] <= 30 * 60
    stored, _, _ = driver.execute_query("MATCH (u:User {username: 'mash1'}) RETURN u.password_hash AS h")
    assert stored[0]["h"].startswith("$argon2") and PASSWORD not in stored[0]["h"]


def test_a_disabled_user_is_locked_out(world):
    client, tokens = world
    assert client.get(f"{V1}/auth/me", headers=auth(tokens["mash"])).status_code == 200
    response = client.post(f"{V1}/users/mash1/disable", headers=auth(tokens["admin"]))
    assert response.status_code == 200 and response.json()["disabled"] is True
    assert client.get(f"{V1}/auth/me", headers=auth(tokens["mash"])).status_code == 401
    assert client.post(f"{V1}/auth/token", data={"username": "mash1", "password": PASSWORD}).status_code == 401


def test_admin_creates_and_lists_users(world):
    client, tokens = world
    body = {"username": "newpartner", "password": "a long enough password", "role": "partner", "organisation": "FIRE"}
    assert client.post(f"{V1}/users", json=body, headers=auth(tokens["admin"])).status_code == 201
    assert client.post(f"{V1}/users", json=body, headers=auth(tokens["admin"])).status_code == 409
    assert client.post(f"{V1}/users", json=body | {"password": "short"}, headers=auth(tokens["admin"])).status_code == 422
    names = [u["username"] for u in client.get(f"{V1}/users", headers=auth(tokens["admin"])).json()]
    assert "newpartner" in names
    assert all("password_hash" not in u for u in client.get(f"{V1}/users", headers=auth(tokens["admin"])).json())
    assert token_for(client, "newpartner", "a long enough password")


# ----------------------------------------------------------------------------- records


def _record(**overrides) -> dict:
    return {"source_record_id": "N1", "first_name": "Amira", "last_name": "Khan", "date_of_birth": "01/02/2012",
            "gender": "F", "address": "3 Station Road", "postcode": "B3 3CC", "event_id": "NE1",
            "event_date": (TODAY - timedelta(days=3)).strftime("%d/%m/%Y"), "event_type": "concern_for_welfare"} | overrides


def test_submit_records_validates_per_row_and_is_idempotent(world, driver, settings):
    client, tokens = world
    batch = {"records": [
        _record(),
        _record(source_record_id="N2", event_id="NE2", date_of_birth="31/02/2012"),
        _record(source_record_id="N3", event_id="NE3", source="FIRE"),
        _record(source_record_id="N4", event_id="NE4", first_name="", last_name=""),
        _record(source_record_id="N5", event_id="NE5", postcode="nonsense"),
    ]}
    first = client.post(f"{V1}/records", json=batch, headers=auth(tokens["partner"]))
    assert first.status_code == 200, first.text
    body = first.json()
    assert (body["organisation"], body["received"], body["accepted"], body["rejected"]) == ("WMP", 5, 2, 3)
    statuses = [(r["index"], r["status"]) for r in body["results"]]
    assert statuses == [(0, "accepted"), (1, "rejected"), (2, "rejected"), (3, "rejected"), (4, "accepted")]
    assert "not a real date" in body["results"][1]["reason"]
    assert "does not match" in body["results"][2]["reason"]
    assert body["results"][4]["warnings"]
    assert (body["new_records"], body["new_events"]) == (2, 2)
    before = counts(driver, settings.neo4j_database)
    again = client.post(f"{V1}/records", json=batch, headers=auth(tokens["partner"])).json()
    assert (again["new_records"], again["updated_records"], again["new_events"]) == (0, 0, 0)
    after = counts(driver, settings.neo4j_database)
    assert {k: v for k, v in after.items() if "Audit" not in k and "ABOUT" not in k} == \
        {k: v for k, v in before.items() if "Audit" not in k and "ABOUT" not in k}
    held, _, _ = driver.execute_query("MATCH (r:Record {source_record_id: 'N1'})-[:HELD_BY]->(o) RETURN o.code AS o")
    assert [r["o"] for r in held] == ["WMP"]  # the caller's organisation, always


def test_submit_rejects_bad_shapes_with_4xx(world):
    client, tokens = world
    headers = auth(tokens["partner"])
    assert client.post(f"{V1}/records", json={"records": []}, headers=headers).status_code == 422
    assert client.post(f"{V1}/records", json={"records": [{"unknown": 1}]}, headers=headers).status_code == 422
    assert client.post(f"{V1}/records", content=b"not json", headers=headers | {"content-type": "application/json"}
                       ).status_code == 422
    too_many = {"records": [_record(source_record_id=f"X{i}") for i in range(1001)]}
    assert client.post(f"{V1}/records", json=too_many, headers=headers).status_code in (413, 422)


# ----------------------------------------------------------------------------- search, view, timeline


def _search(client, token, **params):
    response = client.post(f"{V1}/persons/search", json=params, headers=auth(token) | PURPOSE)
    assert response.status_code == 200, response.text
    return response.json()["results"]


@pytest.mark.parametrize("first,last", [("William", "Smith"), ("Bill", "Smith"), ("Wiliam", "Smtih"),
                                        ("Billy", "Smyth"), ("Smith", "William")])
def test_search_tolerates_nicknames_typos_and_swaps(world, first, last):
    client, tokens = world
    results = _search(client, tokens["mash"], first_name=first, last_name=last)
    assert results and results[0]["subject_id"] == PERSON, results
    top = results[0]
    assert top["agencies"] == ["SCHOOL_OAK", "WMP"]
    assert top["age"] == (TODAY.year - 2014 - ((TODAY.month, TODAY.day) < (3, 5)))
    assert top["address"] and top["postcode"] == "B1 1AA"


def test_search_by_date_of_birth_and_its_day_month_swap(world):
    client, tokens = world
    assert _search(client, tokens["mash"], date_of_birth="2014-03-05")[0]["subject_id"] == PERSON
    assert _search(client, tokens["mash"], date_of_birth="2014-05-03", last_name="Smith")[0]["subject_id"] == PERSON
    ranked = _search(client, tokens["mash"], first_name="Grace", last_name="Jones", gender="F")
    assert ranked[0]["subject_id"] == "rec:WMP:W2"
    assert all(a["score"] >= b["score"] for a, b in zip(ranked, ranked[1:]))


def test_search_needs_criteria_and_a_purpose(world):
    client, tokens = world
    headers = auth(tokens["mash"])
    url = f"{V1}/persons/search"
    assert client.post(url, json={}, headers=headers | PURPOSE).status_code == 400
    assert client.post(url, json={"last_name": "Smith"}, headers=headers).status_code == 400
    assert client.post(url, json={"last_name": "Smith"}, headers=headers | PURPOSE).status_code == 200
    assert client.post(url, json={"last_name": "Smith", "purpose": "strategy meeting"},
                       headers=headers).status_code == 200
    assert client.post(url, json={"date_of_birth": "05/03/2014"}, headers=headers | PURPOSE).status_code == 422


def test_person_view_lists_every_organisation_with_latest_activity_and_lead(world):
    client, tokens = world
    view = client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | PURPOSE)
    assert view.status_code == 200, view.text
    body = view.json()
    by_org = {a["organisation"]: a for a in body["activity"]}
    assert set(by_org) == {"WMP", "SCHOOL_OAK", "FIRE", "CSC"}
    assert by_org["WMP"]["latest_activity_date"] == (TODAY - timedelta(days=20)).isoformat()
    assert by_org["WMP"]["latest_activity_kind"] == "concern_for_welfare"
    assert by_org["WMP"]["lead"]["email"] == "mash@wmp.example"
    assert by_org["CSC"]["activity"] == "no activity reported" and by_org["CSC"]["lead"]["name"] == "Duty manager"
    assert by_org["FIRE"]["latest_activity_date"] is None
    assert (body["first_name"], body["last_name"]) == ("Billy", "Smyth")  # the most recent record's details
    assert len(body["records"]) == 2
    assert client.get(f"{V1}/persons/P-NOPE", headers=auth(tokens["mash"]) | PURPOSE).status_code == 404
    assert client.get(f"{V1}/persons/rec:WMP", headers=auth(tokens["mash"]) | PURPOSE).status_code == 404


def test_partner_sees_that_activity_exists_but_never_its_details(world):
    client, tokens = world
    body = client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["partner"]) | PURPOSE).json()
    assert all(a["latest_activity_kind"] is None for a in body["activity"])
    assert {a["organisation"] for a in body["activity"] if a["latest_activity_date"]} == {"WMP", "SCHOOL_OAK"}
    assert {r["organisation"] for r in body["records"]} == {"WMP"}
    others = [a for a in body["activity"] if a["organisation"] != "WMP"]
    assert all(a["events"] is None and a["known"] is None for a in others)  # the vision's rows only
    timeline = client.get(f"{V1}/persons/{PERSON}/timeline", headers=auth(tokens["partner"]) | PURPOSE).json()
    assert timeline["total"] == 2  # its own organisation's events only
    assert all(set(e) == {"date", "organisation", "kind"} and e["kind"] is None and e["organisation"] == "WMP"
               for e in timeline["events"])
    forbidden = client.get(f"{V1}/persons/{PERSON}/timeline", params={"kind": "missing_person"},
                           headers=auth(tokens["partner"]) | PURPOSE)
    assert forbidden.status_code == 403


def test_timeline_newest_first_paginated_and_filtered(world):
    client, tokens = world
    headers = auth(tokens["mash"])
    url = f"{V1}/persons/{PERSON}/timeline"
    full = client.get(url, headers=headers | PURPOSE).json()
    dates = [e["date"] for e in full["events"]]
    assert full["total"] == 3 and dates == sorted(dates, reverse=True)
    assert [e["organisation"] for e in full["events"]] == ["SCHOOL_OAK", "WMP", "WMP"]
    page2 = client.get(url, params={"page": 2, "page_size": 2}, headers=headers | PURPOSE).json()
    assert page2["total"] == 3 and [e["event_id"] for e in page2["events"]] == ["WE2"]
    only_wmp = client.get(url, params={"organisation": "WMP"}, headers=headers | PURPOSE).json()
    assert only_wmp["total"] == 2
    kind = client.get(url, params={"kind": "missing_person"}, headers=headers | PURPOSE).json()
    assert [e["kind"] for e in kind["events"]] == ["missing_person"]
    window = client.get(url, params={"from": (TODAY - timedelta(days=30)).isoformat(),
                                               "to": TODAY.isoformat()}, headers=headers | PURPOSE).json()
    assert window["total"] == 2
    bad = client.get(url, params={"from": "2025-02-01", "to": "2025-01-01"}, headers=headers | PURPOSE)
    assert bad.status_code == 400
    assert client.get(url, params={"page": 0}, headers=headers | PURPOSE).status_code == 422


def test_analyst_gets_aggregates_without_names(world):
    client, tokens = world
    body = client.get(f"{V1}/stats", headers=auth(tokens["analyst"])).json()
    wmp = next(o for o in body["organisations"] if o["organisation"] == "WMP")
    assert wmp["records"] is None and all(e["events"] is None for e in wmp["events"])  # under 5: suppressed
    assert "Smith" not in str(body) and "William" not in str(body)
    exact = client.get(f"{V1}/stats", headers=auth(tokens["mash"])).json()
    wmp = next(o for o in exact["organisations"] if o["organisation"] == "WMP")
    assert wmp["records"] == 2 and sum(e["events"] for e in wmp["events"]) == 3


# ----------------------------------------------------------------------------- audit


def test_every_personal_data_read_is_audited_with_user_purpose_and_subjects(world, driver, settings):
    client, tokens = world
    db = settings.neo4j_database
    calls = [
        ("mash", "post", f"{V1}/persons/search", {"last_name": "Smith"}, "person.search"),
        ("mash", "get", f"{V1}/persons/{PERSON}", {}, "person.view"),
        ("partner", "get", f"{V1}/persons/{PERSON}/timeline", {}, "person.timeline"),
        ("dpo", "get", f"{V1}/subjects/{PERSON}/export", {}, "dpo.subject_access_export"),
        ("dpo", "get", f"{V1}/audit", {"subject_id": PERSON}, "dpo.audit_query"),
        ("analyst", "get", f"{V1}/stats", {}, "aggregate.stats"),
    ]
    for role, method, url, params, action in calls:
        sent = {"json": params} if method == "post" else {"params": params}
        response = getattr(client, method)(url, **sent, headers=auth(tokens[role]) | PURPOSE)
        assert response.status_code == 200, (url, response.text)
        entries = audit_entries(driver, db, action=action, username=f"{role}1")
        assert entries, f"no audit entry for {url}"
        entry = entries[-1]
        assert entry["role"] == role and entry["endpoint"].startswith(V1) and entry["at"]
        if action not in ("dpo.audit_query", "aggregate.stats"):  # reads of personal data state why
            assert entry["purpose"] == PURPOSE_TEXT
        if action in ("person.view", "person.timeline", "dpo.subject_access_export", "person.search"):
            assert PERSON in entry["subject_ids"]
    client.post(f"{V1}/records", json={"records": [_record()]}, headers=auth(tokens["partner"]))
    submitted = audit_entries(driver, db, action="records.submit")
    assert submitted and submitted[-1]["subject_ids"] == ["rec:WMP:N1"]


def test_the_dpo_sees_who_looked_at_a_child_when_and_why(world):
    client, tokens = world
    client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | {"X-AIM-Purpose": "strategy discussion"})
    client.get(f"{V1}/persons/{PERSON}/timeline",
               headers=auth(tokens["partner"]) | {"X-AIM-Purpose": "checking attendance"})
    odd = client.get(f"{V1}/audit", params={"from": "2020-01-01T00:00:00-18:51", "to": "0001-01-01T00:00:00+05:00"},
                     headers=auth(tokens["dpo"]))
    assert odd.status_code == 400  # offsets Neo4j cannot hold, times before year 1 in UTC
    assert client.get(f"{V1}/audit", params={"from": "2020-01-01T00:00:00-18:51"},
                      headers=auth(tokens["dpo"])).status_code == 200
    log = client.get(f"{V1}/audit", params={"subject_id": PERSON}, headers=auth(tokens["dpo"])).json()
    seen = {(e["username"], e["purpose"], e["action"]) for e in log["entries"]}
    assert ("mash1", "strategy discussion", "person.view") in seen
    assert ("partner1", "checking attendance", "person.timeline") in seen
    export = client.get(f"{V1}/subjects/{PERSON}/export",
                        headers=auth(tokens["dpo"]) | {"X-AIM-Purpose": "subject access request 42"}).json()
    assert {e["event_id"] for e in export["events"]} == {"WE1", "WE2", "SE1"}
    assert {r["source_record_id"] for r in export["person"]["records"]} == {"W1", "S9"}
    assert {a["username"] for a in export["accesses"]} >= {"mash1", "partner1"}
    # records accessed before resolution are found through the record subject ids
    assert "rec:WMP:W1" in export["subject_ids"]


def test_if_the_audit_write_fails_no_data_is_returned(world, monkeypatch):
    client, tokens = world
    from aim.graph.access import audit

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "write_entry", broken)
    client = TestClient(client.app, raise_server_exceptions=False)
    response = client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | PURPOSE)
    assert response.status_code == 500
    assert "Smith" not in response.text and "Smyth" not in response.text
    response = client.post(f"{V1}/persons/search", json={"last_name": "Smith"}, headers=auth(tokens["mash"]) | PURPOSE)
    assert response.status_code == 500 and "Smith" not in response.text


# ----------------------------------------------------------------------------- retention


def test_retention_removes_old_events_and_unjustified_records_and_logs_it(world, driver, settings):
    client, tokens = world
    db = settings.neo4j_database
    driver.execute_query(
        "MATCH (e:Event {event_id: 'WE2'}) SET e.date = date('2015-01-01') "
        "WITH 1 AS x MATCH (e:Event {event_id: 'WE3'}) SET e.date = date('2015-01-01') "
        "WITH 1 AS x MATCH (r:Record {source_record_id: 'W2'}) SET r.last_seen = date('2015-01-01'), "
        "r.created_at = datetime('2015-01-01T00:00:00Z'), r.updated_at = null "
        "WITH 1 AS x MATCH (r:Record {source_record_id: 'F1'}) SET r.created_at = datetime('2015-01-01T00:00:00Z')",
        database_=db)
    preview = client.post(f"{V1}/retention", json={"days": 3650, "dry_run": True}, headers=auth(tokens["dpo"])).json()
    assert preview["events_to_remove"] == 2
    body = applied_retention(client, driver, tokens, {"days": 3650})
    assert (body["events_removed"], body["records_removed"]) == (2, 2)  # W2 (only old events) and F1 (none)
    remaining, _, _ = driver.execute_query("MATCH (r:Record) RETURN r.source_record_id AS id ORDER BY id")
    assert [r["id"] for r in remaining] == ["S9", "W1"]
    with open(body["log_file"]) as handle:
        log = json.loads(handle.read())
    assert (log["events_removed"], log["records_removed"]) == (2, 2)  # how many, never which (no ids)
    runs, _, _ = driver.execute_query("MATCH (r:RetentionRun) RETURN r.events_removed AS n")
    assert [r["n"] for r in runs] == [2]
    assert audit_entries(driver, db, action="retention.apply")


def test_retention_cli_dry_run(driver, settings, monkeypatch):
    from typer.testing import CliRunner

    from aim.cli import app

    load_world(driver, settings.neo4j_database, settings)
    result = CliRunner().invoke(app, ["retention", "apply", "--dry-run", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert '"events_to_remove": 1' in result.output  # WE2, 200 days old


def test_users_cli(driver, settings, monkeypatch):
    from typer.testing import CliRunner

    from aim.cli import app

    wipe(driver, settings.neo4j_database)
    runner = CliRunner()
    monkeypatch.setenv("AIM_NEW_USER_PASSWORD", PASSWORD)
    added = runner.invoke(app, ["users", "add", "dpo-jane", "--role", "dpo", "--full-name", "Jane"])
    assert added.exit_code == 0, added.output
    assert runner.invoke(app, ["users", "add", "dpo-jane", "--role", "dpo"]).exit_code == 1
    assert runner.invoke(app, ["users", "add", "p", "--role", "partner"]).exit_code == 1  # needs an organisation
    assert runner.invoke(app, ["users", "disable", "dpo-jane"]).exit_code == 0
    listed = runner.invoke(app, ["users", "list"])
    assert "dpo-jane" in listed.output and "yes" in listed.output


# ----------------------------------------------------------------------------- hardening


def test_security_headers_cors_and_body_limit(world):
    client, tokens = world
    response = client.get(f"{V1}/health/live", headers={"Origin": "https://evil.example"})
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'none'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"
    assert "access-control-allow-origin" not in response.headers
    big = b'{"records": [' + b'{"first_name": "' + b"a" * 300_000 + b'"}]}'
    response = client.post(f"{V1}/records", content=big,
                           headers=auth(tokens["partner"]) | {"content-type": "application/json"})
    assert response.status_code == 413


def test_rate_limit_per_user(driver, settings):
    load_world(driver, settings.neo4j_database, settings)
    app = create_app(api_settings(settings, rate_limit_per_minute=60, rate_limit_burst=5), driver=driver)
    with TestClient(app) as client:
        tokens = tokens_for(app.state.settings)
        mash, analyst = tokens["mash"], tokens["analyst"]
        codes = [client.get(f"{V1}/auth/me", headers=auth(mash)).status_code for _ in range(8)]
        assert codes[:5] == [200] * 5 and codes[-1] == 429
        assert client.get(f"{V1}/auth/me", headers=auth(analyst)).status_code == 200  # per user


def test_login_attempts_are_limited(driver, settings):
    load_world(driver, settings.neo4j_database, settings)
    app = create_app(api_settings(settings, login_attempts_per_minute=3), driver=driver)
    with TestClient(app) as client:
        codes = [client.post(f"{V1}/auth/token", data={"username": "mash1", "password": "wrong password!"}).status_code
                 for _ in range(5)]
        assert codes[:3] == [401] * 3 and codes[-1] == 429


def test_the_demo_generates_its_jwt_secret_once_and_keeps_it_private(tmp_path):
    first = ApiSettings(home=tmp_path, jwt_secret=None, demo=True).signing_secret()
    assert first == ApiSettings(home=tmp_path, jwt_secret=None, demo=True).signing_secret()
    assert len(first) >= 40 and (tmp_path / "jwt-secret").stat().st_mode & 0o777 == 0o600
    given = "from-env-" + "e" * 32
    assert ApiSettings(home=tmp_path, jwt_secret=given, demo=True).signing_secret() == given


def test_search_uses_the_resolution_blocking_keys_when_records_have_them(world, driver, settings, monkeypatch):
    """After `aim resolve` every record carries its blocking keys (bk_*); search finds
    candidates through those indexes without the full-text index."""
    from aim.graph.identity import blocking_props
    from aim.graph.views import person_search as people

    rows, _, _ = driver.execute_query(
        "MATCH (r:Record) RETURN r.source AS source, r.source_record_id AS id, r.first_name AS first_name, "
        "r.last_name AS last_name, toString(r.date_of_birth) AS date_of_birth, r.address AS address, "
        "r.postcode AS postcode")
    for row in rows:
        driver.execute_query("MATCH (r:Record {source: $s, source_record_id: $id}) SET r += $props",
                             s=row["source"], id=row["id"], props=blocking_props(dict(row)))
    monkeypatch.setattr(people, "lucene_query", lambda *a: "")  # no full-text fallback
    client, tokens = world
    assert _search(client, tokens["mash"], first_name="Bill", last_name="Smith")[0]["subject_id"] == PERSON
    assert _search(client, tokens["mash"], first_name="Wiliam", last_name="Smtih",
                   date_of_birth="2014-03-05")[0]["subject_id"] == PERSON


def test_households_and_network_for_mash_and_pseudonymised_for_analysts(world, driver, settings):
    client, tokens = world
    add_household(driver)
    mash = client.get(f"{V1}/households/H-TEST", headers=auth(tokens["mash"]) | PURPOSE).json()
    assert {m["person_id"] for m in mash["members"]} == {PERSON, "P-TEST-2"}
    assert {m["first_name"] for m in mash["members"]} == {"William", "Grace"}
    analyst_headers = auth(tokens["analyst"]) | PURPOSE
    listed = client.get(f"{V1}/households", headers=analyst_headers).json()["households"]
    # analysts name a household by the pseudonym they were shown (the real id is unknown to them)
    analyst = client.get(f"{V1}/households/{listed[0]['household']}", headers=analyst_headers).json()
    assert analyst["pseudonymised"] and analyst["member_count"] is None  # 2: under 5, suppressed
    assert len(analyst["members"]) == 2 and {m["age_band"] for m in analyst["members"]} == {"10-15", "25-44"}
    assert "William" not in str(analyst) and PERSON not in str(analyst) and "Mill" not in str(analyst)
    assert [h["household"] for h in listed] == [analyst["household"]]  # stable pseudonyms
    assert client.get(f"{V1}/households/H-TEST", headers=analyst_headers).status_code == 404
    net = client.get(f"{V1}/persons/{PERSON}/network", headers=auth(tokens["mash"]) | PURPOSE)
    assert net.status_code == 200, net.text
    ids = {n["id"] for n in net.json()["nodes"]}
    assert {f"person:{PERSON}", "person:P-TEST-2"} <= ids
    assert any(e["type"] == "HOUSEHOLD" for e in net.json()["edges"])
    william = next(m["person"] for m in analyst["members"] if m["age_band"] == "10-15")
    hidden = client.get(f"{V1}/persons/{william}/network", headers=analyst_headers).json()
    assert hidden["pseudonymised"] and "Grace" not in str(hidden) and PERSON not in str(hidden)
    assert len(hidden["nodes"]) == len(net.json()["nodes"])
    entries = audit_entries(driver, settings.neo4j_database, action="persons.network")
    assert entries and "P-TEST-2" in entries[-1]["subject_ids"] and entries[-1]["purpose"] == PURPOSE_TEXT
    assert audit_entries(driver, settings.neo4j_database, action="households.view")


def test_alerts_filters_actions_and_watch_list_through_the_alerts_module(world, driver, settings):
    client, tokens = world
    driver.execute_query(
        "MATCH (p:Person {person_id: $pid}) MATCH (e:Event {event_id: 'WE1'}) "
        "CREATE (a:Alert {alert_id: 'A-TEST', rule: 'multi_agency_cluster', subject_type: 'person', "
        "subject_id: $pid, status: 'new', rag: 'red', score: 0.9, title: 'Clustered activity', "
        "first_raised: date(), last_updated: date(), explanation: '{}'})-[:CONCERNS]->(p), (a)-[:EVIDENCE]->(e)",
        pid=PERSON)
    headers = auth(tokens["mash"]) | PURPOSE
    assert [a["alert_id"] for a in client.get(f"{V1}/alerts", params={"rag": "red"}, headers=headers).json()["alerts"]] \
        == ["A-TEST"]
    assert client.get(f"{V1}/alerts", params={"rag": "amber"}, headers=headers).json()["alerts"] == []
    assert client.get(f"{V1}/alerts", params={"rule": "other"}, headers=headers).json()["alerts"] == []
    assert client.get(f"{V1}/alerts", params={"rag": "purple"}, headers=headers).status_code == 422
    alert = client.get(f"{V1}/alerts/A-TEST", headers=headers).json()
    assert alert["subject_id"] == PERSON and [e["event_id"] for e in alert["evidence"]] == ["WE1"]
    done = client.post(f"{V1}/alerts/A-TEST/actions", json={"action": "acknowledge"}, headers=headers)
    assert done.status_code == 200, done.text
    again = client.post(f"{V1}/alerts/A-TEST/actions", json={"action": "acknowledge"}, headers=headers)
    assert again.status_code == 409
    assert client.post(f"{V1}/alerts/A-TEST/actions", json={"action": "dismiss"}, headers=headers).status_code == 400
    watched = client.post(f"{V1}/alerts/A-TEST/actions", json={"action": "watch", "reason": "keep an eye"},
                          headers=headers)
    assert watched.status_code == 200, watched.text
    entries = client.get(f"{V1}/watchlist", headers=headers).json()["entries"]
    assert [e["subject_id"] for e in entries] == [PERSON]
    assert client.get(f"{V1}/alerts", params={"status": "watch_list"}, headers=headers).json()["alerts"]
    actions = [e["action"] for e in audit_entries(driver, settings.neo4j_database, username="mash1")]
    assert {"alerts.list", "alerts.view", "alerts.acknowledge", "alerts.watch", "watchlist.list"} <= set(actions)


def test_submitted_records_are_resolved_in_real_time_when_a_model_exists(world, driver, settings):
    import numpy as np

    from aim.graph.identity import save_model
    from aim.resolution.model import Model, default_m, n_levels

    client, tokens = world
    u = [np.full(n, 1.0 / n) for n in n_levels()]
    save_model(driver, settings.neo4j_database, Model(m=default_m(), u=u, lam=0.01), trained_on=0)
    body = {"records": [_record(source_record_id="RT1", event_id="RTE1")]}
    result = client.post(f"{V1}/records", json=body, headers=auth(tokens["partner"])).json()
    assert result["resolution"] == "resolved", result
    assert result["persons"]
    person = result["persons"][0]
    found = _search(client, tokens["mash"], first_name="Amira", last_name="Khan")
    assert found[0]["subject_id"] == person


def test_a_merged_away_person_id_leads_to_the_survivor(world, driver):
    client, tokens = world
    driver.execute_query("MATCH (p:Person {person_id: $pid}) "
                         "CREATE (:Person {person_id: 'P-OLD', status: 'merged'})-[:MERGED_INTO]->(p)", pid=PERSON)
    view = client.get(f"{V1}/persons/P-OLD", headers=auth(tokens["mash"]) | PURPOSE).json()
    assert (view["subject_id"], view["merged_from"]) == (PERSON, "P-OLD")
    timeline = client.get(f"{V1}/persons/P-OLD/timeline", headers=auth(tokens["mash"]) | PURPOSE).json()
    assert timeline["total"] == 3 and timeline["merged_from"] == "P-OLD"
