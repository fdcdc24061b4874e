"""Fixtures for the dashboard tests: the small world (tests/e2e/world.py) loaded into the
real Neo4j once per module, and the app that serves it."""

from __future__ import annotations

import pytest

from aim.api.settings import ApiSettings

SECRET = "dashboard-test-secret-" + "x" * 40


def dashboard_settings(settings) -> ApiSettings:
    return ApiSettings(home=settings.home, jwt_secret=SECRET, neo4j_uri=settings.neo4j_uri,
                       rate_limit_per_minute=100_000, rate_limit_burst=10_000, login_attempts_per_minute=10_000,
                       user_cache_seconds=0.0)


@pytest.fixture(scope="module")
def world(driver, settings, tmp_path_factory):
    from tests.e2e.world import build

    return build(driver, settings, tmp_path_factory.mktemp("world"))
