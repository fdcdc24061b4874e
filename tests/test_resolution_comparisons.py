"""Each comparison level, on tiny prepared record sets: one table of (field, record a, record b,
the level's name) for every field, then the vectorised path against the single-pair one."""

from __future__ import annotations

import numpy as np
import pytest

from aim.resolution import comparisons as C
from aim.resolution.records import prepare
from tests.factories import comparison_level
from tests.factories import resolution_record as rec

HOME = {"address": "12 High St, Selly Oak", "postcode": "B29 6QG"}
FLAT = {"address": "Flat 3, 12 Oak Road", "postcode": "B1 1AA"}
ELSEWHERE = {"address": "99 Other Road"}
OVERSEAS = {"address": "1 Other Rd", "postcode": "2119"}


def given(name: str) -> dict:
    return {"first_name": name}


def surname(name: str) -> dict:
    return {"last_name": name}


def born(dob: str) -> dict:
    return {"date_of_birth": dob}


LEVELS = [
    ("first_name", given("John"), given("JOHN"), "exact"),
    ("first_name", given("Bill"), given("William"), "nickname / variant across communities / swapped"),
    ("first_name", given("Yusuf"), given("Youssef"), "nickname / variant across communities / swapped"),
    ("first_name", given("Mohammed"), given("Muhammad"), "nickname / variant across communities / swapped"),
    ("first_name", given("Kit"), given("Christopher"), "nickname / variant across communities / swapped"),
    ("first_name", {"first_name": "Smith", "last_name": "John"}, {"first_name": "John", "last_name": "Smith"},
     "nickname / variant across communities / swapped"),
    ("first_name", given("Muhammad Ali"), given("Ali"), "the other's middle name"),
    ("first_name", given("Wayne George"), given("George"), "the other's middle name"),
    ("first_name", given("Vieroslava"), given("Viero"), "short form (one is the start of the other)"),
    ("first_name", given("Abdullah"), given("Abdul"), "short form (one is the start of the other)"),
    ("first_name", given("Zorabel"), given("Zorabell"), "jaro-winkler >= 0.92"),
    ("first_name", given("J"), given("John"), "jaro-winkler >= 0.80 or initial"),
    ("first_name", given("John"), given("Mary"), "else"),
    ("first_name", given("Trevor"), given("Aaron"), "else"),
    ("first_name", given(""), given("Mary"), None),
    ("last_name", surname("Smith"), surname("smith"), "exact"),
    ("last_name", surname("van der Berg"), surname("Vanderberg"), "exact"),
    ("last_name", {"first_name": "Smith", "last_name": "John"}, {"first_name": "John", "last_name": "Smith"},
     "jaro-winkler >= 0.92, shared barrel, variant spelling or swapped"),
    ("last_name", surname("Smith-Jones"), surname("Jones"),
     "jaro-winkler >= 0.92, shared barrel, variant spelling or swapped"),
    ("last_name", surname("Thompson"), surname("Thomson"),
     "jaro-winkler >= 0.92, shared barrel, variant spelling or swapped"),
    ("last_name", surname("Chen"), surname("Chan"), "jaro-winkler >= 0.92, shared barrel, variant spelling or swapped"),
    ("last_name", surname("Smith"), surname("Patel"), "else"),
    ("last_name", surname("Chen"), surname("Patel"), "else"),
    ("date_of_birth", born("1980-03-12"), born("12/03/1980"), "exact"),
    ("date_of_birth", born("1980-03-08"), born("1980-08-03"), "day/month swapped"),
    ("date_of_birth", born("1980-03-12"), born("1980-03-21"), "two digits transposed"),
    ("date_of_birth", born("1984-03-12"), born("1948-03-12"), "two digits transposed"),
    ("date_of_birth", born("1980-03-12"), born("1980-03-13"), "one digit differs"),
    ("date_of_birth", born("1989-03-12"), born("1990-03-12"), "a year out, day and month agree"),
    ("date_of_birth", born("1980-03-12"), born("1980"), "partial date agrees"),
    ("date_of_birth", born("1980-03-12"), born("1981-07-25"), "year within 1"),
    ("date_of_birth", born("1980-03-12"), born("1982-07-25"), "else"),
    ("date_of_birth", born("1980-03-12"), born("2011-07-25"), "else"),
    ("date_of_birth", born(""), born("2011-07-25"), None),
    ("gender", {"gender": "F"}, {"gender": "female"}, "exact"),
    ("gender", {"gender": "F"}, {"gender": "M"}, "else"),
    ("gender", {"gender": "U"}, {"gender": "M"}, None),
    ("location", HOME, {"address": "12 High Street Selly Oak", "postcode": "b296qg"}, "same address and postcode"),
    ("location", HOME, {"address": "12 High Road Selly Oak", "postcode": "B29 6QG"}, "same address and postcode"),
    ("location", HOME, {"address": "12 High Street, Selly Oak", "postcode": ""},
     "same address, postcode differs or missing"),
    ("location", HOME, {"address": "12 Church Road Selly Oak", "postcode": "B29 6QG"}, "same postcode, similar address"),
    ("location", HOME, {**ELSEWHERE, "postcode": "B29 6QG"}, "same postcode"),
    ("location", HOME, {**ELSEWHERE, "postcode": "B29 6AB"}, "near postcode or similar address"),
    ("location", HOME, {**ELSEWHERE, "postcode": "B29 1AB"}, "same outward code"),
    ("location", HOME, {**ELSEWHERE, "postcode": "M1 1AA"}, "else"),
    ("location", HOME, {}, None),
    # Flats in one building are not the same address, however a flat is written.
    ("location", {"address": "Flat 1, 3 Tower Rd", "postcode": "B1 1AA"},
     {"address": "Flat 2, 3 Tower Rd", "postcode": "B1 1AA"}, "same building, another flat"),
    ("location", FLAT, {"address": "3/12 Oak Rd", "postcode": "B1 1AA"}, "same address and postcode"),
    ("location", FLAT, {"address": "12 Oak Road, Flat 3", "postcode": ""}, "same address, postcode differs or missing"),
    ("location", FLAT, {"address": "Flat 4, 12 Oak Road", "postcode": "B1 1AA"}, "same building, another flat"),
    # A postcode that is not a UK one is compared as a plain string.
    ("location", OVERSEAS, {"address": "77 Else St", "postcode": "2119"}, "same postcode"),
    ("location", OVERSEAS, {"address": "77 Else St", "postcode": "2118"}, "near postcode or similar address"),
    ("location", OVERSEAS, {"address": "77 Else St", "postcode": "5000"}, "else"),
]


@pytest.mark.parametrize("field, a, b, expected", LEVELS)
def test_comparison_level(field, a, b, expected):
    """``None``: the comparison is null (a value missing on one side), the level ``-1``."""
    found = comparison_level(field, a, b)
    levels = C.COMPARISONS[C.FIELD_INDEX[field]].levels
    assert (None if found < 0 else levels[found]) == expected


def test_vectorised_matches_single():
    recs = [rec(str(k), first_name=n, last_name="Smith", date_of_birth="1990-01-0" + str(1 + k % 3))
            for k, n in enumerate(["John", "Jon", "Bill", "William", "Mary", "J"])]
    p = prepare(recs)
    i, j = np.triu_indices(p.n, 1)
    g = C.compare(p, i, j)
    for k, (a, b) in enumerate(zip(i, j)):
        single = C.compare(p, np.array([a]), np.array([b]))
        assert (single[0] == g[k]).all()
