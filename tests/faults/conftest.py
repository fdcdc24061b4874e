"""The fault tests' data: a small seeds population, part of it loaded and resolved
first (so there is a model and persons) and saved with ``aim db backup``; each scenario
restores that snapshot, then submits the rest (through the API, or straight to the graph)."""

from __future__ import annotations

import csv
import random
from datetime import date

import pytest

from aim import cypher
from aim.graph.ingest import write_rows
from aim.graph.store.backup import export_graph
from tests.factories import as_canonical
from tests.graph_helpers import wipe

ROW_FIELDS = ("source", "source_record_id", "first_name", "last_name", "middle_names", "date_of_birth", "gender",
              "address", "postcode", "event_id", "event_date", "event_type")


@pytest.fixture(scope="package")
def population(tmp_path_factory):
    """Seeds rows split into a base (loaded + resolved up front) and rows to submit."""
    from aim.seeds.generate import generate

    directory = tmp_path_factory.mktemp("faults-seed")
    generate(300, 11, directory, date(2026, 11, 1), 365)
    with open(directory / "canonical.csv", newline="", encoding="utf-8") as handle:
        rows = [{k: v for k, v in row.items() if k in ROW_FIELDS and v} for row in csv.DictReader(handle)]
    random.Random(5).shuffle(rows)
    cut = int(len(rows) * 0.6)
    return rows[:cut], rows[cut:]


@pytest.fixture(scope="package")
def base_snapshot(population, tmp_path_factory, neo4j_server, driver, settings):
    """The base rows loaded and resolved, partner users created; saved with export_graph."""
    from aim.graph.identity import resolve
    from aim.graph.access.users import hash_password

    base, rest = population
    db = settings.neo4j_database
    wipe(driver, db)
    write_rows(as_canonical(base), driver=driver, settings=settings)
    resolve(driver=driver, households=False)
    password_hash = hash_password("fault tolerance password")
    for org in sorted({r["source"] for r in base + rest}):
        driver.execute_query(cypher.load("api/users_create"), username=f"p_{org}", password_hash=password_hash,
                             role="partner", organisation=org, full_name=None, database_=db)
    driver.execute_query(cypher.load("api/users_create"), username="mash1", password_hash=password_hash,
                         role="mash", organisation="MASH", full_name=None, database_=db)
    path = tmp_path_factory.mktemp("faults-snapshot") / "base.jsonl.gz"
    export_graph(path, driver=driver, settings=settings)
    return path
