"""Cluster quality against truth: pairwise precision/recall/F1 and B-cubed.

Everything is computed from the contingency counts (how many records each
(true entity, predicted entity) cell holds), so it is O(n) and works at millions of
records — no pair is ever enumerated.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ._np import unique_inverse


def _codes(values: Sequence) -> np.ndarray:
    table: dict = {}
    return np.fromiter((table.setdefault(str(v), len(table)) for v in values), dtype=np.int64)


def _pairs(c: np.ndarray) -> int:
    c = c.astype(np.int64)
    return int((c * (c - 1) // 2).sum())


def evaluate(truth: Sequence, predicted: Sequence) -> dict[str, float]:
    """Scores for two aligned label sequences (one truth and one predicted label per record)."""
    t = _codes(truth)
    p = _codes(predicted)
    if t.size != p.size:
        raise ValueError("truth and predicted must be aligned")
    n = t.size
    cell = t * (p.max(initial=0) + 1) + p
    _, cell_inv, cell_n = unique_inverse(cell, counts=True)
    t_n = np.bincount(t)
    p_n = np.bincount(p)
    tp = _pairs(cell_n)
    pred_pairs = _pairs(p_n)
    true_pairs = _pairs(t_n)
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # B-cubed: each record's share of its predicted cluster that is truly its, and v.v.
    own = cell_n[cell_inv].astype(float)
    b_p = float((own / p_n[p]).mean()) if n else 1.0
    b_r = float((own / t_n[t]).mean()) if n else 1.0
    b_f = 2 * b_p * b_r / (b_p + b_r) if b_p + b_r else 0.0
    return {
        "records": n, "true_entities": int(t_n.size), "predicted_entities": int(p_n.size),
        "true_pairs": true_pairs, "predicted_pairs": pred_pairs, "true_positive_pairs": tp,
        "precision": precision, "recall": recall, "f1": f1,
        "bcubed_precision": b_p, "bcubed_recall": b_r, "bcubed_f1": b_f,
    }


def read_labels(path: str | Path) -> dict[str, str]:
    """``record_id → entity_id`` from a CSV with those two columns."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        r = csv.reader(fh)
        header = next(r)
        ri, ei = header.index("record_id"), header.index("entity_id")
        return {row[ri]: row[ei] for row in r if row}


def evaluate_files(truth_csv: str | Path, clusters_csv: str | Path) -> dict[str, float]:
    """Evaluate on the records present in both files (missing ones are reported)."""
    truth = read_labels(truth_csv)
    pred = read_labels(clusters_csv)
    ids = [k for k in truth if k in pred]
    out = evaluate([truth[k] for k in ids], [pred[k] for k in ids])
    out["missing_from_clusters"] = len(truth) - len(ids)
    return out
