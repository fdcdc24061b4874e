"""The case screens without a browser, against the real Neo4j and the dashboard world: the
alert screen lists cases by name, the case page's actions keep the user's choices and text
on an error, the header counts new Red cases, and a partner's review request."""

from __future__ import annotations

import re

import pytest

from aim.api.app import create_app
from aim.graph.alerts.cases import case_id_for
from tests.dashboard_client import D, csrf, open_with_purpose, signed_in
from tests.e2e.world import dashboard_settings

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def app(dashboard_world, driver, settings):
    return create_app(dashboard_settings(settings), driver=driver)


def test_the_alert_screen_lists_one_case_per_subject_names_first(app, dashboard_world):
    client = signed_in(app, "mash1")
    page = client.get(f"{D}/alerts")
    assert page.status_code == 200
    rows = re.findall(r'<tr class="govuk-table__row aim-rag-row.*?</tr>', page.text, re.S)
    william = [r for r in rows if "William Smith" in r]
    assert len(william) == 1 and "Multi-agency activity (child)" in william[0]  # one row, every rule
    assert dashboard_world.child_id not in page.text  # names, not ids
    assert re.search(r'id="new-red-cases"[^>]*>\d+ new Red case', page.text)


def test_a_dismiss_without_a_reason_keeps_the_choice_and_the_text(app, dashboard_world):
    client = signed_in(app, "mash1")
    case_id = case_id_for("person", dashboard_world.child_id)
    page = client.get(f"{D}/cases/{case_id}")
    assert page.status_code == 200 and "William Smith" in page.text and "Rules that fired" in page.text
    token = csrf(page.text)

    def act(**form):
        return client.post(f"{D}/cases/{case_id}/action", data={"csrf_token": token, **form}, follow_redirects=True)

    refused = act(action="dismiss", owner="mash1", destination="police")
    assert refused.status_code == 400 and "Give a reason for dismissing the case" in refused.text
    assert 'value="dismiss" checked' in refused.text and '<option value="police" selected' in refused.text
    no_officer = act(action="note", reason="")
    assert no_officer.status_code == 400 and 'value="note" checked' in no_officer.text
    noted = act(action="note", reason="Spoke to the DSL at Oak Primary")
    assert "Note added." in noted.text and "Spoke to the DSL at Oak Primary" in noted.text
    typo = act(action="assign", owner="mash11")
    assert typo.status_code == 400 and "is not an active MASH officer" in typo.text
    assert 'value="assign" checked' in typo.text and 'value="mash11"' in typo.text  # the typed name is kept
    assert "Case assigned." in act(action="assign", owner="mash1").text
    assert client.get(f"{D}/cases/CASE-nothing").status_code == 404
    assert signed_in(app, "partner1").get(f"{D}/cases/{case_id}").status_code == 403


def test_a_partner_asks_the_mash_to_review_and_an_empty_reason_keeps_the_form(app, dashboard_world):
    client = signed_in(app, "partner1")
    person = f"{D}/people/{dashboard_world.child_id}"
    page = open_with_purpose(client, person, "Police welfare check")
    assert "Several agencies have reported activity" in page.text and "Ask the MASH to review" in page.text
    token = csrf(page.text)
    empty = client.post(f"{person}/review-request", data={"csrf_token": token, "reason": " x"})
    assert empty.status_code == 400 and "Say why the MASH should review" in empty.text and ">x</textarea>" in empty.text
    asked = client.post(f"{person}/review-request", data={"csrf_token": token, "reason": "Two missing episodes"},
                        follow_redirects=True)
    assert "Your request has gone to the MASH" in asked.text and "not reviewed yet" in asked.text
    mash = signed_in(app, "mash1").get(f"{D}/cases/{case_id_for('person', dashboard_world.child_id)}")
    assert "Two missing episodes" in mash.text and "WMP" in mash.text


def test_an_alert_dismissed_without_a_reason_keeps_dismiss_chosen(app, dashboard_world, driver, settings):
    from aim.graph.alerts.lifecycle import list_alerts

    alert = next(a for a in list_alerts(driver=driver, settings=settings) if a["status"] == "new")
    client = signed_in(app, "mash1")
    page = client.get(f"{D}/alerts/{alert['alert_id']}")
    assert 'value="acknowledge" checked' in page.text and 'id="alert-case"' in page.text
    refused = client.post(f"{D}/alerts/{alert['alert_id']}/action",
                          data={"csrf_token": csrf(page.text), "action": "dismiss", "reason": " "})
    assert refused.status_code == 400 and "Give a reason for dismissing" in refused.text
    assert 'value="dismiss" checked' in refused.text and 'value="acknowledge" checked' not in refused.text
