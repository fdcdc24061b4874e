"""Real-time resolution of records as they arrive (the API calls this right after ingest).

For each record, in one managed transaction:

1. its blocking keys are computed and stored on it (``bk_<rule>``, indexed);
2. candidates are the records sharing a key (indexed equality lookups, at most
   ``per_key`` per key), scored against it with the current model
   (:func:`aim.resolution.predict.score_record`);
3. pairs in or above the review band become ``SIMILAR`` relationships, explained as the
   batch run explains them (:func:`aim.resolution.explain.record_explanations`);
4. the record, its current person and every person it links to are re-clustered
   locally — the stored ``SIMILAR`` weights, human decisions and the engine's guard,
   exactly as the batch run does — and the result gets stable ids: the record joins an
   existing person, starts a new one, or merges two (the bigger keeps its id; the other
   becomes a tombstone ``MERGED_INTO`` it). Every change is a ``ResolutionEvent``.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.resolution.blocking import shared_key_pairs
from aim.resolution.explain import record_explanations
from aim.resolution.guard import cluster_records
from aim.resolution.model import Model
from aim.resolution.predict import score_record
from aim.settings import Settings, get_settings

from .changes import apply_in_tx
from .households import refresh_for_persons
from .ids import assign_ids
from .keys import Key, key_param, ordered, pair_params, record_key, split_key
from .models import current_model, link_weight
from .records import blocking_props, keys_fingerprint, record_details

PER_KEY = 20


class NoModel(RuntimeError):
    """No model in the graph yet: run ``aim resolve`` once (it trains one)."""


def _index_arrays(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([a for a, _ in pairs], dtype=np.int64), np.array([b for _, b in pairs], dtype=np.int64)


def _cluster(records: dict[str, dict], keys: list[str], similar: list[tuple[int, int, float]], must: list,
             cannot: list, model: Model | None) -> np.ndarray:
    """Cluster the records with the batch run's rules (``aim.resolution.guard``): the
    SIMILAR pairs with their weights and the other pairs sharing a blocking key below the
    review band (they never link, but the guard reads their levels)."""
    rows = [dict(records[k], record_id=k) for k in keys]
    scored = {(a, b) for a, b, _ in similar} | {(b, a) for a, b, _ in similar}
    below = [(a, b, -np.inf) for a, b in zip(*(x.tolist() for x in shared_key_pairs(rows))) if (a, b) not in scored]
    pairs = similar + below
    return cluster_records(rows, *_index_arrays([(a, b) for a, b, _ in pairs]),
                           np.array([w for _, _, w in pairs], dtype=float), link_weight(model) if model else np.inf,
                           must_link=_index_arrays(must), cannot_link=_index_arrays(cannot))


def _neighbourhood(tx: ManagedTransaction, seeds: dict[str, dict], person_ids: set[str]):
    """The records of ``person_ids`` plus the seeds, their old person ids, and the
    SIMILAR weights and decisions between them."""
    hood = tx.run(cypher.load("resolution/neighbourhood"), person_ids=sorted(person_ids),
                  seeds=[key_param(k) for k in seeds]).single()
    records: dict[str, dict] = {}
    old: dict[str, str] = {}
    for r in hood["records"]:
        k = record_key(r["source"], r["source_record_id"])
        records[k] = r
        old[k] = r["person_id"]
    for k, r in seeds.items():
        records.setdefault(k, r)
        if r.get("person_id"):
            old.setdefault(k, r["person_id"])
    return hood, records, old


def recluster(tx: ManagedTransaction, seeds: dict[str, dict], person_ids: set[str], model: Model | None,
              version: str | None, *, by: str, reason: str | None) -> list[str]:
    """Re-cluster the records of ``person_ids`` plus the ``seeds`` (key → record row) from
    the stored SIMILAR weights and review decisions, with the engine's guard, exactly as
    the batch run clusters; give the result stable ids and write the differences (two
    round trips). Returns the live person ids of the records involved."""
    hood, records, old = _neighbourhood(tx, seeds, person_ids)
    keys = sorted(records)
    index = {k: i for i, k in enumerate(keys)}
    similar, must, cannot = [], [], []
    for e in hood["edges"]:
        a, b = record_key(e["sa"], e["ia"]), record_key(e["sb"], e["ib"])
        if a not in index or b not in index:
            continue
        if e["type"] == "SIMILAR":
            similar.append((index[a], index[b], e["match_weight"]))
        elif e["decision"] in ("same", "different"):
            (must if e["decision"] == "same" else cannot).append((index[a], index[b]))
    labels = _cluster(records, keys, similar, must, cannot, model)
    groups: dict[int, list[str]] = defaultdict(list)
    for i, lab in enumerate(labels.tolist()):
        groups[lab].append(keys[i])
    # New ids are random (64 bits) and person ids unique in the graph, tombstones included,
    # so no id used before can be given again: nothing to look up first.
    a = assign_ids(groups, old, set())
    details = {k: record_details(records[k]) for k in keys}
    apply_in_tx(tx, a, groups, details, model_version=version, by=by, reason=reason)
    return sorted(set(a.ids.values()))


# One real-time resolution at a time: a write lock on the current model's node, held to
# commit. Without it, two records of a new person submitted at once each read the other as
# person-less and start a person of their own (tests/faults/test_api_faults.py, concurrent writers).
_SERIALISE = "MATCH (m:ResolutionModel {model_version: $version}) SET m.realtime_at = timestamp()"


def _resolve_one(tx: ManagedTransaction, key: Key, model: Model, version: str, per_key: int) -> list[str]:
    tx.run(_SERIALISE, version=version).consume()
    found = tx.run(cypher.load("resolution/get_records"), keys=[list(key)]).data()
    if not found:
        return []
    rec = found[0]
    k = record_key(*key)
    props = blocking_props(rec)
    cands = tx.run(cypher.load("resolution/candidates"), source=key[0], source_record_id=key[1],
                   per_key=per_key, keys=props, fp=keys_fingerprint(props), **props).data()
    persons = {rec["person_id"]} if rec["person_id"] else set()
    pairs = []
    scored = score_record(model, rec, cands)
    kept = [(c, s) for c, s in zip(cands, scored) if s["match_probability"] >= model.review_threshold]
    explanations = record_explanations(model, rec, [c for c, _ in kept])
    for (c, s), explanation in zip(kept, explanations):
        pr = s["match_probability"]
        pairs.append({**pair_params(*ordered(k, record_key(c["source"], c["source_record_id"]))),
                      "match_weight": round(s["match_weight"], 4), "probability": pr,
                      "explanation": explanation, "model_version": version,
                      "band": "link" if pr >= model.link_threshold else "review"})
        if pr >= model.link_threshold and c["person_id"]:
            persons.add(c["person_id"])
    # A corrected record may no longer match what it matched before.
    gone = [pair_params(*ordered(k, record_key(c["source"], c["source_record_id"])))
            for c, s in zip(cands, scored) if s["match_probability"] < model.review_threshold]
    if pairs or gone:
        tx.run(cypher.load("resolution/write_similar"), pairs=pairs, gone=gone).consume()
    return recluster(tx, {k: rec}, persons, model, version, by="real-time", reason="record ingested")


def resolve_records(keys: list[Key], *, driver: Driver, settings: Settings | None = None, households: bool = False,
                    per_key: int = PER_KEY) -> list[str]:
    """Resolve records just ingested, one transaction each; returns the affected person
    ids (live persons that gained, lost or merged records). ``households=True`` also
    re-derives the households at those persons' addresses (a few more queries). Raises
    :class:`NoModel` when ``aim resolve`` has never run (there is no model to score with)."""
    settings = settings or get_settings()
    found = current_model(driver, settings.neo4j_database)
    if found is None:
        raise NoModel("no resolution model in the graph: run `aim resolve` once")
    model, version = found
    affected: list[str] = []
    with driver.session(database=settings.neo4j_database) as session:
        for key in keys:
            ids = session.execute_write(_resolve_one, split_key(key), model, version, per_key)
            affected.extend(i for i in ids if i not in affected)
    if households and affected:
        refresh_for_persons(affected, driver=driver, settings=settings)
    return affected
