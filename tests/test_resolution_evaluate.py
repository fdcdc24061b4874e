"""Evaluation from contingency counts agrees with brute force."""

from __future__ import annotations

import itertools

import numpy as np

from aim.resolution.evaluate import evaluate


def brute(truth, pred):
    n = len(truth)
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(n), 2):
        t, p = truth[i] == truth[j], pred[i] == pred[j]
        tp += t and p
        fp += p and not t
        fn += t and not p
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    bp = np.mean([sum(pred[j] == pred[i] and truth[j] == truth[i] for j in range(n)) /
                  sum(pred[j] == pred[i] for j in range(n)) for i in range(n)])
    br = np.mean([sum(pred[j] == pred[i] and truth[j] == truth[i] for j in range(n)) /
                  sum(truth[j] == truth[i] for j in range(n)) for i in range(n)])
    return prec, rec, bp, br


def test_against_brute_force():
    rng = np.random.default_rng(0)
    for _ in range(20):
        truth = rng.integers(0, 8, 40).tolist()
        pred = [t if rng.random() < 0.7 else int(rng.integers(0, 8)) for t in truth]
        got = evaluate(truth, pred)
        prec, rec, bp, br = brute(truth, pred)
        assert abs(got["precision"] - prec) < 1e-12
        assert abs(got["recall"] - rec) < 1e-12
        assert abs(got["bcubed_precision"] - bp) < 1e-12
        assert abs(got["bcubed_recall"] - br) < 1e-12


def test_perfect_and_singletons():
    assert evaluate(["a", "a", "b"], ["x", "x", "y"])["f1"] == 1.0
    r = evaluate(["a", "a", "b"], ["x", "y", "z"])
    assert r["recall"] == 0.0 and r["precision"] == 1.0
