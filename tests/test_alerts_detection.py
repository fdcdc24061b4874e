"""Alert rules against the real Neo4j: what each rule finds (multi-agency activity, high
risk, household clustering, escalation) as of a day.

Records and events are ingested through the normal ingest path; Persons and Households
(resolution's job) are created directly with Cypher on top of them (tests/graph_helpers.py).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from aim.graph.alerts.engine import detect
from tests.graph_helpers import ADULT_DOB, CHILD_DOB, TODAY, found

pytestmark = pytest.mark.neo4j


# ----------------------------------------------------------------------------- multi-agency


def test_exactly_n_events_from_k_organisations_within_d_days_raise_an_alert(event_world):
    first = TODAY - timedelta(days=29)  # first and last event 29 days apart: inside a 30-day window
    event_world.event("CHILD_HOSP", "H1", first)
    event_world.event("SCHOOL_OAK", "S1", first + timedelta(days=10), "safeguarding_concern")
    event_world.event("WMP", "W1", TODAY, "concern_for_welfare")
    event_world.person("P1", ("CHILD_HOSP", "H1"), ("SCHOOL_OAK", "S1"), ("WMP", "W1"))
    hits = found(event_world, "multi_agency_child")
    assert [(f.subject_id, f.metrics["events"], f.metrics["organisations"]) for f in hits] == [("P1", 3, 3)]
    assert hits[0].summary == "3 activities reported from 2 Oct 2026 to 31 Oct 2026 by 3 agencies"


def test_events_d_days_apart_fall_outside_the_window(event_world):
    first = TODAY - timedelta(days=30)  # 30 days before today is outside "the last 30 days"
    event_world.event("CHILD_HOSP", "H1", first)
    event_world.event("SCHOOL_OAK", "S1", first + timedelta(days=10), "safeguarding_concern")
    event_world.event("WMP", "W1", TODAY, "concern_for_welfare")
    event_world.person("P1", ("CHILD_HOSP", "H1"), ("SCHOOL_OAK", "S1"), ("WMP", "W1"))
    assert found(event_world, "multi_agency_child") == []
    # ... but as of the day before, the first two and a third inside the window would count
    assert found(event_world, "multi_agency_child", TODAY - timedelta(days=1)) == []


def test_one_event_fewer_than_n_raises_nothing(event_world):
    event_world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=5))
    event_world.event("WMP", "W1", TODAY, "concern_for_welfare")
    event_world.person("P1", ("CHILD_HOSP", "H1"), ("WMP", "W1"))
    assert found(event_world, "multi_agency_child") == []


def test_two_records_of_one_person_at_one_agency_count_as_one_organisation(event_world):
    event_world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=9))
    event_world.event("CHILD_HOSP", "H2", TODAY - timedelta(days=5))  # a duplicate record at the same hospital
    event_world.event("CHILD_HOSP", "H2", TODAY - timedelta(days=2))
    event_world.person("P1", ("CHILD_HOSP", "H1"), ("CHILD_HOSP", "H2"))
    assert found(event_world, "multi_agency_child") == []  # 3 events, 1 organisation
    event_world.event("WMP", "W1", TODAY, "concern_for_welfare")
    event_world.person("P1", ("WMP", "W1"))
    hits = found(event_world, "multi_agency_child")
    assert [(f.metrics["events"], sorted(f.organisations)) for f in hits] == [(4, ["CHILD_HOSP", "WMP"])]


def test_children_and_adults_have_different_thresholds_by_age_at_the_event(event_world):
    for who, dob in (("C", CHILD_DOB), ("A", ADULT_DOB)):
        event_world.event("CITY_ED", f"{who}1", TODAY - timedelta(days=10), dob=dob)
        event_world.event("WMP", f"{who}2", TODAY - timedelta(days=5), "crime_victim", dob=dob)
        event_world.event("WMP", f"{who}2", TODAY, "crime_victim", dob=dob)
        event_world.person(f"P{who}", ("CITY_ED", f"{who}1"), ("WMP", f"{who}2"))
    assert [f.subject_id for f in found(event_world, "multi_agency_child")] == ["PC"]
    assert found(event_world, "multi_agency_adult") == []  # adults need 3 organisations
    event_world.event("FIRE", "A3", TODAY, "fire_incident", dob=ADULT_DOB)
    event_world.person("PA", ("FIRE", "A3"))
    assert [f.subject_id for f in found(event_world, "multi_agency_adult")] == ["PA"]


def test_a_child_who_turns_eighteen_mid_window_is_judged_by_age_at_each_event(event_world):
    dob = TODAY - timedelta(days=365 * 18 + 4 + 2)  # 18th birthday two days before today
    event_world.event("CITY_ED", "Y1", TODAY - timedelta(days=10), dob=dob)
    event_world.event("WMP", "Y2", TODAY - timedelta(days=6), "crime_victim", dob=dob)
    event_world.event("WMP", "Y2", TODAY, "crime_victim", dob=dob)  # an adult by now
    event_world.person("PY", ("CITY_ED", "Y1"), ("WMP", "Y2"))
    assert found(event_world, "multi_agency_child") == []
    assert found(event_world, "multi_agency_child", TODAY - timedelta(days=3)) == []  # only 2 child events ever


def test_routine_contacts_do_not_count(event_world):
    event_world.event("SCHOOL_OAK", "S1", TODAY - timedelta(days=3), "routine_contact")
    event_world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=2), "routine_appointment")
    event_world.event("COMM_HEALTH", "C1", TODAY, "health_visit")
    event_world.person("P1", ("SCHOOL_OAK", "S1"), ("CHILD_HOSP", "H1"), ("COMM_HEALTH", "C1"))
    assert detect(TODAY, driver=event_world.driver) == []


# ----------------------------------------------------------------------------- high risk


def test_a_single_flagged_event_concerning_a_child_is_red(event_world):
    event_world.event("WMP", "W1", TODAY - timedelta(days=3), "missing_person")
    event_world.person("P1", ("WMP", "W1"))
    event_world.event("WMP", "W2", TODAY - timedelta(days=3), "missing_person", dob=ADULT_DOB)
    event_world.person("P2", ("WMP", "W2"))
    hits = found(event_world, "high_risk_child")
    assert [(f.subject_id, f.rag) for f in hits] == [("P1", "Red")]
    assert "missing person" in hits[0].summary


def test_domestic_abuse_in_a_household_with_a_child_alerts_the_household(event_world):
    event_world.event("WMP", "M1", TODAY - timedelta(days=2), "domestic_abuse_incident", dob=ADULT_DOB)
    event_world.event("SCHOOL_OAK", "K1", TODAY - timedelta(days=200), "routine_contact")
    event_world.person("MUM", ("WMP", "M1"))
    event_world.person("KID", ("SCHOOL_OAK", "K1"))
    event_world.event("WMP", "M2", TODAY - timedelta(days=2), "domestic_abuse_incident", dob=ADULT_DOB)
    event_world.event("CITY_ED", "M3", TODAY - timedelta(days=200), "ed_attendance", dob=ADULT_DOB)
    event_world.person("LONE", ("WMP", "M2"))
    event_world.person("FLATMATE", ("CITY_ED", "M3"))
    event_world.household("H-CHILD", ("MUM", date(2020, 1, 1), None), ("KID", date(2020, 1, 1), None))
    event_world.household("H-ADULTS", ("LONE", date(2020, 1, 1), None), ("FLATMATE", date(2020, 1, 1), None))
    hits = found(event_world, "high_risk_household")
    assert [(f.subject_type, f.subject_id, f.metrics["children"], f.rag) for f in hits] == \
        [("household", "H-CHILD", 1, "Red")]


# ----------------------------------------------------------------------------- household clustering


def test_household_clustering_counts_members_events_while_members(event_world):
    day = TODAY - timedelta(days=20)
    event_world.event("CITY_ED", "A1", day, "injury", dob=ADULT_DOB)
    event_world.event("WMP", "A2", day + timedelta(days=1), "crime_victim", dob=ADULT_DOB)
    event_world.event("SCHOOL_OAK", "K1", day + timedelta(days=2), "attendance_concern")
    event_world.event("SCHOOL_OAK", "K1", day + timedelta(days=9), "behaviour_incident")
    event_world.event("CSC", "L1", day + timedelta(days=3), "contact")  # a lodger who left last year
    event_world.person("ADULT", ("CITY_ED", "A1"), ("WMP", "A2"))
    event_world.person("KID", ("SCHOOL_OAK", "K1"))
    event_world.person("LEFT", ("CSC", "L1"))
    event_world.household("H1", ("ADULT", date(2019, 1, 1), None), ("KID", date(2019, 1, 1), None),
                    ("LEFT", date(2019, 1, 1), date(2025, 12, 31)))
    assert found(event_world, "household_cluster") == []  # 4 events while members; the lodger's is not counted
    event_world.event("CITY_ED", "A1", day + timedelta(days=15), "injury", dob=ADULT_DOB)
    hits = found(event_world, "household_cluster")
    assert [(f.subject_id, f.metrics["events"], f.metrics["members"]) for f in hits] == [("H1", 5, 2)]
    assert hits[0].summary.startswith("5 activities across 2 household members")


# ----------------------------------------------------------------------------- escalation


def test_escalation_compares_the_last_30_days_with_the_usual_rate(event_world):
    for i in range(3):  # three events from two organisations in the last 30 days, for both
        source = "WMP" if i == 0 else "CITY_ED"
        event_world.event(source, f"Q{source}", TODAY - timedelta(days=3 + i), "ed_attendance", dob=ADULT_DOB)
        event_world.event(source, f"B{source}", TODAY - timedelta(days=3 + i), "ed_attendance", dob=ADULT_DOB)
    for i in range(8):  # a busy history: about 1.3 a month
        event_world.event("CITY_ED", "BCITY_ED", TODAY - timedelta(days=40 + 20 * i), "ed_attendance", dob=ADULT_DOB)
    event_world.event("CITY_ED", "S1", TODAY - timedelta(days=3), "ed_attendance", dob=ADULT_DOB)
    event_world.event("CITY_ED", "S1", TODAY - timedelta(days=2), "ed_attendance", dob=ADULT_DOB)
    event_world.event("CITY_ED", "S1", TODAY - timedelta(days=1), "ed_attendance", dob=ADULT_DOB)
    event_world.person("QUIET", ("WMP", "QWMP"), ("CITY_ED", "QCITY_ED"))
    event_world.person("BUSY", ("WMP", "BWMP"), ("CITY_ED", "BCITY_ED"))
    event_world.person("ONE_AGENCY", ("CITY_ED", "S1"))  # escalating, but seen by one organisation only
    hits = found(event_world, "escalation")
    assert [(f.subject_id, f.metrics["baseline"]) for f in hits] == [("QUIET", 0)]
    assert "3 activities from 26 Oct 2026 to 28 Oct 2026 against 0 in the 180 days before" in hits[0].summary
