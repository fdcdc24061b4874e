"""The analyst workspace through the API (issue 14, deliverable 6): household and person alert
queries, each filter, the aggregates and the CSV export, against the real Neo4j and the
world of tests/analyst_world.py (what an analyst may NOT see is attacked in
tests/attack/test_analyst_workspace.py)."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from aim.api.app import create_app
from tests.analyst_world import HOUSEHOLDS, PERSON_ALERTS, load_analyst_world
from tests.api_world import PURPOSE, V1, api_settings, auth, tokens_for

pytestmark = pytest.mark.neo4j
ALERTS = f"{V1}/analyst/alerts"


@pytest.fixture
def analyst(driver, settings):
    """(client, the analyst's headers with a purpose)."""
    load_analyst_world(driver, settings.neo4j_database, settings)
    app = create_app(api_settings(settings), driver=driver)
    with TestClient(app) as client:
        yield client, auth(tokens_for(app.state.settings)["analyst"]) | PURPOSE


def _query(client, headers, **filters) -> dict:
    response = client.post(ALERTS, json=filters, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def _counts(found: dict, breakdown: str) -> dict:
    return {g["group"]: g["alerts"] for g in found["aggregates"][breakdown]}


def test_a_household_query_gives_pseudonymised_rows_and_every_aggregate(analyst):
    client, headers = analyst
    found = _query(client, headers, level="household")
    assert found["total"] == HOUSEHOLDS + 1
    assert len(found["rows"]) == HOUSEHOLDS + 1 and not found["rows_withheld"]
    assert {r["level"] for r in found["rows"]} == {"household"}
    assert all(r["subject"].startswith("anon-") for r in found["rows"])
    b12 = [r for r in found["rows"] if r["district"] == "B12"]
    assert {r["household_size"] for r in b12} == {"3-4"} and {tuple(r["age_bands"]) for r in b12} == {("0-4", "25-44")}
    assert {r["month"] for r in found["rows"]} == {"2025-06", "2025-07", "2025-08"}
    assert _counts(found, "by_month") == {"2025-06": 7, "2025-07": 5, "2025-08": None}
    assert _counts(found, "by_rule") == {"High-risk event in a household with a child": 12,
                                         "Activity clustered in one household": None}
    assert _counts(found, "by_agency") == {"West Midlands Police": 12, "City Hospital Emergency Department": 6,
                                           "Oak Primary School": None}
    assert _counts(found, "by_area") == {"B12": 12, "CV1": None}
    # suppressed groups come last, so that the order never ranks one small count above another
    assert [g["alerts"] for g in found["aggregates"]["by_agency"]] == [12, 6, None]


@pytest.mark.parametrize(("filters", "total"), [
    ({"rag": "Red"}, 8),
    ({"rule": "high_risk_household"}, 12),
    ({"from_month": "2025-07", "to_month": "2025-07"}, 5),
    ({"from_month": "2025-07"}, 6),
    ({"to_month": "2025-06"}, 7),
    ({"district": "B12"}, 12),
    ({"household_size": "3-4"}, 12),
    ({"age_band": "0-4"}, 12),
    ({"age_band": "25-44", "rag": "Red", "district": "B12"}, 8),
])
def test_each_household_filter_narrows_the_query(analyst, filters, total):
    client, headers = analyst
    found = _query(client, headers, level="household", **filters)
    assert found["total"] == total and len(found["rows"]) == total
    assert found["filters"] == {"level": "household"} | filters


def test_a_person_query_finds_each_person_by_their_household_area_size_and_age(analyst):
    client, headers = analyst
    found = _query(client, headers, level="person")
    assert found["total"] == PERSON_ALERTS
    assert {(r["level"], r["district"], r["household_size"], tuple(r["age_bands"])) for r in found["rows"]} == {
        ("person", "B12", "3-4", ("0-4",))}
    assert _query(client, headers, level="person", age_band="0-4", district="B12")["total"] == PERSON_ALERTS
    assert _query(client, headers, level="person", age_band="25-44")["total"] is None
    assert _counts(found, "by_rule") == {"Multi-agency activity (child)": PERSON_ALERTS}


def test_the_export_is_the_query_as_csv_with_suppressed_counts(analyst):
    client, headers = analyst
    response = client.post(f"{ALERTS}/export", json={"level": "household"}, headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    alerts = [r for r in rows if r["section"] == "alert"]
    assert len(alerts) == HOUSEHOLDS + 1 and all(r["subject"].startswith("anon-") for r in alerts)
    assert {r["agencies"] for r in alerts} >= {"City Hospital Emergency Department;West Midlands Police"}
    assert [r["alerts"] for r in rows if r["section"] == "total"] == ["13"]
    by_area = {r["group"]: r["alerts"] for r in rows if r["section"] == "by_area"}
    assert by_area == {"B12": "12", "CV1": "<5"}


def test_the_choices_list_the_rules_that_raised_alerts_and_the_bands(analyst):
    client, headers = analyst
    response = client.get(f"{V1}/analyst/choices", headers=headers)
    assert response.status_code == 200
    choices = response.json()
    assert [r["rule"] for r in choices["rules"]] == ["high_risk_household", "household_cluster", "multi_agency_child"]
    assert "0-4" in choices["age_bands"] and "7+" in choices["household_sizes"]


@pytest.mark.parametrize("filters", [
    {"from_month": "2025-13"}, {"level": "case"}, {"rag": "red"}, {"district": "B12 9QT"}, {"subject_id": "x"},
])
def test_malformed_filters_are_refused_by_the_schema(analyst, filters):
    client, headers = analyst
    assert client.post(ALERTS, json=filters, headers=headers).status_code == 422


@pytest.mark.parametrize(("filters", "field"), [
    ({"district": "12B"}, "district"), ({"age_band": "3-7"}, "age_band"), ({"household_size": "4"}, "household_size"),
    ({"from_month": "2025-08", "to_month": "2025-06"}, "to_month"),
])
def test_filters_the_workspace_cannot_run_say_which_and_why(analyst, filters, field):
    client, headers = analyst
    response = client.post(ALERTS, json=filters, headers=headers)
    assert response.status_code == 400
    assert field in response.json()["detail"]


@pytest.mark.parametrize(("postcode", "expected"), [
    ("B12 9QT", "B12"), ("b129qt", "B12"), ("CV1 2AB", "CV1"), ("SW1A 1AA", "SW1A"), ("B12", None), ("", None),
    (None, None), ("NOT A POSTCODE", None),
])
def test_a_postcode_gives_its_district_and_nothing_else(postcode, expected):
    from aim.graph.views.analyst import district

    assert district(postcode) == expected


def test_the_export_neutralises_cells_a_spreadsheet_would_run():
    from aim.graph.views.analyst_report import report, to_csv

    rows = [{"subject_id": f"H-{i}", "subject_type": "household", "rule": "r", "title": "=cmd|' /C calc'!A0",
             "rag": "Red", "status": "new", "first_raised": None, "district": "B12", "household_size": "3-4",
             "age_bands": ["0-4"], "agencies": ["@SUM(1+1)"]} for i in range(5)]
    exported = list(csv.DictReader(io.StringIO(to_csv(report(rows, b"k" * 32)))))
    assert {r["rule"] for r in exported if r["section"] == "alert"} == {"'=cmd|' /C calc'!A0"}
    assert {r["group"] for r in exported if r["section"] == "by_agency"} == {"'@SUM(1+1)"}
    assert not any(r["subject"].startswith("H-") for r in exported)
