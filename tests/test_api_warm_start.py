"""The app as ``aim serve`` runs it readies real-time resolution before its first request (the
model parsed, a submission's statements planned by Neo4j) and freezes what start-up made, so
that the garbage collector's full passes skip it."""

from __future__ import annotations

import gc

import pytest
from fastapi.testclient import TestClient

from neo4j._sync.work.transaction import TransactionBase

from aim.api.app import create_app
from aim.api.deps import Backend, Caller
from aim.api.security import Principal
from aim.api.services import records as records_service
from aim.graph.access.audit import AuditContext
from aim.graph.identity import models
from tests.api_world import api_settings

pytestmark = pytest.mark.neo4j


@pytest.mark.parametrize("warm_start", [False, True])
def test_a_warm_start_reads_the_model_plans_and_freezes_start_up(town, settings, monkeypatch, warm_start):
    monkeypatch.setattr(models, "_PARSED", {})   # no model parsed yet in this process
    planned = []
    monkeypatch.setattr(records_service, "warm_plans", planned.append)
    current = models.current_model(town, settings.neo4j_database)[1]
    models._PARSED.clear()
    frozen = gc.get_freeze_count()
    try:
        with TestClient(create_app(api_settings(settings), driver=town, warm_start=warm_start)):
            # started, no request sent
            assert list(models._PARSED) == ([current] if warm_start else [])
            assert (gc.get_freeze_count() > frozen) is warm_start
            assert len(planned) == warm_start
    finally:
        gc.unfreeze()


def _statements_run(monkeypatch) -> list[str]:
    """Every statement run from now on, in order (explicit and managed transactions alike)."""
    seen: list[str] = []
    original = TransactionBase.run

    def run(self, query, parameters=None, **kwargs):
        seen.append(str(query))
        return original(self, query, parameters, **kwargs)

    monkeypatch.setattr(TransactionBase, "run", run)
    return seen


def _contents(driver, database: str) -> tuple:
    """Nodes per label, relationships per type, the audit chain's head: what a write would change."""
    nodes, _, _ = driver.execute_query("MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label",
                                       database_=database)
    links, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type",
                                       database_=database)
    head, _, _ = driver.execute_query("OPTIONAL MATCH (c:AuditChain) RETURN c.seq AS seq, c.head AS head",
                                      database_=database)
    return [tuple(r) for r in nodes], [tuple(r) for r in links], [tuple(r) for r in head]


def test_the_warm_up_runs_every_statement_of_a_submission_and_keeps_nothing(town, settings, monkeypatch):
    be = Backend(town, settings.neo4j_database, api_settings(settings))
    before = _contents(town, settings.neo4j_database)
    seen = _statements_run(monkeypatch)
    records_service.warm_plans(be)
    warmed = set(seen)
    assert _contents(town, settings.neo4j_database) == before

    known, _, _ = town.execute_query("MATCH (r:Record) WHERE r.date_of_birth IS NOT NULL RETURN r ORDER BY "
                                     "r.source_record_id LIMIT 1", database_=settings.neo4j_database)
    r = known[0]["r"]
    born = r["date_of_birth"]
    seen.clear()
    caller = Caller(Principal("partner1", "partner", "WMP"),
                    AuditContext("partner1", "partner", "WMP", "POST", "/api/v1/records"))
    outcome = records_service.submit(be, caller, [{
        "source_record_id": "WARM-TEST-1", "first_name": r["first_name"], "last_name": r["last_name"],
        "date_of_birth": f"{born.day:02d}/{born.month:02d}/{born.year}", "gender": r.get("gender") or "U",
        "address": r.get("address") or "", "postcode": r.get("postcode") or "", "event_id": "WARM-TEST-E1",
        "event_date": "01/10/2026", "event_type": "concern_for_welfare"}])
    assert outcome["resolution"] == "resolved" and outcome["persons"]
    assert seen and set(seen) <= warmed


def test_the_warm_up_before_any_model_writes_nothing(graph, settings):
    before = _contents(graph, settings.neo4j_database)
    records_service.warm_plans(Backend(graph, settings.neo4j_database, api_settings(settings)))
    assert _contents(graph, settings.neo4j_database) == before
