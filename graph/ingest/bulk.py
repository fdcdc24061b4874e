"""``aim ingest --bulk``: the first load of an EMPTY database with Neo4j's own offline importer
(``neo4j-admin database import full``, whose classes come with the server's jars).

The file is validated exactly as by :func:`.load.ingest_file` and planned by the same
:func:`.batch.plan_batch` as one batch, so the graph is the one the batched path builds;
the plan is written as the importer's CSV files, the local server is stopped for the
import and started again, and the schema is applied afresh (the import replaces the
database files, constraints included).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import uuid
from datetime import date, datetime, timezone
from pathlib import Path

from neo4j import Driver

from aim.canonical import Mapping, read_csv
from aim.graph.store import LocalNeo4j, migrate
from aim.settings import Settings, get_settings

from .batch import BatchCounts, BatchParams, plan_batch
from .load import IngestReport, finish_rejects, fresh_rejects_path, triage

ADMIN_TOOL = "org.neo4j.cli.AdminTool"
# The importer is a short-lived JVM: the quick (C1) compiler alone and the serial collector
# halve its CPU seconds at 10k-100k rows (10.3 → 4.7 s, 15.2 → 9.1 s, measured side by side),
# where the optimising compiler's and G1's threads never pay for themselves.
IMPORTER_JVM_FLAGS = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
# The importer's types for the properties that are not strings; the batched path stores
# the same Cypher types.
TYPES = {"date_of_birth": "date", "last_seen": "date", "first_seen": "date", "date": "date",
         "created_at": "datetime", "postcode_valid": "boolean"}


class BulkIngestError(RuntimeError):
    """The bulk path cannot run here (database not empty, no local server, import failed)."""


def bulk_ingest_file(
    path: Path,
    *,
    source: str | None = None,
    mapping: Mapping | None = None,
    rejects_path: Path | None = None,
    driver: Driver,
    settings: Settings | None = None,
) -> IngestReport:
    """Validate one export and import it into the empty local database in one pass."""
    settings = settings or get_settings()
    server = LocalNeo4j(settings)
    if not server.status().running:
        raise BulkIngestError("the bulk path loads the local server that `aim db start` runs, and it is not running")
    _require_empty(driver, settings.neo4j_database)
    path, mapping = Path(path), mapping or Mapping()
    rejects_path = fresh_rejects_path(path, rejects_path)
    report = IngestReport(source=source or mapping.source)
    rows = triage(list(read_csv(path, mapping, source)), report)
    plan = plan_batch(rows, mapping.organisation)
    with tempfile.TemporaryDirectory(prefix="aim-bulk-") as folder:
        arguments = write_import_files(Path(folder), plan)
        server.stop()
        try:
            _run_importer(server, settings.neo4j_database, arguments)
        finally:
            server.start()
    _forget_old_bookmarks(driver, settings.neo4j_database)
    migrate(driver, settings.neo4j_database)
    report.batches = 1
    report.written = BatchCounts(new_records=len(plan.records), new_events=len(plan.events))
    return finish_rejects(report, rejects_path)


def _require_empty(driver: Driver, database: str) -> None:
    found, _, _ = driver.execute_query("MATCH (n) RETURN count(n) AS nodes", database_=database)
    if found[0]["nodes"]:
        raise BulkIngestError(
            f"the bulk path loads only an empty database, and this one holds {found[0]['nodes']:,} nodes; "
            "load with `aim ingest` without --bulk (it adds to what is there)"
        )


def _forget_old_bookmarks(driver: Driver, database: str) -> None:
    """The imported database starts a new transaction history: the driver's bookmarks from the
    old one would make every later ``execute_query`` wait for transactions that never come."""
    with driver.session(database=database) as session:
        session.run("RETURN 1").consume()
        fresh = session.last_bookmarks()
    manager = driver.execute_query_bookmark_manager
    manager.update_bookmarks(manager.get_bookmarks(), fresh.raw_values)


def write_import_files(folder: Path, plan: BatchParams) -> list[str]:
    """The plan as the importer's node and relationship files; returns their arguments."""
    now = datetime.now(timezone.utc)
    batch = uuid.uuid4().hex
    organisations = [{"code": o["code"], "name": o["code"], "kind": "unknown", "created_at": now} | o["details"]
                     for o in plan.organisations]
    records = [{"source": r["source"], "source_record_id": r["source_record_id"], "created_at": now,
                "created_by_batch": batch, "last_seen": r["last_seen"], "fingerprint": r["fingerprint"]}
               | r["details"] for r in plan.records]
    addresses = {a["key"]: {name: a[name] for name in ("key", "line", "postcode", "postcode_valid", "outward")}
                 for a in reversed(plan.addresses)}  # reversed: the first row of a key wins, as ON CREATE does
    events = [{name: e[name] for name in ("source", "event_id", "date", "type")} for e in plan.events]
    files = {
        "--nodes=Organisation": _nodes(folder / "organisations.csv", "Organisation", organisations, ("code",)),
        "--nodes=Record": _nodes(folder / "records.csv", "Record", records, ("source", "source_record_id")),
        "--nodes=Address": _nodes(folder / "addresses.csv", "Address", list(addresses.values()), ("key",)),
        "--nodes=Event": _nodes(folder / "events.csv", "Event", events, ("source", "event_id")),
        "--relationships=HELD_BY": _relationships(
            folder / "held_by.csv", ("Record", "Organisation"),
            [((r["source"], r["source_record_id"]), (r["source"],), {}) for r in plan.records]),
        "--relationships=LIVES_AT": _relationships(
            folder / "lives_at.csv", ("Record", "Address"),
            [((a["source"], a["source_record_id"]), (a["key"],),
              {"first_seen": a["first_seen"], "last_seen": a["last_seen"]}) for a in plan.addresses]),
        "--relationships=HAS_EVENT": _relationships(
            folder / "has_event.csv", ("Record", "Event"),
            [((e["source"], e["source_record_id"]), (e["source"], e["event_id"]), {}) for e in plan.events]),
    }
    return [f"{option}={file}" for option, file in files.items()]


def _node_id(parts: tuple) -> str:
    return "\x1f".join(parts)  # a separator no accepted value holds (control characters are rejected)


def _header(name: str) -> str:
    return f"{name}:{TYPES[name]}" if name in TYPES else name


def _cell(value) -> str:
    """None stays an unquoted empty field (no property); every text is quoted, so that an
    empty text is kept as one, as the batched path keeps it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return '"' + str(value).replace('"', '""') + '"'


def _write(path: Path, header: list[str], lines) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(",".join(header) + "\n")
        handle.writelines(",".join(map(_cell, line)) + "\n" for line in lines)
    return path


def _nodes(path: Path, label: str, nodes: list[dict], key: tuple[str, ...]) -> Path:
    columns = list(dict.fromkeys(name for node in nodes for name in node))
    return _write(path, [f":ID({label})", *map(_header, columns)],
                  ([_node_id(tuple(node[k] for k in key)), *(node.get(c) for c in columns)] for node in nodes))


def _relationships(path: Path, groups: tuple[str, str], links: list[tuple]) -> Path:
    columns = list(dict.fromkeys(name for _, _, properties in links for name in properties))
    return _write(path, [f":START_ID({groups[0]})", f":END_ID({groups[1]})", *map(_header, columns)],
                  ([_node_id(start), _node_id(end), *(properties.get(c) for c in columns)]
                   for start, end, properties in links))


def _run_importer(server: LocalNeo4j, database: str, arguments: list[str]) -> None:
    command = [
        server.java(), *IMPORTER_JVM_FLAGS, "-cp", f"{server.lib}/*", ADMIN_TOOL, "database", "import", "full", database,
        "--overwrite-destination=true", "--multiline-fields=true", f"--report-file={server.logs / 'import.report'}",
        *arguments,  # last: each takes any number of files, so a positional after them would be one
    ]
    environment = os.environ | {"NEO4J_HOME": str(server.home), "NEO4J_CONF": str(server.conf_dir)}
    result = subprocess.run(command, capture_output=True, text=True, env=environment, cwd=server.home)
    if result.returncode != 0:
        raise BulkIngestError("neo4j-admin database import failed:\n" + (result.stdout + result.stderr)[-3000:])

