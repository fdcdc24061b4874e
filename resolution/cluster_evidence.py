"""Evidence of whole clusters that no single pair of records carries (entity-centric
matching, after :func:`clustering.cluster` has formed the clusters).

**Surname change with a move** (marriage). A woman who takes her partner's surname and
moves leaves two groups of records: her birth surname at the old address and the new
surname at the new one. Pairwise only the given name, the date of birth and the sex
agree, which two namesakes share about as often at a million records, so such a pair
stays in the review band. Two clusters joined by such a pair are one person when the
clusters, taken whole, say so (below the review band the pattern is mostly namesakes:
on the seeds population at 1M, 627 of 776 such joins were wrong):

* the pair: given names alike (Jaro-Winkler ≥ 0.92 or better), the same full date of
  birth, both records female and adult, the surnames different (women take the
  partner's surname far more often than men, so for men the same pattern is mostly two
  namesakes);
* each of the two clusters has no other such partner (otherwise which one is she?);
* no record of one cluster contradicts a record of the other (a recorded sex, a
  confidently different date of birth, a plainly different given or middle name, a
  human cannot-link);
* exactly one of the two clusters shows the marriage: one of its records shares its
  surname and address with an adult of the other sex in another cluster (the partner
  whose surname she took). When both show it they are two married women; when neither
  does, nothing says the surname changed.
"""

from __future__ import annotations

import numpy as np

from . import comparisons as CMP
from ._np import pair_codes, unique_inverse
from .clustering import canonical, dob_conflict
from .given_names import names_differ
from .records import Prepared

F = CMP.FIELD_INDEX
FEMALE = 1          # records.prepare's code for "F"
ADULT_AGE = 18
_FIRST_SIMILAR = CMP.level("first_name", "jaro-winkler >= 0.92")
_DOB_EXACT = CMP.level("date_of_birth", "exact")
_SEX_AGREES = CMP.level("gender", "exact")
_SURNAME_EXACT = CMP.level("last_name", "exact")
_SAME_ADDRESS = CMP.level("location", "same address, postcode differs or missing")


def surname_change_candidates(gammas: np.ndarray) -> np.ndarray:
    """Per pair, by its comparison levels alone: it may be a surname change with a move
    (given names alike, the same full date of birth and sex, the surnames different)."""
    return ((gammas[:, F["date_of_birth"]] == _DOB_EXACT) & (gammas[:, F["last_name"]] == 0)
            & (gammas[:, F["first_name"]] >= _FIRST_SIMILAR) & (gammas[:, F["gender"]] == _SEX_AGREES))


def shared_home(gammas: np.ndarray) -> np.ndarray:
    """Per pair: the same surname and address (a partner's, when the sexes differ)."""
    return (gammas[:, F["location"]] >= _SAME_ADDRESS) & (gammas[:, F["last_name"]] == _SURNAME_EXACT)


def reference_year(p: Prepared) -> int:
    """The data's own "now": the latest year of birth among the records (a population with
    newborns, as a MASH's is), so that who counts as an adult depends on the data, not on
    the day the engine runs. Only years that hold at least 0.1 % of the dates count: years
    mistyped into the future are each rare (independent population: 50 records in 2027
    and a few in each of 2030-2100, against 6,582 in 2026), a year of births is not.
    0 when no record has a year."""
    return latest_common_year(*np.unique(p.cols["dob_y"][p.cols["dob_y"] > 0], return_counts=True))


def latest_common_year(years: np.ndarray, counts: np.ndarray) -> int:
    """:func:`reference_year` from how many records have each year of birth (the Spark
    backend counts them)."""
    common = years[counts >= 0.001 * counts.sum()]
    return int(common.max()) if common.size else 0


def adult(p: Prepared, reference: int | None = None) -> np.ndarray:
    """Per record: born at least ``ADULT_AGE`` years before the ``reference`` year (the
    model's; without one, :func:`reference_year` of these records)."""
    year = p.cols["dob_y"]
    return (year > 0) & (year <= (reference_year(p) if reference is None else reference) - ADULT_AGE)


def partnered(p: Prepared, labels: np.ndarray, left: np.ndarray, right: np.ndarray, gammas: np.ndarray,
               grown: np.ndarray) -> np.ndarray:
    """Per cluster: one of its records shares surname and address with an adult of the
    other recorded sex in another cluster."""
    sex = p.cols["gender"]
    # whole columns for the comparison levels first: the records of the few pairs left
    home = np.flatnonzero(shared_home(gammas))
    a, b = left[home], right[home]
    pair = (labels[a] != labels[b]) & (sex[a] >= 0) & (sex[b] >= 0) & (sex[a] != sex[b]) & grown[a] & grown[b]
    out = np.zeros(labels.size, dtype=bool)
    out[labels[a[pair]]] = True
    out[labels[b[pair]]] = True
    return out


def _cross_pairs(labels: np.ndarray, a: np.ndarray, b: np.ndarray):
    """Every (record of cluster a[k], record of cluster b[k]) pair, with its k."""
    order = np.argsort(labels, kind="stable")
    start = np.searchsorted(labels[order], a)
    size_a = np.searchsorted(labels[order], a, side="right") - start
    start_b = np.searchsorted(labels[order], b)
    size_b = np.searchsorted(labels[order], b, side="right") - start_b
    k = np.repeat(np.arange(a.size), size_a * size_b)
    # offset of each pair within its cluster pair, split into (row in a, row in b)
    within = np.arange(k.size) - np.repeat(np.cumsum(size_a * size_b) - size_a * size_b, size_a * size_b)
    x = order[start[k] + within // size_b[k]]
    y = order[start_b[k] + within % size_b[k]]
    return k, x, y


def _contradicted(p: Prepared, labels: np.ndarray, a: np.ndarray, b: np.ndarray,
                  names: tuple[np.ndarray, list[str]], dates: bool) -> np.ndarray:
    """Per cluster pair (a[k], b[k]): a record of one contradicts a record of the other (both
    sexes recorded and different, confidently different dates of birth unless not
    ``dates``, plainly different given names as the guard compares them)."""
    k, x, y = _cross_pairs(labels, a, b)
    C, (codes, texts) = p.cols, names
    sex = C["gender"]
    bad = (sex[x] >= 0) & (sex[y] >= 0) & (sex[x] != sex[y])
    if dates:
        bad |= dob_conflict(C["dob_y"][x], C["dob_m"][x], C["dob_d"][x], C["dob_y"][y], C["dob_m"][y],
                            C["dob_d"][y])
    named = np.flatnonzero((codes[x] >= 0) & (codes[y] >= 0))
    bad[named] |= CMP.pair_predicate(codes[x[named]], codes[y[named]], texts, names_differ)
    out = np.zeros(a.size, dtype=bool)
    out[k[bad]] = True
    return out


def surname_change_links(p: Prepared, labels: np.ndarray, left: np.ndarray, right: np.ndarray,
                         gammas: np.ndarray, weight: np.ndarray, threshold_weight: float, review_weight: float,
                         names: tuple[np.ndarray, list[str]], *, cannot_link: tuple[np.ndarray, np.ndarray],
                         reference: int | None = None) -> np.ndarray:
    """Indices of the candidate pairs in the review band (weight in [``review_weight``,
    ``threshold_weight``); the strongest of each cluster pair) that join two clusters of
    one woman before and after a surname change with a move (module docstring).
    ``labels`` are the clusters so far (label = a record index), ``names`` the guard's
    given names (code per record, names by code); no cluster pair holding a
    ``cannot_link`` pair is joined; ``reference`` the year who is adult is counted from
    (:func:`adult`)."""
    grown, sex = adult(p, reference), p.cols["gender"]
    # whole columns of comparison levels first: the records of the few pairs left
    idx = np.flatnonzero(surname_change_candidates(gammas))
    a, b = left[idx], right[idx]
    w = weight[idx]
    idx = idx[(w >= review_weight) & (w < threshold_weight) & (labels[a] != labels[b]) & (sex[a] == FEMALE)
              & grown[a] & grown[b]]
    if idx.size == 0:
        return idx
    strongest, one = one_person(p, labels, left[idx], right[idx], weight[idx],
                                partnered(p, labels, left, right, gammas, grown), names, cannot_link=cannot_link)
    return idx[strongest[one]]


def one_person(p: Prepared, labels: np.ndarray, a: np.ndarray, b: np.ndarray, weight: np.ndarray,
               married: np.ndarray, names: tuple[np.ndarray, list[str]], *,
               cannot_link: tuple[np.ndarray, np.ndarray], dates: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Of the cluster pairs that possible surname changes (record pairs a[k], b[k] of two
    clusters, with their weights) join: the strongest k of each, and whether the two
    clusters taken whole say one woman (module docstring: each the other's only partner,
    exactly one ``married`` (:func:`partnered`), neither contradicting the other, no
    ``cannot_link`` pair between them; ``dates=False`` leaves the dates of birth out of the
    contradictions, for decoys whose dates differ by construction)."""
    if a.size == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=bool)
    n = np.int64(labels.size)
    keys, inv = unique_inverse(pair_codes(labels[a], labels[b], n))
    order = np.lexsort((-weight, inv))
    strongest = order[np.r_[True, inv[order][1:] != inv[order][:-1]]]
    ca, cb = keys // n, keys % n
    partners = np.bincount(np.r_[ca, cb], minlength=labels.size)
    one = (partners[ca] == 1) & (partners[cb] == 1) & (married[ca] != married[cb])
    ua, ub = (labels[np.asarray(x, dtype=np.int64)] for x in cannot_link)
    one &= ~np.isin(keys, pair_codes(ua, ub, n))
    check = np.flatnonzero(one)
    one[check] = ~_contradicted(p, labels, ca[check], cb[check], names, dates)
    return strongest, one


def detach_undecided(labels: np.ndarray, left: np.ndarray, right: np.ndarray, weight: np.ndarray,
                     threshold_weight: float, has_dob: np.ndarray, margin: float = 0.01) -> np.ndarray:
    """Records without a date of birth that link about as strongly into another cluster as
    into their own (the best link to a dated record of each within ``margin`` bits) are
    taken out on their own: a same-name parent and child at one address, or twins, with a
    record that carries no DOB; nothing in it says whose it is, and the guard's greedy
    choice by the strongest link is a coin toss. (Independent population, 300k rows: of
    236 such records joined on an exactly tied link, 106 went to the right person.)"""
    linked = np.flatnonzero(weight >= threshold_weight)
    one_way = has_dob[left[linked]] != has_dob[right[linked]]
    linked = linked[one_way]
    undated = ~has_dob[left[linked]]
    a = np.where(undated, left[linked], right[linked])    # the record without a DOB
    b = np.where(undated, right[linked], left[linked])
    w = weight[linked]
    own = labels[a] == labels[b]
    best_own = np.full(labels.size, -np.inf)
    best_other = np.full(labels.size, -np.inf)
    np.maximum.at(best_own, a[own], w[own])
    np.maximum.at(best_other, a[~own], w[~own])
    undecided = np.flatnonzero(np.isfinite(best_own) & (best_other >= best_own - margin))
    if undecided.size == 0:
        return labels
    out = labels.copy()
    out[undecided] = labels.size + undecided   # labels of their own; the others keep theirs
    return canonical(out)
