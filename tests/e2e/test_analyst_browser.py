"""The analyst's journey in a real browser (issue 14, deliverable 6): an analyst runs a
household query with filters, sees the charts and their tables, and exports the CSV, which
holds pseudonyms and suppressed small counts only; a query narrowed below five alerts shows
no rows; a form error keeps what was typed. The dashboard world (tests/e2e/world.py) gets the
analyst world's households and alerts (tests/analyst_world.py) on top."""

from __future__ import annotations

import csv
import io

import pytest

from tests.analyst_world import add_alerts, real_values
from tests.e2e.browser import fill_fields, shot, sign_in

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]


@pytest.fixture(scope="module")
def analyst_alerts(dashboard_world, driver, settings):
    add_alerts(driver, settings.neo4j_database)
    return dashboard_world


def _run(page, *, level: str = "household", **filters) -> None:
    page.locator(f"#level-{level}").check()
    fill_fields(page, filters)
    page.get_by_role("button", name="Run query").click()
    page.wait_for_load_state()


def _assert_nothing_identifies(text: str) -> None:
    leaked = [value for value in real_values() if value.lower() in text.lower()]
    assert not leaked, leaked


def test_an_analyst_runs_a_household_query_sees_the_charts_and_exports_it(page, analyst_alerts, tmp_path):
    sign_in(page, "analyst1")
    assert page.url.endswith("/dashboard/analyst")
    _run(page)
    assert page.locator("#chart-by_month").is_visible() and page.locator("#chart-by_area").is_visible()
    page.locator("#results").evaluate("heading => heading.scrollIntoView()")
    shot(page, "40-analyst-workspace")

    _run(page, rag="Red", district="b12", age_band="0-4", from_month="2025-06", to_month="2025-07")
    assert "8 alerts about households match" in page.locator("#analyst-summary").inner_text()
    assert page.locator("#district").input_value() == "B12"
    for chart in ("by_month", "by_rule", "by_agency", "by_area"):
        assert page.locator(f"#chart-{chart}").is_visible(), chart
        assert page.locator(f"#chart-{chart} title").first.text_content()
    by_month = page.locator("#table-by_month").inner_text()
    assert "2025-06" in by_month and "2025-07" in by_month
    assert "fewer than 5" in page.locator("#table-by_agency").inner_text()  # the hospital: 4 of the 8
    subjects = page.locator("#analyst-rows tbody tr td:first-child").all_inner_texts()
    assert len(subjects) == 8 and all(s.startswith("anon-") for s in subjects)
    _assert_nothing_identifies(page.content())
    page.locator("#level").evaluate("radios => radios.scrollIntoView()")
    shot(page, "41-analyst-household-query")

    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV (pseudonymised)").click()
    path = tmp_path / "export.csv"
    download.value.save_as(path)
    text = path.read_text(encoding="utf-8")
    _assert_nothing_identifies(text)
    rows = list(csv.DictReader(io.StringIO(text)))
    alerts = [r for r in rows if r["section"] == "alert"]
    assert sorted(r["subject"] for r in alerts) == sorted(subjects)
    assert {(r["rag"], r["postcode_district"], r["household_size"]) for r in alerts} == {("Red", "B12", "3-4")}
    agencies = {r["group"]: r["alerts"] for r in rows if r["section"] == "by_agency"}
    assert agencies == {"West Midlands Police": "8", "City Hospital Emergency Department": "<5"}
    assert page.csp_errors == []


def test_a_query_narrowed_to_one_household_shows_no_row(page, analyst_alerts):
    sign_in(page, "analyst1")
    _run(page, district="CV1", household_size="7+")
    assert "Fewer than 5 alerts match" in page.locator("#analyst-summary").inner_text()
    assert page.locator("#analyst-rows").count() == 0
    assert "anon-" not in page.locator("main").inner_text()


def test_a_filter_error_keeps_what_was_typed(page, analyst_alerts):
    sign_in(page, "analyst1")
    page.locator("#purpose").select_option("other")
    page.locator("#purpose_other").fill("Quarterly report to the partnership board")
    _run(page, level="person", rag="Amber", district="12B")
    assert "postcode district" in page.locator(".govuk-error-summary").inner_text()
    assert page.locator("#district").input_value() == "12B"
    assert page.locator("#rag").input_value() == "Amber"
    assert page.locator("#level-person").is_checked()
    assert page.locator("#purpose_other").input_value() == "Quarterly report to the partnership board"
    assert page.locator("#analyst-summary").count() == 0


def test_mash_and_partner_users_do_not_get_the_workspace(page, analyst_alerts):
    for username in ("mash1", "partner1"):
        sign_in(page, username)
        assert page.locator("#navigation").get_by_text("Analyst workspace").count() == 0
        response = page.goto("/dashboard/analyst")
        assert response.status == 403
        page.context.clear_cookies()
