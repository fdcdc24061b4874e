"""The HTTP API against the real Neo4j: search, person view, timeline, audit of every
personal data read, households, network and alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from tests.api_world import (PERSON, PURPOSE, PURPOSE_TEXT, TODAY, V1, add_household, audit_entries, auth,
                             submitted_record, world)

pytestmark = pytest.mark.neo4j


# ----------------------------------------------------------------------------- search, view, timeline


def _search(client, token, **params):
    response = client.post(f"{V1}/persons/search", json=params, headers=auth(token) | PURPOSE)
    assert response.status_code == 200, response.text
    return response.json()["results"]


@pytest.mark.parametrize("first,last", [("William", "Smith"), ("Bill", "Smith"), ("Wiliam", "Smtih"),
                                        ("Billy", "Smyth"), ("Smith", "William")])
def test_search_tolerates_nicknames_typos_and_swaps(world, first, last):
    client, tokens = world
    results = _search(client, tokens["mash"], first_name=first, last_name=last)
    assert results and results[0]["subject_id"] == PERSON, results
    top = results[0]
    assert top["agencies"] == ["SCHOOL_OAK", "WMP"]
    assert top["age"] == (TODAY.year - 2014 - ((TODAY.month, TODAY.day) < (3, 5)))
    assert top["address"] and top["postcode"] == "B1 1AA"


def test_search_by_date_of_birth_and_its_day_month_swap(world):
    client, tokens = world
    assert _search(client, tokens["mash"], date_of_birth="2014-03-05")[0]["subject_id"] == PERSON
    assert _search(client, tokens["mash"], date_of_birth="2014-05-03", last_name="Smith")[0]["subject_id"] == PERSON
    ranked = _search(client, tokens["mash"], first_name="Grace", last_name="Jones", gender="F")
    assert ranked[0]["subject_id"] == "rec:WMP:W2"
    assert all(a["score"] >= b["score"] for a, b in zip(ranked, ranked[1:]))


def test_search_needs_criteria_and_a_purpose(world):
    client, tokens = world
    headers = auth(tokens["mash"])
    url = f"{V1}/persons/search"
    assert client.post(url, json={}, headers=headers | PURPOSE).status_code == 400
    assert client.post(url, json={"last_name": "Smith"}, headers=headers).status_code == 400
    assert client.post(url, json={"last_name": "Smith"}, headers=headers | PURPOSE).status_code == 200
    assert client.post(url, json={"last_name": "Smith", "purpose": "strategy meeting"},
                       headers=headers).status_code == 200
    assert client.post(url, json={"date_of_birth": "05/03/2014"}, headers=headers | PURPOSE).status_code == 422


def test_person_view_lists_every_organisation_with_latest_activity_and_lead(world):
    client, tokens = world
    view = client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | PURPOSE)
    assert view.status_code == 200, view.text
    body = view.json()
    by_org = {a["organisation"]: a for a in body["activity"]}
    assert set(by_org) == {"WMP", "SCHOOL_OAK", "FIRE", "CSC"}
    assert by_org["WMP"]["latest_activity_date"] == (TODAY - timedelta(days=20)).isoformat()
    assert by_org["WMP"]["latest_activity_kind"] == "concern_for_welfare"
    assert by_org["WMP"]["lead"]["email"] == "mash@wmp.example"
    assert by_org["CSC"]["activity"] == "no activity reported" and by_org["CSC"]["lead"]["name"] == "Duty manager"
    assert by_org["FIRE"]["latest_activity_date"] is None
    assert (body["first_name"], body["last_name"]) == ("Billy", "Smyth")  # the most recent record's details
    assert len(body["records"]) == 2
    assert client.get(f"{V1}/persons/P-NOPE", headers=auth(tokens["mash"]) | PURPOSE).status_code == 404
    assert client.get(f"{V1}/persons/rec:WMP", headers=auth(tokens["mash"]) | PURPOSE).status_code == 404


def test_partner_sees_that_activity_exists_but_never_its_details(world):
    client, tokens = world
    body = client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["partner"]) | PURPOSE).json()
    assert all(a["latest_activity_kind"] is None for a in body["activity"])
    assert {a["organisation"] for a in body["activity"] if a["latest_activity_date"]} == {"WMP", "SCHOOL_OAK"}
    assert {r["organisation"] for r in body["records"]} == {"WMP"}
    others = [a for a in body["activity"] if a["organisation"] != "WMP"]
    assert all(a["events"] is None and a["known"] is None for a in others)  # the vision's rows only
    timeline = client.get(f"{V1}/persons/{PERSON}/timeline", headers=auth(tokens["partner"]) | PURPOSE).json()
    assert timeline["total"] == 2  # its own organisation's events only
    assert all(set(e) == {"date", "organisation", "kind"} and e["kind"] is None and e["organisation"] == "WMP"
               for e in timeline["events"])
    forbidden = client.get(f"{V1}/persons/{PERSON}/timeline", params={"kind": "missing_person"},
                           headers=auth(tokens["partner"]) | PURPOSE)
    assert forbidden.status_code == 403


def test_timeline_newest_first_paginated_and_filtered(world):
    client, tokens = world
    headers = auth(tokens["mash"])
    url = f"{V1}/persons/{PERSON}/timeline"
    full = client.get(url, headers=headers | PURPOSE).json()
    dates = [e["date"] for e in full["events"]]
    assert full["total"] == 3 and dates == sorted(dates, reverse=True)
    assert [e["organisation"] for e in full["events"]] == ["SCHOOL_OAK", "WMP", "WMP"]
    page2 = client.get(url, params={"page": 2, "page_size": 2}, headers=headers | PURPOSE).json()
    assert page2["total"] == 3 and [e["event_id"] for e in page2["events"]] == ["WE2"]
    only_wmp = client.get(url, params={"organisation": "WMP"}, headers=headers | PURPOSE).json()
    assert only_wmp["total"] == 2
    kind = client.get(url, params={"kind": "missing_person"}, headers=headers | PURPOSE).json()
    assert [e["kind"] for e in kind["events"]] == ["missing_person"]
    window = client.get(url, params={"from": (TODAY - timedelta(days=30)).isoformat(),
                                               "to": TODAY.isoformat()}, headers=headers | PURPOSE).json()
    assert window["total"] == 2
    bad = client.get(url, params={"from": "2025-02-01", "to": "2025-01-01"}, headers=headers | PURPOSE)
    assert bad.status_code == 400
    assert client.get(url, params={"page": 0}, headers=headers | PURPOSE).status_code == 422


def test_analyst_gets_aggregates_without_names(world):
    client, tokens = world
    body = client.get(f"{V1}/stats", headers=auth(tokens["analyst"])).json()
    wmp = next(o for o in body["organisations"] if o["organisation"] == "WMP")
    assert wmp["records"] is None and all(e["events"] is None for e in wmp["events"])  # under 5: suppressed
    assert "Smith" not in str(body) and "William" not in str(body)
    exact = client.get(f"{V1}/stats", headers=auth(tokens["mash"])).json()
    wmp = next(o for o in exact["organisations"] if o["organisation"] == "WMP")
    assert wmp["records"] == 2 and sum(e["events"] for e in wmp["events"]) == 3


# ----------------------------------------------------------------------------- audit


def test_every_personal_data_read_is_audited_with_user_purpose_and_subjects(world, driver, settings):
    client, tokens = world
    db = settings.neo4j_database
    calls = [
        ("mash", "post", f"{V1}/persons/search", {"last_name": "Smith"}, "person.search"),
        ("mash", "get", f"{V1}/persons/{PERSON}", {}, "person.view"),
        ("partner", "get", f"{V1}/persons/{PERSON}/timeline", {}, "person.timeline"),
        ("dpo", "get", f"{V1}/subjects/{PERSON}/export", {}, "dpo.subject_access_export"),
        ("dpo", "get", f"{V1}/audit", {"subject_id": PERSON}, "dpo.audit_query"),
        ("analyst", "get", f"{V1}/stats", {}, "aggregate.stats"),
    ]
    for role, method, url, params, action in calls:
        sent = {"json": params} if method == "post" else {"params": params}
        response = getattr(client, method)(url, **sent, headers=auth(tokens[role]) | PURPOSE)
        assert response.status_code == 200, (url, response.text)
        entries = audit_entries(driver, db, action=action, username=f"{role}1")
        assert entries, f"no audit entry for {url}"
        entry = entries[-1]
        assert entry["role"] == role and entry["endpoint"].startswith(V1) and entry["at"]
        if action not in ("dpo.audit_query", "aggregate.stats"):  # reads of personal data state why
            assert entry["purpose"] == PURPOSE_TEXT
        if action in ("person.view", "person.timeline", "dpo.subject_access_export", "person.search"):
            assert PERSON in entry["subject_ids"]
    client.post(f"{V1}/records", json={"records": [submitted_record()]}, headers=auth(tokens["partner"]))
    submitted = audit_entries(driver, db, action="records.submit")
    assert submitted and submitted[-1]["subject_ids"] == ["rec:WMP:N1"]


def test_the_dpo_sees_who_looked_at_a_child_when_and_why(world):
    client, tokens = world
    client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | {"X-AIM-Purpose": "strategy discussion"})
    client.get(f"{V1}/persons/{PERSON}/timeline",
               headers=auth(tokens["partner"]) | {"X-AIM-Purpose": "checking attendance"})
    odd = client.get(f"{V1}/audit", params={"from": "2020-01-01T00:00:00-18:51", "to": "0001-01-01T00:00:00+05:00"},
                     headers=auth(tokens["dpo"]))
    assert odd.status_code == 400  # offsets Neo4j cannot hold, times before year 1 in UTC
    assert client.get(f"{V1}/audit", params={"from": "2020-01-01T00:00:00-18:51"},
                      headers=auth(tokens["dpo"])).status_code == 200
    log = client.get(f"{V1}/audit", params={"subject_id": PERSON}, headers=auth(tokens["dpo"])).json()
    seen = {(e["username"], e["purpose"], e["action"]) for e in log["entries"]}
    assert ("mash1", "strategy discussion", "person.view") in seen
    assert ("partner1", "checking attendance", "person.timeline") in seen
    export = client.get(f"{V1}/subjects/{PERSON}/export",
                        headers=auth(tokens["dpo"]) | {"X-AIM-Purpose": "subject access request 42"}).json()
    assert {e["event_id"] for e in export["events"]} == {"WE1", "WE2", "SE1"}
    assert {r["source_record_id"] for r in export["person"]["records"]} == {"W1", "S9"}
    assert {a["username"] for a in export["accesses"]} >= {"mash1", "partner1"}
    # records accessed before resolution are found through the record subject ids
    assert "rec:WMP:W1" in export["subject_ids"]


def test_if_the_audit_write_fails_no_data_is_returned(world, monkeypatch):
    client, tokens = world
    from aim.graph.access import audit

    def broken(*args, **kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "write_entry", broken)
    client = TestClient(client.app, raise_server_exceptions=False)
    response = client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | PURPOSE)
    assert response.status_code == 500
    assert "Smith" not in response.text and "Smyth" not in response.text
    response = client.post(f"{V1}/persons/search", json={"last_name": "Smith"}, headers=auth(tokens["mash"]) | PURPOSE)
    assert response.status_code == 500 and "Smith" not in response.text


def test_search_uses_the_resolution_blocking_keys_when_records_have_them(world, driver, settings, monkeypatch):
    """After `aim resolve` every record carries its blocking keys (bk_*); search finds
    candidates through those indexes without the full-text index."""
    from aim.graph.identity import blocking_props
    from aim.graph.views import person_search as people

    rows, _, _ = driver.execute_query(
        "MATCH (r:Record) RETURN r.source AS source, r.source_record_id AS id, r.first_name AS first_name, "
        "r.last_name AS last_name, toString(r.date_of_birth) AS date_of_birth, r.address AS address, "
        "r.postcode AS postcode")
    for row in rows:
        driver.execute_query("MATCH (r:Record {source: $s, source_record_id: $id}) SET r += $props",
                             s=row["source"], id=row["id"], props=blocking_props(dict(row)))
    monkeypatch.setattr(people, "lucene_query", lambda *a: "")  # no full-text fallback
    client, tokens = world
    assert _search(client, tokens["mash"], first_name="Bill", last_name="Smith")[0]["subject_id"] == PERSON
    assert _search(client, tokens["mash"], first_name="Wiliam", last_name="Smtih",
                   date_of_birth="2014-03-05")[0]["subject_id"] == PERSON


def test_households_and_network_for_mash_and_pseudonymised_for_analysts(world, driver, settings):
    client, tokens = world
    add_household(driver)
    mash = client.get(f"{V1}/households/H-TEST", headers=auth(tokens["mash"]) | PURPOSE).json()
    assert {m["person_id"] for m in mash["members"]} == {PERSON, "P-TEST-2"}
    assert {m["first_name"] for m in mash["members"]} == {"William", "Grace"}
    analyst_headers = auth(tokens["analyst"]) | PURPOSE
    listed = client.get(f"{V1}/households", headers=analyst_headers).json()["households"]
    # analysts name a household by the pseudonym they were shown (the real id is unknown to them)
    analyst = client.get(f"{V1}/households/{listed[0]['household']}", headers=analyst_headers).json()
    assert analyst["pseudonymised"] and analyst["member_count"] is None  # 2: under 5, suppressed
    assert len(analyst["members"]) == 2 and {m["age_band"] for m in analyst["members"]} == {"10-15", "25-44"}
    assert "William" not in str(analyst) and PERSON not in str(analyst) and "Mill" not in str(analyst)
    assert [h["household"] for h in listed] == [analyst["household"]]  # stable pseudonyms
    assert client.get(f"{V1}/households/H-TEST", headers=analyst_headers).status_code == 404
    net = client.get(f"{V1}/persons/{PERSON}/network", headers=auth(tokens["mash"]) | PURPOSE)
    assert net.status_code == 200, net.text
    ids = {n["id"] for n in net.json()["nodes"]}
    assert {f"person:{PERSON}", "person:P-TEST-2"} <= ids
    assert any(e["type"] == "HOUSEHOLD" for e in net.json()["edges"])
    william = next(m["person"] for m in analyst["members"] if m["age_band"] == "10-15")
    hidden = client.get(f"{V1}/persons/{william}/network", headers=analyst_headers).json()
    assert hidden["pseudonymised"] and "Grace" not in str(hidden) and PERSON not in str(hidden)
    assert len(hidden["nodes"]) == len(net.json()["nodes"])
    entries = audit_entries(driver, settings.neo4j_database, action="persons.network")
    assert entries and "P-TEST-2" in entries[-1]["subject_ids"] and entries[-1]["purpose"] == PURPOSE_TEXT
    assert audit_entries(driver, settings.neo4j_database, action="households.view")


def test_alerts_filters_actions_and_watch_list_through_the_alerts_module(world, driver, settings):
    client, tokens = world
    driver.execute_query(
        "MATCH (p:Person {person_id: $pid}) MATCH (e:Event {event_id: 'WE1'}) "
        "CREATE (a:Alert {alert_id: 'A-TEST', rule: 'multi_agency_cluster', subject_type: 'person', "
        "subject_id: $pid, status: 'new', rag: 'red', score: 0.9, title: 'Clustered activity', "
        "first_raised: date(), last_updated: date(), explanation: '{}'})-[:CONCERNS]->(p), (a)-[:EVIDENCE]->(e)",
        pid=PERSON)
    headers = auth(tokens["mash"]) | PURPOSE
    assert [a["alert_id"] for a in client.get(f"{V1}/alerts", params={"rag": "red"}, headers=headers).json()["alerts"]] \
        == ["A-TEST"]
    assert client.get(f"{V1}/alerts", params={"rag": "amber"}, headers=headers).json()["alerts"] == []
    assert client.get(f"{V1}/alerts", params={"rule": "other"}, headers=headers).json()["alerts"] == []
    assert client.get(f"{V1}/alerts", params={"rag": "purple"}, headers=headers).status_code == 422
    alert = client.get(f"{V1}/alerts/A-TEST", headers=headers).json()
    assert alert["subject_id"] == PERSON and [e["event_id"] for e in alert["evidence"]] == ["WE1"]
    done = client.post(f"{V1}/alerts/A-TEST/actions", json={"action": "acknowledge"}, headers=headers)
    assert done.status_code == 200, done.text
    again = client.post(f"{V1}/alerts/A-TEST/actions", json={"action": "acknowledge"}, headers=headers)
    assert again.status_code == 409
    assert client.post(f"{V1}/alerts/A-TEST/actions", json={"action": "dismiss"}, headers=headers).status_code == 400
    watched = client.post(f"{V1}/alerts/A-TEST/actions", json={"action": "watch", "reason": "keep an eye"},
                          headers=headers)
    assert watched.status_code == 200, watched.text
    entries = client.get(f"{V1}/watchlist", headers=headers).json()["entries"]
    assert [e["subject_id"] for e in entries] == [PERSON]
    assert client.get(f"{V1}/alerts", params={"status": "watch_list"}, headers=headers).json()["alerts"]
    for lapsed in ("stale", "closed"):  # the engine's own statuses can be asked for too
        assert client.get(f"{V1}/alerts", params={"status": lapsed}, headers=headers).json()["alerts"] == []
    actions = [e["action"] for e in audit_entries(driver, settings.neo4j_database, username="mash1")]
    assert {"alerts.list", "alerts.view", "alerts.acknowledge", "alerts.watch", "watchlist.list"} <= set(actions)


def test_submitted_records_are_resolved_in_real_time_when_a_model_exists(world, driver, settings):
    import numpy as np

    from aim.graph.identity import save_model
    from aim.resolution.model import Model, default_m, n_levels

    client, tokens = world
    u = [np.full(n, 1.0 / n) for n in n_levels()]
    save_model(driver, settings.neo4j_database, Model(m=default_m(), u=u, lam=0.01), trained_on=0)
    body = {"records": [submitted_record(source_record_id="RT1", event_id="RTE1")]}
    result = client.post(f"{V1}/records", json=body, headers=auth(tokens["partner"])).json()
    assert result["resolution"] == "resolved", result
    assert result["persons"]
    person = result["persons"][0]
    found = _search(client, tokens["mash"], first_name="Amira", last_name="Khan")
    assert found[0]["subject_id"] == person


def test_a_merged_away_person_id_leads_to_the_survivor(world, driver):
    client, tokens = world
    driver.execute_query("MATCH (p:Person {person_id: $pid}) "
                         "CREATE (:Person {person_id: 'P-OLD', status: 'merged'})-[:MERGED_INTO]->(p)", pid=PERSON)
    view = client.get(f"{V1}/persons/P-OLD", headers=auth(tokens["mash"]) | PURPOSE).json()
    assert (view["subject_id"], view["merged_from"]) == (PERSON, "P-OLD")
    timeline = client.get(f"{V1}/persons/P-OLD/timeline", headers=auth(tokens["mash"]) | PURPOSE).json()
    assert timeline["total"] == 3 and timeline["merged_from"] == "P-OLD"
