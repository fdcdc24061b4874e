"""The DPO's and the strategy meeting's journeys in real Chromium (issue 14, deliverables 8 and
12): a DPO finds who viewed a child, by name, after a MASH officer viewed him with a purpose,
and opens the subject access answer from there; a MASH officer prints and downloads the
child's chronology and his household's. Screenshots 70-dpo-lookup and 71-chronology."""

from __future__ import annotations

import csv
import re

import pytest

from tests.e2e.browser import open_person, shot, sign_in

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]
VIEWED_FOR = "Section 47 enquiry for William"


def test_a_dpo_finds_who_viewed_a_child_by_name(page, dashboard_world):
    sign_in(page, "mash1")
    page.goto(f"/dashboard/people/{dashboard_world.child_id}")
    open_person(page, VIEWED_FOR)
    assert page.locator("#person-name").inner_text() == "William Smith"
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "dpo1")
    page.get_by_role("link", name="Who accessed a person").click()
    page.get_by_label("First name").fill("William")
    page.get_by_label("Surname").fill("Smith")
    page.get_by_label("Date of birth (optional)").fill("2015-03-05")
    page.get_by_label("Purpose").fill("Complaint C-2026-14")
    page.get_by_role("button", name="Find").click()
    results = page.locator("#lookup-results")
    assert "William Smith" in results.inner_text() and "B1 1AA" in results.inner_text()
    results.get_by_role("button", name="Who accessed William Smith").first.click()
    assert page.locator("#accesses-title").inner_text() == "Who accessed William Smith"
    table = page.locator("#accesses-table").inner_text()
    assert "mash1" in table and VIEWED_FOR in table and "Complaint C-2026-14" in table
    assert "Opened the person page" in table
    assert "P-" not in page.locator("#accesses-title").inner_text()
    shot(page, "70-dpo-lookup")
    page.get_by_role("button", name="Subject access answer for William Smith").click()
    assert page.get_by_role("heading", name="Information held about William Smith").is_visible()
    assert not page.csp_errors, page.csp_errors


def test_a_mash_officer_prints_and_downloads_a_chronology(page, dashboard_world, tmp_path):
    sign_in(page, "mash1")
    page.goto(f"/dashboard/people/{dashboard_world.child_id}")
    open_person(page, "Strategy meeting 30 November")
    page.get_by_role("link", name="Chronology for a strategy meeting").click()
    assert page.locator("#chronology-title").inner_text() == "Chronology: William Smith"
    rows = page.locator("#chronology-table tbody tr")
    assert rows.count() >= 2 and "Concern for welfare" in rows.first.inner_text()
    assert "DS Priya Patel" in page.locator("#chronology-table").inner_text()
    assert page.locator("#print-button").is_visible()  # shown by print.js (no inline script)
    shot(page, "71-chronology")
    page.emulate_media(media="print")
    assert not page.locator("#navigation").is_visible() and not page.locator("#csv-link").is_visible()
    assert page.locator("#chronology-table").is_visible()
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download as CSV").click()
    path = tmp_path / "chronology.csv"
    download.value.save_as(path)
    with path.open(newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert table[0][:3] == ["Date", "Agency", "Kind of contact"] and len(table) == rows.count() + 1
    assert not page.csp_errors, page.csp_errors


def test_a_household_chronology_is_reached_from_the_household(page, dashboard_world, driver):
    found, _, _ = driver.execute_query(
        "MATCH (:Person {person_id: $id})-[:MEMBER_OF]->(h:Household) RETURN h.household_id AS id",
        id=dashboard_world.child_id)
    sign_in(page, "mash1")
    page.goto(f"/dashboard/households/{found[0]['id']}")
    open_person(page, "Strategy meeting 30 November")
    page.get_by_role("link", name="Household chronology for a strategy meeting").click()
    assert re.match(r"Chronology: household at ", page.locator("#chronology-title").inner_text())
    table = page.locator("#chronology-table").inner_text()
    assert "Grace Smith" in table and "William Smith" in table and "Domestic abuse incident" in table
