"""Real-time resolution of records as they arrive (the API calls this right after ingest).

The records of one submission resolve together, in one managed transaction that locks
only what they touch (no global lock: unrelated submissions resolve in parallel):

1. the buckets of their blocking keys are write-locked (one ``ResolutionLock`` node per
   hash bucket of a key value, sorted), then the records are read. Two records that could
   link share a key, hence a bucket: they take turns, and the second sees the first
   resolved — two records of a new person submitted at once cannot each start a person;
2. their blocking keys are stored on them (``bk_<rule>``, indexed) and their candidates
   are the records sharing a key (indexed equality lookups, at most ``per_key`` per key),
   scored with the current model, all the submission's records at once
   (:func:`aim.resolution.predict.score_records`);
3. the persons of the neighbourhood — the records' own, those of the records they link
   to and those the clusters' evidence reads (a surname change with a move: the other
   side, the partner's home, and one step past them) — are write-locked in sorted order,
   and re-read after the lock (a merge committed meanwhile is seen), so two resolutions
   touching one person take turns;
4. pairs in or above the review band become ``SIMILAR`` relationships (in the same round
   trip), explained as the batch run explains them
   (:func:`aim.resolution.explain.stored_explanations`);
5. each connected group of the records, with its persons, is re-clustered locally — the
   stored ``SIMILAR`` weights, human decisions and the engine's guard, exactly as the
   batch run does — and the result gets stable ids: a record joins an existing person,
   starts a new one, or merges two (the bigger keeps its id; the other becomes a
   tombstone ``MERGED_INTO`` it). Every change is a ``ResolutionEvent``.

A record that a person holds and whose fields are what real-time resolution last saw under
the current model (``Record.resolved_as``, :func:`records.resolved_fingerprint`) is not
resolved again: the same fields under the same model cluster as before, and whatever
changed around it was resolved when it arrived. Its person is locked and returned.

A lock wait that Neo4j finds to be a deadlock is a transient error: the managed
transaction retries it (the driver's ``max_transaction_retry_time``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cache

import networkx as nx
import numpy as np
from neo4j import Driver, ManagedTransaction

from aim import cypher
from aim.graph.store.db import causal_session, execute_write
from aim.resolution.blocking import shared_key_pairs
from aim.resolution.explain import stored_explanations
from aim.resolution.guard import cluster_records, reaches_across
from aim.resolution.model import Model
from aim.resolution.predict import RecordPairs, probability, score_records
from aim.settings import Settings, get_settings

from .changes import apply_in_tx
from .households import refresh_for_persons
from .ids import assign_ids
from .keys import Key, key_param, ordered, pair_params, record_key, split_key
from .models import model_of_version, read_current_model
from .locks import lock_records
from .records import keys_fingerprint, record_details, resolved_fingerprint

PER_KEY = 20
TOGETHER = 200  # records resolved in one transaction


class NoModel(RuntimeError):
    """No model in the graph yet: run ``aim resolve`` once (it trains one)."""


def _index_arrays(pairs: list[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    return np.array([a for a, _ in pairs], dtype=np.int64), np.array([b for _, b in pairs], dtype=np.int64)


def _cluster(records: dict[str, dict], keys: list[str], similar: list[tuple[int, int, float]], must: list,
             cannot: list, model: Model | None,
             parts: list[int] | None = None) -> tuple[np.ndarray, list[tuple[int, int, float]]]:
    """Cluster the records with the batch run's rules (``aim.resolution.guard``): the
    SIMILAR pairs with their weights and the other pairs sharing a blocking key below the
    review band (they never link, but the guard reads their levels; only within a group
    of ``parts``). Also returns the SIMILAR pairs the clusters' evidence linked."""
    rows = [dict(records[k], record_id=k) for k in keys]
    scored = {(a, b) for a, b, _ in similar} | {(b, a) for a, b, _ in similar}
    below = [(a, b, -np.inf) for a, b in zip(*(x.tolist() for x in shared_key_pairs(rows)))
             if (a, b) not in scored and (parts is None or parts[a] == parts[b])]
    pairs = similar + below
    labels, lifted = cluster_records(
        rows, *_index_arrays([(a, b) for a, b, _ in pairs]), np.array([w for _, _, w in pairs], dtype=float),
        model.link_weight if model else np.inf, must_link=_index_arrays(must), cannot_link=_index_arrays(cannot),
        reference_year=model.reference_year if model else None)
    return labels, [pairs[k] for k in lifted.tolist()]


def _neighbourhood(tx: ManagedTransaction, seeds: dict[str, dict], person_ids: set[str], hood=None):
    """The records of ``person_ids`` plus the seeds, their old person ids, and the
    SIMILAR weights and decisions between them (``hood``: as already read)."""
    if hood is None:
        hood = tx.run(cypher.load("resolution/neighbourhood"), person_ids=sorted(person_ids),
                      seeds=[key_param(k) for k in sorted(seeds)]).single()
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


def lock_persons(tx: ManagedTransaction, person_ids: set[str], record_keys: set[str], *,
                 pairs: Sequence[dict] = (), gone: Sequence[dict] = ()) -> dict[str, str]:
    """Write-lock ``person_ids`` (sorted) and the persons holding ``record_keys``, and write
    the SIMILAR ``pairs`` (dropping ``gone``) in the same round trip; returns record key →
    person id as read after the locks. A holder that changed between the caller's read and
    the lock (a merge committed meanwhile) is locked in another round, until every holder
    is locked (such a round may deadlock: Neo4j detects it, the managed transaction
    retries)."""
    keys = [key_param(k) for k in sorted(record_keys)]
    wanted, locked = set(person_ids), set()
    while True:
        rows = tx.run(cypher.load("resolution/lock_persons"), person_ids=sorted(wanted - locked), keys=keys,
                      pairs=list(pairs), gone=list(gone)).data()
        pairs = gone = ()
        locked |= wanted
        holders = {record_key(r["source"], r["source_record_id"]): r["person_id"] for r in rows}
        wanted = set(holders.values())
        if wanted <= locked:
            return holders


@cache
def _lock_and_read_query() -> str:
    return "\n".join([cypher.subquery(cypher.load("resolution/lock_persons")),
                      "WITH collect([source, source_record_id, person_id]) AS holders",
                      cypher.subquery(cypher.load("resolution/neighbourhood")), "RETURN holders, records, edges"])


def _lock_and_read(tx: ManagedTransaction, person_ids: set[str], record_keys: set[str], seeds: Iterable[str], *,
                   pairs: Sequence[dict], gone: Sequence[dict]) -> tuple[dict[str, str], object]:
    """:func:`lock_persons`, and in the same statement the neighbourhood of ``person_ids``
    and the ``seeds``, read after the locks: what the re-clustering reads when the records'
    holders are those persons, as they usually are. When they are not (a merge committed
    meanwhile, a person reached further), the holders are locked as ``lock_persons`` locks
    them and the neighbourhood is None (read afterwards)."""
    row = tx.run(_lock_and_read_query(), person_ids=sorted(person_ids),
                 keys=[key_param(k) for k in sorted(record_keys)], pairs=list(pairs), gone=list(gone),
                 seeds=[key_param(k) for k in sorted(seeds)]).single()
    holders = {record_key(source, record_id): person for source, record_id, person in row["holders"]}
    if set(holders.values()) == set(person_ids):
        return holders, row
    return lock_persons(tx, set(holders.values()), record_keys), None


def recluster(tx: ManagedTransaction, seeds: dict[str, dict], person_ids: set[str], model: Model | None,
              version: str | None, *, by: str, reason: str | None) -> list[str]:
    """Re-cluster the records of ``person_ids`` plus the ``seeds`` (key → record row) from
    the stored SIMILAR weights and review decisions, with the engine's guard, exactly as
    the batch run clusters; give the result stable ids and write the differences. The
    persons (those given and those holding the seeds) are write-locked first, so that a
    concurrent real-time resolution or decision waits. Returns the live person ids of the
    records involved."""
    holders = lock_persons(tx, person_ids, set(seeds))
    seeds = {k: dict(r, person_id=holders.get(k)) for k, r in seeds.items()}
    [persons] = _recluster_locked(tx, [(seeds, set(person_ids) | set(holders.values()))], model, version, by=by,
                                  reason=reason)
    return persons


def _recluster_locked(tx: ManagedTransaction, groups: list[tuple[dict[str, dict], set[str]]], model: Model | None,
                      version: str | None, *, by: str, reason: str | None, hood=None) -> list[list[str]]:
    """:func:`recluster` once the persons are locked, for disjoint groups of seeds and
    persons (no person in two groups), each clustered on its own: one read and one write
    for them all (``hood``: the neighbourhood of them all, when already read). Returns
    each group's live person ids."""
    hood, records, old = _neighbourhood(tx, {k: r for seeds, _ in groups for k, r in seeds.items()},
                                        set().union(*(persons for _, persons in groups)), hood)
    group_of_person = {p: n for n, (_, persons) in enumerate(groups) for p in persons}
    group_of = {k: group_of_person[r["person_id"]] for k, r in records.items() if r.get("person_id") in group_of_person}
    group_of |= {k: n for n, (seeds, _) in enumerate(groups) for k in seeds}
    edges = [(record_key(e["sa"], e["ia"]), record_key(e["sb"], e["ib"]), e) for e in hood["edges"]]
    clusters: dict[tuple[int, int], list[str]] = defaultdict(list)
    # The groups clustered in one call (they share no pair, so each clusters as if alone).
    keys = sorted(group_of, key=lambda k: (group_of[k], k))
    labels, raised = _cluster_group(records, keys, [(a, b, e) for a, b, e in edges if a in group_of
                                                    and group_of.get(a) == group_of.get(b)], model,
                                    [group_of[k] for k in keys])
    for k, label in zip(keys, labels.tolist()):
        clusters[group_of[k], label].append(k)
    if raised:
        # Stored as the batch run stores them (Model.as_link), so that a later re-clustering
        # of the person from the stored weights keeps it whole.
        weights = model.as_link(np.array([pair["match_weight"] for pair in raised]))
        tx.run(cypher.load("resolution/raise_to_link"), pairs=[
            pair | {"match_weight": float(w), "probability": float(probability(w))}
            for pair, w in zip(raised, weights.tolist())])
    # New ids are random (64 bits) and person ids unique in the graph, tombstones included,
    # so no id used before can be given again: nothing to look up first. The groups share
    # no person, so their ids are assigned as they would be one group at a time.
    a = assign_ids(clusters, old, set())
    details = {k: record_details(records[k]) for k in group_of}
    apply_in_tx(tx, a, clusters, details, model_version=version, by=by, reason=reason)
    return [sorted({pid for (n, _), pid in a.ids.items() if n == group}) for group in range(len(groups))]


def _cluster_group(records: dict[str, dict], keys: list[str], edges: list[tuple[str, str, dict]],
                   model: Model | None, parts: list[int] | None = None) -> tuple[np.ndarray, list[dict]]:
    """Cluster labels (in the order of ``keys``; ``parts``: each key's group) from the stored
    SIMILAR weights and decisions; and the SIMILAR pairs the clusters' evidence linked."""
    index = {k: i for i, k in enumerate(keys)}
    similar, must, cannot = [], [], []
    for a, b, e in edges:
        if e["type"] == "SIMILAR":
            similar.append((index[a], index[b], e["match_weight"]))
        elif e["decision"] in ("same", "different"):
            (must if e["decision"] == "same" else cannot).append((index[a], index[b]))
    labels, lifted = _cluster(records, keys, similar, must, cannot, model, parts)
    return labels, [{**pair_params(keys[a], keys[b]), "match_weight": w} for a, b, w in lifted]


def _candidates(tx: ManagedTransaction, records: dict[str, dict], props: dict[str, dict],
                per_key: int, version: str | None = None) -> dict[str, list[dict]]:
    """Store the records' blocking keys and return each one's candidates (one round trip).
    ``version``: the model they are resolved with (what they are resolved as is stored too)."""
    rows = [{"source": r["source"], "source_record_id": r["source_record_id"], "keys": props[k],
             "fp": keys_fingerprint(props[k]), "resolved_as": version and resolved_fingerprint(r, version)}
            for k, r in records.items()]
    found: dict[str, list[dict]] = {k: [] for k in records}
    for seed_source, seed_record_id, candidates in tx.run(cypher.load("resolution/realtime_candidates"),
                                                          rows=rows, per_key=per_key):
        found[record_key(seed_source, seed_record_id)] = candidates
    return found


def _reached(model: Model, cands: list[dict], scored: list[dict], pairs: RecordPairs | None, n: int) -> set[str]:
    """The candidates whose persons the clusters' evidence may join to the ``n``-th record's
    (a surname change with a move and the homes that say who married; names and home
    agreeing with a record that has no date of birth:
    :func:`aim.resolution.guard.reaches_across`, from the levels ``pairs`` holds); they are
    re-clustered with it, as linked ones are."""
    if not scored:
        return set()
    at = slice(pairs.start[n], pairs.start[n] + len(scored))
    reach = reaches_across(pairs.prepared, pairs.left[at], pairs.right[at], pairs.gammas[at],
                           np.array([s["match_probability"] >= model.review_threshold for s in scored]))
    return {record_key(c["source"], c["source_record_id"]) for c, r in zip(cands, reach.tolist()) if r}


def _reach_further(tx: ManagedTransaction, model: Model, reached: dict[str, set[str]], linked: dict[str, set[str]],
                   per_key: int) -> None:
    """Add to each record's ``linked`` keys what the records it reached reach in turn: the
    batch run asks of the other side of a surname change too whether it shows a marriage
    (a home shared with a man of its surname) or has a second namesake partner."""
    far = set().union(*reached.values()) - set(reached)
    if not far:
        return
    records, props, _ = lock_records(tx, sorted(split_key(k) for k in far))
    candidates = _candidates(tx, records, props, per_key)
    scores, prepared = score_records(model, list(records.values()), [candidates[k] for k in records])
    for n, (k, scored) in enumerate(zip(records, scores)):
        more = _reached(model, candidates[k], scored, prepared, n)
        for seed, others in reached.items():
            if k in others:
                linked[seed] |= more


def _score(model: Model, version: str, records: dict[str, dict], candidates: dict[str, list[dict]]):
    """The pairs to write (in or above the review band), the pairs to drop (a corrected
    record may no longer match what it has a SIMILAR pair with), each record's linked keys and
    the keys the clusters' evidence reaches from it (:func:`_reached`, in linked too)."""
    pairs: dict[tuple[str, str], dict] = {}
    gone: dict[tuple[str, str], dict] = {}
    linked: dict[str, set[str]] = {k: set() for k in records}
    reached: dict[str, set[str]] = {}
    scores, prepared = score_records(model, list(records.values()), [candidates[k] for k in records])
    kept = [(k, c, s, prepared.start[n] + m) for n, (k, scored) in enumerate(zip(records, scores))
            for m, (c, s) in enumerate(zip(candidates[k], scored)) if s["match_probability"] >= model.review_threshold]
    at = np.array([flat for *_, flat in kept], dtype=np.int64)
    explanations = stored_explanations(model, prepared.prepared, prepared.left[at], prepared.right[at], prepared.tf,
                                       prepared.gammas[at]) if kept else []
    for (k, c, s, _), explanation in zip(kept, explanations):
        other, pr = record_key(c["source"], c["source_record_id"]), s["match_probability"]
        pairs[ordered(k, other)] = {
            **pair_params(*ordered(k, other)), "match_weight": round(s["match_weight"], 4), "probability": pr,
            "explanation": explanation, "model_version": version,
            "band": "link" if pr >= model.link_threshold else "review"}
        if pr >= model.link_threshold:
            linked[k].add(other)
    for n, (k, scored) in enumerate(zip(records, scores)):
        reached[k] = _reached(model, candidates[k], scored, prepared, n)
        linked[k] |= reached[k]
        for c, s in zip(candidates[k], scored):
            other = record_key(c["source"], c["source_record_id"])
            if s["match_probability"] < model.review_threshold and other in records[k]["similar"]:
                gone[ordered(k, other)] = pair_params(*ordered(k, other))
    return list(pairs.values()), [g for p, g in gone.items() if p not in pairs], linked, reached


def _groups(linked: dict[str, set[str]], holders: dict[str, str]) -> list[tuple[list[str], set[str]]]:
    """The submitted records in connected groups — linked to each other or to records of
    one person — each with the persons it touches: each group re-clusters on its own, as
    one record after another would."""
    graph = nx.Graph()
    for k, others in linked.items():
        graph.add_node(("record", k))
        graph.add_edges_from((("record", k), ("record", o)) for o in others if o in linked)
        graph.add_edges_from((("record", k), ("person", holders[o])) for o in {k, *others} if o in holders)
    groups = [(sorted(k for kind, k in part if kind == "record"), {p for kind, p in part if kind == "person"})
              for part in nx.connected_components(graph)]
    return sorted(groups, key=lambda group: group[0][0])


def resolve_each_in(tx: ManagedTransaction, keys: list[Key], per_key: int = PER_KEY,
                    likely: Iterable[dict] = ()) -> dict[str, list[str]]:
    """Resolve these records (at most ``TOGETHER``) together in ``tx``, locking only what
    they touch: the buckets of their blocking keys, then the persons of their
    neighbourhood. Returns per record found (``record_key``) the person ids its re-clustered
    group affected (what resolving it alone would say); for a record not resolved again
    (module docstring: unchanged since last seen), the person holding it. ``likely``: what the records
    probably hold (``FIELDS``: the rows just written), whose buckets are locked with the
    first read. The model is read in the same transaction. Raises :class:`NoModel` when
    ``aim resolve`` has never run."""
    records, props, version = lock_records(tx, keys, likely, with_model=True)
    # Nothing read: no such record, or no model (then no row either); told apart here.
    found = model_of_version(tx, version) if version else read_current_model(tx)
    if found is None:
        raise NoModel("no resolution model in the graph: run `aim resolve` once")
    model, version = found
    # Records unchanged since real-time resolution saw them under this model keep their person.
    settled = {k: r["person_id"] for k, r in records.items()
               if r["person_id"] and r["resolved_as"] == resolved_fingerprint(r, version)}
    records = {k: r for k, r in records.items() if k not in settled}
    resolved = _resolve_locked(tx, model, version, records, props, per_key) if records else {}
    if not settled:
        return resolved
    # Their holders locked, as the re-clustering of the others left them (a merge may move one).
    return resolved | {k: [person] for k, person in lock_persons(tx, set(settled.values()), set(settled)).items()}


def _resolve_locked(tx: ManagedTransaction, model: Model, version: str, records: dict[str, dict],
                    props: dict[str, dict], per_key: int) -> dict[str, list[str]]:
    """:func:`resolve_each_in` once the records are read under their buckets' locks."""
    candidates = _candidates(tx, records, props, per_key, version)
    pairs, gone, linked, reached = _score(model, version, records, candidates)
    _reach_further(tx, model, reached, linked, per_key)
    known = {r["person_id"] for r in records.values() if r["person_id"]}
    known |= {c["person_id"] for k, cands in candidates.items() for c in cands
              if c["person_id"] and record_key(c["source"], c["source_record_id"]) in linked[k]}
    holders, hood = _lock_and_read(tx, known, set(records).union(*linked.values()), records, pairs=pairs, gone=gone)
    groups = [({k: dict(records[k], person_id=holders.get(k)) for k in seeds}, persons)
              for seeds, persons in _groups(linked, holders)]
    affected = _recluster_locked(tx, groups, model, version, by="real-time", reason="record ingested", hood=hood)
    return {k: persons for (seeds, _), persons in zip(groups, affected) for k in seeds}


def warm(driver: Driver, settings: Settings) -> None:
    """Parse the current model and score one made-up pair with it, so that what scoring builds
    on first use (the model, the name tables) is built before the first submission rather than
    during it; nothing before the first ``aim resolve``. Writes nothing. An explicit transaction,
    never retried: a database that is down fails the warm-up at once, not after the retries."""
    with causal_session(driver, settings.neo4j_database) as session, session.begin_transaction() as tx:
        found = read_current_model(tx)
    if found is not None:
        record = {"first_name": "ALEX", "last_name": "SMITH", "date_of_birth": "2000-01-01", "gender": "U",
                  "address": "1 HIGH STREET", "postcode": "B1 1AA"}
        score_records(found[0], [record], [[dict(record, first_name="ALEXANDER")]])


def resolve_records(keys: list[Key], *, driver: Driver, settings: Settings | None = None, households: bool = False,
                    per_key: int = PER_KEY) -> list[str]:
    """Resolve records just ingested, together (one transaction per ``TOGETHER`` records,
    each locking only its neighbourhood); returns the affected person
    ids (live persons that gained, lost or merged records). ``households=True`` also
    re-derives the households at those persons' addresses (a few more queries). Raises
    :class:`NoModel` when ``aim resolve`` has never run (there is no model to score with)."""
    settings = settings or get_settings()
    affected: list[str] = []
    with causal_session(driver, settings.neo4j_database) as session:
        unique = sorted({split_key(k) for k in keys})
        for start in range(0, len(unique), TOGETHER):
            each = execute_write(session, resolve_each_in, unique[start:start + TOGETHER], per_key)
            affected.extend(i for i in sorted(set().union(*each.values())) if i not in affected)
    if households and affected:
        refresh_for_persons(affected, driver=driver, settings=settings)
    return affected
