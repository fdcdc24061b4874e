"""Names and addresses corrupted as FEBRL corrupts them: the first-name level "in the other
record's surname field" (one name moved, the other replaced or mistyped beyond a swap), the
location level "same street, house number a typo apart", the same levels in the real-time
scoring, and the guard keeping with their person the records written the other way round and
those with a typo in the middle name."""

from __future__ import annotations

import numpy as np
import pytest

from aim.resolution import comparisons as CMP
from aim.resolution.guard import cluster_records
from aim.resolution.model import Model, default_m
from aim.resolution.predict import score_record
from tests.factories import comparison_level
from tests.factories import resolution_record as rec

IN_OTHER_FIELD = "in the other record's surname field"


def _first_name_level(a: dict, b: dict) -> str:
    found = comparison_level("first_name", a, b)
    return CMP.COMPARISONS[CMP.FIELD_INDEX["first_name"]].levels[found]


@pytest.mark.parametrize("a, b", [
    # The given name moved to the surname field, the other name replaced.
    ({"first_name": "Lucy", "last_name": "Clarke"}, {"first_name": "Bkows", "last_name": "Lucy"}),
    # The surname moved to the given-name field (with a typo), the given name replaced.
    ({"first_name": "Victoria", "last_name": "Pulford"}, {"first_name": "Pulfrd", "last_name": "Cassandra"}),
])
def test_a_name_in_the_other_field_is_its_own_level(a, b):
    assert _first_name_level(a, b) == IN_OTHER_FIELD
    assert _first_name_level(b, a) == IN_OTHER_FIELD


def test_other_levels_are_unchanged_by_the_other_field():
    # Different names nowhere else: still "else"; both names crosswise: still a swap.
    assert _first_name_level({"first_name": "John", "last_name": "Smith"},
                             {"first_name": "Mary", "last_name": "Jones"}) == "else"
    assert _first_name_level({"first_name": "Amber", "last_name": "Kexel"},
                             {"first_name": "Kexel", "last_name": "Amber"}) == \
        "nickname / variant across communities / swapped"
    # A given name agreeing as it stands keeps its own level, whatever the surnames hold.
    assert _first_name_level({"first_name": "James", "last_name": "Thomas"},
                             {"first_name": "James", "last_name": "James"}) == "exact"


HOUSE_TYPO = "same street, house number a typo apart"


@pytest.mark.parametrize("a, b, expected", [
    # House numbers one keystroke apart on one street.
    ({"address": "36 Burdon Place, Hillendale"}, {"address": "63 Burdon P Lace, Hillendale"}, HOUSE_TYPO),
    ({"address": "1340 Bute Park, Berwick"}, {"address": "1304 Bute Park, Berwick"}, HOUSE_TYPO),
    ({"address": "12 High Street, Selly Oak"}, {"address": "2 High Street, Selly Oak"}, HOUSE_TYPO),
    # Another number altogether, or one keystroke apart in another street: only the postcode counts.
    ({"address": "36 Burdon Place"}, {"address": "58 Burdon Place"}, "same postcode"),
    ({"address": "36 Burdon Place"}, {"address": "63 Mill Lane"}, "same postcode"),
    # The same building, another flat, keeps its own level.
    ({"address": "Flat 2, 14 Oak Road"}, {"address": "Flat 3, 14 Oak Road"}, "same building, another flat"),
    # Typos inside the words of one address: the letters agree where the words do not.
    ({"address": "282 Osburn Drive, White Patch"}, {"address": "282 Osburndrive White Patch"},
     "same address and postcode"),
    ({"address": "28 Dinnison Circuit, Bray Park"}, {"address": "28 Dinnisonc Ircuit Bray Park"},
     "same address and postcode"),
    # The same number in another street is still not the same address.
    ({"address": "12 Church Road"}, {"address": "12 Church Lane"}, "same postcode, similar address"),
])
def test_house_numbers_and_typos_in_one_street(a, b, expected):
    level = comparison_level("location", a | {"postcode": "B29 6QG"}, b | {"postcode": "B29 6QG"})
    assert CMP.COMPARISONS[CMP.FIELD_INDEX["location"]].levels[level] == expected


def test_realtime_scoring_gives_the_batch_level():
    """score_record (the graph's real-time path) compares with the same code as link()."""
    k = len(CMP.COMPARISONS)
    model = Model(m=default_m(), u=[np.full(len(c.levels), 1 / len(c.levels)) for c in CMP.COMPARISONS],
                  lam=0.01)
    assert len(model.m) == k
    new = rec("n", first_name="Neumann", last_name="Amner", date_of_birth="1936-11-30",
              address="1340 Bute Park, Berwick")
    known = rec("k", first_name="Amber", last_name="Neumann", date_of_birth="1988-11-19",
                address="1304 Bute Park, Berwick")
    levels = score_record(model, new, [known])[0]["levels"]
    assert levels["first_name"] == IN_OTHER_FIELD
    assert levels["location"] == HOUSE_TYPO


def _one_person(records: list[dict]) -> bool:
    """Every pair linked strongly: does the guard keep the records as one person?"""
    left, right = np.triu_indices(len(records), 1)
    labels, _ = cluster_records(records, left, right, np.full(left.size, 20.0), 4.0)
    return len(set(labels.tolist())) == 1


@pytest.mark.parametrize("names, home", [
    # Two records "LUKE HINDESS" and two "HINDESS LUKE" (one with a typo): nothing says which
    # pair is written the wrong way round, so neither given name is a second identity.
    ([("Luke", "Hindess"), ("Luke", "Hindess"), ("Hindess", "Luke"), ("Hindess", "Lutke")],
     {"date_of_birth": "1977-11-09", "address": "45 Gledden Street", "postcode": "4703"}),
    # "RICHMOND SARSHA" (surname first, given name replaced) among "EMIILY RICHMOND" and
    # "RICHMOND EMIILY" records.
    ([("Emiily", "Richmond"), ("Emiily", "Richjond"), ("Richmond", "Emiily"), ("Richmond", "Sarsha")],
     {"date_of_birth": "1959-06-07", "address": "135 Kalgoorlie Crescent", "postcode": "3031"}),
])
def test_records_written_the_other_way_round_stay_one_person(names, home):
    assert _one_person([rec(str(k), first_name=first, last_name=last, **home)
                        for k, (first, last) in enumerate(names)])


def test_typos_of_one_middle_name_stay_one_person():
    """"ALEXA OSE" and "ALEXA RXOSE" clash (the middle names are not alike), but both are
    typos of "ALEXA ROSE", which the other records carry."""
    home = {"last_name": "White", "date_of_birth": "1916-08-22", "address": "22 Warrego Circuit",
            "postcode": "3040"}
    assert _one_person([rec(str(k), first_name=name, **home)
                        for k, name in enumerate(["Alexa Rose", "Alexa Rose", "Alexa Ose", "Alexa Rxose"])])


def test_twins_still_split_when_linked():
    """Two anchored, plainly different given names with no name in the other field: the
    guard still splits them (twins glued by strong links)."""
    home = {"last_name": "Bell", "date_of_birth": "2024-04-07", "address": "3 Oak Rd", "postcode": "B1 1AA"}
    assert not _one_person([rec("t1", first_name="Trevor", **home), rec("t2", first_name="Trevor", **home),
                            rec("a1", first_name="Aaron", **home), rec("a2", first_name="Aaron", **home)])


@pytest.mark.parametrize("postcode, other, expected", [
    # FEBRL's four-digit codes: one keystroke apart (a digit changed, or two adjacent digits
    # swapped) is a near postcode; two keystrokes are not.
    ("2134", "2143", "near postcode or similar address"),
    ("2134", "2135", "near postcode or similar address"),
    ("2134", "2413", "else"),
])
def test_a_postcode_one_keystroke_apart_is_near(postcode, other, expected):
    level = comparison_level("location", {"address": "154 Victoria Street", "postcode": postcode},
                             {"address": "9 Oak Road", "postcode": other})
    assert CMP.COMPARISONS[CMP.FIELD_INDEX["location"]].levels[level] == expected
