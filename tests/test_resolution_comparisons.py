"""Each comparison level, on tiny prepared record sets."""

from __future__ import annotations

import numpy as np

from aim.resolution import comparisons as C
from aim.resolution.records import prepare
from tests.factories import comparison_level as level
from tests.factories import resolution_record as rec


def test_first_name_levels():
    assert level("first_name", {"first_name": "John"}, {"first_name": "JOHN"}) == 6
    assert level("first_name", {"first_name": "Bill"}, {"first_name": "William"}) == 5
    assert level("first_name", {"first_name": "Zorabel"}, {"first_name": "Zorabell"}) == 2
    assert level("first_name", {"first_name": "J"}, {"first_name": "John"}) == 1
    assert level("first_name", {"first_name": "John"}, {"first_name": "Mary"}) == 0
    assert level("first_name", {"first_name": ""}, {"first_name": "Mary"}) == -1


def test_swapped_names():
    a = {"first_name": "Smith", "last_name": "John"}
    b = {"first_name": "John", "last_name": "Smith"}
    assert level("first_name", a, b) == 5
    assert level("last_name", a, b) == 2


def test_last_name_levels():
    assert level("last_name", {"last_name": "Smith"}, {"last_name": "smith"}) == 3
    assert level("last_name", {"last_name": "Smith-Jones"}, {"last_name": "Jones"}) == 2
    assert level("last_name", {"last_name": "Thompson"}, {"last_name": "Thomson"}) == 2
    assert level("last_name", {"last_name": "Smith"}, {"last_name": "Patel"}) == 0
    assert level("last_name", {"last_name": "van der Berg"}, {"last_name": "Vanderberg"}) == 3


def test_dob_levels():
    assert level("date_of_birth", {"date_of_birth": "1980-03-12"}, {"date_of_birth": "12/03/1980"}) == 7
    assert level("date_of_birth", {"date_of_birth": "1980-03-08"}, {"date_of_birth": "1980-08-03"}) == 6
    assert level("date_of_birth", {"date_of_birth": "1980-03-12"}, {"date_of_birth": "1980-03-13"}) == 4
    assert level("date_of_birth", {"date_of_birth": "1980-03-12"}, {"date_of_birth": "1980"}) == 2
    assert level("date_of_birth", {"date_of_birth": "1980-03-12"}, {"date_of_birth": "1981-07-25"}) == 1
    assert level("date_of_birth", {"date_of_birth": "1980-03-12"}, {"date_of_birth": "2011-07-25"}) == 0
    assert level("date_of_birth", {"date_of_birth": ""}, {"date_of_birth": "2011-07-25"}) == -1


def test_gender_levels():
    assert level("gender", {"gender": "F"}, {"gender": "female"}) == 1
    assert level("gender", {"gender": "F"}, {"gender": "M"}) == 0
    assert level("gender", {"gender": "U"}, {"gender": "M"}) == -1


def test_location_levels():
    home = {"address": "12 High St, Selly Oak", "postcode": "B29 6QG"}
    assert level("location", home, {"address": "12 High Street Selly Oak", "postcode": "b296qg"}) == 7
    assert level("location", home, {"address": "12 High Street, Selly Oak", "postcode": ""}) == 6
    assert level("location", home, {"address": "12 High Road Selly Oak", "postcode": "B29 6QG"}) == 7
    assert level("location", home, {"address": "12 Church Road Selly Oak", "postcode": "B29 6QG"}) == 4
    assert level("location", home, {"address": "99 Other Road", "postcode": "B29 6QG"}) == 3
    assert level("location", home, {"address": "99 Other Road", "postcode": "B29 6AB"}) == 2
    assert level("location", home, {"address": "99 Other Road", "postcode": "B29 1AB"}) == 1
    assert level("location", home, {"address": "99 Other Road", "postcode": "M1 1AA"}) == 0
    assert level("location", home, {}) == -1
    # Flats in one building are not the same address.
    assert level("location", {"address": "Flat 1, 3 Tower Rd", "postcode": "B1 1AA"},
                 {"address": "Flat 2, 3 Tower Rd", "postcode": "B1 1AA"}) == 5


def test_non_uk_postcode_plain_string():
    a = {"address": "1 Other Rd", "postcode": "2119"}
    assert level("location", a, {"address": "77 Else St", "postcode": "2119"}) == 3
    assert level("location", a, {"address": "77 Else St", "postcode": "2118"}) == 2
    assert level("location", a, {"address": "77 Else St", "postcode": "5000"}) == 0


def test_vectorised_matches_single():
    recs = [rec(str(k), first_name=n, last_name="Smith", date_of_birth="1990-01-0" + str(1 + k % 3))
            for k, n in enumerate(["John", "Jon", "Bill", "William", "Mary", "J"])]
    p = prepare(recs)
    i, j = np.triu_indices(p.n, 1)
    g = C.compare(p, i, j)
    for k, (a, b) in enumerate(zip(i, j)):
        single = C.compare(p, np.array([a]), np.array([b]))
        assert (single[0] == g[k]).all()
