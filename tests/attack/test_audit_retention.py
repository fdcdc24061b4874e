"""Attacks on retention (issue 13, part 6): derived data and old audit entries must age out,
the audit chain must still verify (and a moved or re-signed anchor must not), the preview is
audited and the log names no one."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aim.api.app import create_app
from aim.cli import app as aim_cli
from tests.api_world import (PERSON, SECRET, V1, api_settings, applied_retention, auth, load_world,
                             tokens_for)
from tests.attack.audit_world import entry_at, read_person, settings_from_env, verify

pytestmark = pytest.mark.neo4j


# ----------------------------------------------------------------------------- retention

LONG_AGO = "2015-06-01T00:00:00Z"
DERIVED = f"""
MATCH (p:Person {{person_id: $person}}), (old:Event {{event_id: 'WE2'}}), (recent:Event {{event_id: 'WE1'}})
SET old.date = date('2015-01-01')
CREATE (closed:Alert {{alert_id: 'A-CLOSED', rule: 'r1', subject_type: 'person', subject_id: $person,
                      status: 'dismissed', last_updated: date('2015-05-01'), status_changed_at: datetime('{LONG_AGO}')}})
CREATE (closed)-[:CONCERNS]->(p), (closed)-[:EVIDENCE]->(old)
CREATE (closed)-[:HAS_TRANSITION]->(:AlertTransition {{alert_id: 'A-CLOSED', from: 'new', to: 'dismissed',
                                                      by: 'mash1', at: datetime('{LONG_AGO}'), reason: 'no concern'}})
CREATE (lapsed:Alert {{alert_id: 'A-LAPSED', rule: 'r3', subject_type: 'person', subject_id: $person,
                      status: 'closed', last_updated: date('2015-05-01'), status_changed_at: datetime('{LONG_AGO}')}})
CREATE (lapsed)-[:CONCERNS]->(p)
CREATE (was:Case {{case_id: 'C-CLOSED', subject_type: 'household', subject_id: 'H-GONE', status: 'dismissed',
                  opened_at: datetime('{LONG_AGO}'), updated_at: datetime('{LONG_AGO}')}})
CREATE (was)-[:GATHERS]->(lapsed)
CREATE (was)-[:HAS_TRANSITION]->(:CaseTransition {{case_id: 'C-CLOSED', to: 'dismissed', at: datetime('{LONG_AGO}')}})
CREATE (was)-[:HAS_NOTE]->(:CaseNote {{case_id: 'C-CLOSED', text: 'Spoke to the school', at: datetime('{LONG_AGO}')}})
CREATE (was)-[:HAS_REQUEST]->(:CaseRequest {{case_id: 'C-CLOSED', organisation: 'WMP', at: datetime('{LONG_AGO}')}})
CREATE (open:Alert {{alert_id: 'A-OPEN', rule: 'r2', subject_type: 'person', subject_id: $person, status: 'new',
                    last_updated: date()}})
CREATE (open)-[:CONCERNS]->(p), (open)-[:EVIDENCE]->(recent)
CREATE (:WatchEntry {{watch_id: 'W-ENDED', subject_type: 'person', subject_id: $person, active: false,
                     ended_at: datetime('{LONG_AGO}')}})-[:WATCHES]->(p)
CREATE (:WatchEntry {{watch_id: 'W-ACTIVE', subject_type: 'person', subject_id: $person, active: true}})-[:WATCHES]->(p)
CREATE (:ResolutionEvent {{event_id: 'R-OLD', kind: 'merge', person_ids: [$person], at: datetime('{LONG_AGO}')}})-[:ABOUT]->(p)
CREATE (:ResolutionEvent {{event_id: 'R-NEW', kind: 'create', person_ids: [$person], at: datetime()}})-[:ABOUT]->(p)
CREATE (:Household {{household_id: 'H-GONE', status: 'dissolved', member_count: 0, dissolved_at: datetime('{LONG_AGO}')}})
CREATE (p)-[:MEMBER_OF {{from: date('2020-01-01')}}]->(:Household {{household_id: 'H-LIVE', status: 'active',
                                                                  member_count: 1, updated_at: datetime('{LONG_AGO}')}})
CREATE (:Case {{case_id: 'C-OPEN', subject_type: 'person', subject_id: $person, status: 'new',
               opened_at: datetime('{LONG_AGO}'), updated_at: datetime('{LONG_AGO}')}})-[:GATHERS]->(open)
"""


def ids(driver, label: str, key: str) -> set[str]:
    records, _, _ = driver.execute_query(f"MATCH (n:{label}) RETURN n.{key} AS id")
    return {r["id"] for r in records}


@pytest.fixture
def retention_world(driver, settings, tmp_path):
    load_world(driver, settings.neo4j_database, settings)
    driver.execute_query(DERIVED, person=PERSON)
    copy = tmp_path / "audit.jsonl"
    app = create_app(api_settings(settings, audit_log=copy, retention_event_days=3650, retention_audit_days=3650),
                     driver=driver)
    with TestClient(app) as client:
        yield client, tokens_for(app.state.settings), copy


def test_retention_ages_out_derived_data_and_old_audit_and_the_chain_still_verifies(retention_world, driver):
    client, tokens, copy = retention_world
    read_person(client, tokens, 3)
    # the two oldest entries were made before the audit period (their time is moved back: the
    # chain no longer verifies until retention removes them and anchors on the second)
    driver.execute_query(f"MATCH (a:AuditEntry) WHERE a.seq <= 2 SET a.at = datetime('{LONG_AGO}')")
    preview = client.post(f"{V1}/retention", json={"dry_run": True}, headers=auth(tokens["dpo"]))
    assert preview.status_code == 200, preview.text
    assert preview.json()["to_remove"] == {"closed_alerts": 2, "closed_cases": 1, "watch_entries": 1,
                                           "resolution_events": 1, "households": 1, "audit_entries": 2}
    body = applied_retention(client, driver, tokens)
    assert (body["closed_alerts_removed"], body["closed_cases_removed"], body["watch_entries_removed"],
            body["resolution_events_removed"], body["households_removed"], body["audit_entries_removed"]) \
        == (2, 1, 1, 1, 1, 2)
    assert ids(driver, "Alert", "alert_id") == {"A-OPEN"}
    assert ids(driver, "AlertTransition", "alert_id") == set()
    assert ids(driver, "Case", "case_id") == {"C-OPEN"}  # a case still gathering an open alert stays
    for part in ("CaseTransition", "CaseNote", "CaseRequest"):
        assert ids(driver, part, "case_id") == set(), part
    assert ids(driver, "WatchEntry", "watch_id") == {"W-ACTIVE"}
    assert ids(driver, "ResolutionEvent", "event_id") == {"R-NEW"}
    assert ids(driver, "Household", "household_id") == {"H-LIVE"}
    assert "WE2" not in ids(driver, "Event", "event_id")  # no longer held as evidence by a kept alert
    assert min(ids(driver, "AuditEntry", "seq")) == 3
    with settings_from_env(AIM_JWT_SECRET=SECRET):
        after = verify(copy)
    assert after.exit_code == 0, after.output
    assert "entries up to 2 aged out" in after.output


def test_a_moved_retention_anchor_is_found(retention_world, driver):
    client, tokens, copy = retention_world
    read_person(client, tokens, 3)
    driver.execute_query(f"MATCH (a:AuditEntry) WHERE a.seq <= 2 SET a.at = datetime('{LONG_AGO}')")
    applied_retention(client, driver, tokens)
    # an attacker deletes entry 3 too and moves the anchor over it
    third = entry_at(driver, 3)
    driver.execute_query("MATCH (a:AuditEntry {seq: 3}) DETACH DELETE a WITH 1 AS x "
                         "MATCH (c:AuditChain) SET c.anchor_seq = 3, c.anchor_hash = $hash", hash=third["hash"])
    with settings_from_env(AIM_JWT_SECRET=SECRET):
        found = verify()
    assert found.exit_code == 1 and "anchor is not signed" in found.output


def test_the_retention_log_holds_counts_only_and_the_preview_is_audited(retention_world, driver):
    client, tokens, _ = retention_world
    client.post(f"{V1}/retention", json={"dry_run": True}, headers=auth(tokens["dpo"]))
    records, _, _ = driver.execute_query("MATCH (a:AuditEntry {action: 'retention.preview'}) RETURN a.username AS who")
    assert [r["who"] for r in records] == ["dpo1"]
    body = applied_retention(client, driver, tokens)
    log = open(body["log_file"], encoding="utf-8").read()
    for held in ("WE2", "W1", "F1", PERSON, "A-CLOSED", "C-CLOSED", "W-ENDED", "R-OLD", "H-GONE", "rec:", "Smith"):
        assert held not in log, held
    line = json.loads(log)
    assert line["events_removed"] >= 1 and (line["closed_alerts_removed"], line["closed_cases_removed"]) == (2, 1)
    assert all(isinstance(v, int) for k, v in line.items() if k.endswith("_removed"))


def test_after_rotating_the_secret_only_the_previous_secret_re_signs_the_anchor(retention_world, driver):
    client, tokens, copy = retention_world
    read_person(client, tokens, 3)
    driver.execute_query(f"MATCH (a:AuditEntry) WHERE a.seq <= 2 SET a.at = datetime('{LONG_AGO}')")
    applied_retention(client, driver, tokens)
    rotated = "rotated-secret-" + "r" * 40
    with settings_from_env(AIM_JWT_SECRET=rotated):
        assert verify().exit_code == 1  # the anchor was signed with the old secret's key
        guessed = CliRunner().invoke(aim_cli, ["audit", "resign-anchor"], env={"AIM_PREVIOUS_JWT_SECRET": "guess" * 8})
        assert guessed.exit_code == 1 and "not re-signed" in guessed.output
        resigned = CliRunner().invoke(aim_cli, ["audit", "resign-anchor"], env={"AIM_PREVIOUS_JWT_SECRET": SECRET})
        assert resigned.exit_code == 0, resigned.output
        assert verify().exit_code == 0
