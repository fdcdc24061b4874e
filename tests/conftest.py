"""Shared fixtures. Integration tests run against a real Neo4j, never a mock.

The tests use their own AIM home (``.aim/test``), so running them never touches the
demo database; the server is started here when it is not running already (``.ci/run``
starts it beforehand) and stopped again if this session started it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
os.environ.setdefault("AIM_HOME", str(REPO / ".aim" / "test"))

from aim.settings import get_settings  # noqa: E402  (reads AIM_HOME set above)


@pytest.fixture(scope="session")
def settings():
    return get_settings()


@pytest.fixture(scope="session")
def neo4j_server(settings):
    from aim.graph.store import LocalNeo4j

    server = LocalNeo4j(settings)
    started_here = not server.status().running and not settings.neo4j_uri
    if started_here:
        server.start()
    yield server
    if started_here:
        server.stop()


@pytest.fixture(scope="session")
def driver(neo4j_server, settings):
    from aim.graph.store import get_driver
    from aim.graph.store import migrate

    driver = get_driver()
    driver.verify_connectivity()
    migrate(driver, settings.neo4j_database)
    return driver


@pytest.fixture
def graph(driver, settings):
    """An empty AIM graph (schema in place) for one test."""
    from tests.graph_helpers import wipe

    wipe(driver, settings.neo4j_database)
    return driver


@pytest.fixture(scope="module")
def dashboard_world(driver, settings, tmp_path_factory):
    """The dashboard tests' small world (tests/e2e/world.py), loaded once per module."""
    from tests.e2e.world import build

    return build(driver, settings, tmp_path_factory.mktemp("world"))


@pytest.fixture
def event_world(graph, settings, tmp_path):
    """Events ingested for records, persons and households made over them (the alert tests)."""
    from tests.graph_helpers import EventWorld

    return EventWorld(graph, settings, tmp_path)


@pytest.fixture
def town(graph, settings, tmp_path):
    """The small town of factories.town_rows, loaded and resolved (no households yet)."""
    from aim.graph.identity import resolve
    from aim.graph.ingest import ingest_file
    from tests.factories import town_rows, write_csv

    report = ingest_file(write_csv(tmp_path / "town.csv", town_rows()), progress=False, driver=graph, settings=settings)
    assert report.rejected == 0
    resolve(driver=graph, settings=settings, households=False)
    return graph
