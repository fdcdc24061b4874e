"""Standardisers: names, nicknames, phonetic keys, dates of birth, postcodes, addresses."""

from __future__ import annotations

import pytest

from aim.resolution import standardise as S


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  José-María  ", "JOSE MARIA"),
        ("o'brien", "OBRIEN"),
        ("Mr John  SMITH jr.", "JOHN SMITH"),
        ("ZOË", "ZOE"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalise_name(raw, expected):
    assert S.normalise_name(raw) == expected


def test_surname_particles_and_barrels():
    assert S.surname_key("van der Berg") == S.surname_key("Vanderberg") == "VANDERBERG"
    assert S.surname_key("Smith-Jones") == "SMITHJONES"
    assert S.surname_tokens("Smith-Jones") == ("SMITH", "JONES")
    assert S.surname_tokens("van der Berg") == ("BERG",)
    assert S.first_name_key("Mary-Jane") == "MARY"


def test_nicknames_from_dataset():
    assert S.nickname_equivalent("BILL", "WILLIAM")
    assert S.nickname_equivalent("WILLIAM", "BILL")
    assert S.nickname_equivalent("LIZ", "ELIZABETH")
    assert S.nickname_equivalent("PEGGY", "MARGARET")
    assert not S.nickname_equivalent("JOHN", "MARGARET")
    assert not S.nickname_equivalent("", "BILL")


def test_phonetic_keys():
    assert S.phonetic_key("SMITH") == S.phonetic_key("SMYTH")
    assert S.nysiis_key("JOHNSON") == S.nysiis_key("JONSON")
    assert S.phonetic_key("PHILIP") == S.phonetic_key("FILIP")
    assert S.phonetic_key("") == ""


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1980-03-12", (1980, 3, 12)),
        ("12/03/1980", (1980, 3, 12)),
        ("12.03.1980", (1980, 3, 12)),
        ("19800312", (1980, 3, 12)),
        ("12-Mar-1980", (1980, 3, 12)),
        ("12 March 1980", (1980, 3, 12)),
        ("03/25/1980", (1980, 3, 25)),  # month-first detected: 25 cannot be a month
        ("1980", (1980, 0, 0)),           # partial: year only
        ("03/1980", (1980, 3, 0)),        # partial: month and year
        ("1980-03", (1980, 3, 0)),
        ("31/02/1980", (0, 0, 0)),        # impossible date → missing, not an error
        ("not a date", (0, 0, 0)),
        ("", (0, 0, 0)),
    ],
)
def test_parse_dob(raw, expected):
    d = S.parse_dob(raw)
    assert (d.year, d.month, d.day) == expected


def test_dob_partial_and_swap():
    assert S.parse_dob("1980").full is False
    assert S.parse_dob("1980").text == "19800000"
    assert S.dob_day_month_swapped(S.parse_dob("1980-03-08"), S.parse_dob("1980-08-03"))
    assert not S.dob_day_month_swapped(S.parse_dob("1980-03-03"), S.parse_dob("1980-03-03"))
    assert not S.dob_day_month_swapped(S.parse_dob("1980-03-08"), S.parse_dob("1981-08-03"))


def test_postcodes_uk_and_foreign():
    pc = S.normalise_postcode("b15 2tt")
    assert (pc.text, pc.valid, pc.outward, pc.sector) == ("B15 2TT", True, "B15", "B15 2")
    assert S.normalise_postcode("SW1A1AA").text == "SW1A 1AA"
    # FEBRL's Australian postcodes: plain strings, never an error.
    au = S.normalise_postcode("2119")
    assert (au.text, au.valid, au.outward) == ("2119", False, "")
    assert S.normalise_postcode(None).text == ""


def test_addresses():
    assert S.normalise_address("12 High St.") == S.normalise_address("12 HIGH STREET")
    a = S.parse_address("Flat 2, 14a High St")
    assert (a.flat, a.house, a.street) == ("2", "14A", "HIGH STREET")
    b = S.parse_address("2 14 Beech Ave")
    assert (b.flat, b.house, b.street) == ("2", "14", "BEECH AVENUE")
    assert S.parse_address("").house == ""


def test_gender():
    assert S.normalise_gender("female") == "F"
    assert S.normalise_gender("M") == "M"
    assert S.normalise_gender("unknown") == ""


def test_cached_values_are_nothing_the_garbage_collector_walks():
    """What the standardisation caches keep (a long-running API fills them with months of
    names, dates and postcodes) is plain tuples of strings and numbers, which the collector
    stops tracking: with sets or objects there, each full pass walked them all."""
    import gc

    values = [S.spelling_groups("MOHAMMED"), S.given_name_groups("BILL"), S._related("BILL"),
              S._canonicals("BILL"), S._dob_parts("12/03/1980"), S.postcode_parts("b15 2tt"),
              S.given_name_variants("BILL")]
    gc.collect()
    assert [gc.is_tracked(v) for v in values] == [False] * len(values)
    assert "nick:WILLIAM" in values[1] and S.nickname_equivalent("BILL", "WILLIAM")
    assert S.parse_dob("12/03/1980") == S.BirthDate(1980, 3, 12)
    assert S.normalise_postcode("b15 2tt") == S.Postcode("B15 2TT", True, "B15", "B15 2")
