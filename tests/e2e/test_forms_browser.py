"""Forms that keep work, in real Chromium (issue 14, deliverable 11): a watch-list reason left
empty comes back with everything else typed; adding a watched child again shows the entry to
update; a session that ends mid-action keeps the typed reason and returns to it after signing
in; an unknown dashboard address is an HTML page with a way back. Screenshot 72-form-error."""

from __future__ import annotations

import pytest

from tests.e2e.browser import banner, open_person, shot, sign_in

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]
REASON = "Missing twice this month and an injury seen at A&E; school to report any absence"


@pytest.fixture
def child(page, dashboard_world, driver) -> str:
    """William, not watched, his page open for a MASH officer."""
    driver.execute_query("MATCH (w:WatchEntry {subject_id: $id}) DETACH DELETE w", id=dashboard_world.child_id)
    sign_in(page, "mash1")
    page.goto(f"/dashboard/people/{dashboard_world.child_id}")
    open_person(page, "MASH triage")
    return dashboard_world.child_id


def _watch_form(page, reason: str, owner: str = "duty.officer"):
    page.locator("#watch-details summary").click()
    page.locator("#watch-reason").fill(reason)
    page.locator("#watch-owner").fill(owner)
    page.locator("#watch-review").fill("2030-02-14")
    page.locator("#watch-form button[type=submit]").click()
    page.wait_for_load_state()


def test_an_empty_watch_list_reason_keeps_what_was_typed(page, child):
    _watch_form(page, "")
    assert page.locator("#watch-details").get_attribute("open") is not None
    assert "Give the reason for watching" in page.locator(".govuk-error-summary").inner_text()
    assert "String should have" not in page.content()
    assert page.locator("#watch-owner").input_value() == "duty.officer"
    assert page.locator("#watch-review").input_value() == "2030-02-14"
    page.locator(".govuk-error-summary").evaluate("summary => summary.scrollIntoView({block: 'start'})")
    shot(page, "72-form-error")
    page.locator("#watch-reason").fill(REASON)
    page.locator("#watch-form button[type=submit]").click()
    assert "Added to the watch list" in banner(page)
    assert REASON in page.locator("#watching").inner_text()


def test_adding_a_watched_child_again_offers_to_update_the_entry(page, child):
    _watch_form(page, REASON)
    assert "Added to the watch list" in banner(page)
    page.locator("#watch-details summary").click()
    assert page.locator("#watch-reason").input_value() == REASON  # the entry, to update
    page.locator("#watch-reason").fill("Now also known to the GP")
    page.get_by_role("button", name="Update the entry").click()
    assert "The watch-list entry is updated" in banner(page)
    assert "Now also known to the GP" in page.locator("#watching").inner_text()


def test_a_session_ending_mid_action_keeps_the_typed_reason(page, child):
    page.locator("#watch-details summary").click()
    page.locator("#watch-reason").fill(REASON)
    page.context.clear_cookies(name="aim_session")  # the session ends while the officer types
    page.locator("#watch-form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/sign-in" in page.url and REASON.split()[0] not in page.url
    assert "Your session ended" in page.locator("#pending-notice").inner_text()
    page.get_by_label("Username").fill("mash1")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("heading", name="Send your form again").is_visible()
    assert page.get_by_label("Reason").input_value() == REASON
    page.get_by_role("button", name="Send again").click()
    assert "Added to the watch list" in banner(page)
    assert REASON in page.locator("#watching").inner_text()
    assert "Method Not Allowed" not in page.content()


def test_an_unknown_dashboard_address_is_a_page_with_a_way_back(page, dashboard_world):
    sign_in(page, "mash1")
    response = page.goto("/dashboard/no-such-screen")
    assert response.status == 404 and "text/html" in response.headers["content-type"]
    assert page.get_by_role("heading", name="Page not found").is_visible()
    page.get_by_role("link", name="Go to the AIM home page").click()
    assert page.url.endswith("/dashboard/search")
    response = page.goto(f"/dashboard/people/{dashboard_world.child_id}/watch")
    assert response.status == 405 and page.get_by_role("heading", name="This page cannot be opened that way").is_visible()
