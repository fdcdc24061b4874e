"""Cases against the real Neo4j: one case per subject gathering every alert that fired for
it, RAG from the worst open alert, actions that move the case's alerts with it, re-opening
on new evidence, partner requests and the once-per-case Red claim."""

from __future__ import annotations

from datetime import timedelta

import pytest
from neo4j.exceptions import ConstraintError
from typer.testing import CliRunner

from aim.cli import app
from aim.graph.alerts import case_actions, cases
from aim.graph.alerts.case_actions import CaseChange, CaseError, CaseNotFound
from aim.graph.alerts.engine import run_all
from aim.graph.alerts.lifecycle import alert_history, dismiss, list_alerts
from aim.graph.alerts.rules import load_rules
from tests.graph_helpers import TODAY

pytestmark = pytest.mark.neo4j


def _child_with_two_rules(event_world):
    """P1 (a child): multi-agency activity from three agencies, escalating on a quiet past."""
    event_world.event("CHILD_HOSP", "H1", TODAY - timedelta(days=20))
    event_world.event("SCHOOL_OAK", "S1", TODAY - timedelta(days=10), "safeguarding_concern")
    event_world.event("WMP", "W1", TODAY - timedelta(days=1), "concern_for_welfare")
    event_world.event("WMP", "W1", TODAY - timedelta(days=2), "missing_person")
    event_world.person("P1", ("CHILD_HOSP", "H1"), ("SCHOOL_OAK", "S1"), ("WMP", "W1"))
    report = run_all(TODAY, rules=load_rules().only(["multi_agency_child", "escalation"]), driver=event_world.driver)
    assert report.created == 2
    return cases.case_id_for("person", "P1")


def _read(driver, work, *args):
    with driver.session() as session:
        return session.execute_read(work, *args)


def test_one_case_gathers_every_alert_of_its_subject_with_the_worst_rag(event_world):
    case_id = _child_with_two_rules(event_world)
    driver = event_world.driver
    assert event_world.count("MATCH (c:Case) RETURN count(c)") == 1
    case = _read(driver, cases.read_case, case_id)
    alerts = list_alerts(driver=driver)
    assert {a["alert_id"] for a in case["alerts"]} == {a["alert_id"] for a in alerts}
    worst = "Red" if any(a["rag"] == "Red" for a in alerts) else "Amber"
    assert (case["status"], case["rag"]) == ("new", worst)
    assert sorted(case["rules"]) == ["escalation", "multi_agency_child"]
    assert case["last_activity"] == TODAY - timedelta(days=1)
    assert all(a["evidence"] for a in case["alerts"])
    # running again changes nothing: still one case
    run_all(TODAY, rules=load_rules().only(["multi_agency_child", "escalation"]), driver=driver)
    assert event_world.count("MATCH (c:Case) RETURN count(c)") == 1
    with pytest.raises(ConstraintError):
        driver.execute_query("CREATE (:Case {case_id: 'other', subject_type: 'person', subject_id: 'P1'})")


def test_actions_apply_to_the_case_and_its_alerts_and_are_recorded(event_world):
    case_id = _child_with_two_rules(event_world)
    driver = event_world.driver

    def act(action, **kw):
        return case_actions.act(case_id, CaseChange(action, "mash1", **kw), driver=driver)

    assert act("acknowledge")["alerts_changed"] == 2
    assert {a["status"] for a in list_alerts(driver=driver)} == {"acknowledged"}
    with pytest.raises(CaseError, match="not an active MASH officer"):
        act("assign", owner="officer9")  # no such account: a typo is refused, not stored
    driver.execute_query("CREATE (:User {username: 'partner7', role: 'partner', disabled: false}), "
                         "(:User {username: 'officer3', role: 'mash', disabled: true}), "
                         "(:User {username: 'officer2', role: 'mash', disabled: false})")
    for not_an_officer in ("partner7", "officer3"):
        with pytest.raises(CaseError, match="not an active MASH officer"):
            act("assign", owner=not_an_officer)
    act("assign", owner="officer2")
    act("due", due_date=TODAY + timedelta(days=3))
    act("note", reason="Spoke to the school DSL")
    with pytest.raises(CaseError, match="destination"):
        act("refer", destination="the moon")
    with pytest.raises(CaseError, match="outcome"):
        act("outcome", outcome="Strategy meeting held")  # not referred yet
    referred = act("refer", destination="children's social care", reason="section 47 threshold")
    assert (referred["to"], referred["alerts_changed"]) == ("referred", 2)
    assert {a["status"] for a in list_alerts(driver=driver)} == {"referred"}  # no alert of a closed case open
    act("outcome", outcome="Strategy meeting held; child protection plan", outcome_date=TODAY)
    with pytest.raises(CaseError, match="referred"):
        act("dismiss", reason="no longer needed")
    case = _read(driver, cases.read_case, case_id)
    assert (case["owner"], case["due_date"], case["referral_destination"]) == (
        "officer2", TODAY + timedelta(days=3), "children's social care")
    assert case["outcome"].startswith("Strategy meeting held") and case["outcome_date"] == TODAY
    assert [n["text"] for n in case["notes"]] == ["Spoke to the school DSL"]
    assert [h["action"] for h in case["history"]] == ["acknowledge", "assign", "due", "note", "refer", "outcome"]
    assert all(h["by"] == "mash1" for h in case["history"])
    history = alert_history(case["alerts"][0]["alert_id"], driver=driver)
    assert [h["to"] for h in history][-2:] == ["acknowledged", "referred"]
    with pytest.raises(CaseNotFound):
        case_actions.act("CASE-none", CaseChange("note", "mash1", reason="x"), driver=driver)


def test_dismissing_needs_a_reason_and_new_evidence_reopens_the_case(event_world):
    case_id = _child_with_two_rules(event_world)
    driver = event_world.driver
    with pytest.raises(CaseError, match="reason"):
        case_actions.act(case_id, CaseChange("dismiss", "mash1", reason="  "), driver=driver)
    case_actions.act(case_id, CaseChange("dismiss", "mash1", reason="known to CSC already"), driver=driver)
    assert {a["status"] for a in list_alerts(driver=driver)} == {"dismissed"}
    event_world.event("CHILD_HOSP", "H1", TODAY, "injury")
    run_all(TODAY, rules=load_rules().only(["multi_agency_child"]), driver=driver)
    case = _read(driver, cases.read_case, case_id)
    assert case["status"] == "new"
    assert case["history"][-1]["action"] == "reopen" and case["history"][-1]["by"] == "system"


def test_a_case_that_becomes_red_is_claimed_for_the_email_once(event_world):
    case_id = _child_with_two_rules(event_world)
    driver = event_world.driver
    driver.execute_query("MATCH (a:Alert) SET a.rag = 'Red'")
    with driver.session() as session:
        session.execute_write(cases.recompute, [case_id])
        first = session.execute_write(cases.claim_new_red)
        second = session.execute_write(cases.claim_new_red)
        assert [c["case_id"] for c in first] == [case_id] and second == []
        session.execute_write(cases.release_red, [case_id])
        assert [c["case_id"] for c in session.execute_write(cases.claim_new_red)] == [case_id]
        assert session.execute_read(cases.new_red_count) == 1


def test_a_partner_request_opens_or_joins_the_case_and_shows_only_dates_back(event_world):
    event_world.event("WMP", "W9", TODAY - timedelta(days=3), "concern_for_welfare")
    event_world.person("P9", ("WMP", "W9"))
    driver = event_world.driver
    with driver.session() as session:
        with pytest.raises(CaseError, match="reason"):
            session.execute_write(case_actions.request_review, "P9", organisation="WMP", by="partner1", reason=" ")
        case_id = session.execute_write(case_actions.request_review, "P9", organisation="WMP", by="partner1",
                                        reason="Three call-outs this month")
        assert session.execute_write(case_actions.request_review, "P-none", organisation="WMP", by="partner1",
                                     reason="x y z") is None
    assert case_id == cases.case_id_for("person", "P9")
    case_actions.act(case_id, CaseChange("refer", "mash1", destination="early help"), driver=driver)
    with driver.session() as session:
        mine = session.execute_read(case_actions.requests_of, "P9", "WMP")
        theirs = session.execute_read(case_actions.requests_of, "P9", "CITY_ED")
    assert len(mine) == 1 and mine[0]["reviewed_at"] is not None and set(mine[0]) == {"asked_at", "reviewed_at"}
    assert theirs == []
    case = _read(driver, cases.read_case, case_id)
    assert [(r["organisation"], r["reason"]) for r in case["requests"]] == [("WMP", "Three call-outs this month")]


def test_acting_on_one_alert_refreshes_its_case(event_world):
    case_id = _child_with_two_rules(event_world)
    driver = event_world.driver
    alert = next(a for a in list_alerts(driver=driver) if a["rule"] == "escalation")
    dismiss(alert["alert_id"], "mash1", "seen already", driver=driver)
    case = _read(driver, cases.read_case, case_id)
    assert case["open_alerts"] == 1 and case["status"] == "new"


def test_alerts_raised_before_cases_existed_are_gathered_by_aim_alerts_cases(event_world):
    case_id = _child_with_two_rules(event_world)
    driver = event_world.driver
    driver.execute_query("MATCH (c:Case) DETACH DELETE c")
    result = CliRunner().invoke(app, ["alerts", "cases"])
    assert result.exit_code == 0 and "1 case(s)" in result.output, result.output
    case = _read(driver, cases.read_case, case_id)
    assert len(case["alerts"]) == 2 and case["rag"] in ("Red", "Amber")


def test_a_case_lapses_with_its_alerts_unless_a_partner_waits(event_world):
    case_id = _child_with_two_rules(event_world)
    driver = event_world.driver

    def lapse(status):
        rows, _, _ = driver.execute_query(
            "MATCH (a:Alert) SET a.status = $status RETURN a.alert_id AS alert_id, a.subject_type AS subject_type, "
            "a.subject_id AS subject_id", status=status)
        with driver.session() as session:
            session.execute_write(cases.gather, [r.data() for r in rows])
        return _read(driver, cases.read_case, case_id)

    assert lapse("stale")["status"] == "stale"
    closed = lapse("closed")
    assert closed["status"] == "closed" and [h["to"] for h in closed["history"]] == ["stale", "closed"]
    assert lapse("new")["history"][-1]["action"] == "reopen"  # new evidence re-opened its alerts
    with driver.session() as session:
        session.execute_write(case_actions.request_review, "P1", organisation="WMP", by="partner1",
                              reason="still worried")
    assert lapse("stale")["status"] == "new"  # a partner waits for the MASH's review
