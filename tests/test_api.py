"""The HTTP API against the real Neo4j: health, authentication, users, records, retention
and hardening (search, person views, audit and alerts: tests/test_api_persons.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from aim.api.app import create_app
from aim.api.keys import token_key
from aim.api.settings import ApiSettings
from tests.api_world import (PASSWORD, V1, api_settings, applied_retention, audit_entries, auth, load_world,
                             submitted_record, token_for, tokens_for, world)
from tests.graph_helpers import counts, wipe
from tests.tcp_proxy import Proxy

pytestmark = pytest.mark.neo4j


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


def test_submit_records_validates_per_row_and_is_idempotent(world, driver, settings):
    client, tokens = world
    batch = {"records": [
        submitted_record(),
        submitted_record(source_record_id="N2", event_id="NE2", date_of_birth="31/02/2012"),
        submitted_record(source_record_id="N3", event_id="NE3", source="FIRE"),
        submitted_record(source_record_id="N4", event_id="NE4", first_name="", last_name=""),
        submitted_record(source_record_id="N5", event_id="NE5", postcode="nonsense"),
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
    too_many = {"records": [submitted_record(source_record_id=f"X{i}") for i in range(1001)]}
    assert client.post(f"{V1}/records", json=too_many, headers=headers).status_code in (413, 422)


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
