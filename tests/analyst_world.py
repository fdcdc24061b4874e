"""The analyst workspace's test world, on top of the API world (tests/api_world.py, one user
per role): what resolution and the alert rules leave behind, written directly.

- Twelve households in district B12 (full postcodes ``B12 9QA``...), four members each (a
  35-year-old and a 3-year-old in the graph), each with a Red or Amber household alert, seven
  first raised in June 2025 and five in July; police evidence for all, hospital for the even ones.
- Six of their children with a person alert (multi-agency activity), June 2025.
- One lone household of seven in CV1 (``CV1 2AB``) with one Green alert in August 2025 from
  the school: any filter that picks it narrows to a single household.

Every real id contains ``SECRET``, every surname is ``Quartermaine``: an analyst must never
see either, nor a full postcode or a date of birth.
"""

from __future__ import annotations

from datetime import date

from tests.api_world import TODAY, load_world

HOUSEHOLDS = 12
PERSON_ALERTS = 6
SURNAME = "Quartermaine"
ORGANISATIONS = {"WMP": "West Midlands Police", "CITY_ED": "City Hospital Emergency Department",
                 "SCHOOL_OAK": "Oak Primary School"}
ADULT_DOB = date(TODAY.year - 35, 2, 14)
CHILD_DOB = date(TODAY.year - 3, 1, 9) if TODAY >= date(TODAY.year, 1, 10) else date(TODAY.year - 4, 1, 9)
LONE = "H-SECRET-LONE"


def _households() -> list[dict]:
    found = []
    for i in range(HOUSEHOLDS):
        raised = date(2025, 6, i + 1) if i < 7 else date(2025, 7, i)
        found.append({"household_id": f"H-SECRET-{i:02d}", "line": f"{i + 1} {SURNAME} Road",
                      "postcode": f"B12 9Q{chr(ord('A') + i)}", "size": 4, "rag": "Red" if i < 8 else "Amber",
                      "rule": "high_risk_household", "title": "High-risk event in a household with a child",
                      "raised": raised, "sources": ["WMP", "CITY_ED"] if i % 2 == 0 else ["WMP"],
                      "members": [{"person_id": f"P-SECRET-{i:02d}-A", "first_name": f"Zebedee{i}",
                                   "date_of_birth": ADULT_DOB},
                                  {"person_id": f"P-SECRET-{i:02d}-C", "first_name": f"Zuleika{i}",
                                   "date_of_birth": CHILD_DOB}]})
    found.append({"household_id": LONE, "line": "1 Solitary Close", "postcode": "CV1 2AB", "size": 7, "rag": "Green",
                  "rule": "household_cluster", "title": "Activity clustered in one household",
                  "raised": date(2025, 8, 3), "sources": ["SCHOOL_OAK"],
                  "members": [{"person_id": "P-SECRET-LONE-A", "first_name": "Xanthe", "date_of_birth": ADULT_DOB}]})
    return found


WRITE = """
UNWIND $organisations AS o
MERGE (org:Organisation {code: o.code}) SET org.name = o.name
WITH count(*) AS done
UNWIND $households AS row
CREATE (h:Household {household_id: row.household_id, status: 'active', member_count: row.size})
CREATE (h)-[:AT]->(:Address {key: row.household_id + '|addr', line: row.line, postcode: row.postcode})
CREATE (a:Alert {alert_id: 'A-' + row.household_id, rule: row.rule, title: row.title, rag: row.rag,
                 status: 'new', subject_type: 'household', subject_id: row.household_id,
                 first_raised: row.raised, last_updated: row.raised, score: 50.0})-[:CONCERNS]->(h)
WITH h, a, row
CALL (h, a, row) {
  UNWIND row.members AS m
  CREATE (p:Person {person_id: m.person_id, status: 'active', first_name: m.first_name, last_name: $surname,
                    date_of_birth: m.date_of_birth})-[:MEMBER_OF {from: date('2020-01-01')}]->(h)
}
CALL (a, row) {
  UNWIND row.sources AS source
  CREATE (a)-[:EVIDENCE]->(:Event {source: source, event_id: row.household_id + '-' + source, date: row.raised,
                                   type: 'domestic_abuse_incident'})
}
"""

PERSON_ALERT = """
UNWIND $person_ids AS person_id
MATCH (p:Person {person_id: person_id})
CREATE (a:Alert {alert_id: 'A-' + person_id, rule: 'multi_agency_child', title: 'Multi-agency activity (child)',
                 rag: 'Amber', status: 'new', subject_type: 'person', subject_id: person_id,
                 first_raised: date('2025-06-15'), last_updated: date('2025-06-15'), score: 45.0})-[:CONCERNS]->(p)
CREATE (a)-[:EVIDENCE]->(:Event {source: 'WMP', event_id: person_id + '-E', date: date('2025-06-15'),
                                 type: 'missing_person'})
"""


def load_analyst_world(driver, database: str, settings) -> None:
    load_world(driver, database, settings)
    add_alerts(driver, database)


def add_alerts(driver, database: str) -> None:
    """The households, persons and alerts above, added to whatever the graph holds."""
    organisations = [{"code": code, "name": name} for code, name in ORGANISATIONS.items()]
    driver.execute_query(WRITE, organisations=organisations, households=_households(), surname=SURNAME,
                         database_=database)
    driver.execute_query(PERSON_ALERT, person_ids=[f"P-SECRET-{i:02d}-C" for i in range(PERSON_ALERTS)],
                         database_=database)


def real_values() -> list[str]:
    """What must never reach an analyst: ids, names, full postcodes, dates of birth."""
    values = [SURNAME, "SECRET", "Solitary", ADULT_DOB.isoformat(), CHILD_DOB.isoformat(),
              ADULT_DOB.strftime("%d/%m/%Y"), CHILD_DOB.strftime("%d/%m/%Y")]
    for household in _households():
        values += [household["household_id"], household["postcode"], household["postcode"].replace(" ", ""),
                   household["line"]] + [m["first_name"] for m in household["members"]]
    return values
