"""``aim db ...`` (the local Neo4j and the schema) and ``aim ingest``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

console = Console()
db_app = typer.Typer(help="The local Neo4j server and the AIM schema.", no_args_is_help=True)


def _server():
    from aim.graph.server import LocalNeo4j
    from aim.settings import get_settings

    return LocalNeo4j(get_settings())


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(1)


@db_app.command("start")
def db_start() -> None:
    """Fetch Neo4j from Maven Central once, start it, wait until Bolt answers, migrate."""
    from aim.graph.server import Neo4jServerError

    try:
        with console.status("Starting Neo4j (the first start downloads it from Maven Central)..."):
            status = _server().start()
    except Neo4jServerError as exc:
        _fail(str(exc))
    console.print(status.describe())
    db_migrate()


@db_app.command("stop")
def db_stop() -> None:
    """Stop the local Neo4j if it runs."""
    console.print("Neo4j stopped." if _server().stop() else "Neo4j was not running.")


@db_app.command("status")
def db_status() -> None:
    """Say whether the local Neo4j runs, and where."""
    status = _server().status()
    console.print(status.describe())
    raise typer.Exit(0 if status.running else 3)


@db_app.command("reset")
def db_reset(yes: Annotated[bool, typer.Option("--yes", help="Do not ask")] = False) -> None:
    """Delete every node of the local database and start it afresh (downloads are kept)."""
    if not yes:
        typer.confirm("Delete all data in the local Neo4j?", abort=True)
    console.print(_server().reset().describe())
    db_migrate()


@db_app.command("migrate")
def db_migrate() -> None:
    """Create the AIM constraints and indexes (idempotent)."""
    from aim.graph.db import get_driver
    from aim.graph.schema import migrate
    from aim.settings import get_settings

    count = migrate(get_driver(), get_settings().neo4j_database)
    console.print(f"Schema up to date ({count} constraints and indexes).")


def ingest(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or TSV export")],
    source: Annotated[Optional[str], typer.Option(help="Organisation code of the sender")] = None,
    mapping: Annotated[Optional[Path], typer.Option(exists=True, help="The agency's mapping YAML")] = None,
    rejects: Annotated[Optional[Path], typer.Option(help="Where rejected rows go [FILE.rejects.csv]")] = None,
) -> None:
    """Validate and load one agency's export of the minimum data set."""
    from aim.canonical import Mapping, MappingError
    from aim.graph.ingest import ingest_file

    try:
        loaded = Mapping.from_yaml(mapping) if mapping else None
        report = ingest_file(file, source=source, mapping=loaded, rejects_path=rejects)
    except MappingError as exc:
        _fail(f"{file}: {exc}. Nothing was loaded.")
    print_report(report)


def print_report(report) -> None:
    table = Table(title=f"Ingest summary ({report.source or 'source from rows'})", show_header=False)
    for label, value in (
        ("rows read", report.rows_read),
        ("accepted", report.accepted),
        ("rejected", report.rejected),
        ("new records", report.new_records),
        ("updated records", report.updated_records),
        ("new events", report.new_events),
    ):
        table.add_row(label, f"{value:,}")
    console.print(table)
    for field, count in sorted(report.warnings.items()):
        console.print(f"[yellow]warning:[/yellow] {count:,} row(s) with a {field} problem, loaded as given")
    for warning in report.warning_examples[:5]:
        console.print(f"  line {warning.line}: {warning.message}")
    if report.rejects_path:
        console.print(f"[red]{report.rejected:,} rejected row(s)[/red] with reasons in {report.rejects_path}")
        for reject in report.rejects[:5]:
            console.print(f"  line {reject.line}: {reject.reason}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
    app.command("ingest")(ingest)
