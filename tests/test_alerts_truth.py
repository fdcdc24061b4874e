"""Alerts that stay true as time passes, against the real Neo4j: the dates an alert states,
staleness and closing by the engine (with their transitions and the settings), re-opening
on new activity, and the figures computed against today (days since the last activity,
the trend)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from aim.graph.alerts.engine import alert_id_for, run_all
from aim.graph.alerts.lifecycle import acknowledge, alert_history, get_alert
from aim.graph.alerts.rules import load_rules
from aim.graph.alerts.staleness import Trend, with_currency
from tests.graph_helpers import TODAY, event_row

pytestmark = pytest.mark.neo4j

RULES = load_rules().only(["multi_agency_child"])


def _child_seen_by_three_agencies(world, days_ago=(20, 10, 1)) -> str:
    world.events(
        event_row("CHILD_HOSP", "H1", "H1-1", TODAY - timedelta(days=days_ago[0])),
        event_row("SCHOOL_OAK", "S1", "S1-1", TODAY - timedelta(days=days_ago[1]), "safeguarding_concern"),
        event_row("WMP", "W1", "W1-1", TODAY - timedelta(days=days_ago[2]), "concern_for_welfare"),
    )
    world.person("P1", ("CHILD_HOSP", "H1"), ("SCHOOL_OAK", "S1"), ("WMP", "W1"))
    return alert_id_for("multi_agency_child", "person", "P1")


def test_an_alert_states_its_window_and_evidence_dates_and_was_raised_on_the_run_date(event_world):
    alert_id = _child_seen_by_three_agencies(event_world)
    run_all(TODAY, rules=RULES, driver=event_world.driver)
    alert = get_alert(alert_id, driver=event_world.driver)
    assert (alert["first_raised"], alert["window_start"], alert["window_end"]) == (
        TODAY, TODAY - timedelta(days=29), TODAY)
    assert (alert["first_evidence"], alert["last_evidence"], alert["evidence_count"]) == (
        TODAY - timedelta(days=20), TODAY - timedelta(days=1), 3)
    assert alert["summary"] == "3 activities reported from 11 Oct 2026 to 30 Oct 2026 by 3 agencies"
    assert alert["explanation"]["evidence_dates"] == {"first": "2026-10-11", "last": "2026-10-30"}


def test_an_alert_without_new_activity_goes_stale_then_closes_each_step_by_the_engine(event_world, settings):
    alert_id = _child_seen_by_three_agencies(event_world)
    run_all(TODAY, rules=RULES, driver=event_world.driver, settings=settings)
    acknowledge(alert_id, "sam", driver=event_world.driver)
    # the last evidence (TODAY - 1) is still inside the 30-day window on TODAY + 28
    still = run_all(TODAY + timedelta(days=28), rules=RULES, driver=event_world.driver, settings=settings)
    assert (still.stale, get_alert(alert_id, driver=event_world.driver)["status"]) == (0, "acknowledged")
    open_in_case = "MATCH (c:Case)-[:GATHERS]->(:Alert {alert_id: $id}) RETURN c.open_alerts"
    assert event_world.count(open_in_case, id=alert_id) == 1
    gone = run_all(TODAY + timedelta(days=29), rules=RULES, driver=event_world.driver, settings=settings)
    alert = get_alert(alert_id, driver=event_world.driver)
    assert (gone.stale, alert["status"], alert["stale_since"]) == (1, "stale", TODAY + timedelta(days=29))
    assert event_world.count(open_in_case, id=alert_id) == 0  # its case no longer counts it as open
    waiting = run_all(TODAY + timedelta(days=29 + settings.alert_close_days - 1), rules=RULES,
                      driver=event_world.driver, settings=settings)
    assert (waiting.closed, get_alert(alert_id, driver=event_world.driver)["status"]) == (0, "stale")
    closing_day = TODAY + timedelta(days=29 + settings.alert_close_days)
    closed = run_all(closing_day, rules=RULES, driver=event_world.driver, settings=settings)
    alert = get_alert(alert_id, driver=event_world.driver)
    assert (closed.closed, alert["status"], alert["closed_on"]) == (1, "closed", closing_day)
    history = alert_history(alert_id, driver=event_world.driver)
    assert [(h["from"], h["to"], h["by"]) for h in history] == [
        (None, "new", "engine"), ("new", "acknowledged", "sam"), ("acknowledged", "stale", "engine"),
        ("stale", "closed", "engine")]
    assert history[2]["reason"] == "no new activity since 2026-10-30; the rule window passed on 2026-11-29"
    assert history[3]["reason"] == f"stale since 2026-11-29 with no new activity for {settings.alert_close_days} days"


def test_the_stale_and_close_periods_come_from_the_settings(event_world, settings):
    alert_id = _child_seen_by_three_agencies(event_world)
    patient = settings.model_copy(update={"alert_stale_days": 10, "alert_close_days": 5})
    run_all(TODAY, rules=RULES, driver=event_world.driver, settings=patient)
    run_all(TODAY + timedelta(days=29), rules=RULES, driver=event_world.driver, settings=patient)
    assert get_alert(alert_id, driver=event_world.driver)["status"] == "new"  # 10 days' grace
    run_all(TODAY + timedelta(days=39), rules=RULES, driver=event_world.driver, settings=patient)
    assert get_alert(alert_id, driver=event_world.driver)["status"] == "stale"
    run_all(TODAY + timedelta(days=44), rules=RULES, driver=event_world.driver, settings=patient)
    assert get_alert(alert_id, driver=event_world.driver)["status"] == "closed"


def test_a_stale_alert_reopens_when_the_rule_fires_on_new_activity(event_world, settings):
    alert_id = _child_seen_by_three_agencies(event_world, days_ago=(80, 70, 61))
    earlier = TODAY - timedelta(days=60)
    run_all(earlier, rules=RULES, driver=event_world.driver, settings=settings)
    run_all(TODAY - timedelta(days=20), rules=RULES, driver=event_world.driver, settings=settings)
    assert get_alert(alert_id, driver=event_world.driver)["status"] == "stale"
    event_world.events(
        event_row("CHILD_HOSP", "H1", "H1-2", TODAY - timedelta(days=3)),
        event_row("WMP", "W1", "W1-2", TODAY - timedelta(days=2), "missing_person"),
        event_row("SCHOOL_OAK", "S1", "S1-2", TODAY - timedelta(days=1), "attendance_concern"),
    )
    report = run_all(TODAY, rules=RULES, driver=event_world.driver, settings=settings)
    alert = get_alert(alert_id, driver=event_world.driver)
    assert (report.reopened, alert["status"], alert["last_evidence"]) == (1, "new", TODAY - timedelta(days=1))
    assert alert["first_raised"] == earlier and alert["last_updated"] == TODAY
    assert alert_history(alert_id, driver=event_world.driver)[-1]["from"] == "stale"


def test_days_since_last_activity_and_the_trend_are_computed_against_today(event_world, settings):
    _child_seen_by_three_agencies(event_world, days_ago=(100, 50, 5))
    event_world.events(
        event_row("CHILD_HOSP", "H1", "H1-9", TODAY - timedelta(days=3)),
        event_row("CHILD_HOSP", "H1", "H1-R", TODAY - timedelta(days=2), "routine_appointment"),  # not counted
    )
    alert = {"subject_type": "person", "subject_id": "P1"}
    rules = load_rules()

    def currency(today: date) -> dict:
        with event_world.driver.session(database=settings.neo4j_database) as session:
            return session.execute_read(lambda tx: with_currency(tx, [dict(alert)], today, rules))[0]

    now = currency(TODAY)
    assert (now["days_since_last_activity"], now["last_activity_date"]) == (3, TODAY - timedelta(days=3))
    assert (now["trend"]["recent"], now["trend"]["before"], now["trend"]["direction"]) == (2, 2, "rising")
    assert now["trend"]["text"] == "↑ rising: 2 in the last 30 days against 2 in the 90 days before (0.7 per 30 days)"
    month_later = currency(TODAY + timedelta(days=30))
    assert month_later["days_since_last_activity"] == 33
    assert (month_later["trend"]["recent"], month_later["trend"]["before"]) == (0, 3)
    assert month_later["trend"]["direction"] == "falling"
    assert currency(TODAY)["today"] == TODAY


def test_trend_words_follow_the_usual_rate():
    assert (Trend(3, 9).direction, Trend(3, 9).arrow) == ("steady", "→")
    assert Trend(5, 9).direction == "rising" and Trend(1, 9).direction == "falling"
    assert Trend(0, 0).direction == "steady"
