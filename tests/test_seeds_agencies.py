"""aim.seeds.agencies: the agencies' data file is read whole and a slip in it is refused by name."""

from __future__ import annotations

import copy
from importlib import resources

import pytest
import yaml

from aim.seeds.agencies import AGENCIES, ERROR_KINDS, AgencyError, format_date, load_agencies, parse_agencies


@pytest.fixture
def raw() -> dict:
    text = resources.files("aim.seeds").joinpath("data/agencies.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def test_the_shipped_file_has_every_agency_with_a_full_error_profile() -> None:
    assert [a.code for a in AGENCIES] == [
        "WMP", "CITY_ED", "CHILD_HOSP", "COMM_HEALTH", "SCHOOL_OAK", "SCHOOL_ELM", "CSC", "ASC",
        "CARE_PROV", "FIRE",
    ]
    for agency in AGENCIES:
        assert tuple(agency.errors) == ERROR_KINDS
    elm = next(a for a in AGENCIES if a.code == "SCHOOL_ELM")
    assert elm.delimiter == "\t" and elm.mapping_dict()["delimiter"] == "\t"
    city = next(a for a in AGENCIES if a.code == "CITY_ED")
    assert city.gender_out == {"M": "1", "F": "2", "X": "9", "U": "0"}
    assert city.errors["stale_surname"] == 0.30 and city.errors["typo"] == 0.05


def test_a_file_on_disk_loads_the_same(tmp_path, raw) -> None:
    path = tmp_path / "agencies.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    assert load_agencies(path) == AGENCIES


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda a: a["errors"].update(tpyo=0.1), "unknown error kind(s) tpyo"),
        (lambda a: a["errors"].update(typo=1.5), "rates must be between 0 and 1: typo"),
        (lambda a: a["gender_out"].update(M=1), "gender_out.M\n  Input should be a valid string"),
        (lambda a: a["gender_out"].pop("U"), "needs a code for each of M, F, X, U"),
        (lambda a: a.update(dob_format="%d/%m/%y"), "%y is not one of"),
        (lambda a: a.update(record_id="WM{m:08d}"), "is not a format with {n}"),
        (lambda a: a.update(name_style="surname_first"), "name_style\n  Input should be 'split'"),
        (lambda a: a["columns"].pop("first_name"), "needs column(s) first_name"),
        (lambda a: a["columns"].update(shoe_size="SHOE"), "unknown canonical field(s) shoe_size"),
        (lambda a: a.update(colour="blue"), "colour\n  Extra inputs are not permitted"),
        (lambda a: a.update(code="wmp"), "code\n  String should match pattern"),
    ],
)
def test_a_slip_in_an_agency_is_refused_with_its_code(raw, change, message) -> None:
    broken = copy.deepcopy(raw)
    change(broken["agencies"][0])
    with pytest.raises(AgencyError) as refused:
        parse_agencies(broken)
    assert str(refused.value).startswith(f"agency {broken['agencies'][0]['code']}: ")
    assert message in str(refused.value)


def test_a_code_listed_twice_or_no_list_is_refused(raw) -> None:
    twice = copy.deepcopy(raw)
    twice["agencies"].append(copy.deepcopy(twice["agencies"][0]))
    with pytest.raises(AgencyError, match="listed twice: WMP"):
        parse_agencies(twice)
    with pytest.raises(AgencyError, match="under 'agencies'"):
        parse_agencies({"agency": raw["agencies"]})
    with pytest.raises(AgencyError, match="no agencies"):
        parse_agencies({"agencies": []})


def test_dates_are_rendered_even_when_impossible() -> None:
    assert format_date("%d/%m/%Y", 2015, 2, 30) == "30/02/2015"
    assert format_date("%Y-%m-%d %H:%M", 2026, 4, 31, 9, 5) == "2026-04-31 09:05"
    assert format_date("%d-%b-%Y", 2020, 1, 2) == "02-Jan-2020"
    assert format_date("%d %B %Y", 2020, 12, 25) == "25 December 2020"
    assert format_date("%m/%d/%Y", 2020, 7, 4) == "07/04/2020"
