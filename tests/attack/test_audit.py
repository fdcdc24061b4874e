"""Attacks on the audit trail, the subject access export and retention (issue 13, parts 5
and 6), through the real app and the real ``aim`` commands against the real Neo4j."""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from aim.api.app import create_app
from aim.cli import app as aim_cli
from aim.graph.access.audit_chain import entry_hash
from tests.api_world import PASSWORD, PERSON, SECRET, V1, api_settings, auth, load_world, tokens_for

pytestmark = pytest.mark.neo4j
PURPOSE_HEADER = {"X-AIM-Purpose": "section 47 enquiry"}


@pytest.fixture
def world(driver, settings, tmp_path):
    """The API world with its own audit copy: (client, tokens, path of the copy)."""
    load_world(driver, settings.neo4j_database, settings)
    copy = tmp_path / "audit.jsonl"
    app = create_app(api_settings(settings, audit_log=copy), driver=driver)
    with TestClient(app) as client:
        yield client, tokens_for(app.state.settings), copy


def read_person(client, tokens, times: int = 1) -> None:
    for _ in range(times):
        response = client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | PURPOSE_HEADER)
        assert response.status_code == 200, response.text


def verify(copy=None):
    args = ["audit", "verify"] + (["--against-file", "--audit-log", str(copy)] if copy else [])
    return CliRunner().invoke(aim_cli, args)


def entry_at(driver, seq: int) -> dict:
    records, _, _ = driver.execute_query("MATCH (a:AuditEntry {seq: $seq}) RETURN a {.*} AS a", seq=seq)
    return records[0]["a"]


# ----------------------------------------------------------------------------- tampering


def test_concurrent_reads_take_positions_one_by_one(world, driver):
    client, tokens, copy = world
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda _: read_person(client, tokens), range(30)))
    records, _, _ = driver.execute_query("MATCH (a:AuditEntry) RETURN a.seq AS seq ORDER BY seq")
    assert [r["seq"] for r in records] == list(range(1, 31))
    assert len(copy.read_text().splitlines()) == 30
    whole = verify(copy)
    assert whole.exit_code == 0, whole.output


def test_a_changed_purpose_is_found_and_named(world, driver):
    client, tokens, copy = world
    read_person(client, tokens, 4)
    intact = verify(copy)
    assert intact.exit_code == 0, intact.output
    assert "intact" in intact.output
    target = entry_at(driver, 2)
    driver.execute_query("MATCH (a:AuditEntry {seq: 2}) SET a.purpose = 'routine check'")
    found = verify()
    assert found.exit_code == 1
    assert f"entry 2 ({target['entry_id']})" in found.output and "changed" in found.output


def test_a_deleted_entry_is_found_by_its_position(world, driver):
    client, tokens, copy = world
    read_person(client, tokens, 4)
    gone = entry_at(driver, 3)
    driver.execute_query("MATCH (a:AuditEntry {seq: 3}) DETACH DELETE a")
    found = verify()
    assert found.exit_code == 1
    assert "entry 3" in found.output and "deleted" in found.output
    assert gone["entry_id"] in verify(copy).output  # the copy names the entry that went


def test_rewriting_the_chain_after_a_change_is_caught_by_the_copy(world, driver):
    """An attacker who re-hashes every entry after the one changed (and the head) leaves a
    chain that verifies on its own; the JSON-lines copy still holds what was written."""
    client, tokens, copy = world
    read_person(client, tokens, 3)
    records, _, _ = driver.execute_query("MATCH (a:AuditEntry) RETURN a {.*} AS a ORDER BY a.seq")
    previous = None
    for record in records:
        entry = record["a"]
        if entry["seq"] == 2:
            entry["purpose"] = "routine check"
        if previous is not None:
            entry["previous_hash"] = previous
        entry["hash"] = previous = entry_hash(entry)
        driver.execute_query("MATCH (a:AuditEntry {seq: $seq}) SET a.purpose = $purpose, "
                             "a.previous_hash = $previous_hash, a.hash = $hash", **entry)
    driver.execute_query("MATCH (c:AuditChain) SET c.head = $hash", hash=previous)
    assert verify().exit_code == 0  # the forgery is self-consistent
    found = verify(copy)
    assert found.exit_code == 1 and "entry 2" in found.output and "differs from the copy" in found.output


def test_deleting_the_newest_entry_and_moving_the_head_back_is_caught_by_the_copy(world, driver):
    client, tokens, copy = world
    read_person(client, tokens, 3)
    last = entry_at(driver, 3)
    driver.execute_query("MATCH (a:AuditEntry {seq: 3}) DETACH DELETE a "
                         "WITH 1 AS x MATCH (c:AuditChain) SET c.seq = 2, c.head = $hash",
                         hash=entry_at(driver, 2)["hash"])
    assert verify().exit_code == 0
    found = verify(copy)
    assert found.exit_code == 1 and f"entry 3 ({last['entry_id']})" in found.output


def test_every_entry_reaches_the_copy_sign_ins_and_changes_too(world, driver):
    client, tokens, copy = world
    assert client.post(f"{V1}/auth/token", data={"username": "mash1", "password": "wrong password!"}).status_code == 401
    signed_in = client.post(f"{V1}/auth/token", data={"username": "mash1", "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    read_person(client, tokens)
    client.post(f"{V1}/users/partner1/disable", headers=auth(tokens["admin"]))
    actions, _, _ = driver.execute_query("MATCH (a:AuditEntry) RETURN collect(DISTINCT a.action) AS actions")
    assert {"person.view", "users.disable"} <= set(actions[0]["actions"])
    whole = verify(copy)
    assert whole.exit_code == 0, whole.output


def test_the_copy_holds_only_what_the_audit_holds(world, driver):
    client, tokens, copy = world
    read_person(client, tokens, 2)
    lines = [json.loads(line) for line in copy.read_text().splitlines()]
    assert [line["seq"] for line in lines] == [1, 2]
    records, _, _ = driver.execute_query("MATCH (a:AuditEntry) RETURN a {.*} AS a ORDER BY a.seq")
    graph_fields = set(records[0]["a"])
    assert set(lines[0]) <= graph_fields
    assert "Smith" not in copy.read_text() and "2014-03-05" not in copy.read_text()


# ----------------------------------------------------------------------------- restore and demo


@contextmanager
def settings_from_env(**env):
    """The commands read cached settings: these variables apply while the block runs."""
    from aim.api.settings import get_api_settings
    from aim.settings import get_settings

    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    get_settings.cache_clear()
    get_api_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()
        get_api_settings.cache_clear()


def audit_count(driver) -> int:
    records, _, _ = driver.execute_query("MATCH (a:AuditEntry) RETURN count(a) AS n")
    return records[0]["n"]


def test_restore_replace_keeps_the_audit_unless_discarded_and_records_the_discard(world, driver, settings, tmp_path):
    client, tokens, copy = world
    read_person(client, tokens, 2)
    backup = tmp_path / "graph.jsonl"
    assert CliRunner().invoke(aim_cli, ["db", "backup", str(backup), "--unencrypted"]).exit_code == 0
    read_person(client, tokens, 2)  # made after the backup: a restore would lose them
    refused = CliRunner().invoke(aim_cli, ["db", "restore", str(backup), "--replace"])
    assert refused.exit_code == 1 and "--discard-audit" in refused.output
    assert audit_count(driver) == 4
    copy_before = copy.read_text()
    with settings_from_env(AIM_AUDIT_LOG=str(copy)):
        done = CliRunner().invoke(aim_cli, ["db", "restore", str(backup), "--replace", "--discard-audit"])
    assert done.exit_code == 0, done.output
    assert "4 audit entries were discarded" in done.output
    marker = entry_at(driver, 3)  # the backup's chain (2 entries) goes on with the discard
    assert marker["action"] == "audit.discarded"
    assert json.loads(marker["detail"])["discarded_entries"] == 4
    assert copy.read_text().startswith(copy_before)  # the copy only grew: the discarded entries are in it
    assert json.loads(copy.read_text().splitlines()[-1])["action"] == "audit.discarded"
    assert verify(copy).exit_code == 0, verify(copy).output


def test_db_reset_refuses_to_delete_the_audit_without_the_flag(world, driver):
    client, tokens, _ = world
    read_person(client, tokens, 2)
    refused = CliRunner().invoke(aim_cli, ["db", "reset", "--yes"])
    assert refused.exit_code == 1 and "--discard-audit" in refused.output
    assert audit_count(driver) == 2


def test_the_demo_keeps_the_audit_when_it_loads_a_new_town_unless_discarded(world, driver, settings, tmp_path):
    from aim import demo
    from aim.seeds.generate import generate

    client, tokens, copy = world
    read_person(client, tokens, 2)
    town = tmp_path / "town"
    generate(40, 3, town, date.today())
    demo._load(town, driver, settings.model_copy(update={"audit_log": copy}), discard_audit=False)
    assert audit_count(driver) == 2
    assert verify(copy).exit_code == 0
    (town / ".load-done").unlink()
    demo._load(town, driver, settings.model_copy(update={"audit_log": copy}), discard_audit=True)
    assert [entry_at(driver, 1)["action"], audit_count(driver)] == ["audit.discarded", 1]
    assert verify(copy).exit_code == 0


def test_the_demo_refuses_a_database_that_is_not_local():
    with settings_from_env(AIM_NEO4J_URI="neo4j+s://aim-db.council.example:7687"):
        refused = CliRunner().invoke(aim_cli, ["demo", "--no-serve"])
    assert refused.exit_code == 1 and "runs only on a local Neo4j" in refused.output


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
    assert preview.json()["to_remove"] == {"closed_alerts": 1, "watch_entries": 1, "resolution_events": 1,
                                           "households": 1, "audit_entries": 2}
    applied = client.post(f"{V1}/retention", json={"dry_run": False}, headers=auth(tokens["dpo"]))
    assert applied.status_code == 200, applied.text
    body = applied.json()
    assert (body["closed_alerts_removed"], body["watch_entries_removed"], body["resolution_events_removed"],
            body["households_removed"], body["audit_entries_removed"]) == (1, 1, 1, 1, 2)
    assert ids(driver, "Alert", "alert_id") == {"A-OPEN"}
    assert ids(driver, "AlertTransition", "alert_id") == set()
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
    assert client.post(f"{V1}/retention", json={"dry_run": False}, headers=auth(tokens["dpo"])).status_code == 200
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
    body = client.post(f"{V1}/retention", json={"dry_run": False}, headers=auth(tokens["dpo"])).json()
    log = open(body["log_file"], encoding="utf-8").read()
    for held in ("WE2", "W1", "F1", PERSON, "A-CLOSED", "W-ENDED", "R-OLD", "H-GONE", "rec:", "Smith"):
        assert held not in log, held
    line = json.loads(log)
    assert line["events_removed"] >= 1 and line["closed_alerts_removed"] == 1
    assert all(isinstance(v, int) for k, v in line.items() if k.endswith("_removed"))


# ----------------------------------------------------------------------------- subject access

OTHER_PERSON = "P-TEST-OTHER"
THIRD_PARTIES = f"""
MATCH (william:Person {{person_id: $person}}), (w1:Record {{source_record_id: 'W1'}}), (w2:Record {{source_record_id: 'W2'}}),
      (s9:Record {{source_record_id: 'S9'}}), (we1:Event {{event_id: 'WE1'}}), (we3:Event {{event_id: 'WE3'}}),
      (mill:Address) WHERE mill.line STARTS WITH '12'
CREATE (grace:Person {{person_id: $other, status: 'active'}})-[:HAS_RECORD]->(w2)
CREATE (home:Household {{household_id: 'H-MILL', status: 'active', member_count: 2}})-[:AT]->(mill)
CREATE (william)-[:MEMBER_OF {{from: date('2019-01-01')}}]->(home), (grace)-[:MEMBER_OF {{from: date('2019-01-01')}}]->(home)
CREATE (mine:Alert {{alert_id: 'A-WILLIAM', rule: 'child_escalation', title: 'Escalating concern', subject_type: 'person',
                    subject_id: $person, status: 'new', rag: 'red', score: 0.9, summary: '2 events in 30 days',
                    first_raised: date(), last_updated: date()}})-[:CONCERNS]->(william)
CREATE (mine)-[:EVIDENCE]->(we1)
CREATE (mine)-[:HAS_TRANSITION]->(:AlertTransition {{alert_id: 'A-WILLIAM', from: null, to: 'new', by: 'system',
                                                    at: datetime(), reason: 'raised'}})
CREATE (house:Alert {{alert_id: 'A-HOUSE', rule: 'household_high_risk', title: 'Household concern', subject_type: 'household',
                     subject_id: 'H-MILL', status: 'acknowledged', rag: 'amber', score: 0.5, summary: '3 events',
                     first_raised: date(), last_updated: date()}})-[:CONCERNS]->(home)
CREATE (house)-[:EVIDENCE]->(we1), (house)-[:EVIDENCE]->(we3)
CREATE (house)-[:HAS_TRANSITION]->(:AlertTransition {{alert_id: 'A-HOUSE', from: 'new', to: 'acknowledged', by: 'mash1',
                                                     at: datetime(), reason: 'Grace Jones called the police'}})
CREATE (:WatchEntry {{watch_id: 'WATCH-W', subject_type: 'person', subject_id: $person, owner: 'mash1',
                     reason: 'missing episodes', since: datetime(), active: true}})-[:WATCHES]->(william)
CREATE (:WatchEntry {{watch_id: 'WATCH-H', subject_type: 'household', subject_id: 'H-MILL', owner: 'mash1',
                     reason: 'Grace Jones is the victim', since: datetime(), active: true}})-[:WATCHES]->(home)
CREATE (:ResolutionEvent {{event_id: 'RE-1', kind: 'split', person_ids: [$person, $other],
                          record_keys: ['WMP|W1', 'WMP|W2'], at: datetime()}})-[:ABOUT]->(william)
CREATE (w1)-[:REVIEWED {{decision: 'different', reviewer: 'mash1', reason: 'Grace Jones is a neighbour',
                        at: datetime()}}]->(w2)
CREATE (s9)-[:REVIEWED {{decision: 'same', reviewer: 'mash1', reason: 'same school and address', at: datetime()}}]->(w1)
"""


@pytest.fixture
def sar_world(world, driver):
    client, tokens, copy = world
    driver.execute_query(THIRD_PARTIES, person=PERSON, other=OTHER_PERSON)
    # accesses that also concern other people: a search that lists both, a view of the neighbour
    client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | PURPOSE_HEADER)
    client.get(f"{V1}/persons/{OTHER_PERSON}", headers=auth(tokens["mash"]) | PURPOSE_HEADER)
    driver.execute_query(
        "MATCH (c:AuditChain) SET c.seq = c.seq + 1 WITH c "
        "CREATE (a:AuditEntry {entry_id: 'search-both', seq: c.seq, at: datetime(), username: 'mash1', role: 'mash', "
        "action: 'person.search', purpose: 'strategy meeting', subject_ids: [$person, $other, 'rec:FIRE:F1'], "
        "detail: '{\"last_name\": \"Jones\"}'}) "
        "WITH a UNWIND a.subject_ids AS sid MERGE (s:AuditSubject {subject_id: sid}) CREATE (a)-[:ABOUT]->(s)",
        person=PERSON, other=OTHER_PERSON)
    return client, tokens


def test_the_export_covers_every_category_and_names_no_third_party(sar_world):
    client, tokens = sar_world
    response = client.get(f"{V1}/subjects/{PERSON}/export", headers=auth(tokens["dpo"]) | PURPOSE_HEADER)
    assert response.status_code == 200, response.text
    export = response.json()
    assert {r["source_record_id"] for r in export["person"]["records"]} == {"W1", "S9"}
    assert {e["event_id"] for e in export["events"]} == {"WE1", "WE2", "SE1"}
    assert {(a["title"], a["about"]) for a in export["alerts"]} == {("Escalating concern", "person"),
                                                                    ("Household concern", "household")}
    assert {w["about"] for w in export["watch_entries"]} == {"person", "household"}
    assert [(h["address"], h["other_members"]) for h in export["households"]] == [("12 MILL LANE", 1)]
    assert [(r["kind"], r["records"], r["other_persons"]) for r in export["resolution_history"]] == [
        ("split", ["WMP|W1"], 1)]
    assert {r["decision"] for r in export["review_decisions"]} == {"same", "different"}
    assert {(a["username"], a["purpose"]) for a in export["accesses"]} >= {("mash1", "section 47 enquiry"),
                                                                          ("mash1", "strategy meeting")}
    text = response.text
    for third_party in (OTHER_PERSON, "H-MILL", "rec:WMP:W2", "WMP|W2", '"W2"', "WE3", "Grace", "Jones",
                        "rec:FIRE:F1", "Leo", "Brown", "A-HOUSE", "WATCH-H"):
        assert third_party not in text, third_party


def test_the_dpo_answers_a_request_on_a_printable_page_from_the_dashboard(sar_world, driver):
    client, _ = sar_world
    sign_in = client.get("/dashboard/sign-in")
    nonce = sign_in.text.split('name="nonce" value="')[1].split('"')[0]
    signed_in = client.post("/dashboard/sign-in", data={"username": "dpo1", "password": PASSWORD, "nonce": nonce},
                            follow_redirects=False)
    assert signed_in.status_code == 303, signed_in.text
    audit_page = client.get("/dashboard/audit")
    assert audit_page.status_code == 200 and "/dashboard/subject-access" in audit_page.text
    form = client.get("/dashboard/subject-access")
    assert form.status_code == 200 and 'name="purpose"' in form.text
    csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    page = client.post("/dashboard/subject-access", data={"csrf_token": csrf, "subject_id": PERSON,
                                                          "purpose": "SAR 2026-041"})
    assert page.status_code == 200, page.text
    for heading in ("sar-identity", "sar-records", "sar-events", "sar-alerts", "sar-watch", "sar-households",
                    "sar-resolution", "sar-reviews", "sar-accesses"):
        assert f'id="{heading}"' in page.text
    assert "William" in page.text and "12 MILL LANE" in page.text
    for third_party in (OTHER_PERSON, "H-MILL", "W2", "Grace", "Jones", "rec:FIRE:F1"):
        assert third_party not in page.text, third_party
    records, _, _ = driver.execute_query(
        "MATCH (a:AuditEntry {action: 'dpo.subject_access_export', username: 'dpo1'}) RETURN a.purpose AS purpose")
    assert "SAR 2026-041" in [r["purpose"] for r in records]


def test_after_rotating_the_secret_only_the_previous_secret_re_signs_the_anchor(retention_world, driver):
    client, tokens, copy = retention_world
    read_person(client, tokens, 3)
    driver.execute_query(f"MATCH (a:AuditEntry) WHERE a.seq <= 2 SET a.at = datetime('{LONG_AGO}')")
    assert client.post(f"{V1}/retention", json={"dry_run": False}, headers=auth(tokens["dpo"])).status_code == 200
    rotated = "rotated-secret-" + "r" * 40
    with settings_from_env(AIM_JWT_SECRET=rotated):
        assert verify().exit_code == 1  # the anchor was signed with the old secret's key
        guessed = CliRunner().invoke(aim_cli, ["audit", "resign-anchor"], env={"AIM_PREVIOUS_JWT_SECRET": "guess" * 8})
        assert guessed.exit_code == 1 and "not re-signed" in guessed.output
        resigned = CliRunner().invoke(aim_cli, ["audit", "resign-anchor"], env={"AIM_PREVIOUS_JWT_SECRET": SECRET})
        assert resigned.exit_code == 0, resigned.output
        assert verify().exit_code == 0
