"""Clustering and its guard against over-merging."""

from __future__ import annotations

import numpy as np

from aim.resolution.clustering import anchored_identities, cluster, dob_conflict
from aim.resolution.given_names import names_conflict

NO_DOB = (np.zeros(1), np.zeros(1), np.zeros(1))


def dobs(*texts):
    y = np.array([int(t[:4]) if t else 0 for t in texts])
    m = np.array([int(t[5:7]) if t else 0 for t in texts])
    d = np.array([int(t[8:10]) if t else 0 for t in texts])
    return y, m, d


def test_dob_conflict():
    assert dob_conflict(1980, 3, 12, 2010, 7, 1)
    assert not dob_conflict(1980, 3, 12, 1980, 3, 13)   # one digit: a typo
    assert not dob_conflict(1980, 3, 8, 1980, 8, 3)     # day/month swap
    assert not dob_conflict(1980, 3, 12, 0, 0, 0)       # unknown


def test_connected_components():
    lab = cluster(5, np.array([0, 1, 3]), np.array([1, 2, 4]), np.array([10.0, 10.0, -5.0]), 0.0)
    assert lab[0] == lab[1] == lab[2] == 0
    assert lab[3] == 3 and lab[4] == 4


def test_guard_splits_parent_and_child_with_same_name():
    # Records 0-2: the parent (one DOB thrice), 3-4: the child (another DOB twice); all
    # chained together by strong links (same name, same address).
    y, m, d = dobs("1980-03-12", "1980-03-12", "1980-03-13", "2010-07-01", "2010-07-01")
    left = np.array([0, 1, 2, 3, 0])
    right = np.array([1, 2, 3, 4, 4])
    w = np.array([20.0, 19.0, 12.0, 21.0, 11.0])
    unguarded = cluster(5, left, right, w, 5.0)
    assert len(set(unguarded)) == 1
    guarded = cluster(5, left, right, w, 5.0, dob=(y, m, d))
    assert guarded[0] == guarded[1] == guarded[2]
    assert guarded[3] == guarded[4]
    assert guarded[0] != guarded[3]


def test_guard_keeps_a_lone_typo():
    # A single record with a different DOB is an error, not a second person.
    y, m, d = dobs("1980-03-12", "1980-03-12", "1908-12-03")
    lab = cluster(3, np.array([0, 1]), np.array([1, 2]), np.array([20.0, 15.0]), 5.0, dob=(y, m, d))
    assert len(set(lab)) == 1


def test_guard_splits_twins_by_given_name():
    names = ["AMY", "AMY", "ZOE", "ZOE", "AMELIA"]
    codes = np.array([0, 0, 1, 1, 2])
    vocab = ["AMY", "ZOE", "AMELIA"]
    left, right = np.array([0, 1, 2, 3]), np.array([1, 2, 3, 4])
    w = np.array([20.0, 8.0, 20.0, 9.0])
    lab = cluster(5, left, right, w, 5.0, first_names=(codes, vocab))
    assert lab[0] == lab[1] and lab[2] == lab[3] and lab[0] != lab[2]
    assert names  # AMELIA (one record) joins whichever side its strongest link allows
    _, anchors, suspect = anchored_identities(np.zeros(5, dtype=np.int64), None, (codes, vocab))
    assert suspect[0] and anchors[0] == "AMY" and anchors[2] == "ZOE"


def test_a_nickname_and_a_typo_of_the_full_name_are_one_identity():
    # MANDY is a nickname of AMANDA, AMANAD a typo of it: each is anchored (two records
    # agree with it) and they plainly differ pairwise, but AMANDA joins them: one person.
    assert names_conflict(["MANDY", "AMANAD"], ["MANDY", "AMANAD"])
    assert not names_conflict(["MANDY", "AMANAD"], ["MANDY", "AMANDA", "AMANAD"])
    vocab = ["MANDY", "AMANDA", "AMANAD", "AMANIA"]
    codes = np.array([0, 1, 2, 3])
    left, right = np.array([0, 0, 0, 1, 1, 2]), np.array([1, 2, 3, 2, 3, 3])
    w = np.array([29.0, 19.0, 19.0, 30.0, 30.0, 30.0])
    lab = cluster(4, left, right, w, 5.0, first_names=(codes, vocab))
    assert len(set(lab.tolist())) == 1


def test_twins_stay_apart_though_a_name_bridges_their_given_names():
    # "MUHAMMAD" agrees with both "MUHAMMAD ALI" and "MUHAMMAD OMAR": their middle names
    # clash, which no chain of names bridges (twins registered with a devotional name).
    assert names_conflict(["MUHAMMAD ALI", "MUHAMMAD OMAR"], ["MUHAMMAD ALI", "MUHAMMAD", "MUHAMMAD OMAR"])
    # Two given names with nothing in between stay two people.
    assert names_conflict(["NICOLA", "LAURA"], ["NICOLA", "NICLOA", "LAURA"])


def test_cannot_link_and_must_link():
    left, right, w = np.array([0, 1]), np.array([1, 2]), np.array([20.0, 20.0])
    lab = cluster(3, left, right, w, 5.0, cannot_link=(np.array([0]), np.array([2])))
    assert lab[0] != lab[2]
    lab = cluster(4, left, right, w, 5.0, must_link=(np.array([2]), np.array([3])))
    assert len(set(lab)) == 1
    # must-link wins over a weak score and over the guard
    y, m, d = dobs("1980-03-12", "1980-03-12", "2010-07-01", "2010-07-01")
    lab = cluster(4, np.array([0, 2]), np.array([1, 3]), np.array([20.0, 20.0]), 5.0, dob=(y, m, d),
                  must_link=(np.array([1]), np.array([2])))
    assert len(set(lab)) == 1


def test_labels_are_deterministic_smallest_member():
    lab = cluster(4, np.array([3, 1]), np.array([2, 0]), np.array([9.0, 9.0]), 1.0)
    assert lab.tolist() == [0, 0, 2, 2]
