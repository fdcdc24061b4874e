"""The production compose file cannot run here (no Docker engine); check its structure."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_runs_neo4j_with_plugins_and_the_api_with_health_checks():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    neo4j, api = compose["services"]["neo4j"], compose["services"]["api"]
    assert neo4j["image"].startswith("neo4j:5.26")
    assert "apoc" in neo4j["environment"]["NEO4J_PLUGINS"]
    assert "graph-data-science" in neo4j["environment"]["NEO4J_PLUGINS"]
    assert {"healthcheck", "volumes"} <= set(neo4j)
    assert api["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert "healthcheck" in api
    assert set(compose["volumes"]) >= {"neo4j-data"}


def test_compose_takes_secrets_from_the_environment():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    environment = compose["services"]["api"]["environment"]
    assert environment["AIM_NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD:?")
    assert environment["AIM_JWT_SECRET"].startswith("${AIM_JWT_SECRET:?")
    assert compose["services"]["neo4j"]["environment"]["NEO4J_AUTH"] == "neo4j/${NEO4J_PASSWORD:?set NEO4J_PASSWORD}"
