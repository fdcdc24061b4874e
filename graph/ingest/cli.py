"""``aim ingest``: validate and load one agency's export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.table import Table

console = Console()


def ingest(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="CSV or TSV export")],
    source: Annotated[Optional[str], typer.Option(help="Organisation code of the sender")] = None,
    mapping: Annotated[Optional[Path], typer.Option(exists=True, help="The agency's mapping YAML")] = None,
    rejects: Annotated[Optional[Path], typer.Option(help="Where rejected rows go [FILE.rejects.csv]")] = None,
    bulk: Annotated[bool, typer.Option(
        "--bulk", help="First load of an EMPTY local database with Neo4j's offline importer (restarts the server)",
    )] = False,
) -> None:
    """Validate and load one agency's export of the minimum data set."""
    from aim.canonical import Mapping, MappingError
    from aim.graph.ingest import BulkIngestError, bulk_ingest_file, ingest_file
    from aim.graph.store import get_driver

    load = bulk_ingest_file if bulk else ingest_file
    try:
        loaded = Mapping.from_yaml(mapping) if mapping else None
        report = load(file, source=source, mapping=loaded, rejects_path=rejects, driver=get_driver())
    except (MappingError, BulkIngestError) as exc:
        console.print(f"[red]error:[/red] {file}: {exc}. Nothing was loaded.")
        raise typer.Exit(1) from None
    print_report(report)


def print_report(report) -> None:
    table = Table(title=f"Ingest summary ({report.source or 'source from rows'})", show_header=False)
    for label, value in (
        ("rows read", report.rows_read),
        ("accepted", report.accepted),
        ("rejected", report.rejected),
        ("new records", report.written.new_records),
        ("updated records", report.written.updated_records),
        ("new events", report.written.new_events),
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
    app.command("ingest")(ingest)
