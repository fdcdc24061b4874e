"""The Neo4j driver, and the small helpers every repository shares.

Writes go through managed transactions (``execute_write``), which retry transient
failures (deadlocks, leader switches, a restarting server) before giving up. Functions
that touch Neo4j take what they need explicitly: a repository function a transaction,
an orchestration function a driver; only the entry points (the CLI, the API's
start-up, the demo) make one, with :func:`get_driver` or :func:`connect`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache
from itertools import islice
from typing import Any, TypeVar

from neo4j import Driver, GraphDatabase, NotificationDisabledClassification, Session
from neo4j.exceptions import Neo4jError, ResultFailedError

from aim import cypher
from aim.settings import Settings, get_settings

T = TypeVar("T")
BATCH = 10_000
# The driver (neo4j 6.4) retries a transient error (a deadlock) raised inside a transaction
# function, but when a statement fails as it starts (an eager plan deadlocks at RUN), rolling
# back re-raises that failure as a ResultFailedError, which it does not retry.
MASKED_TRANSIENT_RETRIES = 5


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
    """The process-wide driver for the configured database (for entry points)."""
    return connect(get_settings())


def to_native(value: Any) -> Any:
    """A Python value for a neo4j temporal (Date, DateTime...); anything else as it is."""
    return value.to_native() if hasattr(value, "to_native") else value


def as_date(value) -> date | None:
    """A date from what Neo4j or a form gives: a neo4j Date/DateTime, a Python date or
    datetime, or ISO text; None for nothing or for text that is not a date."""
    if value is None or value == "":
        return None
    value = to_native(value)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class Rows(list):
    """A list parameter whose ``repr`` is its length.

    The driver (neo4j 6.4, ``Bolt5x5.run``) formats every statement's parameters for its
    debug log whether debug logging is on or not: for a batch of thousands of rows that costs
    about as much as packing them, and a debug log would hold the rows' personal data. The
    driver packs it as the list it is.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} rows>"


def batches(items: Iterable, size: int = BATCH) -> Iterator[list]:
    """``items`` in lists of at most ``size`` (read lazily: a generator is not materialised)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def causal_session(driver: Driver, database: str, **config: Any) -> Session:
    """A session that starts after every transaction this process committed through one, or
    through ``driver.execute_query`` (they share its bookmark manager): on a cluster, a read
    routed to a secondary waits until that secondary has this process's own writes. ``config``
    is the rest of the session's configuration (``fetch_size``, notification filters)."""
    return driver.session(database=database, bookmark_manager=driver.execute_query_bookmark_manager, **config)


def execute_write(session: Session, work: Callable[..., T], *args: Any) -> T:
    """``session.execute_write(work, *args)``, also retrying the transient failures that the
    driver hands back as a ResultFailedError (see MASKED_TRANSIENT_RETRIES)."""
    for _ in range(MASKED_TRANSIENT_RETRIES - 1):
        try:
            return session.execute_write(work, *args)
        except ResultFailedError as failed:
            if not (isinstance(failed.__cause__, Neo4jError) and failed.__cause__.is_retryable()):
                raise
    return session.execute_write(work, *args)


def write_batched(driver: Driver, database: str, query: str, name: str, rows: list, size: int = BATCH) -> None:
    """UNWIND ``rows`` (parameter ``name``) of the query file ``query`` in managed
    transactions of ``size`` rows."""
    text = cypher.load(query)
    with causal_session(driver, database) as session:
        for chunk in batches(rows, size):
            execute_write(session, lambda tx, c=chunk: tx.run(text, {name: Rows(c)}).consume())
