"""The Spark backend: :func:`aim.resolution.engine.link` as Spark jobs, same answers.

Nothing of the engine's logic lives here — only how the work is spread:

1. rows → records: bucketed by agency record so that every row of one lands in one
   group, collapsed there by the engine (:func:`partitions.collapse_and_key`), which also
   gives each record its blocking keys (:func:`blocking.standardised_keys`, of the
   values the engine standardised there);
2. blocking as joins on those keys, with the engine's cap on common values: a block of at
   most ``cap`` records is paired in full, a bigger one sorted as the engine sorts it (by
   the code order of the rule's secondary field, i.e. its first appearance in the input)
   and paired within ``window`` places;
3. comparisons and weights in pandas UDFs on Arrow batches (:func:`partitions.score_pairs`);
4. connected components of the links by GraphX, Spark's own library (GraphFrames' jar is
   not on the Maven Central mirror this project can reach);
5. the over-merge guard per group of whole components (:func:`partitions.guard_components`).

The driver only ever collects counts. ``cap``, ``window`` and the thresholds come from
the model, as in process.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import NamedTuple


from ..blocking import KEY_NAMES, RULES, rule_keys
from ..model import Model
from ..records import prepare
from . import partitions as P
from .scored import reported_pairs

Progress = Callable[[str], None]
ROWS_PER_GROUP = 50_000     # records per pandas call of the collapse and the guard
# The driver holds no records (counts and the model only); in local mode it is also the
# executor, so a big local run may need more (AIM_SPARK_DRIVER_MEMORY, e.g. "6g").
DRIVER_MEMORY = os.environ.get("AIM_SPARK_DRIVER_MEMORY", "2g")
LOG_CONFIG = Path(__file__).with_name("log4j2.properties")
# CSV as Python's csv module and the in-process engine read and write it (RFC 4180: a
# quote inside a field is doubled, not backslash-escaped as Spark's default).
CSV = {"header": True, "quote": '"', "escape": '"'}


def session(master: str | None = "local[2]", app: str = "aim-link"):
    """A SparkSession for AIM; with ``master`` None, the one ``spark-submit`` (or a
    Databricks / EMR job) configured."""
    if master and master.startswith("local"):
        # Local mode: bind to the loopback address (no "hostname resolves to a loopback"
        # warning) and run the UDFs in this virtualenv's interpreter.
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master) if master else SparkSession.builder
    spark = (builder.appName(app)
             .config("spark.driver.memory", DRIVER_MEMORY)
             .config("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{LOG_CONFIG}")
             .config("spark.ui.enabled", "false")
             .config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.debug.maxToStringFields", "200")   # our wide rows: no "truncated plan" warning
             .config("spark.sql.execution.arrow.pyspark.enabled", "true")
             .config("spark.sql.execution.arrow.maxRecordsPerBatch", "20000")
             .getOrCreate())
    spark.sparkContext.setLogLevel("WARN")
    return spark


def read_rows(spark, path: str):
    """Canonical rows from CSV or Parquet (local path or any URL Spark reads), every field
    a string ("" when missing), with ``row_idx``: increasing in input order."""
    from pyspark.sql import functions as F

    reader = spark.read.parquet if path.rstrip("/").endswith(".parquet") else \
        (lambda p: spark.read.options(**CSV).option("inferSchema", False).csv(p))
    df = reader(path)
    if "record_id" not in df.columns:
        raise ValueError(f"{path}: no record_id column")
    cols = [(F.coalesce(F.col(c).cast("string"), F.lit("")) if c in df.columns else F.lit("")).alias(c)
            for c in P.ROW_COLUMNS[1:]]
    return df.select(*cols).withColumn("row_idx", F.monotonically_increasing_id())


def _stage(df, work: str, name: str):
    """``df`` written to ``work`` (Parquet) and read back: the next steps start from the
    files, not from a plan that repeats every join before them (Spark's planner slows
    down steeply as a plan grows), and a failed task recomputes from there."""
    df.write.mode("overwrite").parquet(f"{work}/{name}")
    return df.sparkSession.read.parquet(f"{work}/{name}")


# Spark SQL types of the numeric columns of a prepared record (numpy dtype names).
_SPARK_TYPE = {"bool": "boolean", "int8": "tinyint", "int16": "smallint", "int32": "int", "int64": "bigint",
               "float64": "double"}


def _schema(names_types: list[tuple[str, str]]) -> str:
    return ", ".join(f"`{n}` {t}" for n, t in names_types)


def collapse(rows, groups: int):
    """Per row its record (``record_idx``); first rows also carry the record's
    standardised columns and blocking keys (:func:`partitions.collapse_and_key`)."""
    from pyspark.sql import functions as F

    agency = F.col("source_record_id") != ""
    bucket = F.pmod(F.when(agency, F.hash("source", "source_record_id")).otherwise(F.hash("record_id")),
                    F.lit(groups))
    schema = _schema([("row_idx", "long"), ("record_id", "string"), ("record_idx", "long"),
                      ("rep_id", "string")]
                     + [("std_" + c, _SPARK_TYPE[P.NUMERIC_COLUMNS[c].name] if c in P.NUMERIC_COLUMNS else "string")
                        for c in P.STD_COLUMNS]
                     + [("key_" + k, "string") for k in KEY_NAMES] + [("is_first", "boolean")])
    return rows.withColumn("bucket", bucket).groupBy("bucket").applyInPandas(P.collapse_and_key, schema)


def _sort_fields() -> dict[str, str]:
    """Each key's secondary sort field (a column of ``Prepared.cols``), read from the
    engine's own :func:`blocking.rule_keys` so a rule changed there changes it here."""
    p = prepare([{"record_id": "1"}, {"record_id": "2"}])
    column_of = {id(array): name for name, array in p.cols.items()}
    keys = rule_keys(p)
    return {key: column_of[id(secondary)]
            for rule in RULES for key, (_, secondary) in zip(rule.key_names, keys[rule.name])}


def with_frequencies_and_order(recs):
    """Records with the engine's name frequencies (``predict.tf_tables``: share of the
    records with a given / surname) and the code order of their names and date of birth
    (``records._factorise``: first appearance; a name's table lists given names first,
    then middle names, then surnames)."""
    from pyspark.sql import functions as F

    # One pass over the records for all of it (one aggregation, not one per column): each
    # name and date of birth once per record, with its table, its rank in that table
    # (given, middle, surname) and the record.
    table_rank = (("name", 0, "first"), ("name", 1, "middle1"), ("name", 2, "last"), ("dob", 0, "dob"))
    values = recs.select(F.explode(F.array(*[
        F.struct(F.lit(table).alias("table"), F.col("std_" + col).alias("_v"), F.lit(col).alias("col"),
                 F.struct(F.lit(rank).alias("c"), F.col("record_idx").alias("i")).alias("o"))
        for table, rank, col in table_rank])).alias("e")).select("e.*").filter(F.col("_v") != "")
    stats = values.groupBy("table", "_v").agg(
        F.min("o").alias("o"), *[F.count(F.when(F.col("col") == c, 1)).alias("n_" + c) for c in ("first", "last")])
    totals = stats.agg(*[F.sum("n_" + c).alias("total_" + c) for c in ("first", "last")])
    names = stats.filter(F.col("table") == "name").crossJoin(F.broadcast(totals))
    out = recs
    for col in ("first", "last"):
        own = names.select("_v", F.col("o").alias("ord_" + col),
                           (F.col("n_" + col) / F.col("total_" + col)).alias("tf_" + col))
        out = out.join(own, out["std_" + col] == own["_v"], "left").drop("_v").fillna(0.0, ["tf_" + col])
    dob = stats.filter(F.col("table") == "dob").select("_v", F.col("o").alias("ord_dob"))
    return out.join(dob, out["std_dob"] == dob["_v"], "left").drop("_v")


def candidate_pairs(recs, cap: int, window: int):
    """``(lo, hi)`` record pairs: the union of every key's blocks, as ``blocking.block``."""
    from pyspark.sql import functions as F

    slot_of = {key: slot for rule in RULES for slot, key in enumerate(rule.key_names)}
    keyed = None
    for key, field in _sort_fields().items():
        part = recs.select(F.col("key_" + key).alias("key"), F.lit(slot_of[key]).alias("slot"), "record_idx",
                           F.col("ord_" + field).alias("sec")).filter(F.col("key").isNotNull())
        keyed = part if keyed is None else keyed.unionByName(part)
    return blocked_pairs(keyed, cap, window).distinct()


def blocked_pairs(keyed, cap: int, window: int):
    """``(lo, hi)`` pairs of records that share a ``key``, as ``blocking._pairs_for_key``
    pairs them: a block of at most ``cap`` records in full, a bigger one sorted by
    ``(sec, slot, record_idx)`` and paired within ``window`` places."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    block = Window.partitionBy("key")
    keyed = keyed.withColumn("size", F.count("*").over(block)).filter("size > 1").withColumn(
        "pos", F.row_number().over(block.orderBy("sec", "slot", "record_idx")) - 1).drop("sec", "slot")
    small = keyed.filter(F.col("size") <= cap)
    full = small.alias("a").join(small.alias("b"), "key").filter(F.col("a.pos") < F.col("b.pos")).select(
        F.col("a.record_idx").alias("x"), F.col("b.record_idx").alias("y"))
    big = keyed.filter(F.col("size") > cap)
    near = big.filter(F.col("pos") < F.col("size") - 1).select(
        "key", F.col("record_idx").alias("x"),
        F.explode(F.sequence(F.col("pos") + 1, F.least(F.col("pos") + window - 1, F.col("size") - 1))).alias("pos"))
    windowed = near.join(big.select("key", "pos", F.col("record_idx").alias("y")), ["key", "pos"]).select("x", "y")
    return full.unionByName(windowed).filter(F.col("x") != F.col("y")).select(
        F.least("x", "y").alias("lo"), F.greatest("x", "y").alias("hi"))


def _with_both_records(pairs, recs):
    """``(lo, hi)`` pairs with each side's record (``l_``, ``r_`` columns), as the pandas
    functions of :mod:`partitions` read them."""
    from pyspark.sql import functions as F

    def side(prefix: str):
        return recs.select(*[F.col("rep_id" if c == "record_id" else c).alias(f"{prefix}_{c}")
                             for c in P.PAIR_SIDE_COLUMNS])

    left, right = side("l"), side("r")
    both = pairs.join(left, pairs["lo"] == left["l_record_idx"]).join(right, pairs["hi"] == right["r_record_idx"])
    return both.drop("lo", "hi")


GAMMA_SCHEMA = [("lo", "long"), ("hi", "long")] + [(g, "tinyint") for g in P.GAMMAS]


def compare(pairs, recs):
    """Comparison levels of every pair (``lo, hi`` and the ``g_`` columns)."""
    return _with_both_records(pairs, recs).mapInPandas(P.compare_pairs, _schema(GAMMA_SCHEMA))


def score(pairs, recs, model: Model):
    """Comparison levels, weight and guard-group edge of every candidate pair."""
    schema = _schema(GAMMA_SCHEMA + [("weight", "double"), ("edge", "boolean")])
    light = replace(model, tf={}, history=[])   # the UDF scores with the data's frequencies, as link() does
    return _with_both_records(pairs, recs).mapInPandas(P.score_pairs(light), schema)


def components(spark, edges, work_dir: str):
    """``(record_idx, component)`` of every record in an edge: GraphX's connected
    components (the smallest record_idx of each), through an edge-list file."""
    from pyspark.sql import functions as F

    edge_dir, comp_dir = f"{work_dir}/edges", f"{work_dir}/components"
    # GraphX partitions the graph as the file is split: a few parts per core, not one
    # per shuffle partition (every Pregel superstep runs a task per graph partition).
    parts = max(1, spark.sparkContext.defaultParallelism * 2)
    edges.select(F.concat_ws(" ", "lo", "hi")).coalesce(parts).write.mode("overwrite").text(edge_dir)
    jvm, sc = spark.sparkContext._jvm, spark.sparkContext
    level = jvm.org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK()
    graph = jvm.org.apache.spark.graphx.GraphLoader.edgeListFile(sc._jsc.sc(), edge_dir, False, -1, level, level)
    graph.ops().connectedComponents().vertices().saveAsTextFile(comp_dir)
    text = spark.read.text(comp_dir)
    pair = F.regexp_extract("value", r"\((\d+),(\d+)\)", 1), F.regexp_extract("value", r"\((\d+),(\d+)\)", 2)
    return text.select(pair[0].cast("long").alias("record_idx"), pair[1].cast("long").alias("component"))


def guarded_entities(recs, scored, comps, model: Model, guard: bool, groups: int, decisions=None):
    """``(record_idx, entity_idx, lifted)`` of every record: a record in no edge is its own
    entity; the others are clustered by the engine per group of whole components
    (:func:`partitions.guard_components`). ``decisions``: ``(lo, hi, decision)`` human
    must-links ('same', which must be among the components' edges) and cannot-links."""
    from pyspark.sql import functions as F

    member = recs.select("record_idx", *["std_" + c for c in P.STD_COLUMNS]).join(comps, "record_idx")
    bucket = F.pmod(F.hash("component"), F.lit(groups)).alias("bucket")
    lo = comps.select(F.col("record_idx").alias("lo"), F.col("component").alias("c_lo"))
    hi = comps.select(F.col("record_idx").alias("hi"), F.col("component").alias("c_hi"))
    pairs = scored.withColumn("decision", F.lit(None).cast("string"))
    if decisions is not None:
        pairs = pairs.unionByName(decisions, allowMissingColumns=True)
    inside = pairs.join(lo, "lo").join(hi, "hi").filter(F.col("c_lo") == F.col("c_hi")).withColumn(
        "component", F.col("c_lo"))
    guarded = member.select("*", bucket).groupBy("bucket").cogroup(
        inside.select("*", bucket).groupBy("bucket")).applyInPandas(
        P.guard_components(model, guard), "record_idx long, entity_idx long, lifted array<long>")
    alone = recs.join(comps, "record_idx", "left_anti").select(
        "record_idx", F.col("record_idx").alias("entity_idx"), F.array().cast("array<long>").alias("lifted"))
    return guarded.unionByName(alone)


def _write(df, path: str) -> None:
    """``df`` to ``path``: Parquet when it ends in ``.parquet``, else CSV (part files)."""
    writer = df.write.mode("overwrite")
    (writer.parquet(path) if path.rstrip("/").endswith(".parquet") else writer.options(**CSV).csv(path))


class Staged(NamedTuple):
    """The input as :func:`staged_records` leaves it in the work dir."""

    keyed: object       # one row per input row: its record_idx (a DataFrame)
    recs: object        # one row per record: standardised, keyed, frequencies and code order
    n_rows: int
    n_records: int
    groups: int         # pandas groups for the per-record steps


def staged_records(rows, work: str, say: Progress) -> Staged:
    """The rows (:func:`read_rows`' columns) collapsed and keyed, and the records with their
    name frequencies and code order, both staged in ``work``."""
    spark = rows.sparkSession
    n_rows = rows.count()
    # Spark's default of 200 shuffle partitions is tens of tiny tasks per core for a
    # small input; a few per core, more as the input grows (adaptive execution merges).
    cores = spark.sparkContext.defaultParallelism
    groups = max(2 * cores, n_rows // ROWS_PER_GROUP)
    spark.conf.set("spark.sql.shuffle.partitions", str(max(2 * cores, n_rows // 20_000)))
    say(f"{n_rows:,} rows; collapsing and keying records")
    keyed = _stage(collapse(rows, groups), work, "rows")
    recs = _stage(with_frequencies_and_order(keyed.filter("is_first")), work, "records")
    n_records = recs.count()
    say(f"{n_records:,} records")
    return Staged(keyed, recs, n_rows, n_records, groups)


def linked_entities(recs, model: Model, work: str, groups: int, say: Progress, *, guard: bool = True,
                    decisions=None):
    """Blocking, scoring, components and the guard on the staged records: the number of
    candidate pairs, the scored pairs and ``(record_idx, entity_idx, lifted)`` per record
    (:func:`guarded_entities`; its must-link ``decisions`` join components too)."""
    say("blocking")
    pairs = _stage(candidate_pairs(recs, model.cap, model.window), work, "pairs")
    n_pairs = pairs.count()
    say(f"{n_pairs:,} candidate pairs; comparing and scoring")
    scored = _stage(score(pairs, recs, model), work, "scored")
    say("connected components")
    edges = scored.filter("edge").select("lo", "hi")
    if decisions is not None:
        edges = edges.unionByName(decisions.filter("decision = 'same'").select("lo", "hi"))
    comps = _stage(components(recs.sparkSession, edges, work), work, "component_of")
    say("over-merge guard per component")
    entities = _stage(guarded_entities(recs, scored, comps, model, guard, groups, decisions), work, "entities")
    return n_pairs, scored, entities


def link_files(records: str, out: str, model: Model | None, *, master: str | None = "local[2]", guard: bool = True,
               pairs: str | None = None, work_dir: str | None = None,
               progress: Progress | None = None) -> tuple[dict, Model]:
    """Resolve the rows of ``records`` into entities on Spark and write ``record_id,
    entity_id`` for every row, in input order, to ``out`` (Parquet when it ends in
    ``.parquet``, else CSV; a directory of part files, as Spark writes); to ``pairs``, the
    scored pairs in or above the review band (:func:`scored.reported_pairs`). Without a
    ``model``, one is trained on the records first (:func:`training.train_staged`, on the
    records staged once for both). Returns counts and the model used."""
    from pyspark.sql import functions as F

    from .training import train_staged

    say = progress or (lambda s: None)
    spark = session(master)
    own_work = work_dir is None
    work = work_dir or tempfile.mkdtemp(prefix="aim-spark-")
    try:
        staged = staged_records(read_rows(spark, records), work, say)
        if model is None:
            say("training the model on the records")
            model = train_staged(staged.recs, work, progress=say)
        n_pairs, scored, entities = linked_entities(staged.recs, model, work, staged.groups, say, guard=guard)
        named = entities.join(staged.recs.select(F.col("record_idx").alias("entity_idx"), "rep_id"), "entity_idx")
        result = staged.keyed.select("row_idx", "record_id", "record_idx").join(
            named.select("record_idx", F.concat(F.lit("E-"), "rep_id").alias("entity_id")), "record_idx")
        _write(result.orderBy("row_idx").select("record_id", "entity_id"), out)
        if pairs:
            _write(reported_pairs(staged.recs, scored, entities, model), pairs)
        n_entities = entities.select("entity_idx").distinct().count()
        return {"rows": staged.n_rows, "records": staged.n_records, "candidate_pairs": n_pairs,
                "entities": n_entities}, model
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    """The entry point ``spark-submit`` runs (docs/scale.md): the master, executors and
    their memory come from spark-submit or the platform, not from AIM."""
    import argparse

    ap = argparse.ArgumentParser(prog="aim-spark-link", description=link_files.__doc__)
    ap.add_argument("records", help="canonical rows: CSV or Parquet, a path or a URL Spark reads")
    ap.add_argument("out", help="record_id,entity_id per row (Parquet if it ends in .parquet, else CSV)")
    ap.add_argument("--model", help="MODEL.json (aim train), a path the driver reads; without it the model is "
                                    "trained on the records, on Spark (backends.training)")
    ap.add_argument("--save-model", help="where the driver writes the model it trained")
    ap.add_argument("--pairs", help="scored pairs in or above the review band (Parquet if it ends in .parquet, else CSV)")
    ap.add_argument("--work-dir", help="shared storage for intermediate files (default: a local temp dir)")
    ap.add_argument("--no-guard", action="store_true")
    a = ap.parse_args(argv)
    say = partial(print, flush=True)   # the platform's log shows the progress
    given = Model.load(a.model) if a.model else None
    counts, model = link_files(a.records, a.out, given, master=None, guard=not a.no_guard, pairs=a.pairs,
                               work_dir=a.work_dir, progress=say)
    if given is None and a.save_model:
        model.save(a.save_model)
    print(counts, flush=True)


if __name__ == "__main__":
    main()
