"""The location comparison: address and postcode as ONE comparison (they describe one
place; as independent fields co-residence would count twice), with flats, house numbers
and typos inside the words of one street."""

from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from .pairs import pair_similarity, threads_for
from .records import Prepared


def _house_typo_table(p: Prepared) -> np.ndarray:
    """(house code, house code) → one edit or two adjacent characters swapped apart
    (cached on the Prepared; the last row and column stand for a missing number)."""
    t = p.extra.get("house_typo")
    if t is None:
        houses = p.uniques["house"]
        t = np.zeros((len(houses) + 1, len(houses) + 1), dtype=bool)
        if houses:
            dist = process.cdist(houses, houses, scorer=OSA.distance, score_cutoff=1, dtype=np.uint8,
                                 workers=threads_for(len(houses) ** 2))
            t[:-1, :-1] = dist <= 1
        p.extra["house_typo"] = t
    return t


def _street_words(p: Prepared) -> np.ndarray:
    """Code of the street's first word per record (``"14A HIGH"`` → ``HIGH``; -1 for none;
    cached on the Prepared)."""
    w = p.extra.get("street_words")
    if w is None:
        words = [key.split(" ", 1)[1] if " " in key else "" for key in p.uniques["street_key"]]
        codes, index = np.unique(np.array(words + [""], dtype=object).astype(str), return_inverse=True)
        by_key = np.where(codes[index] == "", -1, index).astype(np.int32)
        w = by_key[p.cols["street_key"]]   # a missing key (-1) takes the last entry: ""
        p.extra["street_words"] = w
    return w


def compare_location(p: Prepared, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Address and postcode as ONE comparison: they describe the same place, so scoring
    them as independent fields would count co-residence twice (households share both)."""
    C = p.cols
    ci, cj = C["pc"][i], C["pc"][j]
    vi, vj = C["pc_valid"][i], C["pc_valid"][j]
    ai, aj = C["addr"][i], C["addr"][j]
    lvl = np.zeros(i.size, dtype=np.int8)
    uk = vi & vj
    pc_near = np.zeros(i.size, dtype=bool)
    pc_near |= uk & (C["pc_sector"][i] == C["pc_sector"][j])
    # Not both UK (FEBRL's Australian codes): plain strings, one keystroke apart is "near" (a
    # changed digit or two adjacent digits swapped, OSA as for house numbers: 2134 / 2143).
    other = np.flatnonzero(~uk & (ci >= 0) & (cj >= 0) & (ci != cj))
    if other.size:
        dist = pair_similarity(ci[other], cj[other], p.uniques["pc"], OSA.distance)
        pc_near[other[dist <= 1]] = True
    pc_same = (ci == cj) & (ci >= 0)
    lvl[uk & (C["pc_outward"][i] == C["pc_outward"][j])] = 1
    lvl[pc_near] = 2
    # Address similarity (distinct address pairs only).
    near_addr = np.zeros(i.size, dtype=bool)
    sim_addr = np.zeros(i.size, dtype=bool)
    other_flat = np.zeros(i.size, dtype=bool)
    house_typo = np.zeros(i.size, dtype=bool)
    hi_all, hj_all = C["house"][i], C["house"][j]
    house_clash_all = (hi_all >= 0) & (hj_all >= 0) & (hi_all != hj_all)
    # House numbers a typo apart, looked for only where the street's first word agrees.
    words = _street_words(p)
    wi = words[i]
    maybe_typo = np.flatnonzero(house_clash_all & (wi == words[j]) & (wi >= 0))
    typo_all = np.zeros(i.size, dtype=bool)
    typo_all[maybe_typo] = _house_typo_table(p)[hi_all[maybe_typo], hj_all[maybe_typo]]
    # Different house numbers (other than by a typo) can never reach a level that needs the
    # text similarity, so those (most random pairs) skip the fuzzy comparison altogether.
    m = np.flatnonzero((ai >= 0) & (aj >= 0) & (ai != aj) & (~house_clash_all | typo_all))
    if m.size:
        ts = pair_similarity(ai[m], aj[m], p.uniques["addr"], fuzz.token_set_ratio) / 100.0
        hi, hj = hi_all[m], hj_all[m]
        fi, fj = C["flat"][i[m]], C["flat"][j[m]]
        house_same = (hi == hj) & (hi >= 0)
        flat_clash = (fi >= 0) & (fj >= 0) & (fi != fj)
        typo = typo_all[m]
        sim_addr[m] = (ts >= 0.70) & ~typo
        # One street: the words agree (any order, one address a subset of the other), or,
        # for the same house number, the letters do (typos inside words: "OSBURNDRIVE").
        street = ts >= 0.85
        by_letters = np.flatnonzero(~street & (ts >= 0.60) & (house_same | typo))
        street[by_letters] = pair_similarity(ai[m[by_letters]], aj[m[by_letters]], p.uniques["addr"],
                                             fuzz.ratio) >= 85
        near_addr[m] = house_same & street & ~flat_clash
        # Same house number and street but another flat: neighbours, not one home.
        other_flat[m] = house_same & street & flat_clash
        # The street agrees and the house numbers are one keystroke apart (36 / 63, 1340 /
        # 1304, 12 / 2): a typo of one home, or next-door neighbours — the model tells which.
        house_typo[m] = typo & street & ~flat_clash
    same_addr = near_addr | ((ai == aj) & (ai >= 0))
    lvl[sim_addr] = np.maximum(lvl[sim_addr], 2)
    lvl[pc_same] = 3
    lvl[pc_same & sim_addr] = 4
    lvl[house_typo] = 5
    lvl[other_flat] = 6
    lvl[same_addr & ~pc_same] = 7
    lvl[same_addr & pc_same] = 8
    lvl[((ai < 0) & (ci < 0)) | ((aj < 0) & (cj < 0))] = -1
    return lvl
