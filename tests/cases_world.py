"""A case in the API tests' world (tests/api_world.py): a Red alert on William (P-TEST-1)
gathered into his case the way the engine does it, and a person only the fire service holds."""

from __future__ import annotations

from aim.graph.alerts import cases
from tests.api_world import PERSON

OTHER_AGENCYS_PERSON = "P-FIRE-1"  # holds only the fire service's record: WMP (partner1) may not open it
CASE_ALERT = "A-CASE"


def add_case(driver) -> str:
    """William's Red alert, gathered into his case; returns the case id."""
    driver.execute_query(
        "MATCH (p:Person {person_id: $pid}) MATCH (e:Event {event_id: 'WE1'}) "
        "SET p.first_name = 'William', p.last_name = 'Smith' "  # as resolution names a person
        "CREATE (a:Alert {alert_id: $alert_id, rule: 'multi_agency_child', subject_type: 'person', "
        "subject_id: $pid, status: 'new', rag: 'Red', score: 80.0, title: 'Multi-agency activity (child)', "
        "summary: 'activity from 2 agencies', first_raised: date(), last_updated: date(), explanation: '{}'})"
        "-[:CONCERNS]->(p), (a)-[:EVIDENCE]->(e)", pid=PERSON, alert_id=CASE_ALERT)
    driver.execute_query("MATCH (r:Record {source: 'FIRE', source_record_id: 'F1'}) "
                         "MERGE (p:Person {person_id: $pid}) MERGE (p)-[:HAS_RECORD]->(r)", pid=OTHER_AGENCYS_PERSON)
    with driver.session() as session:
        session.execute_write(cases.gather, [{"alert_id": CASE_ALERT, "subject_type": "person", "subject_id": PERSON}])
    return cases.case_id_for("person", PERSON)


def add_other_agencys_request(driver, case_id: str) -> None:
    """The education service's request on the case, with a reason no partner may see."""
    driver.execute_query("MATCH (c:Case {case_id: $case_id}) CREATE (c)-[:HAS_REQUEST]->(:CaseRequest "
                         "{request_id: 'R-ED', organisation: 'CITY_ED', by: 'ed1', reason: 'ED SECRET REASON', "
                         "at: datetime()})", case_id=case_id)
