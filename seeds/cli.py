"""Commands contributed to ``aim``: ``aim seed generate`` and ``aim seed load``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from .independent.cli import independent_cmd

seed_app = typer.Typer(
    help="Synthetic multi-agency population with ground truth (see docs/seeds.md).",
    no_args_is_help=True,
)


@seed_app.command("generate")
def generate_cmd(
    people: int = typer.Option(10_000, "--people", "-n", min=1, help="How many people to make"),
    seed: int = typer.Option(1, "--seed", "-s", help="Random seed: same seed, same bytes"),
    out: Path = typer.Option(Path("seed-data"), "--out", "-o", help="Output directory"),
    today: str = typer.Option("2026-11-01", "--today", help="The data set's 'today' (YYYY-MM-DD)"),
    days: int = typer.Option(730, "--days", min=80, help="Length of the event window, ending today"),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
) -> None:
    """Write agency exports, mappings, canonical.csv and truth files to OUT."""
    import time

    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from .generate import generate

    console = Console(stderr=True)
    try:
        today_date = date.fromisoformat(today)
    except ValueError as exc:
        raise typer.BadParameter(f"--today {today!r} is not a YYYY-MM-DD date") from exc
    started = time.perf_counter()
    if progress:
        with Progress(
            TextColumn("[bold]people"), BarColumn(), TextColumn("{task.completed:,}/{task.total:,}"),
            TimeElapsedColumn(), TimeRemainingColumn(), console=console,
        ) as bar:
            task = bar.add_task("people", total=people)
            manifest = generate(people, seed, out, today_date, days,
                                progress=lambda n: bar.advance(task, n))
    else:
        manifest = generate(people, seed, out, today_date, days)
    counts = manifest["counts"]
    console.print(
        f"[green]{counts['people']:,} people, {counts['households']:,} households, "
        f"{counts['agency_records']:,} agency records, {counts['agency_rows']:,} agency rows "
        f"({counts['invalid_rows']:,} deliberately invalid), "
        f"{sum(counts['scenarios'].values()):,} scenarios[/green] in {out} "
        f"({time.perf_counter() - started:.1f}s)"
    )


@seed_app.command("load")
def load_cmd(
    directory: Path = typer.Argument(..., exists=True, file_okay=False, help="Output of `aim seed generate`"),
    only: list[str] = typer.Option(None, "--only", help="Load only these agency codes"),
    progress: bool = typer.Option(True, "--progress/--no-progress"),
) -> None:
    """Ingest every agency export in DIRECTORY through the normal ingest path, with its mapping."""
    from rich.console import Console

    from aim.graph.store import get_driver

    from .load import load

    console = Console(stderr=True)
    reports = load(directory, only=only or None, progress=progress, driver=get_driver())
    total_rejected = 0
    for code, report in reports.items():
        total_rejected += report.rejected
        console.print(f"{code:<12} read {report.rows_read:>9,}  accepted {report.accepted:>9,}  "
                      f"rejected {report.rejected:>6,}")
    console.print(f"[green]loaded {len(reports)} agency files[/green]; {total_rejected:,} rows rejected "
                  f"(the deliberately invalid rows are listed in truth/invalid_rows.csv)")


@seed_app.command("score-alerts")
def score_alerts_cmd(
    directory: Path = typer.Argument(..., exists=True, file_okay=False, help="Output of `aim seed generate`"),
    alerts: Path = typer.Argument(..., exists=True, dir_okay=False,
                                  help="CSV alert_id + record_id (or source,source_record_id) [+ alert_date]"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON"),
) -> None:
    """Recall per scenario kind, decoy false alerts and precision of a set of alerts."""
    import json

    from .score import score_alerts

    result = score_alerts(directory, alerts)
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    for kind, figures in result.items():
        shown = ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items())
        typer.echo(f"{kind:<26} {shown}")


seed_app.command("independent")(independent_cmd)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the root ``aim`` app."""
    app.add_typer(seed_app, name="seed")
