"""High-level API: ``train(records) -> Model`` and ``link(records, model) -> LinkResult``.

Records are a list of dicts or a dict of columns with the canonical fields (see
:mod:`aim.resolution.records`). Everything is deterministic for a given input and seed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from . import blocking as B
from . import comparisons as CMP
from ._np import pair_codes
from .cluster_evidence import reference_year
from .clustering import Components, components as connected_components
from .guard import clusters_and_lifted
from .interaction import (ADDRESS_AND_POSTCODE, ADDRESS_ONLY, estimate_interaction, estimate_match_dependence,
                          same_postcode_pairs, sex_u_same_given_name)
from .model import Model, default_m, estimate_u, expectation_maximisation, log_likelihood, pattern_counts, smooth_m
from .predict import match_weights, probability, raise_lifted, same_surname_at_home, tf_tables
from .records import Prepared, full_dob, prepare

Progress = Callable[[str], None]
GIVEN, SURNAME, LOCATION = CMP.FIELD_INDEX["first_name"], CMP.FIELD_INDEX["last_name"], CMP.FIELD_INDEX["location"]
GIVEN_EXACT = CMP.level("first_name", "exact")
DOB = CMP.FIELD_INDEX["date_of_birth"]
DOB_SESSION = (DOB,)


def _as_prepared(records) -> Prepared:
    return records if isinstance(records, Prepared) else prepare(records)


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


# Training sessions: pairs that agree exactly on these ``Prepared`` columns (a date of birth only when
# full), the comparisons that fixes; the sessions' blocks' cap and window, the fewest pairs a session needs.
TRAINING_SESSIONS = (("exact full name", ("first", "last"), (GIVEN, SURNAME)),
                     ("exact date of birth", ("dob",), DOB_SESSION))
SESSION_CAP, SESSION_WINDOW, MIN_SESSION_PAIRS = 200, 50, 10
# A parent is this many years older than a child or more. In the exact-full-name session a
# pair of dates at level "else" this far apart is marked GENERATION_APART (training only,
# never scored): a father and his junior, or one person's mistyped date (_dob_else_bound).
GENERATION_YEARS, GENERATION_APART = 15, -2


def session_key(p: Prepared, columns: tuple[str, ...]) -> np.ndarray:
    """Per record, one code of its values in ``columns`` (-1: one is missing, or a date of birth not full)."""
    key = np.zeros(p.n, dtype=np.int64)
    for column in columns:
        key = B._combine(key, p.cols[column])
    if "dob" in columns:
        key[~full_dob(p)] = -1
    return key


def generation_apart(dob_levels: np.ndarray, year_i: np.ndarray, year_j: np.ndarray) -> np.ndarray:
    """Which pairs have dates of birth at level "else" a generation or more apart."""
    gap = np.abs(np.asarray(year_i, dtype=np.int64) - np.asarray(year_j, dtype=np.int64))
    return (dob_levels == 0) & (gap >= GENERATION_YEARS)


def share_under_a_generation(differing: int, apart: int) -> float:
    """Of ``differing`` pairs whose dates of birth are at level "else", ``apart`` of them a
    generation or more apart: the share under a generation (1 when none differ)."""
    return 1.0 - apart / differing if differing else 1.0


def near_share(dob_levels: np.ndarray, year_i: np.ndarray, year_j: np.ndarray) -> float:
    """:func:`share_under_a_generation` of the random pairs."""
    return share_under_a_generation(int((dob_levels == 0).sum()), int(generation_apart(dob_levels, year_i, year_j).sum()))


def home_namesakes(gammas: np.ndarray, year: np.ndarray, left: np.ndarray, right: np.ndarray) -> tuple[int, int, int]:
    """Of candidate pairs (``left``, ``right``; ``year`` of birth per record) of one surname
    at one address whose dates of birth differ (level "else"): how many share a given name
    exactly under a generation apart, a generation or more apart, and how many a generation
    or more apart do not (:func:`junior_rate`)."""
    differ = np.flatnonzero(same_surname_at_home(gammas) & (gammas[:, DOB] == 0))
    apart = generation_apart(gammas[differ, DOB], year[left[differ]], year[right[differ]])
    named = gammas[differ, GIVEN] == GIVEN_EXACT
    return int((named & ~apart).sum()), int((named & apart).sum()), int((~named & apart).sum())


def junior_rate(counts: tuple[int, int, int], near: float) -> float:
    """How often two people of one home a generation apart share a given name (a father and
    his junior), from :func:`home_namesakes`' counts: the pairs of one given name a
    generation apart beyond those that one person's mistyped dates explain (as many as
    under a generation apart, scaled by the random pairs' ratio ``near`` : 1 − ``near``,
    as in :func:`_dob_else_bound`), counted only when beyond two standard deviations of
    that estimate, over all the home's pairs a generation apart. FEBRL, whose mistyped
    dates are as far apart as its random pairs' and which has no households: 0."""
    same_near, same_apart, other_apart = counts
    if not 0.0 < near < 1.0:
        return 0.0
    ratio = (1.0 - near) / near
    excess = same_apart - same_near * ratio
    if excess <= 2.0 * np.sqrt(same_apart + same_near * ratio ** 2):
        return 0.0
    return float(excess / (excess + other_apart))


def _session_pairs(key: np.ndarray, p: Prepared, max_pairs: int, seed: int):
    a, b, _ = B._pairs_for_key(key, np.arange(p.n, dtype=np.int64), cap=SESSION_CAP, window=SESSION_WINDOW)
    if a.size > max_pairs:
        sel = np.sort(np.random.default_rng(seed).choice(a.size, max_pairs, replace=False))
        a, b = a[sel], b[sel]
    return a, b


def _compare_reusing(p: Prepared, i: np.ndarray, j: np.ndarray, cand: np.ndarray,
                     gammas: np.ndarray) -> np.ndarray:
    """Comparison vectors of pairs (i, j), taken from the candidate pairs' ``gammas`` where
    blocking already compared them (most pairs of a training session); ``cand``: the
    candidates' pair codes (``_np.pair_codes``), sorted as blocking gives them."""
    lo, hi = np.minimum(i, j).astype(np.int64), np.maximum(i, j).astype(np.int64)
    q = pair_codes(lo, hi, p.n)
    # Looked up in sorted order: each search starts where the last one ended, in cache (a
    # million pairs among 16 million candidates: about 0.2 s, against 2 s in draw order).
    by_code = np.argsort(q, kind="stable")
    pos = np.empty(q.size, dtype=np.int64)
    pos[by_code] = np.minimum(np.searchsorted(cand, q[by_code]), max(cand.size - 1, 0))
    known = (cand[pos] == q) if cand.size else np.zeros(q.size, dtype=bool)
    out = np.empty((q.size, gammas.shape[1]), dtype=np.int8)
    out[known] = gammas[pos[known]]
    new = np.flatnonzero(~known)
    out[new] = CMP.compare_chunked(p, lo[new], hi[new])
    return out


def _session_samples(p: Prepared, cand: np.ndarray, gammas: np.ndarray, em_pairs: int,
                     seed: int) -> list[tuple[str, tuple[int, ...], np.ndarray]]:
    """(name, comparisons fixed by its blocking, comparison vectors of its sampled pairs)
    of every training session with enough pairs."""
    out = []
    for name, columns, fixed in TRAINING_SESSIONS:
        si, sj = _session_pairs(session_key(p, columns), p, em_pairs, seed)
        if si.size >= MIN_SESSION_PAIRS:
            g = _compare_reusing(p, si, sj, cand, gammas)
            if SURNAME in fixed:
                g[generation_apart(g[:, DOB], p.cols["dob_y"][si], p.cols["dob_y"][sj]), DOB] = GENERATION_APART
            out.append((name, fixed, g))
    return out


def _session_m(samples: list[tuple[str, tuple[int, ...], np.ndarray]], u: list[np.ndarray],
               name_session_u: dict[int, np.ndarray], near: float) -> tuple[list[np.ndarray], list[dict]]:
    """m by Splink-style training sessions: pairs blocked on one thing (exact full names;
    exact full date of birth), EM with u fixed estimates m for every *other* field (inside
    such a block the non-matches behave like random pairs on the other fields, except
    those in ``name_session_u``: u of a comparison among non-matches that share a name).
    In the exact-full-name session m of "DOB else" is held to what its pairs under a
    generation apart allow (:func:`_dob_else_bound`; ``near``: :func:`near_share`)."""
    sessions, log = [], []
    for name, fixed, g in samples:
        g = g.copy()
        g[:, list(fixed)] = -1
        apart = g[:, DOB] == GENERATION_APART
        g[apart, DOB] = 0     # "else" to the session's EM, like every other pair of differing dates
        u_s = list(u)
        if SURNAME in fixed:
            for k, u_k in name_session_u.items():
                u_s[k] = u_k
        m_s, _, lam_s, hist = expectation_maximisation(pattern_counts(g), u_s, lam=0.3, fix_m_fields=fixed)
        entry = {"session": name, "pairs": int(g.shape[0]), "lambda": lam_s, "iterations": len(hist)}
        if apart.any():
            bound = _dob_else_bound(g, apart, m_s, u_s, lam_s, near)
            entry |= {"dob_else": float(m_s[DOB][0]), "dob_else_bound": bound}
            if m_s[DOB][0] > bound:
                rest = m_s[DOB][1:]
                m_s[DOB] = np.r_[bound, rest / rest.sum() * (1.0 - bound)]
        sessions.append((fixed, m_s))
        log.append(entry)
    m = []
    for k in range(len(CMP.COMPARISONS)):
        ests = [ms[k] for fixed, ms in sessions if k not in fixed]
        m.append(np.mean(ests, axis=0) if ests else default_m()[k])
    return m, log


def _dob_else_bound(g: np.ndarray, apart: np.ndarray, m: list[np.ndarray], u: list[np.ndarray], lam: float,
                    near: float) -> float:
    """The most m of "DOB else" can be by the session's pairs whose two dates are under a
    generation apart (``g``: the session's vectors, ``apart``: which are a generation apart;
    ``m``, ``lam``: the session's EM over them all).

    Among pairs of one full name, two different dates a generation apart are often a
    father and his junior at one home, and EM took them for one person whose date was
    mistyped (m of "DOB else" 0.02–0.04 where the truth has 0.0002). A mistyped date is as
    likely any other date as a stranger's is, so the share of one person's differing dates
    that lie under a generation apart is the random pairs' share ``near``, and m of "else"
    is what the near pairs that match make of it, divided by ``near``: a fixed point over
    the near pairs alone, each pair's odds those of the session's model with that m. Their
    count is taken at about two standard deviations above, so that where no households
    hold namesakes (FEBRL) the session's own estimate stays within the bound."""
    matches = lam * int((g[:, DOB] >= 0).sum()) * near
    if matches <= 0:
        return 1.0
    pats, counts = pattern_counts(g[(g[:, DOB] == 0) & ~apart])
    # every one of them is at level "else": its m is the unknown, the rest is the session's
    others = log_likelihood(pats, m) - np.log(m[DOB][0]) + np.log(lam)
    non_match = log_likelihood(pats, u) + np.log1p(-lam)
    m_else, n_near = float(m[DOB][0]), 0.0
    for _ in range(200):
        n_near = float((counts * probability((others + np.log(m_else) - non_match) / np.log(2))).sum())
        new = min(1.0, max(n_near / matches, 1e-12))
        if abs(new - m_else) <= 1e-9:
            break
        m_else = new
    return float(min(1.0, (n_near + 2.0 * np.sqrt(n_near) + 1.0) / matches))


def _dependences(c: TrainingCounts, m: list[np.ndarray], u: list[np.ndarray], name_session_u: dict[int, np.ndarray],
                 refit_sessions: bool):
    """What the independence of the fields misses, and m refitted under it: surname ×
    location among non-matches (households, :func:`interaction.estimate_interaction`),
    then the training sessions again with the households' u
    (:func:`_location_u_same_surname`) and the households under the new m, and surname ×
    location among matches (marriage with a move,
    :func:`interaction.estimate_match_dependence`).
    Returns (m, u, interaction weights, the refitted sessions' log or None)."""
    interaction, u[LOCATION] = estimate_interaction(c.g_rand, m, u, c.same_rand, c.g_same, c.share)
    log = None
    if refit_sessions:
        m, log = _session_m(c.samples, u, {**name_session_u, LOCATION: _location_u_same_surname(u, interaction)},
                            c.near_share)
        m = smooth_m(m)
        interaction, u[LOCATION] = estimate_interaction(c.g_rand, m, u, c.same_rand, c.g_same, c.share)
    u[LOCATION] = _postcode_never_counts_against(m[LOCATION], u[LOCATION])
    by_dob = [g for _, fixed, g in c.samples if fixed == DOB_SESSION]
    if by_dob:
        # Among pairs of one date of birth: surname × location among matches (marriage).
        interaction = interaction + estimate_match_dependence(by_dob[0], m, u, interaction, DOB_SESSION)
    return m, u, interaction, log


def _postcode_never_counts_against(m: np.ndarray, u: np.ndarray) -> np.ndarray:
    """u of the location levels with "same address, postcode differs or missing" weighing
    no more than "same address and postcode": a postcode that agrees too is more evidence,
    not less. Among different people the first is rare (one record of a household without
    its postcode), so two million random pairs hold a handful at best and its u rests on
    them; left alone it outweighed the full agreement by 3 bits at a million records."""
    out = u.copy()
    out[ADDRESS_ONLY] = max(u[ADDRESS_ONLY], m[ADDRESS_ONLY] * u[ADDRESS_AND_POSTCODE] / m[ADDRESS_AND_POSTCODE])
    return out / out.sum()


def _location_u_same_surname(u: list[np.ndarray], interaction: np.ndarray) -> np.ndarray:
    """u of the location levels among non-matching pairs that share a surname exactly (the
    household estimate u_joint / u_surname). In the exact-full-name session these are the
    non-matches: a namesake parent and child at one address looked like one person to EM
    with the u of random pairs, and m of "date of birth differs" came out far too high
    (independent 30k: 0.055 → 0.021 with this u) — so the guard had to undo links that
    the weights should never have made."""
    cond = u[LOCATION] * np.exp2(-interaction[len(u[SURNAME]) - 1])
    return cond / cond.sum()


def weight_bins(base: np.ndarray, lo: float) -> np.ndarray:
    """Each weight's bin on the prior's histogram: 0.01 bit wide, from ``lo``."""
    shifted = base - lo
    shifted *= 100     # in place: at 1M records each temporary is 16M weights, 128 MB
    return np.floor(shifted, out=shifted).astype(np.int64)


def _prior(hist: np.ndarray, lo: float, lam: float, total_pairs: float) -> float:
    """EM for λ alone over all pairs, given the candidate pairs' weights without the prior
    as a fine histogram (:func:`weight_bins` from ``lo``) rather than every pair."""
    centres = lo + (np.arange(hist.size) + 0.5) / 100
    nz = hist > 0
    hist, centres = hist[nz], centres[nz]
    for _ in range(200):
        post = probability(centres + np.log2(lam / (1 - lam)))
        new = float(np.clip((hist * post).sum() / total_pairs, 1e-12, 0.5))
        if abs(new - lam) <= 1e-4 * lam:
            return new
        lam = new
    return lam


@dataclass
class Training:
    """What training computed, reusable by :func:`link` on the same records."""
    prepared: Prepared
    blocks: B.BlockingResult
    gammas: np.ndarray
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class TrainingCounts:
    """All that training reads of the records and their pairs: counts, and comparison vectors of samples
    the parameters bound. Both backends make it (Spark: :mod:`backends.training`) for :func:`fit`."""
    n: int                                        # records
    n_candidates: int                             # candidate pairs
    candidates: tuple[np.ndarray, np.ndarray]     # their comparison vectors' pattern counts
    g_rand: np.ndarray                            # comparison vectors of the random pairs (u)
    same_rand: np.ndarray                         # which random pairs share a postcode
    g_same: np.ndarray                            # of pairs drawn among those sharing one
    share: float                                  # (a share of all pairs)
    samples: list[tuple[str, tuple[int, ...], np.ndarray]]   # training sessions' pairs (generation_apart marked)
    near_share: float                             # of random pairs' differing dates (near_share)
    home_namesakes: tuple[int, int, int]          # the candidates' (home_namesakes)
    tf: dict[str, dict[str, float]]               # the name frequencies the model keeps
    weight_histogram: Callable[[Model], tuple[np.ndarray, float]]   # without the prior (weight_bins)


def stored_frequencies(names: dict[str, list[str]], tf: dict[str, np.ndarray], n_named: dict[str, int]) -> dict:
    """The name frequencies a model keeps: of names given twice or more (once: ``tf_min``)."""
    return {f: {names[f][c]: float(v) for c, v in enumerate(arr.tolist()) if v * n_named[f] >= 2}
            for f, arr in tf.items()}


def _counts(p: Prepared, blocks: B.BlockingResult, gammas: np.ndarray, u_pairs: int, em_pairs: int, seed: int):
    n_u, n_same = sample_sizes(p.n, u_pairs)
    ri, rj = random_pairs(p.n, n_u, seed)
    si, sj, share = same_postcode_pairs(p, n_same, seed)
    pc, tf = p.cols["pc"], tf_tables(p)
    n_named = {f: int((p.cols[c] >= 0).sum()) for f, c in (("first_name", "first"), ("last_name", "last"))}
    cand = pair_codes(blocks.left, blocks.right, p.n)   # freed with this frame, not kept with the blocks

    def weight_histogram(model: Model) -> tuple[np.ndarray, float]:
        base = match_weights(model, p, blocks.left, blocks.right, gammas, tf)
        base -= model.prior_weight
        lo = float(base.min(initial=0.0))
        return np.bincount(weight_bins(base, lo)), lo

    g_rand, year = CMP.compare_chunked(p, ri, rj), p.cols["dob_y"]
    return TrainingCounts(
        n=p.n, n_candidates=blocks.n_pairs, candidates=pattern_counts(gammas),
        g_rand=g_rand, same_rand=(pc[ri] == pc[rj]) & (pc[ri] >= 0),
        near_share=near_share(g_rand[:, DOB], year[ri], year[rj]),
        home_namesakes=home_namesakes(gammas, year, blocks.left, blocks.right),
        g_same=_compare_reusing(p, si, sj, cand, gammas), share=share,
        samples=_session_samples(p, cand, gammas, em_pairs, seed),
        tf=stored_frequencies({f: p.uniques["name"] for f in tf}, tf, n_named), weight_histogram=weight_histogram)


def train(records, *, u_pairs: int = 2_000_000, seed: int = 42, cap: int = 100, window: int = 30,
          link_threshold: float = 0.95, review_threshold: float = 0.5,
          method: str = "sessions", em_pairs: int = 1_000_000,
          progress: Progress | None = None, return_training: bool = False):
    """Train a Fellegi–Sunter model on the records themselves, without labels."""
    say = progress or (lambda s: None)
    t0 = time.perf_counter()
    timings: dict[str, float] = {}
    p = _as_prepared(records)
    timings["prepare"] = time.perf_counter() - t0
    if p.n < 2:
        raise ValueError("need at least two records to train")
    say(f"{p.n:,} records; blocking")
    t = time.perf_counter()
    blocks = B.block(p, cap=cap, window=window)
    timings["blocking"] = time.perf_counter() - t
    say(f"{blocks.n_pairs:,} candidate pairs; comparing")
    t = time.perf_counter()
    gammas = CMP.compare_chunked(p, blocks.left, blocks.right)
    timings["compare"] = time.perf_counter() - t
    t = time.perf_counter()
    counts = _counts(p, blocks, gammas, u_pairs, em_pairs, seed)
    timings["sample"] = time.perf_counter() - t
    say("estimating m by EM")
    t = time.perf_counter()
    model = fit(counts, cap=cap, window=window, link_threshold=link_threshold,
                review_threshold=review_threshold, method=method, reference_year=reference_year(p))
    timings["em"] = time.perf_counter() - t
    if return_training:
        return model, Training(p, blocks, gammas, timings)
    return model


def fit(c: TrainingCounts, *, cap: int, window: int, link_threshold: float, review_threshold: float,
        method: str = "sessions", reference_year: int | None = None) -> Model:
    """The model from :class:`TrainingCounts`: u of the random pairs, m by EM (training sessions, or a
    mixture over the candidates), the dependences the independence of the fields misses, the prior."""
    u = estimate_u(c.g_rand)
    session_log: list[dict] = []
    name_session_u = {CMP.FIELD_INDEX["gender"]: sex_u_same_given_name(c.g_rand)}
    if method == "mixture":
        # EM on the candidate pairs as a two-class mixture (u free): it gives m and the
        # expected number of matching pairs.
        m, _u_cand, lam_cand, history = expectation_maximisation(c.candidates, u, lam=0.1, fix_u=False)
    else:
        m, session_log = _session_m(c.samples, u, name_session_u, c.near_share)
        # How many candidate pairs match: a two-class mixture over the candidates (u free,
        # since blocked non-matches agree far more often than random pairs do).
        _, _, lam_cand, history = expectation_maximisation(c.candidates, u, lam=0.1, fix_u=False)
    m = smooth_m(m)
    # The weights use the random-sampling u, so the prior is over *all* pairs.
    total_pairs = c.n * (c.n - 1) / 2
    lam0 = float(np.clip(lam_cand * c.n_candidates / total_pairs, 1e-12, 0.5))
    # Random pairs include a few true matches (a share λ of them): take their expected
    # contribution out of u, u = (u_observed − λ·m) / (1 − λ). It matters for small data
    # sets only (FEBRL: ~1 random pair in 2,000 matches), at a million records λ ≈ 1e-6.
    n_u = c.g_rand.shape[0]
    u = [np.maximum((uk - lam0 * mk) / (1 - lam0), 0.25 / n_u) for uk, mk in zip(u, m)]
    u = [uk / uk.sum() for uk in u]
    m, u, interaction, refit_log = _dependences(c, m, u, name_session_u, refit_sessions=method != "mixture")
    session_log = refit_log or session_log
    # The prior: EM for λ alone over all pairs under the final weights (pairs blocking
    # did not generate have a negligible posterior and add nothing).
    at_home = junior_rate(c.home_namesakes, c.near_share)
    lam = _prior(*c.weight_histogram(Model(m=m, u=u, lam=lam0, interaction=interaction, given_name_at_home=at_home)),
                 lam0, total_pairs)
    return Model(m=m, u=u, lam=lam, interaction=interaction, given_name_at_home=at_home, link_threshold=link_threshold,
                 review_threshold=review_threshold, tf=c.tf, tf_min=1.0 / max(c.n, 1),
                 cap=cap, window=window, reference_year=reference_year,
                 history=[{"records": c.n, "candidate_pairs": c.n_candidates,
                           "u_pairs": n_u, "em_iterations": len(history), "lambda_candidates_mixture": lam_cand,
                           "expected_matching_pairs": lam * total_pairs, "lambda": lam,
                           "method": method, "sessions": session_log,
                           "home_namesakes": list(c.home_namesakes), "near_share": c.near_share}])


@dataclass
class LinkResult:
    prepared: Prepared
    record_entity: np.ndarray      # cluster label per collapsed record (record index)
    entity_ids: list[str]          # entity id of each input row (same order as input)
    left: np.ndarray               # scored candidate pairs (record indices)
    right: np.ndarray
    gammas: np.ndarray
    weight: np.ndarray             # match weight per pair; the link threshold's for a pair the
    probability: np.ndarray        # clusters' evidence linked (guard.clusters_and_lifted)
    model: Model
    blocks: B.BlockingResult
    timings: dict[str, float]

    def pairs(self, min_probability: float | None = None) -> list[dict]:
        """Scored pairs as dicts (record ids), at or above ``min_probability``."""
        lo = self.model.review_threshold if min_probability is None else min_probability
        sel = np.flatnonzero(self.probability >= lo)
        ids = self.prepared.record_ids
        out = []
        for k in sel.tolist():
            pr = float(self.probability[k])
            out.append({
                "record_id_l": ids[int(self.left[k])], "record_id_r": ids[int(self.right[k])],
                "match_weight": round(float(self.weight[k]), 4), "match_probability": round(pr, 6),
                "decision": "link" if pr >= self.model.link_threshold else "review",
                "same_entity": bool(self.record_entity[self.left[k]] == self.record_entity[self.right[k]]),
            })
        return out

    def review_queue(self) -> list[dict]:
        """Pairs in the review band [review_threshold, link_threshold)."""
        return [x for x in self.pairs() if x["decision"] == "review"]


def _index_pairs(p: Prepared, pairs) -> tuple[np.ndarray, np.ndarray]:
    if not pairs:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    row_of = {rid: r for r, rid in enumerate(p.row_ids)}
    a = [int(p.row_record[row_of[x]]) for x, _ in pairs]
    b = [int(p.row_record[row_of[y]]) for _, y in pairs]
    return np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)


def link(records, model: Model | None = None, *, must_link=None, cannot_link=None,
         guard: bool = True, seed: int = 42, progress: Progress | None = None,
         components: Components = connected_components) -> LinkResult:
    """Resolve records into entities.

    With no ``model`` one is trained on the records themselves. ``must_link`` and
    ``cannot_link`` are lists of ``(record_id, record_id)`` pairs (human decisions).
    ``components`` is the connected-components backend (see ``clustering.cluster``).
    """
    say = progress or (lambda s: None)
    t0 = time.perf_counter()
    p = _as_prepared(records)
    timings: dict[str, float] = {"prepare": time.perf_counter() - t0}
    if model is None:
        model, tr = train(p, seed=seed, progress=progress, return_training=True)
        blocks, gammas = tr.blocks, tr.gammas
        timings.update({k: v for k, v in tr.timings.items() if k != "prepare"})
    else:
        t = time.perf_counter()
        say(f"{p.n:,} records; blocking")
        blocks = B.block(p, cap=model.cap, window=model.window)
        timings["blocking"] = time.perf_counter() - t
        t = time.perf_counter()
        say(f"{blocks.n_pairs:,} candidate pairs; comparing")
        gammas = CMP.compare_chunked(p, blocks.left, blocks.right)
        timings["compare"] = time.perf_counter() - t
    t = time.perf_counter()
    say("scoring")
    w = match_weights(model, p, blocks.left, blocks.right, gammas, tf_tables(p))
    timings["score"] = time.perf_counter() - t
    t = time.perf_counter()
    say("clustering")
    thr = model.link_weight
    labels, lifted = clusters_and_lifted(p, blocks.left, blocks.right, gammas, w, thr,
                                         review_weight=model.review_weight,
                                         must_link=_index_pairs(p, must_link), cannot_link=_index_pairs(p, cannot_link),
                                         guard=guard, components=components, reference_year=model.reference_year)
    # A pair linked by its clusters' evidence (a surname change with a move) is stored as a link.
    prob = raise_lifted(model, w, lifted)
    timings["cluster"] = time.perf_counter() - t
    ent = np.array(["E-" + x for x in p.record_ids], dtype=object)[labels]
    entity_ids = ent[p.row_record].tolist()
    timings["total"] = time.perf_counter() - t0
    return LinkResult(p, labels, entity_ids, blocks.left, blocks.right, gammas, w, prob, model,
                      blocks, timings)
