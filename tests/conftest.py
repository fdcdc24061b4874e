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


def wipe(driver, database: str) -> None:
    # CALL ... IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
    with driver.session(database=database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


@pytest.fixture
def graph(driver, settings):
    """An empty AIM graph (schema in place) for one test."""
    wipe(driver, settings.neo4j_database)
    return driver


def counts(driver, database: str) -> dict[str, int]:
    """Nodes per label and relationships per type: what 'identical counts' compares."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label", database_=database
    )
    rels, _, _ = driver.execute_query(
        "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type", database_=database
    )
    return {f":{r['label']}": r["n"] for r in nodes} | {f"-{r['type']}->": r["n"] for r in rels}


@pytest.fixture(scope="module")
def dashboard_world(driver, settings, tmp_path_factory):
    """The dashboard tests' small world (tests/e2e/world.py), loaded once per module."""
    from tests.e2e.world import build

    return build(driver, settings, tmp_path_factory.mktemp("world"))
