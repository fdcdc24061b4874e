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


def pair_similarity(a: np.ndarray, b: np.ndarray, uniques: list[str], scorer, workers: int = -1) -> np.ndarray:
    """``scorer(uniques[a[k]], uniques[b[k]])`` for every k, each distinct pair scored once."""
    if a.size == 0:
        return np.empty(0, dtype=np.float32)
    ua, ub, inv = unique_pairs(a, b)
    sa = [uniques[x] for x in ua.tolist()]
    sb = [uniques[x] for x in ub.tolist()]
    if workers == -1 and len(sa) < 10_000:
        workers = 1  # starting a thread pool costs ~10 ms: too much for one new record
    sims = process.cpdist(sa, sb, scorer=scorer, workers=workers, dtype=np.float32)
    return sims[inv]


def pair_predicate(a: np.ndarray, b: np.ndarray, uniques: list[str], fn) -> np.ndarray:
    """Boolean ``fn(str_a, str_b)`` for every pair, evaluated once per distinct pair (Python)."""
    if a.size == 0:
        return np.empty(0, dtype=bool)
    ua, ub, inv = unique_pairs(a, b)
    res = np.fromiter((fn(uniques[x], uniques[y]) for x, y in zip(ua.tolist(), ub.tolist())),
                      dtype=bool, count=ua.size)
    return res[inv]
