"""Small numpy helpers: sort-based unique (numpy 2's hash-based ``np.unique`` can be
pathologically slow on tens of millions of int64 keys). The sorts are stable (timsort): keys
made from blocked pairs come in long sorted runs, which it sorts 2–3 times faster than
quicksort does (first-name pair keys at 1M records: 0.10 s against 0.25 s per 2M)."""

from __future__ import annotations

import numpy as np


def unique(x: np.ndarray) -> np.ndarray:
    """Sorted distinct values."""
    x = np.sort(np.asarray(x), kind="stable")
    if x.size == 0:
        return x
    keep = np.empty(x.size, dtype=bool)
    keep[0] = True
    np.not_equal(x[1:], x[:-1], out=keep[1:])
    return x[keep]


def pair_codes(a: np.ndarray, b: np.ndarray, n: int) -> np.ndarray:
    """One int64 code per unordered pair of indices below ``n`` (``min * n + max``)."""
    a, b = np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)
    return np.minimum(a, b) * np.int64(n) + np.maximum(a, b)


def unique_inverse(x: np.ndarray, counts: bool = False):
    """(sorted distinct values, inverse index[, counts]) like ``np.unique``."""
    x = np.asarray(x)
    order = np.argsort(x, kind="stable")
    xs = x[order]
    if x.size == 0:
        inv = np.empty(0, dtype=np.int64)
        return (xs, inv, np.empty(0, dtype=np.int64)) if counts else (xs, inv)
    flag = np.empty(x.size, dtype=bool)
    flag[0] = True
    np.not_equal(xs[1:], xs[:-1], out=flag[1:])
    ids = np.cumsum(flag) - 1
    inv = np.empty(x.size, dtype=np.int64)
    inv[order] = ids
    vals = xs[flag]
    if counts:
        return vals, inv, np.bincount(ids, minlength=vals.size)
    return vals, inv
