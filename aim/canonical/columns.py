"""A block of an export's rows validated column by column, for files (``read_csv``).

Each check of :mod:`.rows` runs once per distinct value of its column (an export repeats
its dates, codes, names and postcodes) instead of once per row, and the text check searches
a whole column at once. A row that any check flags (a reject or a warning) is validated
again alone by ``validate_row``, so that its reject or its warnings read exactly as the
row check words them; every other row is built from its columns. Both ways use the same
checks, so they cannot disagree about a row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from .mapping import Mapping
from .rows import (
    CanonicalRow,
    Unusable,
    Validated,
    date_of_birth,
    dated_before_birth,
    event,
    event_id_of,
    gender_code,
    names,
    record_id_of,
    source_of,
    standard_address,
    standard_postcode,
    suspect_text,
    unparsed_postcode,
    validate_row,
)

_FLAGGED = object()  # what a check gives for a value it would reject


def _checked(values: Iterable, check: Callable) -> list:
    """``check(value)`` for each of ``values``, run once per distinct value; ``_FLAGGED``
    where it raises ``Unusable``."""
    values = list(values)
    results = {}
    for value in set(values):
        try:
            results[value] = check(value)
        except Unusable:
            results[value] = _FLAGGED
    return [results[value] for value in values]


class _Block:
    """The columns of a block of rows, read as the row check reads a row's fields."""

    def __init__(self, header: list[str], rows: list[list[str]], mapping: Mapping):
        self.size, self.mapping = len(rows), mapping
        self.by_header = dict(zip(header, zip(*rows)))

    def raw(self, header: str | None) -> tuple | list:
        return self.by_header.get(header) or [None] * self.size

    def field(self, canonical: str) -> list[str]:
        values = self.by_header.get(self.mapping.header_for(canonical))
        return [""] * self.size if values is None else [value.strip() for value in values]

    def suspect_text_rows(self) -> set[int]:
        """The rows with a value the text check may refuse (a whole column searched at once)."""
        return {i for values in self.by_header.values() if suspect_text(values)
                for i, value in enumerate(values) if suspect_text([value])}


def validate_block(
    header: list[str], lines: list[int], rows: list[list[str]], mapping: Mapping, source: str | None, today: date
) -> list[Validated]:
    """Validate rows of ``len(header)`` fields each, given with their line numbers, in order."""
    block = _Block(header, rows, mapping)
    field = block.field
    flagged = block.suspect_text_rows()
    sources = _checked(field("source"), lambda given: source_of(given, source or mapping.source))
    record_ids = _checked(field("source_record_id"), lambda given: record_id_of(given, mapping))
    full_names = block.raw(mapping.columns.get("full_name"))
    person_names = _checked(zip(field("first_name"), field("last_name"), full_names),
                            lambda given: names(given[0], given[1], lambda: given[2], mapping))
    births = _checked(field("date_of_birth"), lambda text: date_of_birth(text, mapping, today))
    genders_raw = field("gender")
    # An unknown gender code keeps its row, with a warning: flagged, for the row check to word it.
    genders = _checked(genders_raw, lambda raw: gender_code(raw, mapping) or _FLAGGED)
    events = _checked(zip(field("event_id"), field("event_date"), field("event_type")),
                      lambda given: event(*given, mapping, today))
    postcodes_raw = field("postcode")
    postcodes = _checked(postcodes_raw, standard_postcode)
    for results in (sources, record_ids, person_names, births, genders, events):
        flagged.update(i for i, result in enumerate(results) if result is _FLAGGED)
    flagged.update(i for i, (raw, postcode) in enumerate(zip(postcodes_raw, postcodes))
                   if unparsed_postcode(raw, postcode))
    flagged.update(i for i, (dob, found) in enumerate(zip(births, events))
                   if i not in flagged and dated_before_birth(found[1], dob))
    addresses = field("address")
    first_names, last_names = _unzipped(person_names, 2)
    event_ids, event_dates, event_types = _unzipped(events, 3)
    event_ids = list(map(event_id_of, event_ids, sources, record_ids, event_dates, event_types))
    # Built for every row (a flagged row's is then replaced): one call per row, positional.
    validated = [Validated(row, None, []) for row in map(
        CanonicalRow, sources, record_ids, first_names, last_names, field("middle_names"), births, genders,
        genders_raw, addresses, _checked(addresses, standard_address), postcodes_raw,
        [postcode.text for postcode in postcodes], [postcode.valid for postcode in postcodes],
        event_ids, event_dates, [event_type or None for event_type in event_types],
        *(field(name) for name in ("phone", "email", "nhs_number", "lead_name", "lead_phone", "lead_email")),
        lines)]
    for i in flagged:
        validated[i] = validate_row(dict(zip(header, rows[i])), lines[i], mapping, source, today)
    return validated


def _unzipped(results: list, width: int) -> tuple[list, ...]:
    """Checks' results of ``width`` values each as ``width`` columns; a flagged row's all ``None``."""
    blank = (None,) * width
    return tuple(map(list, zip(*(blank if result is _FLAGGED else result for result in results)))) or ([],) * width
