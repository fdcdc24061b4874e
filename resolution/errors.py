"""Error analysis: which true links were missed and which wrong links were made, by category.

Every true pair of records (same true entity) that ended in two predicted entities is a
*missed link*; every pair in one predicted entity with two true entities is a *wrong
link*. Each pair is put in the first category whose test it passes (the comparison
levels of the pair, and whether blocking made it a candidate), and a few examples are
kept per category, so the next person can see where recall and precision are lost.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import comparisons as CMP
from ._np import pair_codes, unique_inverse
from .records import Prepared

F = CMP.FIELD_INDEX
# Levels used by the categories (see comparisons.COMPARISONS for the labels).
_FIRST_SIMILAR = CMP.level("first_name", "jaro-winkler >= 0.92")  # and above: similar / variant / exact
_LAST_SIMILAR = 2
_LOC_SAME_POSTCODE = 3


def pairs_within(groups: np.ndarray, limit: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of indices sharing a group label (groups larger than ``limit`` are
    cut to their first ``limit`` members, so one giant cluster cannot explode)."""
    order = np.argsort(groups, kind="stable")
    g = groups[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    sizes = np.minimum(np.diff(np.r_[starts, g.size]), limit)
    left, right = [], []
    for d in range(1, int(sizes.max(initial=1))):
        ok = sizes > d
        for k in range(d):   # pairs (start + k, start + d) for every group of size > d
            left.append(order[starts[ok] + k])
            right.append(order[starts[ok] + d])
    if not left:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(left).astype(np.int64), np.concatenate(right).astype(np.int64)


def missed_category(g: np.ndarray, candidate: bool) -> str:
    """The category of a missed link by its comparison levels ``g`` (first that applies)."""
    first, last, dob, loc = g[F["first_name"]], g[F["last_name"]], g[F["date_of_birth"]], g[F["location"]]
    dob_exact = len(CMP.COMPARISONS[F["date_of_birth"]].levels) - 1
    if first >= 0 and last >= 0 and first < _FIRST_SIMILAR and last < _LAST_SIMILAR:
        kind = "given name and surname both differ (swap with typos, or two changes)"
    elif first >= 0 and first < _FIRST_SIMILAR:
        kind = "given name differs" + (" + DOB differs or missing" if dob != dob_exact else "")
    elif last >= 0 and last < _LAST_SIMILAR:
        kind = "surname differs" + (" + new address" if 0 <= loc < _LOC_SAME_POSTCODE else "")
    elif dob >= 0 and dob != dob_exact:
        kind = "date of birth differs, names agree"
    elif dob < 0:
        kind = "date of birth missing, names agree"
    elif 0 <= loc < _LOC_SAME_POSTCODE:
        kind = "names and DOB agree, different address"
    else:
        kind = "everything agrees"
    return kind if candidate else f"not a candidate (blocking): {kind}"


def wrong_category(g: np.ndarray) -> str:
    """The category of a wrong link by its comparison levels ``g`` (first that applies)."""
    first, last, dob, loc = g[F["first_name"]], g[F["last_name"]], g[F["date_of_birth"]], g[F["location"]]
    dob_exact = len(CMP.COMPARISONS[F["date_of_birth"]].levels) - 1
    same_home = loc >= _LOC_SAME_POSTCODE
    if dob == dob_exact and last >= _LAST_SIMILAR and 0 <= first < _FIRST_SIMILAR:
        return "twins (same DOB and surname, different given names)"
    if first >= _FIRST_SIMILAR and last >= _LAST_SIMILAR and dob < 0 and same_home:
        return "same name at one address, one DOB missing (parent/child?)"
    if first >= _FIRST_SIMILAR and last >= _LAST_SIMILAR and dob >= 0 and dob != dob_exact:
        return "same name, different DOB"
    if last >= _LAST_SIMILAR and same_home:
        return "household member (shared surname and address)"
    return "other"


def explain_errors(p: Prepared, truth: Sequence, predicted: np.ndarray, candidates: tuple[np.ndarray, np.ndarray],
                   examples: int = 3) -> dict:
    """Missed and wrong links by category, with up to ``examples`` record-id pairs each.

    ``truth`` and ``predicted`` are labels per collapsed record (``p.record_ids`` order);
    ``candidates`` the blocked (left, right) record pairs. Counts are record pairs, and
    per 1,000 true record pairs (``per_1000_true_pairs``), so that data sets of different
    sizes compare: how the errors grow with the size of the data is in docs/resolution.md.
    """
    _, t = unique_inverse(np.asarray(truth, dtype=object).astype(str))
    _, e = unique_inverse(np.asarray(predicted))
    cand = np.unique(pair_codes(*candidates, p.n))
    truth_pairs = pairs_within(t)
    out = {"true_pairs": int(truth_pairs[0].size)}
    per_1000 = 1000 / max(out["true_pairs"], 1)
    for name, (a, b), keep, categorise in (
            ("missed", truth_pairs, lambda a, b: e[a] != e[b], None),
            ("wrong", pairs_within(e), lambda a, b: t[a] != t[b], wrong_category)):
        sel = keep(a, b)
        a, b = a[sel], b[sel]
        gam = CMP.compare_chunked(p, a, b) if a.size else np.empty((0, len(CMP.COMPARISONS)), np.int8)
        is_cand = np.isin(pair_codes(a, b, p.n), cand)
        cats: dict[str, dict] = {}
        for k in range(a.size):
            kind = categorise(gam[k]) if categorise else missed_category(gam[k], bool(is_cand[k]))
            c = cats.setdefault(kind, {"pairs": 0, "per_1000_true_pairs": 0.0, "examples": []})
            c["pairs"] += 1
            if len(c["examples"]) < examples:
                c["examples"].append([_describe(p, int(a[k])), _describe(p, int(b[k]))])
        for c in cats.values():
            c["per_1000_true_pairs"] = round(c["pairs"] * per_1000, 3)
        out[name] = dict(sorted(cats.items(), key=lambda kv: -kv[1]["pairs"]))
        out[f"{name}_pairs"] = int(a.size)
    return out


def _describe(p: Prepared, i: int) -> dict:
    dob = p.text("dob", i)
    return {"record_id": p.record_ids[i], "first": p.text("first", i), "middle": p.text("middle", i),
            "last": p.text("last", i), "dob": dob, "address": p.text("addr", i), "postcode": p.text("pc", i)}
