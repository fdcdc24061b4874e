"""Attacks on the DPO's "who accessed a person" lookup (issue 14, deliverable 8): only the DPO
finds a person by name and sees who looked at them; the lookup needs a purpose (never from a
URL) and is itself audited; the answer names the person and every access to them, their
records and their household. Against the dashboard's world and the real Neo4j."""

from __future__ import annotations

import re

import pytest

from aim.api.app import create_app
from tests.dashboard_client import D, csrf, open_with_purpose, signed_in
from tests.e2e.world import dashboard_settings

pytestmark = pytest.mark.neo4j
VIEWED_FOR = "Strategy discussion about William"


@pytest.fixture(scope="module")
def dashboard(dashboard_world, driver, settings):
    app = create_app(dashboard_settings(settings), driver=driver)
    mash = signed_in(app, "mash1")
    assert open_with_purpose(mash, f"{D}/people/{dashboard_world.child_id}", VIEWED_FOR).status_code == 200
    return app


def _lookup(client, **fields):
    token = csrf(client.get(f"{D}/audit/people").text)
    return client.post(f"{D}/audit/people", data=fields | {"csrf_token": token})


def test_the_dpo_finds_a_child_by_name_and_sees_who_viewed_him_and_why(dashboard, dashboard_world, driver):
    dpo = signed_in(dashboard, "dpo1")
    found = _lookup(dpo, first_name="William", last_name="Smith", date_of_birth="2015-03-05",
                    purpose="Complaint C-2026-14")
    assert found.status_code == 200, found.text[:500]
    results = found.text.split('id="lookup-results"')[1]
    assert "William Smith" in results and "5 Mar 2015" in results and "B1 1AA" in results
    assert "West Midlands Police" in results  # agencies by name, not code
    assert f'/audit/people/{dashboard_world.child_id}"' in found.text
    page = dpo.post(f"{D}/audit/people/{dashboard_world.child_id}",
                    data={"purpose": "Complaint C-2026-14", "csrf_token": csrf(found.text)})
    assert page.status_code == 200, page.text[:500]
    assert "Who accessed William Smith" in page.text
    table = page.text.split('id="accesses-table"')[1]
    assert "mash1" in table and VIEWED_FOR in table
    assert "Complaint C-2026-14" in table  # the lookup itself is one of the accesses
    assert 'action="/dashboard/subject-access"' in page.text and dashboard_world.child_id in page.text
    rows, _, _ = driver.execute_query(
        "MATCH (a:AuditEntry) WHERE a.action IN ['dpo.subject_lookup', 'dpo.subject_accesses'] "
        "RETURN a.action AS action, a.purpose AS purpose, a.subject_ids AS ids, a.username AS who")
    audited = {(r["action"], r["purpose"], r["who"]) for r in rows}
    assert {("dpo.subject_lookup", "Complaint C-2026-14", "dpo1"),
            ("dpo.subject_accesses", "Complaint C-2026-14", "dpo1")} <= audited
    assert any(dashboard_world.child_id in r["ids"] for r in rows if r["action"] == "dpo.subject_accesses")


def test_the_subject_access_answer_is_one_button_from_the_lookup(dashboard, dashboard_world):
    dpo = signed_in(dashboard, "dpo1")
    page = dpo.post(f"{D}/audit/people/{dashboard_world.child_id}",
                    data={"purpose": "SAR 2026-041", "csrf_token": csrf(dpo.get(f"{D}/audit/people").text)})
    form = page.text.split('id="sar-from-lookup"')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form))
    answer = dpo.post(f"{D}/subject-access", data=fields)
    assert answer.status_code == 200 and "Information held about William Smith" in answer.text


@pytest.mark.parametrize("username", ["mash1", "partner1", "analyst1", "admin1"])
def test_no_one_but_the_dpo_can_look_up_who_accessed_a_person(dashboard, dashboard_world, username):
    client = signed_in(dashboard, username)
    assert client.get(f"{D}/audit/people").status_code == 403
    token = csrf(client.get(f"{D}/password").text)
    by_name = client.post(f"{D}/audit/people", data={"last_name": "Smith", "purpose": "curious",
                                                     "csrf_token": token})
    by_id = client.post(f"{D}/audit/people/{dashboard_world.child_id}", data={"purpose": "curious",
                                                                              "csrf_token": token})
    for page in (by_name, by_id):
        assert page.status_code == 403, (username, page.status_code)
        assert "William" not in page.text and VIEWED_FOR not in page.text


def test_the_lookup_needs_a_name_and_a_purpose_and_keeps_what_was_typed(dashboard):
    dpo = signed_in(dashboard, "dpo1")
    no_purpose = _lookup(dpo, first_name="William", last_name="Smith", date_of_birth="", purpose="")
    assert no_purpose.status_code == 400 and "Say why you are looking" in no_purpose.text
    assert 'value="William"' in no_purpose.text and 'value="Smith"' in no_purpose.text
    assert "lookup-results" not in no_purpose.text
    no_name = _lookup(dpo, first_name="", last_name="", date_of_birth="2015-03-05", purpose="Complaint C-1")
    assert no_name.status_code == 400 and "Enter a first name or a surname" in no_name.text
    assert 'value="Complaint C-1"' in no_name.text


def test_an_unknown_person_id_answers_not_found_and_the_purpose_cannot_come_from_a_url(dashboard):
    dpo = signed_in(dashboard, "dpo1")
    token = csrf(dpo.get(f"{D}/audit/people").text)
    missing = dpo.post(f"{D}/audit/people/P-NOPE", data={"purpose": "Complaint C-1", "csrf_token": token})
    assert missing.status_code == 404
    in_url = dpo.post(f"{D}/audit/people?purpose=curious", data={"last_name": "Smith", "csrf_token": token})
    assert in_url.status_code == 400 and "lookup-results" not in in_url.text
