"""The clustering step shared by the batch run and real-time resolution: connected
components of the linked pairs with the over-merge guard (``clustering.cluster``), the
pairs that are certainly two people (cannot-link), and records without a date of birth
attached to the one person whose records agree with them. :func:`link` runs it over all
candidate pairs; the graph's real-time path over one record's neighbourhood
(:func:`cluster_records`), so that both give the same answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from . import comparisons as CMP
from .cluster_evidence import detach_undecided, shared_home, surname_change_candidates, surname_change_links
from .clustering import Components, attach_without_dob, cluster, merge_clusters
from .clustering import components as connected_components
from .records import Prepared, full_dob, prepare

Pairs = tuple[np.ndarray, np.ndarray]
_NONE: Pairs = (np.empty(0, np.int64), np.empty(0, np.int64))
_FIRST_SIMILAR = CMP.level("first_name", "jaro-winkler >= 0.92")   # and the levels above it
_IN_OTHER_FIELD = CMP.level("first_name", "in the other record's surname field")
_SURNAME_SIMILAR = CMP.level("last_name", "jaro-winkler >= 0.92, shared barrel, variant spelling or swapped")
_SAME_POSTCODE = CMP.level("location", "same postcode")   # and the levels above it


def different_people(p: Prepared, left: np.ndarray, right: np.ndarray, gammas: np.ndarray,
                     weight: np.ndarray, link_weight: float):
    """Candidate pairs that are certainly two people (cannot-link in clustering):

    * given names plainly different (level "else") and both sexes recorded and different;
    * the same given name and surname but two confidently different dates of birth on a
      pair that does not link on its own (a same-name parent and child), so no third
      record (one without a DOB) can chain them together —
      unless one of the two already links directly to a record with a conflicting date
      (then its date is the kind of error the data carries, as in FEBRL).
    """
    f, g, l, d = (CMP.FIELD_INDEX[k] for k in ("first_name", "gender", "last_name", "date_of_birth"))
    sel = (gammas[:, f] == 0) & (gammas[:, g] == 0)
    dob_else = np.flatnonzero((gammas[:, d] == 0) & (gammas[:, f] == len(CMP.COMPARISONS[f].levels) - 1)
                               & (gammas[:, l] == len(CMP.COMPARISONS[l].levels) - 1))
    a, b = left[dob_else], right[dob_else]
    # Level "else" with both dates full is a confident conflict (clustering.dob_conflict):
    # every typo that dob_conflict excuses has a DOB level of its own. Testing the dates
    # again cost seconds at a million records (two million such pairs of common names).
    full = full_dob(p)
    conflict = full[a] & full[b]
    linked = weight[dob_else] >= link_weight
    tolerant = np.zeros(p.n, dtype=bool)
    tolerant[a[conflict & linked]] = tolerant[b[conflict & linked]] = True
    keep = conflict & ~linked & ~tolerant[a] & ~tolerant[b]
    sel[dob_else[keep]] = True
    return left[sel], right[sel]


def _without_dob_evidence(p: Prepared, gammas: np.ndarray):
    """(has a full DOB per record, pairs that count as evidence for a record without one:
    given name and surname agree, and the same postcode or address)."""
    f, l, loc = (CMP.FIELD_INDEX[k] for k in ("first_name", "last_name", "location"))
    evidence = ((gammas[:, f] >= _FIRST_SIMILAR) & (gammas[:, l] >= _SURNAME_SIMILAR)
                & (gammas[:, loc] >= _SAME_POSTCODE))
    return full_dob(p), evidence


def _undated_evidence(p: Prepared, left: np.ndarray, right: np.ndarray, gammas: np.ndarray) -> np.ndarray:
    """Per pair: names and home agree and one of the two records has no date of birth
    (what :func:`clustering.attach_without_dob` reads across clusters)."""
    has_dob, evidence = _without_dob_evidence(p, gammas)
    return evidence & ~(has_dob[left] & has_dob[right])


def guard_names(p: Prepared, left: np.ndarray, right: np.ndarray, gammas: np.ndarray,
                linked: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """The given names the guard compares (code per record, names by code): given and first
    middle name, except for a record written surname first — it is its surname.

    Of a linked pair whose names are swapped (:func:`comparisons.names_swapped`), the
    swapped record is the one fewer of whose other links agree on the given name as it
    stands (similar or better: "MASVN CAITLIN" among three "CAITLIN MASON"; neither when
    as many); without this its given name would be a second identity in the cluster, and
    the guard would split it off. The same for a pair where only one name is in the other
    field (the first-name level "in the other record's surname field"). When as many links
    support each side ("LUKE HINDESS" twice, "HINDESS LUKE" twice) nothing says which is
    written the wrong way round: neither record's given name counts as evidence.
    """
    codes, names = p.cols["given_key"].copy(), list(p.uniques["given_key"])
    la, lb = left[linked], right[linked]
    first = gammas[linked, CMP.FIELD_INDEX["first_name"]]
    swapped = CMP.names_swapped(p, la, lb) | (first == _IN_OTHER_FIELD)
    if not swapped.any():
        return codes, names
    straight = ~swapped & (first >= _FIRST_SIMILAR)
    support = np.bincount(np.r_[la[straight], lb[straight]], minlength=p.n)
    sa, sb = la[swapped], lb[swapped]
    turned = np.unique(np.r_[sa[support[sa] < support[sb]], sb[support[sb] < support[sa]]])
    tied = support[sa] == support[sb]
    codes[np.setdiff1d(np.r_[sa[tied], sb[tied]], turned)] = -1
    surnames = p.cols["last"][turned]
    values, index = np.unique(surnames, return_inverse=True)
    codes[turned] = len(names) + index
    names += [p.uniques["last"][c] for c in values.tolist()]
    return codes, names


def cluster_guarded(p: Prepared, left: np.ndarray, right: np.ndarray, gammas: np.ndarray, weight: np.ndarray,
                    threshold_weight: float, *, must_link: Pairs = _NONE, cannot_link: Pairs = _NONE,
                    guard: bool = True, components: Components = connected_components,
                    review_weight: float = 0.0, reference_year: int | None = None) -> np.ndarray:
    """Cluster label per record of ``p`` from its scored pairs (record indices, comparison
    vectors, match weights) and human decisions (record-index pairs)."""
    return clusters_and_lifted(p, left, right, gammas, weight, threshold_weight, must_link=must_link,
                               cannot_link=cannot_link, guard=guard, components=components,
                               review_weight=review_weight, reference_year=reference_year)[0]


def clusters_and_lifted(p: Prepared, left: np.ndarray, right: np.ndarray, gammas: np.ndarray, weight: np.ndarray,
                        threshold_weight: float, *, must_link: Pairs = _NONE, cannot_link: Pairs = _NONE,
                        guard: bool = True, components: Components = connected_components,
                        review_weight: float = 0.0, reference_year: int | None = None
                        ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`cluster_guarded`, and the indices of the pairs in the review band (weight at
    least ``review_weight``) that the clusters' evidence linked
    (:func:`cluster_evidence.surname_change_links`; ``reference_year``: the model's, from
    which who is an adult is counted, :func:`cluster_evidence.adult`)."""
    human = tuple(np.asarray(x, dtype=np.int64) for x in cannot_link)
    lifted = np.empty(0, dtype=np.int64)
    if not guard:
        return cluster(p.n, left, right, weight, threshold_weight, cannot_link=human, must_link=must_link,
                       components=components), lifted
    labels, names = guarded_clusters(p, left, right, gammas, weight, threshold_weight, must_link=must_link,
                                     cannot_link=human, components=components)
    # (the guard's own cannot-link pairs are contradictions surname_change_links sees itself)
    lifted = surname_change_links(p, labels, left, right, gammas, weight, threshold_weight, review_weight, names,
                                  cannot_link=human, reference=reference_year)
    if lifted.size:
        labels = merge_clusters(labels, left[lifted], right[lifted])
    has_dob, evidence = _without_dob_evidence(p, gammas)
    labels = detach_undecided(labels, left, right, weight, threshold_weight, has_dob)
    return attach_without_dob(labels, left, right, evidence, has_dob), lifted


def guarded_clusters(p: Prepared, left: np.ndarray, right: np.ndarray, gammas: np.ndarray, weight: np.ndarray,
                     threshold_weight: float, *, must_link: Pairs = _NONE, cannot_link: Pairs = _NONE,
                     components: Components = connected_components) -> tuple[np.ndarray, tuple[np.ndarray, list[str]]]:
    """The guard's clusters, before the clusters' evidence, and the given names it judged
    them by (:func:`guard_names`)."""
    # Pairs that are certainly two people: never one person by a direct link.
    ta, tb = different_people(p, left, right, gammas, weight, threshold_weight)
    ua, ub = (np.r_[np.asarray(x, dtype=np.int64), t] for x, t in zip(cannot_link, (ta, tb)))
    names = guard_names(p, left, right, gammas, weight >= threshold_weight)
    labels = cluster(p.n, left, right, weight, threshold_weight,
                     dob=(p.cols["dob_y"], p.cols["dob_m"], p.cols["dob_d"]), first_names=names,
                     cannot_link=(ua, ub), must_link=must_link, components=components)
    return labels, names


def reaching_pairs(p: Prepared, left: np.ndarray, right: np.ndarray, gammas: np.ndarray, weight: np.ndarray,
                   threshold_weight: float) -> np.ndarray:
    """Per candidate pair: :func:`clusters_and_lifted` may read it across components —
    a link, evidence for a record without a date of birth, a possible surname change or a
    partner's shared home. A backend that clusters part of the records at a time (Spark:
    one group of components per call) must give it whole groups joined by these pairs,
    so a rule added here keeps both backends' answers equal."""
    return ((weight >= threshold_weight) | _undated_evidence(p, left, right, gammas)
            | surname_change_candidates(gammas) | shared_home(gammas))


def reaches_across(p: Prepared, left: np.ndarray, right: np.ndarray, gammas: np.ndarray,
                   in_review_band: np.ndarray) -> np.ndarray:
    """Per pair of one new record and its candidates (records ``left`` and ``right`` of
    ``p``, their comparison levels as ``predict.score_records`` compared them): the
    clusters' evidence reads it across persons, so the real-time path must re-cluster both
    records' persons together, as the batch run clusters all at once — a possible surname
    change with a move in the review band (:func:`cluster_evidence.surname_change_links`
    joins only those), and, when the record has one, the candidates sharing its surname and
    address (a partner's home: whether its cluster shows the marriage); and names and home
    agreeing where one of the two has no date of birth, at any weight
    (:func:`clustering.attach_without_dob`: which person the undated record is)."""
    change = surname_change_candidates(gammas) & np.asarray(in_review_band, dtype=bool)
    return change | (shared_home(gammas) & change.any()) | _undated_evidence(p, left, right, gammas)


def cluster_records(records: Sequence[Mapping[str, object]], left: np.ndarray, right: np.ndarray,
                    weight: np.ndarray, threshold_weight: float, *, must_link: Pairs = _NONE,
                    cannot_link: Pairs = _NONE, reference_year: int | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`cluster_guarded` for a few records given as dicts (one per record: distinct
    ``(source, source_record_id)``), their candidate pairs by position and each pair's
    weight (``-inf`` for a pair below the review band): the real-time re-clustering of
    one record's neighbourhood, with the batch run's rules (and the model's
    ``reference_year``, since a neighbourhood's own dates say little about "now").
    Returns the labels and the positions of the pairs the clusters' evidence linked (the
    real-time path stores them at the link weight, as the batch run does)."""
    p = prepare(list(records))
    if p.n != len(records):
        raise ValueError("cluster_records needs one row per record")
    left, right = np.asarray(left, dtype=np.int64), np.asarray(right, dtype=np.int64)
    gammas = CMP.compare(p, left, right)
    # Every pair with a finite weight is in or above the review band (stored SIMILAR).
    return clusters_and_lifted(p, left, right, gammas, np.asarray(weight, dtype=float), threshold_weight,
                               must_link=must_link, cannot_link=cannot_link, review_weight=np.finfo(float).min,
                               reference_year=reference_year)
