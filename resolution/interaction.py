"""The household interaction: how much more often different people share a surname AND a
home than independent fields would say (see :func:`estimate_interaction`).

Random pairs alone estimate it badly in a big population: among two million random pairs of
a million records only a handful share a postcode, so the joint cells of "same surname,
same address" rest on a few pairs and shrink towards independence — the interaction
weakens as the population grows and households start to link. The estimate is therefore
stratified: pairs that share a postcode are sampled on their own (uniformly among all such
pairs, whose share of all pairs is known exactly from the postcode frequencies), the other
cells come from the random pairs.
"""

from __future__ import annotations

import numpy as np

from . import comparisons as CMP
from .model import estimate_u, pattern_counts
from .predict import SURNAME_EXACT, probability
from .records import Prepared

FIELDS = ("last_name", "location")
GIVEN, SEX = CMP.FIELD_INDEX["first_name"], CMP.FIELD_INDEX["gender"]
ADDRESS_ONLY = CMP.level("location", "same address, postcode differs or missing")
ADDRESS_AND_POSTCODE = CMP.level("location", "same address and postcode")


def same_postcode_pairs(p: Prepared, k: int, seed: int) -> tuple[np.ndarray, np.ndarray, float]:
    """``k`` record pairs drawn uniformly among the pairs that share a postcode (i < j), and
    the share of all record pairs that share one."""
    pc = p.cols["pc"].astype(np.int64)
    idx = np.flatnonzero(pc >= 0)
    idx = idx[np.argsort(pc[idx], kind="stable")]
    codes = pc[idx]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]]) if idx.size else np.empty(0, np.int64)
    sizes = np.diff(np.r_[starts, idx.size])
    group, x, y, total = pairs_within_groups(sizes, k, seed)
    if group.size == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), 0.0
    i, j = idx[starts[group] + x], idx[starts[group] + y]
    return np.minimum(i, j), np.maximum(i, j), total / (p.n * (p.n - 1) / 2)


def pairs_within_groups(sizes: np.ndarray, k: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """``k`` pairs drawn uniformly among the pairs of members of one group (groups of these
    ``sizes``), each as its group and the two members' positions in it, and the number of
    such pairs (none drawn when there are none). The Spark backend draws the same pairs from
    the same sizes (:mod:`backends.training`)."""
    pairs = sizes * (sizes - 1) / 2
    total = float(pairs.sum())
    if total == 0 or k == 0:
        return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int64), total
    rng = np.random.default_rng(seed)
    group = np.searchsorted(np.cumsum(pairs), rng.random(k) * total, side="right")
    c = sizes[group]
    x = rng.integers(0, c)
    y = rng.integers(0, c - 1)
    y = np.where(y >= x, y + 1, y)
    return group, x, y, total


def _weight_of_others(g: np.ndarray, m: list[np.ndarray], u: list[np.ndarray], skip: tuple[int, ...]) -> np.ndarray:
    """Per pair, the match weight log2(m/u) summed over the comparisons not in ``skip`` (a
    null level adds nothing)."""
    weight = np.zeros(g.shape[0])
    for k in range(g.shape[1]):
        if k in skip:
            continue
        col = g[:, k].astype(np.int64)
        has = col >= 0
        weight[has] += np.log2(m[k] / u[k])[col[has]]
    return weight


def _cells(g: np.ndarray, m: list[np.ndarray], u: list[np.ndarray], a: int, b: int) -> np.ndarray:
    """Non-match-weighted counts of each (level of a, level of b) cell: each pair counts as
    a non-match with the probability its OTHER fields give (even odds, then the likelihood
    ratio of given name, date of birth and sex) — a pair that shares surname and address but
    not given name or birthday is a household, not a match."""
    La, Lb = len(m[a]), len(m[b])
    ga, gb = g[:, a].astype(np.int64), g[:, b].astype(np.int64)
    ok = (ga >= 0) & (gb >= 0)
    non_match = 1.0 - probability(_weight_of_others(g, m, u, (a, b)))
    return np.bincount(ga[ok] * Lb + gb[ok], weights=non_match[ok], minlength=La * Lb).reshape(La, Lb)


def estimate_interaction(g_rand: np.ndarray, m: list[np.ndarray], u: list[np.ndarray],
                         same_rand: np.ndarray | None = None, g_same: np.ndarray | None = None,
                         share: float = 0.0, strength: float = 5.0) -> tuple[np.ndarray, np.ndarray]:
    """Correction for the dependence of surname and location among NON-matches.

    Fellegi–Sunter multiplies u's as if fields were independent; but people who share an
    address very often share a surname (households), so "same surname AND same address"
    is far more common among different people than u_surname × u_address says. The joint u
    of every (level, level) cell is estimated from the random pairs ``g_rand`` — or, given
    the pairs ``g_same`` sampled among those sharing a postcode (a ``share`` of all pairs)
    and which random pairs share one (``same_rand``), from both strata: share × the
    same-postcode sample + (1 − share) × the other random pairs. Each stratum is shrunk
    towards independence by ``strength`` pseudo-pairs. Returns the interaction weights
    log2(u_a·u_b / u_joint), never positive, and u of the location levels re-estimated as
    the joint's margin (the stratified sample sees the rare same-address levels that two
    million random pairs of a million records barely meet).
    """
    a, b = (CMP.FIELD_INDEX[f] for f in FIELDS)
    indep = np.outer(u[a], u[b])

    def joint(counts: np.ndarray) -> np.ndarray:
        return (counts + strength * indep) / (counts.sum() + strength)

    if g_same is None or same_rand is None or g_same.shape[0] == 0:
        cells = _cells(g_rand, m, u, a, b)
        u_joint, seen = joint(cells), cells.sum(axis=0)
        floor = 0.5 / max(g_rand.shape[0], 1)
    else:
        others = g_rand[~same_rand]
        cells_same, cells_other = _cells(g_same, m, u, a, b), _cells(others, m, u, a, b)
        u_joint = share * joint(cells_same) + (1 - share) * joint(cells_other)
        cells = cells_same + cells_other
        seen = cells.sum(axis=0)
        floor = (1 - share) * 0.5 / max(others.shape[0], 1)
    u_joint = _address_without_postcode_like_with(u_joint, cells[:, ADDRESS_ONLY], strength)
    u_location = u_joint.sum(axis=0) / u_joint.sum()
    interaction = np.minimum(0.0, np.log2(np.outer(u[a], u_location) / u_joint))
    # A level that not even half a sampled pair of different people showed (a same address
    # with one postcode missing: a few pairs in two million random ones, none in an unlucky
    # draw) keeps only the shrinkage's trace, u ~1e-14, and would outweigh every other field
    # by 40 bits (a household linked as one person). It gets what half a pair of the coarser
    # stratum says, as estimate_u's pseudo-count does; raised after the interaction is taken,
    # so that keeps its shape.
    u_location = np.where(seen >= 0.5, u_location, np.maximum(u_location, floor))
    return interaction, u_location / u_location.sum()


def _address_without_postcode_like_with(u_joint: np.ndarray, counts: np.ndarray, strength: float) -> np.ndarray:
    """``u_joint`` with the share of different people at one address whose postcode differs
    or is missing who share a surname exactly shrunk towards that share at one address AND
    postcode, rather than towards independence: both are people of one home, and a household
    shares its surname whichever record lacks the postcode. ``counts`` are the
    (non-match-weighted) sampled pairs of that column by surname level: where there are many
    (FEBRL, a few thousand records) they decide; where there are a handful (two million
    random pairs of a million records hold about two) the full address's households do,
    instead of the independence that let a household of a rare surname link as one person.
    The other surname levels keep their proportions."""
    full, only = u_joint[:, ADDRESS_AND_POSTCODE], u_joint[:, ADDRESS_ONLY]
    shared = (counts[SURNAME_EXACT] + strength * full[SURNAME_EXACT] / full.sum()) / (counts.sum() + strength)
    others = only[:SURNAME_EXACT]   # the levels below exact share what it leaves, as they did
    out = u_joint.copy()
    out[:, ADDRESS_ONLY] = only.sum() * np.r_[others / others.sum() * (1 - shared), shared]
    return out


def estimate_match_dependence(g_session: np.ndarray, m: list[np.ndarray], u: list[np.ndarray],
                              interaction: np.ndarray, fixed: tuple[int, ...], strength: float = 10.0,
                              max_iter: int = 100) -> np.ndarray:
    """Correction for the dependence of surname and location among MATCHES: a woman who
    marries often moves, so "surname differs AND address differs" is far more common among
    the records of one person than m_surname × m_location says, and such a pair (same given
    name, date of birth and sex) scored as two independent disagreements falls below the
    link threshold.

    The joint m of every (surname level, location level) cell is estimated by EM over
    ``g_session`` (pairs blocked on ``fixed`` fields, e.g. an exact date of birth: among
    them non-matches behave like random pairs, whose joint u is the household estimate
    ``u·2^-interaction``), with the other fields' m and u held, shrunk towards
    independence by ``strength`` pseudo-matches. Returns log2(m_joint / (m_a·m_b)) per cell.
    """
    a, b = (CMP.FIELD_INDEX[f] for f in FIELDS)
    La, Lb = len(m[a]), len(m[b])
    g = g_session[(g_session[:, a] >= 0) & (g_session[:, b] >= 0)]
    if g.shape[0] == 0:
        return np.zeros((La, Lb))
    pats, counts = pattern_counts(g)
    other = _weight_of_others(pats, m, u, (a, b, *fixed))
    cell = pats[:, a].astype(np.int64) * Lb + pats[:, b]
    indep = np.outer(m[a], m[b])
    u_joint = np.outer(u[a], u[b]) * np.exp2(-interaction)
    u_joint = (u_joint / u_joint.sum()).ravel()
    m_joint, lam = indep.ravel(), 0.3
    for _ in range(max_iter):
        post = probability(np.log2(lam / (1 - lam)) + other + np.log2(m_joint[cell] / u_joint[cell]))
        matched = counts * post
        # Shrunk cell by cell: a cell where few matches are expected stays independent.
        expected = indep.ravel() * matched.sum()
        new = indep.ravel() * (np.bincount(cell, weights=matched, minlength=La * Lb) + strength) / (expected + strength)
        new /= new.sum()
        lam = float(np.clip(matched.sum() / counts.sum(), 1e-9, 1 - 1e-9))
        done = np.max(np.abs(new - m_joint)) < 1e-7
        m_joint = new
        if done:
            break
    return np.log2(m_joint.reshape(La, Lb) / indep)


def sex_u_same_given_name(g_rand: np.ndarray) -> np.ndarray:
    """u of the sex levels among random pairs that share a given name exactly. In the
    exact-full-name session the non-matches are namesakes, and a given name mostly goes
    with one sex: with the u of all random pairs (half agree) an agreeing sex counted as a
    bit of evidence for every namesake, and EM took a parent and child of one name for one
    person, m of "DOB differs" too high (independent 30k: 0.021 → 0.0025 with this u; 0.0001
    among the true pairs)."""
    same_given = g_rand[g_rand[:, GIVEN] == len(CMP.COMPARISONS[GIVEN].levels) - 1]
    return estimate_u(same_given)[SEX]
