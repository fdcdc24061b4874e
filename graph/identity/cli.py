"""``aim resolve``, ``aim households``, ``aim persons-export``, ``aim review``: resolution in the graph."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

console = Console()


def _quiet_driver() -> None:
    """Schema notifications (a label not created yet) are not news to the user."""
    import logging

    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)


def resolve(
    train: Annotated[bool, typer.Option("--train", help="Retrain the model on the records (default: reuse the current one)")] = False,
    model: Annotated[Optional[Path], typer.Option("--model", help="Use this MODEL.json (from `aim train`)")] = None,
    backend: Annotated[str, typer.Option(help="Connected components: auto (GDS when installed), gds, networkx, inprocess")] = "auto",
    households: Annotated[bool, typer.Option("--households/--no-households", help="Derive households afterwards")] = True,
    keys_only: Annotated[bool, typer.Option("--keys-only", help="Only store the records' blocking keys")] = False,
    engine: Annotated[str, typer.Option(help="local: in this process; spark: the linking as Spark jobs, Neo4j read and written per partition")] = "local",
    master: Annotated[str, typer.Option(help="Spark master URL (--engine spark)")] = "local[2]",
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
) -> None:
    """Resolve every record in the graph into persons (stable ids), SIMILAR pairs and households."""
    from aim.graph.store import get_driver
    from aim.resolution.model import Model

    _quiet_driver()
    say = (lambda m: None) if quiet else (lambda m: console.log(m))
    given = Model.load(model) if model else None
    if engine == "spark":
        from aim.graph.identity.spark_resolve import resolve as on_spark

        rep = on_spark(driver=get_driver(), train=train, model=given, master=master,
                       households=households, keys_only=keys_only, progress=say)
    elif engine == "local":
        from aim.graph.identity import resolve as run

        rep = run(driver=get_driver(), train=train, model=given, backend=backend, households=households,
                  keys_only=keys_only, progress=say)
    else:
        raise typer.BadParameter(f"--engine must be local or spark, not {engine!r}")
    console.print(
        f"{rep.records:,} records → {rep.persons:,} persons ({rep.backend}); model {rep.model_version}"
        f"{' (trained)' if rep.trained else ''}\n"
        f"candidate pairs {rep.candidate_pairs:,}; SIMILAR {rep.similar_pairs:,} "
        f"(written {rep.similar_written:,}, deleted {rep.similar_deleted:,}); blocking keys written {rep.keys_written:,}\n"
        f"persons written {rep.persons_written:,}, records moved {rep.records_moved:,}, "
        f"persons retired {rep.persons_retired:,}; events {dict(rep.events)}\n"
        "timings " + ", ".join(f"{k} {v:.1f}s" for k, v in rep.timings.items())
    )


def households(
    max_persons: Annotated[int, typer.Option(help="More persons than this at one address = shared address")] = 10,
    max_surnames: Annotated[int, typer.Option(help="More surnames than this at one address = shared address")] = 4,
    gap_days: Annotated[int, typer.Option(help="Periods at an address closer than this overlap")] = 365,
) -> None:
    """Derive households from shared addresses over time (shared addresses form none)."""
    from aim.graph.identity import HouseholdRules, derive_households
    from aim.graph.store import get_driver

    _quiet_driver()
    rep = derive_households(rules=HouseholdRules(max_persons, max_surnames, gap_days), driver=get_driver())
    console.print(rep)


def persons_export(
    out: Annotated[Path, typer.Argument(help="Write record_id,entity_id here")],
    canonical: Annotated[Optional[Path], typer.Option(help="canonical.csv: one line per row of it (for aim evaluate against link_truth.csv)")] = None,
) -> None:
    """Export the persons in the graph as clusters (for ``aim evaluate``)."""
    from aim.graph.identity import export_clusters
    from aim.graph.store import get_driver

    n = export_clusters(out, driver=get_driver(), canonical=str(canonical) if canonical else None)
    console.print(f"{n:,} lines written to {out}")


def review(
    limit: Annotated[int, typer.Option()] = 20,
    offset: Annotated[int, typer.Option()] = 0,
) -> None:
    """Show the review queue (pairs in the review band without a decision)."""
    from rich.table import Table

    from aim.graph.identity import record_key, review_queue
    from aim.graph.store import get_driver

    t = Table(title="Review queue")
    for c in ("record a", "record b", "probability", "a", "b"):
        t.add_column(c)
    for item in review_queue(limit, offset, driver=get_driver()):
        ra, rb = item["record_a"], item["record_b"]
        t.add_row(record_key(*item["record_key_a"]), record_key(*item["record_key_b"]), f"{item['probability']:.3f}",
                  f"{ra.get('first_name')} {ra.get('last_name')} {ra.get('date_of_birth')}",
                  f"{rb.get('first_name')} {rb.get('last_name')} {rb.get('date_of_birth')}")
    console.print(t)


def register(app: typer.Typer) -> None:
    app.command("resolve")(resolve)
    app.command("households")(households)
    app.command("persons-export")(persons_export)
    app.command("review")(review)
