"""Attacks on need to know through the network exploration (issue 14, deliverable 7): a
partner or an analyst expanding a network on the dashboard, a MASH officer expanding without
a purpose, past the depth limit or past the quota; every expansion audited with everyone it
showed. Against the dashboard's world (tests/e2e/world.py) and the real Neo4j."""

from __future__ import annotations

import pytest

from aim.api.app import create_app
from tests.api_world import audit_entries
from tests.dashboard_client import D, open_with_purpose, signed_in
from tests.e2e.world import dashboard_settings

pytestmark = pytest.mark.neo4j
PURPOSE = "Strategy discussion"


@pytest.fixture(scope="module")
def dashboard(dashboard_world, driver, settings):
    return create_app(dashboard_settings(settings), driver=driver)


def _person(driver, first: str, last: str) -> str:
    rows, _, _ = driver.execute_query("MATCH (p:Person {first_name: $f, last_name: $l}) RETURN p.person_id AS id",
                                      f=first, l=last)
    return rows[0]["id"]


def _expand(client, person_id: str, purpose: str | None = PURPOSE, **params):
    headers = {"X-AIM-Purpose": purpose} if purpose else {}
    return client.get(f"{D}/people/{person_id}/network.json", params=params, headers=headers)


def test_partners_and_analysts_cannot_open_or_expand_a_network_on_the_dashboard(dashboard, dashboard_world, driver):
    dean = _person(driver, "Dean", "Walker")  # the police (partner1's agency) hold Dean's record
    for username in ("partner1", "analyst1"):
        client = signed_in(dashboard, username)
        for subject in (dashboard_world.child_id, dean):
            page = client.get(f"{D}/people/{subject}/network")
            assert page.status_code == 403, (username, page.status_code)
            expanded = _expand(client, subject)
            assert expanded.status_code == 403, (username, expanded.status_code)
            for text in (page.text, expanded.text):
                assert "Walker" not in text and "Grace" not in text and "Oak Road" not in text


def test_an_expansion_needs_a_purpose_and_never_takes_it_from_the_url(dashboard, driver, settings):
    client = signed_in(dashboard, "mash1")
    dean = _person(driver, "Dean", "Walker")
    before = len(audit_entries(driver, settings.neo4j_database, action="persons.network"))
    refused = _expand(client, dean, purpose=None)
    assert refused.status_code == 400 and "Kelly" not in refused.text
    in_url = client.get(f"{D}/people/{dean}/network.json", params={"purpose": PURPOSE})
    assert in_url.status_code == 400 and "Kelly" not in in_url.text
    assert len(audit_entries(driver, settings.neo4j_database, action="persons.network")) == before  # nothing was read


def test_every_expansion_is_audited_with_everyone_it_showed(dashboard, dashboard_world, driver, settings):
    client = signed_in(dashboard, "mash1")
    assert open_with_purpose(client, f"{D}/people/{dashboard_world.child_id}/network", PURPOSE).status_code == 200
    dean, kelly = _person(driver, "Dean", "Walker"), _person(driver, "Kelly", "Walker")
    expanded = _expand(client, dean)
    assert expanded.status_code == 200 and "Kelly Walker (1990)" in expanded.text
    entry = audit_entries(driver, settings.neo4j_database, action="persons.network")[-1]
    assert entry["purpose"] == PURPOSE and entry["username"] == "mash1"
    assert dean in entry["subject_ids"] and kelly in entry["subject_ids"]


def test_the_depth_is_capped_at_three_and_bad_periods_are_refused(dashboard, dashboard_world, driver):
    client = signed_in(dashboard, "mash1")
    william = dashboard_world.child_id
    three = {n["data"]["id"] for n in _expand(client, william, depth=3).json()["nodes"]}
    deeper = {n["data"]["id"] for n in _expand(client, william, depth=99).json()["nodes"]}
    assert deeper == three
    for params in ({"from": "not a date"}, {"from": "2026-02-01", "to": "2025-01-01"}, {"depth": "x"}):
        refused = _expand(client, william, **params)
        assert refused.status_code == 400 and "Walker" not in refused.text, params


def test_expansions_count_against_the_daily_quota(dashboard_world, driver, settings):
    app = create_app(dashboard_settings(settings).model_copy(update={"daily_subjects": {"mash": 2}}), driver=driver)
    client = signed_in(app, "mash1")
    people = [dashboard_world.child_id, _person(driver, "Dean", "Walker"), _person(driver, "Kelly", "Walker")]
    answers = [_expand(client, person) for person in people]
    assert [a.status_code for a in answers[:2]] == [200, 200]
    assert answers[2].status_code == 429 and "Mia" not in answers[2].text


def test_through_the_api_partners_are_refused_and_analysts_see_pseudonyms_in_any_period(dashboard, driver):
    from fastapi.testclient import TestClient

    from tests.api_world import V1, auth, tokens_for

    client = TestClient(dashboard)
    tokens = tokens_for(dashboard.state.settings)
    dean = _person(driver, "Dean", "Walker")
    headers = {"X-AIM-Purpose": PURPOSE}
    refused = client.get(f"{V1}/persons/{dean}/network", headers=auth(tokens["partner"]) | headers)
    assert refused.status_code == 403 and "Walker" not in refused.text
    analyst = auth(tokens["analyst"]) | headers
    real = client.get(f"{V1}/persons/{dean}/network", params={"depth": 3}, headers=analyst)
    assert real.status_code == 404 and real.json() == {"detail": f"no person or record '{dean}'"}
    households = client.get(f"{V1}/households", headers=analyst).json()["households"]
    oak = next(h for h in households if h["postcode_district"] == "B4")
    member = client.get(f"{V1}/households/{oak['household']}", headers=analyst).json()["members"][0]["person"]
    for period in ({}, {"from": "2020-01-01", "to": "2030-12-31"}):
        shown = client.get(f"{V1}/persons/{member}/network", params={"depth": 3} | period, headers=analyst)
        assert shown.status_code == 200, shown.text
        text = shown.text
        assert shown.json()["pseudonymised"] and len(shown.json()["nodes"]) >= 5
        assert dean not in text and "Walker" not in text and "Kelly" not in text and "OAK" not in text.upper()
        assert not any(len(str(v)) == 10 and str(v)[4] == "-" for e in shown.json()["edges"]
                       for v in (e.get("properties") or {}).values())  # no day-exact dates
