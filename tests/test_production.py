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


def docs_app(settings, driver, **overrides):
    values = {"home": settings.home, "jwt_secret": "production-test-" + "s" * 40, "neo4j_uri": settings.neo4j_uri}
    return create_app(ApiSettings(**(values | overrides)), driver=driver)


def test_api_docs_and_the_openapi_document_are_off_unless_enabled(driver, settings):
    client = TestClient(docs_app(settings, driver))
    assert client.get("/api/v1/docs").status_code == 404
    assert client.get("/api/v1/openapi.json").status_code == 404
    assert client.get("/api/v1/health/live").status_code == 200


def test_enabled_api_docs_use_only_this_sites_own_assets(driver, settings):
    client = TestClient(docs_app(settings, driver, api_docs=True))
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert {"/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/vendor/swagger-ui/swagger-ui.css",
            "/static/docs/swagger-init.js"} <= set(assets)
    assert all(asset.startswith("/static/") for asset in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    policy = page.headers["content-security-policy"]
    assert "http" not in policy and "'unsafe-inline'" not in policy
    assert client.get("/api/v1/openapi.json").json()["info"]["title"] == "AIM API"
    assert "validatorUrl: null" in client.get("/static/docs/swagger-init.js").text


@pytest.mark.browser
def test_api_docs_render_in_a_browser_that_can_reach_nothing_but_this_app(driver, settings):
    """Chromium's every request is answered by the app in process; any other address is refused."""
    from playwright.sync_api import sync_playwright

    from tests.e2e.browser import ARGS, CHROMIUM

    client = TestClient(docs_app(settings, driver, api_docs=True), base_url="http://aim.test")
    elsewhere, refused = [], []

    def this_app_only(route):
        url = route.request.url
        if not url.startswith("http://aim.test/"):
            elsewhere.append(url)
            return route.abort()
        answer = client.get(url)
        return route.fulfill(status=answer.status_code, headers=dict(answer.headers), body=answer.content)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.on("console", lambda message: refused.append(message.text)
                if "Content Security Policy" in message.text else None)
        page.on("pageerror", lambda error: refused.append(f"script error: {error}"))
        page.route("**/*", this_app_only)
        page.goto("http://aim.test/api/v1/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=15_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        page.locator(".opblock-summary").first.click()  # an operation opened: its parameters and schemas
        page.wait_for_selector(".opblock-body", timeout=15_000)
        page.locator(".models-control, .model-box-control").first.click()
        browser.close()
    assert "/api/v1/persons/search" in paths
    assert elsewhere == [] and refused == []
