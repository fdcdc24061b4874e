"""``aim db ...``: the local Neo4j, the AIM schema, backup and restore."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console()
db_app = typer.Typer(help="The local Neo4j server and the AIM schema.", no_args_is_help=True)


def _server():
    from aim.graph.store import LocalNeo4j
    from aim.settings import get_settings

    return LocalNeo4j(get_settings())


def _fail(message: str) -> None:
    console.print(f"[red]error:[/red] {message}")
    raise typer.Exit(1)


@db_app.command("start")
def db_start() -> None:
    """Fetch Neo4j from Maven Central once, start it, wait until Bolt answers, migrate."""
    from aim.graph.store import Neo4jServerError

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
def db_reset(
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask")] = False,
    discard_audit: Annotated[bool, typer.Option(
        "--discard-audit", help="Delete the audit trail too (refused without it when there is one)")] = False,
) -> None:
    """Delete every node of the local database and start it afresh (downloads are kept)."""
    from aim.graph.access.audit import record_replacement
    from aim.graph.store import audit_held, get_driver
    from aim.settings import get_settings

    settings, server = get_settings(), _server()
    server.start()
    held = audit_held(get_driver(), settings.neo4j_database)
    if held["entries"] and not discard_audit:
        _fail(f"the database holds {held['entries']:,} audit entries, which a reset would delete; "
              "add --discard-audit to delete them (the JSON-lines copy keeps them, and an entry records it)")
    if not yes:
        typer.confirm("Delete all data in the local Neo4j?", abort=True)
    console.print(server.reset().describe())
    db_migrate()
    if held["entries"]:
        record_replacement(get_driver(), settings.neo4j_database, settings.audit_log_path, "aim db reset", held, {})


@db_app.command("migrate")
def db_migrate() -> None:
    """Create the AIM constraints and indexes (idempotent)."""
    from aim.graph.store import get_driver, migrate
    from aim.settings import get_settings

    count = migrate(get_driver(), get_settings().neo4j_database)
    console.print(f"Schema up to date ({count} constraints and indexes).")


@db_app.command("backup")
def db_backup(
    file: Annotated[Path, typer.Argument(dir_okay=False, help="Where to write (.jsonl or .jsonl.gz)")],
    unencrypted: Annotated[bool, typer.Option(
        "--unencrypted", help="Write it in the clear even where AIM_BACKUP_KEY is set or required")] = False,
) -> None:
    """Export the whole graph (nodes, relationships, properties) while Neo4j runs, encrypted
    with AIM_BACKUP_KEY, readable by its owner only."""
    from aim.graph.store import BackupError, export_graph, get_driver

    try:
        report = export_graph(file, driver=get_driver(), unencrypted=unencrypted)
    except BackupError as exc:
        _fail(str(exc))
    how = "unencrypted" if report.unencrypted else "encrypted"
    console.print(f"Backed up {report.nodes:,} nodes and {report.relationships:,} relationships to {file}, {how} "
                  f"({report.bytes / 2**20:.1f} MB, {report.seconds:.1f} s).")


@db_app.command("restore")
def db_restore(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A file written by `aim db backup`")],
    replace: Annotated[bool, typer.Option("--replace", help="Delete the current graph first")] = False,
    discard_audit: Annotated[bool, typer.Option(
        "--discard-audit", help="With --replace: delete the current audit trail too (recorded in the new one)")] = False,
) -> None:
    """Re-create a backed-up graph in an empty database and check the counts; the restore is
    recorded in the audit trail."""
    from aim.graph.access.audit import record_replacement
    from aim.graph.store import BackupError, get_driver, restore_graph
    from aim.settings import get_settings

    settings, driver = get_settings(), get_driver()
    try:
        report = restore_graph(file, driver=driver, replace=replace, discard_audit=discard_audit)
    except BackupError as exc:
        _fail(str(exc))
    record_replacement(driver, settings.neo4j_database, settings.audit_log_path, "aim db restore",
                       report.discarded_audit, {"backup": file.name})
    console.print(f"Restored {report.nodes:,} nodes and {report.relationships:,} relationships from {file} "
                  f"({report.seconds:.1f} s); counts match the backup.")
    if report.discarded_audit.get("entries"):
        console.print(f"{report.discarded_audit['entries']:,} audit entries were discarded; "
                      f"{settings.audit_log_path} keeps them.")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
