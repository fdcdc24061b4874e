"""Helpers that build or read a test graph in the real Neo4j: empty it, count what is in
it, load rows through the normal ingest path, read who holds which record, the event world
of the alert tests, and the state the fault tests compare. Fixtures live in conftest.py;
data makers in factories.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from aim.graph.alerts.engine import Finding, detect
from aim.graph.alerts.rules import load_rules
from aim.graph.identity.keys import record_key
from aim.graph.ingest import ingest_file
from aim.graph.store.backup import restore_graph
from tests.factories import write_csv

# The alert tests' calendar: the day the rules run, and a child's and an adult's birth.
TODAY = date(2026, 10, 31)
CHILD_DOB = date(2015, 3, 1)
ADULT_DOB = date(1980, 6, 1)


def wipe(driver, database: str) -> None:
    # CALL ... IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
    with driver.session(database=database) as session:
        session.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()


def plan_operators(plan) -> set[str]:
    """The operators of an EXPLAIN or PROFILE plan (the summary's ``plan``), without their
    database suffix and locking mode (a write's ``NodeUniqueIndexSeek(Locking)`` is a seek)."""
    return {plan["operatorType"].split("@")[0].removesuffix("(Locking)")} | {
        op for child in plan.get("children", []) for op in plan_operators(child)}


def counts(driver, database: str) -> dict[str, int]:
    """Nodes per label and relationships per type: what 'identical counts' compares."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label", database_=database
    )
    rels, _, _ = driver.execute_query(
        "MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type", database_=database
    )
    return {f":{r['label']}": r["n"] for r in nodes} | {f"-{r['type']}->": r["n"] for r in rels}


def load(rows: list[dict], tmp_path: Path, driver, settings, name: str = "rows.csv") -> None:
    """Ingest canonical rows from a CSV file, as ``aim ingest`` does; every row must be accepted."""
    path = write_csv(tmp_path / name, rows)
    report = ingest_file(path, progress=False, driver=driver, settings=settings)
    assert report.rejected == 0


def memberships(driver) -> dict[str, str]:
    """Record key -> the active person that holds the record."""
    rows, _, _ = driver.execute_query(
        "MATCH (p:Person {status: 'active'})-[:HAS_RECORD]->(r:Record) "
        "RETURN p.person_id AS pid, r.source AS s, r.source_record_id AS i")
    return {record_key(r["s"], r["i"]): r["pid"] for r in rows}


def event_row(source: str, record: str, event_id: str, day: date, event_type: str = "injury",
              dob: date = CHILD_DOB, first: str = "Amy", last: str = "Test") -> dict:
    return {
        "source": source, "source_record_id": record, "first_name": first, "last_name": last,
        "date_of_birth": dob.strftime("%d/%m/%Y"), "gender": "F", "address": "1 High St",
        "postcode": "B1 1AA", "event_id": event_id, "event_date": day.strftime("%d/%m/%Y"),
        "event_type": event_type,
    }


class EventWorld:
    """Ingest events for records; make persons and households over them (resolution's
    job, done here directly with Cypher so that the alert rules are tested on their own)."""

    def __init__(self, driver, settings, tmp_path: Path):
        self.driver, self.settings, self.tmp = driver, settings, tmp_path
        self.n = 0

    def events(self, *rows: dict) -> None:
        self.n += 1
        path = write_csv(self.tmp / f"batch{self.n}.csv", list(rows))
        report = ingest_file(path, progress=False, driver=self.driver, settings=self.settings)
        assert report.rejected == 0, report.rejects

    def event(self, source: str, record: str, day: date, event_type: str = "injury", dob: date = CHILD_DOB) -> None:
        self.n += 1
        self.events(event_row(source, record, f"{source}-{record}-{self.n}", day, event_type, dob))

    def person(self, person_id: str, *records: tuple[str, str]) -> None:
        self.driver.execute_query(
            "MERGE (p:Person {person_id: $pid}) WITH p UNWIND $records AS r "
            "MATCH (x:Record {source: r[0], source_record_id: r[1]}) MERGE (p)-[:HAS_RECORD]->(x)",
            pid=person_id, records=[list(r) for r in records], database_=self.settings.neo4j_database)

    def household(self, household_id: str, *members: tuple[str, date | None, date | None]) -> None:
        self.driver.execute_query(
            "MERGE (h:Household {household_id: $hid}) WITH h UNWIND $members AS m "
            "MATCH (p:Person {person_id: m.pid}) CREATE (p)-[:MEMBER_OF {from: m.from, to: m.to}]->(h)",
            hid=household_id, members=[{"pid": p, "from": f, "to": t} for p, f, t in members],
            database_=self.settings.neo4j_database)

    def count(self, query: str, **params) -> int:
        records, _, _ = self.driver.execute_query(query, params, database_=self.settings.neo4j_database)
        return records[0][0]


def found(world: EventWorld, rule_id: str, today: date = TODAY) -> list[Finding]:
    """What one rule of the standard rule set finds as of ``today``."""
    return detect(today, rules=load_rules().only([rule_id]), driver=world.driver)


def restore_base(path: Path, driver, settings) -> None:
    """Replace the graph with a snapshot taken by ``export_graph``; the audit entries of the
    scenario before go with it (each scenario compares the state without the audit)."""
    restore_graph(path, replace=True, discard_audit=True, driver=driver, settings=settings)


def state(driver, settings) -> dict:
    """What must not differ: counts per label and relationship type (the audit trail, which
    records every attempt, and its ABOUT links left out) and which records each live person holds, by id."""
    db = settings.neo4j_database
    found = {k: v for k, v in counts(driver, db).items() if not k.startswith("-") and "Audit" not in k}
    rels, _, _ = driver.execute_query(
        "MATCH (a)-[r]->(b) WHERE NOT a:AuditEntry AND NOT b:AuditEntry RETURN type(r) AS t, count(*) AS n",
        database_=db)
    found |= {f"-{r['t']}->": r["n"] for r in rels}
    people, _, _ = driver.execute_query(
        "MATCH (p:Person)-[:HAS_RECORD]->(r:Record) WHERE coalesce(p.status, 'active') = 'active' "
        "RETURN p.person_id AS id, collect(r.source + '|' + r.source_record_id) AS records", database_=db)
    kinds, _, _ = driver.execute_query(
        "MATCH (e:ResolutionEvent) RETURN e.kind + '/' + toString(size(e.person_ids)) AS k, count(*) AS n "
        "ORDER BY k", database_=db)
    return {"counts": found, "persons": {r["id"]: sorted(r["records"]) for r in people},
            "resolution_events": {r["k"]: r["n"] for r in kinds}}


def assert_no_duplicates(driver, settings) -> None:
    """No record, event or person twice; no record in two live persons, no event on two records."""
    db = settings.neo4j_database
    checks = {
        "records": "MATCH (r:Record) WITH r.source AS s, r.source_record_id AS i, count(*) AS n WHERE n > 1 "
                   "RETURN count(*) AS dupes",
        "events": "MATCH (e:Event) WITH e.source AS s, e.event_id AS i, count(*) AS n WHERE n > 1 "
                  "RETURN count(*) AS dupes",
        "persons": "MATCH (p:Person) WITH p.person_id AS i, count(*) AS n WHERE n > 1 RETURN count(*) AS dupes",
        "records in two live persons": "MATCH (r:Record)<-[:HAS_RECORD]-(p:Person) "
                                       "WHERE coalesce(p.status, 'active') = 'active' WITH r, count(p) AS n "
                                       "WHERE n > 1 RETURN count(*) AS dupes",
        "event on two records": "MATCH (e:Event)<-[:HAS_EVENT]-(r:Record) WITH e, count(r) AS n WHERE n > 1 "
                                "RETURN count(*) AS dupes",
    }
    for name, query in checks.items():
        records, _, _ = driver.execute_query(query, database_=db)
        assert records[0]["dupes"] == 0, f"duplicate {name}"


def submitted_are_in_the_graph(driver, settings, rows: list[dict]) -> None:
    """Every record and event of ``rows`` is in the graph."""
    keys = sorted({(r["source"], r["source_record_id"]) for r in rows})
    events = sorted({(r["source"], r["event_id"]) for r in rows if r.get("event_id")})
    found, _, _ = driver.execute_query(
        "UNWIND $keys AS k MATCH (r:Record {source: k[0], source_record_id: k[1]}) RETURN count(r) AS n",
        keys=[list(k) for k in keys], database_=settings.neo4j_database)
    assert found[0]["n"] == len(keys)
    found, _, _ = driver.execute_query(
        "UNWIND $keys AS k MATCH (:Record)-[:HAS_EVENT]->(e:Event {source: k[0], event_id: k[1]}) "
        "RETURN count(e) AS n", keys=[list(k) for k in events], database_=settings.neo4j_database)
    assert found[0]["n"] == len(events)


# Stamped at load time, so they differ between two loads of the same file; updated_at also
# marks a record that a later batch of the same file corrected, where the bulk path sees the
# file whole, and parallel writers may split a batch differently.
VOLATILE = {"created_at", "created_by_batch", "updated_at"}


def graph_content(driver, database: str) -> tuple[list, list]:
    """Every node and relationship with its properties, less the load-time ones, sorted."""
    nodes, _, _ = driver.execute_query(
        "MATCH (n) RETURN labels(n) AS labels, properties(n) AS properties", database_=database
    )
    links, _, _ = driver.execute_query(
        "MATCH (a)-[l]->(b) RETURN type(l) AS type, properties(l) AS properties, "
        "[a.source, a.source_record_id] AS start, [b.code, b.key, b.event_id] AS end", database_=database
    )

    def stable(properties: dict) -> list:
        return sorted((k, repr(v)) for k, v in properties.items() if k not in VOLATILE)

    return (sorted(repr((r["labels"], stable(r["properties"]))) for r in nodes),
            sorted(repr((r["type"], r["start"], r["end"], stable(r["properties"]))) for r in links))
