"""Constraints and indexes, created idempotently by ``aim db migrate``."""

from __future__ import annotations

from neo4j import Driver

from aim import cypher

SCHEMA_FILES = ("schema/constraints",)


def migrate(driver: Driver, database: str) -> int:
    """Run every schema statement (each ``IF NOT EXISTS``) and wait for the indexes."""
    count = 0
    for name in SCHEMA_FILES:
        for statement in cypher.statements(name):
            driver.execute_query(statement, database_=database)
            count += 1
    driver.execute_query("CALL db.awaitIndexes(300)", database_=database)
    return count
