"""Attack: a partner tries to enumerate people it does not hold through the search's
initials and name prefixes. A partner finds a person it does not hold only by identifying
them fully (first name, surname and date of birth); an initial or the start of a name with
a surname and a date of birth is not a full identification, so it lists no one, and opens
no one afterwards."""

from __future__ import annotations

import pytest

from tests.api_world import PURPOSE, V1, auth
from tests.search_world import SANDEEP, SHABIR, SHABNAM, person_id, search_client

pytestmark = pytest.mark.neo4j


@pytest.fixture
def world(driver, settings):
    yield from search_client(driver, settings)


def _partner_search(world, **params) -> dict:
    client, tokens = world
    response = client.post(f"{V1}/persons/search", json=params, headers=auth(tokens["partner"]) | PURPOSE)
    assert response.status_code == 200, response.text
    return response.json()


def _opens(world, subject_id: str) -> int:
    client, tokens = world
    return client.get(f"{V1}/persons/{subject_id}", headers=auth(tokens["partner"]) | PURPOSE).status_code


@pytest.mark.parametrize("first_name", ["S", "Sh", "Shab", "Shabn"])
def test_an_initial_or_a_prefix_with_a_surname_and_a_date_of_birth_lists_no_one(world, first_name):
    found = _partner_search(world, first_name=first_name, last_name="Singh", date_of_birth=SHABNAM["date_of_birth"])
    assert found == {"results": [], "more": 0, "more_at_least": False}
    for row in (SHABNAM, SANDEEP):  # both born that day, both S. Singh
        assert _opens(world, person_id(row)) == 404


def test_a_prefix_of_the_surname_is_no_full_identification_either(world):
    found = _partner_search(world, first_name="Shabnam", last_name="Si", date_of_birth=SHABNAM["date_of_birth"])
    assert found["results"] == []
    assert _opens(world, person_id(SHABNAM)) == 404


def test_the_full_identification_still_finds_the_one_person(world):
    """The control: the same partner, the whole first name."""
    found = _partner_search(world, first_name="Shabnam", last_name="Singh", date_of_birth=SHABNAM["date_of_birth"])
    assert [hit["subject_id"] for hit in found["results"]] == [person_id(SHABNAM)]
    assert found["results"][0]["address"] is None
    assert _opens(world, person_id(SHABNAM)) == 200
    assert _opens(world, person_id(SHABIR)) == 404


def test_a_year_of_birth_is_no_full_identification(world):
    found = _partner_search(world, first_name="Shabnam", last_name="Singh", year_of_birth=2012)
    assert found["results"] == [] and _opens(world, person_id(SHABNAM)) == 404


def test_names_the_wrong_way_round_with_a_prefix_identify_no_one(world):
    found = _partner_search(world, first_name="Singh", last_name="Shabna", date_of_birth=SHABNAM["date_of_birth"])
    assert found["results"] == [] and _opens(world, person_id(SHABNAM)) == 404
