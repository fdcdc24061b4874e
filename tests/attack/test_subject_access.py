"""Attacks on the subject access export (issue 13, part 6): every category held about the
subject must be there, and no other person's or household's id or name, as JSON from the API
and as the DPO's printable page."""

from __future__ import annotations

import pytest

from tests.api_world import PASSWORD, PERSON, V1, auth
from tests.attack.audit_world import PURPOSE_HEADER

pytestmark = pytest.mark.neo4j


# ----------------------------------------------------------------------------- subject access

OTHER_PERSON = "P-TEST-OTHER"
THIRD_PARTIES = f"""
MATCH (william:Person {{person_id: $person}}), (w1:Record {{source_record_id: 'W1'}}), (w2:Record {{source_record_id: 'W2'}}),
      (s9:Record {{source_record_id: 'S9'}}), (we1:Event {{event_id: 'WE1'}}), (we3:Event {{event_id: 'WE3'}}),
      (mill:Address) WHERE mill.line STARTS WITH '12'
CREATE (grace:Person {{person_id: $other, status: 'active'}})-[:HAS_RECORD]->(w2)
CREATE (home:Household {{household_id: 'H-MILL', status: 'active', member_count: 2}})-[:AT]->(mill)
CREATE (william)-[:MEMBER_OF {{from: date('2019-01-01')}}]->(home), (grace)-[:MEMBER_OF {{from: date('2019-01-01')}}]->(home)
CREATE (mine:Alert {{alert_id: 'A-WILLIAM', rule: 'child_escalation', title: 'Escalating concern', subject_type: 'person',
                    subject_id: $person, status: 'new', rag: 'red', score: 0.9, summary: '2 events in 30 days',
                    first_raised: date(), last_updated: date()}})-[:CONCERNS]->(william)
CREATE (mine)-[:EVIDENCE]->(we1)
CREATE (mine)-[:HAS_TRANSITION]->(:AlertTransition {{alert_id: 'A-WILLIAM', from: null, to: 'new', by: 'system',
                                                    at: datetime(), reason: 'raised'}})
CREATE (house:Alert {{alert_id: 'A-HOUSE', rule: 'household_high_risk', title: 'Household concern', subject_type: 'household',
                     subject_id: 'H-MILL', status: 'acknowledged', rag: 'amber', score: 0.5, summary: '3 events',
                     first_raised: date(), last_updated: date()}})-[:CONCERNS]->(home)
CREATE (house)-[:EVIDENCE]->(we1), (house)-[:EVIDENCE]->(we3)
CREATE (house)-[:HAS_TRANSITION]->(:AlertTransition {{alert_id: 'A-HOUSE', from: 'new', to: 'acknowledged', by: 'mash1',
                                                     at: datetime(), reason: 'Grace Jones called the police'}})
CREATE (:WatchEntry {{watch_id: 'WATCH-W', subject_type: 'person', subject_id: $person, owner: 'mash1',
                     reason: 'missing episodes', since: datetime(), active: true}})-[:WATCHES]->(william)
CREATE (:WatchEntry {{watch_id: 'WATCH-H', subject_type: 'household', subject_id: 'H-MILL', owner: 'mash1',
                     reason: 'Grace Jones is the victim', since: datetime(), active: true}})-[:WATCHES]->(home)
CREATE (:ResolutionEvent {{event_id: 'RE-1', kind: 'split', person_ids: [$person, $other],
                          record_keys: ['WMP|W1', 'WMP|W2'], at: datetime()}})-[:ABOUT]->(william)
CREATE (w1)-[:REVIEWED {{decision: 'different', reviewer: 'mash1', reason: 'Grace Jones is a neighbour',
                        at: datetime()}}]->(w2)
CREATE (s9)-[:REVIEWED {{decision: 'same', reviewer: 'mash1', reason: 'same school and address', at: datetime()}}]->(w1)
"""


@pytest.fixture
def sar_world(audit_world, driver):
    client, tokens, copy = audit_world
    driver.execute_query(THIRD_PARTIES, person=PERSON, other=OTHER_PERSON)
    # accesses that also concern other people: a search that lists both, a view of the neighbour
    client.get(f"{V1}/persons/{PERSON}", headers=auth(tokens["mash"]) | PURPOSE_HEADER)
    client.get(f"{V1}/persons/{OTHER_PERSON}", headers=auth(tokens["mash"]) | PURPOSE_HEADER)
    driver.execute_query(
        "MATCH (c:AuditChain) SET c.seq = c.seq + 1 WITH c "
        "CREATE (a:AuditEntry {entry_id: 'search-both', seq: c.seq, at: datetime(), username: 'mash1', role: 'mash', "
        "action: 'person.search', purpose: 'strategy meeting', subject_ids: [$person, $other, 'rec:FIRE:F1'], "
        "detail: '{\"last_name\": \"Jones\"}'}) "
        "WITH a UNWIND a.subject_ids AS sid MERGE (s:AuditSubject {subject_id: sid}) CREATE (a)-[:ABOUT]->(s)",
        person=PERSON, other=OTHER_PERSON)
    return client, tokens


def test_the_export_covers_every_category_and_names_no_third_party(sar_world):
    client, tokens = sar_world
    response = client.get(f"{V1}/subjects/{PERSON}/export", headers=auth(tokens["dpo"]) | PURPOSE_HEADER)
    assert response.status_code == 200, response.text
    export = response.json()
    assert {r["source_record_id"] for r in export["person"]["records"]} == {"W1", "S9"}
    assert {e["event_id"] for e in export["events"]} == {"WE1", "WE2", "SE1"}
    assert {(a["title"], a["about"]) for a in export["alerts"]} == {("Escalating concern", "person"),
                                                                    ("Household concern", "household")}
    assert {w["about"] for w in export["watch_entries"]} == {"person", "household"}
    assert [(h["address"], h["other_members"]) for h in export["households"]] == [("12 MILL LANE", 1)]
    assert [(r["kind"], r["records"], r["other_persons"]) for r in export["resolution_history"]] == [
        ("split", ["WMP|W1"], 1)]
    assert {r["decision"] for r in export["review_decisions"]} == {"same", "different"}
    assert {(a["username"], a["purpose"]) for a in export["accesses"]} >= {("mash1", "section 47 enquiry"),
                                                                          ("mash1", "strategy meeting")}
    text = response.text
    for third_party in (OTHER_PERSON, "H-MILL", "rec:WMP:W2", "WMP|W2", '"W2"', "WE3", "Grace", "Jones",
                        "rec:FIRE:F1", "Leo", "Brown", "A-HOUSE", "WATCH-H"):
        assert third_party not in text, third_party


def test_the_dpo_answers_a_request_on_a_printable_page_from_the_dashboard(sar_world, driver):
    client, _ = sar_world
    sign_in = client.get("/dashboard/sign-in")
    nonce = sign_in.text.split('name="nonce" value="')[1].split('"')[0]
    signed_in = client.post("/dashboard/sign-in", data={"username": "dpo1", "password": PASSWORD, "nonce": nonce},
                            follow_redirects=False)
    assert signed_in.status_code == 303, signed_in.text
    audit_page = client.get("/dashboard/audit")
    assert audit_page.status_code == 200 and "/dashboard/subject-access" in audit_page.text
    form = client.get("/dashboard/subject-access")
    assert form.status_code == 200 and 'name="purpose"' in form.text
    csrf = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    page = client.post("/dashboard/subject-access", data={"csrf_token": csrf, "subject_id": PERSON,
                                                          "purpose": "SAR 2026-041"})
    assert page.status_code == 200, page.text
    for heading in ("sar-identity", "sar-records", "sar-events", "sar-alerts", "sar-watch", "sar-households",
                    "sar-resolution", "sar-reviews", "sar-accesses"):
        assert f'id="{heading}"' in page.text
    assert "William" in page.text and "12 MILL LANE" in page.text
    for third_party in (OTHER_PERSON, "H-MILL", "W2", "Grace", "Jones", "rec:FIRE:F1"):
        assert third_party not in page.text, third_party
    records, _, _ = driver.execute_query(
        "MATCH (a:AuditEntry {action: 'dpo.subject_access_export', username: 'dpo1'}) RETURN a.purpose AS purpose")
    assert "SAR 2026-041" in [r["purpose"] for r in records]
