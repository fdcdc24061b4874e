"""The search tests' world: the API world (tests/api_world.py) and a Singh family and their
namesakes, each record resolved by hand into its own person."""

from __future__ import annotations

from aim.canonical import Mapping, validate_row
from aim.graph.ingest import write_rows
from tests.api_world import load_world

SHABNAM = {"source": "SCHOOL_OAK", "source_record_id": "S20", "first_name": "Shabnam", "last_name": "Singh",
           "date_of_birth": "2012-04-09", "gender": "F", "address": "4 Rose Street", "postcode": "B5 5EE"}
SHABIR = SHABNAM | {"source_record_id": "S21", "first_name": "Shabir", "date_of_birth": "2009-11-21", "gender": "M"}
SANDEEP = SHABNAM | {"source": "CITY_ED", "source_record_id": "E30", "first_name": "Sandeep",
                     "gender": "M", "address": "9 Elm Road", "postcode": "B6 6FF"}  # Shabnam's birthday
YOUSSEF = {"source": "CITY_ED", "source_record_id": "E31", "first_name": "Youssef", "last_name": "Khan",
           "date_of_birth": "2001-02-03", "gender": "M", "address": "2 Oak Road", "postcode": "B7 7GG"}
NAMESAKES = ("Amar", "Baldev", "Charan", "Daljit", "Gurpreet", "Harjit", "Inderjit", "Jaspal", "Kulwant",
             "Lakhvir", "Manjit", "Navdeep", "Paramjit", "Rajinder", "Tarlochan", "Ujjal", "Vikram", "Arjun",
             "Balwinder", "Gurdeep")


def rows() -> list[dict]:
    namesakes = [{"source": "GP_HALL", "source_record_id": f"G{k}", "first_name": name, "last_name": "Singh",
                  "date_of_birth": f"{1960 + k}-0{1 + k % 9}-1{k % 9}", "gender": "M",
                  "address": f"{10 + k} Park Lane", "postcode": "B8 8HH"} for k, name in enumerate(NAMESAKES)]
    return [SHABNAM, SHABIR, SANDEEP, YOUSSEF] + namesakes


def person_id(row: dict) -> str:
    return f"P-{row['source']}-{row['source_record_id']}"


def load(driver, database: str, settings) -> None:
    load_world(driver, database, settings)
    checked = [validate_row(values, i, Mapping(), source=values["source"]) for i, values in enumerate(rows())]
    assert all(c.row is not None for c in checked)
    write_rows([c.row for c in checked], driver=driver, settings=settings)
    driver.execute_query(
        "UNWIND $rows AS row MATCH (r:Record {source: row.source, source_record_id: row.id}) "
        "CREATE (:Person {person_id: row.person, status: 'active'})-[:HAS_RECORD]->(r)",
        rows=[{"source": r["source"], "id": r["source_record_id"], "person": person_id(r)} for r in rows()],
        database_=database)


def search_client(driver, settings):
    """The search world loaded, an app over it and a token per role: ``(client, tokens)``."""
    from fastapi.testclient import TestClient

    from aim.api.app import create_app
    from tests.api_world import api_settings, tokens_for

    load(driver, settings.neo4j_database, settings)
    app = create_app(api_settings(settings), driver=driver)
    with TestClient(app) as client:
        yield client, tokens_for(app.state.settings)
