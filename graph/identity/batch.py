"""Batch resolution in the graph: ``aim resolve``.

The engine (:mod:`aim.resolution`) decides; the graph remembers. A run goes through
named phases:

1. :func:`read_records` streams every ``Record`` out of Neo4j (one query);
2. :func:`store_keys` stores each record's blocking keys on it (``bk_<key>``
   properties, indexed, so that real-time resolution finds candidates by equality);
3. :func:`choose_model`: the given model, the current one, or none (then the engine
   trains one on the records, saved as a ``ResolutionModel`` node);
4. :func:`read_decisions`: human must-link / cannot-link decisions (``REVIEWED``);
5. :func:`link`: the engine scores the candidate pairs and clusters the linked ones (GDS
   weakly connected components when installed, networkx or scipy in process otherwise)
   under its guard, honouring the decisions;
6. :func:`write_similar`: ``(:Record)-[:SIMILAR {match_weight, probability, explanation,
   model_version, band}]->(:Record)`` for every pair in or above the review band (only
   the differences with what is there already);
7. :func:`assign_persons`: stable person ids (:mod:`.ids`), only the ``HAS_RECORD``
   changes written, persons that disappear kept as tombstones, one ``ResolutionEvent``
   per creation, merge, split and retirement;
8. households (:mod:`.households`).

A re-run on unchanged data writes nothing.
"""

from __future__ import annotations

import csv
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from neo4j import Driver

from aim import cypher
from aim.graph.store import causal_session, write_batched
from aim.resolution import explain
from aim.resolution.model import Model
from aim.settings import Settings, get_settings

from .changes import event_rows, plan_writes
from .components import components_backend, gds_available
from .households import derive_households
from .ids import assign_ids
from .keys import ordered, pair_params, record_key
from .models import current_model, save_model
from .records import FIELDS, blocking_props, keys_fingerprint, read_records, record_details, stream

Say = Callable[[str], None]


@dataclass
class ResolveReport:
    records: int = 0
    persons: int = 0
    candidate_pairs: int = 0
    similar_pairs: int = 0
    similar_written: int = 0
    similar_deleted: int = 0
    keys_written: int = 0
    records_moved: int = 0
    persons_written: int = 0
    persons_retired: int = 0
    events: Counter = field(default_factory=Counter)
    backend: str = ""
    model_version: str = ""
    trained: bool = False
    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[phase] = time.perf_counter() - start


def store_keys(driver: Driver, db: str, cols: dict[str, list[str]], bk_fp: list[str | None]) -> int:
    """Write the blocking keys of the records whose keys changed; returns how many."""
    rows = []
    for i in range(len(cols["record_id"])):
        props = blocking_props({f: cols[f][i] for f in FIELDS})
        fp = keys_fingerprint(props)
        if fp != bk_fp[i]:
            rows.append({"source": cols["source"][i], "source_record_id": cols["source_record_id"][i],
                         "keys": props, "fp": fp})
    write_batched(driver, db, "resolution/write_blocking_keys", "rows", rows)
    return len(rows)


def choose_model(driver: Driver, db: str, model: Model | None, train: bool, n: int) -> tuple[Model | None, str | None]:
    """The given model (saved as the current one), else the current one unless ``train``;
    ``(None, None)`` when the engine is to train one."""
    if model is not None:
        return model, save_model(driver, db, model, n)
    found = None if train else current_model(driver, db)
    return found if found else (None, None)


def read_decisions(driver: Driver, db: str, index: dict[str, int]) -> tuple[list, list]:
    """Reviewers' decisions between records that exist: must-links and cannot-links."""
    must, cannot = [], []
    for row in stream(driver, db, "resolution/read_decisions"):
        a, b = record_key(row["sa"], row["ia"]), record_key(row["sb"], row["ib"])
        if a in index and b in index:
            (must if row["decision"] == "same" else cannot).append((a, b))
    return must, cannot


def link(cols, model: Model | None, decisions: tuple[list, list], backend: str, *, driver: Driver,
         settings: Settings, say: Say):
    """Score and cluster with the engine; returns its result and the backend's label."""
    from aim.resolution import engine

    if backend == "auto":
        backend = "gds" if gds_available(driver, settings.neo4j_database) else "inprocess"
    components, used = components_backend(backend, driver, settings)
    must, cannot = decisions
    res = engine.link(cols, model, must_link=must, cannot_link=cannot, progress=say, components=components)
    return res, backend if used["calls"] else f"{backend} (not called by the engine)"


def write_similar(driver: Driver, db: str, model: Model, version: str, res, say: Say) -> tuple[int, int, int]:
    """Write the SIMILAR pairs that are new or changed and delete those that are gone;
    returns (pairs in or above the review band, written, deleted)."""
    from aim.resolution.predict import tf_tables

    p = res.prepared
    sel = np.flatnonzero(res.probability >= model.review_threshold)
    left, right = res.left[sel], res.right[sel]
    weights = np.round(res.weight[sel], 4)
    existing = {(record_key(r["sa"], r["ia"]), record_key(r["sb"], r["ib"])): (r["match_weight"], r["model_version"])
                for r in stream(driver, db, "resolution/read_similar")}
    rids = p.record_ids
    keep, need = set(), []
    for k in range(sel.size):
        pair = ordered(rids[int(left[k])], rids[int(right[k])])
        keep.add(pair)
        old = existing.get(pair)
        if old is None or old[1] != version or round(old[0], 4) != float(weights[k]):
            need.append(k)
    expl = explain.stored_explanations(model, p, left[need], right[need], tf_tables(p), gammas=res.gammas[sel][need])
    write = []
    for j, k in enumerate(need):
        pr = float(res.probability[sel[k]])
        write.append({**pair_params(*ordered(rids[int(left[k])], rids[int(right[k])])),
                      "match_weight": float(weights[k]), "probability": pr, "explanation": expl[j],
                      "model_version": version, "band": "link" if pr >= model.link_threshold else "review"})
    delete = [pair_params(a, b) for (a, b) in existing if (a, b) not in keep]
    say(f"writing {len(write):,} SIMILAR pairs, deleting {len(delete):,}")
    write_batched(driver, db, "resolution/delete_similar", "pairs", delete)
    write_batched(driver, db, "resolution/merge_similar", "pairs", write)
    return int(sel.size), len(write), len(delete)


# The person plan's writes, in the order they must happen (persons exist before records
# move to them): its list → (query, UNWIND parameter).
PERSON_WRITES = {"persons": ("resolution/upsert_persons", "persons"), "moves": ("resolution/assign_records", "rows"),
                 "retire": ("resolution/retire_persons", "rows"), "events": ("resolution/write_events", "events")}


@dataclass
class PersonPlan:
    """What gives a run's clusters their stable person ids (:func:`plan_persons`)."""

    groups: int                 # persons after the run
    persons: list[dict]         # new or changed persons
    moves: list[dict]           # records whose person changes
    retire: list[dict]          # persons that disappear (tombstones)
    events: list[dict]          # ResolutionEvent rows
    new_ids: list[str]          # ids given to new persons
    kinds: Counter              # events per kind


def plan_persons(keys: list[str], labels: list, old: dict[str, str], taken: set[str],
                 fields_of: Callable[[str], dict], *, version: str, run_id: str) -> PersonPlan:
    """Stable ids for the clusters ``labels`` (one per record key of ``keys``) by
    :func:`ids.assign_ids`, given the persons the records had (``old``) and the ids the
    graph has used (``taken``), and the writes for them (:func:`changes.plan_writes`; the
    details of a changed person from its records' fields, ``fields_of(key)``)."""
    groups: dict = defaultdict(list)
    for key, label in zip(keys, labels):
        groups[label].append(key)
    a = assign_ids(groups, old, taken)
    changed = {m for label, members in groups.items() if a.ids[label] in a.changed_ids for m in members}
    persons, moves, retire = plan_writes(a, groups, {m: record_details(fields_of(m)) for m in changed})
    events = event_rows(a.events, model_version=version, run_id=run_id, by="aim resolve", reason="batch")
    return PersonPlan(len(groups), persons, moves, retire, events, sorted(set(a.ids.values()) - set(old.values())),
                      Counter(e["kind"] for e in a.events))


def assign_persons(driver: Driver, db: str, cols, labels: np.ndarray, version: str, rep: ResolveReport,
                   say: Say) -> None:
    """Give the clusters stable person ids and write the differences (and their events)."""
    rids = cols["record_id"]
    index = {k: i for i, k in enumerate(rids)}
    with causal_session(driver, db) as session:
        session.execute_write(lambda tx: tx.run(cypher.load("resolution/clear_unfinished_persons")).consume())
    old = {record_key(r["source"], r["source_record_id"]): r["person_id"]
           for r in stream(driver, db, "resolution/read_memberships")}
    taken = {r["person_id"] for r in stream(driver, db, "resolution/read_person_ids")}
    plan = plan_persons(rids, labels.tolist(), old, taken, lambda m: {f: cols[f][index[m]] for f in FIELDS},
                        version=version, run_id=str(uuid.uuid4()))
    say(f"{plan.groups:,} persons: writing {len(plan.persons):,}, moving {len(plan.moves):,} records, "
        f"retiring {len(plan.retire):,}")
    for name, (query, param) in PERSON_WRITES.items():
        write_batched(driver, db, query, param, getattr(plan, name))
    rep.persons = plan.groups
    rep.persons_written, rep.records_moved, rep.persons_retired = len(plan.persons), len(plan.moves), len(plan.retire)
    rep.events = plan.kinds


def resolve(*, driver: Driver, settings: Settings | None = None, train: bool = False, model: Model | None = None,
            backend: str = "auto", keys_only: bool = False, progress: Say | None = None,
            households: bool = True) -> ResolveReport:
    """Resolve every record in the graph (see the module docstring). ``model``: use this
    model (it becomes the current one); ``train``: retrain on the records; by default the
    current model in the graph is used, and one is trained when there is none.
    ``keys_only``: only store the records' blocking keys (for real-time lookups)."""
    settings = settings or get_settings()
    db = settings.neo4j_database
    say = progress or (lambda s: None)
    rep = ResolveReport()
    with rep.timed("total"):
        with rep.timed("read"):
            say("reading records")
            cols, bk_fp = read_records(driver, db)
        rep.records = n = len(cols["record_id"])
        if n == 0:
            return rep
        with rep.timed("blocking_keys"):
            say("blocking keys")
            rep.keys_written = store_keys(driver, db, cols, bk_fp)
        if keys_only:
            return rep
        with rep.timed("link"):
            model, version = choose_model(driver, db, model, train, n)
            decisions = read_decisions(driver, db, {k: i for i, k in enumerate(cols["record_id"])})
            say("training the model on the records and linking" if model is None else "linking")
            res, rep.backend = link(cols, model, decisions, backend, driver=driver, settings=settings, say=say)
            if model is None:
                model, version, rep.trained = res.model, save_model(driver, db, res.model, n), True
            rep.model_version = version
            rep.candidate_pairs = res.blocks.n_pairs
            assert res.prepared.n == n, "records are unique by (source, source_record_id)"
        with rep.timed("similar"):
            rep.similar_pairs, rep.similar_written, rep.similar_deleted = write_similar(
                driver, db, model, version, res, say)
        with rep.timed("persons"):
            say("assigning person ids")
            assign_persons(driver, db, cols, res.record_entity, version, rep, say)
        if households:
            with rep.timed("households"):
                say("households")
                derive_households(driver=driver, settings=settings)
    return rep


def export_clusters(path, *, driver: Driver, settings: Settings | None = None, canonical: str | None = None) -> int:
    """Write ``record_id,entity_id`` of the persons in the graph: one line per record
    (its record key), or with ``canonical`` one per row of that canonical.csv (its
    ``record_id``, matched by source and source_record_id), for ``aim evaluate``."""
    settings = settings or get_settings()
    person = {record_key(r["source"], r["source_record_id"]): r["person_id"]
              for r in stream(driver, settings.neo4j_database, "resolution/read_memberships")}
    n = 0
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "entity_id"])
        if canonical:
            with open(canonical, newline="", encoding="utf-8-sig") as src:
                for row in csv.DictReader(src):
                    pid = person.get(record_key(row["source"], row["source_record_id"]))
                    if pid:
                        w.writerow([row["record_id"], pid])
                        n += 1
        else:
            for k, pid in person.items():
                w.writerow([k, pid])
                n += 1
    return n
