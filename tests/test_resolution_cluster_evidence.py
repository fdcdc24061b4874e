"""Evidence of whole clusters (resolution/cluster_evidence.py), through the clustering step
that the batch run and the real-time path share (guard.cluster_records)."""

from __future__ import annotations

from itertools import combinations

import numpy as np

from aim.resolution.cluster_evidence import reference_year
from aim.resolution.guard import cluster_records
from aim.resolution.records import prepare
from tests.factories import resolution_record as rec

THRESHOLD = float(np.log2(0.95 / 0.05))
REFERENCE_YEAR = 2026   # the data's "now" (the model's reference_year), not the calendar's
OLD_HOME = {"address": "12 Old Road", "postcode": "B1 1AA"}
NEW_HOME = {"address": "3 New Street", "postcode": "CV3 6GE"}


def _clusters(records, weights, cannot_link=(), reference_year=REFERENCE_YEAR):
    """Cluster labels by record id; ``weights``: {(id, id): weight}, every other pair is
    compared but below the review band (-inf), as the real-time path passes it."""
    ids = [r["record_id"] for r in records]
    left, right = (np.array(x, dtype=np.int64) for x in zip(*combinations(range(len(ids)), 2)))
    weight = np.array([weights.get((ids[a], ids[b]), weights.get((ids[b], ids[a]), -np.inf))
                       for a, b in zip(left.tolist(), right.tolist())])
    ca = np.array([ids.index(a) for a, _ in cannot_link], dtype=np.int64)
    cb = np.array([ids.index(b) for _, b in cannot_link], dtype=np.int64)
    labels, _ = cluster_records(records, left, right, weight, THRESHOLD, cannot_link=(ca, cb),
                                reference_year=reference_year)
    return dict(zip(ids, labels.tolist()))


def _woman(rid, surname, home, first="Joanne", dob="1984-02-11"):
    return rec(rid, first_name=first, last_name=surname, date_of_birth=dob, gender="F", **home)


def _marriage(first="Joanne", dob="1984-02-11", sex="F", partner_sex="M", cross=2.0):
    """Two records under the birth surname at the old address, two under the partner's
    surname at the new one, the partner's record there; the links of each group, and the
    groups joined only by pairs of weight ``cross`` (given name, DOB and sex agree; the
    review band by default)."""
    person = {"first_name": first, "date_of_birth": dob, "gender": sex}
    records = [rec("b1", last_name="Smith", **person, **OLD_HOME), rec("b2", last_name="Smith", **person, **OLD_HOME),
               rec("m1", last_name="Brown", **person, **NEW_HOME), rec("m2", last_name="Brown", **person, **NEW_HOME),
               rec("partner", first_name="Peter", last_name="Brown", date_of_birth="1982-07-01", gender=partner_sex,
                   **NEW_HOME)]
    weights = {("b1", "b2"): 12.0, ("m1", "m2"): 12.0}
    weights |= {(b, m): cross for b in ("b1", "b2") for m in ("m1", "m2")}
    return records, weights


def test_a_woman_before_and_after_a_surname_change_with_a_move_is_one_person():
    records, weights = _marriage()
    e = _clusters(records, weights)
    assert e["b1"] == e["b2"] == e["m1"] == e["m2"]
    assert e["partner"] != e["m1"]


def test_below_the_review_band_the_pattern_is_left_alone():
    records, weights = _marriage(cross=-np.inf)
    e = _clusters(records, weights)
    assert e["b1"] == e["b2"] and e["m1"] == e["m2"] and e["b1"] != e["m1"]


def test_a_short_form_of_the_given_name_is_the_same_woman():
    records, weights = _marriage()
    records[2]["first_name"] = records[3]["first_name"] = "Jo"
    e = _clusters(records, weights)
    assert e["b1"] == e["m1"]


def test_without_a_partner_carrying_the_new_surname_nothing_says_the_surname_changed():
    records, weights = _marriage()
    e = _clusters(records[:4], weights)
    assert e["b1"] == e["b2"] and e["m1"] == e["m2"] and e["b1"] != e["m1"]


def test_two_married_women_of_one_name_and_birthday_stay_apart():
    records, weights = _marriage()
    records.append(rec("other", first_name="Mark", last_name="Smith", date_of_birth="1983-03-09", gender="M",
                       **OLD_HOME))
    e = _clusters(records, weights)
    assert e["b1"] != e["m1"]


def test_men_and_children_are_not_joined_by_the_pattern():
    for records, weights in (_marriage(first="John", sex="M", partner_sex="F"), _marriage(dob="2016-02-11")):
        e = _clusters(records, weights)
        assert e["b1"] == e["b2"] and e["b1"] != e["m1"]


def test_who_is_an_adult_is_counted_from_the_data_not_the_calendar():
    records, weights = _marriage()   # she was born in 1984
    e = _clusters(records, weights, reference_year=1999)
    assert e["b1"] != e["m1"]        # fifteen in the data's "now": no marriage
    e = _clusters(records, weights, reference_year=2002)
    assert e["b1"] == e["m1"]
    # without the model's year: the records' own latest year of birth (a newborn's here)
    records.append(rec("baby", first_name="Amy", last_name="Brown", date_of_birth="2025-06-01", gender="F",
                       **NEW_HOME))
    assert reference_year(prepare(records)) == 2025
    e = _clusters(records, weights, reference_year=None)
    assert e["b1"] == e["m1"] != e["baby"]


def test_a_third_namesake_leaves_the_choice_open():
    records, weights = _marriage()
    home = {"address": "9 Far Lane", "postcode": "WS1 2TN"}
    records += [_woman("g1", "Green", home), _woman("g2", "Green", home)]
    weights |= {("g1", "g2"): 12.0, ("g1", "m1"): 2.0}
    e = _clusters(records, weights)
    assert len({e["b1"], e["m1"], e["g1"]}) == 3


def test_a_contradicting_record_or_a_human_decision_keeps_them_apart():
    records, weights = _marriage()
    records[0]["first_name"] = "Joanne Claire"
    records[2]["first_name"] = "Joanne Louise"
    e = _clusters(records, weights)
    assert e["b1"] != e["m1"]
    records, weights = _marriage()
    e = _clusters(records, weights, cannot_link=[("b2", "m2")])
    assert e["b1"] != e["m1"]


def _parent_and_child(to_parent: float, to_child: float):
    home = {"first_name": "Daniel", "last_name": "Okafor", "gender": "M", "address": "7 Elm Grove",
            "postcode": "B12 9QT"}
    records = [rec("dad1", date_of_birth="1979-05-02", **home), rec("dad2", date_of_birth="1979-05-02", **home),
               rec("son1", date_of_birth="2016-11-20", **home), rec("son2", date_of_birth="2016-11-20", **home),
               rec("nodob", **home)]
    weights = {("dad1", "dad2"): 12.0, ("son1", "son2"): 12.0, ("nodob", "dad1"): to_parent,
               ("nodob", "son1"): to_child}
    return _clusters(records, weights)


def test_a_record_without_dob_linked_equally_to_parent_and_child_is_neither():
    e = _parent_and_child(8.0, 8.0)
    assert e["dad1"] == e["dad2"] and e["son1"] == e["son2"] and e["dad1"] != e["son1"]
    assert e["nodob"] not in (e["dad1"], e["son1"])


def test_a_record_without_dob_joins_the_one_it_links_to_more_strongly():
    e = _parent_and_child(9.0, 6.0)
    assert e["nodob"] == e["dad1"] != e["son1"]
