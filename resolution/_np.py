"""Small numpy helpers for the engine's hot paths: sort-based unique (numpy 2's hash-based
``np.unique`` can be pathologically slow on tens of millions of int64 keys; the sorts are
stable (timsort): keys made from blocked pairs come in long sorted runs, which it sorts 2–3
times faster than quicksort does — first-name pair keys at 1M records: 0.10 s against 0.25 s
per 2M), unique with the inverse by hashing where values repeat, one code per unordered pair
of indices, and counts of distinct rows."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


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


def _repeats(x: np.ndarray) -> bool:
    """Whether most values of ``x`` are repeats, judged on an even sample of 2^16 of them."""
    sample = x[::max(1, x.size >> 16)]
    return unique(sample).size * 2 < sample.size


def sorted_with_order(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(``x`` sorted, the stable argsort). Integers whose range leaves room for an index in
    63 bits are sorted as one key ``(value - min)·2^b + index`` each, by numpy's vectorised
    sort: 16M pair codes in about 0.8 s against 2.3 s for a stable argsort."""
    if x.dtype.kind in "iu" and x.size > 1:
        lo, hi = int(x.min()), int(x.max())
        bits = (x.size - 1).bit_length()
        if hi < 1 << 63 and hi - lo < 1 << (63 - bits):
            packed = (x.astype(np.int64) - lo) << bits
            packed |= np.arange(x.size, dtype=np.int64)
            packed.sort()                         # distinct keys: any sort is stable
            order = packed & ((1 << bits) - 1)
            packed >>= bits
            packed += lo
            return packed.astype(x.dtype), order
    order = np.argsort(x, kind="stable")
    return x[order], order


def unique_inverse(x: np.ndarray, counts: bool = False):
    """(sorted distinct values, inverse index[, counts]) like ``np.unique``. Integers that
    mostly repeat are hashed (arrow's dictionary encoding) and only the distinct values
    sorted: the name pairs of 16 million candidate pairs (1.6 million distinct) in 0.7 s
    against 2.3 s for an argsort of them all; hashing values that are mostly distinct
    costs more than sorting them, so those and other types are sorted."""
    x = np.asarray(x)
    if x.dtype.kind in "iu" and x.size > 1 << 16 and _repeats(x):
        encoded = pc.dictionary_encode(pa.array(x))
        vals, order = sorted_with_order(encoded.dictionary.to_numpy())
        rank = np.empty(order.size, dtype=np.int64)
        rank[order] = np.arange(order.size, dtype=np.int64)
        inv = rank[encoded.indices.to_numpy()]
    else:
        xs, order = sorted_with_order(x)
        flag = np.empty(x.size, dtype=bool)
        flag[:1] = True
        np.not_equal(xs[1:], xs[:-1], out=flag[1:])
        inv = np.empty(x.size, dtype=np.int64)
        inv[order] = np.cumsum(flag) - 1
        vals = xs[flag]
    if counts:
        return vals, inv, np.bincount(inv, minlength=vals.size)
    return vals, inv
