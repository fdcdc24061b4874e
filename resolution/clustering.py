"""Clustering linked pairs into entities, with a guard against over-merging.

Pairs at or above the link threshold are joined by connected components (scipy's
``csgraph``). Transitive chains can glue together people who are plainly different
(A~B and B~C, but A and C were born years apart; twins who share everything but a
given name), so every component is checked: a component holding two *confidently
different* dates of birth, or a cannot-link pair (twins, or a human "not the same
person" decision), is re-clustered greedily — edges in decreasing match weight,
refusing any merge that would bring a conflict into one cluster. Must-link pairs
(the rows of one agency record, a human "same person" decision) are always joined.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components


def dob_conflict(y1, m1, d1, y2, m2, d2) -> np.ndarray | bool:
    """Confidently different dates of birth: both full, ≥ 2 digits of YYYYMMDD differ, and
    not a day/month swap. (One mistyped digit or a swap is a data error, not a new person.)"""
    y1, m1, d1, y2, m2, d2 = (np.asarray(x, dtype=np.int64) for x in (y1, m1, d1, y2, m2, d2))
    full = (y1 > 0) & (m1 > 0) & (d1 > 0) & (y2 > 0) & (m2 > 0) & (d2 > 0)
    a = y1 * 10000 + m1 * 100 + d1
    b = y2 * 10000 + m2 * 100 + d2
    pw = 10 ** np.arange(8, dtype=np.int64)
    ndiff = ((a[..., None] // pw) % 10 != (b[..., None] // pw) % 10).sum(axis=-1)
    swap = (y1 == y2) & (d1 == m2) & (m1 == d2)
    return full & (ndiff >= 2) & ~swap


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label of each of n nodes."""
    if len(left) == 0:
        return np.arange(n, dtype=np.int64)
    g = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(g, directed=False)
    return labels.astype(np.int64)


class _DSU:
    def __init__(self, nodes: Iterable[int], dob: dict[int, tuple[int, int, int]],
                 cannot: dict[int, set[int]]):
        self.parent = {x: x for x in nodes}
        self.members = {x: {x} for x in self.parent}
        self.dobs = {x: ({dob[x]} if x in dob else set()) for x in self.parent}
        self.cannot = cannot

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def conflict(self, a: int, b: int) -> bool:
        ma, mb = self.members[a], self.members[b]
        if len(ma) > len(mb):
            ma, mb = mb, ma
        for x in ma:
            bad = self.cannot.get(x)
            if bad and not bad.isdisjoint(mb):
                return True
        for da in self.dobs[a]:
            for db in self.dobs[b]:
                if dob_conflict(*da, *db):
                    return True
        return False

    def union(self, a: int, b: int, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        if not force and self.conflict(ra, rb):
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.dobs[ra] |= self.dobs.pop(rb)
        return True


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    threshold_weight: float,
    dob: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    cannot_link: tuple[np.ndarray, np.ndarray] | None = None,
    must_link: tuple[np.ndarray, np.ndarray] | None = None,
    labels: np.ndarray | None = None,
) -> np.ndarray:
    """Entity label per record (the smallest record index of its cluster).

    ``dob`` = (year, month, day) arrays per record (0 = unknown) for the date-of-birth
    guard; ``cannot_link`` / ``must_link`` = arrays of record-index pairs. ``labels``:
    connected components of the linked pairs (+ must-links) computed elsewhere (e.g. by
    GDS weakly connected components in the graph); by default they are computed here.
    """
    left = np.asarray(left, dtype=np.int64)
    right = np.asarray(right, dtype=np.int64)
    weight = np.asarray(weight, dtype=float)
    keep = weight >= threshold_weight
    el, er, ew = left[keep], right[keep], weight[keep]
    if must_link is not None and len(must_link[0]):
        ml, mr = (np.asarray(x, dtype=np.int64) for x in must_link)
        el, er = np.r_[el, ml], np.r_[er, mr]
        ew = np.r_[ew, np.full(ml.size, np.inf)]
    if labels is None:
        labels = components(n, el, er)
    else:
        labels = np.asarray(labels, dtype=np.int64)

    # Which components need the guard?
    suspect = np.zeros(labels.max(initial=-1) + 1, dtype=bool)
    cannot: dict[int, set[int]] = {}
    if cannot_link is not None and len(cannot_link[0]):
        ca, cb = (np.asarray(x, dtype=np.int64) for x in cannot_link)
        same = labels[ca] == labels[cb]
        suspect[labels[ca[same]]] = True
        for a, b in zip(ca[same].tolist(), cb[same].tolist()):
            cannot.setdefault(a, set()).add(b)
            cannot.setdefault(b, set()).add(a)
    dob_of: dict[int, tuple[int, int, int]] = {}
    if dob is not None:
        y, m, d = (np.asarray(x, dtype=np.int64) for x in dob)
        full = (y > 0) & (m > 0) & (d > 0)
        # A component is suspect when its edges connect confidently different DOBs
        # anywhere inside it: compare each full DOB with the component's first full DOB
        # and with every edge partner (cheap necessary checks), then verify exactly below.
        idx = np.flatnonzero(full)
        if idx.size:
            lab = labels[idx]
            order = np.argsort(lab, kind="stable")
            idx, lab = idx[order], lab[order]
            first = np.r_[True, lab[1:] != lab[:-1]]
            ref = idx[first][np.cumsum(first) - 1]
            bad = dob_conflict(y[idx], m[idx], d[idx], y[ref], m[ref], d[ref])
            # Two DOBs each one digit from the reference may still be two apart: any
            # component with more than one distinct full DOB is checked exactly.
            code = y[idx] * 10000 + m[idx] * 100 + d[idx]
            multi = np.zeros(suspect.size, dtype=bool)
            np.logical_or.at(multi, lab, code != code[first][np.cumsum(first) - 1])
            suspect[lab[bad]] = True
            suspect |= multi
    if not suspect.any():
        return _canonical(labels)

    # Greedy re-clustering of suspect components.
    sus_nodes = np.flatnonzero(suspect[labels])
    if dob is not None:
        for x in sus_nodes.tolist():
            if y[x] > 0 and m[x] > 0 and d[x] > 0:
                dob_of[x] = (int(y[x]), int(m[x]), int(d[x]))
    dsu = _DSU(sus_nodes.tolist(), dob_of, cannot)
    es = suspect[labels[el]]
    sl, sr, sw = el[es], er[es], ew[es]
    order = np.lexsort((sr, sl, -sw))  # strongest first; deterministic ties
    for a, b, w in zip(sl[order].tolist(), sr[order].tolist(), sw[order].tolist()):
        dsu.union(a, b, force=(w == np.inf))
    out = labels.copy()
    offset = labels.max() + 1
    for x in sus_nodes.tolist():
        out[x] = offset + dsu.find(x)
    return _canonical(out)


def _canonical(labels: np.ndarray) -> np.ndarray:
    """Relabel each cluster by its smallest member index (deterministic ids)."""
    labels = np.asarray(labels)
    n = labels.size
    mins = np.full(labels.max(initial=0) + 1, n, dtype=np.int64)
    np.minimum.at(mins, labels, np.arange(n))
    return mins[labels]
