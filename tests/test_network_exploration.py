"""The network exploration (graph/views/network.read_exploration) on the dashboard's world:
depth over households and addresses, one edge per relationship with its dates, markers, the
period, and events shared by two persons; against the real Neo4j."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from aim.graph.views.network import read_exploration

pytestmark = pytest.mark.neo4j


def _explore(driver, settings, person_id, **kwargs) -> dict:
    with driver.session(database=settings.neo4j_database) as session:
        return session.execute_read(read_exploration, person_id, **kwargs)


def _person_id(driver, settings, first: str, last: str) -> str:
    rows, _, _ = driver.execute_query("MATCH (p:Person {first_name: $f, last_name: $l}) RETURN p.person_id AS id",
                                      f=first, l=last, database_=settings.neo4j_database)
    assert len(rows) == 1, (first, last, rows)
    return rows[0]["id"]


def _names(graph) -> set[str]:
    return {n["properties"].get("first_name") for n in graph["nodes"] if n["label"] == "Person"}


def test_depth_reaches_further_over_households_and_addresses(dashboard_world, driver, settings):
    william = dashboard_world.child_id
    assert _names(_explore(driver, settings, william, depth=1)) == {"William", "Grace"}
    assert _names(_explore(driver, settings, william, depth=2)) == {"William", "Grace", "Dean"}
    three = _explore(driver, settings, william, depth=3)
    assert _names(three) == {"William", "Grace", "Dean", "Kelly", "Mia", "Noah", "Ava"}
    hops = {n["properties"]["first_name"]: n["properties"]["hop"] for n in three["nodes"] if n["label"] == "Person"}
    assert hops["William"] == 0 and hops["Grace"] == 1 and hops["Dean"] == 2 and hops["Kelly"] == 3


def test_one_edge_per_relationship_with_its_dates(dashboard_world, driver, settings):
    dean = _person_id(driver, settings, "Dean", "Walker")
    graph = _explore(driver, settings, dean, depth=1)
    edges = Counter((e["source"], e["target"]) for e in graph["edges"])
    assert edges and max(edges.values()) == 1  # no duplicate household or address edges
    households = [n for n in graph["nodes"] if n["label"] == "Household"]
    oak = next(h for h in households if h["properties"]["line"] == "9 OAK ROAD")
    assert oak["properties"]["member_count"] == 5
    members = [e for e in graph["edges"] if e["type"] == "MEMBER_OF" and e["target"] == oak["id"]]
    assert len(members) == 5 and all(e["properties"]["to"] is None for e in members)
    assert all(e["properties"]["from"] for e in members)
    # the household shows its address: no address node or edge beside it for its members
    assert not any(n["label"] == "Address" and n["properties"].get("line") == "9 OAK ROAD" for n in graph["nodes"])
    elm = next(h for h in households if h["properties"]["line"] == "4 ELM ROAD")
    dean_at_elm = next(e for e in graph["edges"] if e["source"] == f"person:{dean}" and e["target"] == elm["id"])
    past = date.today() - timedelta(days=790)
    assert dean_at_elm["properties"]["from"] == past.isoformat() and dean_at_elm["properties"]["to"]


def test_markers_count_agencies_in_the_period_and_carry_the_alert(dashboard_world, driver, settings):
    william = dashboard_world.child_id
    graph = _explore(driver, settings, william, depth=1)
    me = next(n for n in graph["nodes"] if n["id"] == f"person:{william}")
    assert me["properties"]["agencies"] == 3  # police, the ED and the school (the GP reported no event)
    assert me["properties"]["rag"] in ("red", "amber")
    recent = _explore(driver, settings, william, depth=1, since=date.today() - timedelta(days=6))
    me = next(n for n in recent["nodes"] if n["id"] == f"person:{william}")
    assert me["properties"]["agencies"] == 1  # only the ED's attendance 4 days ago


def test_the_period_restricts_the_links(dashboard_world, driver, settings):
    william = dashboard_world.child_id
    last_year = date.today() - timedelta(days=365)
    assert _names(_explore(driver, settings, william, depth=3, since=last_year)) == {"William", "Grace"}
    two_years_ago = date.today() - timedelta(days=700)
    assert "Grace" not in _names(_explore(driver, settings, william, depth=3, until=two_years_ago - timedelta(days=200)))


def test_persons_who_share_an_event_are_linked_by_it(dashboard_world, driver, settings):
    """An event reported once about two persons' records (the same incident)."""
    grace = _person_id(driver, settings, "Grace", "Smith")
    dean = _person_id(driver, settings, "Dean", "Walker")
    when = date.today() - timedelta(days=30)
    driver.execute_query(
        "MATCH (:Person {person_id: $grace})-[:HAS_RECORD]->(a:Record {source: 'WMP'}) "
        "MATCH (:Person {person_id: $dean})-[:HAS_RECORD]->(b:Record {source: 'WMP'}) "
        "CREATE (e:Event {source: 'WMP', event_id: 'NET-SHARED', date: $when, type: 'domestic_abuse_incident'}) "
        "CREATE (a)-[:HAS_EVENT]->(e), (b)-[:HAS_EVENT]->(e)",
        grace=grace, dean=dean, when=when, database_=settings.neo4j_database)
    try:
        in_period = _explore(driver, settings, grace, depth=1, since=date.today() - timedelta(days=60))
        shared = [e for e in in_period["edges"] if e["type"] == "SHARED_EVENT"]
        assert len(shared) == 1 and {shared[0]["source"], shared[0]["target"]} == {f"person:{grace}", f"person:{dean}"}
        assert shared[0]["properties"]["date"] == when.isoformat()
        assert shared[0]["properties"]["event_type"] == "domestic_abuse_incident"
        before = _explore(driver, settings, grace, depth=1, since=date.today() - timedelta(days=20))
        assert not any(e["type"] == "SHARED_EVENT" for e in before["edges"]) and "Dean" not in _names(before)
    finally:
        driver.execute_query("MATCH (e:Event {event_id: 'NET-SHARED'}) DETACH DELETE e",
                             database_=settings.neo4j_database)
