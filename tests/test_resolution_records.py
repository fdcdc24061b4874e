"""prepare() gives the same Prepared whichever way it codes the rows: in plain Python for a
few rows (a real-time submission, a guarded component) or on arrow for many
(records.SMALL), on two generated populations and on the edge cases of its input."""

from __future__ import annotations

import csv
from datetime import date

import numpy as np
import pytest

from aim.resolution import records as R
from aim.seeds.generate import generate as generate_town
from aim.seeds.independent.generate import generate
from tests.factories import resolution_record as rec
from tests.factories import town_rows

EVERY_WAY = {"plain Python": 10**9, "arrow": 0}   # records.SMALL that sends every input one way


def _both_ways(monkeypatch, records) -> list[R.Prepared]:
    prepared = []
    for small in EVERY_WAY.values():
        monkeypatch.setattr(R, "SMALL", small)
        prepared.append(R.prepare(records))
    return prepared


def _assert_same(a: R.Prepared, b: R.Prepared) -> None:
    assert (a.n, a.record_ids, a.row_ids, a.uniques, a.extra) == (b.n, b.record_ids, b.row_ids, b.uniques, b.extra)
    assert all(type(x) is str for x in a.record_ids + a.row_ids) and all(type(x) is str for x in b.row_ids)
    assert a.row_record.dtype == b.row_record.dtype and np.array_equal(a.row_record, b.row_record)
    assert a.cols.keys() == b.cols.keys()
    for name in a.cols:
        assert a.cols[name].dtype == b.cols[name].dtype, name
        assert np.array_equal(a.cols[name], b.cols[name]), name


def _canonical_rows(path, rows: int) -> list[dict]:
    with open(path / "canonical.csv", newline="") as fh:
        return list(csv.DictReader(fh))[:rows]


def _independent(tmp_path, rows: int) -> list[dict]:
    generate(rows, 3, tmp_path)
    return _canonical_rows(tmp_path, rows)


def test_the_seeds_town_prepares_the_same_either_way(monkeypatch, tmp_path):
    # The seeds' generator: its own name pools, error model and agencies' formats
    # (1,500 people: about 5,400 rows of 2,300 records).
    generate_town(1500, 5, tmp_path, date(2026, 11, 1))
    _assert_same(*_both_ways(monkeypatch, _canonical_rows(tmp_path, 10**6)))


def test_a_generated_population_and_a_town_of_multi_row_records_prepare_the_same_either_way(monkeypatch, tmp_path):
    population = _independent(tmp_path, 1000)
    assert len({(r["source"], r["source_record_id"]) for r in population}) < len(population)  # rows collapse
    _assert_same(*_both_ways(monkeypatch, population))
    _assert_same(*_both_ways(monkeypatch, town_rows()))
    columns = {name: [r[name] for r in population] for name in R.CANONICAL}
    _assert_same(*_both_ways(monkeypatch, columns))


EDGE_CASES = {
    "no rows": [],
    "one record": [rec("a", first_name="Amira", last_name="Khan", date_of_birth="01/02/2012")],
    "one record without fields": [{"record_id": "a"}],
    # The first row of a record leaves fields empty that a later row fills; a row without
    # an agency id is a record of its own; the same value recurs across fields and records.
    "rows of one record": [
        {"record_id": "r1", "source": "WMP", "source_record_id": "W1", "first_name": "", "last_name": "Smith"},
        {"record_id": "r2", "source": "WMP", "source_record_id": "W1", "first_name": "Billy", "last_name": "Smyth",
         "postcode": "B1 1AA"},
        {"record_id": "r3", "source": "WMP", "source_record_id": "", "first_name": "Smith", "last_name": "Billy"},
        {"record_id": "r4", "source": "SCHOOL", "source_record_id": "W1", "first_name": "Billy", "gender": "M"},
        {"record_id": "r5", "source": "WMP", "source_record_id": "W1", "date_of_birth": "2014-03-05",
         "address": "12 Mill Lane"},
    ],
    "values that are not strings": [
        {"record_id": 7, "source": "A", "source_record_id": 7, "first_name": None, "date_of_birth": 20140305,
         "postcode": 12.5, "gender": True},
        {"record_id": "8", "source": "A", "source_record_id": "7", "first_name": "Ann", "last_name": None},
    ],
    "unicode and spaces": [rec("a", first_name="Zoë", last_name="O'Brien-Łukasz", address="  ", postcode=" b1 1aa"),
                           rec("b", first_name="ZOË", last_name="o'brien łukasz", address="Flat 2, 3 Hill Rd")],
}


@pytest.mark.parametrize("records", EDGE_CASES.values(), ids=EDGE_CASES.keys())
def test_edge_cases_prepare_the_same_either_way(monkeypatch, records):
    a, b = _both_ways(monkeypatch, records)
    _assert_same(a, b)
    assert a.row_ids == [str(r["record_id"]) for r in records]


def test_rows_of_one_record_take_each_fields_first_value():
    p = R.prepare(EDGE_CASES["rows of one record"])
    assert (p.n, p.record_ids, p.row_record.tolist()) == (3, ["r1", "r3", "r4"], [0, 0, 1, 2, 0])
    assert [p.text("first", i) for i in range(p.n)] == ["BILLY", "SMITH", "BILLY"]
    assert [p.text("last", i) for i in range(p.n)] == ["SMITH", "BILLY", ""]
    assert (p.text("pc", 0), p.text("dob", 0)) == ("B1 1AA", "20140305")
