"""Fixtures of the attack tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from aim.api.app import create_app
from tests.api_world import api_settings, load_world, tokens_for


@pytest.fixture
def audit_world(driver, settings, tmp_path):
    """The API world with its own audit copy: (client, tokens, path of the copy)."""
    load_world(driver, settings.neo4j_database, settings)
    copy = tmp_path / "audit.jsonl"
    app = create_app(api_settings(settings, audit_log=copy), driver=driver)
    with TestClient(app) as client:
        yield client, tokens_for(app.state.settings), copy
