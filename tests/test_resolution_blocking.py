"""Blocking: keys of one record match the batch rules; big blocks never go quadratic."""

from __future__ import annotations

import numpy as np

from aim.resolution import blocking as B
from aim.resolution.records import prepare


def rec(rid, **kw):
    base = {"record_id": rid, "source": "t", "source_record_id": rid}
    base.update(kw)
    return base


def test_single_record_keys_agree_with_batch():
    recs = [
        rec("1", first_name="John", last_name="Smith", date_of_birth="1980-03-12", postcode="B15 2TT", address="12 High St"),
        rec("2", first_name="Smith", last_name="John", date_of_birth="12/03/1980", postcode="b152tt", address="14 High St"),
        rec("3", first_name="Mary", last_name="Jones", date_of_birth="1990", postcode="", address=""),
        rec("4", first_name="Jon", last_name="Smyth", date_of_birth="1980-03-12", postcode="M1 1AA", address="1 X Rd"),
    ]
    p = prepare(recs)
    res = B.block(p)
    batch = set(zip(res.left.tolist(), res.right.tolist()))
    keys = [set(B.blocking_keys(r)) for r in recs]
    by_keys = {(i, j) for i in range(4) for j in range(i + 1, 4) if keys[i] & keys[j]}
    assert batch == by_keys
    assert (0, 1) in batch  # swapped names + same DOB
    assert all(k.split(":")[0] in {r.name for r in B.RULES} for ks in keys for k in ks)


def test_caps_keep_common_values_linear():
    n = 3000
    recs = [rec(str(k), first_name="John", last_name="Smith", date_of_birth=f"19{50 + k % 50}-01-{1 + k % 28:02d}",
                postcode="B1 1AA", address=f"{k} High St") for k in range(n)]
    p = prepare(recs)
    res = B.block(p, cap=100, window=20)
    assert res.n_pairs < n * 20 * len(B.RULES)        # far from n²/2 = 4.5M
    assert res.capped_blocks["names"] >= 1
    assert (res.left < res.right).all()
    assert len(np.unique(res.left * n + res.right)) == res.n_pairs


def test_blocking_recall():
    recs = [rec("a", first_name="Ann", last_name="Lee", date_of_birth="2001-01-01"),
            rec("b", first_name="Ann", last_name="Lee", date_of_birth="2001-01-01"),
            rec("c", first_name="Zed", last_name="Quux", date_of_birth="1950-05-05")]
    p = prepare(recs)
    res = B.block(p)
    assert B.blocking_recall(p, res, np.array([1, 1, 2])) == 1.0
    assert B.blocking_recall(p, res, np.array([1, 2, 1])) == 0.0
