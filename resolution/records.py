"""Record input for the engine: canonical rows → collapsed, standardised, columnar arrays.

Input is a list of dicts or a dict of equal-length columns (lists, or the arrow arrays
:func:`read_records` gives), with the canonical fields ``record_id, source,
source_record_id, first_name, last_name, date_of_birth, gender, address, postcode`` (any
may be missing or empty; other keys are ignored). Row-level work (factorising, the
collapse) runs on arrow arrays, or in plain Python for a few rows (:data:`SMALL`);
standardisation runs once per distinct value.

Rows that share ``(source, source_record_id)`` are one agency's record (one row per
event): they are collapsed into one *record* before linkage (the first non-empty value
of each field wins) and expanded back to rows afterwards, so they always share an entity.
Rows without a source identity are records of their own (keyed by ``record_id``).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import standardise as S

FIELDS = ("first_name", "last_name", "date_of_birth", "gender", "address", "postcode")
CANONICAL = ("record_id", "source", "source_record_id") + FIELDS
Columns = dict[str, pa.Array]
# Below this many rows (or distinct values) plain Python beats arrow, whose fixed cost per
# call (some forty calls in prepare) was most of what a real-time submission or a guarded
# component of a few records spent here; the two cross at a few thousand rows on FEBRL3
# and on a generated population. Both ways give the same Prepared (tested).
SMALL = 1_000


def read_records(path: str | Path) -> Columns:
    """Read a canonical CSV (RFC 4180, UTF-8) or Parquet file into string columns (only the
    canonical columns are kept; a missing value is ""; a CSV row with another number of
    fields than the header is an error). pyarrow parses in C++ on every core: a million
    rows in about 0.5 CPU s, against 1.5 s for Python's csv module."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        table = pq.read_table(path)
    else:
        import pyarrow.csv as pacsv

        with open(path, newline="", encoding="utf-8-sig") as fh:
            names = next(csv.reader(fh), [])
        try:
            table = pacsv.read_csv(path, read_options=pacsv.ReadOptions(use_threads=True),
                                   parse_options=pacsv.ParseOptions(newlines_in_values=True),
                                   convert_options=pacsv.ConvertOptions(
                                       include_columns=[c for c in CANONICAL if c in names],
                                       column_types={c: pa.string() for c in names}))
        except pa.ArrowInvalid:
            # arrow's message quotes the row (personal data) and not its number: name the row
            raise ValueError(_misshapen_row(path, len(names))) from None
    if "record_id" not in table.column_names:
        raise ValueError(f"{path}: no record_id column")
    return {name: _strings(table.column(name)) for name in CANONICAL if name in table.column_names}


def _misshapen_row(path: Path, fields: int) -> str:
    with open(path, newline="", encoding="utf-8-sig") as fh:
        for number, row in enumerate(csv.reader(fh), start=1):
            if len(row) != fields:
                return f"{path}: row {number} has {len(row)} fields where the header has {fields}"
    return f"{path}: not a CSV file pyarrow can read"


def _strings(column) -> pa.Array:
    """One string array, a null as ""."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return pc.fill_null(column.cast(pa.string()), "")


def _raw_columns(records: Sequence[Mapping[str, object]] | Mapping[str, Sequence]) -> tuple[int, dict]:
    """How many rows, and each canonical field's column as given (``None`` where missing)."""
    if isinstance(records, Mapping):
        return len(records["record_id"]), {name: records.get(name) for name in CANONICAL}
    rows = list(records)
    return len(rows), {name: [r.get(name) for r in rows] for name in CANONICAL}


def _text(values: Sequence | None, n: int) -> list[str]:
    """A column as :func:`to_columns` gives it, as a list (for a few rows)."""
    return [""] * n if values is None else ["" if v is None else str(v) for v in values]


def to_columns(records: Sequence[Mapping[str, object]] | Mapping[str, Sequence]) -> Columns:
    """Accept a list of dicts or a dict of columns (lists or arrow arrays); return a string
    column per canonical field ("" where the value or the column is missing; other values
    as ``str`` gives them)."""
    n, raw = _raw_columns(records)
    out = {}
    for name in CANONICAL:
        values = raw[name]
        if values is None:
            out[name] = pa.array([""] * n, pa.string())
        elif isinstance(values, (pa.Array, pa.ChunkedArray)):
            out[name] = _strings(values)
        else:
            try:   # str values (the common case) convert in C++
                out[name] = _strings(pa.array(values, pa.string()))
            except (pa.ArrowTypeError, pa.ArrowInvalid):
                out[name] = pa.array(["" if v is None else str(v) for v in values], pa.string())
    return out


def _codes(column: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Integer code per value in order of first appearance (``-1`` for ""), and the
    distinct values (a numpy object array) by code: arrow's hash table, not a Python dict."""
    encoded = pc.dictionary_encode(column)
    values = encoded.dictionary.to_numpy(zero_copy_only=False)
    table = np.arange(values.size, dtype=np.int32)
    empty = np.flatnonzero(values == "")
    if empty.size:
        table[empty[0]:] -= 1
        table[empty[0]] = -1
        values = np.delete(values, empty[0])
    return table[encoded.indices.to_numpy()], values


def _first_appearance(codes: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """``codes`` (``-1`` = "") renumbered in order of first appearance, and their values."""
    present = np.flatnonzero(codes >= 0)
    distinct, first = np.unique(codes[present], return_index=True)
    order = distinct[np.argsort(first, kind="stable")]
    renumber = np.full(values.size + 1, -1, dtype=np.int32)    # [-1] → -1
    renumber[order] = np.arange(order.size, dtype=np.int32)
    return renumber[codes], values[order].tolist()


def _factorise(values: list[str]) -> tuple[np.ndarray, list[str]]:
    """Integer codes (``-1`` for "") and the list of distinct values, in order of first
    appearance (the lists of distinct values that standardisation derives)."""
    if len(values) < SMALL:
        table = {"": -1}
        codes = [table.setdefault(v, len(table) - 1) for v in values]
        return np.array(codes, dtype=np.int32), list(table)[1:]
    codes, distinct = _codes(pa.array(values, pa.string()))
    return codes, distinct.tolist()


@dataclass
class Prepared:
    """Standardised, collapsed records in columnar form (index = record number)."""

    n: int
    record_ids: list[str]             # representative record_id of each collapsed record
    row_record: np.ndarray            # row index → record index
    row_ids: list[str]                # record_id of every input row
    cols: dict[str, np.ndarray] = field(default_factory=dict)   # int codes / numbers
    uniques: dict[str, list[str]] = field(default_factory=dict)  # code → string
    extra: dict[str, object] = field(default_factory=dict)

    def text(self, name: str, i: int) -> str:
        c = int(self.cols[name][i])
        return "" if c < 0 else self.uniques[name][c]


def full_dob(p: Prepared) -> np.ndarray:
    """Per record: whether its date of birth is full (year, month and day), the only kind
    that blocking keys on, a training session groups by and the guard takes as a conflict."""
    return (p.cols["dob_y"] > 0) & (p.cols["dob_m"] > 0) & (p.cols["dob_d"] > 0)


def collapse(cols: Columns) -> tuple[np.ndarray, np.ndarray]:
    """Row → record index (records numbered by their first row), and each record's first row."""
    n = len(cols["record_id"])
    agency = pc.not_equal(cols["source_record_id"], "")
    # Key: source + separator + source_record_id; rows without one are their own record.
    keys = pc.if_else(agency, pc.binary_join_element_wise(cols["source"], cols["source_record_id"], "\x1f"),
                      pc.binary_join_element_wise("\x00", cols["record_id"], ""))
    row_record = pc.dictionary_encode(keys).indices.to_numpy().astype(np.int64)
    first_row = np.full(int(row_record.max(initial=-1)) + 1, n, dtype=np.int64)
    np.minimum.at(first_row, row_record, np.arange(n, dtype=np.int64))
    return row_record, first_row


def collapsed_codes(cols: Columns) -> tuple[np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, list[str]]]]:
    """:func:`collapse`, and each field's collapsed value per record as a code (``-1`` for
    none) and the distinct values by code, in order of first appearance over the records:
    the first non-empty value over the record's rows."""
    row_record, first_row = collapse(cols)
    fields = {}
    for name in FIELDS:
        codes, values = _codes(cols[name])
        if first_row.size < row_record.size:
            filled = np.flatnonzero(codes >= 0)
            first_filled = np.full(first_row.size, row_record.size, dtype=np.int64)
            np.minimum.at(first_filled, row_record[filled], filled)
            codes = np.append(codes, -1)[first_filled]     # no filled row → index n → -1
            fields[name] = _first_appearance(codes, values)
        else:   # one row per record: the codes are in the records' order already
            fields[name] = codes, values.tolist()
    return row_record, first_row, fields


def _collapsed_codes_of_few(cols: dict[str, list[str]]) -> tuple[np.ndarray, list[int], dict]:
    """:func:`collapsed_codes` of a few rows' lists, in plain Python (see :data:`SMALL`)."""
    records: dict[str, int] = {}
    row_record = [records.setdefault(f"{source}\x1f{sid}" if sid else f"\x00{rid}", len(records))
                  for source, sid, rid in zip(cols["source"], cols["source_record_id"], cols["record_id"])]
    first_row: dict[int, int] = {}
    for row, record in enumerate(row_record):
        first_row.setdefault(record, row)
    fields = {}
    for name in FIELDS:
        first_filled = [""] * len(records)
        for record, value in zip(row_record, cols[name]):
            if value and not first_filled[record]:
                first_filled[record] = value
        fields[name] = _factorise(first_filled)
    return np.array(row_record, dtype=np.int64), list(first_row.values()), fields


def _rows_to_records(records) -> tuple[list[str], list[str], np.ndarray, dict]:
    """The rows' ids, the records' (their first row's), each row's record and the records'
    fields as codes (:func:`collapsed_codes`): in plain Python for a few rows given as
    Python values, else on arrow."""
    n, raw = _raw_columns(records)
    if n < SMALL and not any(isinstance(v, (pa.Array, pa.ChunkedArray)) for v in raw.values()):
        cols = {name: _text(values, n) for name, values in raw.items()}
        row_record, first_row, fields = _collapsed_codes_of_few(cols)
        return cols["record_id"], [cols["record_id"][r] for r in first_row], row_record, fields
    cols = to_columns(raw)   # the columns as given: rows are listed once
    row_record, first_row, fields = collapsed_codes(cols)
    row_ids = cols["record_id"].to_numpy(zero_copy_only=False)
    return row_ids.tolist(), row_ids[first_row].tolist(), row_record, fields


def _address_parts(raw: str) -> tuple[str, str, str, str]:
    """Text, house, flat and street key of an address."""
    a = S.parse_address(raw)
    return a.text, a.house, a.flat, S.street_key(a)


# A long-running process (the API resolving submissions in real time) standardises the
# same names, postcodes and addresses again and again: its candidates share them. A batch
# run standardises each distinct value once, so its many values bypass these caches.
_CACHED = {fn: lru_cache(maxsize=100_000)(fn) for fn in (S.normalise_name, S.postcode_parts, _address_parts)}


def _standardised(fn, values: list[str]) -> list:
    """``fn`` of each value; through the process's cache for a few values."""
    if len(values) < SMALL:
        fn = _CACHED[fn]
    return [fn(v) for v in values]


def prepare(records) -> Prepared:
    """Collapse rows to records and standardise every field (once per distinct value)."""
    row_ids, record_ids, row_record, fields = _rows_to_records(records)
    p = Prepared(n=len(record_ids), record_ids=record_ids, row_record=row_record, row_ids=row_ids)
    C, U = p.cols, p.uniques

    # Addresses are the most expensive field to standardise: with many distinct values,
    # parse them in a forked worker process while this one does the other fields.
    a_codes, a_u = fields["address"]
    addr_job = _in_subprocess(_parse_addresses, a_u) if len(a_u) >= 50_000 else None

    _names(p, fields["first_name"], fields["last_name"])

    # Dates of birth
    d_codes, d_u = fields["date_of_birth"]
    dobs = [S.parse_dob(v) for v in d_u] + [S.BirthDate()]
    C["dob_y"] = np.array([d.year for d in dobs], dtype=np.int16)[d_codes]
    C["dob_m"] = np.array([d.month for d in dobs], dtype=np.int8)[d_codes]
    C["dob_d"] = np.array([d.day for d in dobs], dtype=np.int8)[d_codes]
    C["dob"], U["dob"] = _derive(d_codes, dobs[:-1], lambda d: d.text)

    # Gender
    g_codes, g_u = fields["gender"]
    gtab = np.array([{"M": 0, "F": 1, "X": 2}.get(S.normalise_gender(x), -1) for x in g_u] + [-1], dtype=np.int8)
    C["gender"] = gtab[g_codes]

    # Postcodes
    pc_codes, pc_u = fields["postcode"]
    pcs = [S.Postcode(*parts) for parts in _standardised(S.postcode_parts, pc_u)]
    C["pc"], U["pc"] = _derive(pc_codes, pcs, lambda x: x.text)
    C["pc_valid"] = np.array([x.valid for x in pcs] + [False], dtype=bool)[pc_codes]
    C["pc_sector"], U["pc_sector"] = _derive(pc_codes, pcs, lambda x: x.sector)
    C["pc_outward"], U["pc_outward"] = _derive(pc_codes, pcs, lambda x: x.outward)

    # Addresses (parsed in a second process for big inputs, see above)
    addrs = addr_job() if addr_job else _parse_addresses(a_u)
    C["addr"], U["addr"] = _derive(a_codes, addrs[0], str)
    C["house"], U["house"] = _derive(a_codes, addrs[1], str)
    C["flat"], U["flat"] = _derive(a_codes, addrs[2], str)
    C["street_key"], U["street_key"] = _derive(a_codes, addrs[3], str)
    return p


def _derive(raw_codes: np.ndarray, raw_uniques: list, fn) -> tuple[np.ndarray, list[str]]:
    """Apply ``fn`` to each distinct raw value once, then map codes with numpy."""
    codes, uniques = _factorise([fn(v) for v in raw_uniques])
    table = np.append(codes, -1).astype(np.int32)   # raw code -1 (empty) → -1
    return table[raw_codes], uniques


def _names(p: Prepared, first: tuple[np.ndarray, list[str]], last: tuple[np.ndarray, list[str]]) -> None:
    """Name columns of ``p`` from the collapsed given and surname codes: each distinct raw
    value standardised once."""
    C, U = p.cols, p.uniques
    (fr_codes, fr_u), (lr_codes, lr_u) = first, last
    fr_norm = _standardised(S.normalise_name, fr_u)
    lr_norm = _standardised(S.normalise_name, lr_u)
    first_u = [f.split(" ", 1)[0] for f in fr_norm]
    middle_u = [f.split(" ", 2)[1] if " " in f else "" for f in fr_norm]
    last_u = [x.replace(" ", "") for x in lr_norm]
    # Given, first middle and last names share one code table so that swapped names and a
    # middle name used as the given name are code comparisons.
    name_codes, U["name"] = _factorise(first_u + middle_u + last_u)
    nf, nm = len(first_u), len(middle_u)
    ftab = np.append(name_codes[:nf], -1).astype(np.int32)
    mtab = np.append(name_codes[nf:nf + nm], -1).astype(np.int32)
    ltab = np.append(name_codes[nf + nm:], -1).astype(np.int32)
    C["first"], C["middle1"], C["last"] = ftab[fr_codes], mtab[fr_codes], ltab[lr_codes]
    U["first"] = U["middle1"] = U["last"] = U["name"]
    C["middle"], U["middle"] = _derive(fr_codes, fr_norm, lambda f: f.split(" ", 1)[1] if " " in f else "")
    C["given_key"], U["given_key"] = _derive(fr_codes, fr_norm, S.first_two_names)
    # Surname parts (double-barrelled) as a "|"-joined string of particles-free tokens.
    C["last_parts"], U["last_parts"] = _derive(lr_codes, lr_norm, lambda x: "|".join(
        t for t in x.split() if t not in S.SURNAME_PARTICLES) or x.replace(" ", "|"))
    names = U["name"]
    C["first_ph"], U["first_ph"] = _derive(C["first"], names, S.phonetic_key)
    C["last_ph"], U["last_ph"] = _derive(C["last"], names, S.phonetic_key)
    C["last_ny"], U["last_ny"] = _derive(C["last"], names, S.nysiis_key)


def _parse_addresses(values: list[str]) -> tuple[list[str], list[str], list[str], list[str]]:
    parsed = _standardised(_address_parts, values)
    return [a[0] for a in parsed], [a[1] for a in parsed], [a[2] for a in parsed], [a[3] for a in parsed]


def _in_subprocess(fn, arg):
    """Run ``fn(arg)`` in a forked process; returns a callable that waits for the result.
    Falls back to running inline where fork is unavailable."""
    import multiprocessing as mp

    try:
        ctx = mp.get_context("fork")
    except ValueError:
        return lambda: fn(arg)
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(1, mp_context=ctx)
    fut = pool.submit(fn, arg)

    def wait():
        try:
            return fut.result()
        finally:
            pool.shutdown()

    return wait


def expand(p: Prepared, record_entity: np.ndarray) -> list[str]:
    """Entity of each input row, from the entity of each collapsed record."""
    return [str(x) for x in np.asarray(record_entity)[p.row_record].tolist()]
