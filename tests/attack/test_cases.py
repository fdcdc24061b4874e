"""Attacks on cases through the real app: only the MASH sees and acts on cases; a partner
cannot read the case, its notes or outcome, or other agencies' requests, and cannot ask
about a person it may not open (the same answer as an unknown id)."""

from __future__ import annotations

import pytest

from tests.api_world import PERSON, PURPOSE, V1, auth, world  # noqa: F401 (fixture)
from tests.cases_world import OTHER_AGENCYS_PERSON, add_case, add_other_agencys_request
from tests.dashboard_client import D, csrf, open_with_purpose, signed_in

pytestmark = pytest.mark.neo4j


@pytest.mark.parametrize("role", ["partner", "analyst", "dpo", "admin"])
def test_only_the_mash_lists_opens_or_acts_on_cases(world, driver, role):  # noqa: F811
    client, tokens = world
    case_id = add_case(driver)
    headers = auth(tokens[role]) | PURPOSE
    assert client.get(f"{V1}/cases", headers=headers).status_code == 403
    assert client.get(f"{V1}/cases/{case_id}", headers=headers).status_code == 403
    refused = client.post(f"{V1}/cases/{case_id}/actions", json={"action": "dismiss", "reason": "not mine"},
                          headers=headers)
    assert refused.status_code == 403
    mash = client.get(f"{V1}/cases/{case_id}", headers=auth(tokens["mash"]) | PURPOSE).json()
    assert mash["status"] == "new" and mash["alerts"][0]["status"] == "new"


def test_a_partner_sees_none_of_the_case_nor_other_agencies_requests(world, driver):  # noqa: F811
    client, tokens = world
    case_id = add_case(driver)
    # another agency's request and the MASH's note and outcome
    add_other_agencys_request(driver, case_id)
    mash = auth(tokens["mash"])
    client.post(f"{V1}/cases/{case_id}/actions", json={"action": "note", "reason": "MASH SECRET NOTE"}, headers=mash)
    client.post(f"{V1}/cases/{case_id}/actions", json={"action": "refer", "destination": "children's social care"},
                headers=mash)
    client.post(f"{V1}/cases/{case_id}/actions", json={"action": "outcome", "outcome": "SECRET OUTCOME"}, headers=mash)
    partner = auth(tokens["partner"])
    asked = client.post(f"{V1}/cases/review-requests", json={"subject_id": PERSON, "reason": "our concern"},
                        headers=partner)
    seen = client.get(f"{V1}/cases/review-requests/{PERSON}", headers=partner | PURPOSE)
    for response in (asked, seen):
        assert response.status_code == 200, response.text
        text = response.text
        assert "SECRET" not in text and "CITY_ED" not in text and case_id not in text and "children" not in text
        assert len(response.json()["requests"]) == 1  # its own request only


def test_a_partner_cannot_ask_about_a_person_it_may_not_open(world, driver):  # noqa: F811
    client, tokens = world
    add_case(driver)
    partner = auth(tokens["partner"])
    answers = [client.post(f"{V1}/cases/review-requests", json={"subject_id": subject, "reason": "curious"},
                           headers=partner) for subject in (OTHER_AGENCYS_PERSON, "P-DOES-NOT-EXIST")]
    assert [a.status_code for a in answers] == [404, 404]
    assert [a.json()["detail"].replace(OTHER_AGENCYS_PERSON, "X").replace("P-DOES-NOT-EXIST", "X")
            for a in answers] == [answers[0].json()["detail"].replace(OTHER_AGENCYS_PERSON, "X")] * 2
    records, _, _ = driver.execute_query("MATCH (r:CaseRequest) RETURN count(r) AS n")
    assert records[0]["n"] == 0
    looked = client.get(f"{V1}/cases/review-requests/{OTHER_AGENCYS_PERSON}", headers=partner | PURPOSE)
    assert looked.status_code == 404


def test_the_partners_dashboard_page_shows_its_own_request_dates_only(world, driver):  # noqa: F811
    client, tokens = world
    case_id = add_case(driver)
    add_other_agencys_request(driver, case_id)
    client.post(f"{V1}/cases/{case_id}/actions", json={"action": "note", "reason": "MASH SECRET NOTE"},
                headers=auth(tokens["mash"]))
    partner = signed_in(client.app, "partner1")
    page = open_with_purpose(partner, f"{D}/people/{PERSON}", "Police welfare check")
    asked = partner.post(f"{D}/people/{PERSON}/review-request",
                         data={"csrf_token": csrf(page.text), "reason": "OUR OWN REASON"}, follow_redirects=True)
    assert asked.status_code == 200 and "not reviewed yet" in asked.text
    for secret in ("ED SECRET REASON", "CITY_ED", "MASH SECRET NOTE", "OUR OWN REASON", case_id):
        assert secret not in asked.text
    # a person it may not open: the same page as an id that does not exist, and nothing recorded
    answers = []
    for subject in (OTHER_AGENCYS_PERSON, "P-DOES-NOT-EXIST"):
        open_with_purpose(partner, f"{D}/people/{subject}", "Police welfare check")  # its purpose, then a 404 page
        refused = partner.post(f"{D}/people/{subject}/review-request",
                               data={"csrf_token": csrf(page.text), "reason": "curious about them"})
        answers.append((refused.status_code, refused.text.replace(subject, "X")))
    assert answers[0] == answers[1] and answers[0][0] == 404
    records, _, _ = driver.execute_query("MATCH (r:CaseRequest {organisation: 'WMP'}) RETURN count(r) AS n")
    assert records[0]["n"] == 1
