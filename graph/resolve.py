"""Batch resolution in the graph: ``aim resolve``.

The engine (:mod:`aim.resolution`) decides; the graph remembers. A run

1. streams every ``Record`` out of Neo4j (one query),
2. stores each record's blocking keys on it (``bk_<rule>`` properties, indexed, so that
   real-time resolution finds candidates by equality lookups),
3. scores the candidate pairs with the current model (trained on the records the first
   time, or with ``train=True``; saved as a ``ResolutionModel`` node),
4. writes ``(:Record)-[:SIMILAR {match_weight, probability, explanation, model_version,
   band}]->(:Record)`` for every pair in or above the review band (only the differences
   with what is there already),
5. clusters the linked pairs (GDS weakly connected components when the procedures are
   installed, networkx or scipy in process otherwise) under the engine's guard, honouring
   human must-link / cannot-link decisions (``REVIEWED`` relationships),
6. gives the clusters person ids that stay stable (a person keeps its id when a cluster
   holds at least half of its records; ties go to the bigger overlap), writes only the
   ``HAS_RECORD`` changes, retires persons that disappear as tombstones (``status``
   merged/split/retired, ``MERGED_INTO`` the survivor) and writes one
   ``ResolutionEvent`` per creation, merge, split and retirement.

A re-run on unchanged data writes nothing.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

import numpy as np
from neo4j import Driver

from aim import cypher
from aim.graph.store import get_driver
from aim.resolution import blocking as B
from aim.resolution import comparisons as CMP
from aim.resolution import standardise as S
from aim.resolution.model import Model
from aim.settings import Settings, get_settings

BK_PROPS = tuple(f"bk_{rule.name}" for rule in B.RULES)
FIELDS = ("first_name", "last_name", "date_of_birth", "gender", "address", "postcode")
BATCH = 10_000
SEP = "|"

Key = tuple[str, str]
Say = Callable[[str], None]


# ---------------------------------------------------------------------------------------
# Small helpers shared by batch, real-time, review and households
# ---------------------------------------------------------------------------------------

def key_str(source: str, source_record_id: str) -> str:
    return f"{source}{SEP}{source_record_id}"


def key_tuple(key: str | Key) -> Key:
    if isinstance(key, str):
        source, _, sid = key.partition(SEP)
        return source, sid
    return (str(key[0]), str(key[1]))


def blocking_props(record: dict) -> dict[str, str | None]:
    """The record's blocking keys as ``bk_<rule>`` properties (None = no key)."""
    found = {k.split(":", 1)[0]: k for k in B.blocking_keys(record)}
    return {f"bk_{rule.name}": found.get(rule.name) for rule in B.RULES}


def keys_fingerprint(props: dict[str, str | None]) -> str:
    text = "\x1f".join(props[p] or "" for p in BK_PROPS)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def model_version(model: Model) -> str:
    d = model.to_dict()
    d.pop("history", None)
    return "M-" + hashlib.sha1(json.dumps(d, sort_keys=True).encode()).hexdigest()[:12]


def link_weight(model: Model) -> float:
    """The match weight at the link threshold (pairs at or above it are linked)."""
    t = model.link_threshold
    return float(np.log2(t / (1 - t)))


def new_person_id(members: Iterable[str], taken: set[str], prefix: str = "P-") -> str:
    """Deterministic id from the cluster's smallest record key; never one used before."""
    seed = min(members)
    n = 0
    while True:
        text = seed if n == 0 else f"{seed}#{n}"
        pid = prefix + hashlib.sha1(text.encode()).hexdigest()[:12]
        if pid not in taken:
            return pid
        n += 1


def _batches(items: list, size: int = BATCH):
    for i in range(0, len(items), size):
        yield items[i:i + size]


def write_batched(driver: Driver, database: str, query: str, name: str, rows: list, size: int = BATCH) -> None:
    """UNWIND ``rows`` (parameter ``name``) in managed transactions of ``size`` rows."""
    text = cypher.load(query)
    with driver.session(database=database) as session:
        for chunk in _batches(rows, size):
            session.execute_write(lambda tx, c=chunk: tx.run(text, {name: c}).consume())


# ---------------------------------------------------------------------------------------
# Stable ids by overlap
# ---------------------------------------------------------------------------------------

@dataclass
class Assignment:
    """New groups (label → member keys) with their ids, and what changed."""

    ids: dict[Hashable, str]                     # group label → id
    member_id: dict[str, str]                    # member key → new id
    moved: dict[str, str]                        # member key → new id (only changed ones)
    changed_ids: set[str]                        # ids whose member set changed (or new)
    retired: dict[str, tuple[str, str | None]]   # old id → (status, merged_into)
    events: list[dict] = field(default_factory=list)


def assign_ids(groups: dict[Hashable, list[str]], old: dict[str, str], taken: set[str],
               prefix: str = "P-", new_id: Callable[[list[str], set[str]], str] | None = None) -> Assignment:
    """Give each group an id: an old id when the group holds at least half of that id's
    members (largest overlap first, then the smaller id), else a new deterministic one.

    ``old`` maps member → old id for *every* member of the old ids involved (so that old
    sizes are right); ``taken`` is every id ever used.
    """
    old_sizes = Counter(old.values())
    candidates = []
    for label, members in groups.items():
        overlap = Counter(old[m] for m in members if m in old)
        for oid, n in overlap.items():
            if 2 * n >= old_sizes[oid]:
                candidates.append((-n, oid, min(members), label))
    candidates.sort()
    ids: dict[Hashable, str] = {}
    used: set[str] = set()
    for _, oid, _, label in candidates:
        if label in ids or oid in used:
            continue
        ids[label] = oid
        used.add(oid)
    taken = set(taken) | set(old.values())
    make = new_id or (lambda members, t: new_person_id(members, t, prefix))
    for label in sorted((g for g in groups if g not in ids), key=lambda g: min(groups[g])):
        nid = make(groups[label], taken)
        taken.add(nid)
        ids[label] = nid
    member_id = {m: ids[label] for label, members in groups.items() for m in members}
    moved = {m: pid for m, pid in member_id.items() if old.get(m) != pid}
    changed = {member_id[m] for m in moved}
    # Old ids whose members left also changed (they shrank).
    for m in moved:
        if m in old and old[m] in used:
            changed.add(old[m])
    # Old ids that hold no group any more.
    dest: dict[str, Counter] = defaultdict(Counter)
    for m, oid in old.items():
        if m in member_id:
            dest[oid][member_id[m]] += 1
    retired: dict[str, tuple[str, str | None]] = {}
    for oid in old_sizes:
        if oid in used:
            continue
        where = dest.get(oid)
        if not where:
            retired[oid] = ("retired", None)
        elif len(where) == 1 or where.most_common(1)[0][1] * 2 > old_sizes[oid]:
            retired[oid] = ("merged", where.most_common(1)[0][0])
        else:
            retired[oid] = ("split", None)
    result = Assignment(ids, member_id, moved, changed, retired)
    result.events = _events(groups, ids, old, used, dest, retired)
    return result


def _events(groups, ids, old, used, dest, retired) -> list[dict]:
    events = []
    for label, members in groups.items():
        pid = ids[label]
        sources = sorted({old[m] for m in members if m in old} - {pid})
        moved = sorted(m for m in members if old.get(m) != pid)
        if not moved:
            continue
        absorbed = [s for s in sources if retired.get(s, ("", None))[0] == "merged"
                    and retired[s][1] == pid]
        if pid not in used and not sources:
            events.append({"kind": "create", "person_ids": [pid], "record_keys": moved[:200]})
        elif absorbed:
            events.append({"kind": "merge", "person_ids": [pid, *absorbed], "record_keys": moved[:200]})
        elif [s for s in sources if s not in retired or retired[s][0] != "split"]:
            kept = [s for s in sources if s not in retired]
            events.append({"kind": "move" if pid in used else "split_off",
                           "person_ids": [pid, *kept], "record_keys": moved[:200]})
    for oid, where in dest.items():
        if len(where) > 1:
            events.append({"kind": "split", "person_ids": [oid, *sorted(p for p in where if p != oid)],
                           "record_keys": []})
    for oid, (status, into) in retired.items():
        if status == "retired":
            events.append({"kind": "retire", "person_ids": [oid], "record_keys": []})
        elif status == "merged":
            events.append({"kind": "id_change", "person_ids": [oid, into], "record_keys": [],
                           "merged_into": into})
    return events


# ---------------------------------------------------------------------------------------
# Writing clusters
# ---------------------------------------------------------------------------------------

def _mode(values: Iterable[str | None]) -> str | None:
    c = Counter(v for v in values if v)
    if not c:
        return None
    top = max(c.values())
    return min(v for v, n in c.items() if n == top)


def person_details(members: list[str], details: dict[str, dict]) -> dict:
    """Display fields of a person: the commonest value of each field among its records."""
    recs = [details[m] for m in members if m in details]
    out = {
        "first_name": _mode(r.get("first_name") for r in recs),
        "last_name": _mode(r.get("last_name") for r in recs),
        "gender": _mode(r.get("gender") for r in recs),
        "record_count": len(members),
        "sources": sorted({key_tuple(m)[0] for m in members}),
    }
    dob = _mode(r.get("date_of_birth") for r in recs)
    return {"person_id": None, "details": out, "date_of_birth": dob}


def event_rows(events: list[dict], *, model_version: str | None, run_id: str, by: str,
               reason: str | None) -> list[dict]:
    return [{"event_id": str(uuid.uuid4()), "kind": e["kind"], "person_ids": e["person_ids"],
             "record_keys": e.get("record_keys", []), "merged_into": e.get("merged_into"),
             "model_version": model_version, "run_id": run_id, "by": by, "reason": reason}
            for e in events]


def plan_writes(a: Assignment, groups: dict[Hashable, list[str]], details: dict[str, dict]):
    persons = []
    for label, members in groups.items():
        pid = a.ids[label]
        if pid in a.changed_ids:
            row = person_details(members, details)
            row["person_id"] = pid
            persons.append(row)
    moves = [{"source": key_tuple(m)[0], "source_record_id": key_tuple(m)[1], "person_id": pid}
             for m, pid in a.moved.items()]
    retire = [{"person_id": oid, "status": st, "merged_into": into} for oid, (st, into) in a.retired.items()]
    return persons, moves, retire


def apply_in_tx(tx, a: Assignment, groups, details, *, model_version, by, reason, run_id=None) -> None:
    """Write an assignment inside one transaction, in one round trip (real-time and
    manual paths)."""
    persons, moves, retire = plan_writes(a, groups, details)
    if not (persons or moves or retire or a.events):
        return
    events = event_rows(a.events, model_version=model_version, run_id=run_id or str(uuid.uuid4()), by=by,
                        reason=reason)
    tx.run(cypher.load("resolution/apply_changes"), persons=persons, moves=moves, retire=retire,
           events=events).consume()


# ---------------------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------------------

def save_model(driver: Driver, database: str, model: Model, trained_on: int) -> str:
    version = model_version(model)
    driver.execute_query(cypher.load("resolution/save_model"), model_version=version,
                         json=json.dumps(model.to_dict()), trained_on=trained_on, database_=database)
    return version


_MODEL_CACHE: dict[str, Model] = {}


_VERSION_CHECK: dict[tuple, tuple[float, str]] = {}
MODEL_CHECK_SECONDS = 10.0


def current_model(driver: Driver, database: str, max_age: float = 0.0) -> tuple[Model, str] | None:
    """The current model and its version (the JSON is fetched once per version).
    ``max_age``: reuse a version looked up less than this many seconds ago (real-time
    resolution checks at most every :data:`MODEL_CHECK_SECONDS`)."""
    now = time.monotonic()
    cached = _VERSION_CHECK.get((id(driver), database))
    if max_age and cached and now - cached[0] < max_age and cached[1] in _MODEL_CACHE:
        return _MODEL_CACHE[cached[1]], cached[1]
    rows, _, _ = driver.execute_query(cypher.load("resolution/current_model_version"), database_=database)
    if not rows:
        return None
    version = rows[0]["model_version"]
    if version not in _MODEL_CACHE:
        rows, _, _ = driver.execute_query(cypher.load("resolution/current_model"), database_=database)
        if not rows:
            return None
        version = rows[0]["model_version"]
        _MODEL_CACHE[version] = Model.from_dict(json.loads(rows[0]["json"]))
    _VERSION_CHECK[(id(driver), database)] = (now, version)
    return _MODEL_CACHE[version], version


# ---------------------------------------------------------------------------------------
# Connected components: GDS in the graph, networkx, or scipy in process
# ---------------------------------------------------------------------------------------

def gds_available(driver: Driver, database: str) -> bool:
    try:
        driver.execute_query("RETURN gds.version() AS v", database_=database)
        return True
    except Exception:  # noqa: BLE001 - procedure missing = no GDS
        return False


def components_networkx(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(zip(left.tolist(), right.tolist()))
    labels = np.empty(n, dtype=np.int64)
    for k, comp in enumerate(nx.connected_components(g)):
        labels[list(comp)] = k
    return labels


def components_gds(driver: Driver, settings: Settings, n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Weakly connected components computed by GDS (through the graphdatascience client)
    on a graph constructed from the linked pairs (nodes = record indices)."""
    import pandas as pd
    from graphdatascience import GraphDataScience

    gds = GraphDataScience(driver, database=settings.neo4j_database)
    name = f"aim-resolve-{uuid.uuid4().hex[:8]}"
    nodes = pd.DataFrame({"nodeId": np.arange(n, dtype=np.int64)})
    rels = pd.DataFrame({"sourceNodeId": np.asarray(left, dtype=np.int64),
                         "targetNodeId": np.asarray(right, dtype=np.int64)})
    G = gds.graph.construct(name, nodes, rels, undirected_relationship_types=["__ALL__"])
    try:
        df = gds.wcc.stream(G)
    finally:
        G.drop()
    labels = np.empty(n, dtype=np.int64)
    labels[df["nodeId"].to_numpy(dtype=np.int64)] = df["componentId"].to_numpy(dtype=np.int64)
    return labels


def components_backend(backend: str, driver: Driver, settings: Settings):
    """The connected-components step of the engine done by ``backend`` (gds, networkx,
    inprocess), for ``engine.link(components=...)``. The engine's guard (dates of birth,
    names, cannot-links) then works on those components, so every backend gives the same
    clusters. Returns the function and a dict whose ``"calls"`` counts how often it ran."""
    from aim.resolution import clustering

    if backend == "inprocess":
        fn = clustering.components
    elif backend == "networkx":
        fn = components_networkx
    elif backend == "gds":
        def fn(n, left, right):
            return components_gds(driver, settings, n, left, right)
    else:
        raise ValueError(f"unknown clustering backend {backend!r} (auto, gds, networkx, inprocess)")
    used = {"backend": backend, "calls": 0}

    def counted(n, left, right):
        used["calls"] += 1
        return compact(fn(n, left, right)) if len(left) else np.arange(n, dtype=np.int64)

    return counted, used


def compact(labels: np.ndarray) -> np.ndarray:
    return np.unique(np.asarray(labels), return_inverse=True)[1].astype(np.int64)


def same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    """Two labelings describe the same clusters (labels themselves may differ)."""
    a, b = compact(a), compact(b)
    pairs = np.unique(a * (int(b.max(initial=0)) + 1) + b)
    return pairs.size == np.unique(a).size == np.unique(b).size


# ---------------------------------------------------------------------------------------
# The batch run
# ---------------------------------------------------------------------------------------

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


def read_records(driver: Driver, database: str) -> tuple[dict[str, list[str]], list[str | None]]:
    """Every record as engine columns (record_id = ``source|source_record_id``)."""
    cols: dict[str, list[str]] = {n: [] for n in ("record_id", "source", "source_record_id", *FIELDS)}
    bk_fp: list[str | None] = []
    with driver.session(database=database, fetch_size=20_000) as session:
        result = session.run(cypher.load("resolution/read_records"))
        for rec in result:
            src, sid = rec["source"], rec["source_record_id"]
            cols["record_id"].append(key_str(src, sid))
            cols["source"].append(src)
            cols["source_record_id"].append(sid)
            for f in FIELDS:
                v = rec[f]
                cols[f].append("" if v is None else str(v))
            bk_fp.append(rec["bk_fp"])
    # The engine's blocking (sorted neighbourhoods) depends on record order, and the
    # graph returns nodes in storage order: sort by key so that a run is reproducible.
    order = sorted(range(len(cols["record_id"])), key=cols["record_id"].__getitem__)
    cols = {name: [col[i] for i in order] for name, col in cols.items()}
    return cols, [bk_fp[i] for i in order]


def _stream_pairs(driver: Driver, database: str, query: str):
    with driver.session(database=database, fetch_size=20_000) as session:
        yield from session.run(cypher.load(query))


def _explanations(model: Model, gammas, parts, inter=None) -> list[str]:
    """Compact waterfall per pair: prior, then [level label, weight] per field (and the
    engine's interaction term when it has one); the weights add up to match_weight."""
    names = [c.name for c in CMP.COMPARISONS]
    prior = round(model.prior_weight, 3)
    out = []
    g = gammas.tolist()
    w = np.round(parts, 3).tolist()
    extra = None if inter is None else np.round(inter, 3).tolist()
    for k in range(len(g)):
        terms = {}
        for f, name in enumerate(names):
            lv = g[k][f]
            terms[name] = [CMP.COMPARISONS[f].levels[lv] if lv >= 0 else "null", w[k][f]]
        item = {"prior": prior, "terms": terms}
        if extra is not None and extra[k]:
            item["interaction"] = extra[k]
        out.append(json.dumps(item, separators=(",", ":")))
    return out


def _store_keys(driver: Driver, db: str, cols: dict[str, list[str]], bk_fp: list[str | None]) -> int:
    rows = []
    for i in range(len(cols["record_id"])):
        props = blocking_props({f: cols[f][i] for f in FIELDS})
        fp = keys_fingerprint(props)
        if fp != bk_fp[i]:
            rows.append({"source": cols["source"][i], "source_record_id": cols["source_record_id"][i],
                         "keys": props, "fp": fp})
    write_batched(driver, db, "resolution/write_blocking_keys", "rows", rows)
    return len(rows)


def resolve(*, train: bool = False, model: Model | None = None, backend: str = "auto", keys_only: bool = False,
            driver: Driver | None = None,
            settings: Settings | None = None, progress: Say | None = None,
            households: bool = True) -> ResolveReport:
    """Resolve every record in the graph (see the module docstring). ``model``: use this
    model (it becomes the current one); ``train``: retrain on the records; by default the
    current model in the graph is used, and one is trained when there is none.
    ``keys_only``: only store the records' blocking keys (for real-time lookups)."""
    from aim.resolution import engine
    from aim.resolution.predict import match_weights, tf_tables

    settings = settings or get_settings()
    driver = driver or get_driver()
    db = settings.neo4j_database
    say = progress or (lambda s: None)
    rep = ResolveReport()
    run_id = str(uuid.uuid4())
    t0 = time.perf_counter()

    say("reading records")
    cols, bk_fp = read_records(driver, db)
    n = len(cols["record_id"])
    rep.records = n
    rep.timings["read"] = time.perf_counter() - t0
    if n == 0:
        return rep
    ids = cols["record_id"]
    index = {k: i for i, k in enumerate(ids)}

    # Blocking keys on the records (only where they changed).
    t = time.perf_counter()
    say("blocking keys")
    rep.keys_written = _store_keys(driver, db, cols, bk_fp)
    rep.timings["blocking_keys"] = time.perf_counter() - t
    if keys_only:
        rep.timings["total"] = time.perf_counter() - t0
        return rep

    # Model: given, current, or trained on the records (by the same link call, so that
    # blocking and comparing run once).
    t = time.perf_counter()
    if model is not None:
        found = (model, save_model(driver, db, model, n))
    else:
        found = None if train else current_model(driver, db)
    model, version = found if found else (None, None)

    # Human decisions.
    must, cannot = [], []
    for row in _stream_pairs(driver, db, "resolution/read_decisions"):
        a, b = key_str(row["sa"], row["ia"]), key_str(row["sb"], row["ib"])
        if a in index and b in index:
            (must if row["decision"] == "same" else cannot).append((a, b))

    # Scoring and clustering.
    say("training the model on the records and linking" if model is None else "linking")
    if backend == "auto":
        backend = "gds" if gds_available(driver, db) else "inprocess"
    components, used = components_backend(backend, driver, settings)
    res = engine.link(cols, model, must_link=must, cannot_link=cannot, progress=say, components=components)
    rep.backend = backend if used["calls"] else f"{backend} (not called by the engine)"
    if model is None:
        model = res.model
        version = save_model(driver, db, model, n)
        rep.trained = True
    rep.model_version = version
    p = res.prepared
    rep.candidate_pairs = res.blocks.n_pairs
    rep.timings["link"] = time.perf_counter() - t
    assert p.n == n, "records are unique by (source, source_record_id)"

    # SIMILAR edges: differences only.
    t = time.perf_counter()
    sel = np.flatnonzero(res.probability >= model.review_threshold)
    L, R = res.left[sel], res.right[sel]
    scored = match_weights(model, p, L, R, res.gammas[sel], tf_tables(p), with_parts=True)
    parts = scored[1]
    inter = scored[2] if len(scored) > 2 else None  # the engine's interaction term, when it has one
    weights = np.round(res.weight[sel], 4)
    existing: dict[tuple[str, str], tuple[float, str]] = {}
    for row in _stream_pairs(driver, db, "resolution/read_similar"):
        existing[(key_str(row["sa"], row["ia"]), key_str(row["sb"], row["ib"]))] = (
            row["match_weight"], row["model_version"])
    rids = p.record_ids
    write, keep = [], set()
    need = []
    for k in range(sel.size):
        a, b = rids[int(L[k])], rids[int(R[k])]
        if b < a:
            a, b = b, a
        keep.add((a, b))
        old = existing.get((a, b))
        if old is None or old[1] != version or round(old[0], 4) != float(weights[k]):
            need.append(k)
    expl = _explanations(model, res.gammas[sel][need], parts[need], None if inter is None else inter[need])
    for j, k in enumerate(need):
        a, b = rids[int(L[k])], rids[int(R[k])]
        if b < a:
            a, b = b, a
        (sa, ia), (sb, ib) = key_tuple(a), key_tuple(b)
        pr = float(res.probability[sel[k]])
        write.append({"sa": sa, "ia": ia, "sb": sb, "ib": ib, "match_weight": float(weights[k]),
                      "probability": pr, "explanation": expl[j], "model_version": version,
                      "band": "link" if pr >= model.link_threshold else "review"})
    delete = []
    for (a, b) in existing:
        if (a, b) not in keep:
            (sa, ia), (sb, ib) = key_tuple(a), key_tuple(b)
            delete.append({"sa": sa, "ia": ia, "sb": sb, "ib": ib})
    say(f"writing {len(write):,} SIMILAR pairs, deleting {len(delete):,}")
    write_batched(driver, db, "resolution/delete_similar", "pairs", delete)
    write_batched(driver, db, "resolution/merge_similar", "pairs", write)
    rep.similar_pairs, rep.similar_written, rep.similar_deleted = int(sel.size), len(write), len(delete)
    rep.timings["similar"] = time.perf_counter() - t

    labels = res.record_entity
    # Stable ids and the differences.
    t = time.perf_counter()
    say("assigning person ids")
    groups: dict[int, list[str]] = defaultdict(list)
    for i, lab in enumerate(labels.tolist()):
        groups[lab].append(rids[i])
    old = {key_str(r["source"], r["source_record_id"]): r["person_id"]
           for r in _stream_pairs(driver, db, "resolution/read_memberships")}
    taken = {r["person_id"] for r in _stream_pairs(driver, db, "resolution/read_person_ids")}
    a = assign_ids(groups, old, taken)
    details = {}
    changed_members = {m for label, members in groups.items() if a.ids[label] in a.changed_ids for m in members}
    for m in changed_members:
        i = index[m]
        details[m] = {f: cols[f][i] or None for f in FIELDS}
        d = S.parse_dob(cols["date_of_birth"][i])
        details[m]["date_of_birth"] = (f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if d.full else None)
    persons, moves, retire = plan_writes(a, groups, details)
    say(f"{len(groups):,} persons: writing {len(persons):,}, moving {len(moves):,} records, "
        f"retiring {len(retire):,}")
    write_batched(driver, db, "resolution/upsert_persons", "persons", persons)
    write_batched(driver, db, "resolution/assign_records", "rows", moves)
    write_batched(driver, db, "resolution/retire_persons", "rows", retire)
    events = event_rows(a.events, model_version=version, run_id=run_id, by="aim resolve", reason="batch")
    write_batched(driver, db, "resolution/write_events", "events", events)
    rep.persons = len(groups)
    rep.persons_written, rep.records_moved, rep.persons_retired = len(persons), len(moves), len(retire)
    rep.events = Counter(e["kind"] for e in a.events)
    rep.timings["persons"] = time.perf_counter() - t

    if households:
        from aim.graph.households import derive_households

        t = time.perf_counter()
        say("households")
        derive_households(driver=driver, settings=settings)
        rep.timings["households"] = time.perf_counter() - t
    rep.timings["total"] = time.perf_counter() - t0
    return rep


def export_clusters(path, *, canonical: str | None = None, driver: Driver | None = None,
                    settings: Settings | None = None) -> int:
    """Write ``record_id,entity_id`` of the persons in the graph: one line per record
    (``source|source_record_id``), or with ``canonical`` one per row of that canonical.csv
    (its ``record_id``, matched by source and source_record_id), for ``aim evaluate``."""
    import csv

    settings = settings or get_settings()
    driver = driver or get_driver()
    person = {key_str(r["source"], r["source_record_id"]): r["person_id"]
              for r in _stream_pairs(driver, settings.neo4j_database, "resolution/read_memberships")}
    n = 0
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "entity_id"])
        if canonical:
            with open(canonical, newline="", encoding="utf-8-sig") as src:
                for row in csv.DictReader(src):
                    pid = person.get(key_str(row["source"], row["source_record_id"]))
                    if pid:
                        w.writerow([row["record_id"], pid])
                        n += 1
        else:
            for k, pid in person.items():
                w.writerow([k, pid])
                n += 1
    return n
