"""The search screen over HTTP (no browser), against the real Neo4j and the dashboard world
with the Singh family (tests/search_world.py): the date of birth or the year alone, the
form's errors keeping what was typed, and a partner's initial-and-surname search."""

from __future__ import annotations

import pytest

from aim.api.app import create_app
from tests.dashboard_client import search, signed_in
from tests.e2e.world import dashboard_settings
from tests.search_world import rows as singh_rows

pytestmark = pytest.mark.neo4j
PURPOSE = "MASH triage of a referral"


@pytest.fixture(scope="module")
def app(driver, settings, tmp_path_factory):
    from tests.e2e.world import build

    build(driver, settings, tmp_path_factory.mktemp("world"), extra_rows=tuple(singh_rows()))
    return create_app(dashboard_settings(settings), driver=driver)


def test_a_year_of_birth_needs_a_name_and_a_part_date_needs_its_year(app):
    client = signed_in(app, "mash1")
    alone = search(client, dob_year="2009", purpose=PURPOSE)
    assert alone.status_code == 400 and "Enter a name to search with a year of birth" in alone.text
    part = search(client, last_name="Singh", dob_day="21", dob_year="", purpose=PURPOSE)
    assert part.status_code == 400 and "or the year alone" in part.text
    assert 'value="Singh"' in part.text and 'value="21"' in part.text
    found = search(client, last_name="Singh", dob_year="2009", purpose=PURPOSE)
    assert found.status_code == 200 and "Shabir Singh" in found.text


def test_a_partner_searching_an_initial_a_surname_and_a_date_of_birth_sees_no_one(app):
    client = signed_in(app, "partner1")
    page = search(client, first_name="S", last_name="Singh", dob_day="9", dob_month="4", dob_year="2012",
                  purpose="Police welfare check")
    assert page.status_code == 200 and "0 people found" in page.text
    assert "Shabnam" not in page.text and "Sandeep" not in page.text and "more" not in page.text.split("found")[1]
    whole = search(client, first_name="Shabnam", last_name="Singh", dob_day="9", dob_month="4", dob_year="2012",
                   purpose="Police welfare check")
    assert "Shabnam Singh" in whole.text and "Sandeep" not in whole.text
