"""What the Spark backend runs on each partition, as pandas functions (Arrow batches in,
Arrow batches out): every one of them calls the in-process engine's own code on the
records and pairs of its partition, so a rule changed in the engine changes both backends.

* :func:`collapse_and_key` — the rows of whole agency records → one record each, every
  column the engine's :func:`records.prepare` standardised (it collapses the rows too;
  ``std_`` columns: :data:`STD_COLUMNS`) and its blocking keys
  (:func:`blocking.standardised_keys`, the keys the real-time path indexes).
* :func:`score_pairs` — candidate pairs → comparison vectors (:func:`comparisons.compare`)
  and match weights (:func:`predict.match_weights`), with the flags that decide which
  records the guard must see together. The pairs carry both records' ``std_`` columns,
  so each record is standardised once per run, in the collapse step (:func:`restored`).
* :func:`guard_components` — whole groups of components → entity per record
  (:func:`guard.clusters_and_lifted`, as ``engine.link`` clusters).
* :func:`reported_pairs` — scored pairs → the rows of ``EngineResult.pairs()``, their
  weight and probability as ``engine.link`` reports them (:func:`reported`).

Each builds a small :class:`records.Prepared` of the records it holds (:func:`restored`
from their ``std_`` columns: each record is standardised once per run, in the collapse
step), ordered by their position in the input, so that index order (the engine's
tie-breaks) is the input order as in the in-process run.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import comparisons as CMP
from ..blocking import KEY_NAMES, standardised_keys
from ..guard import clusters_and_lifted, reaching_pairs
from ..model import Model
from ..predict import match_weights, raise_lifted
from ..records import FIELDS, Prepared, prepare

ROW_COLUMNS = ("row_idx", "record_id", "source", "source_record_id") + FIELDS


def _prepared_layout() -> tuple[dict[str, np.dtype], dict[str, tuple[str, ...]], dict[str, str]]:
    """The columns of a :class:`records.Prepared`, read from the engine's own ``prepare``
    (a column added there is carried too): the numeric ones with their dtype; the coded
    ones grouped by the code table they share (given, middle and surnames share one, so
    that swapped names compare by code); and the table of every ``uniques`` entry."""
    p = prepare([{"record_id": "1"}])
    table_of = {name: next(k for k, u in p.uniques.items() if u is table) for name, table in p.uniques.items()}
    numeric = {c: a.dtype for c, a in p.cols.items() if c not in p.uniques}
    coded: dict[str, tuple[str, ...]] = {}
    for c in p.cols:
        if c in p.uniques:
            coded[table_of[c]] = coded.get(table_of[c], ()) + (c,)
    return numeric, coded, table_of


NUMERIC_COLUMNS, CODED_TABLES, UNIQUES_TABLE = _prepared_layout()
# Every standardised column of a record, as text (coded) or a number, in a fixed order.
STD_COLUMNS = tuple(c for cols in CODED_TABLES.values() for c in cols) + tuple(NUMERIC_COLUMNS)
# What each side of a candidate pair carries: the record, standardised, and its names' frequencies.
PAIR_SIDE_COLUMNS = ("record_idx", "record_id") + tuple("std_" + c for c in STD_COLUMNS) + ("tf_first", "tf_last")
GAMMAS = tuple(f"g_{c.name}" for c in CMP.COMPARISONS)


def restored(recs: pd.DataFrame) -> Prepared:
    """The records of ``recs`` (one per row, with the ``std_`` columns of
    :func:`collapse_and_key`) as a :class:`records.Prepared`, without standardising any
    value again: the values ``prepare`` gives their fields, codes numbered by first
    appearance as ``prepare`` numbers them (the phonetic tables excepted, which only
    in-process blocking compares across columns; elsewhere only equality of codes within
    a table is read)."""
    ids = recs["record_idx"].astype(str).tolist()
    n = len(ids)
    p = Prepared(n=n, record_ids=ids, row_record=np.arange(n), row_ids=ids)
    for table, cols in CODED_TABLES.items():
        text = np.concatenate([recs["std_" + c].to_numpy(dtype=object) for c in cols])
        codes, uniques = pd.factorize(np.where(text == "", None, text))   # "" → -1, as records._factorise
        p.uniques[table] = uniques.tolist()
        for k, c in enumerate(cols):
            p.cols[c] = codes[k * n:(k + 1) * n].astype(np.int32)
    for name, table in UNIQUES_TABLE.items():
        p.uniques[name] = p.uniques[table]
    for c, dtype in NUMERIC_COLUMNS.items():
        p.cols[c] = recs["std_" + c].to_numpy(dtype=dtype)
    return p


def collapse_and_key(pdf: pd.DataFrame) -> pd.DataFrame:
    """Rows of whole agency records (a group of the collapse key's buckets) → per row its
    record (``record_idx``: the input position of the record's first row); on the first
    row of each record also its standardised columns and blocking keys."""
    pdf = pdf.sort_values("row_idx", kind="stable")
    p = prepare({c: pdf[c].fillna("").astype(str).tolist() for c in ROW_COLUMNS[1:]})
    row_idx = pdf["row_idx"].to_numpy()
    first_idx = row_idx[np.unique(p.row_record, return_index=True)[1]]   # records are numbered by first row
    out = pd.DataFrame({"row_idx": row_idx, "record_id": p.row_ids, "record_idx": first_idx[p.row_record]})
    recs = pd.DataFrame({"record_idx": first_idx, "rep_id": p.record_ids})
    for table, cols in CODED_TABLES.items():
        text = np.array(p.uniques[table] + [""], dtype=object)   # code -1 (missing) → ""
        for c in cols:
            recs["std_" + c] = text[p.cols[c]]
    for c in NUMERIC_COLUMNS:
        recs["std_" + c] = p.cols[c]
    # Keys from the values ``p`` has standardised (once per distinct value), not each
    # record standardised again.
    year, month, day = p.cols["dob_y"], p.cols["dob_m"], p.cols["dob_d"]
    keys = [standardised_keys(p.text("first", k), p.text("last", k),
                              p.text("dob", k) if year[k] and month[k] and day[k] else "", int(year[k]),
                              p.text("pc", k), p.text("house", k), p.text("street_key", k)) for k in range(p.n)]
    for name in KEY_NAMES:
        recs["key_" + name] = [k.get(name) for k in keys]
    return out.merge(recs, on="record_idx", how="left").assign(
        is_first=lambda d: d["row_idx"] == d["record_idx"])


def score_pairs(model: Model):
    """A ``mapInPandas`` function: candidate pairs with both records' fields → comparison
    levels, match weight, and ``edge``: the pair joins its records' group for the guard
    (:func:`guard.reaching_pairs`: clustering may read it across components)."""

    def run(batches):
        for pdf in batches:
            p, recs, i, j, gammas, out = _compared(pdf)
            w = match_weights(model, p, i, j, gammas, _name_frequencies(p, recs))
            out["weight"] = w
            out["edge"] = reaching_pairs(p, i, j, gammas, w, model.link_weight)
            yield out

    return run


def compare_pairs(batches):
    """A ``mapInPandas`` function: candidate pairs with both records' fields → ``lo, hi``
    and comparison levels (what training counts, :mod:`backends.training`)."""
    for pdf in batches:
        yield _compared(pdf)[-1]


def _compared(pdf: pd.DataFrame):
    """The records of a batch of pairs prepared, the pairs' record positions in them, their
    comparison vectors (:func:`comparisons.compare`), and ``lo, hi`` with the levels."""
    # A record is in many pairs of a batch: restored once, each side's pairs point at it
    # by position.
    recs = pd.concat([pdf[[f"{side}_{c}" for c in PAIR_SIDE_COLUMNS]].set_axis(PAIR_SIDE_COLUMNS, axis=1)
                      for side in ("l", "r")]).drop_duplicates("record_idx", ignore_index=True)
    p = restored(recs)
    position = pd.Index(recs["record_idx"])
    i = p.row_record[position.get_indexer(pdf["l_record_idx"])]
    j = p.row_record[position.get_indexer(pdf["r_record_idx"])]
    gammas = CMP.compare(p, i, j)
    out = pd.DataFrame({"lo": pdf["l_record_idx"].to_numpy(), "hi": pdf["r_record_idx"].to_numpy()})
    for k, name in enumerate(GAMMAS):
        out[name] = gammas[:, k]
    return p, recs, i, j, gammas, out


def _name_frequencies(p: Prepared, recs: pd.DataFrame) -> dict[str, np.ndarray]:
    """Name frequency per name code of ``p`` (the records of ``recs``, one per row), from
    the frequencies Spark counted over all records and carried on the pairs."""
    out = {}
    for field, col in (("first_name", "first"), ("last_name", "last")):
        table = np.zeros(len(p.uniques["name"]), dtype=float)
        codes = p.cols[col][p.row_record]
        ok = codes >= 0
        table[codes[ok]] = recs["tf_" + col].to_numpy()[ok]
        out[field] = table
    return out


def reported(model: Model, pdf: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The weight and probability ``engine.link`` reports for the scored pairs of ``pdf``
    (:func:`predict.raise_lifted`)."""
    weight = pdf["weight"].to_numpy(dtype=float, copy=True)
    return weight, raise_lifted(model, weight, pdf["lifted"].to_numpy(dtype=bool))


def reported_pairs(model: Model):
    """A ``mapInPandas`` function: scored pairs with their records' ids and ``same_entity``
    → the rows of ``EngineResult.pairs()``: those in or above the review band, weight and
    probability rounded as there, decided 'link' or 'review'."""

    def run(batches):
        for pdf in batches:
            weight, prob = reported(model, pdf)
            keep = prob >= model.review_threshold
            yield pd.DataFrame({
                "lo": pdf["lo"].to_numpy()[keep], "hi": pdf["hi"].to_numpy()[keep],
                "record_id_l": pdf["record_id_l"].to_numpy()[keep], "record_id_r": pdf["record_id_r"].to_numpy()[keep],
                # Python's rounding, as EngineResult.pairs() rounds (numpy's may differ in the last bit)
                "match_weight": [round(w, 4) for w in weight[keep].tolist()],
                "match_probability": [round(q, 6) for q in prob[keep].tolist()],
                "decision": np.where(prob[keep] >= model.link_threshold, "link", "review"),
                "same_entity": pdf["same_entity"].to_numpy(dtype=bool)[keep]})

    return run


def guard_components(model: Model, guard: bool):
    """A ``cogroup().applyInPandas`` function: the records of whole components, and every
    candidate pair inside them with the human decisions between them (rows whose
    ``decision`` is 'same' or 'different' rather than null) → ``(record_idx, entity_idx,
    lifted)``: the entity's first record, and the records whose pair with this one (this
    the lower) the clusters' evidence linked (``engine.link`` stores those as links)."""

    def run(recs: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
        recs = recs.sort_values("record_idx", kind="stable").reset_index(drop=True)
        p = restored(recs)
        idx = recs["record_idx"].to_numpy()

        def positions(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
            return np.searchsorted(idx, rows["lo"].to_numpy()), np.searchsorted(idx, rows["hi"].to_numpy())

        scored = pairs[pairs["decision"].isna()]
        left, right = positions(scored)
        gammas = scored[list(GAMMAS)].to_numpy(dtype=np.int8)
        labels, lifted = clusters_and_lifted(p, left, right, gammas, scored["weight"].to_numpy(dtype=float),
                                             model.link_weight, review_weight=model.review_weight, guard=guard,
                                             reference_year=model.reference_year,
                                             must_link=positions(pairs[pairs["decision"] == "same"]),
                                             cannot_link=positions(pairs[pairs["decision"] == "different"]))
        partners = pd.Series(idx[right[lifted]]).groupby(idx[left[lifted]]).agg(list)
        return pd.DataFrame({"record_idx": idx, "entity_idx": idx[labels],
                             "lifted": [partners.get(i, []) for i in idx.tolist()]})

    return run
