"""Debian's Chromium for the browser tests: where it is (``AIM_CHROMIUM``) and how it is
started (headless, no sandbox, nothing fetched in the background; no browser is ever
downloaded), and the steps every journey shares: signing in, the purpose prompt, banners and
screenshots (to docs/screenshots/, 1366x768)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.world import PASSWORD

CHROMIUM = os.environ.get("AIM_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}
SHOTS = Path(os.environ.get("AIM_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "docs" / "screenshots")


def banner(page) -> str:
    """The success banner's text (or, to explain a failure, what the page says instead)."""
    found = page.locator(".govuk-notification-banner")
    if found.count() == 0:
        pytest.fail(f"no success banner on {page.url}: {page.locator('main').inner_text()[:800]}")
    return found.inner_text()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def sign_in(page, username: str, capture: str | None = None) -> None:
    page.goto("/dashboard/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    if capture:
        shot(page, capture)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/sign-in" not in page.url


def fill_fields(page, fields: dict[str, str]) -> None:
    """Fills form fields by id (id -> value): a select's option is chosen, any other field typed in."""
    for field_id, value in fields.items():
        field = page.locator(f"#{field_id}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


def open_person(page, purpose: str | None = None) -> None:
    """On the purpose prompt: choose (or type) a purpose and open the record."""
    assert page.get_by_role("heading", name=re.compile("Why are you opening")).is_visible()
    if purpose:
        page.get_by_label("Another reason", exact=True).check()
        page.locator("#purpose_other").fill(purpose)
    page.get_by_role("button", name=re.compile("^Open")).click()
    page.wait_for_load_state()
