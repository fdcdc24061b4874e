"""Emptying the graph without losing the audit trail by accident: ``aim db restore --replace``
and ``aim demo`` delete what they replace through :func:`clear_graph`, which keeps the audit
(or refuses) unless it is discarded explicitly (``--discard-audit``)."""

from __future__ import annotations

from neo4j import Driver

from .db import causal_session

AUDIT_LABELS = ("AuditEntry", "AuditSubject", "AuditChain")


class AuditKept(RuntimeError):
    """Emptying the graph would drop its audit trail, and that was not asked for."""


def audit_held(driver: Driver, database: str) -> dict:
    """How many audit entries the graph holds and its chain's head (position, hash)."""
    records, _, _ = driver.execute_query(
        "OPTIONAL MATCH (c:AuditChain) WITH c LIMIT 1 "
        "CALL () { MATCH (a:AuditEntry) RETURN count(a) AS entries } "
        "RETURN entries, c.seq AS head_seq, c.head AS head_hash", database_=database, routing_="r")
    return dict(records[0])


def clear_graph(driver: Driver, database: str, *, keep: tuple[str, ...] = (), discard_audit: bool = False) -> dict:
    """Delete every node without one of the ``keep`` labels. Unless ``keep`` holds the audit's
    labels, an audit trail is deleted only with ``discard_audit`` (else :class:`AuditKept`).
    Returns what the audit held before when it was discarded, else ``{"entries": 0}``."""
    dropped = {"entries": 0}
    if not set(AUDIT_LABELS) <= set(keep):
        held = audit_held(driver, database)
        if held["entries"] and not discard_audit:
            raise AuditKept(f"the graph holds {held['entries']:,} audit entries, which this would delete; "
                            "add --discard-audit to delete them (the JSON-lines copy keeps them, and an entry "
                            "records that they were discarded)")
        dropped = held
    # CALL ... IN TRANSACTIONS needs an auto-commit transaction, hence session.run.
    with causal_session(driver, database) as session:
        session.run("MATCH (n) WHERE none(label IN labels(n) WHERE label IN $keep) "
                    "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 5000 ROWS", keep=list(keep)).consume()
    return dropped
