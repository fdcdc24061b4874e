"""Attacks on sessions and separation of duties (issue 13, parts 4 and 7), through the real
app (API and dashboard) against the real Neo4j: replaying a token after sign-out or a
password change, guessing passwords, forging tokens with the other keys, weak secrets, and
granting privileges or applying retention without a second person."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from aim.api.app import create_app
from aim.api.keys import csrf_key, pseudonym_key, token_key
from aim.api.settings import ApiSettings, SecretError
from tests.api_world import PASSWORD, V1, api_settings, auth, load_world, second_user

pytestmark = pytest.mark.neo4j
CLIENT = "203.0.113.7"  # the address the TLS proxy forwards (documentation range)
PURPOSE = {"X-AIM-Purpose": "strategy meeting"}


@pytest.fixture
def world(driver, settings):
    """The API world served as if behind the proxy: (client, app settings, driver)."""
    load_world(driver, settings.neo4j_database, settings)
    app_settings = api_settings(settings, lockout_after_failures=3, lockout_first_seconds=60)
    app = create_app(app_settings, driver=driver)
    with TestClient(app, client=(CLIENT, 50000)) as client:
        yield client, app_settings, driver


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post(f"{V1}/auth/token", data={"username": username, "password": password})


def token_of(client, username: str, password: str = PASSWORD) -> str:
    response = sign_in(client, username, password)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def audit_entries(driver, action: str) -> list[dict]:
    records, _, _ = driver.execute_query(
        "MATCH (a:AuditEntry {action: $action}) RETURN a {.*} AS a ORDER BY a.at", action=action)
    return [r["a"] for r in records]


def dashboard_sign_in(client, username: str, password: str = PASSWORD):
    page = client.get("/dashboard/sign-in")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
    return client.post("/dashboard/sign-in", data={"username": username, "password": password, "nonce": nonce},
                       follow_redirects=False)


def csrf_of(page_html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)


# ----------------------------------------------------------------------------- revocation


def test_a_bearer_token_is_refused_right_after_sign_out(world):
    client, _, driver = world
    token = token_of(client, "mash1")
    assert client.get(f"{V1}/alerts", headers=auth(token) | PURPOSE).status_code == 200
    assert client.post(f"{V1}/auth/sign-out", headers=auth(token)).status_code == 204
    assert client.get(f"{V1}/alerts", headers=auth(token) | PURPOSE).status_code == 401
    assert client.get(f"{V1}/auth/me", headers=auth(token)).status_code == 401
    assert audit_entries(driver, "auth.sign_out")[0]["username"] == "mash1"
    fresh = token_of(client, "mash1")  # signing in again works
    assert client.get(f"{V1}/alerts", headers=auth(fresh) | PURPOSE).status_code == 200


def test_the_dashboard_cookie_is_refused_after_signing_out(world):
    client, _, _ = world
    assert dashboard_sign_in(client, "mash1").status_code == 303
    cookie = client.cookies.get("aim_session")
    alerts = client.get("/dashboard/alerts")
    assert alerts.status_code == 200
    out = client.post("/dashboard/sign-out", data={"csrf_token": csrf_of(alerts.text)}, follow_redirects=False)
    assert out.status_code == 303
    # The attacker kept a copy of the cookie: it is dead, as a cookie and as a bearer token.
    client.cookies.set("aim_session", cookie, path="/dashboard")
    replay = client.get("/dashboard/alerts", follow_redirects=False)
    assert replay.status_code == 303 and "/dashboard/sign-in" in replay.headers["location"]
    assert client.get(f"{V1}/alerts", headers=auth(cookie) | PURPOSE).status_code == 401


def test_signing_out_through_the_api_ends_the_dashboard_session_too(world):
    client, _, _ = world
    dashboard_sign_in(client, "mash1")
    token = token_of(client, "mash1")
    assert client.post(f"{V1}/auth/sign-out", headers=auth(token)).status_code == 204
    replay = client.get("/dashboard/alerts", follow_redirects=False)
    assert replay.status_code == 303 and "/dashboard/sign-in" in replay.headers["location"]


def test_tokens_are_refused_after_a_password_change(world):
    client, _, driver = world
    token = token_of(client, "mash1")
    other_device = token_of(client, "mash1")
    new = "a brand new passphrase"
    wrong = client.post(f"{V1}/auth/password", headers=auth(token),
                        json={"current_password": "not my password", "new_password": new})
    assert wrong.status_code == 400
    changed = client.post(f"{V1}/auth/password", headers=auth(token),
                          json={"current_password": PASSWORD, "new_password": new})
    assert changed.status_code == 204, changed.text
    for old in (token, other_device):
        assert client.get(f"{V1}/alerts", headers=auth(old) | PURPOSE).status_code == 401
    assert sign_in(client, "mash1").status_code == 401
    assert client.get(f"{V1}/alerts", headers=auth(token_of(client, "mash1", new)) | PURPOSE).status_code == 200
    entry = audit_entries(driver, "auth.password_change")[0]
    assert entry["username"] == "mash1" and PASSWORD not in str(entry) and new not in str(entry)


# ----------------------------------------------------------------------------- lockout


def test_repeated_wrong_passwords_lock_the_username_and_the_lockout_is_audited(world):
    client, app_settings, driver = world
    codes = [sign_in(client, "mash1", f"guess number {i}").status_code for i in range(3)]
    assert codes == [401, 401, 401]
    # Locked: even the right password is refused, and no password is tried.
    locked = sign_in(client, "mash1")
    assert locked.status_code == 429 and "locked" in locked.json()["detail"]
    assert 1 <= int(locked.headers["Retry-After"]) <= app_settings.lockout_first_seconds
    lockouts = audit_entries(driver, "auth.lockout")
    assert len(lockouts) == 1 and lockouts[0]["username"] == "mash1"
    assert CLIENT in lockouts[0]["detail"] and "locked_until" in lockouts[0]["detail"]
    # A username that does not exist locks the same way (no oracle of which usernames exist).
    assert [sign_in(client, "no.such.user", f"guess {i}").status_code for i in range(4)] == [401, 401, 401, 429]


def test_the_lockout_doubles_and_an_admin_unlock_or_a_success_resets_it(world):
    client, _, driver = world
    admin = token_of(client, "admin1")
    for _ in range(3):
        sign_in(client, "mash1", "wrong password!")
    first = _locked_seconds(driver, "mash1")
    driver.execute_query("MATCH (g:SignInGuard {username: 'mash1'}) SET g.locked_until = datetime() - duration('PT1S')")
    for _ in range(3):
        sign_in(client, "mash1", "wrong password!")
    second = _locked_seconds(driver, "mash1")
    assert 50 <= first <= 60 and 110 <= second <= 120  # 1 minute, then 2
    assert sign_in(client, "mash1").status_code == 429
    assert client.post(f"{V1}/users/mash1/unlock", headers=auth(admin)).status_code == 204
    assert audit_entries(driver, "users.unlock")[0]["username"] == "admin1"
    assert sign_in(client, "mash1").status_code == 200
    assert driver.execute_query("MATCH (g:SignInGuard {username: 'mash1'}) RETURN count(g) AS n")[0][0]["n"] == 0
    sign_in(client, "mash1", "wrong password!")
    sign_in(client, "mash1", "wrong password!")
    assert sign_in(client, "mash1").status_code == 200  # a success resets the count
    sign_in(client, "mash1", "wrong password!")
    assert sign_in(client, "mash1").status_code == 200


def _locked_seconds(driver, username: str) -> float:
    records, _, _ = driver.execute_query(
        "MATCH (g:SignInGuard {username: $u}) RETURN g.locked_until AS until", u=username)
    return (records[0]["until"].to_native() - datetime.now(UTC)).total_seconds()


# ----------------------------------------------------------------------------- audited sign-ins


def test_sign_ins_are_audited_with_the_client_address_and_never_the_password(world):
    client, _, driver = world
    token_of(client, "dpo1")
    sign_in(client, "dpo1", "wrong-password-123")
    dashboard_sign_in(client, "mash1")
    ok = audit_entries(driver, "auth.sign_in")
    failed = audit_entries(driver, "auth.sign_in_failed")
    assert [(e["username"], e["role"], e["endpoint"]) for e in ok] == [
        ("dpo1", "dpo", f"{V1}/auth/token"), ("mash1", "mash", "/dashboard/sign-in")]
    assert len(failed) == 1 and failed[0]["username"] == "dpo1"
    for entry in ok + failed:
        assert CLIENT in entry["detail"]
        assert PASSWORD not in str(entry) and "wrong-password-123" not in str(entry)


# ----------------------------------------------------------------------------- keys and secrets


def test_tokens_signed_with_another_derived_key_or_the_raw_secret_are_refused(world):
    client, app_settings, _ = world
    now = datetime.now(UTC)
    claims = {"sub": "mash1", "role": "mash", "org": "MASH", "iss": "aim", "iat": now,
              "exp": now + timedelta(minutes=5), "ver": 0}
    assert client.get(f"{V1}/auth/me", headers=auth(jwt.encode(claims, token_key(app_settings)))).status_code == 200
    for key in (pseudonym_key(app_settings), csrf_key(app_settings), app_settings.signing_secret()):
        forged = jwt.encode(claims, key, algorithm="HS256")
        assert client.get(f"{V1}/auth/me", headers=auth(forged)).status_code == 401
    assert len({token_key(app_settings), csrf_key(app_settings), pseudonym_key(app_settings)}) == 3


def test_a_short_or_missing_secret_stops_the_api_outside_the_demo(settings, driver, tmp_path):
    with pytest.raises(SecretError, match="at least 32"):
        create_app(ApiSettings(home=tmp_path, jwt_secret="s" * 31), driver=driver)
    with pytest.raises(SecretError, match="not set"):
        create_app(ApiSettings(home=tmp_path, jwt_secret=None), driver=driver)
    with pytest.raises(SecretError, match="not set"):  # production never runs on a generated one
        create_app(ApiSettings(home=tmp_path, jwt_secret=None, demo=True, env="production"), driver=driver)
    assert not (tmp_path / "jwt-secret").exists()
    create_app(ApiSettings(home=tmp_path, jwt_secret="s" * 32), driver=driver)
    create_app(ApiSettings(home=tmp_path, jwt_secret=None, demo=True), driver=driver)


def test_aim_serve_refuses_a_short_secret_with_a_clear_error(monkeypatch):
    from typer.testing import CliRunner

    from aim.api.settings import get_api_settings
    from aim.cli import app as aim_cli

    monkeypatch.setenv("AIM_JWT_SECRET", "too-short")
    get_api_settings.cache_clear()
    try:
        result = CliRunner().invoke(aim_cli, ["serve"])
    finally:
        get_api_settings.cache_clear()
    assert result.exit_code == 1
    assert "AIM_JWT_SECRET is 9 bytes; it needs at least 32" in result.output


# ----------------------------------------------------------------------------- four eyes


def test_a_privileged_user_created_by_one_admin_does_not_exist_until_another_approves(world):
    client, _, driver = world
    admin1, admin2 = token_of(client, "admin1"), second_user(client, driver, "admin")
    body = {"username": "new.dpo", "password": "a long passphrase 1", "role": "dpo", "full_name": "New DPO"}
    asked = client.post(f"{V1}/users", json=body, headers=auth(admin1))
    assert asked.status_code == 202 and asked.json()["status"] == "pending"
    request_id = asked.json()["request_id"]
    assert "a long passphrase 1" not in asked.text and "password" not in asked.json()["params"]
    # Not granted yet: the account cannot sign in and is not listed.
    assert sign_in(client, "new.dpo", "a long passphrase 1").status_code == 401
    assert "new.dpo" not in client.get(f"{V1}/users", headers=auth(admin1)).text
    # The requester cannot approve it, however asked; the other admin can.
    assert client.post(f"{V1}/approvals/{request_id}/approve", headers=auth(admin1)).status_code == 403
    assert sign_in(client, "new.dpo", "a long passphrase 1").status_code == 401
    approved = client.post(f"{V1}/approvals/{request_id}/approve", headers=auth(admin2))
    assert approved.status_code == 200, approved.text
    assert approved.json()["decided_by"] == "admin2" and approved.json()["outcome"]["user"]["role"] == "dpo"
    assert sign_in(client, "new.dpo", "a long passphrase 1").status_code == 200
    assert client.post(f"{V1}/approvals/{request_id}/approve", headers=auth(admin2)).status_code == 409
    actions = [(e["action"], e["username"]) for e in _audit_since(driver, "approvals.")]
    assert actions == [("approvals.request", "admin1"), ("approvals.approve", "admin2")]
    assert audit_entries(driver, "users.create")[-1]["username"] == "admin2"


def test_raising_a_role_waits_for_approval_and_a_rejected_grant_never_takes_effect(world):
    client, _, driver = world
    admin1, admin2 = token_of(client, "admin1"), second_user(client, driver, "admin")
    partner = token_of(client, "partner1")
    asked = client.post(f"{V1}/users/partner1/role", json={"role": "mash"}, headers=auth(admin1))
    assert asked.status_code == 202
    assert client.get(f"{V1}/auth/me", headers=auth(partner)).json()["role"] == "partner"
    assert client.get(f"{V1}/alerts", headers=auth(partner) | PURPOSE).status_code == 403
    rejected = client.post(f"{V1}/approvals/{asked.json()['request_id']}/reject", json={"reason": "not MASH staff"},
                           headers=auth(admin2))
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert client.post(f"{V1}/approvals/{asked.json()['request_id']}/approve", headers=auth(admin2)).status_code == 409
    assert client.get(f"{V1}/auth/me", headers=auth(partner)).json()["role"] == "partner"
    # Lowering a role needs no second person and ends the user's sessions at once.
    lowered = client.post(f"{V1}/users/mash1/role", json={"role": "analyst"}, headers=auth(admin1))
    assert lowered.status_code == 200 and lowered.json()["role"] == "analyst"


def test_an_approved_role_change_takes_effect_and_ends_the_old_sessions(world):
    client, _, driver = world
    admin1, admin2 = token_of(client, "admin1"), second_user(client, driver, "admin")
    old = token_of(client, "analyst1")
    asked = client.post(f"{V1}/users/analyst1/role", json={"role": "admin"}, headers=auth(admin1)).json()
    assert client.post(f"{V1}/approvals/{asked['request_id']}/approve", headers=auth(admin2)).status_code == 200
    assert client.get(f"{V1}/auth/me", headers=auth(old)).status_code == 401
    assert client.get(f"{V1}/auth/me", headers=auth(token_of(client, "analyst1"))).json()["role"] == "admin"


def test_retention_is_applied_only_on_another_dpos_approval(world):
    client, _, driver = world
    dpo1, dpo2 = token_of(client, "dpo1"), second_user(client, driver, "dpo")
    driver.execute_query("MATCH (e:Event {event_id: 'WE2'}) SET e.date = date('2015-01-01')")
    asked = client.post(f"{V1}/retention", json={"days": 3650, "dry_run": False}, headers=auth(dpo1))
    assert asked.status_code == 202 and asked.json()["kind"] == "retention.apply"
    assert _event_exists(driver, "WE2")
    assert client.post(f"{V1}/approvals/{asked.json()['request_id']}/approve", headers=auth(dpo1)).status_code == 403
    # An administrator is not a second DPO: the request is not theirs to see.
    admin = token_of(client, "admin1")
    assert client.post(f"{V1}/approvals/{asked.json()['request_id']}/approve", headers=auth(admin)).status_code == 404
    assert asked.json()["request_id"] not in client.get(f"{V1}/approvals", headers=auth(admin)).text
    assert _event_exists(driver, "WE2")
    listed = client.get(f"{V1}/approvals", headers=auth(dpo2)).json()
    assert [r["request_id"] for r in listed] == [asked.json()["request_id"]]
    approved = client.post(f"{V1}/approvals/{asked.json()['request_id']}/approve", headers=auth(dpo2))
    assert approved.status_code == 200 and approved.json()["outcome"]["events_removed"] == 1
    assert not _event_exists(driver, "WE2")
    assert audit_entries(driver, "retention.apply")[0]["username"] == "dpo2"


def test_the_retention_command_only_asks_and_the_bootstrap_admin_is_audited(world, monkeypatch):
    from typer.testing import CliRunner

    from aim.cli import app as aim_cli

    client, _, driver = world
    driver.execute_query("MATCH (e:Event {event_id: 'WE2'}) SET e.date = date('2015-01-01')")
    result = CliRunner().invoke(aim_cli, ["retention", "apply", "--days", "3650"])
    assert result.exit_code == 0, result.output
    assert "another DPO approves" in result.output and _event_exists(driver, "WE2")
    monkeypatch.setenv("AIM_NEW_USER_PASSWORD", "first admin passphrase")
    added = CliRunner().invoke(aim_cli, ["users", "add", "first.admin", "--role", "admin"])
    assert added.exit_code == 0, added.output
    entry = audit_entries(driver, "users.create")[-1]
    assert entry["username"].startswith("cli:") and "first.admin" in entry["detail"]
    assert "first admin passphrase" not in str(entry)


def _audit_since(driver, prefix: str) -> list[dict]:
    records, _, _ = driver.execute_query(
        "MATCH (a:AuditEntry) WHERE a.action STARTS WITH $prefix RETURN a {.*} AS a ORDER BY a.at", prefix=prefix)
    return [r["a"] for r in records]


def _event_exists(driver, event_id: str) -> bool:
    records, _, _ = driver.execute_query("MATCH (e:Event {event_id: $id}) RETURN count(e) AS n", id=event_id)
    return records[0]["n"] == 1


def test_on_the_dashboard_a_grant_waits_for_another_admin_who_approves_it(world):
    client, app_settings, driver = world
    second_user(client, driver, "admin")
    dashboard_sign_in(client, "admin1")
    page = client.get("/dashboard/approvals")
    asked = client.post("/dashboard/approvals/role", follow_redirects=False, data={
        "csrf_token": csrf_of(page.text), "username": "partner1", "role": "dpo"})
    assert asked.status_code == 303 and "notice=requested" in asked.headers["location"]
    mine = client.get("/dashboard/approvals")
    assert "Your request: waiting for another administrator" in mine.text and "/approve" not in mine.text
    request_id = re.search(r'data-request="([^"]+)"', mine.text).group(1)
    # A forged approval by the requester is refused too.
    forged = client.post(f"/dashboard/approvals/{request_id}/approve", data={"csrf_token": csrf_of(mine.text)})
    assert forged.status_code == 403
    assert client.get(f"{V1}/auth/me", headers=auth(token_of(client, "partner1"))).json()["role"] == "partner"
    client.cookies.clear()
    dashboard_sign_in(client, "admin2")
    theirs = client.get("/dashboard/approvals")
    assert f"/dashboard/approvals/{request_id}/approve" in theirs.text
    done = client.post(f"/dashboard/approvals/{request_id}/approve", data={"csrf_token": csrf_of(theirs.text)},
                       follow_redirects=False)
    assert done.status_code == 303 and "notice=approved" in done.headers["location"]
    assert client.get(f"{V1}/auth/me", headers=auth(token_of(client, "partner1"))).json()["role"] == "dpo"
