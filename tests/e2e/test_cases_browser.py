"""End-to-end, in headless Chromium against the real Neo4j and tests/e2e/world.py: a MASH
officer triages William's case from the alert screen to the referral's outcome, and a
partner asks the MASH to review him, then sees that the MASH reviewed it (and nothing more).
Screenshots 20-alerts-cases, 21-case, 22-partner-request."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser import banner, fill_fields, open_person, shot, sign_in

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]


def act(page, action: str, **fields) -> None:
    """Choose an action on the case page, fill its fields (id -> value), save."""
    page.locator(f"#action-{action}").check()
    fill_fields(page, fields)
    page.get_by_role("button", name="Save").click()


def open_williams_case(page) -> None:
    page.get_by_role("link", name="Alerts", exact=True).click()
    page.locator("#alerts-table .aim-case-link", has_text="William Smith").click()
    assert page.locator("#case-name").inner_text() == "William Smith"


def test_a_mash_officer_triages_a_case_from_the_alert_screen_to_the_outcome(page, dashboard_world):
    sign_in(page, "mash1")
    assert re.fullmatch(r"[1-9]\d* new Red cases?", page.locator("#new-red-cases").inner_text())
    page.get_by_role("link", name="Alerts", exact=True).click()
    william = page.locator("#alerts-table tbody tr", has_text="William Smith")
    assert william.count() == 1  # one row gathers every rule that fired for him
    text = william.inner_text()
    assert "Red" in text and "Multi-agency activity (child)" in text and "age 1" in text
    assert dashboard_world.child_id not in page.locator("main").inner_text()
    page.locator("#alerts-table").scroll_into_view_if_needed()
    shot(page, "20-alerts-cases")

    open_williams_case(page)
    assert page.locator(".aim-case-rule").count() >= 2 and "period looked at" in page.locator("main").inner_text()
    act(page, "dismiss", destination="police")
    assert "Give a reason for dismissing the case" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator("#action-dismiss").is_checked()  # the choice is kept
    assert page.locator("#destination").input_value() == "police"

    act(page, "assign", owner="mash1")
    assert "Case assigned." in banner(page) and page.locator("#case-owner").inner_text() == "mash1"
    act(page, "note", reason="Spoke to Mrs Green (DSL): two absences this month")
    assert "Spoke to Mrs Green" in page.locator("#case-notes").inner_text()
    act(page, "due", due_date="2030-01-31")
    assert page.locator("#case-due").inner_text() == "31 Jan 2030"
    act(page, "refer", destination="children's social care", reason="Threshold for a strategy discussion")
    assert "Case referred" in banner(page)
    assert "Children's social care" in page.locator("#case-referral").inner_text()
    act(page, "outcome", outcome="Strategy meeting held; section 47 enquiry opened", outcome_date="2030-01-10")
    assert "section 47 enquiry opened (10 Jan 2030)" in page.locator("#case-outcome").inner_text()
    history = page.locator("#history").inner_text()
    for step in ("Assign", "Note", "Due", "Refer", "Outcome"):
        assert step in history
    assert all("Referred" in rule for rule in page.locator(".aim-case-rule h3").all_inner_texts())  # alerts closed
    page.locator("#case-summary").scroll_into_view_if_needed()
    shot(page, "21-case")
    assert page.csp_errors == [], page.csp_errors


def test_a_partner_asks_the_mash_to_review_and_sees_when_it_was_reviewed(page, dashboard_world):
    sign_in(page, "partner1")
    page.goto(f"/dashboard/people/{dashboard_world.child_id}")
    open_person(page, purpose="Police welfare check before a visit")
    prompt = page.locator("#review-request")
    assert "Several agencies have reported activity" in prompt.inner_text()
    page.get_by_label("Why should the MASH review this person?").fill("no")
    page.get_by_role("button", name="Ask the MASH to review").click()
    assert "Say why the MASH should review" in page.locator(".govuk-error-summary").inner_text()
    assert page.get_by_label("Why should the MASH review this person?").input_value() == "no"  # kept
    page.get_by_label("Why should the MASH review this person?").fill("Second missing episode in a month")
    page.get_by_role("button", name="Ask the MASH to review").click()
    assert "Your request has gone to the MASH" in banner(page)
    assert "not reviewed yet" in page.locator("#review-request").inner_text()
    page.locator("#review-request").scroll_into_view_if_needed()
    shot(page, "22-partner-request")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "mash1")
    open_williams_case(page)
    requests = page.locator("#case-requests").inner_text()
    assert "WMP" in requests and "Second missing episode in a month" in requests
    act(page, "refer", destination="children's social care", reason="Partner concern: missing episodes")
    assert "Case referred" in banner(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, "partner1")
    page.goto(f"/dashboard/people/{dashboard_world.child_id}")
    if page.get_by_role("heading", name=re.compile("Why are you opening")).count():  # asked once per sign-in
        open_person(page, purpose="Police welfare check before a visit")
    told = page.locator("#review-request").inner_text()
    assert re.search(r"reviewed by the MASH on \d+ \w+ \d{4}", told)
    main = page.locator("main").inner_text()
    assert "Partner concern" not in main and "Spoke to Mrs Green" not in main and "section 47" not in main
    assert page.csp_errors == [], page.csp_errors
