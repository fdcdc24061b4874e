"""Real-time resolution of records as they arrive (the API calls this right after ingest).

For each record, in one managed transaction:

1. its blocking keys are computed and stored on it (``bk_<rule>``, indexed);
2. candidates are the records sharing a key (indexed equality lookups, at most
   ``per_key`` per key), scored against it with the current model
   (:func:`aim.resolution.predict.score_record`);
3. pairs in or above the review band become ``SIMILAR`` relationships;
4. the record, its current person and every person it links to are re-clustered
   locally — the stored ``SIMILAR`` weights, human decisions and the engine's guard,
   exactly as the batch run does — and the result gets stable ids: the record joins an
   existing person, starts a new one, or merges two (the bigger keeps its id; the other
   becomes a tombstone ``MERGED_INTO`` it). Every change is a ``ResolutionEvent``.
"""

from __future__ import annotations

import inspect
import uuid
from collections import defaultdict

import numpy as np
from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.graph.db import get_driver
from aim.graph.resolve import (FIELDS, Key, apply_in_tx, assign_ids, blocking_props, current_model,
                               key_str, key_tuple, keys_fingerprint, link_weight)
from aim.resolution import standardise as S
from aim.resolution.clustering import cluster
from aim.resolution.model import Model
from aim.resolution.predict import score_record
from aim.settings import Settings, get_settings

PER_KEY = 50
_CLUSTER_PARAMS = set(inspect.signature(cluster).parameters)


class NoModel(RuntimeError):
    """No model in the graph yet: run ``aim resolve`` once (it trains one)."""


def _dob_parts(text: str | None) -> tuple[int, int, int]:
    d = S.parse_dob(text)
    return (d.year or 0, d.month or 0, d.day or 0)


def _details(row: dict) -> dict:
    d = {f: row.get(f) for f in FIELDS}
    dob = S.parse_dob(row.get("date_of_birth"))
    d["date_of_birth"] = f"{dob.year:04d}-{dob.month:02d}-{dob.day:02d}" if dob.full else None
    return d


def recluster(tx: ManagedTransaction, seeds: dict[str, dict], person_ids: set[str], model: Model,
              version: str | None, *, by: str, reason: str | None, extra_must=(), extra_cannot=()) -> list[str]:
    """Re-cluster the records of ``person_ids`` plus the ``seeds`` (key → record row) from
    the stored SIMILAR weights and decisions; write the differences. Returns the person
    ids affected (live ones)."""
    rows = tx.run(cypher.load("resolution/person_records"), person_ids=sorted(person_ids)).data()
    records: dict[str, dict] = {}
    old: dict[str, str] = {}
    for r in rows:
        k = key_str(r["source"], r["source_record_id"])
        records[k] = r
        old[k] = r["person_id"]
    for k, r in seeds.items():
        records.setdefault(k, r)
        if r.get("person_id"):
            old.setdefault(k, r["person_id"])
    keys = sorted(records)
    index = {k: i for i, k in enumerate(keys)}
    edges = tx.run(cypher.load("resolution/local_edges"), keys=[list(key_tuple(k)) for k in keys]).data()
    left, right, weight = [], [], []
    must = [(index[a], index[b]) for a, b in extra_must if a in index and b in index]
    cannot = [(index[a], index[b]) for a, b in extra_cannot if a in index and b in index]
    for e in edges:
        a, b = key_str(e["sa"], e["ia"]), key_str(e["sb"], e["ib"])
        if a not in index or b not in index:
            continue
        if e["type"] == "SIMILAR":
            left.append(index[a]); right.append(index[b]); weight.append(e["match_weight"])  # noqa: E702
        elif e["decision"] == "same":
            must.append((index[a], index[b]))
        elif e["decision"] == "different":
            cannot.append((index[a], index[b]))
    dob = np.array([_dob_parts(records[k].get("date_of_birth")) for k in keys], dtype=np.int64).reshape(-1, 3)
    ma = np.array([m[0] for m in must], dtype=np.int64)
    mb = np.array([m[1] for m in must], dtype=np.int64)
    ca = np.array([c[0] for c in cannot], dtype=np.int64)
    cb = np.array([c[1] for c in cannot], dtype=np.int64)
    guard = {"dob": (dob[:, 0], dob[:, 1], dob[:, 2]), "cannot_link": (ca, cb), "must_link": (ma, mb)}
    if "first_names" in _CLUSTER_PARAMS:  # the engine's name guard, as in the batch run
        names = [S.first_name_key(records[k].get("first_name")) for k in keys]
        table = sorted({x for x in names if x})
        code = {x: i for i, x in enumerate(table)}
        guard["first_names"] = (np.array([code.get(x, -1) for x in names], dtype=np.int64), table)
    labels = cluster(len(keys), np.array(left, dtype=np.int64), np.array(right, dtype=np.int64),
                     np.array(weight, dtype=float), link_weight(model) if model else np.inf, **guard)
    groups: dict[int, list[str]] = defaultdict(list)
    for i, lab in enumerate(labels.tolist()):
        groups[lab].append(keys[i])
    taken = {r["person_id"] for r in tx.run(
        "UNWIND $ids AS id MATCH (p:Person {person_id: id}) RETURN p.person_id AS person_id",
        ids=[_candidate_id(g) for g in groups.values()]).data()}
    a = assign_ids(groups, old, taken)
    details = {k: _details(records[k]) for k in keys}
    apply_in_tx(tx, a, groups, details, model_version=version, by=by, reason=reason)
    return sorted(set(a.ids.values()))


def _candidate_id(members: list[str]) -> str:
    from aim.graph.resolve import new_person_id

    return new_person_id(members, set())


def _resolve_one(tx: ManagedTransaction, key: Key, model: Model, version: str, per_key: int) -> list[str]:
    found = tx.run(cypher.load("resolution/get_records"), keys=[list(key)]).data()
    if not found:
        return []
    rec = found[0]
    k = key_str(*key)
    props = blocking_props(rec)
    tx.run(cypher.load("resolution/write_blocking_keys"),
           rows=[{"source": key[0], "source_record_id": key[1], "keys": props,
                  "fp": keys_fingerprint(props)}]).consume()
    cands = tx.run(cypher.load("resolution/candidates"), source=key[0], source_record_id=key[1],
                   per_key=per_key, **props).data()
    persons = {rec["person_id"]} if rec["person_id"] else set()
    pairs, gone = [], []
    if cands:
        scored = score_record(model, rec, cands)
        for c, s in zip(cands, scored):
            ck = key_str(c["source"], c["source_record_id"])
            a, b = (k, ck) if k < ck else (ck, k)
            (sa, ia), (sb, ib) = key_tuple(a), key_tuple(b)
            if s["match_probability"] >= model.review_threshold:
                pr = s["match_probability"]
                pairs.append({"sa": sa, "ia": ia, "sb": sb, "ib": ib,
                              "match_weight": round(s["match_weight"], 4), "probability": pr,
                              "explanation": _explanation(model, rec, c), "model_version": version,
                              "band": "link" if pr >= model.link_threshold else "review"})
                if pr >= model.link_threshold and c["person_id"]:
                    persons.add(c["person_id"])
            else:
                gone.append({"sa": sa, "ia": ia, "sb": sb, "ib": ib})
    if gone:  # a corrected record may no longer match what it matched before
        tx.run(cypher.load("resolution/delete_similar"), pairs=gone).consume()
    if pairs:
        tx.run(cypher.load("resolution/merge_similar"), pairs=pairs).consume()
    return recluster(tx, {k: rec}, persons, model, version, by="real-time", reason="record ingested")


def _explanation(model: Model, a: dict, b: dict) -> str:
    """The same compact form as the batch: prior and [level label, weight] per field."""
    import json

    from aim.resolution.explain import explain_pair

    ex = explain_pair(model, a, b)
    terms = {t["field"]: [t["label"], round(t["weight"], 3)] for t in ex["terms"] if t["field"] != "prior"}
    return json.dumps({"prior": round(model.prior_weight, 3), "terms": terms}, separators=(",", ":"))


def resolve_records(keys: list[Key], *, driver: Driver | None = None, settings: Settings | None = None,
                    per_key: int = PER_KEY) -> list[str]:
    """Resolve records just ingested, one transaction each; returns the affected person
    ids (live persons that gained, lost or merged records). Raises :class:`NoModel`
    when ``aim resolve`` has never run (there is no model to score with)."""
    settings = settings or get_settings()
    driver = driver or get_driver()
    found = current_model(driver, settings.neo4j_database)
    if found is None:
        raise NoModel("no resolution model in the graph: run `aim resolve` once")
    model, version = found
    affected: list[str] = []
    with driver.session(database=settings.neo4j_database) as session:
        for key in keys:
            key = (str(key[0]), str(key[1]))
            ids = session.execute_write(_resolve_one, key, model, version, per_key)
            affected.extend(i for i in ids if i not in affected)
    live = driver.execute_query(
        "UNWIND $ids AS id MATCH (p:Person {person_id: id, status: 'active'}) RETURN p.person_id AS id",
        ids=affected, database_=settings.neo4j_database)[0]
    alive = {r["id"] for r in live}
    return [i for i in affected if i in alive]


def new_run_id() -> str:
    return str(uuid.uuid4())
