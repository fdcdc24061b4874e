"""Cases through the API against the real Neo4j: the MASH's list, one case, its actions
(each audited), and a partner's request for a review with the dates it sees back."""

from __future__ import annotations

import pytest

from tests.api_world import PERSON, PURPOSE, V1, audit_entries, auth, world  # noqa: F401 (fixture)
from tests.cases_world import add_case

pytestmark = pytest.mark.neo4j


def test_the_mash_lists_opens_and_acts_on_a_case(world, driver, settings):  # noqa: F811
    client, tokens = world
    case_id = add_case(driver)
    mash = auth(tokens["mash"]) | PURPOSE
    listed = client.get(f"{V1}/cases", params={"rag": "red"}, headers=mash)
    assert listed.status_code == 200, listed.text
    [case] = listed.json()["cases"]
    assert (case["case_id"], case["subject_name"], case["rag"]) == (case_id, "William Smith", "Red")
    assert [a["alert_id"] for a in case["alerts"]] == ["A-CASE"]
    assert client.get(f"{V1}/cases", params={"rag": "amber"}, headers=mash).json()["cases"] == []
    assert client.get(f"{V1}/cases", headers=auth(tokens["mash"])).status_code == 400  # no purpose

    def act(**body):
        return client.post(f"{V1}/cases/{case_id}/actions", json=body, headers=auth(tokens["mash"]))

    assert act(action="acknowledge").json()["to"] == "acknowledged"
    assert act(action="acknowledge").status_code == 409
    assert act(action="assign").status_code == 400  # no officer
    assert act(action="assign", owner="mash1").status_code == 200
    assert act(action="due", due_date="2030-01-31").status_code == 200
    assert act(action="note", reason="Called the school").status_code == 200
    assert act(action="refer", destination="the moon").status_code == 422
    assert act(action="refer", destination="children's social care", reason="threshold met").json()["to"] == "referred"
    assert act(action="outcome", outcome="Strategy meeting; plan agreed", outcome_date="2030-01-05").status_code == 200
    detail = client.get(f"{V1}/cases/{case_id}", headers=mash).json()
    assert (detail["owner"], detail["due_date"], detail["status"]) == ("mash1", "2030-01-31", "referred")
    assert detail["alerts"][0]["status"] == "referred" and detail["notes"][0]["text"] == "Called the school"
    assert [h["action"] for h in detail["history"]] == ["acknowledge", "assign", "due", "note", "refer", "outcome"]
    assert client.get(f"{V1}/cases/CASE-nothing", headers=mash).status_code == 404
    actions = {e["action"] for e in audit_entries(driver, settings.neo4j_database, username="mash1")}
    assert {"cases.list", "cases.view", "cases.acknowledge", "cases.assign", "cases.refer", "cases.outcome"} <= actions


def test_a_partner_asks_for_a_review_and_sees_only_when_it_was_reviewed(world, driver, settings):  # noqa: F811
    client, tokens = world
    case_id = add_case(driver)
    partner = auth(tokens["partner"])
    no_reason = client.post(f"{V1}/cases/review-requests", json={"subject_id": PERSON, "reason": ""}, headers=partner)
    assert no_reason.status_code == 422
    asked = client.post(f"{V1}/cases/review-requests",
                        json={"subject_id": PERSON, "reason": "Three call-outs in a month"}, headers=partner)
    assert asked.status_code == 200, asked.text
    assert asked.json()["requests"][0]["reviewed_at"] is None
    detail = client.get(f"{V1}/cases/{case_id}", headers=auth(tokens["mash"]) | PURPOSE).json()
    assert [(r["organisation"], r["reason"]) for r in detail["requests"]] == [("WMP", "Three call-outs in a month")]
    client.post(f"{V1}/cases/{case_id}/actions", json={"action": "dismiss", "reason": "known to CSC"},
                headers=auth(tokens["mash"]))
    seen = client.get(f"{V1}/cases/review-requests/{PERSON}", headers=partner | PURPOSE).json()["requests"]
    assert len(seen) == 1 and seen[0]["reviewed_at"] is not None and set(seen[0]) == {"asked_at", "reviewed_at"}
    assert audit_entries(driver, settings.neo4j_database, username="partner1", action="cases.partner_request")
