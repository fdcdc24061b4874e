"""``aim db backup FILE`` and ``aim db restore FILE`` (see :mod:`aim.graph.backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()


def backup(file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write (.jsonl or .jsonl.gz)")]) -> None:
    """Export the whole graph (nodes, relationships, properties) while Neo4j runs."""
    from aim.graph.backup import BackupError, export_graph

    try:
        report = export_graph(file)
    except BackupError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    console.print(f"Backed up {report.nodes:,} nodes and {report.relationships:,} relationships to {file} "
                  f"({report.bytes / 2**20:.1f} MB, {report.seconds:.1f} s).")


def restore(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A file written by `aim db backup`")],
    replace: Annotated[bool, typer.Option("--replace", help="Delete the current graph first")] = False,
) -> None:
    """Re-create a backed-up graph in an empty database and check the counts."""
    from aim.graph.backup import BackupError, restore_graph

    try:
        report = restore_graph(file, replace=replace)
    except BackupError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    console.print(f"Restored {report.nodes:,} nodes and {report.relationships:,} relationships from {file} "
                  f"({report.seconds:.1f} s); counts match the backup.")


def register(app: typer.Typer) -> None:
    from aim.graph.cli import db_app

    db_app.command("backup")(backup)
    db_app.command("restore")(restore)
