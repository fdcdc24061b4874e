"""Alert rules, lifecycle, watch list and incremental re-evaluation against the real Neo4j.

Records and events are ingested through the normal ingest path; Persons and Households
(resolution's job, issue 5) are created directly with Cypher on top of them.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from aim.graph.alerts.engine import alert_id_for, detect, evaluate_subjects, run_all
from aim.graph.alerts.lifecycle import (
    LifecycleError, acknowledge, add_to_watch_list, alert_history, dismiss, get_alert, list_alerts, refer,
    transition,
)
from aim.graph.alerts.rules import load_rules
from aim.graph.alerts.watchlist import unwatch, watch, watch_list
from aim.graph.ingest import ingest_file
from tests.factories import write_csv

pytestmark = pytest.mark.neo4j

TODAY = date(2026, 10, 31)
CHILD_DOB = date(2015, 3, 1)
ADULT_DOB = date(1980, 6, 1)


def _row(source: str, record: str, event_id: str, day: date, event_type: str = "injury",
         dob: date = CHILD_DOB, first: str = "Amy", last: str = "Test") -> dict:
    return {
        "source": source, "source_record_id": record, "first_name": first, "last_name": last,
        "date_of_birth": dob.strftime("%d/%m/%Y"), "gender": "F", "address": "1 High St",
        "postcode": "B1 1AA", "event_id": event_id, "event_date": day.strftime("%d/%m/%Y"),
        "event_type": event_type,
    }


class World:
    """Ingest events for records; make persons and households over them."""

    def __init__(self, driver, settings, tmp_path):
        self.driver, self.settings, self.tmp = driver, settings, tmp_path
        self.n = 0

    def events(self, *rows: dict) -> None:
        self.n += 1
        path = write_csv(self.tmp / f"batch{self.n}.csv", list(rows))
        report = ingest_file(path, progress=False, driver=self.driver, settings=self.settings)
        assert report.rejected == 0, report.rejects

    def event(self, source: str, record: str, day: date, event_type: str = "injury", dob: date = CHILD_DOB) -> None:
        self.n += 1
        self.events(_row(source, record, f"{source}-{record}-{self.n}", day, event_type, dob))

    def person(self, person_id: str, *records: tuple[str, str]) -> None:
        self.driver.execute_query(
            "MERGE (p:Person {person_id: $pid}) WITH p UNWIND $records AS r "
            "MATCH (x:Record {source: r[0], source_record_id: r[1]}) MERGE (p)-[:HAS_RECORD]->(x)",
            pid=person_id, records=[list(r) for r in records], database_=self.settings.neo4j_database)

    def household(self, household_id: str, *members: tuple[str, date | None, date | None]) -> None:
        self.driver.execute_query(
            "MERGE (h:Household {household_id: $hid}) WITH h UNWIND $members AS m "
            "MATCH (p:Person {person_id: m.pid}) CREATE (p)-[:MEMBER_OF {from: m.from, to: m.to}]->(h)",
            hid=household_id, members=[{"pid": p, "from": f, "to": t} for p, f, t in members],
            database_=self.settings.neo4j_database)

    def count(self, query: str, **params) -> int:
        records, _, _ = self.driver.execute_query(query, params, database_=self.settings.neo4j_database)
        return records[0][0]


@pytest.fixture
def world(graph, settings, tmp_path):
    return World(graph, settings, tmp_path)


def found(world, rule_id: str, today: date = TODAY):
    return detect(today, rules=load_rules().only([rule_id]), driver=world.driver)


# ----------------------------------------------------------------------------- multi-agency


def test_exactly_n_events_from_k_organisations_within_d_days_raise_an_alert(world):
    first = TODAY - timedelta(days=29)  # first and last event 29 days apart: inside a 30-day window
    world.event("CHILD_HOSP", "H1", first)
    world.event("SCHOOL_OAK", "S1", first + timedelta(days=10), "safeguarding_concern")
    world.event("WMP", "W1", TODAY, "concern_for_welfare")
    world.person("P1", ("CHILD_HOSP", "H1"), ("SCHOOL_OAK", "S1"), ("WMP", "W1"))
    hits = found(world, "multi_agency_child")
    assert [(f.subject_id, f.metrics["events"], f.metrics["organisations"]) for f in hits] == [("P1", 3, 3)]
    assert hits[0].summary == "3 activities reported in the last 30 days by 3 agencies"


def test_events_d_days_apart_fall_outside_the_window(world):
    first = TODAY - timedelta(days=30)  # 30 days before today is outside "the last 30 days"
    world.event("CHILD_HOSP", "H1", first)
    world.event("SCHOOL_OAK", "S1", first + timedelta(days=10), "safeguarding_concern")
    world.event("WMP", "W1", TODAY, "concern_for_welfare")
    world.person("P1", ("CHILD_HOSP", "H1"), ("SCHOOL_OAK", "S1"), ("WMP", "W1"))
    assert found(world, "multi_agency_child") == []
    # ... but as of the day before, the first two and a third inside the window would count
    assert found(world, "multi_agency_child", TODAY - timedelta(days=1)) == []


def test_one_event_fewer_than_n_raises_nothing(world):
    world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=5))
    world.event("WMP", "W1", TODAY, "concern_for_welfare")
    world.person("P1", ("CHILD_HOSP", "H1"), ("WMP", "W1"))
    assert found(world, "multi_agency_child") == []


def test_two_records_of_one_person_at_one_agency_count_as_one_organisation(world):
    world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=9))
    world.event("CHILD_HOSP", "H2", TODAY - timedelta(days=5))  # a duplicate record at the same hospital
    world.event("CHILD_HOSP", "H2", TODAY - timedelta(days=2))
    world.person("P1", ("CHILD_HOSP", "H1"), ("CHILD_HOSP", "H2"))
    assert found(world, "multi_agency_child") == []  # 3 events, 1 organisation
    world.event("WMP", "W1", TODAY, "concern_for_welfare")
    world.person("P1", ("WMP", "W1"))
    hits = found(world, "multi_agency_child")
    assert [(f.metrics["events"], sorted(f.organisations)) for f in hits] == [(4, ["CHILD_HOSP", "WMP"])]


def test_children_and_adults_have_different_thresholds_by_age_at_the_event(world):
    for who, dob in (("C", CHILD_DOB), ("A", ADULT_DOB)):
        world.event("CITY_ED", f"{who}1", TODAY - timedelta(days=10), dob=dob)
        world.event("WMP", f"{who}2", TODAY - timedelta(days=5), "crime_victim", dob=dob)
        world.event("WMP", f"{who}2", TODAY, "crime_victim", dob=dob)
        world.person(f"P{who}", ("CITY_ED", f"{who}1"), ("WMP", f"{who}2"))
    assert [f.subject_id for f in found(world, "multi_agency_child")] == ["PC"]
    assert found(world, "multi_agency_adult") == []  # adults need 3 organisations
    world.event("FIRE", "A3", TODAY, "fire_incident", dob=ADULT_DOB)
    world.person("PA", ("FIRE", "A3"))
    assert [f.subject_id for f in found(world, "multi_agency_adult")] == ["PA"]


def test_a_child_who_turns_eighteen_mid_window_is_judged_by_age_at_each_event(world):
    dob = TODAY - timedelta(days=365 * 18 + 4 + 2)  # 18th birthday two days before today
    world.event("CITY_ED", "Y1", TODAY - timedelta(days=10), dob=dob)
    world.event("WMP", "Y2", TODAY - timedelta(days=6), "crime_victim", dob=dob)
    world.event("WMP", "Y2", TODAY, "crime_victim", dob=dob)  # an adult by now
    world.person("PY", ("CITY_ED", "Y1"), ("WMP", "Y2"))
    assert found(world, "multi_agency_child") == []
    assert found(world, "multi_agency_child", TODAY - timedelta(days=3)) == []  # only 2 child events ever


def test_routine_contacts_do_not_count(world):
    world.event("SCHOOL_OAK", "S1", TODAY - timedelta(days=3), "routine_contact")
    world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=2), "routine_appointment")
    world.event("COMM_HEALTH", "C1", TODAY, "health_visit")
    world.person("P1", ("SCHOOL_OAK", "S1"), ("CHILD_HOSP", "H1"), ("COMM_HEALTH", "C1"))
    assert detect(TODAY, driver=world.driver) == []


# ----------------------------------------------------------------------------- high risk


def test_a_single_flagged_event_concerning_a_child_is_red(world):
    world.event("WMP", "W1", TODAY - timedelta(days=3), "missing_person")
    world.person("P1", ("WMP", "W1"))
    world.event("WMP", "W2", TODAY - timedelta(days=3), "missing_person", dob=ADULT_DOB)
    world.person("P2", ("WMP", "W2"))
    hits = found(world, "high_risk_child")
    assert [(f.subject_id, f.rag) for f in hits] == [("P1", "Red")]
    assert "missing person" in hits[0].summary


def test_domestic_abuse_in_a_household_with_a_child_alerts_the_household(world):
    world.event("WMP", "M1", TODAY - timedelta(days=2), "domestic_abuse_incident", dob=ADULT_DOB)
    world.event("SCHOOL_OAK", "K1", TODAY - timedelta(days=200), "routine_contact")
    world.person("MUM", ("WMP", "M1"))
    world.person("KID", ("SCHOOL_OAK", "K1"))
    world.event("WMP", "M2", TODAY - timedelta(days=2), "domestic_abuse_incident", dob=ADULT_DOB)
    world.event("CITY_ED", "M3", TODAY - timedelta(days=200), "ed_attendance", dob=ADULT_DOB)
    world.person("LONE", ("WMP", "M2"))
    world.person("FLATMATE", ("CITY_ED", "M3"))
    world.household("H-CHILD", ("MUM", date(2020, 1, 1), None), ("KID", date(2020, 1, 1), None))
    world.household("H-ADULTS", ("LONE", date(2020, 1, 1), None), ("FLATMATE", date(2020, 1, 1), None))
    hits = found(world, "high_risk_household")
    assert [(f.subject_type, f.subject_id, f.metrics["children"], f.rag) for f in hits] == \
        [("household", "H-CHILD", 1, "Red")]


# ----------------------------------------------------------------------------- household clustering


def test_household_clustering_counts_members_events_while_members(world):
    day = TODAY - timedelta(days=20)
    world.event("CITY_ED", "A1", day, "injury", dob=ADULT_DOB)
    world.event("WMP", "A2", day + timedelta(days=1), "crime_victim", dob=ADULT_DOB)
    world.event("SCHOOL_OAK", "K1", day + timedelta(days=2), "attendance_concern")
    world.event("SCHOOL_OAK", "K1", day + timedelta(days=9), "behaviour_incident")
    world.event("CSC", "L1", day + timedelta(days=3), "contact")  # a lodger who left last year
    world.person("ADULT", ("CITY_ED", "A1"), ("WMP", "A2"))
    world.person("KID", ("SCHOOL_OAK", "K1"))
    world.person("LEFT", ("CSC", "L1"))
    world.household("H1", ("ADULT", date(2019, 1, 1), None), ("KID", date(2019, 1, 1), None),
                    ("LEFT", date(2019, 1, 1), date(2025, 12, 31)))
    assert found(world, "household_cluster") == []  # 4 events while members; the lodger's is not counted
    world.event("CITY_ED", "A1", day + timedelta(days=15), "injury", dob=ADULT_DOB)
    hits = found(world, "household_cluster")
    assert [(f.subject_id, f.metrics["events"], f.metrics["members"]) for f in hits] == [("H1", 5, 2)]
    assert hits[0].summary.startswith("5 activities across 2 household members")


# ----------------------------------------------------------------------------- escalation


def test_escalation_compares_the_last_30_days_with_the_usual_rate(world):
    for i in range(3):  # three events from two organisations in the last 30 days, for both
        source = "WMP" if i == 0 else "CITY_ED"
        world.event(source, f"Q{source}", TODAY - timedelta(days=3 + i), "ed_attendance", dob=ADULT_DOB)
        world.event(source, f"B{source}", TODAY - timedelta(days=3 + i), "ed_attendance", dob=ADULT_DOB)
    for i in range(8):  # a busy history: about 1.3 a month
        world.event("CITY_ED", "BCITY_ED", TODAY - timedelta(days=40 + 20 * i), "ed_attendance", dob=ADULT_DOB)
    world.event("CITY_ED", "S1", TODAY - timedelta(days=3), "ed_attendance", dob=ADULT_DOB)
    world.event("CITY_ED", "S1", TODAY - timedelta(days=2), "ed_attendance", dob=ADULT_DOB)
    world.event("CITY_ED", "S1", TODAY - timedelta(days=1), "ed_attendance", dob=ADULT_DOB)
    world.person("QUIET", ("WMP", "QWMP"), ("CITY_ED", "QCITY_ED"))
    world.person("BUSY", ("WMP", "BWMP"), ("CITY_ED", "BCITY_ED"))
    world.person("ONE_AGENCY", ("CITY_ED", "S1"))  # escalating, but seen by one organisation only
    hits = found(world, "escalation")
    assert [(f.subject_id, f.metrics["baseline"]) for f in hits] == [("QUIET", 0)]
    assert "3 activities in the last 30 days against 0 in the previous 180" in hits[0].summary


# ----------------------------------------------------------------------------- lifecycle


def _escalating_child(world, days_ago=(20, 10, 1)):
    world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=days_ago[0]))
    world.event("SCHOOL_OAK", "S1", TODAY - timedelta(days=days_ago[1]), "safeguarding_concern")
    world.event("WMP", "W1", TODAY - timedelta(days=days_ago[2]), "concern_for_welfare")
    world.person("P1", ("CHILD_HOSP", "H1"), ("SCHOOL_OAK", "S1"), ("WMP", "W1"))
    return alert_id_for("multi_agency_child", "person", "P1")


def test_a_run_raises_one_alert_per_subject_and_rule_and_updates_it_with_new_evidence(world, settings):
    alert_id = _escalating_child(world)
    rules = load_rules().only(["multi_agency_child"])
    report = run_all(TODAY, rules=rules, driver=world.driver)
    assert (report.created, report.updated) == (1, 0)
    alert = get_alert(alert_id, driver=world.driver)
    assert (alert["status"], alert["evidence_count"], alert["rag"], alert["first_raised"]) == ("new", 3, "Amber", TODAY)
    assert alert["explanation"]["organisations"][0]["code"] in {"CHILD_HOSP", "SCHOOL_OAK", "WMP"}
    assert len(alert["explanation"]["events"]) == 3
    assert world.count("MATCH (:Alert)-[:CONCERNS]->(p:Person {person_id: 'P1'}) RETURN count(*)") == 1

    again = run_all(TODAY, rules=rules, driver=world.driver)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    acknowledge(alert_id, "sam", driver=world.driver)
    world.event("CSC", "C1", TODAY, "referral")
    world.person("P1", ("CSC", "C1"))
    later = run_all(TODAY + timedelta(days=1), rules=rules, driver=world.driver)
    assert (later.created, later.updated) == (0, 1)
    alert = get_alert(alert_id, driver=world.driver)
    assert (alert["status"], alert["evidence_count"]) == ("acknowledged", 4)
    assert alert["last_updated"] == TODAY + timedelta(days=1) and alert["first_raised"] == TODAY
    assert alert["summary"] == "4 activities reported in the last 30 days by 4 agencies"
    assert world.count("MATCH (a:Alert) RETURN count(a)") == 1


def test_dismissing_needs_a_reason_and_a_dismissed_alert_reopens_only_on_new_evidence(world):
    alert_id = _escalating_child(world)
    rules = load_rules().only(["multi_agency_child"])
    run_all(TODAY, rules=rules, driver=world.driver)
    with pytest.raises(LifecycleError, match="reason"):
        dismiss(alert_id, "sam", "", driver=world.driver)
    acknowledge(alert_id, "sam", driver=world.driver)
    dismiss(alert_id, "lee", "known to CSC, plan in place", driver=world.driver)
    run_all(TODAY + timedelta(days=1), rules=rules, driver=world.driver)
    assert get_alert(alert_id, driver=world.driver)["status"] == "dismissed"  # same evidence: stays dismissed
    with pytest.raises(LifecycleError, match="dismissed"):
        acknowledge(alert_id, "sam", driver=world.driver)
    world.event("CHILD_HOSP", "H1", TODAY + timedelta(days=2), "injury")
    report = run_all(TODAY + timedelta(days=2), rules=rules, driver=world.driver)
    assert report.reopened == 1
    assert get_alert(alert_id, driver=world.driver)["status"] == "new"
    history = alert_history(alert_id, driver=world.driver)
    assert [(h["from"], h["to"], h["by"]) for h in history] == [
        (None, "new", "system"), ("new", "acknowledged", "sam"), ("acknowledged", "dismissed", "lee"),
        ("dismissed", "new", "system"),
    ]
    assert history[2]["reason"] == "known to CSC, plan in place" and history[2]["at"] is not None
    assert "re-opened" in history[3]["reason"]


def test_referral_is_recorded_and_unknown_moves_are_refused(world):
    alert_id = _escalating_child(world)
    run_all(TODAY, rules=load_rules().only(["multi_agency_child"]), driver=world.driver)
    with pytest.raises(LifecycleError, match="cannot move"):
        transition(alert_id, "new", "sam", driver=world.driver)
    with pytest.raises(LifecycleError, match="no alert"):
        refer("AL-missing", "sam", driver=world.driver)
    refer(alert_id, "sam", "strategy discussion", driver=world.driver)
    assert [a["alert_id"] for a in list_alerts(["referred"], driver=world.driver)] == [alert_id]
    assert list_alerts(["new"], driver=world.driver) == []


def test_watch_list_from_an_alert_surfaces_new_activity(world):
    alert_id = _escalating_child(world)
    rules = load_rules().only(["multi_agency_child", "watched_activity"])
    run_all(TODAY, rules=rules, driver=world.driver)
    result = add_to_watch_list(alert_id, "sam", "low-level concerns, see if they continue",
                               review_date=TODAY + timedelta(days=14), today=TODAY, driver=world.driver)
    assert result["to"] == "watch_list" and result["watch_entry"]["owner"] == "sam"
    entries = watch_list(TODAY, driver=world.driver)
    assert [(e["subject_id"], e["activity"], e["due"]) for e in entries] == [("P1", [], False)]
    world.event("WMP", "W1", TODAY + timedelta(days=3), "antisocial_behaviour")
    entries = watch_list(TODAY + timedelta(days=14), driver=world.driver)
    assert [(len(e["activity"]), e["due"]) for e in entries] == [(1, True)]
    report = run_all(TODAY + timedelta(days=3), rules=rules, driver=world.driver)
    watched = get_alert(alert_id_for("watched_activity", "person", "P1"), driver=world.driver)
    assert watched["summary"] == "1 new activity since the subject was put on the watch list"
    assert report.created == 1
    unwatch(entries[0]["watch_id"], by="sam", reason="reviewed", driver=world.driver)
    assert watch_list(TODAY + timedelta(days=14), driver=world.driver) == []


def test_households_can_be_watched_directly(world):
    world.event("CITY_ED", "A1", TODAY - timedelta(days=100), "injury", dob=ADULT_DOB)
    world.person("ADULT", ("CITY_ED", "A1"))
    world.household("H1", ("ADULT", date(2019, 1, 1), None))
    entry = watch("household", "H1", owner="sam", reason="neighbour concerns", review_date=TODAY, today=TODAY,
                  driver=world.driver)
    assert entry["subject_type"] == "household" and entry["active"]
    again = watch("household", "H1", owner="kim", reason="handover", review_date=TODAY, today=TODAY,
                  driver=world.driver)
    assert again["watch_id"] == entry["watch_id"] and again["owner"] == "kim"
    world.event("CITY_ED", "A1", TODAY + timedelta(days=1), "injury", dob=ADULT_DOB)
    hits = found(world, "watched_activity", TODAY + timedelta(days=1))
    assert [(f.subject_type, f.subject_id) for f in hits] == [("household", "H1")]


# ----------------------------------------------------------------------------- incremental


def test_incremental_evaluation_touches_only_the_given_people_and_their_households(world):
    _escalating_child(world)
    world.event("CHILD_HOSP", "OTHER1", TODAY - timedelta(days=4))
    world.event("WMP", "OTHER2", TODAY - timedelta(days=3), "missing_person")
    world.event("SCHOOL_OAK", "OTHER3", TODAY - timedelta(days=2), "attendance_concern")
    world.person("P2", ("CHILD_HOSP", "OTHER1"), ("WMP", "OTHER2"), ("SCHOOL_OAK", "OTHER3"))
    world.event("WMP", "MUM", TODAY - timedelta(days=1), "domestic_abuse_incident", dob=ADULT_DOB)
    world.person("MUM", ("WMP", "MUM"))
    world.household("H1", ("MUM", date(2020, 1, 1), None), ("P1", date(2020, 1, 1), None))
    report = evaluate_subjects(["P1"], today=TODAY, driver=world.driver)
    subjects = {(a["rule"], a["subject_id"]) for a in list_alerts(driver=world.driver)}
    assert subjects == {("multi_agency_child", "P1"), ("multi_agency_child_wide", "P1"), ("escalation", "P1"),
                        ("high_risk_household", "H1")}
    assert report.created == 4
    assert evaluate_subjects(["P1"], today=TODAY, driver=world.driver).created == 0
    evaluate_subjects(["P2", "NOBODY"], today=TODAY, driver=world.driver)
    assert ("high_risk_child", "P2") in {(a["rule"], a["subject_id"]) for a in list_alerts(driver=world.driver)}


def _merge(world, old: str, into: str) -> None:
    """What resolution does on a merge: records move, the old person stays as a tombstone."""
    world.driver.execute_query(
        "MATCH (b:Person {person_id: $old})-[h:HAS_RECORD]->(r) MATCH (a:Person {person_id: $into}) "
        "CREATE (a)-[:HAS_RECORD]->(r) DELETE h WITH DISTINCT a, b "
        "SET b.status = 'merged' MERGE (b)-[:MERGED_INTO]->(a)", old=old, into=into)


def test_a_merge_of_two_persons_is_re_evaluated_for_the_survivor(world):
    world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=12))
    world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=6))
    world.event("SCHOOL_OAK", "S1", TODAY - timedelta(days=2), "safeguarding_concern")
    world.event("WMP", "W1", TODAY - timedelta(days=20), "missing_person")
    world.person("A", ("CHILD_HOSP", "H1"))
    world.person("B", ("SCHOOL_OAK", "S1"), ("WMP", "W1"))
    evaluate_subjects(["A", "B"], today=TODAY, driver=world.driver)
    before = {(a["rule"], a["subject_id"]): a["alert_id"] for a in list_alerts(driver=world.driver)}
    assert set(before) == {("high_risk_child", "B")}
    acknowledge(before["high_risk_child", "B"], "sam", driver=world.driver)
    _merge(world, "B", "A")
    report = evaluate_subjects(["A"], today=TODAY, driver=world.driver)
    assert report.carried_over == 1
    after = {(a["rule"], a["subject_id"]): a for a in list_alerts(driver=world.driver)}
    moved = after["high_risk_child", "A"]
    assert moved["alert_id"] == before["high_risk_child", "B"] and moved["status"] == "acknowledged"
    assert world.count("MATCH (:Alert {alert_id: $id})-[:CONCERNS]->(p:Person) RETURN collect(p.person_id)[0]",
                       id=moved["alert_id"]) == "A"
    assert "merged into A" in alert_history(moved["alert_id"], driver=world.driver)[-1]["reason"]
    combined = after["multi_agency_child", "A"]
    assert combined["evidence_count"] == 4 and combined["explanation"]["metrics"]["organisations"] == 3


def test_after_a_merge_a_duplicate_alert_is_closed_in_favour_of_the_survivors(world):
    for who in ("A", "B"):
        world.event("WMP", f"W{who}", TODAY - timedelta(days=5), "missing_person")
        world.person(who, ("WMP", f"W{who}"))
    evaluate_subjects(["A", "B"], today=TODAY, driver=world.driver)
    ids = {a["subject_id"]: a["alert_id"] for a in list_alerts(driver=world.driver)}
    _merge(world, "B", "A")
    run_all(TODAY, driver=world.driver)  # the batch run finds merged persons' alerts too
    assert get_alert(ids["B"], driver=world.driver)["status"] == "dismissed"
    assert f"continued as alert {ids['A']}" in alert_history(ids["B"], driver=world.driver)[-1]["reason"]
    assert get_alert(ids["A"], driver=world.driver)["evidence_count"] == 2


# ----------------------------------------------------------------------------- CLI


def test_the_cli_runs_lists_and_moves_alerts(world):
    from typer.testing import CliRunner

    from aim.cli import app

    alert_id = _escalating_child(world)
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
