"""Backup and restore of the AIM graph: a streaming JSON-lines export through the driver.

Neo4j Community's ``neo4j-admin database dump`` needs the database stopped (Community has
no online backup), so AIM keeps its own logical backup, taken while the server runs:

* ``export_graph(path)`` streams every node (labels, properties) and every relationship
  (type, properties, end points) to a JSON-lines file (gzip-compressed when it ends in
  ``.gz``), in one read transaction, holding nothing but the current line in memory. Neo4j
  types that JSON lacks (dates, date-times, times, durations, points, bytes, non-finite
  floats) are written as tagged objects (``{"$date": "2026-11-01"}``) and come back as the
  same types. The file is created mode 600 and encrypted with ``AIM_BACKUP_KEY``
  (``sealed``: AES-256-GCM in chunks); in production (``AIM_ENV``) a backup without a key
  is refused unless ``unencrypted=True`` asks for one.
* ``restore_graph(path)`` applies the AIM schema (``aim db migrate``), then re-creates the
  nodes and relationships in batches of parameterised ``UNWIND`` (labels and
  relationship types as dynamic ``$(...)`` expressions, never formatted into the query),
  and checks the result against the counts the export recorded in its last line.

Restore needs an empty graph (or ``replace=True``, which deletes everything first, the
audit trail only with ``discard_audit=True``): it re-creates nodes, it does not merge them.
A restore that fails part-way leaves a graph that a second ``restore_graph(path,
replace=True)`` replaces entirely.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import math
import os
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from neo4j import Driver
from neo4j.spatial import CartesianPoint, Point, WGS84Point
from neo4j.time import Date, DateTime, Duration, Time

from aim.settings import Settings, get_settings

from .clear import AuditKept, clear_graph
from .db import causal_session
from .schema import migrate
from .sealed import MAGIC, SealedReader, SealedWriter, SealError, check_secret, is_sealed

FORMAT = "aim-graph-backup"
FORMAT_VERSION = 1
IMPORT_LABEL = "AimRestoreTemp"
IMPORT_KEY = "_aim_restore_id"
BATCH = 2000


class BackupError(RuntimeError):
    """A backup file cannot be written or restored; the message says why."""


# ----------------------------------------------------------------------------- values


def encode(value: Any) -> Any:
    """A property value as JSON, with Neo4j's own types tagged so that they round-trip."""
    if value is None or isinstance(value, (bool, str, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, DateTime):
        if value.tzinfo is None:
            return {"$localdatetime": value.iso_format()}
        zone = getattr(value.tzinfo, "key", None) or getattr(value.tzinfo, "zone", None)
        return {"$datetime": value.iso_format(), **({"tz": zone} if zone else {})}
    if isinstance(value, Date):
        return {"$date": value.iso_format()}
    if isinstance(value, Time):
        return {"$time" if value.tzinfo is not None else "$localtime": value.iso_format()}
    if isinstance(value, Duration):
        return {"$duration": [value.months, value.days, value.seconds, value.nanoseconds]}
    if isinstance(value, Point):
        return {"$point": [value.srid, *value]}
    if isinstance(value, (bytes, bytearray)):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, (list, tuple)):  # after Duration and Point, which are tuples
        return [encode(v) for v in value]
    if isinstance(value, dict):  # maps are not property values; kept for completeness
        return {"$map": {k: encode(v) for k, v in value.items()}}
    raise BackupError(f"cannot back up a property value of type {type(value).__name__}")


def decode(value: Any) -> Any:
    """The inverse of :func:`encode`: driver types that Bolt sends back as the same Neo4j types."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    (tag, raw), *_ = value.items()
    if tag == "$date":
        return Date.from_iso_format(raw)
    if tag == "$localdatetime":
        return DateTime.from_iso_format(raw)
    if tag == "$datetime":
        parsed = DateTime.from_iso_format(raw)
        zone = value.get("tz")
        if zone:
            # pytz, as the driver's own temporal code uses: neo4j.time converts a ZoneInfo
            # zone with the wrong offset or fails on it ("utcoffset must be a whole number
            # of minutes").
            import pytz

            parsed = parsed.astimezone(pytz.timezone(zone))
        return parsed
    if tag in ("$time", "$localtime"):
        return Time.from_iso_format(raw)
    if tag == "$duration":
        months, days, seconds, nanoseconds = raw
        return Duration(months=months, days=days, seconds=seconds, nanoseconds=nanoseconds)
    if tag == "$point":
        srid, *coords = raw
        return (WGS84Point if srid in (4326, 4979) else CartesianPoint)(coords)
    if tag == "$bytes":
        return base64.b64decode(raw)
    if tag == "$float":
        return float(raw)
    if tag == "$map":
        return {k: decode(v) for k, v in raw.items()}
    raise BackupError(f"unknown value tag {tag!r} in the backup")


def _props(props: dict) -> dict:
    return {k: encode(v) for k, v in props.items()}


def _unprops(props: dict) -> dict:
    return {k: decode(v) for k, v in props.items()}


# ----------------------------------------------------------------------------- summary


def summary(driver: Driver, database: str) -> dict[str, int]:
    """Nodes per label, relationships per type and property keys per label/type: what a
    restore must reproduce exactly."""
    queries = {
        ":": "MATCH (n) UNWIND labels(n) AS l RETURN l AS k, count(*) AS n",
        "-": "MATCH ()-[r]->() RETURN type(r) AS k, count(*) AS n",
        ":.": "MATCH (n) UNWIND labels(n) AS l UNWIND keys(n) AS p RETURN l + '.' + p AS k, count(*) AS n",
        "-.": "MATCH ()-[r]->() UNWIND keys(r) AS p RETURN type(r) + '.' + p AS k, count(*) AS n",
    }
    found: dict[str, int] = {}
    for prefix, query in queries.items():
        records, _, _ = driver.execute_query(query, database_=database, routing_="r")
        found |= {f"{prefix}{r['k']}": r["n"] for r in records}
    nodes, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=database, routing_="r")
    rels, _, _ = driver.execute_query("MATCH ()-[r]->() RETURN count(r) AS n", database_=database, routing_="r")
    return {"nodes": nodes[0]["n"], "relationships": rels[0]["n"]} | dict(sorted(found.items()))


# ----------------------------------------------------------------------------- export


@dataclass
class BackupReport:
    path: Path
    nodes: int = 0
    relationships: int = 0
    labels: Counter = field(default_factory=Counter)
    types: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    bytes: int = 0
    unencrypted: bool = False
    discarded_audit: dict = field(default_factory=dict)


def _backup_secret(settings: Settings, unencrypted: bool) -> str | None:
    """The key to encrypt with; none only in development or when asked for explicitly."""
    secret = settings.backup_key.get_secret_value() if settings.backup_key else ""
    if secret and not unencrypted:
        try:
            return check_secret(secret)
        except SealError as exc:
            raise BackupError(str(exc)) from None
    if settings.production and not unencrypted:
        raise BackupError("AIM_BACKUP_KEY is not set: production backups are encrypted "
                          "(--unencrypted writes a plain one deliberately)")
    return None


@contextmanager
def _writer(path: Path, gz: bool, secret: str | None) -> Iterator[IO[str]]:
    """A text stream into a new file only its owner can read, through gzip and encryption."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # a leftover .partial may have been created with other permissions
    with ExitStack() as stack:
        stream: IO[bytes] = stack.enter_context(os.fdopen(fd, "wb"))
        if secret:
            stream = stack.enter_context(io.BufferedWriter(SealedWriter(stream, secret)))
        if gz:
            stream = stack.enter_context(gzip.GzipFile(fileobj=stream, mode="wb", compresslevel=5))
        yield stack.enter_context(io.TextIOWrapper(stream, encoding="utf-8"))


@contextmanager
def _reader(path: Path, secret: str | None) -> Iterator[IO[str]]:
    """The text of a backup, decrypted and decompressed as its first bytes say."""
    with ExitStack() as stack:
        stream: IO[bytes] = stack.enter_context(open(path, "rb"))
        if is_sealed(stream.peek(len(MAGIC))):
            if not secret:
                raise BackupError(f"{path}: the backup is encrypted; set AIM_BACKUP_KEY to restore it")
            stream = stack.enter_context(io.BufferedReader(SealedReader(stream, secret, str(path))))
        if stream.peek(2)[:2] == b"\x1f\x8b":
            stream = stack.enter_context(gzip.GzipFile(fileobj=stream, mode="rb"))
        yield stack.enter_context(io.TextIOWrapper(stream, encoding="utf-8"))


def export_graph(path: Path | str, *, driver: Driver, settings: Settings | None = None,
                 unencrypted: bool = False) -> BackupReport:
    """Write the whole graph to ``path`` (``.gz`` → gzip), encrypted with ``AIM_BACKUP_KEY``.
    Written to ``path.partial`` and renamed at the end, so a crash never leaves a truncated
    file under the real name."""
    settings = settings or get_settings()
    secret = _backup_secret(settings, unencrypted)
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    report = BackupReport(path, unencrypted=secret is None)
    t0 = time.perf_counter()

    def dump(tx, out: IO[str]) -> None:
        for record in tx.run("MATCH (n) RETURN elementId(n) AS id, labels(n) AS labels, properties(n) AS props"):
            report.nodes += 1
            report.labels.update(record["labels"])
            out.write(json.dumps({"n": record["id"], "l": record["labels"], "p": _props(record["props"])},
                                 ensure_ascii=False, separators=(",", ":")) + "\n")
        for record in tx.run("MATCH (a)-[r]->(b) RETURN elementId(a) AS a, elementId(b) AS b, type(r) AS t, "
                             "properties(r) AS props"):
            report.relationships += 1
            report.types[record["t"]] += 1
            out.write(json.dumps({"r": record["t"], "a": record["a"], "b": record["b"],
                                  "p": _props(record["props"])}, ensure_ascii=False, separators=(",", ":")) + "\n")

    header = {"format": FORMAT, "version": FORMAT_VERSION, "created": datetime.now(UTC).isoformat(),
              "database": settings.neo4j_database}
    with _writer(partial, path.suffix == ".gz", secret) as out:
        out.write(json.dumps(header) + "\n")
        with causal_session(driver, settings.neo4j_database, fetch_size=BATCH) as session:
            session.execute_read(dump, out)
        out.write(json.dumps({"end": {"nodes": report.nodes, "relationships": report.relationships,
                                      "labels": dict(report.labels), "types": dict(report.types)}}) + "\n")
    partial.replace(path)
    report.seconds = time.perf_counter() - t0
    report.bytes = path.stat().st_size
    return report


# ----------------------------------------------------------------------------- restore


def _lines(path: Path, secret: str | None) -> Iterator[dict]:
    try:
        with _reader(path, secret) as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise BackupError(f"{path}: line {number} is not JSON ({exc.msg})") from None
    except (OSError, EOFError, gzip.BadGzipFile, UnicodeDecodeError) as exc:
        raise BackupError(f"{path}: cannot read the backup ({exc})") from None
    except SealError as exc:
        raise BackupError(str(exc)) from None


def _check(path: Path, secret: str | None) -> dict:
    """The header and the final counts, read before anything is written: a truncated,
    foreign or altered file (or a wrong key) is refused up front."""
    header = end = None
    for item in _lines(path, secret):
        if header is None:
            header = item
            if item.get("format") != FORMAT:
                raise BackupError(f"{path}: not an AIM graph backup")
            if item.get("version") != FORMAT_VERSION:
                raise BackupError(f"{path}: backup format version {item.get('version')} is not supported")
            continue
        if "end" in item:
            end = item["end"]
    if header is None:
        raise BackupError(f"{path}: the file is empty")
    if end is None:
        raise BackupError(f"{path}: the backup is incomplete (no end marker); it was not finished")
    return end


_CREATE_NODES = f"""
UNWIND $nodes AS row
CREATE (n:{IMPORT_LABEL})
SET n = row.p, n.{IMPORT_KEY} = row.id
SET n:$(row.l)
"""
_CREATE_RELS = f"""
UNWIND $rels AS row
MATCH (a:{IMPORT_LABEL} {{{IMPORT_KEY}: row.a}})
MATCH (b:{IMPORT_LABEL} {{{IMPORT_KEY}: row.b}})
CREATE (a)-[r:$(row.t)]->(b)
SET r = row.p
RETURN count(r) AS n
"""


def restore_graph(path: Path | str, *, driver: Driver, replace: bool = False, discard_audit: bool = False,
                  settings: Settings | None = None) -> BackupReport:
    """Re-create the graph of a backup in an empty database (``replace`` empties it first,
    refusing to delete an audit trail unless ``discard_audit``); an encrypted backup is
    opened with ``AIM_BACKUP_KEY``."""
    settings = settings or get_settings()
    db = settings.neo4j_database
    path = Path(path)
    if not path.exists():
        raise BackupError(f"{path}: no such file")
    secret = settings.backup_key.get_secret_value() if settings.backup_key else None
    expected = _check(path, secret)
    existing, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS n", database_=db)
    report = BackupReport(path)
    if existing[0]["n"]:
        if not replace:
            raise BackupError(f"the graph holds {existing[0]['n']:,} nodes; restore needs an empty graph "
                              "(use --replace to delete them first)")
        try:
            report.discarded_audit = clear_graph(driver, db, discard_audit=discard_audit)
        except AuditKept as exc:
            raise BackupError(str(exc)) from None
    t0 = time.perf_counter()
    migrate(driver, db)
    driver.execute_query(f"CREATE INDEX aim_restore_id IF NOT EXISTS FOR (n:{IMPORT_LABEL}) ON (n.{IMPORT_KEY})",
                         database_=db)
    driver.execute_query("CALL db.awaitIndexes(300)", database_=db)

    def write(query: str, name: str, rows: list[dict]) -> None:
        driver.execute_query(query, {name: rows}, database_=db)

    nodes: list[dict] = []
    rels: list[dict] = []
    for item in _lines(path, secret):
        if "n" in item:
            nodes.append({"id": item["n"], "l": item["l"], "p": _unprops(item["p"])})
            report.nodes += 1
            report.labels.update(item["l"])
            if len(nodes) >= BATCH:
                write(_CREATE_NODES, "nodes", nodes)
                nodes = []
        elif "r" in item:
            if nodes:
                write(_CREATE_NODES, "nodes", nodes)
                nodes = []
            rels.append({"t": item["r"], "a": item["a"], "b": item["b"], "p": _unprops(item["p"])})
            report.relationships += 1
            report.types[item["r"]] += 1
            if len(rels) >= BATCH:
                write(_CREATE_RELS, "rels", rels)
                rels = []
    if nodes:
        write(_CREATE_NODES, "nodes", nodes)
    if rels:
        write(_CREATE_RELS, "rels", rels)
    with causal_session(driver, db) as session:
        session.run(f"MATCH (n:{IMPORT_LABEL}) CALL (n) {{ REMOVE n:{IMPORT_LABEL} REMOVE n.{IMPORT_KEY} }} "
                    "IN TRANSACTIONS OF 10000 ROWS").consume()
    driver.execute_query("DROP INDEX aim_restore_id IF EXISTS", database_=db)
    report.seconds = time.perf_counter() - t0
    report.bytes = path.stat().st_size

    found = summary(driver, db)
    want = {"nodes": expected["nodes"], "relationships": expected["relationships"]}
    got = {"nodes": found["nodes"], "relationships": found["relationships"]}
    if got != want:
        raise BackupError(f"restore incomplete: the backup holds {want}, the graph now holds {got}")
    return report
