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

from collections.abc import Callable, Iterable

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from ._np import unique, unique_inverse
from .comparisons import dob_transposed
from .given_names import names_agree, names_conflict
from .pairs import pair_predicate


def dob_conflict(y1, m1, d1, y2, m2, d2) -> np.ndarray | bool:
    """Confidently different dates of birth: both full, ≥ 2 digits of YYYYMMDD differ, and
    not a day/month swap, two transposed digits or a year out with day and month equal.
    (Those are data-entry errors, not a new person.)"""
    y1, m1, d1, y2, m2, d2 = (np.asarray(x, dtype=np.int64) for x in (y1, m1, d1, y2, m2, d2))
    full = (y1 > 0) & (m1 > 0) & (d1 > 0) & (y2 > 0) & (m2 > 0) & (d2 > 0)
    a = y1 * 10000 + m1 * 100 + d1
    b = y2 * 10000 + m2 * 100 + d2
    pw = 10 ** np.arange(8, dtype=np.int64)
    ndiff = ((a[..., None] // pw) % 10 != (b[..., None] // pw) % 10).sum(axis=-1)
    swap = (y1 == y2) & (d1 == m2) & (m1 == d2)
    year_out = (np.abs(y1 - y2) == 1) & (m1 == m2) & (d1 == d2)
    typo = swap | year_out | ((ndiff == 2) & dob_transposed(y1, m1, d1, y2, m2, d2))
    return full & (ndiff >= 2) & ~typo


def _dob_conflict1(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    """Scalar :func:`dob_conflict` for two (year, month, day) tuples (pure Python, fast)."""
    if not (a[0] and a[1] and a[2] and b[0] and b[1] and b[2]):
        return False
    if a[0] == b[0] and a[2] == b[1] and a[1] == b[2]:
        return False
    if abs(a[0] - b[0]) == 1 and a[1:] == b[1:]:
        return False
    sa = f"{a[0]:04d}{a[1]:02d}{a[2]:02d}"
    sb = f"{b[0]:04d}{b[1]:02d}{b[2]:02d}"
    diff = [k for k, (x, y) in enumerate(zip(sa, sb)) if x != y]
    if len(diff) == 2 and diff[1] == diff[0] + 1 and sa[diff[0]] == sb[diff[1]] and sa[diff[1]] == sb[diff[0]]:
        return False
    return len(diff) >= 2


def _dob_anchors_conflict(anchors: list[tuple[int, int, int]], _values) -> bool:
    return any(_dob_conflict1(a, b) for k, a in enumerate(anchors) for b in anchors[k + 1:])


def components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label of each of n nodes."""
    if len(left) == 0:
        return np.arange(n, dtype=np.int64)
    g = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(n, n))
    _, labels = connected_components(g, directed=False)
    return labels.astype(np.int64)


Components = Callable[[int, np.ndarray, np.ndarray], np.ndarray]


class _DSU:
    """Union-find over the records of suspect components, with per-cluster anchors."""

    def __init__(self, nodes: Iterable[int], dob_anchor: dict[int, tuple[int, int, int]],
                 name_anchor: dict[int, str], cannot: dict[int, set[int]]):
        self.parent = {x: x for x in nodes}
        self.members = {x: {x} for x in self.parent}
        self.dobs = {x: ({dob_anchor[x]} if x in dob_anchor else set()) for x in self.parent}
        self.names = {x: ({name_anchor[x]} if x in name_anchor else set()) for x in self.parent}
        self.cannot = cannot
        self.overridden: set[int] = set()   # roots whose anchors a human decision overrode

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
        if a in self.overridden or b in self.overridden:
            return False
        for da in self.dobs[a]:
            for db in self.dobs[b]:
                if _dob_conflict1(da, db):
                    return True
        both = self.names[a] | self.names[b]
        return names_conflict(both, both)

    def union(self, a: int, b: int, force: bool = False) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return True
        clash = self.conflict(ra, rb)
        if clash and not force:
            return False
        if len(self.members[ra]) < len(self.members[rb]):
            ra, rb = rb, ra
        self.parent[rb] = ra
        self.members[ra] |= self.members.pop(rb)
        self.dobs[ra] |= self.dobs.pop(rb)
        self.names[ra] |= self.names.pop(rb)
        if clash or rb in self.overridden or ra in self.overridden:
            # A human said "same person" despite the conflict: the anchors of this cluster
            # no longer tell people apart.
            self.overridden.discard(rb)
            self.overridden.add(ra)
            self.dobs[ra] = set()
            self.names[ra] = set()
        return True


def _value_entries(labels: np.ndarray, idx: np.ndarray, code: np.ndarray, min_support: int):
    """The records ``idx`` (with value ``code``) of components that could hold two anchors
    (at least 2·``min_support`` records with a value, more than one distinct value), sorted
    by component and value; and per record its entry: a distinct (component, value)."""
    size = int(labels.max(initial=-1)) + 1
    keep = (np.bincount(labels[idx], minlength=size) >= 2 * min_support)[labels[idx]]
    idx, code = idx[keep], code[keep]
    lab = labels[idx]
    if idx.size == 0:
        return lab, code, idx, idx, np.empty(0, dtype=bool)
    order = np.lexsort((code, lab))
    lab, code, idx = lab[order], code[order], idx[order]
    new_value = np.r_[True, (lab[1:] != lab[:-1]) | (code[1:] != code[:-1])]
    values_in = np.bincount(lab[new_value], minlength=size)
    multi = values_in[lab] > 1
    lab, code, idx, new_value = lab[multi], code[multi], idx[multi], new_value[multi]
    return lab, code, idx, np.cumsum(new_value) - 1, new_value


def _entry_pairs(entry_lab: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair (a, b) of entries of one component, each entry with itself too
    (entries sorted by component): k² pairs for a component of k distinct values."""
    starts = np.flatnonzero(np.r_[True, entry_lab[1:] != entry_lab[:-1]])
    sizes = np.diff(np.r_[starts, entry_lab.size])
    k = np.repeat(sizes, sizes)                          # per entry: its component's entries
    a = np.repeat(np.arange(entry_lab.size), k)
    offset = np.arange(a.size) - np.repeat(np.cumsum(k) - k, k)
    return a, np.repeat(np.repeat(starts, sizes), k) + offset


def _scan(labels, idx, code, value_of, conflicting, agree, min_support):
    """(anchor value per record, components holding two conflicting anchors) for one kind
    of value: support of each distinct value of a component is the number of its records
    whose value agrees with it, evaluated once per distinct pair of values
    (:func:`pairs.pair_predicate`), not once per pair of records in every component."""
    lab, code, idx, entry, first = _value_entries(labels, idx, code, min_support)
    if idx.size == 0:
        return {}, np.empty(0, dtype=np.int64)
    e_lab, e_code = lab[first], code[first]
    e_count = np.bincount(entry)
    distinct, dense = unique_inverse(e_code)
    values = [value_of(c) for c in distinct.tolist()]
    a, b = _entry_pairs(e_lab)
    agrees = pair_predicate(dense[a], dense[b], values, agree)
    support = np.bincount(a, weights=e_count[b] * agrees, minlength=e_lab.size)
    strong = support >= min_support
    # Two anchors can conflict only where two strong values do not agree.
    maybe = unique(e_lab[a[strong[a] & strong[b] & ~agrees]])
    conflicted = []
    for lb, lo, hi in zip(maybe.tolist(), np.searchsorted(e_lab, maybe).tolist(),
                          np.searchsorted(e_lab, maybe, "right").tolist()):
        held = [values[x] for x in dense[lo:hi].tolist()]
        if conflicting([v for v, s in zip(held, strong[lo:hi].tolist()) if s], held):
            conflicted.append(lb)
    conflicted = np.array(conflicted, dtype=np.int64)
    marked = strong[entry] & np.isin(lab, conflicted)
    return dict(zip(idx[marked].tolist(), (values[x] for x in dense[entry[marked]].tolist()))), conflicted


def anchored_identities(labels: np.ndarray, dob: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
                        first: tuple[np.ndarray, list[str]] | None, min_support: int = 2):
    """Find components that hold two *established* identities.

    A date of birth (or given name) is anchored in a component when at least
    ``min_support`` of its records agree with it (equal, or one digit / a day-month swap
    away; for names: :func:`names_agree`). A component with two anchored dates that
    confidently differ, or two anchored given names that plainly differ, is two people
    glued together — a lone odd value is more likely a data-entry error and never splits.

    Returns (dob anchor per record, name anchor per record, suspect flag per component).
    """
    suspect = np.zeros(int(labels.max(initial=-1)) + 1, dtype=bool)
    dob_anchor: dict[int, tuple[int, int, int]] = {}
    name_anchor: dict[int, str] = {}
    if dob is not None:
        y, m, d = (np.asarray(x, dtype=np.int64) for x in dob)
        idx = np.flatnonzero((y > 0) & (m > 0) & (d > 0))
        code = y[idx] * 10000 + m[idx] * 100 + d[idx]
        dob_anchor, conflicted = _scan(labels, idx, code, lambda c: (c // 10000, (c // 100) % 100, c % 100),
                                       _dob_anchors_conflict, lambda a, b: not _dob_conflict1(a, b), min_support)
        suspect[conflicted] = True
    if first is not None:
        codes, names = first
        codes = np.asarray(codes, dtype=np.int64)
        idx = np.flatnonzero(codes >= 0)
        name_anchor, conflicted = _scan(labels, idx, codes[idx], lambda c: names[c], names_conflict, names_agree,
                                        min_support)
        suspect[conflicted] = True
    return dob_anchor, name_anchor, suspect


def cluster(
    n: int,
    left: np.ndarray,
    right: np.ndarray,
    weight: np.ndarray,
    threshold_weight: float,
    dob: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
    first_names: tuple[np.ndarray, list[str]] | None = None,
    cannot_link: tuple[np.ndarray, np.ndarray] | None = None,
    must_link: tuple[np.ndarray, np.ndarray] | None = None,
    min_support: int = 2,
    components: Components = components,
) -> np.ndarray:
    """Entity label per record (the smallest record index of its cluster).

    Guard inputs, all optional: ``dob`` = (year, month, day) arrays per record (0 =
    unknown); ``first_names`` = (code per record, -1 = none; list of names by code);
    ``cannot_link`` / ``must_link`` = arrays of record-index pairs. ``components`` finds
    the connected components of the links (scipy in process by default; the graph passes
    GDS or networkx); the guard then works on whatever it returns.
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
    labels = components(n, el, er)

    suspect = np.zeros(labels.max(initial=-1) + 1, dtype=bool)
    cannot: dict[int, set[int]] = {}
    if cannot_link is not None and len(cannot_link[0]):
        ca, cb = (np.asarray(x, dtype=np.int64) for x in cannot_link)
        same = labels[ca] == labels[cb]
        suspect[labels[ca[same]]] = True
        for a, b in zip(ca[same].tolist(), cb[same].tolist()):
            cannot.setdefault(a, set()).add(b)
            cannot.setdefault(b, set()).add(a)
    dob_anchor, name_anchor, sus = anchored_identities(labels, dob, first_names, min_support)
    suspect |= sus
    if not suspect.any():
        return canonical(labels)

    # Greedy re-clustering of suspect components: strongest edges first, refusing merges
    # that would bring a cannot-link pair or two conflicting anchors into one cluster.
    sus_nodes = np.flatnonzero(suspect[labels])
    dsu = _DSU(sus_nodes.tolist(), dob_anchor, name_anchor, cannot)
    es = suspect[labels[el]]
    sl, sr, sw = el[es], er[es], ew[es]
    order = np.lexsort((sr, sl, -sw))  # strongest first; deterministic ties
    for a, b, w in zip(sl[order].tolist(), sr[order].tolist(), sw[order].tolist()):
        dsu.union(a, b, force=w == np.inf)
    out = labels.copy()
    out[sus_nodes] = labels.max() + 1 + np.array([dsu.find(x) for x in sus_nodes.tolist()], dtype=np.int64)
    return canonical(out)


def attach_without_dob(labels: np.ndarray, left: np.ndarray, right: np.ndarray, evidence: np.ndarray,
                       has_dob: np.ndarray) -> np.ndarray:
    """Record-to-cluster evidence for records without a date of birth.

    A cluster of records none of which has a DOB (most often one record left on its own)
    joins the cluster its ``evidence`` pairs (names and home agree) point to when they all
    point into ONE cluster that holds a record with a DOB: the person whose records agree
    with it. Other undated records they point to say nothing of a second person (a tax
    record and a payslip of one man, both without a DOB). When they point into two dated
    clusters (a same-name parent and child, twins) it stays apart: the pairs alone cannot
    say which of them it is.
    """
    labels = np.asarray(labels).copy()
    dated = np.zeros(labels.size, dtype=bool)
    dated[labels[has_dob]] = True
    el, er = np.asarray(left)[evidence], np.asarray(right)[evidence]
    a, b = labels[np.r_[el, er]], labels[np.r_[er, el]]
    towards = ~dated[a] & dated[b]
    a, b = a[towards], b[towards]
    if a.size == 0:
        return labels
    # Each undated cluster's distinct dated targets; it moves when it has exactly one.
    pairs = np.unique(np.c_[a, b], axis=0)
    undated, first, targets = np.unique(pairs[:, 0], return_index=True, return_counts=True)
    move = np.full(labels.size, -1, dtype=np.int64)
    move[undated[targets == 1]] = pairs[first[targets == 1], 1]
    moved = move[labels] >= 0
    labels[moved] = move[labels[moved]]
    return labels


def merge_clusters(labels: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Labels with the clusters of records a[k] and b[k] joined, relabelled canonically."""
    n = labels.size
    joined = components(n, np.r_[np.arange(n), a], np.r_[labels, b])
    return canonical(joined)


def canonical(labels: np.ndarray) -> np.ndarray:
    """Relabel each cluster by its smallest member index (deterministic ids)."""
    labels = np.asarray(labels)
    n = labels.size
    mins = np.full(labels.max(initial=0) + 1, n, dtype=np.int64)
    np.minimum.at(mins, labels, np.arange(n))
    return mins[labels]
