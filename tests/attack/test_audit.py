"""Attacks on the audit trail (issue 13, part 5): changing, deleting or rewriting entries,
and dropping the audit with a restore, a reset or the demo, through the real app and the
real ``aim`` commands against the real Neo4j."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from typer.testing import CliRunner

from aim.cli import app as aim_cli
from aim.graph.access.audit import AuditContext, AuditEntry, audited_write, write_entries
from aim.graph.access.audit_chain import entry_hash
from tests.api_world import PASSWORD, V1, auth
from tests.attack.audit_world import audit_count, entry_at, read_person, settings_from_env, verify

pytestmark = pytest.mark.neo4j


# ----------------------------------------------------------------------------- tampering


def test_concurrent_reads_take_positions_one_by_one(audit_world, driver):
    client, tokens, copy = audit_world
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda _: read_person(client, tokens), range(30)))
    records, _, _ = driver.execute_query("MATCH (a:AuditEntry) RETURN a.seq AS seq ORDER BY seq")
    assert [r["seq"] for r in records] == list(range(1, 31))
    assert len(copy.read_text().splitlines()) == 30
    whole = verify(copy)
    assert whole.exit_code == 0, whole.output


def test_entries_written_together_interleaved_with_reads_keep_one_chain(audit_world, driver, settings):
    """A group commit writes its submissions' entries in one statement (``write_entries``):
    amid concurrent reads, each group's entries take consecutive positions and the whole
    chain, and its copy, still verify."""
    client, tokens, copy = audit_world
    ctx = AuditContext("partner1", "partner", "WMP", "POST", "/api/v1/records")

    def together(n: int) -> None:
        group = [(ctx, AuditEntry("records.submit", [f"R{n}-{i}"])) for i in range(3)]
        audited_write(driver, settings.neo4j_database, copy, write_entries, group)

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda n: together(n) if n % 2 else read_person(client, tokens), range(16)))
    records, _, _ = driver.execute_query("MATCH (a:AuditEntry) RETURN a.seq AS seq, a.subject_ids AS subjects "
                                         "ORDER BY seq")
    assert [r["seq"] for r in records] == list(range(1, 8 + 8 * 3 + 1))
    positions = {r["subjects"][0]: r["seq"] for r in records if r["subjects"][0].startswith("R")}
    for n in range(1, 16, 2):
        assert [positions[f"R{n}-{i}"] for i in range(3)] == list(range(positions[f"R{n}-0"], positions[f"R{n}-0"] + 3))
    assert len(copy.read_text().splitlines()) == 32
    whole = verify(copy)
    assert whole.exit_code == 0, whole.output


def test_a_changed_purpose_is_found_and_named(audit_world, driver):
    client, tokens, copy = audit_world
    read_person(client, tokens, 4)
    intact = verify(copy)
    assert intact.exit_code == 0, intact.output
    assert "intact" in intact.output
    target = entry_at(driver, 2)
    driver.execute_query("MATCH (a:AuditEntry {seq: 2}) SET a.purpose = 'routine check'")
    found = verify()
    assert found.exit_code == 1
    assert f"entry 2 ({target['entry_id']})" in found.output and "changed" in found.output


def test_a_deleted_entry_is_found_by_its_position(audit_world, driver):
    client, tokens, copy = audit_world
    read_person(client, tokens, 4)
    gone = entry_at(driver, 3)
    driver.execute_query("MATCH (a:AuditEntry {seq: 3}) DETACH DELETE a")
    found = verify()
    assert found.exit_code == 1
    assert "entry 3" in found.output and "deleted" in found.output
    assert gone["entry_id"] in verify(copy).output  # the copy names the entry that went


def test_rewriting_the_chain_after_a_change_is_caught_by_the_copy(audit_world, driver):
    """An attacker who re-hashes every entry after the one changed (and the head) leaves a
    chain that verifies on its own; the JSON-lines copy still holds what was written."""
    client, tokens, copy = audit_world
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


def test_deleting_the_newest_entry_and_moving_the_head_back_is_caught_by_the_copy(audit_world, driver):
    client, tokens, copy = audit_world
    read_person(client, tokens, 3)
    last = entry_at(driver, 3)
    driver.execute_query("MATCH (a:AuditEntry {seq: 3}) DETACH DELETE a "
                         "WITH 1 AS x MATCH (c:AuditChain) SET c.seq = 2, c.head = $hash",
                         hash=entry_at(driver, 2)["hash"])
    assert verify().exit_code == 0
    found = verify(copy)
    assert found.exit_code == 1 and f"entry 3 ({last['entry_id']})" in found.output


def test_every_entry_reaches_the_copy_sign_ins_and_changes_too(audit_world, driver):
    client, tokens, copy = audit_world
    assert client.post(f"{V1}/auth/token", data={"username": "mash1", "password": "wrong password!"}).status_code == 401
    signed_in = client.post(f"{V1}/auth/token", data={"username": "mash1", "password": PASSWORD})
    assert signed_in.status_code == 200, signed_in.text
    read_person(client, tokens)
    client.post(f"{V1}/users/partner1/disable", headers=auth(tokens["admin"]))
    actions, _, _ = driver.execute_query("MATCH (a:AuditEntry) RETURN collect(DISTINCT a.action) AS actions")
    assert {"auth.sign_in_failed", "auth.sign_in", "person.view", "users.disable"} <= set(actions[0]["actions"])
    whole = verify(copy)
    assert whole.exit_code == 0, whole.output


def test_the_copy_holds_only_what_the_audit_holds(audit_world, driver):
    client, tokens, copy = audit_world
    read_person(client, tokens, 2)
    lines = [json.loads(line) for line in copy.read_text().splitlines()]
    assert [line["seq"] for line in lines] == [1, 2]
    records, _, _ = driver.execute_query("MATCH (a:AuditEntry) RETURN a {.*} AS a ORDER BY a.seq")
    graph_fields = set(records[0]["a"])
    assert set(lines[0]) <= graph_fields
    assert "Smith" not in copy.read_text() and "2014-03-05" not in copy.read_text()


def test_entries_hashed_whole_before_the_position_was_hashed_apart_still_verify(audit_world, driver):
    """An installation's older entries (no ``hashing``: one SHA-256 over every field) and the
    entries written after them (content, then position, hashed apart) verify as one chain,
    and a change to an older one is still found."""
    from aim.graph.access import audit_copy

    client, tokens, copy = audit_world
    previous, older = "0" * 64, []
    for seq in (1, 2):
        entry = {"seq": seq, "entry_id": f"older-{seq}", "at": f"2026-01-0{seq}T09:00:00.000000Z",
                 "username": "mash1", "role": "mash", "organisation": "MASH", "purpose": "strategy meeting",
                 "method": "GET", "endpoint": "/persons/{subject_id}", "action": "person.view",
                 "subject_ids": ["P-1"], "detail": None, "previous_hash": previous}
        entry["hash"] = previous = entry_hash(entry)
        driver.execute_query("CREATE (a:AuditEntry) SET a = $entry, a.at = datetime($entry.at)", entry=entry)
        older.append(entry)
    driver.execute_query("CREATE (:AuditChain {name: 'audit', seq: 2, head: $hash})", hash=previous)
    audit_copy.append(copy, older)
    read_person(client, tokens, 2)
    assert [entry_at(driver, seq).get("hashing") for seq in (1, 2, 3, 4)] == [None, None, 2, 2]
    whole = verify(copy)
    assert whole.exit_code == 0 and "4 chained entries" in whole.output, whole.output
    driver.execute_query("MATCH (a:AuditEntry {seq: 1}) SET a.purpose = 'routine check'")
    found = verify()
    assert found.exit_code == 1 and "entry 1 (older-1)" in found.output and "changed" in found.output


# ----------------------------------------------------------------------------- restore and demo


def test_restore_replace_keeps_the_audit_unless_discarded_and_records_the_discard(audit_world, driver, settings, tmp_path):
    client, tokens, copy = audit_world
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


def test_db_reset_refuses_to_delete_the_audit_without_the_flag(audit_world, driver):
    client, tokens, _ = audit_world
    read_person(client, tokens, 2)
    refused = CliRunner().invoke(aim_cli, ["db", "reset", "--yes"])
    assert refused.exit_code == 1 and "--discard-audit" in refused.output
    assert audit_count(driver) == 2


def test_the_demo_keeps_the_audit_when_it_loads_a_new_town_unless_discarded(audit_world, driver, settings, tmp_path):
    from aim import demo
    from aim.seeds.generate import generate

    client, tokens, copy = audit_world
    read_person(client, tokens, 2)
    town = tmp_path / "town"
    generate(40, 3, town, date.today())
    demo._load(town, driver, settings.model_copy(update={"audit_log": copy}), discard_audit=False)
    assert audit_count(driver) == 2
    assert verify(copy).exit_code == 0
    another_town = tmp_path / "another-town"
    generate(40, 4, another_town, date.today())
    demo._load(another_town, driver, settings.model_copy(update={"audit_log": copy}), discard_audit=True)
    assert [entry_at(driver, 1)["action"], audit_count(driver)] == ["audit.discarded", 1]
    assert verify(copy).exit_code == 0


def test_the_demo_refuses_a_database_that_is_not_local():
    with settings_from_env(AIM_NEO4J_URI="neo4j+s://aim-db.council.example:7687"):
        refused = CliRunner().invoke(aim_cli, ["demo", "--no-serve"])
    assert refused.exit_code == 1 and "runs only on a local Neo4j" in refused.output
