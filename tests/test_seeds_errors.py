"""aim.seeds: each agency's error profile occurs at its configured rate, and does what it says."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from aim.seeds.agencies import AGENCIES, BY_CODE, ERROR_KINDS
from aim.seeds.generate import generate
from aim.seeds.names import ascii_fold
from tests.factories import read_rows

TODAY = date(2026, 11, 1)
NAME_ERRORS = {"typo", "transposition", "name_swap", "middle_folded", "nickname", "hyphen_variant"}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("errors") / "s"
    generate(30_000, 3, out, TODAY, 730)
    people = {r["person_id"]: r for r in read_rows(out / "truth" / "people.csv")}
    errors = {(r["source"], r["source_record_id"]): (r["person_id"], set(filter(None, r["errors"].split(";"))))
              for r in read_rows(out / "truth" / "record_errors.csv")}
    return out, people, errors


def _eligible(kind: str, person: dict[str, str], flags: set[str]) -> bool:
    dob = date.fromisoformat(person["date_of_birth"])
    if kind in ("dob_year_off", "dob_day_month_swap") and "dob_missing" in flags:
        return False
    if kind == "dob_day_month_swap":
        return dob.day <= 12 and dob.day != dob.month and date(dob.year, dob.day, dob.month) <= TODAY
    if kind == "nickname":
        return bool(person["known_as"])
    if kind == "middle_folded":
        return bool(person["middle_names"])
    if kind == "stale_address":
        return "moved" in person["tags"].split(";")
    if kind == "stale_surname":
        return bool(person["married_surname"])
    if kind == "hyphen_variant":
        return "-" in person["last_name"] + person["married_surname"]
    return True


def test_error_rates_match_profiles(data) -> None:
    _, people, errors = data
    flagged = defaultdict(int)
    eligible = defaultdict(int)
    for (source, _), (pid, flags) in errors.items():
        for kind in ERROR_KINDS:
            if kind == "duplicate_record":
                continue
            if _eligible(kind, people[pid], flags):
                eligible[source, kind] += 1
                flagged[source, kind] += kind in flags
    checked = 0
    for agency in AGENCIES:
        for kind, rate in agency.errors.items():
            n = eligible[agency.code, kind]
            if kind == "duplicate_record" or n < 300:
                continue
            observed = flagged[agency.code, kind] / n
            tolerance = 4 * math.sqrt(max(rate * (1 - rate), 1e-4) / n) + 0.005
            assert abs(observed - rate) <= tolerance, (agency.code, kind, n, observed, rate)
            checked += 1
    assert checked > 80


def test_some_of_every_error_kind_occurs(data) -> None:
    _, _, errors = data
    seen = set()
    for _, flags in errors.values():
        seen |= flags
    assert seen == set(ERROR_KINDS)


def test_errors_are_visible_in_the_data(data) -> None:
    out, people, errors = data
    checks = defaultdict(int)
    for row in read_rows(out / "canonical.csv"):
        pid, flags = errors[row["source"], row["source_record_id"]]
        person = people[pid]
        agency = BY_CODE[row["source"]]
        dob = date.fromisoformat(person["date_of_birth"])
        # dates of birth
        if "dob_missing" in flags:
            assert row["date_of_birth"] == ""
        else:
            got = date.fromisoformat(row["date_of_birth"])
            if "dob_year_off" in flags:
                assert abs(got.year - dob.year) == 1
                checks["year"] += 1
            elif "dob_day_month_swap" in flags:
                assert (got.year, got.month, got.day) == (dob.year, dob.day, dob.month)
                checks["swap"] += 1
            else:
                assert got == dob
        # postcodes
        pc = row["postcode"]
        proper = pc == pc.upper() and pc.count(" ") == 1 and "  " not in pc
        assert proper == ("postcode_format" not in flags), (pc, flags)
        # gender
        if "gender_unknown" in flags:
            assert row["gender"] == "U"
        # names, in agencies with separate name columns, for people who never changed surname
        if agency.name_style != "split" or person["married_surname"] or "-" in person["last_name"]:
            continue
        name_flags = flags & NAME_ERRORS
        fold = lambda s: ascii_fold(s).casefold()  # noqa: E731
        if name_flags == {"name_swap"}:
            assert fold(row["last_name"]) == fold(person["first_name"])
            assert fold(row["first_name"]) == fold(person["last_name"])
            checks["name_swap"] += 1
        elif name_flags == {"nickname"}:
            assert fold(row["first_name"]) == fold(person["known_as"])
            checks["nickname"] += 1
        elif name_flags == {"middle_folded"}:
            assert fold(row["first_name"]) == fold(person["first_name"] + " " + person["middle_names"])
            checks["middle_folded"] += 1
        elif name_flags == {"typo"} or name_flags == {"transposition"}:
            changed = fold(row["first_name"]) != fold(person["first_name"]) or \
                fold(row["last_name"]) != fold(person["last_name"])
            checks["typo"] += changed
        elif not name_flags:
            assert fold(row["first_name"]) == fold(person["first_name"])
            assert fold(row["last_name"]) == fold(person["last_name"])
    for key in ("year", "swap", "name_swap", "nickname", "middle_folded", "typo"):
        assert checks[key] > 0, key
