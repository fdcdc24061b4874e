"""Fixtures of the attack tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aim.api.app import create_app
from tests.api_world import api_settings, load_world, tokens_for
from tests.attack.sessions_world import CLIENT


@pytest.fixture
def audit_world(driver, settings, tmp_path):
    """The API world with its own audit copy: (client, tokens, path of the copy)."""
    load_world(driver, settings.neo4j_database, settings)
    copy = tmp_path / "audit.jsonl"
    app = create_app(api_settings(settings, audit_log=copy), driver=driver)
    with TestClient(app) as client:
        yield client, tokens_for(app.state.settings), copy


@pytest.fixture
def sessions_world(driver, settings):
    """The API world served as if behind the TLS proxy (client address ``CLIENT``), with a lockout after 3
    failures: (client, app settings, driver)."""
    load_world(driver, settings.neo4j_database, settings)
    app_settings = api_settings(settings, lockout_after_failures=3, lockout_first_seconds=60)
    app = create_app(app_settings, driver=driver)
    with TestClient(app, client=(CLIENT, 50000)) as client:
        yield client, app_settings, driver
