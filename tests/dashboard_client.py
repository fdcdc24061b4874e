"""The dashboard as a client without a browser uses it: signing in, forms with their CSRF
token, the search form and the purpose prompt (shared by tests/test_dashboard.py and the
attack suite)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.e2e.world import PASSWORD

D = "/dashboard"


def signed_in(app, username: str) -> TestClient:
    client = TestClient(app, base_url="http://testserver")
    page = client.get(f"{D}/sign-in")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
    response = client.post(f"{D}/sign-in", data={"username": username, "password": PASSWORD, "nonce": nonce},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def search(client: TestClient, **fields):
    """The search form, posted (names and the purpose never go into a URL)."""
    return client.post(f"{D}/search", data=fields | {"csrf_token": csrf(client.get(f"{D}/search").text)})


def open_with_purpose(client: TestClient, path: str, purpose: str):
    """A person (network, household) page: the purpose prompt, answered in its POST form."""
    prompt = client.get(path)
    assert "Why are you opening" in prompt.text, prompt.text[:500]
    return client.post(path, data={"purpose": "other", "purpose_other": purpose, "csrf_token": csrf(prompt.text)})
