"""Stable-id assignment (aim.graph.identity.ids) without a database."""

from __future__ import annotations

import pytest

from aim.graph.identity.ids import assign_ids, new_id
from aim.graph.identity.keys import parse_subject_id, record_key, split_key, subject_id


def test_new_ids_are_random_not_hashes_of_record_keys_and_never_reuse_a_taken_id():
    import hashlib

    ids = {new_id(set()) for _ in range(1000)}
    assert len(ids) == 1000 and all(i.startswith("P-") and len(i) == 18 for i in ids)
    # an id derived from a record key (as before issue 13) could be recomputed by anyone who knows the key
    assert "P-" + hashlib.sha1(b"WMP|W1").hexdigest()[:12] not in ids
    taken = {new_id(set()) for _ in range(50)}
    assert all(new_id(taken) not in taken for _ in range(200))
    assert new_id(set(), prefix="H-").startswith("H-")


def test_unchanged_groups_keep_their_ids_and_nothing_changes():
    old = {"A|1": "P-1", "A|2": "P-1", "B|1": "P-2"}
    a = assign_ids({0: ["A|1", "A|2"], 1: ["B|1"]}, old, taken={"P-1", "P-2"})
    assert a.ids == {0: "P-1", 1: "P-2"}
    assert (a.moved, a.changed_ids, a.retired, a.events) == ({}, set(), {}, [])


def test_a_merge_keeps_the_bigger_id_and_leaves_a_tombstone():
    old = {"A|1": "P-1", "A|2": "P-1", "B|1": "P-2"}
    a = assign_ids({0: ["A|1", "A|2", "B|1"]}, old, taken={"P-1", "P-2"})
    assert a.ids == {0: "P-1"} and a.moved == {"B|1": "P-1"}
    assert a.retired == {"P-2": ("merged", "P-1")}
    assert {e["kind"] for e in a.events} == {"merge", "id_change"}


def test_a_split_gives_the_minority_a_new_id():
    old = {"A|1": "P-1", "A|2": "P-1", "A|3": "P-1"}
    a = assign_ids({0: ["A|1", "A|2"], 1: ["A|3"]}, old, taken={"P-1"})
    assert a.ids[0] == "P-1" and a.ids[1] not in {"P-1"}
    assert a.moved == {"A|3": a.ids[1]} and a.changed_ids == {"P-1", a.ids[1]}
    assert [e["kind"] for e in a.events] == ["split_off", "split"]


def test_an_even_split_retires_the_old_id_as_split():
    old = {"A|1": "P-1", "A|2": "P-1", "A|3": "P-1", "A|4": "P-1"}
    a = assign_ids({0: ["A|1", "A|2"], 1: ["A|3", "A|4"]}, old, taken={"P-1"})
    assert a.ids[0] == "P-1"  # a tie goes to the group with the smaller member
    assert a.retired == {}


def test_record_keys_one_codec():
    assert record_key("WMP", "12|3") == "WMP|12|3" and split_key("WMP|12|3") == ("WMP", "12|3")
    assert split_key(["WMP", 7]) == ("WMP", "7")
    assert subject_id("WMP", "1:2") == "rec:WMP:1:2" and parse_subject_id("rec:WMP:1:2") == ("WMP", "1:2")
    assert parse_subject_id("P-abc") is None
    with pytest.raises(ValueError):
        parse_subject_id("rec:WMP")
