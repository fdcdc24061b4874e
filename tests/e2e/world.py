"""A small, deterministic world for the dashboard's browser tests, built the way real data
arrives: agency rows through ``aim ingest``, then ``aim resolve`` (a model trained on the
records) and the alert rules (``run_all``).

- The story: William Smith (10, 12 Mill Lane) is known to the police twice in the last
  month and to City Hospital ED; his school knows him as "Billy Smyth". His mother Grace
  has a recent domestic abuse incident. The multi-agency child rule fires for William.
- A background population with small typos (the resolution tests' generator) and a few
  near-duplicates that wait in the review queue.
- Users: one per role, password ``PASSWORD``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from aim import cypher
from aim.api.settings import ApiSettings
from aim.graph.access.users import hash_password

PASSWORD = "correct horse battery staple"
SECRET = "dashboard-test-secret-" + "x" * 40
USERS = {"mash1": ("mash", "MASH"), "partner1": ("partner", "WMP"), "dpo1": ("dpo", None),
         "analyst1": ("analyst", None), "admin1": ("admin", None),
         "admin2": ("admin", None), "newcomer1": ("partner", "WMP")}  # a second admin approves newcomer1's grant


@dataclass
class World:
    child_id: str            # William's person id
    child_name: str
    review_pairs: int
    alerts: int


ORGANISATIONS = {
    "WMP": ("West Midlands Police", "police", "DS Priya Patel", "0121 626 0000", "mash@wmp.example"),
    "CITY_ED": ("City Hospital Emergency Department", "emergency_department", "Safeguarding nurse",
                "0121 507 4000", "safeguarding@cityhospital.example"),
    "SCHOOL_OAK": ("Oak Primary School", "school", "Mrs Green (DSL)", "0121 464 1111", "dsl@oak.example"),
    "GP_HALL": ("Hall Green Surgery", "gp", "Dr Okafor (safeguarding lead)", "0121 777 2222", None),
    "COMM_HEALTH": ("Community Health", "community_health", "Health visiting team", "0121 466 0000", None),
    "CSC": ("Children's Social Care", "childrens_social_care", "Duty manager", "0121 303 1888",
            "duty@csc.example"),
}


def story_rows(today: date) -> list[dict]:
    day = lambda n: (today - timedelta(days=n)).strftime("%d/%m/%Y")  # noqa: E731
    home = {"address": "12 Mill Lane", "postcode": "B1 1AA"}
    william = {"first_name": "William", "last_name": "Smith", "date_of_birth": "05/03/2015", "gender": "M", **home}
    grace = {"first_name": "Grace", "last_name": "Smith", "date_of_birth": "12/06/1987", "gender": "F", **home}
    return [
        {"source": "WMP", "source_record_id": "WMP-1001", **william, "event_id": "WE-1", "event_date": day(21),
         "event_type": "concern_for_welfare"},
        {"source": "WMP", "source_record_id": "WMP-1001", **william, "event_id": "WE-2", "event_date": day(9),
         "event_type": "missing_person"},
        {"source": "CITY_ED", "source_record_id": "ED-77", **william, "event_id": "ED-E1", "event_date": day(4),
         "event_type": "injury"},
        {"source": "SCHOOL_OAK", "source_record_id": "OAK-9", "first_name": "Billy", "last_name": "Smyth",
         "date_of_birth": "05/03/2015", "gender": "M", **home, "event_id": "OAK-E1", "event_date": day(12),
         "event_type": "school_absence"},
        {"source": "GP_HALL", "source_record_id": "GP-31", **william},
        {"source": "WMP", "source_record_id": "WMP-1002", **grace, "event_id": "WE-3", "event_date": day(9),
         "event_type": "domestic_abuse_incident"},
        {"source": "COMM_HEALTH", "source_record_id": "CH-5", **grace, "event_id": "CH-E1", "event_date": day(60),
         "event_type": "concern_for_welfare"},
        {"source": "CSC", "source_record_id": "CSC-1", "first_name": "Leo", "last_name": "Brown",
         "date_of_birth": "01/01/1980", "gender": "M", "address": "1 High Street", "postcode": "B2 2BB",
         "event_id": "CSC-E1", "event_date": day(100), "event_type": "assessment"},
    ]


def network_rows(today: date) -> list[dict]:
    """For the network: Grace lived at 4 Elm Road with Dean Walker two years ago; Dean now
    lives at 9 Oak Road with Kelly and their three children (a household of five)."""
    day = lambda n: (today - timedelta(days=n)).strftime("%d/%m/%Y")  # noqa: E731
    grace = {"first_name": "Grace", "last_name": "Smith", "date_of_birth": "12/06/1987", "gender": "F"}
    elm, oak = {"address": "4 Elm Road", "postcode": "B3 3CC"}, {"address": "9 Oak Road", "postcode": "B4 4DD"}
    dean = {"first_name": "Dean", "last_name": "Walker", "date_of_birth": "14/02/1986", "gender": "M"}
    walkers = [("GP-41", "Kelly", "22/08/1990", "F"), ("GP-42", "Mia", "03/04/2019", "F"),
               ("GP-43", "Noah", "19/10/2021", "M"), ("GP-44", "Ava", "07/01/2023", "F")]
    return [
        {"source": "WMP", "source_record_id": "WMP-1002", **grace, **elm, "event_id": "WE-0",
         "event_date": day(800), "event_type": "concern_for_welfare"},
        {"source": "WMP", "source_record_id": "WMP-1003", **dean, **elm, "event_id": "WE-4",
         "event_date": day(790), "event_type": "concern_for_welfare"},
        {"source": "WMP", "source_record_id": "WMP-1003", **dean, **oak, "event_id": "WE-5",
         "event_date": day(200), "event_type": "concern_for_welfare"},
        *({"source": "GP_HALL", "source_record_id": rid, "first_name": first, "last_name": "Walker",
           "date_of_birth": dob, "gender": gender, **oak, "event_id": f"{rid}-E", "event_date": day(250 - 10 * i),
           "event_type": "registration"} for i, (rid, first, dob, gender) in enumerate(walkers)),
    ]


def background_rows() -> list[dict]:
    """The resolution tests' population plus near-duplicates for the review queue."""
    from tests.factories import near_duplicates, population

    rows, _ = population(50, seed=11)
    extra = near_duplicates(rows[:12:2])
    return rows + extra


@functools.cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def build(driver, settings, workdir: Path, today: date | None = None, extra_rows: tuple[dict, ...] = ()) -> World:
    """Wipe the graph and build the world (about 20 s on an idle 2-core machine); ``extra_rows``
    (agency rows) join the background population."""
    from aim.graph.alerts.engine import run_all
    from aim.canonical import Mapping, Organisation
    from aim.graph.ingest import ingest_file
    from aim.graph.identity import read_records, resolve
    from aim.resolution import engine
    from tests.graph_helpers import wipe
    from tests.factories import write_csv

    today = today or date.today()
    db = settings.neo4j_database
    wipe(driver, db)
    columns = ["source", "source_record_id", "first_name", "last_name", "date_of_birth", "gender", "address",
               "postcode", "event_id", "event_date", "event_type"]
    story = story_rows(today)
    mappings = {}
    for code, (name, kind, lead, phone, email) in ORGANISATIONS.items():
        mapping = mappings[code] = Mapping(source=code, organisation=Organisation(
            name=name, kind=kind, lead_name=lead, lead_phone=phone, lead_email=email))
        path = write_csv(workdir / f"{code}.csv", [r for r in story if r["source"] == code], columns=columns)
        assert ingest_file(path, mapping=mapping, progress=False, driver=driver, settings=settings).rejected == 0
    path = write_csv(workdir / "background.csv", background_rows() + list(extra_rows), columns=columns)
    assert ingest_file(path, progress=False, driver=driver, settings=settings).rejected == 0
    model = engine.train(read_records(driver, db)[0])
    # The network's rows arrive after training: the strict model of this small world is
    # sensitive to every record it is trained on, and the story's links must stay as they are.
    network = network_rows(today)
    for code in sorted({r["source"] for r in network}):
        path = write_csv(workdir / f"network-{code}.csv", [r for r in network if r["source"] == code], columns=columns)
        assert ingest_file(path, mapping=mappings[code], progress=False, driver=driver, settings=settings).rejected == 0
    model.link_threshold = 0.99999  # strict, so that near-duplicates wait for a reviewer
    resolve(model=model, driver=driver, settings=settings)
    alerts = run_all(today, driver=driver, settings=settings)
    for username, (role, org) in USERS.items():
        driver.execute_query(cypher.load("api/users_create"), username=username, password_hash=_password_hash(),
                             role=role, organisation=org, full_name=username.title(), database_=db)
    rows, _, _ = driver.execute_query(
        "MATCH (p:Person)-[:HAS_RECORD]->(:Record {source: 'WMP', source_record_id: 'WMP-1001'}) "
        "RETURN p.person_id AS id", database_=db)
    pairs, _, _ = driver.execute_query(
        "MATCH (:Record)-[s:SIMILAR {band: 'review'}]->(:Record) RETURN count(s) AS n", database_=db)
    return World(child_id=rows[0]["id"], child_name="William Smith", review_pairs=pairs[0]["n"],
                 alerts=alerts.created + alerts.updated + alerts.reopened)


def dashboard_settings(settings) -> ApiSettings:
    """The API settings the dashboard tests serve this world with (no rate limits in the way)."""
    return ApiSettings(home=settings.home, jwt_secret=SECRET, neo4j_uri=settings.neo4j_uri,
                       rate_limit_per_minute=100_000, rate_limit_burst=10_000, login_attempts_per_minute=10_000)
