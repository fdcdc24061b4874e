"""Cases: one per subject (person or household), gathering every alert that fired for it.

The engine calls ``gather`` right after it writes alerts (same transaction): each alert
joins its subject's case (a uniqueness constraint keeps one case per subject), and the case
is recomputed from its alerts: RAG from the worst open alert, the rules that fired, the
latest evidence date. A closed case re-opens when the engine re-opens one of its alerts on
new evidence. What people do with a case is in ``case_actions``.
"""

from __future__ import annotations

import hashlib
import json

from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.graph.store import causal_session, to_native
from aim.settings import Settings, get_settings

from .rules import OPEN_STATUSES as OPEN

CLOSED = ("referred", "dismissed", "stale", "closed")  # stale, closed: its alerts lapsed


def case_id_for(subject_type: str, subject_id: str) -> str:
    """The stable id of a subject's one case."""
    return "CASE-" + hashlib.sha1(f"{subject_type}|{subject_id}".encode()).hexdigest()[:16]


def gather(tx: ManagedTransaction, alerts: list[dict]) -> list[str]:
    """Put these alerts (``{alert_id, subject_type, subject_id}``) in their subjects' cases
    and refresh those cases; returns the case ids."""
    if not alerts:
        return []
    rows = [{"alert_id": a["alert_id"], "case_id": case_id_for(a["subject_type"], a["subject_id"])} for a in alerts]
    case_ids = tx.run(cypher.load("cases/gather"), alerts=rows).value("case_id")
    recompute(tx, case_ids)
    return case_ids


def recompute(tx: ManagedTransaction, case_ids: list[str]) -> None:
    tx.run(cypher.load("cases/recompute"), case_ids=case_ids, open=list(OPEN), closed=list(CLOSED)).consume()


def gather_all(*, driver: Driver, settings: Settings | None = None) -> int:
    """Gather every existing alert into cases (alerts raised before cases existed); returns
    how many cases there are afterwards."""
    settings = settings or get_settings()
    with causal_session(driver, settings.neo4j_database) as session:
        alerts = session.execute_read(lambda tx: tx.run(cypher.load("cases/all_alerts")).data())
        return len(set(session.execute_write(gather, alerts)))


def _clean(item: dict) -> dict:
    return {k: to_native(v) for k, v in item.items()}


def read_cases(tx: ManagedTransaction, *, statuses: list[str] | None = None, rag: str | None = None,
               rule: str | None = None, owner: str | None = None, subject_id: str | None = None,
               limit: int = 100) -> list[dict]:
    """Cases, worst RAG first then the most recent activity, each with its alerts' titles."""
    records = tx.run(cypher.load("cases/list"), statuses=statuses, rag=rag, rule=rule, owner=owner,
                     subject_id=subject_id, limit=limit)
    return [_clean(r["case"]) for r in records]


def read_case(tx: ManagedTransaction, case_id: str) -> dict | None:
    """A case with each alert in full (explanation, evidence), its history, notes and partner
    requests; None when there is no such case."""
    from .lifecycle import read_alert  # here: the lifecycle refreshes cases, a top-level import would be a cycle

    found = tx.run(cypher.load("cases/case_of"), case_id=case_id).single()
    if found is None:
        return None
    case = read_cases(tx, subject_id=found["subject_id"], limit=10)
    case = next(c for c in case if c["case_id"] == case_id)
    case["alerts"] = [read_alert(tx, a["alert_id"]) for a in case["alerts"]]
    case["history"] = [_with_detail(_clean(r["transition"])) for r in tx.run(cypher.load("cases/history"),
                                                                             case_id=case_id)]
    case["notes"] = [_clean(r["note"]) for r in tx.run(cypher.load("cases/notes"), case_id=case_id)]
    case["requests"] = [_clean(r["request"]) for r in tx.run(cypher.load("cases/requests"), case_id=case_id)]
    return case


def _with_detail(transition: dict) -> dict:
    if isinstance(transition.get("detail"), str):
        transition["detail"] = json.loads(transition["detail"])
    return transition


def new_red_count(tx: ManagedTransaction) -> int:
    return tx.run(cypher.load("cases/red_count")).single()["count"]


def claim_new_red(tx: ManagedTransaction) -> list[dict]:
    """The cases that became Red since the last e-mail, marked as sent."""
    return tx.run(cypher.load("cases/red_pending"), open=list(OPEN)).data()


def release_red(tx: ManagedTransaction, case_ids: list[str]) -> None:
    """Claimed cases whose e-mail could not go: claimed again by the next attempt."""
    tx.run("MATCH (c:Case) WHERE c.case_id IN $case_ids SET c.notify_red = true, c.red_notified_at = null",
           case_ids=case_ids).consume()
