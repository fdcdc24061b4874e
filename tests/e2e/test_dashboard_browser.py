"""End-to-end: the dashboard in headless Chromium, served by uvicorn on a free loopback
port against the real Neo4j and the small world of tests/e2e/world.py (ingested,
resolved, alerts raised). Screenshots of every screen go to docs/screenshots/ (1366x768).

Needs Debian's Chromium (``apt-get install -y chromium``); without it these tests FAIL
(they never skip) and say so. Playwright drives it; no browser is ever downloaded.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser import banner, open_person, shot, sign_in

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]


def search_with_a_nickname_and_a_typo(page):
    """Search with a nickname and a typo: William Smith is found, with his age and agencies."""
    page.get_by_label("First name").fill("Bill")
    page.get_by_label("Surname").fill("Smtih")
    page.get_by_label("Why are you searching?").fill("MASH triage of a referral")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.locator("table.aim-results")
    row = results.locator("tr", has_text="William Smith").first
    assert row.is_visible()
    assert "Oak Primary School" in row.inner_text() and "West Midlands Police" in row.inner_text()
    assert re.search(r"\b1[01]\b", row.locator("td").first.inner_text())  # age
    page.locator("#results").scroll_into_view_if_needed()
    shot(page, "03-search-results")
    return row


def open_the_person_view(page, row):
    """Through the purpose prompt to the person view, and why his records are linked."""
    row.get_by_role("link", name="William Smith").click()
    shot(page, "04-purpose-prompt")
    open_person(page)
    assert page.locator("#person-name").inner_text() == "William Smith"
    header = page.locator("#person-header").inner_text()
    assert "Oak Primary School" in header and "Hall Green Surgery" in header and "12 MILL LANE" in header.upper()
    activity = page.locator("#agency-activity")
    police = activity.locator("tr", has_text="West Midlands Police").inner_text()
    assert "Missing person" in police and "DS Priya Patel" in police
    assert "No activity reported" in activity.locator("tr", has_text="Children's Social Care").inner_text()
    assert page.locator("#timeline tbody tr").count() == 4
    assert page.locator("#linked-records tbody tr").count() == 4
    shot(page, "05-person-view")
    why = page.locator("#link-explanations details", has_text="Billy Smyth")
    why.locator("summary").click()
    assert "nickname" in why.inner_text().lower()  # Billy for William, in the model's own words
    why.scroll_into_view_if_needed()
    shot(page, "05b-why-linked")


def watch_and_expand_the_network(page):
    """Add to the watch list, then the network: expand a household member."""
    page.get_by_text("Add to watch list", exact=True).first.click()
    page.get_by_label("Reason").fill("Missing episode and ED attendance within a month")
    page.locator("#watch-details").get_by_role("button", name="Add to watch list").click()
    assert "Added to the watch list." in banner(page)

    # The network: expand a household member, then open them.
    page.get_by_role("link", name=re.compile("View network")).click()
    page.wait_for_selector("#network[data-ready='true']")
    assert page.locator("#network canvas").count() > 0
    listed = page.locator("#network-list tbody tr")
    grace = listed.filter(has=page.locator("td:first-child", has_text="Grace Smith"))  # her own row
    assert grace.count() == 1
    assert listed.filter(has_text=re.compile("12 Mill Lane", re.I)).count() >= 1
    before = listed.count()
    grace.get_by_role("button", name=re.compile("Expand")).click()
    page.locator("#network-status", has_text="added").wait_for()
    assert listed.count() > before  # her links (a household two years ago, Dean Walker) are added
    page.evaluate("window.scrollTo(0, 0)")
    shot(page, "06-network")
    assert page.csp_errors == [], page.csp_errors


def act_on_the_red_alert(page):
    """Alerts: filter to red, open the multi-agency alert, acknowledge it (a dismissal needs a reason)."""
    page.get_by_role("link", name="Alerts", exact=True).click()
    assert page.locator("#alerts-table tbody tr").count() >= 2  # one case per subject: William, his household
    shot(page, "07-alerts")
    page.get_by_label("Rating").select_option("red")
    page.get_by_label("Sort by").select_option("date")
    page.get_by_role("button", name="Apply").click()
    rows = page.locator("#alerts-table tbody tr")
    assert rows.count() >= 2 and all("Red" in rows.nth(i).inner_text() for i in range(rows.count()))
    page.get_by_role("link", name="Multi-agency activity (child)").click()
    assert re.search(r"\d activities reported (from|on) \d+ \w+ \d{4}.* by \d agencies",
                     page.locator("#alert-summary-line").inner_text())
    shot(page, "08-alert")
    page.get_by_label(re.compile("^Dismiss")).check()
    page.get_by_role("button", name="Save").click()
    assert "Give a reason for dismissing" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label(re.compile("^Acknowledge")).check()
    page.get_by_label("Reason or note").fill("Looking at it with the school")
    page.get_by_role("button", name="Save").click()
    assert "Alert acknowledged." in banner(page)
    assert "Acknowledged" in page.locator("#alert-status").inner_text()
    assert "Looking at it with the school" in page.locator("#history").inner_text()


def review_a_match(page):
    """Match review: two records side by side; a decision needs a reason."""
    page.get_by_role("link", name="Match review", exact=True).click()
    compare = page.locator("#compare")
    assert compare.is_visible() and "Date of birth" in compare.inner_text()
    shot(page, "11-match-review")
    a_before = page.locator("input[name=a_id]").input_value()
    page.get_by_role("button", name="Same person").click()
    assert "Give a reason" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Why?").fill("Same name and address; date of birth mistyped")
    page.get_by_role("button", name="Same person").click()
    assert "Decision recorded" in banner(page)
    if page.locator("input[name=a_id]").count():
        assert (page.locator("input[name=a_id]").input_value(), page.locator("input[name=b_id]").input_value()) \
            != (a_before, None)
    assert page.csp_errors == [], page.csp_errors


def test_a_mash_officer_finds_the_child_acts_on_the_alert_and_reviews_a_match(page, dashboard_world):
    sign_in(page, "mash1", capture="01-sign-in")
    assert page.get_by_role("heading", name="Welcome to AIM").is_visible()
    assert page.locator(".aim-role").inner_text() == "MASH officer"
    shot(page, "02-welcome-search")

    row = search_with_a_nickname_and_a_typo(page)
    open_the_person_view(page, row)
    watch_and_expand_the_network(page)
    act_on_the_red_alert(page)

    # The watch list holds William.
    page.get_by_role("link", name="Watch list", exact=True).click()
    assert page.locator("#watch-table tbody tr", has_text=dashboard_world.child_id).count() == 1
    shot(page, "09-watch-list")

    # Household view, from the household alert.
    page.goto("/dashboard/alerts?rule=high_risk_household")
    page.locator("#alerts-table .aim-case-link", has_text="Household").first.click()
    page.locator("#case-summary a").first.click()  # the case names its household
    open_person(page)  # a household needs a stated purpose too
    if page.locator("#members").count():
        assert page.locator("#members tbody tr").count() >= 2
    shot(page, "10-household")

    review_a_match(page)


def test_a_newcomer_reaches_an_alerted_child_from_the_start_page(page, dashboard_world):
    sign_in(page, "mash1")
    page.get_by_role("link", name="Review open alerts").click()
    row = page.locator("#alerts-table tbody tr", has_text="Multi-agency activity (child)").first
    row.locator(".aim-case-link").click()  # the case, then its subject
    page.locator("#case-summary a").first.click()
    open_person(page)
    assert page.locator("#person-name").inner_text() == "William Smith"


def test_a_partner_sees_view_only_screens(page, dashboard_world):
    sign_in(page, "partner1")
    assert page.locator(".aim-role").inner_text() == "Partner agency (view only)"
    nav = page.locator("#navigation").inner_text()
    assert "Search" in nav and "Alerts" not in nav and "Match review" not in nav and "Watch list" not in nav
    page.get_by_label("First name").fill("William")
    page.get_by_label("Surname").fill("Smith")
    page.get_by_label("Why are you searching?").fill("Police welfare check")
    page.get_by_role("button", name="Search", exact=True).click()
    page.locator("table.aim-results").get_by_role("link", name="William Smith").first.click()
    open_person(page, purpose="Police welfare check before a visit")
    text = page.locator("main").inner_text()
    assert "Activity reported" in text and "Missing person" not in text and "Injury" not in text
    assert page.get_by_text("Add to watch list").count() == 0 and page.get_by_text("View network").count() == 0
    assert page.locator("#linked-records tbody tr").count() == 1  # only the police's own record
    shot(page, "12-partner-person-view")
    # another agency's record by its id: the same page as an id that does not exist
    for subject_id in ("rec:CITY_ED:ED-77", "rec:CITY_ED:ED-78"):
        page.goto(f"/dashboard/people/{subject_id}")
        open_person(page, purpose="Police welfare check before a visit")
        assert page.get_by_role("heading", name="Not found").is_visible()
        assert f"no person or record '{subject_id}'" in page.locator("main").inner_text()
    response = page.goto("/dashboard/alerts")
    assert response.status == 403 and page.get_by_role("heading", name="You cannot see this page").is_visible()


def test_the_dpo_sees_who_looked_at_what_and_why(page, dashboard_world):
    sign_in(page, "dpo1")
    assert page.get_by_role("heading", name="Audit").is_visible()
    page.get_by_label("User").fill("partner1")
    page.get_by_role("button", name="Filter").click()
    table = page.locator("#audit-table").inner_text()
    assert "person.view" in table and "Police welfare check before a visit" in table
    shot(page, "13-audit")


def test_the_dpo_answers_a_subject_access_request_on_a_printable_page(page, dashboard_world):
    sign_in(page, "dpo1")
    page.get_by_role("link", name="Answer a subject access request").click()
    page.get_by_label("Person or agency record id").fill(dashboard_world.child_id)
    page.get_by_label("Purpose").fill("SAR 2026-041")
    page.get_by_role("button", name="Produce the answer").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=f"Information held about {dashboard_world.child_name}").is_visible()
    for section in ("Identity", "Events", "Alerts", "Households", "Who accessed their information, and why"):
        assert page.get_by_role("heading", name=re.compile(f"^{section}")).is_visible()
    assert "/subject-access" in page.url and "SAR" not in page.url  # the purpose never goes into the URL
    assert page.csp_errors == []
    shot(page, "14-subject-access")


def test_keyboard_and_labels(page, dashboard_world):
    page.goto("/dashboard/sign-in")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    sign_in(page, "mash1")
    for path in ("/dashboard/search", "/dashboard/alerts", "/dashboard/review", "/dashboard/watch-list"):
        page.goto(path)
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
            .filter(e => e.type !== 'hidden' && !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
            .map(e => e.name || e.id)""")
        assert unlabelled == [], (path, unlabelled)
    # The search form works from the keyboard alone.
    page.goto("/dashboard/search")
    page.get_by_label("First name").focus()
    page.keyboard.type("William")
    page.keyboard.press("Tab")
    page.keyboard.type("Smith")
    page.get_by_label("Why are you searching?").fill("Keyboard check")
    page.keyboard.press("Tab")  # to the Search button
    assert page.evaluate("document.activeElement.textContent.trim()") == "Search"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("table.aim-results").get_by_text("William Smith").count() >= 1


def test_an_admin_grant_waits_for_a_second_admin_and_sign_out_ends_the_session(page, dashboard_world):
    sign_in(page, "admin1")
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Approvals").click()
    page.get_by_label("User").select_option("newcomer1")
    page.get_by_label("New role").select_option("mash")
    page.get_by_role("button", name="Change role").click()
    page.wait_for_load_state()
    assert "another administrator" in banner(page)
    waiting = page.locator("#pending-approvals").inner_text()
    assert "newcomer1" in waiting and "Your request: waiting for another administrator" in waiting
    assert page.get_by_role("button", name="Approve").count() == 0  # never one's own
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()
    page.goto("/dashboard/approvals")
    assert "/sign-in" in page.url
    sign_in(page, "admin2")
    page.goto("/dashboard/approvals")
    shot(page, "15-approvals")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_load_state()
    assert "taken effect" in banner(page)
    assert "Approved by admin2" in page.locator("#decided-approvals").inner_text()
    assert page.csp_errors == []
