"""Fellegi–Sunter: EM recovers known m/u on simulated data; save/load; weights."""

from __future__ import annotations

import numpy as np

from aim.resolution.model import Model, estimate_u, expectation_maximisation, n_levels


def simulate(n, lam, m, u, rng, null_rate=0.05):
    is_match = rng.random(n) < lam
    g = np.empty((n, len(m)), dtype=np.int8)
    for k, (mk, uk) in enumerate(zip(m, u)):
        g[is_match, k] = rng.choice(len(mk), size=is_match.sum(), p=mk)
        g[~is_match, k] = rng.choice(len(uk), size=(~is_match).sum(), p=uk)
        g[rng.random(n) < null_rate, k] = -1
    return g, is_match


def true_params():
    m, u = [], []
    for L in n_levels():
        mk = np.linspace(0.2, 1.0, L) ** 3
        mk /= mk.sum()
        uk = np.linspace(1.0, 0.05, L) ** 3
        uk /= uk.sum()
        m.append(mk)
        u.append(uk)
    return m, u


def test_em_recovers_m_with_u_from_random_sample():
    rng = np.random.default_rng(0)
    m_true, u_true = true_params()
    g, _ = simulate(200_000, 0.2, m_true, u_true, rng)
    # u from "random pairs": almost all non-matches.
    g_rand, _ = simulate(200_000, 0.0, m_true, u_true, rng)
    u = estimate_u(g_rand, pseudo=0.0)
    for uk, ut in zip(u, u_true):
        assert np.abs(uk - ut).max() < 0.01
    m, _, lam, hist = expectation_maximisation(g, u, lam=0.5)
    assert abs(lam - 0.2) < 0.01
    for mk, mt in zip(m, m_true):
        assert np.abs(mk - mt).max() < 0.02
    assert hist[-1]["max_change"] < 1e-4


def test_em_recovers_m_and_u_free():
    rng = np.random.default_rng(1)
    m_true, u_true = true_params()
    g, _ = simulate(200_000, 0.3, m_true, u_true, rng)
    flat = [np.full(L, 1.0 / L) for L in n_levels()]
    m, u, lam, _ = expectation_maximisation(g, flat, lam=0.1, fix_u=False)
    assert abs(lam - 0.3) < 0.02
    for mk, mt in zip(m, m_true):
        assert np.abs(mk - mt).max() < 0.03
    for uk, ut in zip(u, u_true):
        assert np.abs(uk - ut).max() < 0.03


def test_em_can_fail_visibly():
    # Garbage in (no structure): EM must not report the true parameters.
    rng = np.random.default_rng(2)
    g = np.stack([rng.integers(0, L, 10_000) for L in n_levels()], axis=1).astype(np.int8)
    m_true, u_true = true_params()
    m, _, _, _ = expectation_maximisation(g, u_true, lam=0.5)
    assert max(np.abs(a - b).max() for a, b in zip(m, m_true)) > 0.05


def test_save_load_roundtrip(tmp_path):
    m, u = true_params()
    model = Model(m=m, u=u, lam=0.001, tf={"first_name": {"JOHN": 0.02}}, reference_year=2025)
    path = tmp_path / "model.json"
    model.save(path)
    back = Model.load(path)
    assert back.lam == model.lam
    assert back.tf == model.tf
    assert back.reference_year == 2025
    for a, b in zip(back.m, model.m):
        assert np.allclose(a, b)
    assert np.allclose(back.weight_table(), model.weight_table())


def test_load_rejects_other_files(tmp_path):
    import pytest

    path = tmp_path / "x.json"
    path.write_text('{"format": "splink"}')
    with pytest.raises(ValueError):
        Model.load(path)


def test_a_model_of_an_earlier_format_asks_to_be_retrained(tmp_path):
    import json

    import pytest

    from aim.resolution.model import ModelFormatError

    m, u = true_params()
    old = Model(m=m, u=u, lam=0.001).to_dict()
    old["format"] = "aim-resolution-model/1"   # what models saved before issue 17 carry
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    with pytest.raises(ModelFormatError, match="aim resolve --train"):
        Model.load(path)


def test_an_address_without_its_postcode_never_outweighs_the_address_with_it():
    from aim.resolution import comparisons as CMP
    from aim.resolution.engine import _postcode_never_counts_against

    only = CMP.level("location", "same address, postcode differs or missing")
    both = CMP.level("location", "same address and postcode")
    L = len(CMP.COMPARISONS[CMP.FIELD_INDEX["location"]].levels)
    m = np.full(L, 0.01)
    m[only], m[both] = 0.1, 0.78
    m /= m.sum()
    u = np.full(L, 1e-3)
    u[only], u[both] = 3e-14, 1.4e-5   # no random pair of different people showed the first
    u[0] = 1 - u[1:].sum()
    fixed = _postcode_never_counts_against(m, u)
    weight = np.log2(m / fixed)
    assert weight[only] <= weight[both] + 1e-9 and abs(fixed.sum() - 1) < 1e-12
    u[only] = 1e-4   # already weaker evidence: left as it is
    assert np.allclose(_postcode_never_counts_against(m, u), u / u.sum())
