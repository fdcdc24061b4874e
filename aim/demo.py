"""``aim demo``: the README's main job, from nothing to the dashboard on demo data.

Starts the local Neo4j, generates a synthetic town whose activity ends today, loads every
agency's export through the normal ingest path, resolves records into persons and
households, runs the alert rules, creates one demo user per role and serves the API and
dashboard. Each step is skipped when its result is already there, so a second run starts
the dashboard in seconds.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.table import Table

console = Console()

DEMO_PASSWORD = "aim-demo-password"  # local demo data only: synthetic people, loopback server
DEMO_USERS = (
    ("mash.demo", "mash", None, "MASH officer (demo)"),
    ("partner.demo", "partner", "SCHOOL_OAK", "Oakfield Primary safeguarding lead (demo)"),
    ("analyst.demo", "analyst", None, "Analyst (demo)"),
    ("dpo.demo", "dpo", None, "Data Protection Officer (demo)"),
    ("admin.demo", "admin", None, "Administrator (demo)"),
)


def demo(
    people: Annotated[int, typer.Option(help="People in the synthetic town")] = 5000,
    seed: Annotated[int, typer.Option(help="Random seed of the synthetic town")] = 1,
    serve: Annotated[bool, typer.Option(help="Serve the dashboard at the end")] = True,
    port: Annotated[int, typer.Option(help="Port of the dashboard")] = 8000,
    discard_audit: Annotated[bool, typer.Option(
        "--discard-audit", help="When a new town replaces the graph, delete the audit trail too (kept otherwise)")] = False,
) -> None:
    """Start Neo4j, load a synthetic town, resolve, raise alerts and serve the dashboard."""
    from aim.graph.store import LocalNeo4j, get_driver, migrate
    from aim.settings import get_settings

    settings = get_settings()
    started = time.perf_counter()
    if not local_uri(settings.neo4j_uri):
        console.print(f"[red]error:[/red] AIM_NEO4J_URI points at {settings.neo4j_uri}; the demo replaces the "
                      "graph it uses, so it runs only on a local Neo4j (unset AIM_NEO4J_URI).")
        raise typer.Exit(1)
    # not under a spinner: the first start prints Maven's download progress
    console.print("Starting Neo4j (the first start downloads it from Maven Central, about 200 MB)...")
    with phase("start Neo4j"):
        status = LocalNeo4j(settings).start()
    console.print(f"[green]✓[/green] {status.describe()}")
    driver = get_driver()
    migrate(driver, settings.neo4j_database)

    today = date.today()
    folder = settings.home / "demo" / f"town-{people}-{seed}-{today.isoformat()}"
    manifest = _generate(folder, people, seed, today)
    _load(folder, driver, settings, discard_audit)
    _resolve(folder, driver)
    _alerts(folder, today, driver)
    _users(driver, settings.neo4j_database)
    console.print(f"  [dim]demo ready in {time.perf_counter() - started:.0f} s[/dim]")
    _welcome(manifest, port)
    if serve:
        from aim.api.cli import serve as serve_api
        from aim.api.settings import get_api_settings

        # The demo's API may run on a secret generated for this machine (api/settings.py).
        os.environ["AIM_DEMO"] = "true"
        get_api_settings.cache_clear()
        serve_api(host="127.0.0.1", port=port, workers=1, log_level="warning")


def local_uri(uri: str | None) -> bool:
    """Unset (the local server of ``aim db start``) or a loopback address."""
    if not uri:
        return True
    host = urlsplit(uri).hostname or ""
    return host == "localhost" or host == "::1" or host.startswith("127.")


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Print how long a step of the demo took."""
    started = time.perf_counter()
    yield
    console.print(f"  [dim]{name}: {time.perf_counter() - started:.1f} s[/dim]")


def _step_done(folder: Path, step: str) -> bool:
    return (folder / f".{step}-done").exists()


def _mark(folder: Path, step: str) -> None:
    (folder / f".{step}-done").write_text(date.today().isoformat())


def _graph_step_done(driver, folder: Path, step: str) -> bool:
    """Whether a step that writes the graph ran on this graph for this town: the mark is in
    the graph, so a graph emptied since (``aim db reset``, a test run) is built again."""
    from aim import cypher
    from aim.graph.store import causal_session
    from aim.settings import get_settings

    with causal_session(driver, get_settings().neo4j_database) as session:  # after this run's steps
        return session.execute_read(
            lambda tx: tx.run(cypher.load("demo/step_done"), town=folder.name, step=step).single()["done"])


def _mark_graph_step(driver, folder: Path, step: str) -> None:
    from aim import cypher
    from aim.graph.store import causal_session
    from aim.settings import get_settings

    with causal_session(driver, get_settings().neo4j_database) as session:
        session.execute_write(
            lambda tx: tx.run(cypher.load("demo/mark_step"), town=folder.name, step=step).consume())


def _generate(folder: Path, people: int, seed: int, today: date) -> dict:
    from aim.seeds.generate import generate

    if not _step_done(folder, "generate"):
        with console.status(f"Generating a synthetic town of {people:,} people..."), phase("generate"):
            generate(people, seed, folder, today)
        _mark(folder, "generate")
    manifest = json.loads((folder / "manifest.json").read_text())
    console.print(f"[green]✓[/green] synthetic town in {folder}")
    return manifest


def _load(folder: Path, driver, settings, discard_audit: bool) -> None:
    from aim.graph.access.audit import record_replacement
    from aim.graph.store import AUDIT_LABELS, clear_graph
    from aim.seeds.load import load

    if _graph_step_done(driver, folder, "load"):
        return
    # A different town may be loaded from an earlier day: start from an empty graph, but
    # for the users and, unless discarded explicitly, the audit trail.
    keep = ("User",) if discard_audit else ("User", *AUDIT_LABELS)
    dropped = clear_graph(driver, settings.neo4j_database, keep=keep, discard_audit=discard_audit)
    if discard_audit:
        record_replacement(driver, settings.neo4j_database, settings.audit_log_path, "aim demo --discard-audit",
                           dropped, {"town": folder.name})
    with phase("ingest"):
        reports = load(folder, progress=True, driver=driver)
    rows = sum(r.accepted for r in reports.values())
    console.print(f"[green]✓[/green] loaded {rows:,} agency rows from {len(reports)} partner organisations")
    _mark_graph_step(driver, folder, "load")


def _resolve(folder: Path, driver) -> None:
    from aim.graph.identity import resolve

    if _graph_step_done(driver, folder, "resolve"):
        return
    with console.status("Resolving records into persons and households..."), phase("resolve"):
        report = resolve(driver=driver, train=True)
    console.print(f"[green]✓[/green] {report.records:,} records resolved into {report.persons:,} persons "
                  f"({report.backend} clustering)")
    _mark_graph_step(driver, folder, "resolve")


def _alerts(folder: Path, today: date, driver) -> None:
    from aim.graph.alerts.engine import run_all

    if _graph_step_done(driver, folder, "alerts"):
        return
    # As of today, as the daily run would: every alert raised is current, raised today, and
    # states the dates of its evidence (the demo's scenarios end in the last few days).
    with console.status("Running the alert rules as of today..."), phase("alerts"):
        report = run_all(today, driver=driver)
    ratings = ", ".join(f"{count} {rag}" for rag, count in sorted(report.rag.items()))
    console.print(f"[green]✓[/green] alerts raised as of {today.isoformat()}: {ratings or 'none'}")
    _mark_graph_step(driver, folder, "alerts")


def _users(driver, database: str) -> None:
    from aim.api.cli import cli_context
    from aim.graph.access.audit import AuditEntry, record
    from aim.graph.access.users import create_user, get_user
    from aim.settings import get_settings

    for username, role, organisation, name in DEMO_USERS:
        if get_user(driver, database, username) is None:
            # Privileged demo users need no second approval (as with `aim users add`), but are audited.
            record(driver, database, get_settings().audit_log_path, cli_context("admin", "aim demo"),
                   AuditEntry("users.create", [], {"username": username, "role": role, "approval": "aim demo"}))
            create_user(driver, database, username, DEMO_PASSWORD, role, organisation, name)


def _welcome(manifest: dict, port: int) -> None:
    table = Table(title="Sign in (demo users, password: " + DEMO_PASSWORD + ")")
    table.add_column("user")
    table.add_column("role")
    for username, role, organisation, _ in DEMO_USERS:
        table.add_row(username, role + (f" ({organisation})" if organisation else ""))
    console.print(table)
    child = manifest.get("demo", {}).get("escalating_child_concern")
    if child:
        console.print(
            f"An alerted child to find: [bold]{child['first_name']} {child['last_name']}[/bold], "
            f"born {child['date_of_birth']} — or open Alerts."
        )
    for kind, shown in manifest.get("demo", {}).items():
        if kind != "escalating_child_concern":
            console.print(f"Also alerted today ({kind.replace('_', ' ')}): {shown['first_name']} "
                          f"{shown['last_name']}, {shown['address']}")
    console.print(f"[bold green]Dashboard: http://127.0.0.1:{port}/[/bold green]  (Ctrl+C stops it)")
