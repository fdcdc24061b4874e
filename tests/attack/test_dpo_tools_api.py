"""The JSON API of the DPO's who-accessed lookup and of the chronologies (issue 14,
deliverables 8 and 12): the same services as the dashboard, so the same roles, purposes and
audit entries; against the API's world and the real Neo4j."""

from __future__ import annotations

import pytest

from tests.api_world import PERSON, V1, add_household, auth
from tests.attack.audit_world import PURPOSE_HEADER

pytestmark = pytest.mark.neo4j


def test_the_dpo_finds_a_person_by_name_then_who_accessed_them(audit_world):
    client, tokens, _ = audit_world
    assert client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | PURPOSE_HEADER).status_code == 200
    found = client.post(f"{V1}/audit/subjects/search", headers=auth(tokens["dpo"]),
                        json={"last_name": "Smith", "first_name": "William", "purpose": "Complaint C-1"})
    assert found.status_code == 200, found.text
    assert PERSON in [s["subject_id"] for s in found.json()["subjects"]]
    accesses = client.get(f"{V1}/audit/subjects/{PERSON}/accesses", headers=auth(tokens["dpo"]) | PURPOSE_HEADER)
    assert accesses.status_code == 200, accesses.text
    seen = {(e["username"], e["action"], e["about"]) for e in accesses.json()["entries"]}
    assert ("mash1", "person.view", "person") in seen and ("dpo1", "dpo.subject_lookup", "person") in seen


@pytest.mark.parametrize("role", ["partner", "mash", "analyst", "admin"])
def test_no_one_but_the_dpo_uses_the_lookup_api(audit_world, role):
    client, tokens, _ = audit_world
    headers = auth(tokens[role]) | PURPOSE_HEADER
    assert client.post(f"{V1}/audit/subjects/search", headers=headers, json={"last_name": "Smith"}).status_code == 403
    assert client.get(f"{V1}/audit/subjects/{PERSON}/accesses", headers=headers).status_code == 403


def test_the_lookup_api_needs_a_purpose_and_a_name(audit_world):
    client, tokens, _ = audit_world
    dpo = auth(tokens["dpo"])
    assert client.post(f"{V1}/audit/subjects/search", headers=dpo, json={"last_name": "Smith"}).status_code == 400
    assert client.get(f"{V1}/audit/subjects/{PERSON}/accesses", headers=dpo).status_code == 400
    no_name = client.post(f"{V1}/audit/subjects/search", headers=dpo | PURPOSE_HEADER, json={"date_of_birth": None})
    assert no_name.status_code == 400


def test_chronologies_through_the_api_are_for_the_mash_with_a_purpose(audit_world, driver):
    client, tokens, _ = audit_world
    add_household(driver)
    household, _, _ = driver.execute_query(
        "MATCH (:Person {person_id: $id})-[:MEMBER_OF]->(h:Household) RETURN h.household_id AS id", id=PERSON)
    for path in (f"{V1}/persons/{PERSON}/chronology", f"{V1}/households/{household[0]['id']}/chronology"):
        answer = client.get(path, headers=auth(tokens["mash"]) | PURPOSE_HEADER)
        assert answer.status_code == 200, (path, answer.text)
        dates = [e["date"] for e in answer.json()["entries"]]
        assert dates and dates == sorted(dates)
        assert client.get(path, headers=auth(tokens["mash"])).status_code == 400  # no purpose
        for role in ("partner", "analyst", "dpo", "admin"):
            assert client.get(path, headers=auth(tokens[role]) | PURPOSE_HEADER).status_code == 403, (path, role)
