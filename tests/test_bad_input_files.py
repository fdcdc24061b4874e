"""Bad input, property-based: the CSV reader, mappings and the rejects file. Each bad input
gets a clear error; nothing is written for a file that is refused as a whole; nothing
crashes (no traceback).

Malformed UTF-8, huge fields, control characters, impossible dates (31/02), empty files,
a million-column header, formula injection into the rejects CSV that people open in a
spreadsheet. The API's payloads: test_bad_input_api.py.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from pydantic import ValidationError

from aim.canonical import (CANONICAL_COLUMNS, MAX_FIELD_CHARS, Mapping, MappingError, Reject, read_csv,
                           read_text_stream, validate_row)
from aim.graph.ingest import FORMULA_PREFIXES, write_rejects
from tests.factories import field_text

HEADER = "source_record_id,first_name,last_name,date_of_birth,gender,address,postcode,event_id,event_date,event_type"
GOOD = "R{n},Ann,Lee,01/02/2000,F,1 Mill Lane,B1 1AA,E{n},03/04/2024,ed_attendance"
FAST = hsettings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
TODAY = date(2026, 11, 1)


def read(text: str, mapping: Mapping | None = None, source: str | None = "WMP") -> list:
    return list(read_text_stream(io.StringIO(text), mapping or Mapping(), source, TODAY))


def written(folder: Path, data: bytes, name: str = "in.csv") -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def read_bytes(tmp_path: Path, data: bytes, name: str = "in.csv") -> list:
    return list(read_csv(written(tmp_path, data, name), Mapping(), "WMP", TODAY))


# ----------------------------------------------------------------------------- CSV reader


@FAST
@given(st.binary(max_size=3000))
def test_arbitrary_bytes_never_crash_the_reader(tmp_path_factory, data):
    try:
        items = read_bytes(tmp_path_factory.mktemp("b"), data)
    except MappingError as exc:
        assert str(exc)
        return
    for item in items:
        assert (item.row is None) != (item.reject is None)
        if item.reject:
            assert item.reject.reason and item.reject.line >= 2


@FAST
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_after_a_good_header_are_rows_or_rejects(tmp_path_factory, body):
    path = tmp_path_factory.mktemp("b") / "x.csv"
    path.write_bytes(HEADER.encode() + b"\n" + body)
    for item in read_csv(path, Mapping(), "WMP", TODAY):
        assert (item.row is None) != (item.reject is None)
        if item.row:  # an accepted row is clean text
            for value in item.row.as_params().values():
                if isinstance(value, str):
                    assert len(value) <= MAX_FIELD_CHARS
                    assert not any(ord(c) < 32 and c not in "\t\r\n" for c in value)
                    assert not any("\ud800" <= c <= "\udfff" for c in value)


@FAST
@given(st.lists(st.fixed_dictionaries({c: field_text for c in CANONICAL_COLUMNS}), min_size=1, max_size=5))
def test_any_row_values_are_accepted_clean_or_rejected_with_a_reason(rows):
    for i, values in enumerate(rows):
        checked = validate_row(values, i + 2, Mapping(), source=None, today=TODAY)
        if checked.row is None:
            assert checked.reject.reason and checked.reject.line == i + 2
        else:
            assert checked.row.source and checked.row.source_record_id
            assert checked.row.date_of_birth is None or date(1900, 1, 1) <= checked.row.date_of_birth <= TODAY


def test_malformed_utf8_rejects_only_its_row(tmp_path):
    data = (HEADER + "\n" + GOOD.format(n=1) + "\n").encode() + b"R2,Ann,L\xff\xfee,01/02/2000,F,x,B1 1AA,,,\n" \
        + (GOOD.format(n=3) + "\n").encode()
    items = read_bytes(tmp_path, data)
    assert [i.row.source_record_id if i.row else i.reject.reason for i in items] == [
        "R1", "column 'last_name' is not valid UTF-8 text", "R3"]
    assert items[1].reject.line == 3


def test_lone_surrogates_are_rejected_as_text_that_is_not_utf8():
    for bad in ("\ud800", "a\udfffb", "\udc80"):
        values = dict(zip(HEADER.split(","), GOOD.format(n=1).split(","), strict=True)) | {"first_name": bad}
        checked = validate_row(values, 2, Mapping(), source="WMP", today=TODAY)
        assert checked.row is None and "not valid UTF-8" in checked.reject.reason


def test_impossible_dates_are_rejected_with_the_expected_format():
    for text, ok in (("31/02/2020", False), ("29/02/2023", False), ("29/02/2024", True), ("30/04/2021", True),
                     ("31/04/2021", False), ("2021-02-31", False)):
        values = dict(zip(HEADER.split(","), GOOD.format(n=1).split(","), strict=True)) | {"date_of_birth": text}
        checked = validate_row(values, 2, Mapping(), source="WMP", today=TODAY)
        assert (checked.row is not None) == ok, text
        if not ok:
            assert f"'{text}' is not a real date (expected DD/MM/YYYY" in checked.reject.reason


def test_huge_fields_and_control_characters_reject_the_row_alone():
    huge_within_csv = "x" * 5000
    huge_beyond_csv = "y" * 200_000  # beyond the csv module's field limit
    text = "\n".join([HEADER, GOOD.format(n=1), f"R2,{huge_within_csv},Lee,,,,,,,", f'R3,"{huge_beyond_csv}",Lee,,,,,,,',
                      "R4,Ann\x07,Lee,,,,,,,", "R5,Ann,Le\x00e,,,,,,,", GOOD.format(n=6)]) + "\n"
    items = read(text)
    assert [i.row.source_record_id if i.row else None for i in items] == ["R1", None, None, None, None, "R6"]
    reasons = [i.reject.reason for i in items if i.reject]
    assert reasons[0] == f"column 'first_name' has 5000 characters; at most {MAX_FIELD_CHARS}"
    assert reasons[1].startswith("unreadable CSV: field larger than field limit")
    assert reasons[2] == reasons[3].replace("last_name", "first_name") == "column 'first_name' contains control characters"
    assert [i.reject.line for i in items if i.reject] == [3, 4, 5, 6]


@pytest.mark.parametrize("data, message", [
    (b"", "the file is empty"),
    (b"\xef\xbb\xbf", "the file is empty"),
    (b"\n\n\n", "the file is empty"),
    (b"a,b,c\n1,2,3\n", "the header lacks required column(s)"),
    (b"source_record_id,source_record_id\n", "the header repeats column(s) source_record_id"),
])
def test_unusable_files_fail_as_a_whole_with_a_clear_error(tmp_path, data, message):
    with pytest.raises(MappingError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_bytes(tmp_path, data)


def test_header_only_file_has_no_rows(tmp_path):
    assert read_bytes(tmp_path, (HEADER + "\n").encode()) == []


# Once O(n²) (it never finished): a hang now fails on the timeout, not on a clock in the test.
@pytest.mark.timeout(300)
@pytest.mark.parametrize("kind", ["unique", "repeated", "needed-plus-a-million"])
def test_a_million_column_header_is_refused_or_read(tmp_path, kind):
    if kind == "unique":
        header = ",".join(f"c{i}" for i in range(1_000_000))
        with pytest.raises(MappingError, match="lacks required column"):
            read_bytes(tmp_path, (header + "\n").encode())
    elif kind == "repeated":  # once O(n²): it never finished
        header = ",".join(["x"] * 1_000_000)
        with pytest.raises(MappingError, match="repeats column"):
            read_bytes(tmp_path, (header + "\n").encode())
    else:  # the needed columns plus a million more, and a row as wide: rejected, and the rejects file written
        extra = [f"c{i}" for i in range(1_000_000)]
        header = HEADER + "," + ",".join(extra)
        row = GOOD.format(n=1).replace("Ann", "=HYPERLINK(\"x\")") + "," * len(extra)
        bad = "R2,\x01" + "," * (len(HEADER.split(",")) - 2 + len(extra))
        items = read_bytes(tmp_path, (header + "\n" + row + "\n" + bad + "\n").encode())
        assert items[0].row is not None and items[1].reject.reason.endswith("contains control characters")
        write_rejects(tmp_path / "rejects.csv", [items[1].reject])
        with open(tmp_path / "rejects.csv", newline="") as handle:
            written = list(csv.reader(handle))
        assert len(written[0]) == 2 + len(HEADER.split(",")) + len(extra)


# ----------------------------------------------------------------------------- rejects file


formula = st.builds(lambda p, rest: p + rest, st.sampled_from(FORMULA_PREFIXES), st.text(max_size=20))


@FAST
@given(st.dictionaries(st.one_of(st.text(max_size=10), formula), st.one_of(st.text(max_size=20), formula),
                       min_size=1, max_size=6),
       st.one_of(st.text(max_size=30), formula))
def test_the_rejects_file_neutralises_formulas_in_every_cell(tmp_path_factory, raw, reason):
    path = tmp_path_factory.mktemp("r") / "rejects.csv"
    write_rejects(path, [Reject(7, reason, raw)])
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:2] == ["line", "reason"] and rows[1][0] == "7"
    for cell in rows[0] + rows[1]:
        assert not cell.startswith(FORMULA_PREFIXES), cell


def test_rejects_file_from_a_malicious_export(tmp_path):
    """A file whose header and values are spreadsheet formulas: the rejects file a person
    opens shows them as text."""
    payload = "=cmd|' /C calc'!A0"
    data = (HEADER + f",{payload}\n" + "R1,@SUM(1+1),-2+3,31/02/2000,F,+x,B1 1AA,,,," + payload + "\n").encode()
    items = read_bytes(tmp_path, data)
    write_rejects(tmp_path / "rejects.csv", [i.reject for i in items])
    text = (tmp_path / "rejects.csv").read_text()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][-1] == "'" + payload
    assert "'@SUM(1+1)" in rows[1] and "'-2+3" in rows[1] and "'+x" in rows[1] and "'" + payload in rows[1]
    assert not any(c.startswith(FORMULA_PREFIXES) for r in rows for c in r)


# ----------------------------------------------------------------------------- mappings


mapping_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=10)),
    lambda children: st.one_of(st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children,
                                                                               max_size=3)),
    max_leaves=8,
)
mapping_keys = st.one_of(st.sampled_from(sorted(Mapping.model_fields)), st.text(max_size=8))


@FAST
@given(st.dictionaries(mapping_keys, mapping_values, max_size=6))
def test_mapping_validation_raises_only_validation_errors(data):
    try:
        mapping = Mapping.model_validate(data)
    except ValidationError:
        return
    # a mapping that validates can read a file (or refuses its header) without crashing
    try:
        read("a,b\n1,2\n", mapping)
    except MappingError:
        pass


@FAST
@given(st.binary(max_size=500))
def test_any_mapping_file_is_a_mapping_or_a_mapping_error(tmp_path_factory, data):
    path = written(tmp_path_factory.mktemp("m"), data, "m.yaml")
    try:
        Mapping.from_yaml(path)
    except MappingError as exc:
        assert str(path) in str(exc)


@pytest.mark.parametrize("text, message", [
    (b"source: \xff\xfe\n", "utf-8"),
    (b"delimiter: '||'\n", "delimiter"),
    (b"delimiter: ''\n", "delimiter"),
    (b"columns: {nonsense: X}\n", "unknown canonical field"),
    (b"gender_codes: {m: Q}\n", "gender codes must map"),
    (b"- a\n- b\n", "Mapping"),
    (b"a: [1, 2\n", "while parsing"),
    (b"a: &a [x, x]\nb: &b [*a, *a, *a, *a]\nc: &c [*b, *b, *b, *b]\nd: &d [*c, *c, *c, *c]\n", "Extra inputs"),
])
def test_bad_mapping_files_give_a_clear_error(tmp_path, text, message):
    path = tmp_path / "m.yaml"
    path.write_bytes(text)
    with pytest.raises(MappingError, match=message):
        Mapping.from_yaml(path)


def test_aim_ingest_with_a_bad_mapping_or_file_says_why_and_loads_nothing(tmp_path):
    from typer.testing import CliRunner

    from aim.cli import app

    data = tmp_path / "data.csv"
    data.write_text(HEADER + "\n" + GOOD.format(n=1) + "\n")
    runner = CliRunner()
    for name, content in (("latin1.yaml", b"source: \xe9\n"), ("delim.yaml", b"delimiter: ';;'\n")):
        (tmp_path / name).write_bytes(content)
        result = runner.invoke(app, ["ingest", str(data), "--source", "WMP", "--mapping", str(tmp_path / name)])
        assert result.exit_code == 1 and "Nothing was loaded" in result.output, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(empty), "--source", "WMP"])
    assert result.exit_code == 1 and "the file is empty" in result.output


# ----------------------------------------------------------------------------- graph: nothing partial


@pytest.mark.neo4j
def test_refused_files_write_nothing(graph, settings, tmp_path):
    from aim.graph.ingest import ingest_file
    from tests.graph_helpers import counts

    db = settings.neo4j_database
    for name, data in (("empty.csv", b""), ("bom.csv", b"\xef\xbb\xbf"), ("cols.csv", b"a,b\n1,2\n"),
                       ("wide.csv", (",".join(["x"] * 200_000) + "\nR1\n").encode())):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(MappingError):
            ingest_file(path, source="WMP", progress=False, driver=graph)
        assert counts(graph, db) == {}, name
        assert not (tmp_path / (name + ".rejects.csv")).exists()
    # every row bad: nothing written, every row in the rejects file, neutralised
    path = tmp_path / "allbad.csv"
    path.write_bytes((HEADER + "\n" + "R1,=1+1,Lee,31/02/2000,F,,,,,\nR2,Ann,\x00,01/01/2000,F,,,,,\n").encode())
    report = ingest_file(path, source="WMP", progress=False, driver=graph)
    assert (report.accepted, report.rejected) == (0, 2)
    assert counts(graph, db) == {}
    assert "'=1+1" in report.rejects_path.read_text()
