"""Attacks on sessions (issue 13, part 4), through the real app (API and dashboard) against
the real Neo4j: replaying a token or cookie after sign-out or a password change, guessing
passwords, forging tokens with the other derived keys, weak secrets; sign-ins audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest

from aim.api.app import create_app
from aim.api.keys import csrf_key, pseudonym_key, token_key
from aim.api.settings import ApiSettings, SecretError
from tests.api_world import PASSWORD, V1, auth
from tests.attack.sessions_world import (CLIENT, PURPOSE, audit_entries, csrf_of, dashboard_sign_in, sign_in,
                                         token_of)

pytestmark = pytest.mark.neo4j


# ----------------------------------------------------------------------------- revocation


def test_a_bearer_token_is_refused_right_after_sign_out(sessions_world):
    client, _, driver = sessions_world
    token = token_of(client, "mash1")
    assert client.get(f"{V1}/alerts", headers=auth(token) | PURPOSE).status_code == 200
    assert client.post(f"{V1}/auth/sign-out", headers=auth(token)).status_code == 204
    assert client.get(f"{V1}/alerts", headers=auth(token) | PURPOSE).status_code == 401
    assert client.get(f"{V1}/auth/me", headers=auth(token)).status_code == 401
    assert audit_entries(driver, "auth.sign_out")[0]["username"] == "mash1"
    fresh = token_of(client, "mash1")  # signing in again works
    assert client.get(f"{V1}/alerts", headers=auth(fresh) | PURPOSE).status_code == 200


def test_the_dashboard_cookie_is_refused_after_signing_out(sessions_world):
    client, _, _ = sessions_world
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


def test_signing_out_through_the_api_ends_the_dashboard_session_too(sessions_world):
    client, _, _ = sessions_world
    dashboard_sign_in(client, "mash1")
    token = token_of(client, "mash1")
    assert client.post(f"{V1}/auth/sign-out", headers=auth(token)).status_code == 204
    replay = client.get("/dashboard/alerts", follow_redirects=False)
    assert replay.status_code == 303 and "/dashboard/sign-in" in replay.headers["location"]


def test_tokens_are_refused_after_a_password_change(sessions_world):
    client, _, driver = sessions_world
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


def test_changing_the_password_on_the_dashboard_ends_the_session_it_was_made_in(sessions_world):
    client, _, _ = sessions_world
    dashboard_sign_in(client, "dpo1")
    cookie = client.cookies.get("aim_session")
    page = client.get("/dashboard/password")
    differ = client.post("/dashboard/password", data={"csrf_token": csrf_of(page.text), "current_password": PASSWORD,
                                                      "new_password": "dpo passphrase two", "confirm_password": "x"})
    assert differ.status_code == 400 and "differ" in differ.text
    changed = client.post("/dashboard/password", follow_redirects=False, data={
        "csrf_token": csrf_of(page.text), "current_password": PASSWORD, "new_password": "dpo passphrase two",
        "confirm_password": "dpo passphrase two"})
    assert changed.status_code == 303 and "notice=password-changed" in changed.headers["location"]
    client.cookies.set("aim_session", cookie, path="/dashboard")
    replay = client.get("/dashboard/audit", follow_redirects=False)
    assert replay.status_code == 303 and "/dashboard/sign-in" in replay.headers["location"]
    assert dashboard_sign_in(client, "dpo1", "dpo passphrase two").status_code == 303


# ----------------------------------------------------------------------------- lockout


def test_repeated_wrong_passwords_lock_the_username_and_the_lockout_is_audited(sessions_world):
    client, app_settings, driver = sessions_world
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


def test_the_lockout_doubles_and_an_admin_unlock_or_a_success_resets_it(sessions_world):
    client, _, driver = sessions_world
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


def test_sign_ins_are_audited_with_the_client_address_and_never_the_password(sessions_world):
    client, _, driver = sessions_world
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


def test_tokens_signed_with_another_derived_key_or_the_raw_secret_are_refused(sessions_world):
    client, app_settings, _ = sessions_world
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
