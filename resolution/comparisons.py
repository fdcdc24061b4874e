"""Field comparisons: each pair of records gets a comparison *level* per field.

Levels are small integers, highest = strongest agreement, ``0`` = "all other" (a
disagreement), ``-1`` = null (either side missing, contributes no evidence). Every
comparison is vectorised: exact checks on integer codes with numpy, fuzzy ones with
``rapidfuzz.process.cpdist`` computed once per *distinct* pair of values.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from . import standardise as S
from ._np import cores, fill_in_chunks, unique
from .location import compare_location
from .pairs import pair_predicate, pair_similarity, threads_for, unique_pairs
from .records import Prepared

__all__ = ["COMPARISONS", "FIELD_INDEX", "Comparison", "compare", "compare_chunked", "compare_location",
           "level", "name_in_other_field", "names_swapped", "pair_predicate", "pair_similarity"]


@dataclass(frozen=True)
class Comparison:
    name: str          # the field
    levels: tuple[str, ...]  # label of each level, index = level number (0 = else)
    tf: bool = False   # term-frequency adjustment on the top (exact) level


COMPARISONS: tuple[Comparison, ...] = (
    Comparison("first_name", ("else", "in the other record's surname field",
                              "jaro-winkler >= 0.80 or initial", "jaro-winkler >= 0.92",
                              "short form (one is the start of the other)", "the other's middle name",
                              "nickname / variant across communities / swapped", "exact"), tf=True),
    Comparison("last_name", ("else", "jaro-winkler >= 0.80",
                             "jaro-winkler >= 0.92, shared barrel, variant spelling or swapped", "exact"), tf=True),
    Comparison("date_of_birth", ("else", "year within 1", "partial date agrees", "a year out, day and month agree",
                                 "one digit differs", "two digits transposed", "day/month swapped", "exact")),
    Comparison("gender", ("else", "exact")),
    Comparison("location", ("else", "same outward code", "near postcode or similar address",
                            "same postcode", "same postcode, similar address",
                            "same street, house number a typo apart", "same building, another flat",
                            "same address, postcode differs or missing", "same address and postcode")),
)
FIELD_INDEX = {c.name: k for k, c in enumerate(COMPARISONS)}


def level(field: str, label: str) -> int:
    """The number of a comparison's level, by its label (levels are numbered by position)."""
    return COMPARISONS[FIELD_INDEX[field]].levels.index(label)


def _jw(p: Prepared, ci: np.ndarray, cj: np.ndarray, table: str) -> np.ndarray:
    out = np.zeros(ci.size, dtype=np.float32)
    m = (ci >= 0) & (cj >= 0) & (ci != cj)
    out[m] = pair_similarity(ci[m], cj[m], p.uniques[table], JaroWinkler.normalized_similarity)
    out[(ci == cj) & (ci >= 0)] = 1.0
    return out


def _code_pairs(groups: dict, n: int) -> dict:
    """The pairs of codes that share a group (groups of 2..200 codes): sorted int64 keys,
    and which codes are in any pair (a cheap filter before the lookup)."""
    keys = []
    for codes in groups.values():
        codes = sorted(set(codes))
        if 2 <= len(codes) <= 200:
            keys.extend(a * (n + 1) + b for k, a in enumerate(codes) for b in codes[k + 1:])
    keys = unique(np.array(keys, dtype=np.int64))
    paired = np.zeros(n + 1, dtype=bool)
    paired[keys // (n + 1)] = paired[keys % (n + 1)] = True
    return {"keys": keys, "paired": paired}


def _name_tables(p: Prepared) -> dict:
    """Per-name lookup tables (cached on the Prepared): initial, is-initial, the code
    pairs of equivalent given names (nicknames, and spelling variants across communities)
    and of equivalent surnames (spelling variants), as int64 keys."""
    t = p.extra.get("name_tables")
    if t is not None:
        return t
    names = p.uniques["name"]
    n = len(names)
    initial = np.array([ord(x[0]) if x else 0 for x in names] + [0], dtype=np.int32)
    single = np.array([len(x) == 1 for x in names] + [False], dtype=bool)
    first_codes = unique(p.cols["first"][p.cols["first"] >= 0]).tolist()
    last_codes = unique(p.cols["last"][p.cols["last"] >= 0]).tolist()
    nick: dict[str, list[int]] = {}
    for c in first_codes:
        for group in S.given_name_groups(names[c]):
            nick.setdefault(group, []).append(c)
    variant: dict[str, list[int]] = {}
    for c in last_codes:
        for group in S.spelling_groups(names[c]):
            variant.setdefault(group, []).append(c)
    # First three letters as one integer (-1 when shorter): a short form shares them.
    prefix3 = np.array([(ord(x[0]) << 16) | (ord(x[1]) << 8) | ord(x[2]) if len(x) >= 3 else -1
                        for x in names] + [-1], dtype=np.int64)
    length = np.array([len(x) for x in names] + [0], dtype=np.int32)
    t = {"initial": initial, "single": single, "n": n, "prefix3": prefix3, "length": length,
         "nick": _code_pairs(nick, n), "variant": _code_pairs(variant, n)}
    p.extra["name_tables"] = t
    return t


def _in_pairs(ua: np.ndarray, ub: np.ndarray, pairs: dict, n: int) -> np.ndarray:
    """Whether each (ua, ub) code pair is one of ``pairs`` (from :func:`_code_pairs`)."""
    out = np.zeros(ua.size, dtype=bool)
    keys = pairs["keys"]
    cand = np.flatnonzero(pairs["paired"][ua] & pairs["paired"][ub])
    if cand.size:
        a, b = ua[cand].astype(np.int64), ub[cand].astype(np.int64)
        q = np.minimum(a, b) * (n + 1) + np.maximum(a, b)
        out[cand] = keys[np.minimum(np.searchsorted(keys, q), keys.size - 1)] == q
    return out


def compare_first_name(p: Prepared, i: np.ndarray, j: np.ndarray, swapped: np.ndarray) -> np.ndarray:
    fi, fj = p.cols["first"][i], p.cols["first"][j]
    lvl = np.zeros(i.size, dtype=np.int8)
    d_idx = np.flatnonzero((fi >= 0) & (fj >= 0) & (fi != fj))
    if d_idx.size:
        ua, ub, inv = unique_pairs(fi[d_idx], fj[d_idx])
        names = p.uniques["name"]
        sa, sb = [names[x] for x in ua.tolist()], [names[x] for x in ub.tolist()]
        jw = process.cpdist(sa, sb, scorer=JaroWinkler.normalized_similarity, workers=threads_for(len(sa)),
                           dtype=np.float32)
        t = _name_tables(p)
        init = (t["single"][ua] | t["single"][ub]) & (t["initial"][ua] == t["initial"][ub])
        # A short form drops at least two letters (one is a typo): CHRIS / CHRISTOPHER.
        # Only pairs sharing the first three letters can be one (a cheap filter first).
        short = np.zeros(ua.size, dtype=bool)
        maybe_short = np.flatnonzero((t["prefix3"][ua] >= 0) & (t["prefix3"][ua] == t["prefix3"][ub])
                                     & (np.abs(t["length"][ua] - t["length"][ub]) >= 2))
        short[maybe_short] = np.fromiter(
            (b.startswith(a) if len(a) < len(b) else a.startswith(b)
             for a, b in ((sa[k], sb[k]) for k in maybe_short.tolist())),
            dtype=bool, count=maybe_short.size)
        u_lvl = np.zeros(ua.size, dtype=np.int8)
        u_lvl[(jw >= 0.80) | init] = 2
        u_lvl[jw >= 0.92] = 3
        u_lvl[short] = 4
        u_lvl[_in_pairs(ua, ub, t["nick"], t["n"])] = 6
        lvl[d_idx] = u_lvl[inv]
        # Called by the other's (first) middle name: "MUHAMMAD ALI" / "ALI", "WAYNE GEORGE" /
        # "GEORGE", "MUHAMMAD ALI" / "MD ALI".
        mi, mj = p.cols["middle1"][i[d_idx]], p.cols["middle1"][j[d_idx]]
        fd_i, fd_j = fi[d_idx], fj[d_idx]
        middle = (mi >= 0) & ((mi == fd_j) | (mi == mj)) | (mj >= 0) & (mj == fd_i)
        lvl[d_idx[middle & (lvl[d_idx] < 5)]] = 5
        # Nothing alike as written: is the given name in the other record's surname field
        # (one name moved, the other replaced or mistyped beyond a swap)?
        other = d_idx[lvl[d_idx] == 0]
        lvl[other[name_in_other_field(p, i[other], j[other])]] = 1
    lvl[swapped] = 6
    lvl[(fi == fj) & (fi >= 0)] = 7
    lvl[(fi < 0) | (fj < 0)] = -1
    return lvl


def compare_last_name(p: Prepared, i: np.ndarray, j: np.ndarray, swapped: np.ndarray) -> np.ndarray:
    li, lj = p.cols["last"][i], p.cols["last"][j]
    lvl = np.zeros(i.size, dtype=np.int8)
    jw = _jw(p, li, lj, "name")
    lvl[jw >= 0.80] = 1
    lvl[jw >= 0.92] = 2
    # Double-barrelled: "SMITH|JONES" shares a barrel with "JONES".
    pi, pj = p.cols["last_parts"][i], p.cols["last_parts"][j]
    parts = p.uniques["last_parts"]
    multi = np.array(["|" in x for x in parts] + [False], dtype=bool)
    cand = np.flatnonzero((li != lj) & (pi >= 0) & (pj >= 0) & (multi[pi] | multi[pj]))
    if cand.size:
        share = pair_predicate(pi[cand], pj[cand], parts,
                               lambda x, y: bool(set(x.split("|")) & set(y.split("|"))))
        lvl[cand[share]] = np.maximum(lvl[cand[share]], 2)
    differ = np.flatnonzero((li >= 0) & (lj >= 0) & (li != lj) & (lvl < 2))
    if differ.size:
        t = _name_tables(p)
        lvl[differ[_in_pairs(li[differ], lj[differ], t["variant"], t["n"])]] = 2
    lvl[swapped] = np.maximum(lvl[swapped], 2)
    lvl[(li == lj) & (li >= 0)] = 3
    lvl[(li < 0) | (lj < 0)] = -1
    return lvl


def names_swapped(p: Prepared, i: np.ndarray, j: np.ndarray, threshold: float = 0.9) -> np.ndarray:
    """Given name and surname transposed on one side, allowing a typo in each
    (Jaro-Winkler ≥ ``threshold`` crosswise), when the names do not agree as they stand."""
    fi, fj, li, lj = (p.cols["first"][i], p.cols["first"][j], p.cols["last"][i], p.cols["last"][j])
    out = np.zeros(i.size, dtype=bool)
    t = _name_tables(p)
    ini = t["initial"]
    # Cheap filter first: initials must agree crosswise.
    cand = np.flatnonzero((fi >= 0) & (li >= 0) & (fj >= 0) & (lj >= 0) & (fi != fj) & (fi != li) & (fj != lj)
                          & (ini[fi] == ini[lj]) & (ini[li] == ini[fj]))
    if cand.size == 0:
        return out
    a = _jw(p, fi[cand], lj[cand], "name")
    cand = cand[a >= threshold]
    if cand.size:
        b = _jw(p, li[cand], fj[cand], "name")
        out[cand[b >= threshold]] = True
    return out


def name_in_other_field(p: Prepared, i: np.ndarray, j: np.ndarray, threshold: float = 0.92) -> np.ndarray:
    """One record's given name written as the other's surname, either way round (the
    Jaro-Winkler of the name levels, ≥ ``threshold``): "LUCY CLARKE" / "BKOWS LUCY"."""
    out = np.zeros(i.size, dtype=bool)
    li, lj = p.cols["last"][i], p.cols["last"][j]
    # A name moved to the other field leaves the surnames as written different.
    idx = np.flatnonzero((li != lj) & (li >= 0) & (lj >= 0))
    fi, fj, li, lj = p.cols["first"][i[idx]], p.cols["first"][j[idx]], li[idx], lj[idx]
    ini = _name_tables(p)["initial"]
    found = np.zeros(idx.size, dtype=bool)
    for given, surname in ((fi, lj), (fj, li)):
        # Cheap filter first: the initials must agree.
        cand = np.flatnonzero(~found & (given >= 0) & (ini[given] == ini[surname]))
        if cand.size:
            found[cand[_jw(p, given[cand], surname[cand], "name") >= threshold]] = True
    out[idx[found]] = True
    return out


def _ndigits_differ(a: np.ndarray, b: np.ndarray, width: int) -> np.ndarray:
    """How many of the ``width`` decimal digits of a and b differ (int32 arithmetic)."""
    a = a.astype(np.int32)
    b = b.astype(np.int32)
    out = np.zeros(a.shape, dtype=np.int8)
    for _ in range(width):
        out += (a % 10) != (b % 10)
        a //= 10
        b //= 10
    return out


def dob_transposed(yi, mi, di, yj, mj, dj) -> np.ndarray:
    """Two adjacent digits of YYYYMMDD swapped (``19800312`` / ``19800321``)."""
    a = yi.astype(np.int64) * 10000 + mi.astype(np.int64) * 100 + di
    b = yj.astype(np.int64) * 10000 + mj.astype(np.int64) * 100 + dj
    out = np.zeros(np.shape(a), dtype=bool)
    for k in range(7):
        lo, hi = 10 ** k, 10 ** (k + 1)
        a_lo, a_hi = (a // lo) % 10, (a // hi) % 10
        b_lo, b_hi = (b // lo) % 10, (b // hi) % 10
        out |= (a_lo == b_hi) & (a_hi == b_lo) & (a_lo != a_hi) & (a - a_lo * lo - a_hi * hi == b - b_lo * lo - b_hi * hi)
    return out


def compare_dob(p: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    C = p.cols
    yi, yj = C["dob_y"][i], C["dob_y"][j]
    mi, mj = C["dob_m"][i], C["dob_m"][j]
    di, dj = C["dob_d"][i], C["dob_d"][j]
    full_i = (yi > 0) & (mi > 0) & (di > 0)
    full_j = (yj > 0) & (mj > 0) & (dj > 0)
    both = full_i & full_j
    lvl = np.zeros(i.size, dtype=np.int8)
    lvl[np.abs(yi.astype(np.int32) - yj) <= 1] = 1
    partial = ~both & (yi == yj) & ((mi == mj) | (mi == 0) | (mj == 0)) & ((di == dj) | (di == 0) | (dj == 0))
    lvl[partial] = 2
    # Digits of YYYYMMDD that differ, where it can be at most two: year, month and day all
    # different already make three (most random pairs), so those are not counted.
    ndiff = np.full(i.size, 8, dtype=np.int8)
    near = np.flatnonzero(both & ((yi == yj) | (mi == mj) | (di == dj)))
    ndiff[near] = (_ndigits_differ(yi[near], yj[near], 4) + _ndigits_differ(mi[near], mj[near], 2)
                   + _ndigits_differ(di[near], dj[near], 2))
    lvl[both & (np.abs(yi.astype(np.int32) - yj) == 1) & (mi == mj) & (di == dj)] = 3
    lvl[both & (ndiff == 1)] = 4
    two = np.flatnonzero(both & (ndiff == 2))
    lvl[two[dob_transposed(yi[two], mi[two], di[two], yj[two], mj[two], dj[two])]] = 5
    swap = both & (yi == yj) & (di == mj) & (mi == dj) & (di != mi)
    lvl[swap] = 6
    lvl[both & (ndiff == 0)] = 7
    lvl[(yi == 0) | (yj == 0)] = -1
    return lvl


def compare_gender(p: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    gi, gj = p.cols["gender"][i], p.cols["gender"][j]
    lvl = (gi == gj).astype(np.int8)
    lvl[(gi < 0) | (gj < 0)] = -1
    return lvl


def compare(p: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Comparison vectors: an ``(n_pairs, n_fields)`` int8 matrix of levels."""
    i = np.asarray(i, dtype=np.int64)
    j = np.asarray(j, dtype=np.int64)
    swapped = names_swapped(p, i, j)
    out = np.empty((i.size, len(COMPARISONS)), dtype=np.int8)
    out[:, 0] = compare_first_name(p, i, j, swapped)
    out[:, 1] = compare_last_name(p, i, j, swapped)
    out[:, 2] = compare_dob(p, i, j)
    out[:, 3] = compare_gender(p, i, j)
    out[:, 4] = compare_location(p, i, j)
    return out


def compare_chunked(p: Prepared, i: np.ndarray, j: np.ndarray, chunk: int | None = None, progress=None) -> np.ndarray:
    """:func:`compare` in chunks, a chunk per core at once; by default 2M pairs in flight in
    all, whatever the cores (bounded memory for the temporaries)."""
    return fill_in_chunks(np.empty((i.size, len(COMPARISONS)), dtype=np.int8),
                          lambda part: compare(p, i[part], j[part]),
                          chunk or max(100_000, 2_000_000 // cores()), progress)
