"""Alerts in the graph against the real Neo4j: one alert per subject and rule, its
lifecycle, the watch list, incremental re-evaluation and merges, and ``aim alerts``.

Records and events are ingested through the normal ingest path; Persons and Households
(resolution's job) are created directly with Cypher on top of them (tests/graph_helpers.py).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from aim.graph.alerts.engine import alert_id_for, evaluate_each_in, evaluate_subjects, run_all
from aim.graph.alerts.lifecycle import (
    LifecycleError, acknowledge, add_to_watch_list, alert_history, dismiss, get_alert, list_alerts, refer,
    transition,
)
from aim.graph.alerts.rules import load_rules
from aim.graph.alerts.watchlist import unwatch, watch, watch_list
from tests.graph_helpers import ADULT_DOB, TODAY, found

pytestmark = pytest.mark.neo4j


# ----------------------------------------------------------------------------- lifecycle


def _escalating_child(event_world, days_ago=(20, 10, 1)):
    event_world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=days_ago[0]))
    event_world.event("SCHOOL_OAK", "S1", TODAY - timedelta(days=days_ago[1]), "safeguarding_concern")
    event_world.event("WMP", "W1", TODAY - timedelta(days=days_ago[2]), "concern_for_welfare")
    event_world.person("P1", ("CHILD_HOSP", "H1"), ("SCHOOL_OAK", "S1"), ("WMP", "W1"))
    return alert_id_for("multi_agency_child", "person", "P1")


def test_a_run_raises_one_alert_per_subject_and_rule_and_updates_it_with_new_evidence(event_world, settings):
    alert_id = _escalating_child(event_world)
    rules = load_rules().only(["multi_agency_child"])
    report = run_all(TODAY, rules=rules, driver=event_world.driver)
    assert (report.created, report.updated) == (1, 0)
    alert = get_alert(alert_id, driver=event_world.driver)
    assert (alert["status"], alert["evidence_count"], alert["rag"], alert["first_raised"]) == ("new", 3, "Amber", TODAY)
    assert alert["explanation"]["organisations"][0]["code"] in {"CHILD_HOSP", "SCHOOL_OAK", "WMP"}
    assert len(alert["explanation"]["events"]) == 3
    assert event_world.count("MATCH (:Alert)-[:CONCERNS]->(p:Person {person_id: 'P1'}) RETURN count(*)") == 1

    again = run_all(TODAY, rules=rules, driver=event_world.driver)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    acknowledge(alert_id, "sam", driver=event_world.driver)
    event_world.event("CSC", "C1", TODAY, "referral")
    event_world.person("P1", ("CSC", "C1"))
    later = run_all(TODAY + timedelta(days=1), rules=rules, driver=event_world.driver)
    assert (later.created, later.updated) == (0, 1)
    alert = get_alert(alert_id, driver=event_world.driver)
    assert (alert["status"], alert["evidence_count"]) == ("acknowledged", 4)
    assert alert["last_updated"] == TODAY + timedelta(days=1) and alert["first_raised"] == TODAY
    assert alert["summary"] == "4 activities reported from 11 Oct 2026 to 31 Oct 2026 by 4 agencies"
    assert event_world.count("MATCH (a:Alert) RETURN count(a)") == 1


def test_dismissing_needs_a_reason_and_a_dismissed_alert_reopens_only_on_new_evidence(event_world):
    alert_id = _escalating_child(event_world)
    rules = load_rules().only(["multi_agency_child"])
    run_all(TODAY, rules=rules, driver=event_world.driver)
    with pytest.raises(LifecycleError, match="reason"):
        dismiss(alert_id, "sam", "", driver=event_world.driver)
    acknowledge(alert_id, "sam", driver=event_world.driver)
    dismiss(alert_id, "lee", "known to CSC, plan in place", driver=event_world.driver)
    run_all(TODAY + timedelta(days=1), rules=rules, driver=event_world.driver)
    assert get_alert(alert_id, driver=event_world.driver)["status"] == "dismissed"  # same evidence: stays dismissed
    with pytest.raises(LifecycleError, match="dismissed"):
        acknowledge(alert_id, "sam", driver=event_world.driver)
    event_world.event("CHILD_HOSP", "H1", TODAY + timedelta(days=2), "injury")
    report = run_all(TODAY + timedelta(days=2), rules=rules, driver=event_world.driver)
    assert report.reopened == 1
    assert get_alert(alert_id, driver=event_world.driver)["status"] == "new"
    history = alert_history(alert_id, driver=event_world.driver)
    assert [(h["from"], h["to"], h["by"]) for h in history] == [
        (None, "new", "engine"), ("new", "acknowledged", "sam"), ("acknowledged", "dismissed", "lee"),
        ("dismissed", "new", "engine"),
    ]
    assert history[2]["reason"] == "known to CSC, plan in place" and history[2]["at"] is not None
    assert "re-opened" in history[3]["reason"]


def test_referral_is_recorded_and_unknown_moves_are_refused(event_world):
    alert_id = _escalating_child(event_world)
    run_all(TODAY, rules=load_rules().only(["multi_agency_child"]), driver=event_world.driver)
    with pytest.raises(LifecycleError, match="cannot move"):
        transition(alert_id, "new", "sam", driver=event_world.driver)
    with pytest.raises(LifecycleError, match="no alert"):
        refer("AL-missing", "sam", driver=event_world.driver)
    refer(alert_id, "sam", "strategy discussion", driver=event_world.driver)
    assert [a["alert_id"] for a in list_alerts(["referred"], driver=event_world.driver)] == [alert_id]
    assert list_alerts(["new"], driver=event_world.driver) == []


def test_watch_list_from_an_alert_surfaces_new_activity(event_world):
    alert_id = _escalating_child(event_world)
    rules = load_rules().only(["multi_agency_child", "watched_activity"])
    run_all(TODAY, rules=rules, driver=event_world.driver)
    result = add_to_watch_list(alert_id, "sam", "low-level concerns, see if they continue",
                               review_date=TODAY + timedelta(days=14), today=TODAY, driver=event_world.driver)
    assert result["to"] == "watch_list" and result["watch_entry"]["owner"] == "sam"
    entries = watch_list(TODAY, driver=event_world.driver)
    assert [(e["subject_id"], e["activity"], e["due"]) for e in entries] == [("P1", [], False)]
    event_world.event("WMP", "W1", TODAY + timedelta(days=3), "antisocial_behaviour")
    entries = watch_list(TODAY + timedelta(days=14), driver=event_world.driver)
    assert [(len(e["activity"]), e["due"]) for e in entries] == [(1, True)]
    report = run_all(TODAY + timedelta(days=3), rules=rules, driver=event_world.driver)
    watched = get_alert(alert_id_for("watched_activity", "person", "P1"), driver=event_world.driver)
    assert watched["summary"] == "1 new activity on 3 Nov 2026 since the subject was put on the watch list"
    assert report.created == 1
    unwatch(entries[0]["watch_id"], by="sam", reason="reviewed", driver=event_world.driver)
    assert watch_list(TODAY + timedelta(days=14), driver=event_world.driver) == []


def test_households_can_be_watched_directly(event_world):
    event_world.event("CITY_ED", "A1", TODAY - timedelta(days=100), "injury", dob=ADULT_DOB)
    event_world.person("ADULT", ("CITY_ED", "A1"))
    event_world.household("H1", ("ADULT", date(2019, 1, 1), None))
    entry = watch("household", "H1", owner="sam", reason="neighbour concerns", review_date=TODAY, today=TODAY,
                  driver=event_world.driver)
    assert entry["subject_type"] == "household" and entry["active"]
    again = watch("household", "H1", owner="kim", reason="handover", review_date=TODAY, today=TODAY,
                  driver=event_world.driver)
    assert again["watch_id"] == entry["watch_id"] and again["owner"] == "kim"
    event_world.event("CITY_ED", "A1", TODAY + timedelta(days=1), "injury", dob=ADULT_DOB)
    hits = found(event_world, "watched_activity", TODAY + timedelta(days=1))
    assert [(f.subject_type, f.subject_id) for f in hits] == [("household", "H1")]


# ----------------------------------------------------------------------------- incremental


def test_incremental_evaluation_touches_only_the_given_people_and_their_households(event_world):
    _escalating_child(event_world)
    event_world.event("CHILD_HOSP", "OTHER1", TODAY - timedelta(days=4))
    event_world.event("WMP", "OTHER2", TODAY - timedelta(days=3), "missing_person")
    event_world.event("SCHOOL_OAK", "OTHER3", TODAY - timedelta(days=2), "attendance_concern")
    event_world.person("P2", ("CHILD_HOSP", "OTHER1"), ("WMP", "OTHER2"), ("SCHOOL_OAK", "OTHER3"))
    event_world.event("WMP", "MUM", TODAY - timedelta(days=1), "domestic_abuse_incident", dob=ADULT_DOB)
    event_world.person("MUM", ("WMP", "MUM"))
    event_world.household("H1", ("MUM", date(2020, 1, 1), None), ("P1", date(2020, 1, 1), None))
    report = evaluate_subjects(["P1"], today=TODAY, driver=event_world.driver)
    subjects = {(a["rule"], a["subject_id"]) for a in list_alerts(driver=event_world.driver)}
    assert subjects == {("multi_agency_child", "P1"), ("multi_agency_child_wide", "P1"), ("escalation", "P1"),
                        ("high_risk_household", "H1")}
    assert report.created == 4
    assert evaluate_subjects(["P1"], today=TODAY, driver=event_world.driver).created == 0
    evaluate_subjects(["P2", "NOBODY"], today=TODAY, driver=event_world.driver)
    assert ("high_risk_child", "P2") in {(a["rule"], a["subject_id"]) for a in list_alerts(driver=event_world.driver)}


def test_submissions_evaluated_together_each_hear_of_their_own_subjects_alerts(event_world):
    _escalating_child(event_world)
    event_world.event("WMP", "MUM", TODAY - timedelta(days=1), "domestic_abuse_incident", dob=ADULT_DOB)
    event_world.person("MUM", ("WMP", "MUM"))
    event_world.household("H1", ("MUM", date(2020, 1, 1), None), ("P1", date(2020, 1, 1), None))
    event_world.event("WMP", "LONE", TODAY - timedelta(days=2), "missing_person")
    event_world.person("LONE", ("WMP", "LONE"))
    with event_world.driver.session() as session:
        child, lone, nobody = session.execute_write(
            lambda tx: evaluate_each_in(tx, [["P1"], ["LONE"], ["NOBODY"]], today=TODAY))
    assert (child.created, lone.created, nobody.created) == (4, 1, 0)  # P1's three and household H1's; LONE's one
    assert set(child.per_rule) == {"multi_agency_child", "multi_agency_child_wide", "escalation",
                                   "high_risk_household"}
    assert set(lone.per_rule) == {"high_risk_child"} and not nobody.alert_ids
    assert not set(child.alert_ids) & set(lone.alert_ids)
    assert len({a["alert_id"] for a in list_alerts(driver=event_world.driver)}) == 5


def _merge(event_world, old: str, into: str) -> None:
    """What resolution does on a merge: records move, the old person stays as a tombstone."""
    event_world.driver.execute_query(
        "MATCH (b:Person {person_id: $old})-[h:HAS_RECORD]->(r) MATCH (a:Person {person_id: $into}) "
        "CREATE (a)-[:HAS_RECORD]->(r) DELETE h WITH DISTINCT a, b "
        "SET b.status = 'merged' MERGE (b)-[:MERGED_INTO]->(a)", old=old, into=into)


def test_a_merge_of_two_persons_is_re_evaluated_for_the_survivor(event_world):
    event_world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=12))
    event_world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=6))
    event_world.event("SCHOOL_OAK", "S1", TODAY - timedelta(days=2), "safeguarding_concern")
    event_world.event("WMP", "W1", TODAY - timedelta(days=20), "missing_person")
    event_world.person("A", ("CHILD_HOSP", "H1"))
    event_world.person("B", ("SCHOOL_OAK", "S1"), ("WMP", "W1"))
    evaluate_subjects(["A", "B"], today=TODAY, driver=event_world.driver)
    before = {(a["rule"], a["subject_id"]): a["alert_id"] for a in list_alerts(driver=event_world.driver)}
    assert set(before) == {("high_risk_child", "B")}
    acknowledge(before["high_risk_child", "B"], "sam", driver=event_world.driver)
    _merge(event_world, "B", "A")
    report = evaluate_subjects(["A"], today=TODAY, driver=event_world.driver)
    assert report.carried_over == 1
    after = {(a["rule"], a["subject_id"]): a for a in list_alerts(driver=event_world.driver)}
    moved = after["high_risk_child", "A"]
    assert moved["alert_id"] == before["high_risk_child", "B"] and moved["status"] == "acknowledged"
    assert event_world.count("MATCH (:Alert {alert_id: $id})-[:CONCERNS]->(p:Person) RETURN collect(p.person_id)[0]",
                       id=moved["alert_id"]) == "A"
    assert "merged into A" in alert_history(moved["alert_id"], driver=event_world.driver)[-1]["reason"]
    combined = after["multi_agency_child", "A"]
    assert combined["evidence_count"] == 4 and combined["explanation"]["metrics"]["organisations"] == 3


def test_after_a_merge_a_duplicate_alert_is_closed_in_favour_of_the_survivors(event_world):
    for who in ("A", "B"):
        event_world.event("WMP", f"W{who}", TODAY - timedelta(days=5), "missing_person")
        event_world.person(who, ("WMP", f"W{who}"))
    evaluate_subjects(["A", "B"], today=TODAY, driver=event_world.driver)
    ids = {a["subject_id"]: a["alert_id"] for a in list_alerts(driver=event_world.driver)}
    _merge(event_world, "B", "A")
    run_all(TODAY, driver=event_world.driver)  # the batch run finds merged persons' alerts too
    assert get_alert(ids["B"], driver=event_world.driver)["status"] == "dismissed"
    assert f"continued as alert {ids['A']}" in alert_history(ids["B"], driver=event_world.driver)[-1]["reason"]
    assert get_alert(ids["A"], driver=event_world.driver)["evidence_count"] == 2


# ----------------------------------------------------------------------------- CLI


def test_the_cli_runs_lists_and_moves_alerts(event_world):
    from typer.testing import CliRunner

    from aim.cli import app

    alert_id = _escalating_child(event_world)
    runner = CliRunner()
    result = runner.invoke(app, ["alerts", "run", "--today", TODAY.isoformat(), "--rule", "multi_agency_child"])
    assert result.exit_code == 0, result.output
    assert "1 new" in result.output
    listed = runner.invoke(app, ["alerts", "list", "--json"])
    assert [a["alert_id"] for a in json.loads(listed.output)] == [alert_id]
    refused = runner.invoke(app, ["alerts", "dismiss", alert_id, "--by", "sam", "--reason", " "])
    assert refused.exit_code == 1 and "reason" in refused.output
    moved = runner.invoke(app, ["alerts", "watch", alert_id, "--by", "sam", "--reason", "keep an eye",
                                "--today", TODAY.isoformat()])
    assert moved.exit_code == 0 and "new -> watch_list" in moved.output
    shown = json.loads(runner.invoke(app, ["alerts", "show", alert_id]).output)
    assert shown["status"] == "watch_list" and [h["to"] for h in shown["history"]] == ["new", "watch_list"]
    bad = runner.invoke(app, ["alerts", "run", "--today", "31/10/2026"])
    assert bad.exit_code != 0
