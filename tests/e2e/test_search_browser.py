"""End-to-end in headless Chromium: a MASH officer searches by an initial and by the start of a
name and sees each result's match score in words, is told how many more matched past the
limit, and reads a match review whose listed weights add up to the match weight shown."""

from __future__ import annotations

import re

import pytest

from tests.e2e.browser import shot, sign_in
from tests.search_world import rows as singh_rows

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]


@pytest.fixture(scope="module")
def dashboard_world(driver, settings, tmp_path_factory):
    """The dashboard world with the Singh family and their namesakes (tests/search_world.py)."""
    from tests.e2e.world import build

    return build(driver, settings, tmp_path_factory.mktemp("world"), extra_rows=tuple(singh_rows()))


def search(page, first_name: str, last_name: str):
    page.goto("/dashboard/search")
    page.get_by_label("First name").fill(first_name)
    page.get_by_label("Surname").fill(last_name)
    page.get_by_label("Why are you searching?").fill("MASH triage of a referral")
    page.get_by_role("button", name="Search", exact=True).click()
    return page.locator("table.aim-results")


def match_of(results, name: str) -> str:
    row = results.locator("tr", has_text=name).first
    assert row.is_visible(), f"{name} not found: {results.inner_text()[:600]}"
    return row.locator("td.aim-match").inner_text()


def test_an_initial_and_the_start_of_a_name_find_the_person_with_a_match_score(page, dashboard_world):
    sign_in(page, "mash1")
    results = search(page, "S", "Singh")
    for name in ("Shabnam Singh", "Shabir Singh"):
        match = match_of(results, name)
        assert re.match(r"\d{2}% (strong|good): first name matches the initial, surname agrees", match), match
    page.locator("#results").scroll_into_view_if_needed()
    shot(page, "60-search-initials")

    results = search(page, "Shab", "Singh")
    names = [row.locator("th").inner_text() for row in results.locator("tbody tr").all()]
    assert sorted(n.split("\n")[0] for n in names[:2]) == ["Shabir Singh", "Shabnam Singh"], names
    assert "first name starts with what you typed" in match_of(results, "Shabnam Singh")
    assert page.locator("#more-results").count() == 0


def test_past_the_limit_the_page_says_how_many_more_and_to_refine(page, dashboard_world):
    sign_in(page, "mash1")
    results = search(page, "", "Singh")
    assert results.locator("tbody tr").count() == 20
    more = page.locator("#more-results").inner_text()
    found = re.match(r"(\d+) more — refine your search", more)
    assert found and int(found.group(1)) >= 3, more
    assert f"20 best people found, {found.group(1)} more" in page.locator("#results").inner_text()


def _number(text: str) -> float:
    return float(text.strip().replace("−", "-").replace("+", ""))


def test_the_match_review_lists_parts_that_add_up_in_plain_words(page, dashboard_world):
    sign_in(page, "mash1")
    page.get_by_role("link", name="Match review", exact=True).click()
    compare = page.locator("#compare")
    text = compare.inner_text()
    parts = [_number(cell.inner_text()) for cell in compare.locator("td.aim-part").all()]
    total = _number(compare.locator("td.aim-total").inner_text())
    assert len(parts) >= 7 and round(sum(parts), 1) == total, (parts, total)
    assert "Starting weight" in text and "Name frequency" in text
    assert not re.search(r"\b(else|null|jaro-winkler)\b", text, re.IGNORECASE), text
    assert not re.search(r"\b\d{8}\b|\d{4}-\d{2}-\d{2}", text), text
    dates = compare.locator("tr", has_text="Date of birth").locator("td").all()[:2]
    dates = [d.inner_text().replace("(differs)", "").strip() for d in dates]
    assert all(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2} \d{4}", d) for d in dates), dates
    for row in compare.locator("tr.aim-differs").all():
        a, b = (cell.inner_text().replace("(differs)", "").strip() for cell in row.locator("td").all()[:2])
        assert a.upper().replace(" ", "") != b.upper().replace(" ", ""), (a, b)
    summary = page.locator("#review-summary").inner_text()
    probability = float(re.search(r"\(([\d.]+)%\)", summary).group(1))
    words = re.search(r"as (.+?) \(", summary).group(1)
    from aim.api.dashboard.explained import likelihood

    assert words == likelihood(probability / 100), summary
    assert "not sure" not in summary.lower()
    compare.scroll_into_view_if_needed()
    shot(page, "61-match-review-explained")
    assert page.csp_errors == [], page.csp_errors


def test_a_year_of_birth_with_a_name_and_a_gender_narrow_the_search(page, dashboard_world):
    sign_in(page, "mash1")
    page.goto("/dashboard/search")
    page.get_by_label("Surname").fill("Singh")
    page.get_by_label("Year").fill("2009")
    page.get_by_label("Why are you searching?").fill("MASH triage of a referral")
    page.get_by_role("button", name="Search", exact=True).click()
    results = page.locator("table.aim-results")
    first = results.locator("tbody tr").first
    assert "Shabir Singh" in first.inner_text() and "date of birth agrees" in first.inner_text()
    assert all(re.search(r"\b(2008|2009|2010)\b", row.locator("td").nth(1).inner_text())
               for row in results.locator("tbody tr").all())
    page.get_by_label("First name").fill("Shab")
    page.get_by_label("Year").fill("")
    page.get_by_label("Gender").select_option("F")
    page.get_by_role("button", name="Search", exact=True).click()
    names = [row.locator("th a").inner_text() for row in results.locator("tbody tr").all()]
    assert names == ["Shabnam Singh"], names
