"""Dependence between surname and location: among matches (marriage with a move)."""

from __future__ import annotations

import numpy as np

from aim.resolution import comparisons as CMP
from aim.resolution.interaction import estimate_match_dependence
from aim.resolution.model import n_levels

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
