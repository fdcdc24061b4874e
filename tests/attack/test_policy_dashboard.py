"""Attacks on need to know through the dashboard (issue 13, parts 1 and 2): a partner
enumerating ids and harvesting by surname or date of birth, a search or purpose in a URL;
against the dashboard's world (tests/e2e/world.py) and the real Neo4j. The API attacks are
in test_policy.py."""

from __future__ import annotations

import re

import pytest

from aim.api.app import create_app
from tests.dashboard_client import D, open_with_purpose, search, signed_in
from tests.e2e.world import dashboard_settings

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def dashboard(dashboard_world, driver, settings):
    return create_app(dashboard_settings(settings), driver=driver)


def _not_held_by(driver, organisation: str) -> dict:
    """A resolved person with no record of ``organisation``: its id, surname and DOB."""
    rows, _, _ = driver.execute_query(
        "MATCH (p:Person)-[:HAS_RECORD]->(r:Record) WITH p, collect(r) AS records "
        "WHERE none(r IN records WHERE r.source = $org) AND size(records) > 0 "
        "WITH p, records[0] AS r ORDER BY p.person_id LIMIT 1 "
        "RETURN p.person_id AS id, r.last_name AS last_name, r.date_of_birth AS dob", org=organisation)
    return dict(rows[0])


def test_a_partner_on_the_dashboard_enumerating_ids_gets_the_page_of_an_unknown_id(dashboard, driver):
    client = signed_in(dashboard, "partner1")  # West Midlands Police
    other = _not_held_by(driver, "WMP")["id"]
    for subject_id in ("rec:CITY_ED:ED-77", "rec:SCHOOL_OAK:OAK-9", other, "rec:CITY_ED:ED-78", "P-NOPE"):
        page = open_with_purpose(client, f"{D}/people/{subject_id}", "Police welfare check")
        assert page.status_code == 404, (subject_id, page.status_code)
        assert f"no person or record &#39;{subject_id}&#39;" in page.text or \
            f"no person or record '{subject_id}'" in page.text, subject_id
        assert "Refuge" not in page.text and "ED-77" not in page.text.replace(subject_id, "")


def test_a_partner_on_the_dashboard_cannot_harvest_by_surname_or_date_of_birth(dashboard, driver):
    other = _not_held_by(driver, "WMP")
    mash = search(signed_in(dashboard, "mash1"), last_name=other["last_name"], purpose="MASH triage")
    assert other["id"] in mash.text  # there to be found
    partner = signed_in(dashboard, "partner1")
    by_surname = search(partner, last_name=other["last_name"], purpose="Police welfare check")
    dob = other["dob"].to_native()
    by_dob = search(partner, dob_day=str(dob.day), dob_month=str(dob.month), dob_year=str(dob.year),
                    purpose="Police welfare check")
    for page in (by_surname, by_dob):
        assert page.status_code == 200 and other["id"] not in page.text
        shown = set(re.findall(r'/dashboard/people/([^"?#]+)"', page.text))
        for subject_id in shown:  # only persons the police hold
            held, _, _ = driver.execute_query(
                "MATCH (:Person {person_id: $id})-[:HAS_RECORD]->(r:Record {source: 'WMP'}) RETURN count(r) AS n",
                id=subject_id)
            assert held[0]["n"] > 0, subject_id


def test_the_dashboard_takes_no_search_and_no_purpose_from_a_url(dashboard, dashboard_world):
    client = signed_in(dashboard, "mash1")
    page = client.get(f"{D}/search", params={"last_name": "Smith", "first_name": "William"})
    assert page.status_code == 200 and "aim-results" not in page.text and "William Smith" not in page.text
    for path in (f"{D}/search", f"{D}/people/{dashboard_world.child_id}",
                 f"{D}/people/{dashboard_world.child_id}/network"):
        refused = client.get(path, params={"purpose": "Welfare check"})
        assert refused.status_code == 400 and "cannot go in a web address" in refused.text, path
    form = client.get(f"{D}/search").text
    assert 'method="post"' in form.split('class="aim-search"')[0].rsplit("<form", 1)[1]
