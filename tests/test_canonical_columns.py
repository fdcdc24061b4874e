"""A file's rows validated column by column (``read_csv``) against the same rows validated one
at a time (``validate_row``, the API's path): the same rows, rejects (reason, line, raw
values) and warnings, good and bad rows mixed, under several mappings (no database)."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from aim.canonical import CANONICAL_COLUMNS, Mapping, validate_row
from aim.canonical.columns import validate_block
from tests.factories import canonical_rows, field_text

TODAY = date(2026, 11, 1)
FAST = hsettings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))

# Values a real export holds, good and bad, beside field_text's arbitrary text.
PLAUSIBLE = st.sampled_from([
    "", " ", "WMP", "CITY_ED", "R1", "E1", "Ann", "Lee", "SMITH, John", "01/02/2000", "2000-02-01",
    "07-Mar-2012", "31/02/2020", "01/01/1899", "01/01/2999", "02/03/2024", "M", "female", "Q", "nk",
    "B15 2TT", "b15  2tt", "NOT A PC", "4 High St", "ed_attendance", "ED", "x" * 1001, "Ann\x07",
])
MAPPINGS = [
    Mapping(),
    Mapping(source="WMP", gender_codes={"q": "X"}, event_type_codes={"ED": "ed_attendance"}),
    Mapping(columns={"full_name": "name", "source_record_id": "id"}, name_order="last_first",
            date_formats=["%Y-%m-%d"]),
]


def _header(mapping: Mapping) -> list[str]:
    return [mapping.header_for(column) for column in CANONICAL_COLUMNS] + (["name"] if "full_name" in mapping.columns
                                                                          else [])


@st.composite
def blocks(draw):
    """A mapping, a source given or not, and rows of good values with some fields changed."""
    mapping = draw(st.sampled_from(MAPPINGS))
    header = _header(mapping)
    good = canonical_rows(draw(st.integers(1, 12)), seed=draw(st.integers(0, 99)))
    rows, extra = [], [""] * (len(header) - len(CANONICAL_COLUMNS))
    for values in good:
        fields = [values.get(column, "") for column in CANONICAL_COLUMNS] + extra
        for position in draw(st.lists(st.integers(0, len(header) - 1), max_size=3)):
            fields[position] = draw(st.one_of(PLAUSIBLE, field_text))
        rows.append(fields)
    return mapping, draw(st.sampled_from([None, "WMP"])), header, rows


@FAST
@given(blocks())
def test_columns_and_rows_give_the_same_rows_rejects_and_warnings(block):
    mapping, source, header, rows = block
    lines = [2 + 3 * i for i in range(len(rows))]
    by_columns = validate_block(header, lines, rows, mapping, source, TODAY)
    one_at_a_time = [validate_row(dict(zip(header, fields)), line, mapping, source, TODAY)
                     for line, fields in zip(lines, rows)]
    assert by_columns == one_at_a_time


def test_a_block_of_good_rows_with_bad_ones_among_them():
    mapping, header = Mapping(), _header(Mapping())
    rows = [[values.get(column, "") for column in CANONICAL_COLUMNS] for values in canonical_rows(6)]
    rows[1][CANONICAL_COLUMNS.index("date_of_birth")] = "31/02/2020"
    rows[3][CANONICAL_COLUMNS.index("postcode")] = "NOT A PC"
    rows[4][CANONICAL_COLUMNS.index("event_id")] = ""
    checked = validate_block(header, list(range(2, 8)), rows, mapping, None, TODAY)
    assert [item.reject.line if item.reject else item.row.line for item in checked] == [2, 3, 4, 5, 6, 7]
    assert checked[1].reject.reason == "date of birth '31/02/2020' is not a real date (expected DD/MM/YYYY, " \
                                       "YYYY-MM-DD, DD-Mon-YYYY)"
    assert [(w.field, w.line) for w in checked[3].warnings] == [("postcode", 5)] and checked[3].row
    assert checked[4].row.event_id.startswith("h:")
    assert checked == [validate_row(dict(zip(header, fields)), line, mapping, None, TODAY)
                       for line, fields in zip(range(2, 8), rows)]
