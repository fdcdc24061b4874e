"""``aim resolve --engine spark``: :func:`batch.resolve` with the linking as Spark jobs and
Neo4j read and written in parallel partitions. The driver holds no records: counts, the
model, the reviewers' decisions and the plan's per-group totals only.

1. the records are read in ranges of their internal ids, one read transaction per
   partition, each with the person that holds it now;
2. their blocking keys are written per partition by the batch run's own
   :func:`batch.store_keys`;
3. the model: the given one, the current one, or one trained on Spark (as
   :func:`batch.choose_model` chooses);
4. the Spark backend links them (:func:`backends.spark.linked_entities`: the engine's
   functions per partition), honouring the decisions;
5. ``SIMILAR``: the pairs in or above the review band, the ones new or changed explained
   (:func:`explain.stored_explanations`) and written per partition, the stored ones no
   longer in the band deleted;
6. persons: the records are grouped by whole components of "same new cluster" and "held
   by the same person", and each group of components gets its ids from
   :func:`batch.plan_persons` (the batch run's rules). The plan is staged before anything is
   written, so that a retried task writes what its first attempt would have;
7. households, as the batch run derives them.

Every write is an ``UNWIND`` batch in a managed write transaction (retried on transient
errors) keyed by ``MERGE``, so a retried partition writes the same thing again. The Neo4j
Connector for Apache Spark has no release for Spark 4 on Maven Central (the latest,
5.3.8, is for Spark 3), hence the Python driver in each partition.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from collections import Counter
from dataclasses import replace
from functools import partial

import numpy as np
import pandas as pd
from neo4j import Driver, NotificationDisabledClassification

from aim import cypher
from aim.graph.store import causal_session, connect, write_batched
from aim.resolution import explain
from aim.resolution.backends import partitions as P
from aim.resolution.backends import spark as S
from aim.resolution.backends.scored import near_pairs
from aim.resolution.backends.training import train_staged
from aim.resolution.model import Model
from aim.settings import Settings, get_settings

from .batch import PERSON_WRITES, ResolveReport, Say, choose_model, plan_persons, store_keys
from .households import derive_households
from .keys import SEP, record_key
from .models import save_model
from .records import FETCH_SIZE, FIELDS, stream

RECORDS_PER_READ = 50_000   # records per read transaction (one Spark partition)
GRAPH_RECORD_COLUMNS = ("source", "source_record_id", *FIELDS, "bk_fp", "person_id")
SIMILAR_COLUMNS = ("sa", "ia", "sb", "ib", "match_weight", "model_version")


def _fetch(target: Settings, query: str, columns: tuple[str, ...], ranges):
    """A ``mapPartitions`` function: the rows of ``query`` for each id range of the
    partition, a read transaction each."""
    text = cypher.load(query)
    with connect(target) as driver, _id_session(driver, target.neo4j_database) as session:
        for lo, hi in ranges:
            yield from session.execute_read(
                lambda tx, lo=lo, hi=hi: [tuple(r[c] for c in columns) for r in tx.run(text, lo=lo, hi=hi)])


def _id_session(driver: Driver, db: str):
    """A session for queries on internal ids: ``id()`` is deprecated in Neo4j 5 (no
    replacement), but it is the only id with an order to cut into ranges. Causal, so the
    ranges are read after this process's clearing of unfinished persons."""
    return causal_session(driver, db, fetch_size=FETCH_SIZE,
                          notifications_disabled_classifications=[NotificationDisabledClassification.DEPRECATION])


def read_ranges(driver: Driver, db: str) -> tuple[list[tuple[int, int]], int]:
    """The records' internal ids cut into ranges of about :data:`RECORDS_PER_READ`, and how
    many records there are."""
    with _id_session(driver, db) as session:
        span = session.execute_read(lambda tx: tx.run(cypher.load("resolution/spark_record_id_range")).single())
    if not span["n"]:
        return [], 0
    parts = -(-span["n"] // RECORDS_PER_READ)
    bounds = np.linspace(span["lo"], span["hi"] + 1, parts + 1).astype(np.int64).tolist()
    return list(zip(bounds[:-1], bounds[1:])), span["n"]


def read_graph(spark, target: Settings, ranges, query: str, columns: tuple[str, ...], types: dict[str, str]):
    """The rows of ``query`` over every id range, one Spark partition per range."""
    rdd = spark.sparkContext.parallelize(ranges, len(ranges)).mapPartitions(
        partial(_fetch, target, query, columns))
    return spark.createDataFrame(rdd, ", ".join(f"`{c}` {types.get(c, 'string')}" for c in columns))


def graph_records(spark, target: Settings, ranges, work: str):
    """Every record as the Spark backend's rows (``record_id`` its record key, ``row_idx``
    increasing in record-key order, the order the batch run gives the engine), with its
    stored blocking-key fingerprint and current person; staged."""
    from pyspark.sql import functions as F

    found = read_graph(spark, target, ranges, "resolution/spark_read_records", GRAPH_RECORD_COLUMNS, {})
    keyed = found.fillna("", list(FIELDS)).withColumn(
        "record_id", F.concat("source", F.lit(SEP), "source_record_id"))
    return S._stage(keyed.orderBy("record_id").withColumn("row_idx", F.monotonically_increasing_id()),
                    work, "graph_records")


def _store_keys(target: Settings):
    """A ``mapInPandas`` function: :func:`batch.store_keys` on each batch of records."""

    def run(batches):
        with connect(target) as driver:
            for pdf in batches:
                cols = {c: pdf[c].tolist() for c in ("record_id", "source", "source_record_id", *FIELDS)}
                fingerprints = [v if isinstance(v, str) else None for v in pdf["bk_fp"]]
                yield pd.DataFrame({"written": [store_keys(driver, target.neo4j_database, cols, fingerprints)]})

    return run


def decisions_frame(spark, driver: Driver, db: str, records):
    """The reviewers' decisions between records that exist, as ``(lo, hi, decision)``
    record positions; None when there are none."""
    from pyspark.sql import functions as F

    rows = [(record_key(r["sa"], r["ia"]), record_key(r["sb"], r["ib"]), r["decision"])
            for r in stream(driver, db, "resolution/read_decisions")]
    if not rows:
        return None
    found = spark.createDataFrame(rows, "a string, b string, decision string")
    at = records.select("record_id", "row_idx")
    both = found.join(at.toDF("a", "x"), "a").join(at.toDF("b", "y"), "b")
    return both.select(F.least("x", "y").alias("lo"), F.greatest("x", "y").alias("hi"),
                       F.when(F.col("decision") == "same", "same").otherwise("different").alias("decision"))


def _similar_pairs(model: Model, version: str):
    """A ``mapInPandas`` function: candidate pairs near the review band (both records'
    fields, the stored pair's weight and version) → the pairs in or above the band, as
    ``batch.write_similar`` keeps them, explained when new or changed (``write``)."""
    light = replace(model, tf={}, history=[])

    def run(batches):
        for pdf in batches:
            # A pair the clusters' evidence linked is stored as a link (engine.link).
            weight, prob = P.reported(model, pdf)
            keep = prob >= model.review_threshold
            pdf, weight, prob = pdf[keep].reset_index(drop=True), np.round(weight[keep], 4), prob[keep]
            old = [round(w, 4) if v == version else None for w, v in zip(pdf["old_weight"], pdf["old_version"])]
            write = np.array([o is None or o != w for o, w in zip(old, weight.tolist())], dtype=bool)
            explanations = np.full(len(pdf), None, dtype=object)
            if write.any():
                p, recs, i, j, gammas, _ = P._compared(pdf[write])
                explanations[write] = explain.stored_explanations(light, p, i, j, P._name_frequencies(p, recs),
                                                                  gammas=gammas)
            a, b = pdf["key_a"].str.partition(SEP), pdf["key_b"].str.partition(SEP)
            yield pd.DataFrame({"sa": a[0], "ia": a[2], "sb": b[0], "ib": b[2], "match_weight": weight,
                                "probability": prob, "model_version": version,
                                "band": np.where(prob >= model.link_threshold, "link", "review"),
                                "explanation": explanations, "write": write})

    return run


def similar_pairs(recs, scored, entities, existing, model: Model, version: str, work: str):
    """The ``SIMILAR`` pairs the run keeps (``write``: new or changed), staged."""
    from pyspark.sql import functions as F

    both = (S._with_both_records(near_pairs(scored, entities, model), recs)
            .withColumn("key_a", F.least("l_record_id", "r_record_id"))
            .withColumn("key_b", F.greatest("l_record_id", "r_record_id")))
    stored = existing.select(F.concat("sa", F.lit(SEP), "ia").alias("key_a"), F.concat("sb", F.lit(SEP), "ib").alias(
        "key_b"), F.col("match_weight").alias("old_weight"), F.col("model_version").alias("old_version"))
    schema = ("sa string, ia string, sb string, ib string, match_weight double, probability double, "
              "model_version string, band string, explanation string, write boolean")
    return S._stage(both.join(stored, ["key_a", "key_b"], "left").mapInPandas(_similar_pairs(model, version), schema),
                    work, "similar")


def _write_rows(target: Settings, query: str, name: str, columns: list[str]):
    """A ``mapPartitions`` function: the partition's rows as ``UNWIND`` batches; yields
    how many (one pass both writes and counts them)."""

    def run(rows):
        batch = [{c: row[c] for c in columns} for row in rows]
        with connect(target) as driver:
            write_batched(driver, target.neo4j_database, query, name, batch)
        yield len(batch)

    return run


def _write_per_partition(rows, target: Settings, query: str, name: str, columns: list[str]) -> int:
    """Write ``rows`` per partition; how many there were."""
    return rows.select(*columns).rdd.mapPartitions(_write_rows(target, query, name, columns)).sum()


def write_similar(similar, existing, target: Settings) -> tuple[int, int, int]:
    """Delete the stored pairs no longer kept, write the new or changed ones; returns
    (pairs kept, written, deleted)."""
    pair = ["sa", "ia", "sb", "ib"]
    gone = existing.select(*pair).join(similar.select(*pair), pair, "left_anti")
    deleted = _write_per_partition(gone, target, "resolution/delete_similar", "pairs", pair)
    written = _write_per_partition(similar.filter("write"), target, "resolution/merge_similar", "pairs", [
        *pair, "match_weight", "probability", "explanation", "model_version", "band"])
    return similar.count(), written, deleted


def _assign(version: str, run_id: str):
    """An ``applyInPandas`` function: the records of whole groups (new cluster ∪ the persons
    their records had) → the batch run's :func:`batch.plan_persons` for them, as JSON lists."""

    def run(pdf: pd.DataFrame) -> pd.DataFrame:
        fields = pdf.set_index("record_id")[list(FIELDS)]
        old = {k: pid for k, pid in zip(pdf["record_id"], pdf["person_id"]) if isinstance(pid, str)}
        # Ids taken elsewhere in the graph are checked once the plan is staged (check_new_ids).
        plan = plan_persons(pdf["record_id"].tolist(), pdf["entity_idx"].tolist(), old, set(),
                            lambda key: fields.loc[key].to_dict(), version=version, run_id=run_id)
        # Ids fixed here: a retried write MERGEs the same events.
        return pd.DataFrame({name: [json.dumps(getattr(plan, name))] for name in PERSON_WRITES}
                            | {"created": [plan.new_ids], "groups_persons": [plan.groups],
                               "kinds": [json.dumps(plan.kinds)]})

    return run


def person_plan(records, entities, version: str, run_id: str, groups: int, work: str):
    """Per bucket of whole groups, the persons, moves, retirements and events to write;
    staged (the new ids in it are random: a recomputed plan would differ)."""
    from pyspark.sql import functions as F

    held = records.select(F.col("row_idx").alias("record_idx"), "record_id", "person_id", *FIELDS).join(
        entities.select("record_idx", "entity_idx"), "record_idx")
    first_of_person = held.filter(F.col("person_id").isNotNull()).groupBy("person_id").agg(
        F.min("record_idx").alias("first"))
    edges = held.filter(F.col("entity_idx") != F.col("record_idx")).select(
        F.col("record_idx").alias("lo"), F.col("entity_idx").alias("hi")).unionByName(
        held.join(first_of_person, "person_id").filter(F.col("first") != F.col("record_idx")).select(
            F.col("record_idx").alias("lo"), F.col("first").alias("hi")))
    comps = S.components(records.sparkSession, edges, f"{work}/person_groups")
    grouped = held.join(comps, "record_idx", "left").withColumn(
        "bucket", F.pmod(F.hash(F.coalesce("component", "record_idx")), F.lit(groups)))
    schema = ("persons string, moves string, retire string, events string, created array<string>, "
              "groups_persons long, kinds string")
    return S._stage(grouped.groupBy("bucket").applyInPandas(_assign(version, run_id), schema), work, "person_plan")


def _taken(target: Settings):
    """A ``mapPartitions`` function: which of the partition's new ids the graph has used."""

    def run(rows):
        ids = [row["id"] for row in rows]
        with connect(target) as driver:
            found = driver.execute_query(cypher.load("resolution/taken_person_ids"), ids=ids,
                                         database_=target.neo4j_database, routing_="r").records
        return [r["person_id"] for r in found]

    return run


def check_new_ids(plan, target: Settings) -> None:
    """Random 64-bit ids drawn in parallel partitions: none may be one the graph has used
    or another partition drew (a rerun draws others)."""
    from pyspark.sql import functions as F

    created = plan.select(F.explode("created").alias("id"))
    twice = created.count() - created.distinct().count()
    taken = created.rdd.mapPartitions(_taken(target)).take(1)
    if twice or taken:
        raise RuntimeError("new person ids collided with ids in use; run aim resolve --engine spark again")


def _write_plan(target: Settings):
    """A ``foreachPartition`` function: the partition's planned writes, in the batch run's
    order (persons before the records move to them, tombstones, events)."""

    def run(rows):
        lists: dict[str, list] = {name: [] for name in PERSON_WRITES}
        for row in rows:
            for name in PERSON_WRITES:
                lists[name].extend(json.loads(row[name]))
        with connect(target) as driver:
            for name, (query, param) in PERSON_WRITES.items():
                write_batched(driver, target.neo4j_database, query, param, lists[name])

    return run


def write_persons(plan, target: Settings, rep: ResolveReport, say: Say) -> None:
    """Write the staged plan per partition; its totals (one row per bucket) into ``rep``."""
    from pyspark.sql import functions as F

    totals = plan.select("groups_persons", "kinds", *[F.json_array_length(c).alias(f"n_{c}")
                                                 for c in ("persons", "moves", "retire")]).collect()
    rep.persons = sum(t["groups_persons"] for t in totals)
    rep.persons_written, rep.records_moved, rep.persons_retired = (
        sum(t[f"n_{c}"] for t in totals) for c in ("persons", "moves", "retire"))
    rep.events = sum((Counter(json.loads(t["kinds"])) for t in totals), Counter())
    say(f"{rep.persons:,} persons: writing {rep.persons_written:,}, moving {rep.records_moved:,} records, "
        f"retiring {rep.persons_retired:,}")
    plan.foreachPartition(_write_plan(target))


def resolve(*, driver: Driver, settings: Settings | None = None, train: bool = False, model: Model | None = None,
            master: str | None = "local[2]", keys_only: bool = False, households: bool = True,
            progress: Say | None = None) -> ResolveReport:
    """:func:`batch.resolve` on Spark (see the module docstring): the same graph after it,
    the model trained on Spark when one is (:func:`backends.training.train_staged`).
    ``master``: None for the one ``spark-submit`` configured."""
    settings = settings or get_settings()
    db = settings.neo4j_database
    say = progress or (lambda s: None)
    # Every partition connects to the server the driver found (a local one's port is in AIM_HOME).
    target = settings.model_copy(update={"neo4j_uri": settings.bolt_uri})
    rep = ResolveReport(backend=f"spark {master or '(spark-submit)'}")
    spark = S.session(master, app="aim-resolve")
    work = tempfile.mkdtemp(prefix="aim-spark-resolve-")
    try:
        with rep.timed("total"):
            driver.execute_query(cypher.load("resolution/clear_unfinished_persons"), database_=db)
            with rep.timed("read"):
                say("reading records")
                ranges, rep.records = read_ranges(driver, db)
                if not ranges:
                    return rep
                records = graph_records(spark, target, ranges, work)
            with rep.timed("blocking_keys"):
                say("blocking keys")
                rep.keys_written = int(records.mapInPandas(_store_keys(target), "written long").groupBy().sum().first()[0])
            if keys_only:
                return rep
            with rep.timed("link"):
                model, version = choose_model(driver, db, model, train, rep.records)
                staged = S.staged_records(records.select(*P.ROW_COLUMNS), work, say)
                recs, groups = staged.recs, staged.groups
                if model is None:
                    say("training the model on the records")
                    model = train_staged(recs, work, progress=say)
                    version, rep.trained = save_model(driver, db, model, rep.records), True
                rep.model_version = version
                rep.candidate_pairs, scored, entities = S.linked_entities(
                    recs, model, work, groups, say, decisions=decisions_frame(spark, driver, db, records))
            with rep.timed("similar"):
                existing = S._stage(read_graph(spark, target, ranges, "resolution/spark_read_similar",
                                               SIMILAR_COLUMNS, {"match_weight": "double"}), work, "stored_similar")
                similar = similar_pairs(recs, scored, entities, existing, model, version, work)
                rep.similar_pairs, rep.similar_written, rep.similar_deleted = write_similar(similar, existing, target)
                say(f"SIMILAR: {rep.similar_written:,} pairs written, {rep.similar_deleted:,} deleted")
            with rep.timed("persons"):
                say("assigning person ids")
                plan = person_plan(records, entities, version, str(uuid.uuid4()), groups, work)
                check_new_ids(plan, target)
                write_persons(plan, target, rep, say)
            if households:
                with rep.timed("households"):
                    say("households")
                    derive_households(driver=driver, settings=settings)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return rep
