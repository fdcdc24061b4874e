"""Blocking: keys of one record match the batch rules; big blocks never go quadratic."""

from __future__ import annotations

import numpy as np

from aim.resolution import blocking as B
from aim.resolution.records import prepare
from tests.blocking_cases import CASES


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


def _with_ids(*records):
    return [rec(str(k), **r) for k, r in enumerate(records)]


def test_every_key_has_a_case_that_only_it_finds():
    """Each rule pairs its case, and no other rule does (so each case proves its rule);
    a new rule without a case in tests/blocking_cases.py fails here."""
    assert {name for names in CASES for name in names} == set(B.KEY_NAMES)
    for names, (a, b) in CASES.items():
        rule = next(r.name for r in B.RULES if names[0] in r.key_names)
        p = prepare(_with_ids(a, b))
        assert B.block(p, rules=(rule,)).n_pairs == 1, rule
        others = tuple(r.name for r in B.RULES if r.name != rule)
        assert B.block(p, rules=others).n_pairs == 0, rule
        assert B.shared_key_pairs([a, b])[0].tolist() == [0]


def test_dob_h_pairs_both_names_changed_at_one_house_number():
    a = rec("a", first_name="Hope", last_name="George", date_of_birth="1976-06-29", address="76 Leahy Close")
    b = rec("b", first_name="Gorge", last_name="Rees", date_of_birth="29/06/1976", address="76 Kitchener Street")
    c = rec("c", first_name="Gorge", last_name="Rees", date_of_birth="1976-06-29", address="77 Kitchener Street")
    assert "dob_h:19760629:76" in B.blocking_keys(a) and "dob_h:19760629:76" in B.blocking_keys(b)
    res = B.block(prepare([a, b, c]), rules=("dob_h",))
    assert list(zip(res.left.tolist(), res.right.tolist())) == [(0, 1)]


def test_street_l_pairs_a_new_given_name_at_one_house_whose_postcode_is_missing():
    a = rec("a", first_name="Bridget", last_name="Sullivan", address="131 Kim Mills", postcode="DY19 3ZW")
    b = rec("b", first_name="Brid", last_name="Sullivan", address="131 Kim Mills Flat 11", postcode="")
    other = rec("c", first_name="Brid", last_name="Stone", address="131 Kim Mills", postcode="")  # another surname
    res = B.block(prepare([a, b, other]), rules=("street_l",))
    assert list(zip(res.left.tolist(), res.right.tolist())) == [(0, 1)]
    assert B.record_keys(a)["street_l"] == B.record_keys(b)["street_l"] == "street_l:131 KIM:SLFN"


def test_dob_n_finds_a_name_moved_to_the_other_field_in_either_direction():
    moved = [rec("a", first_name="Nicolle", last_name="Heath", date_of_birth="1951-01-17"),
             rec("b", first_name="Gus", last_name="Nicole", date_of_birth="1951-01-17"),      # surname ← given
             rec("c", first_name="Heath", last_name="Brown", date_of_birth="1951-01-17"),     # given ← surname
             rec("d", first_name="Heath", last_name="Brown", date_of_birth="1951-01-18")]     # another day
    res = B.block(prepare(moved), rules=("dob_n",))
    assert set(zip(res.left.tolist(), res.right.tolist())) == {(0, 1), (0, 2)}
    keys = B.record_keys(moved[0])
    assert keys["dob_n_first"] == B.record_keys(moved[1])["dob_n_last"]
    assert keys["dob_n_last"] == B.record_keys(moved[2])["dob_n_first"]


def test_dob_n_pairs_a_record_once_and_never_with_itself():
    same = [rec("a", first_name="James", last_name="James", date_of_birth="2000-02-02"),
            rec("b", first_name="James", last_name="James", date_of_birth="2000-02-02")]
    res = B.block(prepare(same), rules=("dob_n",))
    assert list(zip(res.left.tolist(), res.right.tolist())) == [(0, 1)]
    assert res.per_rule["dob_n"] == 1


def test_recall_by_rule_counts_what_each_rule_finds_and_only_it_finds():
    a, b = CASES[("dob_h",)]
    c, d = CASES[("dob_n_first", "dob_n_last")]
    e, f = CASES[("dob_l",)]
    p = prepare(_with_ids(a, b, c, d, e, f))
    truth = np.array([1, 1, 2, 2, 3, 4])           # e and f are two people
    out = B.recall_by_rule(p, truth)
    assert (out["true_pairs"], out["found"]) == (2, 2)
    assert out["rules"]["dob_h"] == {"found": 1, "only": 1, "pairs": 1, "only_pairs": 1}
    assert out["rules"]["dob_n"]["found"] == out["rules"]["dob_n"]["only"] == 1
    assert out["rules"]["dob_l"]["found"] == 0 and out["rules"]["dob_l"]["pairs"] >= 1


def test_evaluate_explain_errors_prints_blocking_recall_per_rule(tmp_path):
    """`aim evaluate --explain-errors` ends with what each rule finds, so a lost pair can be
    traced to the rules that could have found it."""
    from typer.testing import CliRunner

    from aim.cli import app
    from aim.resolution.records import CANONICAL
    from tests.factories import write_csv

    a, b = CASES[("dob_h",)]
    c, d = CASES[("dob_l",)]
    rows = _with_ids(a, b, c, d)
    records = write_csv(tmp_path / "records.csv", rows, columns=CANONICAL)
    truth = write_csv(tmp_path / "truth.csv", [{"record_id": r["record_id"], "entity_id": e}
                                               for r, e in zip(rows, "AABC")], columns=("record_id", "entity_id"))
    clusters = write_csv(tmp_path / "clusters.csv", [{"record_id": r["record_id"], "entity_id": r["record_id"]}
                                                     for r in rows], columns=("record_id", "entity_id"))
    out = CliRunner().invoke(app, ["evaluate", str(truth), str(clusters), "--explain-errors",
                                   "--records", str(records)])
    assert out.exit_code == 0, out.output
    lines = {line.split()[0]: line.split()[1:] for line in out.output.splitlines() if line.startswith("  ")}
    assert "blocking recall 1.0000 (1 of 1 true record pairs are candidates)" in out.output
    assert lines["dob_h"][:3] == ["1.0000", "1", "1"] and lines["dob_l"][:3] == ["0.0000", "0", "0"]
    assert {r.name for r in B.RULES} <= set(lines)
