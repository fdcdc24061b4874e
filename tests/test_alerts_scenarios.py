"""Each kind of concern the seeds plant, built by hand against the real Neo4j: the default
rule set raises an alert for the escalating child, the domestic-abuse household and the
adult at risk, and none for the busy family or the frequent attender (the decoys)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from aim.graph.alerts.engine import detect
from aim.graph.alerts.rules import load_rules
from tests.graph_helpers import ADULT_DOB, TODAY, event_row

pytestmark = pytest.mark.neo4j

ELDER_DOB = date(1944, 2, 1)
TODDLER_DOBS = (date(2021, 4, 2), date(2022, 8, 9), date(2024, 1, 15))  # three children under 6


def _ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def _fired(world) -> dict[tuple[str, str], dict[str, str]]:
    """(subject type, id) -> {rule: RAG} for every rule of the default set, as of TODAY."""
    fired: dict[tuple[str, str], dict[str, str]] = {}
    for f in detect(TODAY, rules=load_rules(), driver=world.driver):
        fired.setdefault((f.subject_type, f.subject_id), {})[f.rule.id] = f.rag
    return fired


def _make(world, person_id: str, rows: list[dict]) -> None:
    world.events(*rows)
    world.person(person_id, *sorted({(r["source"], r["source_record_id"]) for r in rows}))


def test_an_escalating_child_is_alerted(event_world):
    _make(event_world, "CHILD", [
        event_row("CHILD_HOSP", "C-H", "C-H-1", _ago(25), "injury"),
        event_row("SCHOOL_OAK", "C-S", "C-S-1", _ago(15), "safeguarding_concern"),
        event_row("WMP", "C-W", "C-W-1", _ago(5), "concern_for_welfare"),
    ])
    assert "multi_agency_child" in _fired(event_world)[("person", "CHILD")]


def test_a_domestic_abuse_household_with_three_children_under_six_is_a_red_household_alert(event_world):
    """Three police domestic abuse incidents and two A&E injuries in six weeks."""
    _make(event_world, "VICTIM", [
        *(event_row("WMP", "V-W", f"V-W-{d}", _ago(d), "domestic_abuse_incident", ADULT_DOB) for d in (40, 24, 4)),
        *(event_row("CITY_ED", "V-E", f"V-E-{d}", _ago(d), "injury", ADULT_DOB) for d in (39, 23)),
    ])
    _make(event_world, "PARTNER", [event_row("WMP", "P-W", "P-W-1", _ago(40), "crime_suspect", ADULT_DOB)])
    for n, dob in enumerate(TODDLER_DOBS):
        _make(event_world, f"TODDLER{n}", [event_row("COMM_HEALTH", f"T{n}", f"T{n}-1", _ago(60), "health_visit", dob)])
    event_world.household("HOME", *((p, date(2020, 1, 1), None)
                                    for p in ("VICTIM", "PARTNER", "TODDLER0", "TODDLER1", "TODDLER2")))
    household = _fired(event_world)[("household", "HOME")]
    assert household.get("repeat_domestic_abuse_household") == "Red"
    assert household.get("high_risk_household") == "Red"


def test_a_child_last_seen_at_the_address_within_the_window_still_makes_it_a_household_with_a_child(event_world):
    _make(event_world, "VICTIM", [
        event_row("WMP", "V-W", f"V-W-{d}", _ago(d), "domestic_abuse_incident", ADULT_DOB) for d in (50, 10)])
    _make(event_world, "SEEN", [event_row("COMM_HEALTH", "T0", "T0-1", _ago(70), "health_visit", TODDLER_DOBS[0])])
    event_world.household("HOME", ("VICTIM", date(2020, 1, 1), None), ("SEEN", date(2021, 4, 2), _ago(70)))
    assert set(_fired(event_world)[("household", "HOME")]) == {"repeat_domestic_abuse_household"}
    # last seen 70 days ago: inside the 90-day rule's reach, not the 30-day one's


def test_a_single_incident_long_ago_raises_no_household_alert(event_world):
    _make(event_world, "VICTIM", [event_row("WMP", "V-W", "V-W-1", _ago(95), "domestic_abuse_incident", ADULT_DOB)])
    _make(event_world, "CHILD", [event_row("COMM_HEALTH", "T0", "T0-1", _ago(60), "health_visit", TODDLER_DOBS[0])])
    event_world.household("HOME", ("VICTIM", date(2020, 1, 1), None), ("CHILD", date(2021, 4, 2), None))
    assert ("household", "HOME") not in _fired(event_world)


def test_an_adult_at_risk_is_alerted(event_world):
    """A fall, a fire service safe-and-well visit, a social care referral, another fall."""
    _make(event_world, "ELDER", [
        event_row("CITY_ED", "E-E", "E-E-1", _ago(40), "fall", ELDER_DOB),
        event_row("FIRE", "E-F", "E-F-1", _ago(28), "safe_and_well_visit", ELDER_DOB),
        event_row("ASC", "E-A", "E-A-1", _ago(18), "referral", ELDER_DOB),
        event_row("CITY_ED", "E-E", "E-E-2", _ago(6), "fall", ELDER_DOB),
    ])
    assert _fired(event_world).get(("person", "ELDER"))


def test_a_busy_family_of_routine_contacts_is_not_alerted(event_world):
    members = []
    for n, dob in enumerate(TODDLER_DOBS):
        kid = f"KID{n}"
        _make(event_world, kid, [
            event_row("COMM_HEALTH", f"K{n}-H", f"K{n}-H-{d}", _ago(d), "health_visit", dob) for d in (3, 12, 21)
        ] + [event_row("CHILD_HOSP", f"K{n}-C", f"K{n}-C-{d}", _ago(d), "routine_appointment", dob) for d in (5, 15)])
        members.append((kid, date(2024, 2, 1), None))
    _make(event_world, "PARENT", [event_row("CITY_ED", "PA", "PA-1", _ago(9), "routine_appointment", ADULT_DOB)])
    event_world.household("BUSY", *members, ("PARENT", date(2020, 1, 1), None))
    assert _fired(event_world) == {}


def test_a_frequent_attender_with_routine_appointments_is_not_alerted(event_world):
    _make(event_world, "ATTENDER", [
        event_row("CHILD_HOSP", "F-C", f"F-C-{d}", _ago(d), "routine_appointment") for d in range(2, 60, 5)
    ])
    assert _fired(event_world) == {}
