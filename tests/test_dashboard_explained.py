"""The match explanations as the dashboard shows them (api/dashboard/explained.py): plain
words for every comparison level, dates as dates, identical values never marked as
differing, one set of words for a probability, and weights that add up to the total."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest

from aim.api.dashboard import explained as E
from aim.resolution import comparisons as CMP
from aim.resolution.explain import explain_pair, stored_explanations
from aim.resolution.predict import tf_from_model
from aim.resolution.records import prepare

STORED = {"prior": -6.299, "terms": {"first_name": ["exact", 3.846], "last_name": ["exact", 4.214],
                                     "date_of_birth": ["else", -3.399], "gender": ["exact", 0.961],
                                     "location": ["same address and postcode", 6.185]},
          "name_frequency": {"last_name": 1.214}, "interaction": -4.451}
A = {"first_name": "Evie", "last_name": "Mensah", "date_of_birth": "1967-01-16", "gender": "M",
     "address": "36 Queens Road", "postcode": "B14 7AL"}
B = A | {"date_of_birth": "1965-12-06", "postcode": "b147al"}


def test_every_comparison_level_has_plain_words():
    for comparison in CMP.COMPARISONS:
        for level in comparison.levels:
            assert level in E.LEVELS, (comparison.name, level)
    words = [E.level_words(level) for level in E.LEVELS] + [E.level_words(None)]
    assert not [w for w in words if "else" in w.split() or "null" in w or "jaro" in w]
    assert E.level_words("else") == "different" and E.level_words("null") == "missing on one record"


@pytest.mark.parametrize("value, text", [("20160923", "23 Sep 2016"), ("2016-09-23", "23 Sep 2016"),
                                         (date(2016, 9, 23), "23 Sep 2016"), ("20160900", "Sep 2016"),
                                         ("20160000", "2016"), (None, "")])
def test_dates_are_shown_as_dates(value, text):
    assert E.date_text(value) == text


def test_identical_values_written_differently_are_not_marked_as_differing():
    table = E.explained(STORED, A, B, 1.057, 0.675)
    rows = {r["field"]: r for r in table["rows"]}
    assert rows["Postcode"]["same"] is True and rows["Address"]["same"] is True
    assert rows["Date of birth"]["same"] is False
    assert rows["Date of birth"]["a"] == "16 Jan 1967" and rows["Date of birth"]["b"] == "6 Dec 1965"
    assert E.same_value("postcode", "B14 7AL", None) is None


def test_the_parts_shown_add_up_to_the_match_weight_shown():
    table = E.explained(STORED, A, B, 1.057, 0.675)
    shown = [r["weight"] for r in table["rows"] if r["span"]] + [p["weight"] for p in table["parts"]]
    assert round(sum(shown), 1) == table["total"] == 1.1
    texts = [p["text"] for p in table["parts"]]
    assert texts == [E.PRIOR, E.NAME_FREQUENCY, E.HOUSEHOLD]
    assert dict(zip(texts, [p["weight"] for p in table["parts"]]))[E.NAME_FREQUENCY] == 1.2
    surname = next(r for r in table["rows"] if r["field"] == "Last name")
    assert surname["weight"] == 3.0  # 4.214 less its name-frequency part


@pytest.mark.parametrize("weights, total", [([0.04] * 10, 0.4), ([1.26, 2.26, -3.47], 0.05),
                                            ([-6.299, 3.846, 4.214, -3.399, 0.961, 6.185, -4.451], 1.057)])
def test_rounded_parts_add_up_and_stay_within_a_unit(weights, total):
    shown = E.rounded_parts(weights, total)
    assert round(sum(shown), 1) == round(total, 1)
    assert all(abs(s - w) < 0.1 + 1e-9 for s, w in zip(shown, weights))


@pytest.mark.parametrize("probability, words", [(0.99995, "almost certainly the same person"),
                                                (0.995, "probably the same person"),
                                                (0.96, "possibly the same person"),
                                                (0.948, "undecided"),
                                                (0.5, "undecided"),
                                                (0.2, "probably different people"),
                                                (0.01, "very likely different people")])
def test_words_agree_with_the_probability(probability, words):
    assert E.likelihood(probability) == words


@pytest.fixture(scope="module")
def model():
    from aim.resolution import engine
    from tests.factories import population

    rows, _ = population(60, seed=3)
    return engine.train(rows)


def test_the_stored_and_the_full_explanation_add_up_with_their_name_frequency_part(model):
    a = {"first_name": "Grace", "last_name": "Smith", "date_of_birth": "1987-06-12", "gender": "F",
         "address": "12 Mill Lane", "postcode": "B1 1AA"}
    b = a | {"date_of_birth": "1987-12-06", "postcode": "B1 1AB"}
    full = explain_pair(model, a, b)
    table = E.explained({"terms": full["terms"]}, a, b, full["match_weight"], full["match_probability"])
    shown = [r["weight"] for r in table["rows"] if r["span"]] + [p["weight"] for p in table["parts"]]
    assert round(sum(shown), 1) == table["total"] == round(full["match_weight"], 1)

    prepared = prepare([dict(a, record_id="a", source="a", source_record_id="a"),
                        dict(b, record_id="b", source="b", source_record_id="b")])
    i, j = np.array([0]), np.array([1])
    stored = json.loads(stored_explanations(model, prepared, i, j, tf_from_model(model, prepared))[0])
    parts = stored["prior"] + sum(w for _, w in stored["terms"].values()) + stored.get("interaction", 0.0)
    assert parts == pytest.approx(full["match_weight"], abs=0.01)
    frequency = sum(t["tf_adjustment"] for t in full["terms"])
    assert sum(stored.get("name_frequency", {}).values()) == pytest.approx(frequency, abs=0.01)


@pytest.mark.parametrize("hit, words", [
    ({"score": 1.0, "match": {"first_name": "exact", "last_name": "exact", "date_of_birth": "exact"}},
     "strong: name and date of birth agree"),
    ({"score": 0.9, "match": {"first_name": "initial", "last_name": "exact"}},
     "strong: first name matches the initial, surname agrees"),
    ({"score": 0.8, "match": {"first_name": "variant", "last_name": "similar", "date_of_birth": "near"}},
     "good: first name is a nickname or spelling variant, surname is spelt similarly, born a year either side"),
    ({"score": 0.6, "match": {"date_of_birth": "swapped"}}, "weak: date of birth has day and month swapped"),
])
def test_a_search_result_says_how_well_it_matches_in_words(hit, words):
    from aim.api.dashboard.search import match_words

    assert match_words(hit) == words


def test_a_positive_surname_and_address_correction_is_named_as_marriage_not_households():
    married = dict(STORED, interaction=5.8)
    texts = [p["text"] for p in E.explained(married, A, B, 1.057 - STORED["interaction"] + 5.8, 0.9)["parts"]]
    assert texts[-1] == E.MARRIAGE
