"""What training draws from the records: random pairs, and on large data a sample of whole
postcode areas for the exact-full-name training session.

Why the areas (issue 17 run 11): in the exact-full-name session the non-matches are
namesakes, different people of one full name. Their number per true pair grows with the
population (a name held by three records at 30,000 is held by a hundred at a million), and
EM took a share of them for matches: m of "date of birth differs" came out 0.0025 on the
independent population at 30k and 0.021 at 1M (among its true pairs 0.0002), three bits less
of a penalty for a same-name parent and child at 1M. m is a property of the error process,
not of the population's size; whole areas keep each person's records and each household
together and the namesakes as dense as in a population of the sample's size, so the session
on them estimates what it estimates at that size.
"""

from __future__ import annotations

import zlib

import numpy as np

from .records import Prepared

# Records of the area sample: the size of the smaller evaluation populations, at which the
# name session's estimate was measured against the truth. Data of this size or less is
# trained on whole (FEBRL and the 30k populations are unchanged by construction).
SAMPLE_RECORDS = 30_000


def random_pairs(n: int, k: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """k distinct-index random pairs (i < j) drawn uniformly; deterministic by seed."""
    rng = np.random.default_rng(seed)
    i = rng.integers(0, n, size=k, dtype=np.int64)
    j = rng.integers(0, n - 1, size=k, dtype=np.int64)
    j = np.where(j >= i, j + 1, j)
    return np.minimum(i, j), np.maximum(i, j)


def sample_sizes(n: int, u_pairs: int) -> tuple[int, int]:
    """How many random pairs of ``n`` records training compares, and pairs sharing a postcode."""
    n_u = int(min(u_pairs, n * (n - 1) // 2))
    return n_u, min(n_u // 10, 200_000)


def record_areas(p: Prepared) -> tuple[np.ndarray, list[str]]:
    """Per record the code of its area (-1: no postcode) and each code's text: the outward code of
    a UK postcode, else the postcode itself (FEBRL's four digits are a suburb)."""
    outward, pc = p.cols["pc_outward"], p.cols["pc"]
    n_outward = len(p.uniques["pc_outward"])
    code = np.where(outward >= 0, outward, np.where(pc >= 0, n_outward + pc, -1))
    return code, list(p.uniques["pc_outward"]) + list(p.uniques["pc"])


def drawn_areas(texts: list[str], sizes: np.ndarray, records: int, seed: int) -> np.ndarray:
    """Which areas the sample takes: in a seeded order of their text (a hash, the same in every
    backend), until they hold ``records``; ``sizes``: each area's records."""
    rank = np.array([zlib.crc32(f"{seed}\x1f{t}".encode()) for t in texts], dtype=np.int64)
    order = np.argsort(rank, kind="stable")
    held = np.cumsum(sizes[order])
    chosen = np.zeros(len(texts), dtype=bool)
    chosen[order[:int(np.searchsorted(held, records)) + 1]] = True
    return chosen


def area_sample(p: Prepared, records: int, seed: int) -> Prepared | None:
    """The records of whole areas holding at least ``records`` (:func:`drawn_areas`), as their own
    :class:`Prepared`; None when there are not more than ``records`` records, or the areas would take
    them all (the sample itself), or none has a postcode."""
    if p.n <= records:
        return None
    code, texts = record_areas(p)
    sizes = np.bincount(code[code >= 0], minlength=len(texts))
    present = np.flatnonzero(sizes)
    if not present.size:
        return None
    chosen = np.zeros(len(texts), dtype=bool)
    chosen[present] = drawn_areas([texts[a] for a in present], sizes[present], records, seed)
    idx = np.flatnonzero((code >= 0) & chosen[np.maximum(code, 0)])
    if idx.size == p.n:
        return None
    ids = [p.record_ids[k] for k in idx]
    # extra holds caches of the comparisons, some per record: the sample computes its own.
    return Prepared(n=idx.size, record_ids=ids, row_record=np.arange(idx.size), row_ids=ids,
                    cols={c: v[idx] for c, v in p.cols.items()}, uniques=p.uniques)
