"""Record input for the engine: canonical rows → collapsed, standardised, columnar arrays.

Input is either a list of dicts or a dict of equal-length columns, with the canonical
fields ``record_id, source, source_record_id, first_name, last_name, date_of_birth,
gender, address, postcode`` (any may be missing or empty; other keys are ignored).

Rows that share ``(source, source_record_id)`` are one agency's record (one row per
event): they are collapsed into one *record* before linkage (the first non-empty value
of each field wins) and expanded back to rows afterwards, so they always share an entity.
Rows without a source identity are records of their own (keyed by ``record_id``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import standardise as S

FIELDS = ("first_name", "last_name", "date_of_birth", "gender", "address", "postcode")
CANONICAL = ("record_id", "source", "source_record_id") + FIELDS


def read_csv(path: str | Path) -> dict[str, list[str]]:
    """Read a canonical CSV into columns (only the canonical columns are kept)."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        idx = {name: header.index(name) for name in CANONICAL if name in header}
        if "record_id" not in idx:
            raise ValueError(f"{path}: no record_id column")
        cols: dict[str, list[str]] = {name: [] for name in idx}
        getters = [(cols[name], i) for name, i in idx.items()]
        width = len(header)
        for row in reader:
            if len(row) < width:
                row = row + [""] * (width - len(row))
            for col, i in getters:
                col.append(row[i])
    return cols


def to_columns(records: Sequence[Mapping[str, object]] | Mapping[str, Sequence]) -> dict[str, list[str]]:
    """Accept a list of dicts or a dict of columns; return a dict of string columns."""
    if isinstance(records, Mapping):
        n = len(records["record_id"])
        return {
            name: ["" if v is None else str(v) for v in records[name]] if name in records else [""] * n
            for name in CANONICAL
        }
    rows = list(records)
    return {
        name: ["" if r.get(name) is None else str(r.get(name)) for r in rows] for name in CANONICAL
    }


def _factorise(values: Iterable[str]) -> tuple[np.ndarray, list[str]]:
    """Integer codes (``-1`` for "") and the list of distinct values."""
    table: dict[str, int] = {"": 0}
    codes = np.array([table.setdefault(v, len(table)) for v in values], dtype=np.int32) - 1
    uniques = list(table)[1:]
    return codes, uniques


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


def collapse(cols: dict[str, list[str]]) -> tuple[np.ndarray, list[int]]:
    """Row → record index, and for each record the list position of its first row."""
    n = len(cols["record_id"])
    src = cols.get("source") or [""] * n
    sid = cols.get("source_record_id") or [""] * n
    rid = cols["record_id"]
    # Key: source + separator + source_record_id; rows without one are their own record.
    keys = [f"{a}\x1f{b}" if b else f"\x00{c}" for a, b, c in zip(src, sid, rid)]
    table: dict[str, int] = {}
    codes = [table.setdefault(k, len(table)) for k in keys]
    row_record = np.array(codes, dtype=np.int64)
    first_pos = np.full(len(table), n, dtype=np.int64)
    np.minimum.at(first_pos, row_record, np.arange(n, dtype=np.int64))
    first_row = first_pos.tolist()
    return row_record, first_row


def collapsed_fields(cols: dict[str, list[str]]) -> tuple[np.ndarray, list[int], dict[str, list[str]]]:
    """:func:`collapse`, and the collapsed value of each field per record: the first
    non-empty value over the record's rows (also the Spark backend's collapse, per
    partition of whole records)."""
    row_record, first_row = collapse(cols)
    merged: dict[str, list[str]] = {}
    multi = len(first_row) < len(row_record)
    rr = row_record.tolist() if multi else []
    for name in FIELDS:
        col = cols[name]
        vals = [col[r] for r in first_row]
        if multi:
            empty = {k for k, v in enumerate(vals) if not v}
            if empty:
                for r, k in enumerate(rr):
                    if k in empty and col[r]:
                        vals[k] = col[r]
                        empty.discard(k)
        merged[name] = vals
    return row_record, first_row, merged


def prepare(records) -> Prepared:
    """Collapse rows to records and standardise every field (cached per distinct value)."""
    cols = records if isinstance(records, dict) and "record_id" in records and isinstance(
        records["record_id"], list) else to_columns(records)
    for name in CANONICAL:
        if name not in cols:
            cols[name] = [""] * len(cols["record_id"])
    row_record, first_row, merged = collapsed_fields(cols)
    n = len(first_row)
    p = Prepared(n=n, record_ids=[cols["record_id"][r] for r in first_row],
                 row_record=row_record, row_ids=cols["record_id"])
    C, U = p.cols, p.uniques

    # Addresses are the most expensive field to standardise: with many distinct values,
    # parse them in a forked worker process while this one does the other fields.
    a_codes, a_u = _factorise(merged["address"])
    addr_job = _in_subprocess(_parse_addresses, a_u) if len(a_u) >= 50_000 else None

    _names(p, merged["first_name"], merged["last_name"])

    # Dates of birth
    d_codes, d_u = _factorise(merged["date_of_birth"])
    dobs = [S.parse_dob(v) for v in d_u] + [S.BirthDate()]
    C["dob_y"] = np.array([d.year for d in dobs], dtype=np.int16)[d_codes]
    C["dob_m"] = np.array([d.month for d in dobs], dtype=np.int8)[d_codes]
    C["dob_d"] = np.array([d.day for d in dobs], dtype=np.int8)[d_codes]
    C["dob"], U["dob"] = _derive(d_codes, dobs[:-1], lambda d: d.text)

    # Gender
    g_codes, g_u = _factorise(merged["gender"])
    gtab = np.array([{"M": 0, "F": 1, "X": 2}.get(S.normalise_gender(x), -1) for x in g_u] + [-1], dtype=np.int8)
    C["gender"] = gtab[g_codes]

    # Postcodes
    pc_codes, pc_u = _factorise(merged["postcode"])
    pcs = [S.normalise_postcode(v) for v in pc_u]
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


def _names(p: Prepared, first_raw: list[str], last_raw: list[str]) -> None:
    """Name columns of ``p``: each distinct raw value standardised once."""
    C, U = p.cols, p.uniques
    fr_codes, fr_u = _factorise(first_raw)
    lr_codes, lr_u = _factorise(last_raw)
    fr_norm = [S.normalise_name(v) for v in fr_u]
    lr_norm = [S.normalise_name(v) for v in lr_u]
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
    text, house, flat, street = [], [], [], []
    for v in values:
        a = S.parse_address(v)
        text.append(a.text)
        house.append(a.house)
        flat.append(a.flat)
        street.append(S.street_key(a))
    return text, house, flat, street


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
