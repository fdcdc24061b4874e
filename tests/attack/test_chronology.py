"""Attacks on the chronologies (issue 14, deliverable 12): a person's and a household's
multi-agency chronology, as a page and as CSV, only for the MASH, only with a stated purpose
(never from a URL), every read audited. Against the dashboard's world and the real Neo4j."""

from __future__ import annotations

import csv
import io

import pytest

from aim.api.app import create_app
from tests.dashboard_client import D, csrf, open_with_purpose, signed_in
from tests.e2e.world import dashboard_settings

pytestmark = pytest.mark.neo4j
PURPOSE = "Strategy meeting 2026-11-30"


@pytest.fixture(scope="module")
def dashboard(dashboard_world, driver, settings):
    return create_app(dashboard_settings(settings), driver=driver)


@pytest.fixture(scope="module")
def household_id(dashboard_world, driver) -> str:
    rows, _, _ = driver.execute_query(
        "MATCH (:Person {person_id: $id})-[:MEMBER_OF]->(h:Household) RETURN h.household_id AS id",
        id=dashboard_world.child_id)
    return rows[0]["id"]


def _printed(client, subject: str) -> tuple[str, str]:
    """From the subject's page (opened with the purpose) by its link to the chronology page:
    that page's text and its table's."""
    assert 'id="chronology-link"' in open_with_purpose(client, subject, PURPOSE).text
    page = client.get(f"{subject}/chronology")
    assert page.status_code == 200, page.text[:500]
    return page.text, page.text.split('id="chronology-table"')[1]


def _audited(driver, action: str) -> list[dict]:
    rows, _, _ = driver.execute_query(
        "MATCH (a:AuditEntry {action: $action}) RETURN a.purpose AS purpose, a.subject_ids AS ids, "
        "a.username AS who, a.detail AS detail ORDER BY a.seq", action=action)
    return [dict(r) for r in rows]


def test_the_mash_prints_a_childs_chronology_in_date_order_with_each_service_lead(dashboard, dashboard_world,
                                                                                  driver):
    page, table = _printed(signed_in(dashboard, "mash1"), f"{D}/people/{dashboard_world.child_id}")
    assert table.index("Concern for welfare") < table.index("Missing person")  # 21 and 9 days ago: oldest first
    assert "West Midlands Police" in table and "DS Priya Patel" in table and "0121 626 0000" in table
    assert "Domestic abuse incident" not in table  # Grace's, not William's
    assert "chronology.css" in page and PURPOSE in page
    assert {(e["purpose"], e["who"]) for e in _audited(driver, "person.chronology")} >= {(PURPOSE, "mash1")}


def test_the_chronology_downloads_as_csv_and_the_download_is_audited(dashboard, dashboard_world, driver):
    mash = signed_in(dashboard, "mash1")
    person = f"{D}/people/{dashboard_world.child_id}"
    open_with_purpose(mash, person, PURPOSE)
    download = mash.get(f"{person}/chronology.csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0] == ["Date", "Agency", "Kind of contact", "Service lead", "Lead phone", "Lead email"]
    kinds, dates = [r[2] for r in rows[1:]], [r[0] for r in rows[1:]]
    assert dates == sorted(dates) and kinds.index("Concern for welfare") < kinds.index("Missing person")
    police = rows[1 + kinds.index("Missing person")]
    assert police[1] == "West Midlands Police" and police[3] == "DS Priya Patel" and police[4] == "0121 626 0000"
    assert any('"form": "csv"' in (e["detail"] or "") for e in _audited(driver, "person.chronology"))


def test_a_household_chronology_names_each_member_and_is_audited_for_all_of_them(dashboard, household_id, driver):
    mash = signed_in(dashboard, "mash1")
    household = f"{D}/households/{household_id}"
    _, table = _printed(mash, household)
    assert "Grace Smith" in table and "Domestic abuse incident" in table and "Missing person" in table
    rows = list(csv.reader(io.StringIO(mash.get(f"{household}/chronology.csv").text)))
    assert rows[0][:3] == ["Date", "Person", "Agency"]
    assert {"Grace Smith", "William Smith"} <= {r[1] for r in rows[1:]}
    entries = _audited(driver, "household.chronology")
    assert entries and household_id in entries[-1]["ids"] and len(entries[-1]["ids"]) >= 3


def test_the_chronology_asks_for_a_purpose_and_never_takes_it_from_a_url(dashboard, dashboard_world):
    mash = signed_in(dashboard, "mash1")
    path = f"{D}/people/{dashboard_world.child_id}/chronology"
    for url in (path, f"{path}.csv"):
        prompt = mash.get(url)
        assert prompt.status_code == 200 and "Why are you opening" in prompt.text
        assert "Missing person" not in prompt.text and "DS Priya Patel" not in prompt.text
        in_url = mash.get(url, params={"purpose": "Strategy meeting"})
        assert in_url.status_code == 400 and "Missing person" not in in_url.text
    stated = mash.post(f"{path}.csv", data={"purpose": "other", "purpose_other": PURPOSE,
                                            "csrf_token": csrf(mash.get(path).text)})
    assert stated.status_code == 200 and "Missing person" in stated.text  # back to the download


@pytest.mark.parametrize("username", ["partner1", "analyst1", "dpo1", "admin1"])
def test_no_one_but_the_mash_gets_a_chronology(dashboard, dashboard_world, household_id, username):
    client = signed_in(dashboard, username)
    for url in (f"{D}/people/{dashboard_world.child_id}/chronology",
                f"{D}/people/{dashboard_world.child_id}/chronology.csv",
                f"{D}/households/{household_id}/chronology", f"{D}/households/{household_id}/chronology.csv"):
        page = client.get(url)
        assert page.status_code == 403, (username, url, page.status_code)
        assert "Missing person" not in page.text and "William" not in page.text


def test_a_partner_viewing_a_child_it_holds_is_not_offered_the_chronology(dashboard, dashboard_world):
    partner = signed_in(dashboard, "partner1")  # the police hold William
    page = open_with_purpose(partner, f"{D}/people/{dashboard_world.child_id}", "Police welfare check")
    assert page.status_code == 200 and "chronology-link" not in page.text
