"""Scoring record pairs once per *distinct* pair of values: a fuzzy score or a predicate on
the value strings, computed for each distinct (code, code) pair and mapped back to every
pair (the hot path never scores the same two strings twice)."""

from __future__ import annotations

import numpy as np
from rapidfuzz import process

from ._np import pair_codes, unique_inverse


def unique_pairs(a: np.ndarray, b: np.ndarray):
    """Distinct unordered (a, b) code pairs and the inverse map back to the inputs."""
    base = np.int64(int(np.maximum(a, b).max(initial=0)) + 1)
    keys, inv = unique_inverse(pair_codes(a, b, base))
    return keys // base, keys % base, inv


def threads_for(comparisons: int) -> int:
    """rapidfuzz's ``workers`` for this many comparisons: all cores for a batch, one thread
    below 10,000 (starting a thread pool per call costs more than a real-time record's
    comparisons themselves)."""
    return -1 if comparisons >= 10_000 else 1


def pair_similarity(a: np.ndarray, b: np.ndarray, uniques: list[str], scorer, workers: int = -1) -> np.ndarray:
    """``scorer(uniques[a[k]], uniques[b[k]])`` for every k, each distinct pair scored once."""
    if a.size == 0:
        return np.empty(0, dtype=np.float32)
    ua, ub, inv = unique_pairs(a, b)
    sa = [uniques[x] for x in ua.tolist()]
    sb = [uniques[x] for x in ub.tolist()]
    sims = process.cpdist(sa, sb, scorer=scorer, workers=threads_for(len(sa)) if workers == -1 else workers,
                          dtype=np.float32)
    return sims[inv]


def pair_predicate(a: np.ndarray, b: np.ndarray, uniques: list[str], fn) -> np.ndarray:
    """Boolean ``fn(str_a, str_b)`` for every pair, evaluated once per distinct pair (Python)."""
    if a.size == 0:
        return np.empty(0, dtype=bool)
    ua, ub, inv = unique_pairs(a, b)
    res = np.fromiter((fn(uniques[x], uniques[y]) for x, y in zip(ua.tolist(), ub.tolist())),
                      dtype=bool, count=ua.size)
    return res[inv]
