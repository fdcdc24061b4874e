"""Fixtures for the browser tests: Debian's Chromium, the dashboard served by uvicorn on a free
loopback port against the real Neo4j and the world of tests/e2e/world.py (built once per module),
and a fresh browser context per test."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

from tests.e2e.browser import ARGS, CHROMIUM, VIEWPORT
from tests.e2e.world import dashboard_settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"the browser tests need Chromium at {CHROMIUM}: install it with "
                    f"`apt-get update && apt-get install -y chromium` (or set AIM_CHROMIUM)", pytrace=False)
    return CHROMIUM


@pytest.fixture(scope="module")
def base_url(dashboard_world, driver, settings):
    import uvicorn

    from aim.api.app import create_app

    app = create_app(dashboard_settings(settings), driver=driver)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, name="dashboard-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, base_url):
    context = browser.new_context(viewport=VIEWPORT, base_url=base_url, locale="en-GB")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.csp_errors = []
    page.on("console", lambda m: page.csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    page.on("pageerror", lambda e: page.csp_errors.append(f"script error: {e}"))
    yield page
    context.close()
