"""Attacks on separation of duties (issue 13, part 7), through the real app (API, dashboard
and the ``aim`` commands) against the real Neo4j: granting mash, dpo or admin and applying
retention without a second person, or approving one's own request."""

from __future__ import annotations

import re

import pytest

from tests.api_world import V1, auth, second_user
from tests.attack.sessions_world import PURPOSE, audit_entries, csrf_of, dashboard_sign_in, sign_in, token_of

pytestmark = pytest.mark.neo4j


def test_a_privileged_user_created_by_one_admin_does_not_exist_until_another_approves(sessions_world):
    client, _, driver = sessions_world
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


def test_raising_a_role_waits_for_approval_and_a_rejected_grant_never_takes_effect(sessions_world):
    client, _, driver = sessions_world
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


def test_an_approved_role_change_takes_effect_and_ends_the_old_sessions(sessions_world):
    client, _, driver = sessions_world
    admin1, admin2 = token_of(client, "admin1"), second_user(client, driver, "admin")
    old = token_of(client, "analyst1")
    asked = client.post(f"{V1}/users/analyst1/role", json={"role": "admin"}, headers=auth(admin1)).json()
    assert client.post(f"{V1}/approvals/{asked['request_id']}/approve", headers=auth(admin2)).status_code == 200
    assert client.get(f"{V1}/auth/me", headers=auth(old)).status_code == 401
    assert client.get(f"{V1}/auth/me", headers=auth(token_of(client, "analyst1"))).json()["role"] == "admin"


def test_retention_is_applied_only_on_another_dpos_approval(sessions_world):
    client, _, driver = sessions_world
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


def test_the_retention_command_only_asks_and_the_bootstrap_admin_is_audited(sessions_world, monkeypatch):
    from typer.testing import CliRunner

    from aim.cli import app as aim_cli

    client, _, driver = sessions_world
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


def test_on_the_dashboard_a_grant_waits_for_another_admin_who_approves_it(sessions_world):
    client, app_settings, driver = sessions_world
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
