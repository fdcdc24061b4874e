"""Records as resolution reads them: engine columns, blocking-key properties, display
details."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from neo4j import Driver

from aim import cypher
from aim.graph.store import causal_session
from aim.resolution import blocking as B
from aim.resolution import standardise as S

from .keys import record_key

FIELDS = ("first_name", "last_name", "date_of_birth", "gender", "address", "postcode")
BK_PROPS = tuple(f"bk_{name}" for name in B.KEY_NAMES)
FETCH_SIZE = 20_000


def blocking_props(record: dict) -> dict[str, str | None]:
    """The record's blocking keys as ``bk_<key name>`` properties (None = no key)."""
    found = B.record_keys(record)
    return {f"bk_{name}": found.get(name) for name in B.KEY_NAMES}


def keys_fingerprint(props: dict[str, str | None]) -> str:
    text = "\x1f".join(props[p] or "" for p in BK_PROPS)
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def resolved_fingerprint(record: dict, model_version: str) -> str:
    """What real-time resolution saw of a record: its fields and the model's version. A record
    that stores this value and that a person holds has nothing new to resolve (the same
    fields under the same model cluster as they did; a batch run re-clusters everything)."""
    text = "\x1f".join([model_version, *(str(record.get(f) or "") for f in FIELDS)])
    return hashlib.sha1(text.encode()).hexdigest()[:16]


def full_dob(text: str | None) -> str | None:
    """An ISO date of birth when the text gives day, month and year; else None."""
    d = S.parse_dob(text)
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}" if d.full else None


def record_details(row: dict) -> dict:
    """A record's fields as a person's display details are made from."""
    details = {f: row.get(f) or None for f in FIELDS}
    details["date_of_birth"] = full_dob(row.get("date_of_birth"))
    return details


def stream(driver: Driver, database: str, query: str, **params) -> Iterator:
    """The rows of the query file ``query``, fetched in large pages (one auto-commit read)."""
    with causal_session(driver, database, fetch_size=FETCH_SIZE) as session:
        yield from session.run(cypher.load(query), params)


def read_records(driver: Driver, database: str) -> tuple[dict[str, list[str]], list[str | None]]:
    """Every record as engine columns (``record_id`` is the record key) and each record's
    stored blocking-key fingerprint."""
    cols: dict[str, list[str]] = {n: [] for n in ("record_id", "source", "source_record_id", *FIELDS)}
    bk_fp: list[str | None] = []
    for rec in stream(driver, database, "resolution/read_records"):
        src, sid = rec["source"], rec["source_record_id"]
        cols["record_id"].append(record_key(src, sid))
        cols["source"].append(src)
        cols["source_record_id"].append(sid)
        for f in FIELDS:
            v = rec[f]
            cols[f].append("" if v is None else str(v))
        bk_fp.append(rec["bk_fp"])
    # The engine's blocking (sorted neighbourhoods) depends on record order, and the
    # graph returns nodes in storage order: sort by key so that a run is reproducible.
    order = sorted(range(len(cols["record_id"])), key=cols["record_id"].__getitem__)
    cols = {name: [col[i] for i in order] for name, col in cols.items()}
    return cols, [bk_fp[i] for i in order]
