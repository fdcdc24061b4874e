"""The network's presentation (api/dashboard/network_elements.py) and the residences'
period rule (graph/views/network): role and dates in words, markers, one element per edge."""

from __future__ import annotations

from datetime import date

from aim.api.dashboard.network_elements import edge_label, edge_words, elements
from aim.graph.views.network import _current_residences


def test_edges_say_their_role_and_dates():
    assert edge_label("MEMBER_OF", {"from": "2021-03-01", "to": None}) == "member, since 2021"
    assert edge_label("LIVES_AT", {"from": "2019-01-05", "to": "2021-07-01"}) == "lived at 2019–2021"
    assert edge_label("LIVES_AT", {"from": "2021-01-05", "to": None}) == "lives at, since 2021"
    assert edge_label("SHARED_EVENT", {"date": "2026-06-12"}) == "same incident 12 Jun 2026"
    assert edge_words("SHARED_EVENT", {"date": "2026-06-12", "event_type": "domestic_abuse_incident",
                                       "organisation": "WMP"}, "Dean Walker (1986)") == \
        "Same domestic abuse incident as Dean Walker (1986) (WMP, 12 Jun 2026)"
    assert edge_words("MEMBER_OF", {"from": "2021-03-01"}, "Household at 9 Oak Road", inverse=False) == \
        "Member of Household at 9 Oak Road (since 2021)"


def test_elements_carry_markers_and_links_and_put_the_person_first():
    graph = {"nodes": [
        {"id": "household:H-1", "label": "Household",
         "properties": {"line": "9 OAK ROAD", "member_count": 5, "rag": "amber"}},
        {"id": "person:P-2", "label": "Person", "properties": {"first_name": "Kelly", "last_name": "Walker",
                                                              "date_of_birth": "1990-08-22", "agencies": 0}},
        {"id": "person:P-1", "label": "Person", "properties": {"first_name": "Dean", "last_name": "Walker",
                                                              "date_of_birth": "1986-02-14", "agencies": 2,
                                                              "rag": "red"}},
    ], "edges": [
        {"source": "person:P-1", "target": "household:H-1", "type": "MEMBER_OF", "properties": {"from": "2026-05-13"}},
        {"source": "person:P-2", "target": "household:H-1", "type": "MEMBER_OF", "properties": {"from": "2026-03-24"}},
    ]}
    found = elements(graph, "P-1")
    first, *rest = [n["data"] for n in found["nodes"]]
    assert first["id"] == "person:P-1" and first["focus"]
    assert first["label"] == "Dean Walker (1986)\n2 agencies · Red alert"
    assert first["links"] == ["Member of Household at 9 Oak Road (since 2026)"]
    household = next(n for n in rest if n["kind"] == "household")
    assert household["label"] == "Household at 9 Oak Road\n5 members · Amber alert"
    assert household["links"] == ["Member: Dean Walker (1986) (since 2026)", "Member: Kelly Walker (1990) (since 2026)"]
    assert next(n for n in rest if n["kind"] == "person")["activity"] == "No activity"
    assert len({e["data"]["id"] for e in found["edges"]}) == 2


def test_a_persons_latest_address_is_open_ended_and_old_ones_end_when_last_seen():
    rows = [{"person_id": "P-1", "address": {"key": "A"}, "from": "2019-01-01", "to": "2020-06-01"},
            {"person_id": "P-1", "address": {"key": "B"}, "from": "2022-01-01", "to": "2023-01-01"}]
    assert [(r["address"]["key"], r["to"]) for r in _current_residences(rows, None, None)] == \
        [("A", "2020-06-01"), ("B", None)]
    since_2024 = _current_residences(rows, date(2024, 1, 1), None)
    assert [r["address"]["key"] for r in since_2024] == ["B"]  # still living there, as far as anyone knows
    assert [r["address"]["key"] for r in _current_residences(rows, None, date(2021, 1, 1))] == ["A"]
