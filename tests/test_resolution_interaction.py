"""Dependence between surname and location: among matches (marriage with a move) and among
different people (households)."""

from __future__ import annotations

import numpy as np

from aim.resolution import comparisons as CMP
from aim.resolution.interaction import (ADDRESS_AND_POSTCODE, ADDRESS_ONLY, SURNAME_EXACT, estimate_interaction,
                                        estimate_match_dependence)
from aim.resolution.model import estimate_u, n_levels

SURNAME, LOCATION, DOB = (CMP.FIELD_INDEX[f] for f in ("last_name", "location", "date_of_birth"))


def _marriages(rng, n=60_000, lam=0.2, married=0.15):
    """Pairs blocked on an exact DOB: matches whose surname AND address change together in a
    share ``married`` of them; non-matches independent. Returns (gammas, m, u)."""
    m, u = [], []
    for L in n_levels():
        mk = np.linspace(0.05, 1.0, L) ** 3
        uk = np.linspace(1.0, 0.05, L) ** 3
        m.append(mk / mk.sum())
        u.append(uk / uk.sum())
    is_match = rng.random(n) < lam
    g = np.empty((n, len(m)), dtype=np.int8)
    for k, (mk, uk) in enumerate(zip(m, u)):
        g[is_match, k] = rng.choice(len(mk), size=is_match.sum(), p=mk)
        g[~is_match, k] = rng.choice(len(uk), size=(~is_match).sum(), p=uk)
    moved = is_match & (rng.random(n) < married)
    g[moved, SURNAME] = 0
    g[moved, LOCATION] = 0
    g[:, DOB] = len(m[DOB]) - 1
    # The marginals of the matches as the sessions would estimate them.
    m = [np.bincount(g[is_match, k], minlength=len(mk)) / is_match.sum() for k, mk in enumerate(m)]
    return g, [np.maximum(x, 1e-3) / np.maximum(x, 1e-3).sum() for x in m], u


def test_surname_and_address_changing_together_among_matches_weighs_more():
    g, m, u = _marriages(np.random.default_rng(3))
    none = np.zeros((len(m[SURNAME]), len(m[LOCATION])))
    correction = estimate_match_dependence(g, m, u, none, fixed=(DOB,))
    # "Surname differs and address differs" is far likelier for a match than m·m says.
    assert correction[0, 0] > 2.0
    # The agreeing cells barely move; so does a cell with hardly any matches expected.
    assert abs(correction[-1, -1]) < 0.3
    assert abs(correction[1, 1]) < 0.5


def test_independent_fields_need_no_correction():
    g, m, u = _marriages(np.random.default_rng(4), married=0.0)
    none = np.zeros((len(m[SURNAME]), len(m[LOCATION])))
    correction = estimate_match_dependence(g, m, u, none, fixed=(DOB,))
    # Wherever a hundred matches or more are expected (a rarer cell is left noisy, shrunk).
    expected = np.outer(m[SURNAME], m[LOCATION]) * 0.2 * g.shape[0]
    assert np.abs(correction[expected >= 100]).max() < 0.3


def _random_pairs(rng, n: int, location_levels: list[int]) -> np.ndarray:
    """Comparison vectors of ``n`` pairs of different people: names, date of birth and sex
    disagree; the location level drawn from ``location_levels``."""
    g = np.zeros((n, len(n_levels())), dtype=np.int8)
    g[:, CMP.FIELD_INDEX["gender"]] = rng.integers(0, 2, n)
    g[:, LOCATION] = rng.choice(location_levels, size=n)
    return g


def test_a_location_level_no_sampled_pair_showed_keeps_a_sane_u():
    """Two million random pairs of a million records may not hold one "same address,
    postcode missing" pair; its u must not fall to the shrinkage's trace (1e-14, a weight of
    40 bits that linked whole households), but to half a random pair's share."""
    rng = np.random.default_rng(5)
    same_address_no_postcode = CMP.level("location", "same address, postcode differs or missing")
    same_postcode = [CMP.level("location", x) for x in ("same postcode", "same address and postcode")]
    g_rand = _random_pairs(rng, 200_000, [0, 1, 2])
    g_same = _random_pairs(rng, 20_000, same_postcode)
    same_rand = np.zeros(g_rand.shape[0], dtype=bool)
    m = [np.full(L, 1.0 / L) for L in n_levels()]
    u = estimate_u(g_rand)   # as training starts: L7 unseen, u = half a pair's share
    share = 1e-5
    interaction, u_location = estimate_interaction(g_rand, m, u, same_rand, g_same, share)
    floor = (1 - share) * 0.5 / g_rand.shape[0]
    assert u_location[same_address_no_postcode] >= 0.99 * floor
    assert np.log2(m[LOCATION][same_address_no_postcode] / u_location[same_address_no_postcode]) < 25
    assert u_location[[0, 1, 2]].sum() > 0.99 and (interaction <= 0).all()


def _households(rng, without_postcode: int) -> np.ndarray:
    """The household estimate's inputs: 200,000 random pairs (names and dates disagree, a
    surname shared by 1 in 1,000), of which ``without_postcode`` are at one address with a
    postcode missing and share no surname, and 20,000 pairs sharing a postcode, half of them
    at one address, where half the pairs at one address share a surname. Returns the
    interaction weights of a shared surname by location level."""
    g_rand = _random_pairs(rng, 200_000, [0, 1, 2])
    g_rand[rng.random(g_rand.shape[0]) < 0.001, SURNAME] = SURNAME_EXACT
    g_rand[:without_postcode, LOCATION] = ADDRESS_ONLY
    g_rand[:without_postcode, SURNAME] = 0
    g_same = _random_pairs(rng, 20_000, [CMP.level("location", "same postcode"), ADDRESS_AND_POSTCODE])
    at_address = g_same[:, LOCATION] == ADDRESS_AND_POSTCODE
    g_same[at_address & (rng.random(g_same.shape[0]) < 0.5), SURNAME] = SURNAME_EXACT
    m = [np.full(L, 1.0 / L) for L in n_levels()]
    interaction, _ = estimate_interaction(g_rand, m, estimate_u(g_rand), np.zeros(g_rand.shape[0], bool), g_same, 1e-5)
    return interaction[SURNAME_EXACT]


def test_a_household_without_a_postcode_is_a_household_when_few_pairs_show_it():
    """At a million records the random pairs hold about two "same address, postcode
    missing" pairs of different people: their shared surname took no household correction
    (−0.04 bits against −8.1 with the postcode), and a household of a rare surname with one
    record lacking a postcode and a date of birth linked as one person."""
    shared_surname = _households(np.random.default_rng(6), without_postcode=2)
    assert shared_surname[ADDRESS_AND_POSTCODE] < -6
    assert shared_surname[ADDRESS_ONLY] < shared_surname[ADDRESS_AND_POSTCODE] + 1.5


def test_many_pairs_without_a_postcode_that_share_no_surname_decide_for_themselves():
    """FEBRL: duplicates with a mistyped postcode, and among different people at one
    address hardly any shared surname; a few hundred such pairs outweigh the households with
    a postcode."""
    shared_surname = _households(np.random.default_rng(7), without_postcode=400)
    assert shared_surname[ADDRESS_ONLY] > shared_surname[ADDRESS_AND_POSTCODE] + 4
