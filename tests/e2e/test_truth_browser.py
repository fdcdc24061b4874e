"""End-to-end, in headless Chromium against the real Neo4j and tests/e2e/world.py: a MASH
officer sees on William's case and on one of its alerts the dates the evidence covers, how
many days ago the last activity was (as of today) and the trend. Screenshots 30-alert-truth
(the alert) and 31-case-truth (the case)."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser import shot, sign_in

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]

TREND = re.compile(r"^[↑→↓] (rising|steady|falling): \d+ in the last 30 days against \d+ in the 90 days before")


def test_a_case_and_its_alert_state_their_dates_days_since_last_activity_and_trend(page, dashboard_world):
    sign_in(page, "mash1")
    page.get_by_role("link", name="Alerts", exact=True).click()
    page.locator("#alerts-table .aim-case-link", has_text="William Smith").click()
    assert re.fullmatch(r"\d+ \(as of \d+ \w+ \d{4}\)", page.locator("#case-days-since").inner_text())
    assert TREND.match(page.locator("#case-trend").inner_text())
    assert "raised" in page.locator(".aim-case-rule").first.inner_text()
    shot(page, "31-case-truth")
    page.locator(".aim-case-rule h3 a").first.click()
    evidence = page.locator("#alert-evidence-dates").inner_text()
    assert re.fullmatch(r"(on \d+ \w+ \d{4}|\d+ \w+ \d{4} to \d+ \w+ \d{4}) \(\d+ events?\)", evidence)
    assert re.fullmatch(r"\d+ \(as of \d+ \w+ \d{4}\)", page.locator("#alert-days-since").inner_text())
    assert TREND.match(page.locator("#alert-trend").inner_text())
    summary = page.locator("#alert-summary-line").inner_text()
    assert re.search(r"(from|on) \d+ \w+ \d{4}", summary) and "in the last" not in summary
    page.locator("h1").scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, document.querySelector('h1').getBoundingClientRect().top - 20)")
    shot(page, "30-alert-truth")
