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
    table: dict[str, int] = {"": -1}
    uniques: list[str] = []

    def code(v: str) -> int:
        c = table.get(v)
        if c is None:
            c = table[v] = len(uniques)
            uniques.append(v)
        return c

    return np.fromiter((code(v) for v in values), dtype=np.int32), uniques


def _map_unique(values: list[str], fn) -> list:
    cache: dict[str, object] = {}
    out = []
    for v in values:
        r = cache.get(v)
        if r is None:
            r = cache[v] = fn(v)
        out.append(r)
    return out


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
    table: dict[tuple[str, str], int] = {}
    first_row: list[int] = []
    row_record = np.empty(n, dtype=np.int64)
    for r in range(n):
        key = (src[r], sid[r]) if sid[r] else ("\x00row", rid[r])
        k = table.get(key)
        if k is None:
            k = table[key] = len(first_row)
            first_row.append(r)
        row_record[r] = k
    return row_record, first_row


def prepare(records) -> Prepared:
    """Collapse rows to records and standardise every field (cached per distinct value)."""
    cols = records if isinstance(records, dict) and "record_id" in records and isinstance(
        records["record_id"], list) else to_columns(records)
    for name in CANONICAL:
        if name not in cols:
            cols[name] = [""] * len(cols["record_id"])
    row_record, first_row = collapse(cols)
    n = len(first_row)
    # Collapsed value of each field: first non-empty over the record's rows.
    merged: dict[str, list[str]] = {}
    multi = len(first_row) < len(row_record)
    for name in FIELDS:
        col = cols[name]
        vals = [col[r] for r in first_row]
        if multi:
            for r, k in enumerate(row_record.tolist()):
                if not vals[k] and col[r]:
                    vals[k] = col[r]
        merged[name] = vals

    p = Prepared(n=n, record_ids=[cols["record_id"][r] for r in first_row],
                 row_record=row_record, row_ids=cols["record_id"])
    C, U = p.cols, p.uniques

    # Names
    first_raw = _map_unique(merged["first_name"], S.normalise_name)
    last_raw = _map_unique(merged["last_name"], S.normalise_name)
    first = [f.split(" ", 1)[0] if f else "" for f in first_raw]
    last = [x.replace(" ", "") for x in last_raw]
    # First and last names share one code table so that swapped names can be detected.
    names, U["name"] = _factorise(first + last)
    C["first"], C["last"] = names[:n], names[n:]
    U["first"] = U["last"] = U["name"]
    C["middle"], U["middle"] = _factorise(f.split(" ", 1)[1] if " " in f else "" for f in first_raw)
    # Surname parts (double-barrelled) as a "|"-joined string of particles-free tokens.
    parts = _map_unique(last_raw, lambda x: "|".join(
        t for t in x.split() if t not in S.SURNAME_PARTICLES) or x.replace(" ", "|"))
    C["last_parts"], U["last_parts"] = _factorise(parts)
    C["first_ph"], U["first_ph"] = _factorise(S.phonetic_key(f) for f in first)
    C["last_ph"], U["last_ph"] = _factorise(S.phonetic_key(x) for x in last)
    C["last_ny"], U["last_ny"] = _factorise(S.nysiis_key(x) for x in last)

    # Dates of birth
    dobs = _map_unique(merged["date_of_birth"], S.parse_dob)
    C["dob_y"] = np.array([d.year for d in dobs], dtype=np.int16)
    C["dob_m"] = np.array([d.month for d in dobs], dtype=np.int8)
    C["dob_d"] = np.array([d.day for d in dobs], dtype=np.int8)
    C["dob"], U["dob"] = _factorise(d.text for d in dobs)

    # Gender
    g = _map_unique(merged["gender"], S.normalise_gender)
    C["gender"] = np.array([{"M": 0, "F": 1, "X": 2}.get(x, -1) for x in g], dtype=np.int8)

    # Postcodes
    pcs = _map_unique(merged["postcode"], S.normalise_postcode)
    C["pc"], U["pc"] = _factorise(pc.text for pc in pcs)
    C["pc_valid"] = np.array([pc.valid for pc in pcs], dtype=bool)
    C["pc_sector"], U["pc_sector"] = _factorise(pc.sector for pc in pcs)
    C["pc_outward"], U["pc_outward"] = _factorise(pc.outward for pc in pcs)

    # Addresses
    addrs = _map_unique(merged["address"], S.parse_address)
    C["addr"], U["addr"] = _factorise(a.text for a in addrs)
    C["house"], U["house"] = _factorise(a.house for a in addrs)
    C["flat"], U["flat"] = _factorise(a.flat for a in addrs)
    return p


def expand(p: Prepared, record_entity: np.ndarray) -> list[str]:
    """Entity of each input row, from the entity of each collapsed record."""
    return [str(x) for x in np.asarray(record_entity)[p.row_record].tolist()]
