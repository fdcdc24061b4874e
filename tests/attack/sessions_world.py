"""What the sessions and four-eyes attack tests share: signing in through the API and the
dashboard as a client behind the TLS proxy, and reading the audit."""

from __future__ import annotations

import re

from tests.api_world import PASSWORD, V1

CLIENT = "203.0.113.7"  # the address the TLS proxy forwards (documentation range)
PURPOSE = {"X-AIM-Purpose": "strategy meeting"}


def sign_in(client, username: str, password: str = PASSWORD):
    return client.post(f"{V1}/auth/token", data={"username": username, "password": password})


def token_of(client, username: str, password: str = PASSWORD) -> str:
    response = sign_in(client, username, password)
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def audit_entries(driver, action: str) -> list[dict]:
    records, _, _ = driver.execute_query(
        "MATCH (a:AuditEntry {action: $action}) RETURN a {.*} AS a ORDER BY a.at", action=action)
    return [r["a"] for r in records]


def dashboard_sign_in(client, username: str, password: str = PASSWORD):
    page = client.get("/dashboard/sign-in")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
    return client.post("/dashboard/sign-in", data={"username": username, "password": password, "nonce": nonce},
                       follow_redirects=False)


def csrf_of(page_html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page_html).group(1)
