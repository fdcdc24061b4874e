"""Reading an export as the minimum data set: the header is checked against the mapping
before anything is read, then every row is validated in order (``read_csv``)."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from .mapping import Mapping, MappingError
from .columns import validate_block
from .rows import Reject, Validated

# Columns a file must provide, directly or through a mapping. The identity of a row is
# (source, source_record_id); `source` may come from --source instead of a column, and a
# name may come from one full-name column instead of two.
_NEEDED = ("source_record_id", "date_of_birth", "gender", "address", "postcode")



def check_header(header: list[str], mapping: Mapping, source: str | None) -> None:
    """Fail before anything is written when a file cannot be read as the minimum data set."""
    present = set(header)
    if len(present) != len(header):  # Counter, not header.count: a huge header must not take O(n²)
        dupes = sorted(h for h, n in Counter(header).items() if n > 1)
        raise MappingError(f"the header repeats column(s) {', '.join(dupes)}")
    missing = [mapping.header_for(c) for c in _NEEDED if mapping.header_for(c) not in present]
    has_names = {mapping.header_for("first_name"), mapping.header_for("last_name")} <= present
    if not has_names and mapping.columns.get("full_name") not in present:
        missing.append(f"{mapping.header_for('first_name')}/{mapping.header_for('last_name')}")
    if not (source or mapping.source) and mapping.header_for("source") not in present:
        missing.append(mapping.header_for("source"))
    if missing:
        raise MappingError(f"the header lacks required column(s): {', '.join(missing)}")


def _sniff_delimiter(first_line: str, mapping: Mapping) -> str:
    if mapping.delimiter:
        return mapping.delimiter
    return "\t" if first_line.count("\t") > first_line.count(",") else ","


def read_csv(
    path: Path, mapping: Mapping, source: str | None = None, today: date | None = None
) -> Iterator[Validated]:
    """Validate every row of an export, in order. Header problems raise ``MappingError``.

    The text is read as UTF-8 (BOM or not) with undecodable bytes kept as surrogates, so
    that a row with bad encoding is rejected alone instead of failing the whole file.
    """
    with open(path, encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
        yield from read_text_stream(handle, mapping, source, today)


def read_text_stream(
    handle: io.TextIOBase, mapping: Mapping, source: str | None = None, today: date | None = None
) -> Iterator[Validated]:
    first_line = handle.readline()
    if not first_line.strip():
        raise MappingError("the file is empty: no header row")
    delimiter = _sniff_delimiter(first_line, mapping)
    header = [h.strip() for h in next(csv.reader([first_line], delimiter=delimiter))]
    check_header(header, mapping, source)
    reader = csv.reader(handle, delimiter=delimiter)
    today = today or date.today()  # one date for the whole file, not a clock read per row
    block: list[tuple[int, list[str] | Reject]] = []
    for entry in _lines(reader, len(header)):
        block.append(entry)
        if len(block) == BLOCK_ROWS:
            yield from _validated(block, header, mapping, source, today)
            block = []
    yield from _validated(block, header, mapping, source, today)


# Rows validated together, column by column (:mod:`.columns`); small enough that the first
# rows are soon ready, large enough that each distinct value of a column is checked once.
BLOCK_ROWS = 2000


def _lines(reader, width: int) -> Iterator[tuple[int, list[str] | Reject]]:
    """(line number, fields) of each row with any text, in order, or a ``Reject`` for a row
    that cannot be read as ``width`` fields."""
    line = 2
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield line, Reject(line, f"unreadable CSV: {exc}")
            line = reader.line_num + 2
            continue
        start, line = line, reader.line_num + 2
        if not fields or all(not f.strip() for f in fields):
            continue
        if len(fields) != width:
            yield start, Reject(start, f"ragged row: {len(fields)} fields where the header has {width}")
            continue
        yield start, fields


def _validated(block: list[tuple[int, list[str] | Reject]], header: list[str], mapping: Mapping,
               source: str | None, today: date) -> Iterator[Validated]:
    """A block's rows validated, in order (the unreadable ones as their rejects)."""
    readable = [(line, fields) for line, fields in block if not isinstance(fields, Reject)]
    checked = iter(validate_block(header, [line for line, _ in readable], [fields for _, fields in readable],
                                  mapping, source, today))
    for _, fields in block:
        yield Validated(None, fields, []) if isinstance(fields, Reject) else next(checked)
