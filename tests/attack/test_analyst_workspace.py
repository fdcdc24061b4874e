"""Attacks on the analyst workspace (issue 14, deliverable 6), through the real app against
the real Neo4j: whatever the filters (down to one household), an analyst's query and export
carry no real id, name, date of birth, full postcode or address, and no count under five;
only analysts may use it (MASH officers and partners work on named cases, the DPO reads the
audit log); the purpose is required, never taken from the URL, and audited with the filters;
the queries count against the analyst's daily quota."""

from __future__ import annotations

import csv
import io
import itertools

import pytest
from fastapi.testclient import TestClient

from aim.api.app import create_app
from aim.api.keys import pseudonym_key
from aim.graph.access.policy import pseudonym
from tests.analyst_world import LONE, load_analyst_world, real_values
from tests.api_world import PURPOSE, PURPOSE_TEXT, V1, api_settings, audit_entries, auth, tokens_for

pytestmark = pytest.mark.neo4j
ALERTS = f"{V1}/analyst/alerts"
EXPORT = f"{ALERTS}/export"
# Filters that narrow to the lone household of seven in CV1 (one Green alert in August 2025), alone and combined.
NARROWING = [{"district": "CV1"}, {"household_size": "7+"}, {"rag": "Green"}, {"rule": "household_cluster"},
             {"from_month": "2025-08"}, {"district": "CV1", "household_size": "7+", "rag": "Green"},
             {"age_band": "25-44", "district": "CV1"}, {"rag": "Amber", "district": "B12"},
             {"from_month": "2025-07", "to_month": "2025-07", "rag": "Amber", "age_band": "0-4"}]
BROAD = [{}, {"district": "B12"}, {"age_band": "0-4"}, {"rag": "Red"}]


@pytest.fixture
def workspace(driver, settings):
    """(client, token per role, app settings)."""
    load_analyst_world(driver, settings.neo4j_database, settings)
    app = create_app(api_settings(settings), driver=driver)
    with TestClient(app) as client:
        yield client, tokens_for(app.state.settings), app.state.settings


def _assert_nothing_identifies(text: str) -> None:
    leaked = [value for value in real_values() if value.lower() in text.lower()]
    assert not leaked, leaked


def _assert_no_small_count(found: dict) -> None:
    counts = [found["total"]] + [g["alerts"] for groups in found["aggregates"].values() for g in groups]
    assert all(c is None or c >= 5 for c in counts), counts
    assert found["total"] is not None or found["rows"] == []
    assert found["total"] is None or len(found["rows"]) == found["total"]


@pytest.mark.parametrize("level", ["household", "person"])
def test_no_filter_makes_a_query_or_export_show_an_id_a_name_a_dob_a_postcode_or_a_small_count(workspace, level):
    client, tokens, _ = workspace
    headers = auth(tokens["analyst"]) | PURPOSE
    for filters in NARROWING + BROAD:
        body = {"level": level} | filters
        response = client.post(ALERTS, json=body, headers=headers)
        assert response.status_code == 200, (filters, response.text)
        _assert_nothing_identifies(response.text)
        _assert_no_small_count(response.json())
        exported = client.post(EXPORT, json=body, headers=headers)
        assert exported.status_code == 200, filters
        _assert_nothing_identifies(exported.text)
        rows = list(csv.DictReader(io.StringIO(exported.text)))
        counts = [r["alerts"] for r in rows if r["section"] != "alert"]
        assert all(c == "<5" or int(c) >= 5 for c in counts), (filters, counts)
        alerts = [r for r in rows if r["section"] == "alert"]
        assert not alerts or len(alerts) >= 5, filters


def test_a_filter_narrowed_to_one_household_shows_no_row_and_no_count(workspace):
    client, tokens, settings = workspace
    headers = auth(tokens["analyst"]) | PURPOSE
    for filters in NARROWING[:6]:
        found = client.post(ALERTS, json={"level": "household"} | filters, headers=headers).json()
        assert found["rows"] == [] and found["rows_withheld"] and found["total"] is None, filters
        assert pseudonym(pseudonym_key(settings), LONE) not in str(found)


def test_the_rows_name_subjects_by_pseudonym_which_name_them_back_and_no_real_id_does(workspace):
    client, tokens, settings = workspace
    headers = auth(tokens["analyst"]) | PURPOSE
    found = client.post(ALERTS, json={"level": "household", "district": "B12"}, headers=headers).json()
    shown = {r["subject"] for r in found["rows"]}
    key = pseudonym_key(settings)
    assert shown == {pseudonym(key, f"H-SECRET-{i:02d}") for i in range(12)}
    opened = client.get(f"{V1}/households/{sorted(shown)[0]}", headers=headers)
    assert opened.status_code == 200 and opened.json()["pseudonymised"] is True
    _assert_nothing_identifies(opened.text)
    assert client.get(f"{V1}/households/H-SECRET-00", headers=headers).status_code == 404


@pytest.mark.parametrize("role", ["mash", "partner", "dpo", "admin"])
def test_only_analysts_may_use_the_workspace(workspace, role):
    client, tokens, _ = workspace
    headers = auth(tokens[role]) | PURPOSE
    assert client.get(f"{V1}/analyst/choices", headers=headers).status_code == 403
    for path in (ALERTS, EXPORT):
        response = client.post(path, json={"level": "household"}, headers=headers)
        assert response.status_code == 403, (role, path)
        assert "SECRET" not in response.text
    assert client.post(ALERTS, json={"level": "household"}, headers=PURPOSE).status_code == 401


def test_the_purpose_is_required_never_taken_from_the_url_and_audited_with_the_filters(workspace, driver, settings):
    client, tokens, _ = workspace
    db = settings.neo4j_database
    analyst = auth(tokens["analyst"])
    for path in (ALERTS, EXPORT):
        missing = client.post(path, json={"level": "household"}, headers=analyst)
        assert missing.status_code == 400 and "purpose" in missing.json()["detail"]
        in_url = client.post(path, params={"purpose": PURPOSE_TEXT}, json={"level": "household"}, headers=analyst)
        assert in_url.status_code == 400 and "URL" in in_url.json()["detail"]
    assert audit_entries(driver, db, username="analyst1") == []
    assert client.post(ALERTS, json={"level": "household", "rag": "Red"}, headers=analyst | PURPOSE).status_code == 200
    in_body = {"level": "person", "purpose": "Annual safeguarding performance report"}
    assert client.post(EXPORT, json=in_body, headers=analyst).status_code == 200
    query, = audit_entries(driver, db, action="analyst.query")
    assert query["purpose"] == PURPOSE_TEXT and '"rag": "Red"' in query["detail"]
    assert len(query["subject_ids"]) == 8  # who was shown, for the DPO's subject access
    export, = audit_entries(driver, db, action="analyst.export")
    assert export["purpose"] == "Annual safeguarding performance report" and '"level": "person"' in export["detail"]


def test_a_query_narrowed_below_five_audits_no_subject(workspace, driver, settings):
    client, tokens, _ = workspace
    body = {"level": "household", "district": "CV1"}
    assert client.post(ALERTS, json=body, headers=auth(tokens["analyst"]) | PURPOSE).status_code == 200
    entry, = audit_entries(driver, settings.neo4j_database, action="analyst.query")
    assert entry["subject_ids"] == [] and '"rows_shown": 0' in entry["detail"]


def test_queries_and_exports_count_against_the_analysts_daily_quota(driver, settings):
    load_analyst_world(driver, settings.neo4j_database, settings)
    app = create_app(api_settings(settings, daily_searches={"analyst": 2}), driver=driver)
    with TestClient(app) as client:
        headers = auth(tokens_for(app.state.settings)["analyst"]) | PURPOSE
        answers = [client.post(path, json={"level": "household"}, headers=headers).status_code
                   for path in itertools.islice(itertools.cycle((ALERTS, EXPORT)), 3)]
    assert answers == [200, 200, 429]


def test_the_dashboard_workspace_takes_no_purpose_from_a_url_shows_nothing_identifying_and_audits_exports(
        workspace, driver, settings):
    from tests.dashboard_client import D, csrf, signed_in

    client, _, _ = workspace
    app = client.app
    analyst = signed_in(app, "analyst1")
    token = csrf(analyst.get(f"{D}/analyst").text)
    form = {"csrf_token": token, "level": "household", "district": "cv1", "purpose": "other", "purpose_other": ""}
    unstated = analyst.post(f"{D}/analyst", data=form)
    assert unstated.status_code == 400 and "Say why you are running this query" in unstated.text
    in_url = analyst.post(f"{D}/analyst", params={"purpose": PURPOSE_TEXT}, data=form | {"purpose_other": "x" * 5})
    assert in_url.status_code == 400 and "cannot go in a web address" in in_url.text
    entries = audit_entries(driver, settings.neo4j_database, username="analyst1")
    assert [e for e in entries if e["action"].startswith("analyst.")] == []
    narrowed = analyst.post(f"{D}/analyst", data=form | {"purpose_other": "Board report"})
    assert narrowed.status_code == 200 and "Fewer than 5 alerts match" in narrowed.text
    assert 'id="analyst-rows"' not in narrowed.text
    _assert_nothing_identifies(narrowed.text)
    exported = analyst.post(f"{D}/analyst/export", data=form | {"district": "B12", "purpose_other": "Board report"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    _assert_nothing_identifies(exported.text)
    export, = audit_entries(driver, settings.neo4j_database, action="analyst.export")
    assert export["purpose"] == "Board report" and len(export["subject_ids"]) == 12
    mash = signed_in(app, "mash1")
    assert mash.get(f"{D}/analyst").status_code == 403
    assert mash.post(f"{D}/analyst/export", data=form | {"csrf_token": token}).status_code == 403
