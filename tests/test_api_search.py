"""Person search through the API against the real Neo4j: initials and the starts of names,
given-name variants across communities, a year of birth with a name, gender as a filter,
how many more matched than were shown, a match on each hit, and the indexes it uses."""

from __future__ import annotations

from datetime import date

import pytest

from aim import cypher
from tests.api_world import PURPOSE, V1, auth
from tests.graph_helpers import plan_operators
from tests.search_world import NAMESAKES, SANDEEP, SHABIR, SHABNAM, YOUSSEF, person_id, search_client

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def world(driver, settings):
    yield from search_client(driver, settings)


def _search(world, role="mash", **params):
    client, tokens = world
    response = client.post(f"{V1}/persons/search", json=params, headers=auth(tokens[role]) | PURPOSE)
    assert response.status_code == 200, response.text
    return response.json()


def _ids(found: dict) -> list[str]:
    return [hit["subject_id"] for hit in found["results"]]


def test_an_initial_and_a_surname_find_everyone_whose_name_it_begins(world):
    found = _search(world, first_name="S", last_name="Singh")
    assert {person_id(SHABNAM), person_id(SHABIR), person_id(SANDEEP)} <= set(_ids(found))
    assert all(hit["first_name"].startswith("S") for hit in found["results"]), found
    hit = next(h for h in found["results"] if h["subject_id"] == person_id(SHABNAM))
    assert hit["match"] == {"first_name": "initial", "last_name": "exact"} and 0.8 <= hit["score"] < 1


def test_the_start_of_a_name_finds_the_longer_names(world):
    found = _search(world, first_name="Shab", last_name="Singh")
    assert _ids(found)[:2] == sorted([person_id(SHABNAM), person_id(SHABIR)])
    assert found["results"][0]["match"]["first_name"] == "prefix"
    assert person_id(SANDEEP) not in _ids(found)


def test_a_spelling_variant_from_another_community_finds_the_person(world):
    found = _search(world, first_name="Yusuf", last_name="Khan")
    assert _ids(found)[0] == person_id(YOUSSEF)
    assert found["results"][0]["match"]["first_name"] == "variant"


def test_a_year_of_birth_with_a_name_narrows_to_that_year_and_the_years_beside(world):
    found = _search(world, last_name="Singh", year_of_birth=2009)
    assert _ids(found)[0] == person_id(SHABIR) and found["results"][0]["match"]["date_of_birth"] == "exact"
    assert {h["date_of_birth"][:4] for h in found["results"]} <= {"2008", "2009", "2010"}
    client, tokens = world
    url, headers = f"{V1}/persons/search", auth(tokens["mash"]) | PURPOSE
    assert client.post(url, json={"year_of_birth": 2009}, headers=headers).status_code == 400
    assert client.post(url, json={"last_name": "Singh", "year_of_birth": 2009, "date_of_birth": "2009-11-21"},
                       headers=headers).status_code == 400


def test_gender_is_a_filter(world):
    assert _ids(_search(world, first_name="Shab", last_name="Singh", gender="F")) == [person_id(SHABNAM)]
    assert _ids(_search(world, first_name="Shab", last_name="Singh", gender="M")) == [person_id(SHABIR)]


def test_the_answer_says_how_many_more_matched_than_were_returned(world):
    everyone = _search(world, last_name="Singh", limit=100)
    assert len(everyone["results"]) == len(NAMESAKES) + 3 and everyone["more"] == 0
    page = _search(world, last_name="Singh", limit=5)
    assert _ids(page) == _ids(everyone)[:5]
    assert page["more"] == len(NAMESAKES) + 3 - 5 and page["more_at_least"] is False


def test_a_partner_is_told_of_more_only_among_what_it_may_see(world):
    """The WMP partner holds none of the Singhs: it sees no one and no count of them."""
    found = _search(world, role="partner", last_name="Singh", limit=1)
    assert found == {"results": [], "more": 0, "more_at_least": False}


@pytest.mark.parametrize("query, params", [
    ("api/search_blocking", {"names": ["names:S|SNK"], "dob_l": [], "dob_f": [], "dob_i": [],
                             "ny_yob": ["ny_yob:SANG:2009"], "limit": 300}),
    ("api/search_dob", {"dobs": [date(2009, 11, 21)], "limit": 300}),
    ("api/search_names", {"lucene": "last_name:(singh)", "limit": 300}),
    ("api/subject_summaries", {"subjects": [{"id": "P-1", "person_id": "P-1", "source": None, "record_id": None},
                                            {"id": "rec:WMP:W2", "person_id": None, "source": "WMP",
                                             "record_id": "W2"}]}),
])
def test_every_candidate_query_seeks_an_index_and_never_scans(driver, world, query, params):
    summary = driver.execute_query("EXPLAIN " + cypher.load(query), **params).summary
    operators = plan_operators(summary.plan)
    assert not operators & {"AllNodesScan", "NodeByLabelScan"}, operators
    assert operators & {"NodeIndexSeek", "NodeUniqueIndexSeek", "MultiNodeIndexSeek", "ProcedureCall"}, operators
