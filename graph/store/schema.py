"""Constraints and indexes, created idempotently by ``aim db migrate``.

Every file in ``cypher/schema/`` is applied, in name order; each statement is
``IF NOT EXISTS``, so a feature adds its indexes by adding a file there.
"""

from __future__ import annotations

from importlib import resources

from neo4j import Driver

from aim import cypher


def schema_files() -> list[str]:
    folder = resources.files("aim.cypher").joinpath("schema")
    return sorted(f"schema/{item.name.removesuffix('.cypher')}" for item in folder.iterdir()
                  if item.name.endswith(".cypher"))


def migrate(driver: Driver, database: str) -> int:
    """Run every schema statement and wait for the indexes to come online."""
    count = 0
    for name in schema_files():
        for statement in cypher.statements(name):
            driver.execute_query(statement, database_=database)
            count += 1
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
    return count
