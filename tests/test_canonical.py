"""Parsing and validation of the minimum data set (no database)."""

from __future__ import annotations

import io
from datetime import date

import pytest

from aim.canonical import Mapping, MappingError, read_csv, read_text_stream, validate_row
from tests.factories import canonical_rows, write_csv

TODAY = date(2026, 11, 1)


def _row(**changes) -> dict:
    row = canonical_rows(1)[0]
    row.update(changes)
    return row


def _validate(**changes):
    return validate_row(_row(**changes), 2, Mapping(), today=TODAY)


def test_a_good_row_is_canonicalised():
    result = _validate(date_of_birth="07-Mar-2012", gender="female", postcode="b15  2tt", address="4 High St")
    assert result.reject is None and result.warnings == []
    assert result.row.date_of_birth == date(2012, 3, 7)
    assert result.row.gender == "F"
    assert (result.row.postcode_norm, result.row.postcode_valid) == ("B15 2TT", True)
    assert result.row.address_norm == "4 HIGH STREET"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"first_name": "", "last_name": ""}, "no name at all"),
        ({"date_of_birth": "31/02/2010"}, "date of birth '31/02/2010' is not a real date"),
        ({"date_of_birth": "01/01/2030"}, "date of birth 2030-01-01 is in the future"),
        ({"date_of_birth": "01/01/1850"}, "before 1900"),
        ({"event_date": ""}, "event without a date"),
        ({"event_date": "2025-13-01"}, "event date '2025-13-01' is not a real date"),
        ({"event_type": ""}, "event has a date but no event type"),
        ({"source_record_id": ""}, "no source_record_id"),
        ({"source": "CITY_ED"}, "does not match"),
        ({"first_name": "A" * 5000}, "5000 characters"),
        ({"last_name": "Lee\x00"}, "control characters"),
    ],
)
def test_unusable_rows_are_rejected_with_a_plain_reason(changes, reason):
    result = validate_row(_row(**changes), 7, Mapping(), source="WMP", today=TODAY)
    assert result.row is None
    assert reason in result.reject.reason
    assert result.reject.line == 7


def test_soft_problems_keep_the_row_with_a_warning():
    result = _validate(postcode="NOT A PC", gender="Q")
    assert result.reject is None
    assert {w.field for w in result.warnings} == {"postcode", "gender"}
    assert result.row.postcode == "NOT A PC" and result.row.postcode_valid is False
    assert (result.row.gender, result.row.gender_raw) == ("U", "Q")


def test_a_missing_date_of_birth_is_allowed():
    assert _validate(date_of_birth="").row.date_of_birth is None


def test_a_record_without_an_event_is_allowed():
    row = _validate(event_id="", event_date="", event_type="").row
    assert (row.event_id, row.event_date) == (None, None)


def test_an_event_without_an_id_gets_a_stable_one():
    first, second = _validate(event_id=""), _validate(event_id="")
    assert first.row.event_id == second.row.event_id and first.row.event_id.startswith("h:")


def test_a_mapping_translates_an_agency_dialect(tmp_path):
    mapping_file = tmp_path / "wmp.yaml"
    mapping_file.write_text(
        """
source: WMP
organisation: {name: West Midlands Police, kind: police, lead_name: DI Rao}
date_formats: "%Y%m%d"
columns: {source_record_id: URN, full_name: Name, date_of_birth: DOB, gender: Sex,
          address: Addr, postcode: PC, event_id: Ref, event_date: When, event_type: Type}
name_order: last_first
gender_codes: {"1": M, "2": F}
event_type_codes: {DA: domestic_abuse_incident}
"""
    )
    mapping = Mapping.from_yaml(mapping_file)
    text = "URN\tName\tDOB\tSex\tAddr\tPC\tRef\tWhen\tType\nP1\tKHAN Amira Jane\t20120307\t2\t1 Mill Ln\tB1 1AA\tX9\t20250102\tDA\n"
    (result,) = list(read_text_stream(io.StringIO(text), mapping, today=TODAY))
    row = result.row
    assert (row.source, row.first_name, row.last_name, row.gender) == ("WMP", "Amira Jane", "KHAN", "F")
    assert (row.date_of_birth, row.event_type) == (date(2012, 3, 7), "domestic_abuse_incident")


def test_a_bad_mapping_is_named(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("columns: {forename: First}\n")
    with pytest.raises(MappingError, match="unknown canonical field"):
        Mapping.from_yaml(bad)


def test_bom_tab_and_quoted_fields(tmp_path):
    rows = canonical_rows(3)
    rows[1]["address"] = 'Flat 2, "The Maltings", 4 Mill Lane'
    path = write_csv(tmp_path / "x.tsv", rows, delimiter="\t", encoding="utf-8-sig")
    results = list(read_csv(path, Mapping(), today=TODAY))
    assert [r.reject for r in results] == [None, None, None]
    assert results[1].row.address == 'Flat 2, "The Maltings", 4 Mill Lane'


def test_ragged_rows_and_bad_encoding_are_rejected_alone(tmp_path):
    path = write_csv(tmp_path / "x.csv", canonical_rows(4))
    lines = path.read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].rstrip(b"\r\n") + b",extra\r\n"
    lines[3] = lines[3].replace(b"R", b"R\xff", 1)
    path.write_bytes(b"".join(lines))
    results = list(read_csv(path, Mapping(), today=TODAY))
    assert [r.reject.line for r in results if r.reject] == [3, 4]
    assert "ragged row: 12 fields where the header has 11" in results[1].reject.reason
    assert "not valid UTF-8" in results[2].reject.reason
    assert sum(r.row is not None for r in results) == 2


def test_a_file_without_required_columns_fails_before_any_row(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("source,first_name\nWMP,Ann\n")
    with pytest.raises(MappingError, match="lacks required column"):
        list(read_csv(path, Mapping()))


def test_an_empty_file_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("")
    with pytest.raises(MappingError, match="empty"):
        list(read_csv(path, Mapping()))
