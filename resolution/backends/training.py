"""Training on Spark: :func:`aim.resolution.engine.train` with the pairs' work as Spark jobs.

The engine's training is split at one seam (:class:`engine.TrainingCounts`): *pairs →
counts* reads the records and their pairs, *counts → model* (:func:`engine.fit`) runs EM,
the dependences, the prior and the thresholds. Here Spark does the first half and the
driver runs the engine's own second half on what it collects:

* the same pairs as in process: the random pairs of :func:`engine.random_pairs` (record
  numbers in input order, the same seed), the candidate pairs (:func:`spark.candidate_pairs`),
  the training sessions' blocks (:data:`engine.TRAINING_SESSIONS` by
  :func:`engine.session_key`, joined by :func:`spark.blocked_pairs`), and the pairs drawn
  among records that share a postcode (:func:`interaction.pairs_within_groups` on the
  postcodes' sizes in the engine's code order);
* their comparison vectors in pandas UDFs that call the engine's comparisons
  (:func:`spark.compare`), aggregated to counts per distinct vector: the driver collects
  counts (a few thousand rows), never records;
* for the prior, the candidates' weights under the fitted model (:func:`spark.score`) as a
  histogram (:func:`engine.weight_bins`).

One difference: a training session with more than ``em_pairs`` pairs (about a million
records and up) is sampled to ``em_pairs`` by Spark's random order, not by the engine's
draw over its list of pairs: the same number of pairs, uniformly, but not the same ones.
"""

from __future__ import annotations

import shutil
import tempfile

import numpy as np
import pandas as pd

from .. import engine as E
from ..cluster_evidence import latest_common_year
from ..interaction import pairs_within_groups
from ..model import Model, pattern_codes
from ..predict import AT_HOME, SURNAME_EXACT
from . import partitions as P
from . import spark as S

SAME_POSTCODE = "same postcode"


def _session_column(name: str) -> str:
    return "session_" + name.replace(" ", "_")


def _training_values(pdf_batches):
    """A ``mapInPandas`` function: records (their standardised columns, :func:`partitions.restored`)
    → year of birth, postcode and the key of each training session (as text, so that it is
    the same in every partition)."""
    for pdf in pdf_batches:
        p = P.restored(pdf)
        out = pd.DataFrame({"record_idx": pdf["record_idx"].to_numpy(), "dob_y": p.cols["dob_y"].astype(np.int64),
                            "pc": [p.text("pc", k) or None for k in range(p.n)]})
        for name, columns, _ in E.TRAINING_SESSIONS:
            key = E.session_key(p, columns)
            out[_session_column(name)] = ["\x1f".join(p.text(c, k) for c in columns) if key[k] >= 0 else None
                                          for k in range(p.n)]
        yield out


def _numbered(df, column: str, name: str):
    """``(column, name)``: the distinct values of ``column`` numbered 0, 1, … in order."""
    return df.select(column).orderBy(column).rdd.map(lambda r: r[0]).zipWithIndex().toDF([column, name])


def training_records(recs, work: str):
    """Per record: ``record_idx``, ``number`` (its index in process: records in input
    order), year of birth, standardised postcode and session keys."""
    schema = S._schema([("record_idx", "long"), ("dob_y", "long"), ("pc", "string")]
                       + [(_session_column(name), "string") for name, _, _ in E.TRAINING_SESSIONS])
    values = recs.select("record_idx", *["std_" + c for c in P.STD_COLUMNS]).mapInPandas(_training_values, schema)
    return S._stage(values.join(_numbered(recs, "record_idx", "number"), "record_idx"), work, "training_records")


def _from_driver(spark, columns: dict[str, np.ndarray], work: str, name: str):
    """Arrays the driver drew, as a table: written to ``work`` as Parquet and read by Spark
    (not shipped inside the tasks, which millions of pairs would make huge)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({k: v.astype(np.int64) for k, v in columns.items()}), f"{work}/{name}.parquet")
    return spark.read.parquet(f"{work}/{name}.parquet")


def _by_number(spark, tr, i: np.ndarray, j: np.ndarray, kind: str, work: str):
    """Pairs of record numbers → ``(kind, lo, hi, n)``: record_idx pairs and how often each
    was drawn."""
    from pyspark.sql import functions as F

    drawn = _from_driver(spark, {"i": i, "j": j}, work, "drawn_" + kind.replace(" ", "_"))
    a = tr.select(F.col("number").alias("i"), F.col("record_idx").alias("x"))
    b = tr.select(F.col("number").alias("j"), F.col("record_idx").alias("y"))
    pairs = drawn.join(a, "i").join(b, "j").select(F.least("x", "y").alias("lo"), F.greatest("x", "y").alias("hi"))
    return pairs.groupBy("lo", "hi").agg(F.count("*").alias("n")).withColumn("kind", F.lit(kind))


def _same_postcode(spark, tr, n: int, k: int, seed: int, work: str):
    """Pairs drawn uniformly among those that share a postcode (as
    :func:`interaction.same_postcode_pairs`: postcodes in the engine's code order, i.e. by
    their first record; members by record number), and the share of all pairs they are."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    with_pc = tr.filter(F.col("pc").isNotNull())
    groups = with_pc.groupBy("pc").agg(F.count("*").alias("size"), F.min("number").alias("first"))
    groups = groups.join(_numbered(groups, "first", "group"), "first")
    sizes = np.array([r["size"] for r in groups.orderBy("group").select("size").collect()], dtype=np.int64)
    group, x, y, total = pairs_within_groups(sizes, k, seed)
    if group.size == 0:
        return None, 0.0
    members = with_pc.withColumn("pos", F.row_number().over(Window.partitionBy("pc").orderBy("number")) - 1).join(
        groups.select("pc", "group"), "pc").select("group", "pos", "number")
    drawn = _from_driver(spark, {"group": group, "x": x, "y": y}, work, "drawn_groups")
    a = members.select("group", F.col("pos").alias("x"), F.col("number").alias("i"))
    b = members.select("group", F.col("pos").alias("y"), F.col("number").alias("j"))
    numbers = drawn.join(a, ["group", "x"]).join(b, ["group", "y"]).select("i", "j").toPandas()
    return (_by_number(spark, tr, numbers["i"].to_numpy(), numbers["j"].to_numpy(), SAME_POSTCODE, work),
            total / (n * (n - 1) / 2))


def _sessions(tr, em_pairs: int, seed: int, say):
    """Each training session's pairs (its blocks joined as the engine joins them), at most
    ``em_pairs`` of them (see the module docstring)."""
    from pyspark.sql import functions as F

    out = []
    for name, _, _ in E.TRAINING_SESSIONS:
        keyed = tr.select(F.col(_session_column(name)).alias("key"), F.lit(0).alias("slot"), "record_idx",
                          F.col("number").alias("sec")).filter(F.col("key").isNotNull())
        pairs = S.blocked_pairs(keyed, E.SESSION_CAP, E.SESSION_WINDOW)
        n_pairs = pairs.count()
        say(f"training session {name!r}: {n_pairs:,} pairs")
        if n_pairs > em_pairs:
            pairs = pairs.orderBy(F.rand(seed)).limit(em_pairs)
        out.append(pairs.withColumn("n", F.lit(1).cast("long")).withColumn("kind", F.lit(name)))
    return out


def _vectors(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Distinct comparison vectors (in :func:`model.pattern_codes` order, as
    :func:`model.pattern_counts` gives them) and their counts."""
    pats = rows[list(P.GAMMAS)].to_numpy(dtype=np.int8)
    counts = rows["n"].to_numpy(dtype=np.int64)
    order = np.argsort(pattern_codes(pats)[0], kind="stable")
    return pats[order], counts[order]


def _expanded(rows: pd.DataFrame) -> np.ndarray:
    """The comparison vectors of pairs again from their counts (in another order: what
    training computes from them are sums over the pairs)."""
    pats, counts = _vectors(rows)
    return np.repeat(pats, counts, axis=0)


def _frequencies(recs) -> tuple[dict, dict, dict]:
    """Per name field: names given at least twice in the engine's code order, their
    frequency among the records with one (``predict.tf_tables``), and that number."""
    from pyspark.sql import functions as F

    names, tf, n_named = {}, {}, {}
    for field, col in (("first_name", "first"), ("last_name", "last")):
        named = recs.filter(F.col("std_" + col) != "")
        n_named[field] = named.count()
        rows = named.groupBy("std_" + col).agg(F.count("*").alias("n"), F.min("ord_" + col).alias("o")).filter(
            "n >= 2").orderBy("o").collect()
        names[field] = [r[0] for r in rows]
        tf[field] = np.array([r["n"] for r in rows], dtype=float) / max(1, n_named[field])
    return names, tf, n_named


def _weight_histogram(pairs, recs, work: str):
    """``engine.TrainingCounts.weight_histogram`` on Spark: the candidates scored by the
    engine's weights (:func:`spark.score`), binned by :func:`engine.weight_bins`."""
    from pyspark.sql import functions as F

    def histogram(model: Model) -> tuple[np.ndarray, float]:
        base = S._stage(S.score(pairs, recs, model).select((F.col("weight") - model.prior_weight).alias("base")),
                        work, "base_weights")
        lo = min(float(base.agg(F.min("base")).first()[0] or 0.0), 0.0)

        def bins(batches):
            for pdf in batches:
                yield pd.DataFrame({"bin": E.weight_bins(pdf["base"].to_numpy(), lo)})

        rows = base.mapInPandas(bins, "bin long").groupBy("bin").count().toPandas()
        hist = np.zeros(int(rows["bin"].max()) + 1 if len(rows) else 0, dtype=np.int64)
        hist[rows["bin"].to_numpy()] = rows["count"].to_numpy()
        return hist, lo

    return histogram


def training_counts(spark, recs, tr, work: str, *, cap: int, window: int, u_pairs: int, em_pairs: int, seed: int,
                    say) -> E.TrainingCounts:
    """:class:`engine.TrainingCounts` of the records ``recs`` (:func:`spark.staged_records`;
    ``tr``: their :func:`training_records`)."""
    from functools import reduce

    from pyspark.sql import functions as F

    n = tr.count()
    if n < 2:
        raise ValueError("need at least two records to train")
    candidates = S._stage(S.candidate_pairs(recs, cap, window), work, "candidate_pairs")
    n_candidates = candidates.count()
    say(f"{n:,} records, {n_candidates:,} candidate pairs; drawing the training pairs")
    n_u, n_same = E.sample_sizes(n, u_pairs)
    drawn = [candidates.withColumn("n", F.lit(1).cast("long")).withColumn("kind", F.lit("candidates")),
             _by_number(spark, tr, *E.random_pairs(n, n_u, seed), "random", work)]
    same, share = _same_postcode(spark, tr, n, n_same, seed, work)
    drawn += ([same] if same is not None else []) + _sessions(tr, em_pairs, seed, say)
    kinds = S._stage(reduce(lambda a, b: a.unionByName(b), drawn), work, "training_pairs")
    say("comparing the training pairs")
    compared = S._stage(S.compare(kinds.select("lo", "hi").distinct(), recs), work, "training_vectors")
    lo = tr.select(F.col("record_idx").alias("lo"), F.col("pc").alias("pc_lo"), F.col("dob_y").alias("y_lo"))
    hi = tr.select(F.col("record_idx").alias("hi"), F.col("pc").alias("pc_hi"), F.col("dob_y").alias("y_hi"))
    dob = P.GAMMAS[E.DOB]
    # engine.generation_apart: the exact-full-name session's pairs get their mark, and the
    # random pairs whose dates differ are counted by it for engine.near_share
    apart = (F.col(dob) == 0) & (F.abs(F.col("y_lo") - F.col("y_hi")) >= E.GENERATION_YEARS)
    name_session = next(name for name, _, fixed in E.TRAINING_SESSIONS if E.SURNAME in fixed)
    joined = S._stage(kinds.join(compared, ["lo", "hi"]).join(lo, "lo").join(hi, "hi")
                      .withColumn("same", F.coalesce(F.col("pc_lo") == F.col("pc_hi"), F.lit(False)))
                      .withColumn("apart", apart), work, "training_joined")
    rows = (joined.withColumn(dob, F.when((F.col("kind") == name_session) & F.col("apart"), F.lit(E.GENERATION_APART))
                              .otherwise(F.col(dob)))
            .groupBy("kind", "same", *P.GAMMAS).agg(F.sum("n").alias("n")).toPandas())
    differ = (joined.filter((F.col("kind") == "random") & (F.col(dob) == 0))
              .groupBy("apart").agg(F.sum("n").alias("n")).toPandas())
    n_apart = dict(zip(differ["apart"].astype(bool), differ["n"].astype(int)))
    near = E.share_under_a_generation(sum(n_apart.values()), n_apart.get(True, 0))
    # engine.home_namesakes over the candidates
    given, surname, location = (P.GAMMAS[k] for k in (E.GIVEN, E.SURNAME, E.LOCATION))
    at_home = (joined.filter((F.col("kind") == "candidates") & (F.col(surname) == SURNAME_EXACT)
                             & (F.col(location) >= AT_HOME) & (F.col(dob) == 0))
               .groupBy((F.col(given) == E.GIVEN_EXACT).alias("named"), "apart").agg(F.sum("n").alias("n")).toPandas())
    n_home = {(bool(r.named), bool(r.apart)): int(r.n) for r in at_home.itertuples()}
    home = (n_home.get((True, False), 0), n_home.get((True, True), 0), n_home.get((False, True), 0))
    of = {kind: part for kind, part in rows.groupby("kind")}
    empty = rows.iloc[:0]
    rand = of["random"]
    drawn_alone, drawn_same = rand[~rand["same"]], rand[rand["same"]]
    samples = [(name, fixed, _expanded(of[name])) for name, _, fixed in E.TRAINING_SESSIONS
               if of.get(name, empty)["n"].sum() >= E.MIN_SESSION_PAIRS]
    names, tf, n_named = _frequencies(recs)
    return E.TrainingCounts(
        n=n, n_candidates=n_candidates, candidates=_vectors(of.get("candidates", empty)),
        g_rand=np.concatenate([_expanded(drawn_alone), _expanded(drawn_same)]),
        same_rand=np.repeat([False, True], [int(drawn_alone["n"].sum()), int(drawn_same["n"].sum())]),
        g_same=_expanded(of.get(SAME_POSTCODE, empty)), share=share, samples=samples, near_share=near, home_namesakes=home,
        tf=E.stored_frequencies(names, tf, n_named), weight_histogram=_weight_histogram(candidates, recs, work))


def reference_year(tr) -> int:
    """:func:`cluster_evidence.reference_year` of the records, from Spark's count of each
    year of birth."""
    from pyspark.sql import functions as F

    years = tr.filter(F.col("dob_y") > 0).groupBy("dob_y").count().toPandas()
    return latest_common_year(years["dob_y"].to_numpy(), years["count"].to_numpy())


def train_staged(recs, work: str, *, seed: int = 42, u_pairs: int = 2_000_000, em_pairs: int = 1_000_000,
                 cap: int = 100, window: int = 30, link_threshold: float = 0.95, review_threshold: float = 0.5,
                 method: str = "sessions", progress=None) -> Model:
    """:func:`engine.train` of the staged records ``recs`` (:func:`spark.staged_records`):
    the same parameters, the same model (module docstring)."""
    say = progress or (lambda s: None)
    tr = training_records(recs, work)
    counts = training_counts(recs.sparkSession, recs, tr, work, cap=cap, window=window, u_pairs=u_pairs,
                             em_pairs=em_pairs, seed=seed, say=say)
    say("estimating m by EM; the prior over the candidates' weights")
    return E.fit(counts, cap=cap, window=window, link_threshold=link_threshold,
                 review_threshold=review_threshold, method=method, reference_year=reference_year(tr))


def train_files(records: str, *, master: str | None = "local[2]", work_dir: str | None = None, progress=None,
                **params) -> Model:
    """:func:`train_staged` of the rows of ``records`` (CSV or Parquet, any path or URL
    Spark reads); ``params`` as :func:`train_staged` takes them."""
    say = progress or (lambda s: None)
    spark = S.session(master, app="aim-train")
    own_work = work_dir is None
    work = work_dir or tempfile.mkdtemp(prefix="aim-spark-train-")
    try:
        staged = S.staged_records(S.read_rows(spark, records), work, say)
        return train_staged(staged.recs, work, progress=say, **params)
    finally:
        if own_work:
            shutil.rmtree(work, ignore_errors=True)
