"""The app as ``aim serve`` runs it readies real-time resolution before its first request and
freezes what start-up made, so that the garbage collector's full passes skip it."""

from __future__ import annotations

import gc

import pytest
from fastapi.testclient import TestClient

from aim.api.app import create_app
from aim.graph.identity import models
from tests.api_world import api_settings

pytestmark = pytest.mark.neo4j


@pytest.mark.parametrize("warm_start", [False, True])
def test_a_warm_start_reads_the_model_and_freezes_start_up(town, settings, monkeypatch, warm_start):
    monkeypatch.setattr(models, "_PARSED", {})   # no model parsed yet in this process
    current = models.current_model(town, settings.neo4j_database)[1]
    models._PARSED.clear()
    frozen = gc.get_freeze_count()
    try:
        with TestClient(create_app(api_settings(settings), driver=town, warm_start=warm_start)):
            # started, no request sent
            assert list(models._PARSED) == ([current] if warm_start else [])
            assert (gc.get_freeze_count() > frozen) is warm_start
    finally:
        gc.unfreeze()
