"""The scored pairs of a Spark run as the in-process engine reports them: the pairs near
the review band (``aim resolve --engine spark`` keeps them as ``SIMILAR``) and
``EngineResult.pairs()`` (``aim link --engine spark --pairs``). Weights, probabilities and
decisions come from the engine's own functions (:func:`partitions.reported`)."""

from __future__ import annotations

from ..model import Model
from . import partitions as P


def near_pairs(scored, entities, model: Model):
    """The scored pairs that may be in or above the review band: by their weight, or
    linked by their clusters' evidence (``lifted``, from :func:`spark.guarded_entities`)."""
    from pyspark.sql import functions as F

    lifted = entities.select(F.col("record_idx").alias("lo"), F.explode("lifted").alias("hi"),
                             F.lit(True).alias("lifted"))
    return scored.join(lifted, ["lo", "hi"], "left").fillna(False, ["lifted"]).filter(
        (F.col("weight") >= model.review_weight - 1e-6) | F.col("lifted"))


def reported_pairs(recs, scored, entities, model: Model):
    """``EngineResult.pairs()`` on Spark: the pairs in or above the review band with their
    records' ids, weight, probability, decision and whether they are in one entity, in
    the engine's order (by record, in input order)."""
    from pyspark.sql import functions as F

    ids = recs.select("record_idx", "rep_id")
    entity = entities.select("record_idx", "entity_idx")
    near = (near_pairs(scored, entities, model).select("lo", "hi", "weight", "lifted")
            .join(ids.toDF("lo", "record_id_l"), "lo").join(ids.toDF("hi", "record_id_r"), "hi")
            .join(entity.toDF("lo", "entity_lo"), "lo").join(entity.toDF("hi", "entity_hi"), "hi")
            .withColumn("same_entity", F.col("entity_lo") == F.col("entity_hi")))
    schema = ("lo long, hi long, record_id_l string, record_id_r string, match_weight double, "
              "match_probability double, decision string, same_entity boolean")
    return near.mapInPandas(P.reported_pairs(model), schema).orderBy("lo", "hi").drop("lo", "hi")
