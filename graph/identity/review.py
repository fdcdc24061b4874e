"""Human review: the queue of uncertain pairs, decisions, manual merge and split.

A decision is a ``(:Record)-[:REVIEWED {decision, reviewer, reason, at}]->(:Record)``
relationship: ``same`` is a must-link, ``different`` a cannot-link. Every later run —
batch (``aim resolve``) or real-time — honours them, because both cluster with the
decisions as constraints. A decision also takes effect at once: the persons holding the
two records are re-clustered locally. Manual merge and split are stored as decisions
too (so that re-runs keep them), and every change is a ``ResolutionEvent``.
"""

from __future__ import annotations

import json

from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.settings import Settings, get_settings
from aim.graph.store import causal_session

from .changes import event_rows
from .keys import Key, key_param, ordered, pair_params, record_key, split_key
from .models import current_model
from .realtime import recluster

DECISIONS = ("same", "different")


class ReviewError(ValueError):
    """A decision or manual change that cannot be applied; the message says why."""


def _plain(value):
    return value.iso_format() if hasattr(value, "iso_format") else value


def read_review_queue(tx: ManagedTransaction, limit: int = 50, offset: int = 0) -> list[dict]:
    """Undecided pairs in the review band, most probable first. Each item: both record
    keys and details, their persons, match weight, probability, explanation (dict)."""
    out = []
    for r in tx.run(cypher.load("resolution/review_queue"), limit=int(limit), offset=int(offset)):
        item = dict(r)
        item["explanation"] = json.loads(item["explanation"]) if item["explanation"] else None
        for side in ("record_a", "record_b"):
            item[side] = {k: _plain(v) for k, v in item[side].items()}
        item["record_key_a"] = [item.pop("source_a"), item.pop("source_record_id_a")]
        item["record_key_b"] = [item.pop("source_b"), item.pop("source_record_id_b")]
        out.append(item)
    return out


def review_queue(limit: int = 50, offset: int = 0, *, driver: Driver,
                 settings: Settings | None = None) -> list[dict]:
    settings = settings or get_settings()
    with causal_session(driver, settings.neo4j_database) as session:
        return session.execute_read(read_review_queue, limit, offset)


def _records(tx: ManagedTransaction, keys: list[Key]) -> dict[str, dict]:
    rows = tx.run(cypher.load("resolution/person_of_records"), keys=[list(k) for k in keys]).data()
    return {record_key(r["source"], r["source_record_id"]): r for r in rows}


def _event(tx, kind, person_ids, record_keys, by, reason, version=None) -> None:
    tx.run(cypher.load("resolution/write_events"),
           events=event_rows([{"kind": kind, "person_ids": person_ids, "record_keys": record_keys}],
                             model_version=version, run_id="review", by=by, reason=reason)).consume()


def _model(driver, settings):
    found = current_model(driver, settings.neo4j_database)
    return found if found else (None, None)


def decide(record_key_a: Key, record_key_b: Key, decision: str, reviewer: str, reason: str,
           *, driver: Driver, settings: Settings | None = None) -> list[str]:
    """Record a reviewer's decision on two records (``same`` / ``different``) and apply it
    now; returns the live person ids affected."""
    if decision not in DECISIONS:
        raise ReviewError(f"decision must be one of {DECISIONS}, not {decision!r}")
    if not reviewer:
        raise ReviewError("a decision needs a reviewer")
    settings = settings or get_settings()
    a, b = record_key(*split_key(record_key_a)), record_key(*split_key(record_key_b))
    if a == b:
        raise ReviewError("a record is always the same as itself")
    a, b = sorted((a, b))
    model, version = _model(driver, settings)

    def work(tx: ManagedTransaction) -> list[str]:
        recs = _records(tx, [split_key(a), split_key(b)])
        missing = [k for k in (a, b) if k not in recs]
        if missing:
            raise ReviewError(f"no such record: {', '.join(missing)}")
        tx.run(cypher.load("resolution/record_decision"), **pair_params(a, b), decision=decision,
               reviewer=reviewer, reason=reason).consume()
        persons = {r["person_id"] for r in recs.values() if r["person_id"]}
        _event(tx, f"review_{decision}", sorted(persons), [a, b], reviewer, reason, version)
        return recluster(tx, recs, persons, model, version, by=reviewer, reason=reason)

    with causal_session(driver, settings.neo4j_database) as session:
        return session.execute_write(work)


def merge_persons(person_a: str, person_b: str, by: str, reason: str, *, driver: Driver,
                  settings: Settings | None = None) -> str:
    """Merge two persons by hand: a ``same`` decision joins one record of each, and the
    two are re-clustered (so the guard still refuses a merge that a 'different' decision
    forbids). Returns the surviving person id (the one with more records)."""
    settings = settings or get_settings()
    model, version = _model(driver, settings)

    def work(tx: ManagedTransaction) -> str:
        recs = tx.run(cypher.load("resolution/person_records"), person_ids=[person_a, person_b]).data()
        by_person: dict[str, list[str]] = {}
        for r in recs:
            by_person.setdefault(r["person_id"], []).append(record_key(r["source"], r["source_record_id"]))
        for pid in (person_a, person_b):
            if pid not in by_person:
                raise ReviewError(f"person {pid} does not exist or holds no records")
        if person_a == person_b:
            return person_a
        lo, hi = sorted((min(by_person[person_a]), min(by_person[person_b])))
        tx.run(cypher.load("resolution/record_decision"), **pair_params(lo, hi), decision="same",
               reviewer=by, reason=reason).consume()
        _event(tx, "manual_merge", [person_a, person_b], [lo, hi], by, reason, version)
        ids = recluster(tx, {}, {person_a, person_b}, model, version, by=by, reason=reason)
        found = tx.run(cypher.load("resolution/person_of_records"), keys=[key_param(lo)]).single()
        return found["person_id"] if found else ids[0]

    with causal_session(driver, settings.neo4j_database) as session:
        return session.execute_write(work)


def split_person(person_id: str, record_keys: list[Key], by: str, reason: str, *,
                 driver: Driver, settings: Settings | None = None) -> list[str]:
    """Split the given records off a person by hand: they become one new person (a
    ``same`` decision chains them), with a ``different`` decision between each of them
    and each record that stays, so that every later run keeps the split. Returns
    ``[person_id, new_person_id]`` (the remaining records keep the id when they are at
    least half of the person; otherwise the ids follow the majority rule)."""
    settings = settings or get_settings()
    model, version = _model(driver, settings)
    moving = sorted({record_key(*split_key(k)) for k in record_keys})
    if not moving:
        raise ReviewError("name at least one record to split off")

    def work(tx: ManagedTransaction) -> list[str]:
        recs = tx.run(cypher.load("resolution/person_records"), person_ids=[person_id]).data()
        mine = sorted(record_key(r["source"], r["source_record_id"]) for r in recs)
        foreign = [k for k in moving if k not in mine]
        if foreign:
            raise ReviewError(f"not records of {person_id}: {', '.join(foreign)}")
        staying = [k for k in mine if k not in moving]
        if not staying:
            raise ReviewError("a split must leave at least one record with the person")
        decisions = [(a, b, "same") for a, b in zip(moving, moving[1:])]
        decisions += [(*ordered(a, b), "different") for a in moving for b in staying]
        for a, b, decision in decisions:
            tx.run(cypher.load("resolution/record_decision"), **pair_params(a, b), decision=decision,
                   reviewer=by, reason=reason).consume()
        _event(tx, "manual_split", [person_id], moving, by, reason, version)
        recluster(tx, {}, {person_id}, model, version, by=by, reason=reason)
        rows = tx.run(cypher.load("resolution/person_of_records"),
                      keys=[key_param(staying[0]), key_param(moving[0])]).data()
        got = {record_key(r["source"], r["source_record_id"]): r["person_id"] for r in rows}
        return [got[staying[0]], got[moving[0]]]

    with causal_session(driver, settings.neo4j_database) as session:
        return session.execute_write(work)


def current_person_id(person_id: str, *, driver: Driver, settings: Settings | None = None) -> str | None:
    """The live person an id stands for now (a merged person's id leads to the survivor)."""
    settings = settings or get_settings()
    rows, _, _ = driver.execute_query(cypher.load("resolution/follow_person"), person_id=person_id,
                                      database_=settings.neo4j_database, routing_="r")
    return rows[0]["person_id"] if rows else None


def read_person_history(tx: ManagedTransaction, person_id: str, limit: int = 100) -> list[dict]:
    """Resolution events about a person (creation, merges, splits, decisions), newest first."""
    return [r["event"] for r in tx.run(cypher.load("resolution/person_history"), person_id=person_id,
                                       limit=int(limit))]


def person_history(person_id: str, limit: int = 100, *, driver: Driver,
                   settings: Settings | None = None) -> list[dict]:
    settings = settings or get_settings()
    with causal_session(driver, settings.neo4j_database) as session:
        return session.execute_read(read_person_history, person_id, limit)


__all__ = ["review_queue", "read_review_queue", "decide", "merge_persons", "split_person", "current_person_id",
           "person_history", "read_person_history", "ReviewError"]
