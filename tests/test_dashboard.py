"""The dashboard's pages over HTTP (no browser): sign-in and the session cookie, CSRF,
role limits, need-to-know and the audit trail, against the real Neo4j and
the small world of tests/e2e/world.py. The browser tests are in tests/e2e/."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from aim.api.app import create_app
from tests.dashboard_client import D, csrf, open_with_purpose, search, signed_in
from tests.e2e.world import PASSWORD, dashboard_settings

pytestmark = pytest.mark.neo4j


@pytest.fixture(scope="module")
def app(dashboard_world, driver, settings):
    return create_app(dashboard_settings(settings), driver=driver)


def test_pages_need_signing_in_and_the_cookie_is_httponly_and_strict(app):
    client = TestClient(app)
    response = client.get(f"{D}/alerts", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith(f"{D}/sign-in?next=")
    page = client.get(f"{D}/sign-in")
    assert page.status_code == 200 and 'autocomplete="current-password"' in page.text
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
    wrong = client.post(f"{D}/sign-in", data={"username": "mash1", "password": "nope", "nonce": nonce})
    assert wrong.status_code == 401 and "Wrong username or password" in wrong.text
    nonce = re.search(r'name="nonce" value="([^"]+)"', wrong.text).group(1)
    ok = client.post(f"{D}/sign-in", data={"username": "mash1", "password": PASSWORD, "nonce": nonce},
                     follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == f"{D}/search"
    cookie = [h for h in ok.headers.get_list("set-cookie") if h.startswith("aim_session=")][0].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/dashboard" in cookie


def test_sign_in_without_the_forms_nonce_is_refused(app):
    client = TestClient(app)
    response = client.post(f"{D}/sign-in", data={"username": "mash1", "password": PASSWORD, "nonce": "forged"})
    assert response.status_code == 400 and "aim_session" not in response.headers.get("set-cookie", "")


def test_forms_need_the_csrf_token_and_this_sites_origin(app, dashboard_world):
    client = signed_in(app, "mash1")
    target = f"{D}/people/{dashboard_world.child_id}/watch"
    form = {"reason": "x" * 10, "owner": "mash1", "review_date": "2030-01-01", "purpose": "test"}
    assert client.post(target, data=form).status_code == 403
    page = client.get(f"{D}/search")
    token = csrf(page.text)
    assert client.post(target, data=form | {"csrf_token": token},
                       headers={"Origin": "https://evil.example"}).status_code == 403


def test_dashboard_pages_have_their_own_csp_and_the_api_keeps_its_own(app):
    client = TestClient(app)
    page = client.get(f"{D}/sign-in")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["cache-control"] == "no-store"
    assert client.get("/api/v1/health/live").headers["content-security-policy"] == "default-src 'none'; frame-ancestors 'none'"
    css = client.get("/static/vendor/govuk/govuk-frontend.min.css")
    assert css.status_code == 200 and "GDS Transport" not in css.text
    assert client.get("/static/vendor/cytoscape/cytoscape.min.js").status_code == 200


def test_mash_search_tolerates_a_nickname_and_a_typo_and_is_audited(app, dashboard_world, driver, settings):
    client = signed_in(app, "mash1")
    page = search(client, first_name="Bill", last_name="Smtih", purpose="MASH triage")
    assert page.status_code == 200
    assert dashboard_world.child_id in page.text and "William Smith" in page.text
    assert "West Midlands Police" in page.text  # the agencies that know him, by name
    rows, _, _ = driver.execute_query(
        "MATCH (a:AuditEntry {username: 'mash1', action: 'person.search'}) RETURN a.purpose AS p",
        database_=settings.neo4j_database)
    assert "MASH triage" in [r["p"] for r in rows]


def test_search_needs_criteria_and_a_purpose(app):
    client = signed_in(app, "mash1")
    page = search(client, first_name="", purpose="")
    assert "Enter a name or a date of birth" in page.text and "Say why you are searching" in page.text


def test_person_view_asks_for_a_purpose_then_shows_every_organisation(app, dashboard_world):
    client = signed_in(app, "mash1")
    prompt = client.get(f"{D}/people/{dashboard_world.child_id}")
    assert "Why are you opening this record?" in prompt.text
    page = open_with_purpose(client, f"{D}/people/{dashboard_world.child_id}", "Welfare check")
    assert page.status_code == 200
    text = page.text
    assert "William Smith" in text and "Oak Primary School" in text and "Hall Green Surgery" in text
    assert "Missing person" in text and "DS Priya Patel" in text
    assert "No activity reported" in text  # Children's Social Care knows nothing of him
    assert "Add to watch list" in text and "View network" in text


def test_partner_sees_view_only_screens_without_activity_details(app, dashboard_world):
    client = signed_in(app, "partner1")
    home = client.get(f"{D}/search")
    assert "Partner agency (view only)" in home.text
    assert f'href="{D}/alerts"' not in home.text and f'href="{D}/review"' not in home.text
    child = dashboard_world.child_id
    for path in ("/alerts", "/watch-list", "/review", "/audit", f"/people/{child}/network?purpose=xyz"):
        assert client.get(D + path).status_code == 403, path
    page = open_with_purpose(client, f"{D}/people/{dashboard_world.child_id}", "Request for information")
    assert page.status_code == 200
    assert "Missing person" not in page.text and "Activity reported" in page.text
    assert "Add to watch list" not in page.text
    # view only: its one form (issue 14) asks the MASH to review, nothing else posts from the page
    after_header = page.text.split("</header>")[1]
    forms = re.findall(r'<form[^>]*action="([^"]+)"', after_header)
    assert forms == [f"{D}/people/{dashboard_world.child_id}/review-request"]
    assert after_header.count("csrf_token") == 1
    assert "ED-77" not in page.text  # another agency's record


def test_dpo_sees_the_audit_of_what_others_viewed(app, dashboard_world):
    open_with_purpose(signed_in(app, "mash1"), f"{D}/people/{dashboard_world.child_id}", "Strategy discussion")
    client = signed_in(app, "dpo1")
    page = client.get(f"{D}/audit", params={"username": "mash1"})
    assert page.status_code == 200 and "Strategy discussion" in page.text and "person.view" in page.text
    assert client.get(f"{D}/search").status_code == 403


def test_alert_actions_refer_watch_and_dismiss_with_a_reason_then_end_the_watch(app, dashboard_world, driver, settings):
    from aim.graph.alerts.lifecycle import list_alerts

    alerts = {a["rule"]: a["alert_id"] for a in list_alerts(driver=driver, settings=settings)}
    client = signed_in(app, "mash1")
    page = client.get(f"{D}/alerts/{alerts['escalation']}")
    assert page.status_code == 200 and "against 0 in the 180 days before" in page.text
    token = csrf(page.text)

    def act(rule: str, **form):
        return client.post(f"{D}/alerts/{alerts[rule]}/action", data={"csrf_token": token, **form},
                           follow_redirects=True)

    assert "Alert referred to the MASH." in act("high_risk_child", action="refer", reason="strategy meeting").text
    no_reason = act("household_cluster", action="dismiss")
    assert no_reason.status_code == 400 and "Give a reason for dismissing" in no_reason.text
    assert "Alert dismissed." in act("household_cluster", action="dismiss", reason="known to CSC already").text
    watched = act("escalation", action="watch", reason="keep an eye", owner="mash1", review_date="2030-01-31")
    assert "its subject is on the watch list" in watched.text
    closed = client.get(f"{D}/alerts/{alerts['high_risk_child']}")
    assert "This alert is closed" in closed.text and 'id="alert-action"' not in closed.text
    listing = client.get(f"{D}/watch-list")
    assert dashboard_world.child_id in listing.text and "31 Jan 2030" in listing.text
    watch_id = re.search(r'/watch-list/([^/"]+)/end', listing.text).group(1)
    ended = client.post(f"{D}/watch-list/{watch_id}/end", data={"csrf_token": token, "reason": "closed by MASH"},
                        follow_redirects=True)
    assert "Watch-list entry ended." in ended.text


@pytest.mark.parametrize("username, home, shows, hides", [
    ("analyst1", "/analyst", "Analyst workspace", "William"),
    ("admin1", "/users", "partner1", "William"),
    ("dpo1", "/audit", "Who looked at", "Match review"),
])
def test_each_role_lands_on_its_own_screen(app, dashboard_world, username, home, shows, hides):
    client = signed_in(app, username)
    landing = client.get(f"{D}/", follow_redirects=False)
    assert landing.headers["location"] == D + home
    page = client.get(D + home)
    assert page.status_code == 200 and shows in page.text and hides not in page.text
    assert client.get(f"{D}/people/{dashboard_world.child_id}?purpose=curious").status_code == 403


def test_an_unexpected_failure_is_an_html_error_page_not_json(app, dashboard_world, monkeypatch):
    from aim.api.services import watchlist

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(watchlist, "entries", broken)
    page = signed_in(app, "mash1").get(f"{D}/watch-list")
    assert page.status_code == 500 and "Something went wrong" in page.text and "boom" not in page.text
    assert page.headers["content-type"].startswith("text/html")
