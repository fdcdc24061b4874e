"""Scoring pairs with a trained model: match weight and match probability."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from . import comparisons as CMP
from ._np import fill_in_chunks
from .model import INTERACTION_FIELDS, Model, pattern_codes
from .records import Prepared, prepare


WEIGHTS_CHUNK = 2_000_000   # pairs weighed at once by a thread (16 MB of weights, a few temporaries)
SURNAME, LOCATION = CMP.FIELD_INDEX["last_name"], CMP.FIELD_INDEX["location"]
SURNAME_EXACT = CMP.level("last_name", "exact")
AT_HOME = CMP.level("location", "same address, postcode differs or missing")   # and every level above


def same_surname_at_home(gammas: np.ndarray) -> np.ndarray:
    """Pairs of one surname exactly at one address (a household's two records, or one person's)."""
    return (gammas[:, SURNAME] == SURNAME_EXACT) & (gammas[:, LOCATION] >= AT_HOME)


def tf_tables(p: Prepared) -> dict[str, np.ndarray]:
    """Relative frequency of each first name and surname code among the records."""
    out = {}
    for field, col in (("first_name", "first"), ("last_name", "last")):
        codes = p.cols[col]
        ok = codes >= 0
        counts = np.bincount(codes[ok], minlength=len(p.uniques["name"])).astype(float)
        out[field] = counts / max(1, int(ok.sum()))
    return out


def tf_from_model(model: Model, p: Prepared) -> dict[str, np.ndarray]:
    """Frequencies from the model's stored tables, indexed by ``p``'s name codes."""
    out = {}
    names = p.uniques["name"]
    for field in ("first_name", "last_name"):
        table = model.tf.get(field, {})
        out[field] = np.array([table.get(v, model.tf_min) for v in names], dtype=float)
    return out


def match_weights(model: Model, p: Prepared, i: np.ndarray, j: np.ndarray, gammas: np.ndarray,
                  tf: dict[str, np.ndarray] | None = None, with_parts: bool = False):
    """Match weight of every pair.

    With ``with_parts`` returns ``(weights, per-field weights (n, n_fields), interaction)``.
    """
    if not with_parts and gammas.shape[0] > WEIGHTS_CHUNK:
        return fill_in_chunks(np.empty(gammas.shape[0]),
                              lambda part: match_weights(model, p, i[part], j[part], gammas[part], tf), WEIGHTS_CHUNK)
    table = model.weight_table()
    nfields = gammas.shape[1]
    a, b = (CMP.FIELD_INDEX[f] for f in INTERACTION_FIELDS)
    if not with_parts:
        # Fast path: one lookup per pair in a table over all comparison vectors — over
        # those present when there are fewer pairs than vectors (real-time: ~45 pairs
        # against 12,150 vectors); each vector's weight is computed the same either way.
        codes, radix, mult = pattern_codes(gammas)
        every = int(radix.prod())
        if codes.size < every:
            vectors, codes = np.unique(codes, return_inverse=True)
        else:
            vectors = np.arange(every)
        pats = ((vectors[:, None] // mult) % radix - 1)
        gi = np.where(pats < 0, table.shape[1] - 1, pats)
        pat_w = table[np.arange(nfields), gi].sum(axis=1)
        if model.interaction is not None:
            ok = (pats[:, a] >= 0) & (pats[:, b] >= 0)
            pat_w[ok] += model.interaction[pats[ok, a], pats[ok, b]]
        w = model.prior_weight + pat_w[codes]
        if tf is not None:
            w += _tf_adjustment(model, p, i, gammas, tf)
        return w
    g = gammas.astype(np.int64)
    g = np.where(g < 0, table.shape[1] - 1, g)
    parts = np.empty(gammas.shape, dtype=np.float64)
    for k in range(nfields):
        parts[:, k] = table[k][g[:, k]]
    if tf is not None:
        for field in ("first_name", "last_name"):
            k = CMP.FIELD_INDEX[field]
            parts[:, k] += _tf_adjustment(model, p, i, gammas, tf, only=field)
    w = model.prior_weight + parts.sum(axis=1)
    inter = np.zeros(gammas.shape[0])
    if model.interaction is not None:
        ok = (gammas[:, a] >= 0) & (gammas[:, b] >= 0)
        inter[ok] = model.interaction[gammas[ok, a], gammas[ok, b]]
        w = w + inter
    return w, parts, inter


def _tf_adjustment(model: Model, p: Prepared, i: np.ndarray, gammas: np.ndarray,
                   tf: dict[str, np.ndarray], only: str | None = None) -> np.ndarray:
    """Splink-style term-frequency adjustment: on an exact name agreement, replace u_exact
    by the value's own frequency, i.e. add log2(u_exact / tf(value)); for a given name of
    two records of one surname at one address, by at least ``model.given_name_at_home``."""
    out = np.zeros(gammas.shape[0])
    for field, col in (("first_name", "first"), ("last_name", "last")):
        if only is not None and field != only:
            continue
        k = CMP.FIELD_INDEX[field]
        top = len(model.m[k]) - 1
        exact = np.flatnonzero(gammas[:, k] == top)
        if exact.size:
            # once per name, not per pair (millions of pairs share a few thousand names)
            frequency = np.maximum(tf[field], model.tf_min)
            names = p.cols[col][i[exact]]
            out[exact] += np.log2(model.u[k][top] / frequency)[names]
            if field == "first_name" and model.given_name_at_home > 0:
                home = exact[same_surname_at_home(gammas)[exact]]
                out[home] -= np.log2(np.maximum(frequency, model.given_name_at_home) / frequency)[p.cols[col][i[home]]]
    return out


def probability(weights: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp2(-np.asarray(weights, dtype=float)))


def raise_lifted(model: Model, weight: np.ndarray, lifted: np.ndarray) -> np.ndarray:
    """Raise, in place, the weights of the pairs their clusters' evidence linked
    (``lifted``: a mask or their positions) to the weight they are stored and reported at
    (:meth:`Model.as_link`); returns every pair's probability."""
    weight[lifted] = model.as_link(weight[lifted])
    return probability(weight)


@dataclass
class ScoredPairs:
    left: np.ndarray
    right: np.ndarray
    gammas: np.ndarray
    weight: np.ndarray
    probability: np.ndarray


def score_pairs(model: Model, p: Prepared, i: np.ndarray, j: np.ndarray, tf=None, progress=None) -> ScoredPairs:
    gam = CMP.compare_chunked(p, i, j, progress=progress)
    w = match_weights(model, p, i, j, gam, tf if tf is not None else tf_tables(p))
    return ScoredPairs(i, j, gam, w, probability(w))


def score_record(model: Model, record: Mapping[str, object],
                 candidates: Sequence[Mapping[str, object]]) -> list[dict]:
    """Score ONE new record against a small list of candidate records.

    Returns one dict per candidate (same order): ``record_id``, ``match_weight``,
    ``match_probability``, ``decision`` (``link`` / ``review`` / ``no``) and the per-field
    levels. Term frequencies come from the model (the whole population it was trained
    on), so the result does not depend on which candidates happen to be passed.
    """
    return score_records(model, [record], [candidates])[0][0]


@dataclass
class RecordPairs:
    """New records and their candidates prepared together, one row each: pair ``k``
    compares record ``left[k]`` (a new one) with record ``right[k]`` (one of its
    candidates); the pairs of the ``n``-th new record start at ``start[n]``."""

    prepared: Prepared
    left: np.ndarray
    right: np.ndarray
    start: list[int]
    gammas: np.ndarray
    tf: dict[str, np.ndarray]


def score_records(model: Model, records: Sequence[Mapping[str, object]],
                  candidates: Sequence[Sequence[Mapping[str, object]]]) -> tuple[list[list[dict]], RecordPairs | None]:
    """:func:`score_record` for several new records, each against its own candidates, in
    one pass (one preparation and one comparison for all: a submission of many records);
    also the pairs as prepared (None when there is no candidate), for their explanations."""
    rows: list[dict] = []
    left: list[int] = []
    right: list[int] = []
    start: list[int] = []
    for n, (record, cands) in enumerate(zip(records, candidates)):
        start.append(len(left))
        if not cands:
            continue
        # Each row its own record (a source id of its own): prepare() collapses rows sharing one.
        left += [len(rows)] * len(cands)
        right += range(len(rows) + 1, len(rows) + 1 + len(cands))
        rows.append(dict(record, record_id=str(record.get("record_id", "__new__")),
                         source="__new__", source_record_id=str(n)))
        rows += [dict(c, record_id=str(c.get("record_id", k)), source="__cand__", source_record_id=f"{n}.{k}")
                 for k, c in enumerate(cands)]
    if not left:
        return [[] for _ in records], None
    p = prepare(rows)
    i = p.row_record[np.array(left, dtype=np.int64)]
    j = p.row_record[np.array(right, dtype=np.int64)]
    gam = CMP.compare(p, i, j)
    tf = tf_from_model(model, p)
    w = match_weights(model, p, i, j, gam, tf)
    prob = probability(w)
    scored = []
    # Python values first: indexing numpy arrays one element at a time costs more than the rest.
    for other, weight, pr, levels in zip(j.tolist(), w.tolist(), prob.tolist(), gam.tolist()):
        scored.append({
            "record_id": p.record_ids[other],
            "match_weight": weight,
            "match_probability": pr,
            "decision": "link" if pr >= model.link_threshold else
                        "review" if pr >= model.review_threshold else "no",
            "levels": {c.name: c.levels[level] if level >= 0 else "null" for c, level in zip(CMP.COMPARISONS, levels)},
        })
    ends = start[1:] + [j.size]
    return [scored[a:b] for a, b in zip(start, ends)], RecordPairs(p, i, j, start, gam, tf)
