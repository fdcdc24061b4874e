"""Forms that keep work (issue 14, deliverable 11), over HTTP against the real Neo4j and the
dashboard's world: a watch-list form that is not complete comes back with what was typed; a
second add shows the entry instead of replacing it; a form sent after the session ended is
offered again after sign-in (to its user only); every dashboard error is an HTML page while
the API keeps its JSON. The browser journeys are in tests/e2e/test_forms_browser.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from fastapi.testclient import TestClient

from aim.api.app import create_app
from aim.api.keys import token_key
from tests.dashboard_client import D, csrf, open_with_purpose, signed_in
from tests.e2e.world import PASSWORD, dashboard_settings

pytestmark = pytest.mark.neo4j
NOTE = "Missing twice this month; school worried about bruising"


@pytest.fixture(scope="module")
def app(dashboard_world, driver, settings):
    return create_app(dashboard_settings(settings), driver=driver)


@pytest.fixture
def unwatched(dashboard_world, driver) -> str:
    """William, with no active watch entry."""
    driver.execute_query("MATCH (w:WatchEntry {subject_id: $id}) DETACH DELETE w", id=dashboard_world.child_id)
    return dashboard_world.child_id


def _sign_in_again(client: TestClient, username: str, next_url: str):
    page = client.get(f"{D}/sign-in", params={"next": next_url})
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
    return client.post(f"{D}/sign-in", data={"username": username, "password": PASSWORD, "nonce": nonce,
                                             "next": next_url})


def test_an_empty_watch_list_reason_reshows_the_form_with_what_was_typed(app, unwatched):
    client = signed_in(app, "mash1")
    person = f"{D}/people/{unwatched}"
    token = csrf(open_with_purpose(client, person, "MASH triage").text)
    page = client.post(f"{person}/watch", data={"csrf_token": token, "subject_type": "person", "reason": "  ",
                                                "owner": "duty.officer", "review_date": "2030-02-14"})
    assert page.status_code == 400
    assert "String should have" not in page.text and "Give the reason for watching" in page.text
    form = page.text.split('id="watch-form"')[1].split("</form>")[0]
    assert 'value="duty.officer"' in form and 'value="2030-02-14"' in form
    assert 'id="watch-details" open' in page.text and 'id="person-name"' in page.text


def test_adding_a_watched_person_again_shows_the_entry_and_updates_only_when_asked(app, unwatched, driver):
    client = signed_in(app, "mash1")
    person = f"{D}/people/{unwatched}"
    token = csrf(open_with_purpose(client, person, "MASH triage").text)
    form = {"csrf_token": token, "subject_type": "person", "owner": "mash1", "review_date": "2030-02-14"}
    assert client.post(f"{person}/watch", data=form | {"reason": "first reason"}).status_code == 200
    again = client.post(f"{person}/watch", data=form | {"reason": "second reason"})
    assert again.status_code == 409 and "already on the watch list" in again.text
    assert "first reason" in again.text.split('id="watching"')[1] and "second reason" in again.text
    rows, _, _ = driver.execute_query("MATCH (w:WatchEntry {subject_id: $id, active: true}) RETURN w.reason AS r",
                                      id=unwatched)
    assert [r["r"] for r in rows] == ["first reason"]  # not replaced silently
    assert 'name="update" value="yes"' in again.text
    updated = client.post(f"{person}/watch", data=form | {"reason": "second reason", "update": "yes"})
    assert updated.status_code == 200 and "The watch-list entry is updated" in updated.text
    rows, _, _ = driver.execute_query("MATCH (w:WatchEntry {subject_id: $id, active: true}) RETURN w.reason AS r",
                                      id=unwatched)
    assert [r["r"] for r in rows] == ["second reason"]


def test_a_form_sent_after_the_session_ended_is_offered_again_after_signing_in(app, unwatched, driver):
    client = signed_in(app, "mash1")
    person = f"{D}/people/{unwatched}"
    token = csrf(open_with_purpose(client, person, "MASH triage").text)
    client.cookies.delete("aim_session", path="/dashboard")
    kept = client.post(f"{person}/watch", data={"csrf_token": token, "subject_type": "person", "reason": NOTE,
                                                "owner": "mash1", "review_date": "2030-02-14"},
                       follow_redirects=False)
    assert kept.status_code == 303 and kept.headers["location"] == f"{D}/sign-in?next=%2Fdashboard%2Fresume"
    assert NOTE.split()[0] not in kept.headers["location"]  # nothing typed goes into a URL
    assert "Your session ended" in client.get(kept.headers["location"]).text
    resumed = _sign_in_again(client, "mash1", f"{D}/resume")
    assert resumed.status_code == 200 and NOTE in resumed.text and "Send your form again" in resumed.text
    form = resumed.text.split('id="resume-form"')[1].split("</form>")[0]
    fields = dict(re.findall(r'name="([^"]+)" (?:type="text" )?value="([^"]*)"', form))
    fields["reason"] = re.search(r'name="reason"[^>]*>([^<]*)</textarea>', form).group(1)
    sent = client.post(f"{person}/watch", data=fields)
    assert sent.status_code == 200 and "Added to the watch list" in sent.text
    rows, _, _ = driver.execute_query("MATCH (w:WatchEntry {subject_id: $id, active: true}) RETURN w.reason AS r",
                                      id=unwatched)
    assert [r["r"] for r in rows] == [NOTE]
    assert "Nothing to return to" in client.get(f"{D}/resume").text  # one time only


def test_a_kept_form_is_not_shown_to_another_user_signing_in(app, unwatched):
    client = signed_in(app, "mash1")
    person = f"{D}/people/{unwatched}"
    token = csrf(open_with_purpose(client, person, "MASH triage").text)
    settings = app.state.settings
    past = datetime.now(UTC) - timedelta(hours=2)
    expired = jwt.encode({"sub": "mash1", "role": "mash", "org": "MASH", "iss": settings.jwt_issuer, "iat": past,
                          "nbf": past, "exp": past + timedelta(minutes=30), "jti": "x", "ver": 0},
                         token_key(settings), algorithm="HS256")
    client.cookies.clear()
    client.cookies.set("aim_session", expired, path="/dashboard")
    kept = client.post(f"{person}/watch", data={"csrf_token": token, "subject_type": "person", "reason": NOTE,
                                                "owner": "mash1", "review_date": "2030-02-14"},
                       follow_redirects=False)
    assert kept.status_code == 303 and kept.headers["location"].endswith("%2Fdashboard%2Fresume")
    client.cookies.delete("aim_session")  # a browser replaces it when the next user signs in
    other = _sign_in_again(client, "dpo1", f"{D}/resume")
    assert other.url.path == f"{D}/resume", other.url
    assert other.status_code == 404 and NOTE not in other.text and "Nothing to return to" in other.text


def test_every_dashboard_error_is_an_html_page_with_a_way_back_and_the_api_keeps_json(app, unwatched):
    client = signed_in(app, "mash1")
    unknown = client.get(f"{D}/no-such-screen")
    assert unknown.status_code == 404 and unknown.headers["content-type"].startswith("text/html")
    assert "Page not found" in unknown.text and f'href="{D}/"' in unknown.text
    wrong_method = client.get(f"{D}/people/{unwatched}/watch")
    assert wrong_method.status_code == 405 and wrong_method.headers["content-type"].startswith("text/html")
    assert "POST" in wrong_method.headers["allow"] and "Method Not Allowed" not in wrong_method.text
    unreadable = client.get(f"{D}/audit", params={"page": "two"})
    assert unreadable.status_code in (400, 403) and unreadable.headers["content-type"].startswith("text/html")
    signed_out = TestClient(app).get(f"{D}/nothing/here")
    assert signed_out.status_code == 404 and "Page not found" in signed_out.text
    api = client.get("/api/v1/no-such-resource")
    assert api.status_code == 404 and api.headers["content-type"].startswith("application/json")
    assert api.json() == {"detail": "Not Found"}


def test_ending_a_watch_without_a_reason_keeps_the_typed_text_on_the_watch_list(app, unwatched, driver):
    client = signed_in(app, "mash1")
    person = f"{D}/people/{unwatched}"
    token = csrf(open_with_purpose(client, person, "MASH triage").text)
    client.post(f"{person}/watch", data={"csrf_token": token, "subject_type": "person", "reason": NOTE,
                                         "owner": "mash1", "review_date": "2030-02-14"})
    rows, _, _ = driver.execute_query("MATCH (w:WatchEntry {subject_id: $id, active: true}) RETURN w.watch_id AS w",
                                      id=unwatched)
    watch_id = rows[0]["w"]
    page = client.post(f"{D}/watch-list/{watch_id}/end", data={"csrf_token": token, "reason": "ok"})
    assert page.status_code == 400 and "Say why the watch ends" in page.text
    assert 'id="watch-table"' in page.text and 'id="ending-reason"' in page.text and 'value="ok"' in page.text
    ended = client.post(f"{D}/watch-list/{watch_id}/end", data={"csrf_token": token, "reason": "Case closed"})
    assert ended.status_code == 200 and "Watch-list entry ended" in ended.text


def test_a_purpose_too_short_comes_back_with_what_was_typed(app, unwatched):
    client = signed_in(app, "mash1")
    person = f"{D}/people/{unwatched}"
    prompt = client.get(person)
    again = client.post(person, data={"purpose": "other", "purpose_other": "ab", "csrf_token": csrf(prompt.text)})
    assert again.status_code == 400 and "Say why you are opening this record" in again.text
    assert 'id="purpose_other" name="purpose_other" type="text" value="ab"' in again.text
    assert re.search(r'id="purpose-other" name="purpose" type="radio" value="other" checked', again.text)
