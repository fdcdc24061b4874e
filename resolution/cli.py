"""Commands contributed to ``aim``: link, train, explain, evaluate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def _progress():
    from rich.console import Console

    console = Console(stderr=True)
    return console, (lambda msg: console.log(msg))


def _read(records: Path):
    """The records of a canonical file; a file that cannot be read is a usage error naming it."""
    from aim.resolution.records import read_records

    try:
        return read_records(records)
    except (OSError, ValueError) as e:
        raise typer.BadParameter(str(e), param_hint="RECORDS") from None


def link(
    records: Annotated[Path, typer.Argument(help="Canonical CSV or Parquet with a record_id column")],
    out: Annotated[Path, typer.Option("--out", help="Write record_id,entity_id here")],
    pairs: Annotated[Path | None, typer.Option("--pairs", help="Write scored pairs (review band and above)")] = None,
    model: Annotated[Path | None, typer.Option("--model", help="Trained MODEL.json (default: train on the input)")] = None,
    save_model: Annotated[Path | None, typer.Option("--save-model", help="Save the model trained on the input")] = None,
    no_guard: Annotated[bool, typer.Option("--no-guard", help="Disable the over-merge guard (DOB conflicts, twins)")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q")] = False,
    engine_name: Annotated[str, typer.Option(
        "--engine", help="local: in this process; spark: as Spark jobs (RECORDS and --out may be Parquet or any "
                         "URL Spark reads; --out is a directory of part files). See docs/scale.md")] = "local",
    master: Annotated[str, typer.Option("--master", help="Spark master URL (--engine spark)")] = "local[2]",
) -> None:
    """Resolve RECORDS.csv into entities (every input row gets an entity_id)."""
    import csv

    from aim.resolution import engine
    from aim.resolution.model import Model
    from aim.resolution.records import prepare

    console, say = _progress()
    say = (lambda m: None) if quiet else say
    if _on_spark(engine_name):
        _link_on_spark(records, out, model, master, not no_guard, say, console, quiet, pairs, save_model)
        return
    say(f"reading {records}")
    m = Model.load(model) if model else None
    # prepared first: the columns read are freed before linking (about 0.2 GB at 1M rows)
    res = engine.link(prepare(_read(records)), m, guard=not no_guard, progress=say)
    if save_model and m is None:
        res.model.save(save_model)
    with open(out, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["record_id", "entity_id"])
        w.writerows(zip(res.prepared.row_ids, res.entity_ids))
    if pairs:
        rows = res.pairs()
        with open(pairs, "w", newline="") as fh:
            fields = ["record_id_l", "record_id_r", "match_weight", "match_probability", "decision", "same_entity"]
            w = csv.DictWriter(fh, fieldnames=fields)
            w.writeheader()
            w.writerows(rows)
    n_ent = len(set(res.entity_ids))
    if not quiet:
        console.log(f"{len(res.prepared.row_ids):,} rows, {res.prepared.n:,} records → {n_ent:,} entities; "
                    f"{res.blocks.n_pairs:,} candidate pairs; {len(res.review_queue()):,} for review; "
                    f"{res.timings['total']:.1f}s")


def _on_spark(engine_name: str) -> bool:
    """``--engine``: True for spark, False for local (in this process)."""
    if engine_name not in ("local", "spark"):
        raise typer.BadParameter(f"--engine must be local or spark, not {engine_name!r}")
    return engine_name == "spark"


def _spark_backend():
    """The Spark backend's modules (linking, training), or a message on what to install."""
    try:
        from aim.resolution.backends import spark, training
    except ImportError as e:
        raise typer.BadParameter(f"--engine spark needs the spark extra: pip install 'aim[spark]' ({e})") from e
    return spark, training


def _link_on_spark(records: Path, out: Path, model: Path | None, master: str, guard: bool, say, console,
                   quiet: bool, pairs: Path | None, save_model: Path | None) -> None:
    """``aim link --engine spark``: the engine's link() as Spark jobs, with the model given
    or, as in process, one trained on the input first (on Spark too)."""
    from aim.resolution.model import Model

    given = Model.load(model) if model else None
    counts, used = _spark_backend()[0].link_files(str(records), str(out), given, master=master, guard=guard,
                                                  pairs=str(pairs) if pairs else None, progress=say)
    if save_model and given is None:
        used.save(save_model)
    if not quiet:
        console.log(f"{counts['rows']:,} rows, {counts['records']:,} records → {counts['entities']:,} entities; "
                    f"{counts['candidate_pairs']:,} candidate pairs; written to {out}")


def train(
    records: Annotated[Path, typer.Argument(help="Canonical CSV or Parquet with a record_id column")],
    out: Annotated[Path, typer.Option("--out", help="Where to write MODEL.json")],
    seed: Annotated[int, typer.Option("--seed")] = 42,
    engine_name: Annotated[str, typer.Option(
        "--engine", help="local: in this process; spark: as Spark jobs, the same model (RECORDS may be Parquet "
                         "or any URL Spark reads). See docs/scale.md")] = "local",
    master: Annotated[str, typer.Option("--master", help="Spark master URL (--engine spark)")] = "local[2]",
) -> None:
    """Estimate a Fellegi–Sunter model on RECORDS.csv without labels and save it."""
    from aim.resolution import engine

    console, say = _progress()
    if _on_spark(engine_name):
        model = _spark_backend()[1].train_files(str(records), master=master, seed=seed, progress=say)
    else:
        model = engine.train(_read(records), seed=seed, progress=say)
    model.save(out)
    console.log(f"model saved to {out}")


def explain(
    model: Annotated[Path, typer.Argument(help="MODEL.json")],
    records: Annotated[Path, typer.Argument(help="Canonical CSV")],
    id1: Annotated[str, typer.Argument(help="record_id of the first record")],
    id2: Annotated[str, typer.Argument(help="record_id of the second record")],
    chart: Annotated[Path | None, typer.Option("--chart", help="Write a waterfall chart (PNG/SVG)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the explanation as JSON")] = False,
) -> None:
    """Show how each field contributes to the match weight of two records."""
    from aim.resolution.explain import explain_pair, waterfall_chart
    from aim.resolution.model import Model
    from aim.resolution.records import prepare

    m = Model.load(model)
    p = prepare(_read(records))
    row = {rid: r for r, rid in enumerate(p.row_ids)}
    for rid in (id1, id2):
        if rid not in row:
            raise typer.BadParameter(f"record_id {rid!r} not in {records}")
    i, j = int(p.row_record[row[id1]]), int(p.row_record[row[id2]])
    if i == j:
        typer.echo(f"{id1} and {id2} are rows of the same agency record: always one entity")
        raise typer.Exit(0)
    ex = explain_pair(m, prepared=p, i=i, j=j)
    ex["record_ids"] = [id1, id2]
    if as_json:
        typer.echo(json.dumps(ex, indent=1))
    else:
        from rich.console import Console
        from rich.table import Table

        t = Table(title=f"{id1} vs {id2}")
        for c in ("field", "values", "level", "weight", "tf adj"):
            t.add_column(c)
        for term in ex["terms"]:
            vals = " | ".join(term["values"]) if term["values"] else ""
            t.add_row(term["field"], vals, term["label"], f"{term['weight']:+.2f}",
                      f"{term['tf_adjustment']:+.2f}" if term["tf_adjustment"] else "")
        t.add_row("total", "", "", f"{ex['match_weight']:+.2f}", "")
        Console().print(t)
        typer.echo(f"match probability {ex['match_probability']:.6f}")
    if chart:
        waterfall_chart(ex, chart)
        typer.echo(f"chart written to {chart}")


def evaluate(
    truth: Annotated[Path, typer.Argument(help="TRUTH.csv: record_id,entity_id")],
    clusters: Annotated[Path, typer.Argument(help="CLUSTERS.csv: record_id,entity_id")],
    as_json: Annotated[bool, typer.Option("--json")] = False,
    explain_errors: Annotated[bool, typer.Option(
        "--explain-errors",
        help="List missed and wrong links by category, with examples, and blocking recall per rule (needs --records)",
    )] = False,
    records: Annotated[Path | None, typer.Option("--records", help="The canonical CSV that was linked")] = None,
    examples: Annotated[int, typer.Option("--examples", min=0)] = 3,
) -> None:
    """Pairwise precision/recall/F1 and B-cubed of CLUSTERS against TRUTH."""
    from aim.resolution.evaluate import evaluate_files

    if explain_errors and records is None:
        raise typer.BadParameter("--explain-errors needs --records RECORDS.csv")
    res = evaluate_files(truth, clusters)
    if explain_errors:
        res["errors"] = _explain_errors(truth, clusters, records, examples)
    if as_json:
        typer.echo(json.dumps(res, indent=1))
        return
    for k, v in res.items():
        if k != "errors":
            typer.echo(f"{k:>22}: {v:.4f}" if isinstance(v, float) else f"{k:>22}: {v:,}")
    for kind in ("missed", "wrong") if explain_errors else ():
        typer.echo(f"\n{kind} links: {res['errors'][kind + '_pairs']:,} record pairs")
        for category, c in res["errors"][kind].items():
            typer.echo(f"  {c['pairs']:>8,}  {category}")
            for a, b in c["examples"]:
                typer.echo(f"            {_show(a)}  |  {_show(b)}")
    if explain_errors:
        from aim.resolution.blocking import recall_table

        typer.echo("\n" + "\n".join(recall_table(res["errors"]["blocking"])))


def _show(r: dict) -> str:
    return " ".join(x for x in (r["record_id"], r["first"], r["middle"], r["last"], r["dob"],
                                r["address"], r["postcode"]) if x)


def _explain_errors(truth: Path, clusters: Path, records: Path, examples: int) -> dict:
    """Missed and wrong links by category, and blocking recall per rule."""
    from aim.resolution.blocking import block, recall_by_rule
    from aim.resolution.errors import explain_errors
    from aim.resolution.evaluate import read_labels
    from aim.resolution.records import prepare

    p = prepare(_read(records))
    true, predicted = read_labels(truth), read_labels(clusters)
    ids = p.record_ids
    blocks = block(p)
    true_entity = [true.get(x, x) for x in ids]
    errors = explain_errors(p, true_entity, [predicted.get(x, x) for x in ids], (blocks.left, blocks.right), examples)
    return errors | {"blocking": recall_by_rule(p, true_entity)}


def register(app: typer.Typer) -> None:
    """Add this package's commands to the root ``aim`` app."""
    app.command("link")(link)
    app.command("train")(train)
    app.command("explain")(explain)
    app.command("evaluate")(evaluate)
