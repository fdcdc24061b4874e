"""The Neo4j driver, created once per process from settings.

Writes go through managed transactions (``execute_write``), which retry transient
failures (deadlocks, leader switches, a restarting server) before giving up.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from neo4j import Driver, GraphDatabase, NotificationDisabledClassification

from aim.settings import Settings, get_settings


def connect(settings: Settings) -> Driver:
    return GraphDatabase.driver(
        settings.bolt_uri,
        auth=(settings.neo4j_user, settings.neo4j_password.get_secret_value()),
        connection_timeout=settings.neo4j_connect_timeout,
        connection_acquisition_timeout=2 * settings.neo4j_connect_timeout,
        max_transaction_retry_time=settings.neo4j_retry_time,
        # A fresh graph lacks labels and properties that queries name ("property key does
        # not exist"); schema notices repeat on every migrate. Deprecations still show.
        notifications_disabled_classifications=[
            NotificationDisabledClassification.UNRECOGNIZED,
            NotificationDisabledClassification.SCHEMA,
            NotificationDisabledClassification.HINT,
        ],
    )


@lru_cache
def get_driver() -> Driver:
    """The process-wide driver for the configured database."""
    return connect(get_settings())


def as_date(value) -> date | None:
    """A date from what Neo4j or a form gives: a neo4j Date/DateTime, a Python date or
    datetime, or ISO text; None for nothing or for text that is not a date."""
    if value is None or value == "":
        return None
    if hasattr(value, "to_native"):
        value = value.to_native()
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None
