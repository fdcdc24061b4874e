"""Production mode (AIM_ENV=production) through the real app and the real Neo4j: the
dashboard's cookies are Secure even when the hop from the proxy is plain HTTP."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from aim import cypher
from aim.api.app import create_app
from aim.api.settings import ApiSettings
from aim.graph.access.users import hash_password

pytestmark = pytest.mark.neo4j

PASSWORD = "production password 1"


@pytest.fixture(scope="module")
def password_hash() -> str:
    return hash_password(PASSWORD)


def app_for(settings, driver, password_hash, **overrides):
    driver.execute_query(cypher.load("api/users_create"), username="mash1", password_hash=password_hash, role="mash",
                         organisation="MASH", full_name=None, database_=settings.neo4j_database)
    values = {"home": settings.home, "jwt_secret": "production-test-" + "s" * 40, "neo4j_uri": settings.neo4j_uri,
              "rate_limit_per_minute": 100_000, "rate_limit_burst": 10_000, "login_attempts_per_minute": 10_000}
    return create_app(ApiSettings(**(values | overrides)), driver=driver)


def dashboard_cookies(app) -> dict[str, str]:
    """Sign in over plain HTTP (as the proxy's hop to the API is); each cookie given a value, by name."""
    client = TestClient(app, base_url="http://testserver")
    page = client.get("/dashboard/sign-in")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
    # A Secure cookie is not sent back over HTTP by the client, so the nonce goes by hand.
    signed_in = client.post("/dashboard/sign-in", data={"username": "mash1", "password": PASSWORD, "nonce": nonce},
                            headers={"Cookie": f"aim_signin={nonce}"}, follow_redirects=False)
    assert signed_in.status_code == 303, signed_in.text
    headers = page.headers.get_list("set-cookie") + signed_in.headers.get_list("set-cookie")
    return {header.split("=", 1)[0]: header.lower() for header in headers if "max-age=0" not in header.lower()}


def test_production_mode_makes_every_dashboard_cookie_secure_over_plain_http(graph, settings, password_hash):
    cookies = dashboard_cookies(app_for(settings, graph, password_hash, env="production"))
    assert {"aim_signin", "aim_session"} <= set(cookies)
    assert all("; secure" in cookie for cookie in cookies.values()), cookies


def test_development_mode_over_plain_http_leaves_the_session_cookie_usable_without_tls(graph, settings, password_hash):
    cookies = dashboard_cookies(app_for(settings, graph, password_hash, env="development"))
    assert "; secure" not in cookies["aim_session"]
