"""A father and his junior: how often two people of one home a generation apart share a given
name (engine.junior_rate), and that rate as the least u of a given name at home
(predict._tf_adjustment)."""

from __future__ import annotations

import numpy as np
import pytest

from aim.resolution import comparisons as CMP
from aim.resolution.engine import GENERATION_YEARS, home_namesakes, junior_rate
from aim.resolution.model import Model, default_m, n_levels
from aim.resolution.predict import AT_HOME, match_weights, tf_tables
from aim.resolution.records import prepare
from tests.factories import resolution_record as rec

GIVEN, SURNAME, DOB, LOCATION = (CMP.FIELD_INDEX[k] for k in ("first_name", "last_name", "date_of_birth", "location"))
SAME_ADDRESS = CMP.level("location", "same address and postcode")


def test_home_namesakes_counts_one_homes_pairs_of_different_dates_by_name_and_gap():
    g = np.zeros((5, len(n_levels())), dtype=np.int8)
    g[:, SURNAME], g[:, LOCATION], g[:, DOB] = n_levels()[SURNAME] - 1, SAME_ADDRESS, 0
    g[[0, 1, 4], GIVEN] = n_levels()[GIVEN] - 1        # one given name
    g[4, LOCATION] = 0                                   # not at one home: not counted
    year = np.r_[np.full(5, 1970), 1975, 1970 + GENERATION_YEARS, 2000, 1980, 2000]   # records 0-4 and 5-9
    left, right = np.arange(5), np.arange(5, 10)
    assert home_namesakes(g, year, left, right) == (1, 1, 1)   # named near, named apart, another name apart


def test_no_juniors_where_the_far_namesakes_are_what_mistyped_dates_explain():
    # FEBRL3's candidates: 25 of one name under a generation apart predict 77 beyond it; 60 seen
    assert junior_rate((25, 60, 30), near=0.245) == 0.0
    # a little more than predicted, but within two standard deviations: still none
    assert junior_rate((100, 350, 500), near=0.25) == 0.0


def test_juniors_beyond_what_mistyped_dates_explain_give_the_share_of_a_homes_far_pairs():
    # the independent population at 30k: 216 near predict 408 far; 552 seen, 21,577 other far pairs
    rate = junior_rate((216, 552, 21_577), near=0.346)
    excess = 552 - 216 * (1 - 0.346) / 0.346
    assert rate == pytest.approx(excess / (excess + 21_577))
    assert junior_rate((0, 500, 9_500), near=0.3) == pytest.approx(0.05)
    assert junior_rate((0, 500, 9_500), near=1.0) == 0.0


def _model(at_home: float) -> Model:
    u = [np.full(L, 1.0 / L) for L in n_levels()]
    return Model(m=default_m(), u=u, lam=1e-4, tf_min=1e-6, given_name_at_home=at_home)


def test_a_given_name_at_home_weighs_no_more_than_the_junior_rate_allows():
    father = rec("f", first_name="Zebedee", last_name="Quarrington", date_of_birth="1970-03-01",
                 address="1 High St", postcode="B1 1AA")
    junior = rec("j", first_name="Zebedee", last_name="Quarrington", date_of_birth="1998-07-09",
                 address="1 High St", postcode="B1 1AA")
    elsewhere = rec("e", first_name="Zebedee", last_name="Quarrington", date_of_birth="1998-07-09",
                    address="9 Low Rd", postcode="B9 9ZZ")
    fillers = [rec(f"x{k}", first_name=f"Name{k}", last_name=f"Other{k}") for k in range(300)]
    p = prepare([father, junior, elsewhere, *fillers])
    i, j = np.array([0, 0]), np.array([1, 2])
    g = CMP.compare(p, i, j)
    assert g[0, LOCATION] >= AT_HOME and g[1, LOCATION] < AT_HOME
    tf = tf_tables(p)
    plain = match_weights(_model(0.0), p, i, j, g, tf)
    capped = match_weights(_model(0.05), p, i, j, g, tf)
    frequency = tf["first_name"][p.cols["first"][0]]
    assert capped[0] == pytest.approx(plain[0] - np.log2(0.05 / frequency))
    assert capped[1] == plain[1]
    # the parts an explanation shows carry the same cap
    _, parts, _ = match_weights(_model(0.05), p, i, j, g, tf, with_parts=True)
    _, plain_parts, _ = match_weights(_model(0.0), p, i, j, g, tf, with_parts=True)
    assert parts[0, GIVEN] == pytest.approx(plain_parts[0, GIVEN] - np.log2(0.05 / frequency))


def test_the_junior_rate_is_saved_with_the_model():
    assert Model.from_dict(_model(0.0123).to_dict()).given_name_at_home == 0.0123
    old = _model(0.0).to_dict()
    del old["given_name_at_home"]
    assert Model.from_dict(old).given_name_at_home == 0.0
