"""End-to-end: the network exploration in headless Chromium (real Neo4j, the world of
tests/e2e/world.py): expand a parent, then a person that expansion found (depth 2), by
keyboard; new items are really added; the time filter changes what is shown; no two labels
in the picture meet. Screenshots 50-network-household and 51-network-depth2."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.e2e.browser import open_person, shot, sign_in

pytestmark = [pytest.mark.neo4j, pytest.mark.browser]

# Pairs of labels (node labels, and edge labels against node labels) whose boxes intersect.
OVERLAPS = """() => {
  const cy = document.getElementById("network").aimNetwork;
  const box = (b) => ({x1: b.x1, x2: b.x2, y1: b.y1, y2: b.y2});
  const nodes = cy.nodes().map((n) => [n.data("name"), box(n.boundingBox({includeLabels: true, includeOverlays: false}))]);
  const edges = cy.edges().filter((e) => e.data("label")).map((e) => [e.data("label"),
    box(e.boundingBox({includeNodes: false, includeEdges: false, includeLabels: true, includeOverlays: false}))]);
  const meet = (a, b) => a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
  const found = [];
  nodes.forEach((a, i) => nodes.slice(i + 1).forEach((b) => { if (meet(a[1], b[1])) found.push([a[0], b[0]]); }));
  edges.forEach((e) => nodes.forEach((n) => { if (e[1].x2 > e[1].x1 && meet(e[1], n[1])) found.push([e[0], n[0]]); }));
  return found;
}"""


def rows(page):
    return page.locator("#network-list tbody tr")


def row(page, name: str):
    """The table row of the node named ``name`` (other rows may mention it among their links)."""
    return rows(page).filter(has=page.locator("td:first-child strong", has_text=re.compile("^" + re.escape(name))))


def listed(page, name: str) -> int:
    return row(page, name).count()


def expand_by_keyboard(page, name: str) -> int:
    """Tab to the person's Expand button in the table, press Enter; the number of new items."""
    button = row(page, name).get_by_role("button", name=re.compile("^Expand"))
    button.focus()
    page.keyboard.press("Enter")
    page.locator("#network-status", has_text="added").wait_for()
    status = page.locator("#network-status").inner_text()
    assert button.is_disabled(), "an expanded person's button says so"
    return int(re.search(r"(\d+) new item", status).group(1))


def picture(page, name: str) -> None:
    """A screenshot with the filter and the picture in view."""
    page.locator("#network-filter").evaluate("form => form.scrollIntoView()")
    shot(page, name)


def open_network(page, person_id: str, query: str = "") -> None:
    page.goto(f"/dashboard/people/{person_id}/network{query}")
    if page.get_by_role("heading", name=re.compile("Why are you opening")).count():
        open_person(page)
    page.wait_for_selector("#network[data-ready='true']")


def test_a_mash_officer_explores_the_network_to_depth_two_and_filters_it_by_time(page, dashboard_world):
    sign_in(page, "mash1")
    open_network(page, dashboard_world.child_id)
    assert listed(page, "Grace Smith") == 1 and listed(page, "Household at 12 Mill Lane") == 1
    assert listed(page, "Dean Walker") == 0
    william = row(page, "William Smith").inner_text()
    assert "3 agencies" in william and re.search(r"(Red|Amber) alert", william)
    assert "Member of Household at 12 Mill Lane" in row(page, "Grace Smith").inner_text()
    assert page.evaluate(OVERLAPS) == []

    # Expand the parent: her household at 4 Elm Road two years ago, and Dean, are added.
    before = rows(page).count()
    added = expand_by_keyboard(page, "Grace Smith")
    assert added >= 2 and rows(page).count() == before + added
    assert listed(page, "Household at 4 Elm Road") == 1 and listed(page, "Dean Walker") == 1
    assert listed(page, "Household at 9 Oak Road") == 1 and listed(page, "Kelly Walker") == 0  # Dean's, to expand
    # Then a person that expansion found: Dean's household of five at 9 Oak Road.
    added = expand_by_keyboard(page, "Dean Walker")
    assert added == 4
    for name in ("Kelly Walker", "Mia Walker", "Noah Walker", "Ava Walker"):
        assert listed(page, name) == 1, name
    assert re.search(r"Member of Household at 9 Oak Road \(since \d{4}\)",
                     row(page, "Kelly Walker").inner_text())
    assert page.evaluate(OVERLAPS) == []
    picture(page, "51-network-depth2")

    # The time filter: in the last year Grace and Dean shared no household, so he is not shown.
    page.get_by_label("Depth").select_option("3")
    page.get_by_label("From").fill((date.today() - timedelta(days=365)).isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#network[data-ready='true']")
    assert listed(page, "Grace Smith") == 1 and listed(page, "Dean Walker") == 0 and listed(page, "Kelly Walker") == 0
    assert "from" in page.locator("#network-period").inner_text()
    page.get_by_label("From").fill("")
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#network[data-ready='true']")
    assert listed(page, "Dean Walker") == 1 and listed(page, "Kelly Walker") == 1  # depth 3, any time
    assert page.evaluate(OVERLAPS) == []
    assert page.csp_errors == [], page.csp_errors


def test_a_household_of_five_is_drawn_without_overlapping_labels(page, dashboard_world, driver, settings):
    kelly, _, _ = driver.execute_query("MATCH (p:Person {first_name: 'Kelly', last_name: 'Walker'}) "
                                       "RETURN p.person_id AS id", database_=settings.neo4j_database)
    sign_in(page, "mash1")
    open_network(page, kelly[0]["id"])
    for name in ("Household at 9 Oak Road", "Dean Walker", "Mia Walker", "Noah Walker", "Ava Walker"):
        assert listed(page, name) == 1, name
    assert page.evaluate(OVERLAPS) == []
    picture(page, "50-network-household")
