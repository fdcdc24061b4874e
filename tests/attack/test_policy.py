"""Attacks on need to know (issue 13, parts 1-3): the access policy for partners and
analysts, the stated purpose, personal data in logs and the daily quotas, through the real
app (API and dashboard) against the real Neo4j, and the real ``aim serve`` for the logs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from aim.api.app import create_app
from tests.api_world import (PERSON, PURPOSE, PURPOSE_TEXT, SECRET, V1, add_household, api_settings, auth,
                             load_world, tokens_for, world)

pytestmark = pytest.mark.neo4j
SEARCH = f"{V1}/persons/search"
# What the API world holds about William (tests/api_world.py): none of it may reach a log.
PERSONAL = ("William", "Smith", "Billy", "Smyth", "2014-03-05", "Mill Lane", "B1 1AA", PERSON, "W1", "S9")


# ----------------------------------------------------------------------------- purpose


def test_a_purpose_in_the_url_is_refused_with_a_400_that_says_so(world):
    client, tokens = world
    for role, path in (("mash", f"/persons/{PERSON}"), ("partner", f"/persons/{PERSON}/timeline"),
                       ("mash", f"/persons/{PERSON}/network"), ("mash", "/households"), ("mash", "/alerts"),
                       ("mash", "/watchlist"), ("mash", "/review"), ("dpo", f"/subjects/{PERSON}/export")):
        response = client.get(V1 + path, params={"purpose": PURPOSE_TEXT}, headers=auth(tokens[role]))
        assert response.status_code == 400, (path, response.status_code)
        assert "must not be sent in the URL" in response.json()["detail"], path
        # even with the header as well: the URL must not carry it
        both = client.get(V1 + path, params={"purpose": PURPOSE_TEXT}, headers=auth(tokens[role]) | PURPOSE)
        assert both.status_code == 400, path
    search = client.post(SEARCH, params={"purpose": PURPOSE_TEXT}, json={"last_name": "Smith"},
                         headers=auth(tokens["mash"]))
    assert search.status_code == 400
    # a search by name in the URL is no longer served at all ("search" is no person id either)
    by_url = client.get(SEARCH, params={"last_name": "Smith"}, headers=auth(tokens["mash"]) | PURPOSE)
    assert by_url.status_code == 404 and "results" not in by_url.json()


def test_every_read_of_personal_data_needs_a_purpose(world):
    client, tokens = world
    for role, path in (("mash", f"/persons/{PERSON}"), ("mash", f"/persons/{PERSON}/network"),
                       ("mash", "/households"), ("mash", "/households/H-1"), ("mash", "/alerts"),
                       ("mash", "/alerts/A-1"), ("mash", "/watchlist"), ("mash", "/review")):
        response = client.get(V1 + path, headers=auth(tokens[role]))
        assert response.status_code == 400 and "purpose" in response.json()["detail"], path
    assert client.post(SEARCH, json={"last_name": "Smith"}, headers=auth(tokens["mash"])).status_code == 400


def test_no_token_and_no_purpose_is_401_not_400(world):
    client, _ = world
    for method, path, body in (("POST", "/persons/search", {"last_name": "Smith"}),
                               ("POST", "/persons/search", {"date_of_birth": "not a date"}),
                               ("GET", f"/persons/{PERSON}", None), ("GET", "/households", None),
                               ("GET", "/alerts", None)):
        response = client.request(method, V1 + path, json=body)
        assert response.status_code == 401, (path, response.status_code, response.text)
        with_url_purpose = client.request(method, V1 + path, json=body, params={"purpose": "x"})
        assert with_url_purpose.status_code == 401, path


# ----------------------------------------------------------------------------- logs


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_real_server_logs_nothing_personal(world, settings, tmp_path):
    """``aim serve`` as an operator starts it (default log level), then searches, views,
    a refused purpose in a URL, an unknown id and a failed sign-in: its whole output is
    read for William's details, ids and the stated purpose."""
    _, tokens = world
    port = _free_port()
    env = os.environ | {"AIM_HOME": str(settings.home), "AIM_JWT_SECRET": SECRET, "AIM_API_PORT": str(port)}
    if settings.neo4j_uri:
        env["AIM_NEO4J_URI"] = settings.neo4j_uri
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(Path(sys.executable).with_name("aim")), "serve"], env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}{V1}/health/ready", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and server.poll() is None, log.read_text()
            time.sleep(0.2)
        mash, partner = auth(tokens["mash"]) | PURPOSE, auth(tokens["partner"]) | PURPOSE
        with httpx.Client(base_url=base, timeout=30) as client:
            found = client.post(SEARCH, json={"first_name": "William", "last_name": "Smith",
                                              "date_of_birth": "2014-03-05"}, headers=mash)
            assert found.status_code == 200 and found.json()["results"]
            assert client.get(f"{V1}/persons/{PERSON}", headers=mash).status_code == 200
            assert client.get(f"{V1}/persons/{PERSON}/timeline", headers=partner).status_code == 200
            assert client.get(f"{V1}/persons/{PERSON}", params={"purpose": PURPOSE_TEXT},
                              headers=auth(tokens["mash"])).status_code == 400
            assert client.get(f"{V1}/persons/rec:WMP:W1-nope", headers=mash).status_code == 404
            assert client.post(f"{V1}/auth/token", data={"username": "William.Smith",
                                                         "password": "Smith2014-03-05"}).status_code == 401
    finally:
        server.terminate()
        server.wait(30)
    text = log.read_text()
    assert "Application startup complete" in text  # the log was captured
    leaked = [value for value in (*PERSONAL, PURPOSE_TEXT) if value in text]
    assert not leaked, (leaked, text[-2000:])


# ----------------------------------------------------------------------------- partners


def _add_records(driver, settings, rows: list[dict], person_id: str | None = None) -> None:
    """Rows through the ingest path; with ``person_id`` linked to that person (what
    resolution does), else one new person per record."""
    from aim.canonical import Mapping, validate_row
    from aim.graph.ingest import write_rows

    checked = [validate_row(r, i, Mapping(), source=r["source"]) for i, r in enumerate(rows)]
    assert all(c.row is not None for c in checked), [c.reject for c in checked]
    write_rows([c.row for c in checked], driver=driver, settings=settings)
    for i, r in enumerate(rows):
        driver.execute_query(
            "MATCH (r:Record {source: $source, source_record_id: $id}) "
            "MERGE (p:Person {person_id: $pid}) ON CREATE SET p.status = 'active' MERGE (p)-[:HAS_RECORD]->(r)",
            source=r["source"], id=r["source_record_id"], pid=person_id or f"P-OTHER-{r['source_record_id']}",
            database_=settings.neo4j_database)


def _child(source: str, record_id: str, first: str = "Ava", last: str = "Smith", dob: str = "2015-01-01",
           days_ago: int = 3) -> dict:
    from datetime import date, timedelta

    return {"source": source, "source_record_id": record_id, "first_name": first, "last_name": last,
            "date_of_birth": dob, "gender": "F", "address": f"{record_id} Refuge Road", "postcode": "B9 9ZZ",
            "event_id": f"E-{record_id}", "event_date": (date.today() - timedelta(days=days_ago)).isoformat(),
            "event_type": "concern_for_welfare"}


def _not_found_the_same(response, subject_id: str) -> None:
    assert response.status_code == 404, (subject_id, response.status_code, response.text)
    assert response.json() == {"detail": f"no person or record '{subject_id}'"}, response.text


def test_a_partner_enumerating_ids_gets_only_what_an_unknown_id_gets(world, driver, settings):
    """Sequential ids of other agencies' records and persons, as the school-less police
    partner of the API world (WMP): each answers exactly as an id that does not exist."""
    client, tokens = world
    _add_records(driver, settings, [_child("CSC", f"C{i}") for i in range(1, 6)])
    headers = auth(tokens["partner"]) | PURPOSE
    others = ["rec:FIRE:F1", "rec:SCHOOL_OAK:S9", *[f"rec:CSC:C{i}" for i in range(1, 6)],
              *[f"P-OTHER-C{i}" for i in range(1, 6)]]
    unknown = ["rec:FIRE:F2", "rec:CSC:C99", "P-NOPE"]
    for subject_id in others + unknown:
        _not_found_the_same(client.get(f"{V1}/persons/{subject_id}", headers=headers), subject_id)
        _not_found_the_same(client.get(f"{V1}/persons/{subject_id}/timeline", headers=headers), subject_id)
    # MASH reads them all (the ids are real)
    for subject_id in others:
        assert client.get(f"{V1}/persons/{subject_id}", headers=auth(tokens["mash"]) | PURPOSE).status_code == 200
    # and its own records still open
    assert client.get(f"{V1}/persons/rec:WMP:W2", headers=headers).status_code == 200


def test_a_partners_header_never_shows_an_address_only_another_agency_holds(world, driver, settings):
    client, tokens = world
    # community health, most recently, holds William at a refuge address
    _add_records(driver, settings, [_child("COMM_HEALTH", "CH1", "William", "Smith", "2014-03-05", days_ago=1)],
                 person_id=PERSON)
    mash = client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | PURPOSE).json()
    assert "Refuge" in (mash["address"] or "").title()  # the most recent record's address, for MASH
    partner = client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["partner"]) | PURPOSE).json()
    assert (partner["address"], partner["postcode"]) == ("12 Mill Lane", "B1 1AA")  # its own record's
    assert "refuge" not in str(partner).lower() and "B9 9ZZ" not in str(partner) and "CH1" not in str(partner)
    rows = {a["organisation"]: a for a in partner["activity"]}
    assert rows["COMM_HEALTH"]["activity"].startswith("activity reported on ")
    assert rows["COMM_HEALTH"]["latest_activity_kind"] is None and rows["COMM_HEALTH"]["events"] is None
    assert rows["CSC"]["activity"] == "no activity reported" and rows["CSC"]["lead"]["name"] == "Duty manager"
    found = client.post(SEARCH, json={"first_name": "William", "last_name": "Smith"},
                        headers=auth(tokens["partner"]) | PURPOSE).json()["results"]
    assert found and found[0]["address"] == "12 Mill Lane" and "refuge" not in str(found).lower()


def test_a_partner_cannot_harvest_by_surname_or_by_date_of_birth(world, driver, settings):
    client, tokens = world
    _add_records(driver, settings, [_child("CSC", f"C{i}", first=name) for i, name in
                                    enumerate(("Ava", "Ben", "Cara", "Dan", "Eve", "Finn", "Gus"), start=1)])
    partner = auth(tokens["partner"]) | PURPOSE
    by_surname = client.post(SEARCH, json={"last_name": "Smith", "limit": 100}, headers=partner).json()["results"]
    assert [r["subject_id"] for r in by_surname] == [PERSON]  # only the person the police hold
    mash = client.post(SEARCH, json={"last_name": "Smith", "limit": 100}, headers=auth(tokens["mash"]) | PURPOSE)
    assert len(mash.json()["results"]) >= 8  # the children are there to be found
    by_dob = client.post(SEARCH, json={"date_of_birth": "2015-01-01"}, headers=partner).json()["results"]
    assert by_dob == []
    two_of_three = client.post(SEARCH, json={"first_name": "Ava", "date_of_birth": "2015-01-01"},
                               headers=partner).json()["results"]
    assert two_of_three == []


def test_a_partner_that_identifies_a_child_fully_sees_the_vision_rows_and_at_most_five(world, driver, settings):
    client, tokens = world
    _add_records(driver, settings, [_child("CSC", f"C{i}", first="Ava", last="Khan") for i in range(1, 8)])
    partner = auth(tokens["partner"]) | PURPOSE
    found = client.post(SEARCH, json={"first_name": "Ava", "last_name": "Khan", "date_of_birth": "2015-01-01",
                                      "limit": 100}, headers=partner).json()["results"]
    assert 1 <= len(found) <= 5
    assert all(r["address"] is None and r["postcode"] is None and not r["subject_id"].startswith("rec:")
               for r in found)
    view = client.get(f"{V1}/persons/{found[0]['subject_id']}", headers=partner)
    assert view.status_code == 200, view.text
    body = view.json()
    assert body["records"] == [] and body["address"] is None and body["first_name"] is None
    assert {a["organisation"]: a["activity"] for a in body["activity"]}["CSC"].startswith("activity reported on")
    assert "Refuge" not in view.text and "rec:CSC" not in view.text, view.text
    # one not in the five stays closed
    shown = {r["subject_id"] for r in found}
    hidden = next(f"P-OTHER-C{i}" for i in range(1, 8) if f"P-OTHER-C{i}" not in shown)
    _not_found_the_same(client.get(f"{V1}/persons/{hidden}", headers=partner), hidden)


def test_a_partner_cannot_open_an_adult_it_has_no_link_to(world):
    client, tokens = world
    partner = auth(tokens["partner"]) | PURPOSE
    _not_found_the_same(client.get(f"{V1}/persons/rec:FIRE:F1", headers=partner), "rec:FIRE:F1")
    assert client.post(SEARCH, json={"last_name": "Brown"}, headers=partner).json()["results"] == []
    # even naming him fully: an unresolved record of another agency is never disclosed
    full = client.post(SEARCH, json={"first_name": "Leo", "last_name": "Brown", "date_of_birth": "1980-01-01"},
                       headers=partner).json()["results"]
    assert full == []


# ----------------------------------------------------------------------------- analysts


def test_an_analyst_cannot_re_identify_or_probe_for_existence(world, driver, settings):
    import re

    from aim.api.keys import pseudonym_key, token_key
    from aim.graph.access.policy import pseudonym

    client, tokens = world
    add_household(driver)
    headers = auth(tokens["analyst"]) | PURPOSE
    # real ids, known or not, answer alike: no oracle
    for real in (PERSON, "P-TEST-2", "P-NOPE"):
        _not_found_the_same(client.get(f"{V1}/persons/{real}/network", headers=headers), real)
    for real in ("H-TEST", "H-NOPE"):
        response = client.get(f"{V1}/households/{real}", headers=headers)
        assert response.status_code == 404 and response.json() == {"detail": f"no household '{real}'"}
    listed = client.get(f"{V1}/households", headers=headers).json()["households"]
    household = client.get(f"{V1}/households/{listed[0]['household']}", headers=headers).json()
    text = str(household)
    assert "H-TEST" not in text and PERSON not in text and "2014-03-05" not in text and "2024-01-01" not in text
    assert "William" not in text and "Grace" not in text and "Mill" not in text
    assert household["member_count"] is None  # two members: a count under five
    assert {m["age_band"] for m in household["members"]} == {"10-15", "25-44"}
    assert all("age" not in m and re.fullmatch(r"\d{4}-\d{2}", m["from"]) for m in household["members"])
    # pseudonyms are keyed apart from tokens
    app_settings = client.app.state.settings
    assert household["household"] == pseudonym(pseudonym_key(app_settings), "H-TEST")
    assert household["household"] != pseudonym(token_key(app_settings), "H-TEST")
    # the network, by the pseudonym shown
    william = next(m["person"] for m in household["members"] if m["age_band"] == "10-15")
    network = client.get(f"{V1}/persons/{william}/network", headers=headers)
    assert network.status_code == 200, network.text
    assert PERSON not in network.text and "P-TEST-2" not in network.text and "H-TEST" not in network.text
    _not_found_the_same(client.get(f"{V1}/persons/anon-0000000000000000/network", headers=headers),
                        "anon-0000000000000000")
    # aggregates: counts under five suppressed
    stats = client.get(f"{V1}/stats", headers=auth(tokens["analyst"])).json()["organisations"]
    assert all(o["records"] is None or o["records"] >= 5 for o in stats)
    assert all(e["events"] is None or e["events"] >= 5 for o in stats for e in o["events"])


# ----------------------------------------------------------------------------- quotas and anomalies


def test_daily_quotas_answer_429_that_says_why_and_are_shared_by_every_worker(driver, settings):
    load_world(driver, settings.neo4j_database, settings)
    limits = {"daily_searches": {"partner": 3}, "daily_subjects": {"partner": 2}}
    first, second = (create_app(api_settings(settings, **limits), driver=driver) for _ in range(2))
    with TestClient(first) as one, TestClient(second) as other:
        partner = auth(tokens_for(first.state.settings)["partner"]) | PURPOSE
        codes = [one.post(SEARCH, json={"last_name": "Smith"}, headers=partner).status_code for _ in range(3)]
        assert codes == [200, 200, 200]
        refused = other.post(SEARCH, json={"last_name": "Smith"}, headers=partner)  # another worker, same count
        assert refused.status_code == 429
        assert "daily limit of 3 searches" in refused.json()["detail"] and int(refused.headers["retry-after"]) > 0
        assert one.get(f"{V1}/persons/{PERSON}", headers=partner).status_code == 200
        assert one.get(f"{V1}/persons/rec:WMP:W2", headers=partner).status_code == 200
        assert other.get(f"{V1}/persons/{PERSON}", headers=partner).status_code == 200  # seen today already
        third = other.get(f"{V1}/persons/rec:FIRE:F1", headers=auth(tokens_for(first.state.settings)["mash"])
                          | PURPOSE)
        assert third.status_code == 200  # MASH has its own, larger limits
    _add_records(driver, settings, [_child("WMP", "W9")])
    app = create_app(api_settings(settings, **limits), driver=driver)
    with TestClient(app) as client:  # a restart: the count is in the graph
        partner = auth(tokens_for(app.state.settings)["partner"]) | PURPOSE
        over = client.get(f"{V1}/persons/P-OTHER-W9", headers=partner)
        assert over.status_code == 429 and "daily limit of 2 distinct people viewed" in over.json()["detail"]


def test_the_dpo_sees_a_user_reading_unusually_much(world, driver, settings):
    from datetime import timedelta

    from aim.graph.access.usage import today

    client, tokens = world
    day = today()
    for back in range(1, 8):  # a week of ordinary days for mash1 and another MASH officer
        for username in ("mash1", "mash2"):
            driver.execute_query(
                "CREATE (:DailyUsage {key: $key, username: $username, role: 'mash', day: $day, searches: 3, "
                "subjects: 2, refused: 0})", key=f"{username}|{day - timedelta(days=back)}", username=username,
                day=day - timedelta(days=back))
    mash = auth(tokens["mash"]) | PURPOSE
    for name in ("Smith", "Jones", "Brown", "Khan", "Patel") * 5:
        assert client.post(SEARCH, json={"last_name": name}, headers=mash).status_code == 200
    found = client.get(f"{V1}/audit/anomalies", headers=auth(tokens["dpo"])).json()["anomalies"]
    assert [a["username"] for a in found] == ["mash1"]
    assert found[0]["searches"] == 25 and "usual 5 for this user" in found[0]["reasons"][0]
    assert client.get(f"{V1}/audit/anomalies", headers=auth(tokens["mash"])).status_code == 403
    # and on the DPO's audit screen (the dashboard's session cookie holds the API token)
    client.cookies.set("aim_session", tokens["dpo"], path="/dashboard")
    page = client.get("/dashboard/audit")
    warning = page.text.split('id="usage-anomalies"')[1].split("</div>")[0]
    assert page.status_code == 200 and "mash1" in warning and "25 searches" in warning


def test_unusual_volume_is_measured_against_history_never_alone():
    from datetime import date, timedelta

    from aim.graph.access.usage import anomalies

    day = date(2026, 11, 29)

    def row(username, back, searches, refused=0, role="mash"):
        return {"username": username, "role": role, "day": day - timedelta(days=back), "searches": searches,
                "subjects": 0, "refused": refused}

    assert anomalies([row("new", 0, 60)], day) == []  # a first day: nothing to compare yet
    assert [a["username"] for a in anomalies([row("new", 0, 60, refused=1)], day)] == ["new"]  # a quota refusal
    history = [row(u, b, 4) for u in ("a", "b") for b in range(1, 8)]
    assert [a["username"] for a in anomalies(history + [row("a", 0, 30), row("b", 0, 10)], day)] == ["a"]
    assert anomalies(history + [row("a", 0, 19)], day) == []  # under the floor


def test_reading_records_do_not_pile_up(world, driver, settings):
    """A user's days older than the history compared are removed as that user reads; a
    partner's run-out identifications too; the people viewed are kept as hashes, not ids."""
    from datetime import timedelta

    from aim.graph.access.usage import KEPT_DAYS, today

    client, tokens = world
    old = today() - timedelta(days=KEPT_DAYS + 1)
    for username in ("partner1", "mash1"):
        driver.execute_query("CREATE (:DailyUsage {key: $key, username: $username, role: 'x', day: $day, searches: 1, "
                             "subjects: 0, refused: 0, viewed: []})", key=f"{username}|{old}", username=username,
                             day=old)
    driver.execute_query("CREATE (:Identification {key: 'partner1|P-GONE', until: datetime() - duration('PT1H')})")
    _add_records(driver, settings, [_child("CSC", "C1", first="Ava", last="Khan")])
    partner = auth(tokens["partner"]) | PURPOSE
    assert client.get(f"{V1}/persons/{PERSON}", headers=partner).status_code == 200
    found = client.post(SEARCH, json={"first_name": "Ava", "last_name": "Khan", "date_of_birth": "2015-01-01"},
                        headers=partner).json()["results"]
    assert [r["subject_id"] for r in found] == ["P-OTHER-C1"]  # a new identification
    left, _, _ = driver.execute_query("MATCH (u:DailyUsage) WHERE u.day = $day RETURN u.username AS u", day=old)
    assert [r["u"] for r in left] == ["mash1"]  # only the reader's own old days go
    gone, _, _ = driver.execute_query("MATCH (i:Identification {key: 'partner1|P-GONE'}) RETURN count(i) AS n")
    assert gone[0]["n"] == 0
    stored, _, _ = driver.execute_query("MATCH (u:DailyUsage {username: 'partner1'}) WHERE u.day = $day "
                                        "RETURN u.viewed AS viewed", day=today())
    assert len(stored[0]["viewed"]) == 1 and PERSON not in str(stored[0]["viewed"])
