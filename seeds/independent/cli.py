"""``aim seed independent``: the second, independent evaluation population."""

from __future__ import annotations

from pathlib import Path

import typer


def independent_cmd(
    records: int = typer.Option(30_000, "--records", "-n", min=10, help="About how many canonical rows"),
    seed: int = typer.Option(11, "--seed", "-s", help="Random seed: same seed, same bytes"),
    out: Path = typer.Option(Path("independent-data"), "--out", "-o", help="Output directory"),
) -> None:
    """Write canonical.csv and truth/ of a population built independently of `aim seed generate`
    (own names, households and error model), for evaluating resolution."""
    from .generate import generate

    counts = generate(records, seed, out)["counts"]
    typer.echo(f"{counts['people']:,} people, {counts['households']:,} households, "
               f"{counts['agency_records']:,} agency records, {counts['rows']:,} rows in {out}")
