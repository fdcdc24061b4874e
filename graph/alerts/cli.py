"""``aim alerts ...``: run the rules, work the alert lifecycle and watch list, evaluate."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

alerts_app = typer.Typer(help="Event recognition and alerts (rules, RAG, lifecycle, watch list).",
                         no_args_is_help=True)

TodayOpt = Annotated[Optional[str], typer.Option("--today", help="Evaluate as of this date (YYYY-MM-DD) "
                                                  "[AIM_TODAY or the calendar date]")]


def _today(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise typer.BadParameter(f"--today {value!r} is not a YYYY-MM-DD date") from exc


def _console():
    from rich.console import Console

    return Console()


def _fail(message: str) -> None:
    _console().print(f"[red]error:[/red] {message}")
    raise typer.Exit(1)


@alerts_app.command("run")
def run_cmd(
    today: TodayOpt = None,
    rule: Annotated[Optional[list[str]], typer.Option("--rule", help="Only these rule ids")] = None,
    rules_file: Annotated[Optional[Path], typer.Option("--rules", exists=True, help="Rule set YAML")] = None,
) -> None:
    """Evaluate every rule for every subject with recent activity; create/update alerts."""
    from aim.graph.store import get_driver

    from .engine import run_all
    from .rules import RuleError, load_rules

    try:
        report = run_all(_today(today), rules=load_rules(rules_file), rule_ids=rule, driver=get_driver())
    except RuleError as exc:
        _fail(str(exc))
    console = _console()
    console.print(f"Alerts as of {report.today}: {report.findings:,} subjects meet a rule — "
                  f"{report.created:,} new, {report.updated:,} updated, {report.reopened:,} re-opened, "
                  f"{report.unchanged:,} unchanged; {report.stale:,} went stale, {report.closed:,} closed "
                  f"({report.seconds:.1f} s)")
    for rule_id, n in sorted(report.per_rule.items()):
        console.print(f"  {rule_id:<22} {n:>7,}")
    if report.rag:
        console.print("  " + ", ".join(f"{k} {v:,}" for k, v in sorted(report.rag.items())))


@alerts_app.command("cases")
def cases_cmd() -> None:
    """Gather every alert into its subject's case (once, after upgrading from a version without
    cases: the engine gathers the alerts it writes)."""
    from aim.graph.store import get_driver

    from .cases import gather_all

    _console().print(f"{gather_all(driver=get_driver()):,} case(s) gather the alerts.")


@alerts_app.command("list")
def list_cmd(
    status: Annotated[Optional[list[str]], typer.Option("--status", help="new, acknowledged, watch_list, "
                                                         "referred, dismissed")] = None,
    limit: int = typer.Option(30, "--limit"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Alerts, highest score first."""
    from rich.table import Table

    from aim.graph.store import get_driver

    from .lifecycle import list_alerts

    alerts = list_alerts(status or None, limit=limit, driver=get_driver())
    if as_json:
        typer.echo(json.dumps(alerts, default=str, indent=2))
        return
    table = Table("alert", "RAG", "score", "status", "subject", "summary")
    for a in alerts:
        table.add_row(a["alert_id"], a["rag"], f"{a['score']:.0f}", a["status"],
                      f"{a['subject_type']} {a['subject_id']}", a["summary"])
    _console().print(table)


@alerts_app.command("show")
def show_cmd(alert_id: str) -> None:
    """One alert: explanation, evidence and history."""
    from aim.graph.store import causal_session, get_driver

    from aim.settings import get_settings

    from .engine import as_of_today
    from .lifecycle import alert_history, read_alert

    def read(tx):
        found = read_alert(tx, alert_id)
        return found and as_of_today(tx, [found])[0]

    with causal_session(get_driver(), get_settings().neo4j_database) as session:
        alert = session.execute_read(read)
    if alert is None:
        _fail(f"no alert {alert_id}")
    alert["history"] = alert_history(alert_id, driver=get_driver())
    typer.echo(json.dumps(alert, default=str, indent=2))


def _transition(alert_id: str, to: str, by: str, reason: str | None, **kwargs) -> None:
    from aim.graph.store import get_driver

    from .lifecycle import LifecycleError, transition

    try:
        result = transition(alert_id, to, by, reason, driver=get_driver(), **kwargs)
    except LifecycleError as exc:
        _fail(str(exc))
    _console().print(f"{alert_id}: {result['from']} -> {result['to']}")


By = Annotated[str, typer.Option("--by", help="Who makes the change")]


@alerts_app.command("ack")
def ack_cmd(alert_id: str, by: By, reason: Optional[str] = typer.Option(None, "--reason")) -> None:
    """Acknowledge a new alert."""
    _transition(alert_id, "acknowledged", by, reason)


@alerts_app.command("dismiss")
def dismiss_cmd(alert_id: str, by: By, reason: str = typer.Option(..., "--reason")) -> None:
    """Dismiss an alert (a reason is required); it re-opens only on new evidence."""
    _transition(alert_id, "dismissed", by, reason)


@alerts_app.command("refer")
def refer_cmd(alert_id: str, by: By, reason: Optional[str] = typer.Option(None, "--reason")) -> None:
    """Mark an alert as referred to the MASH."""
    _transition(alert_id, "referred", by, reason)


@alerts_app.command("watch")
def watch_cmd(
    alert_id: str, by: By, reason: str = typer.Option(..., "--reason"),
    owner: Optional[str] = typer.Option(None, "--owner", help="[--by]"),
    review: Optional[str] = typer.Option(None, "--review", help="Review date YYYY-MM-DD [in 28 days]"),
    today: TodayOpt = None,
) -> None:
    """Move an alert to the watch list, putting its subject on the watch list."""
    _transition(alert_id, "watch_list", by, reason, owner=owner, review_date=_today(review), today=_today(today))


@alerts_app.command("watchlist")
def watchlist_cmd(today: TodayOpt = None, due: bool = typer.Option(False, "--due", help="Only reviews due"),
                  as_json: bool = typer.Option(False, "--json")) -> None:
    """The watch list with each subject's new activity."""
    from rich.table import Table

    from aim.graph.store import get_driver

    from .watchlist import watch_list

    entries = watch_list(_today(today), due_only=due, driver=get_driver())
    if as_json:
        typer.echo(json.dumps(entries, default=str, indent=2))
        return
    table = Table("watch", "subject", "owner", "review", "new activity", "reason")
    for e in entries:
        table.add_row(e["watch_id"], f"{e['subject_type']} {e['subject_id']}", e["owner"],
                      f"{e['review_date']}{' (due)' if e['due'] else ''}", str(len(e["activity"])), e["reason"])
    _console().print(table)


@alerts_app.command("evaluate")
def evaluate_cmd(
    directory: Annotated[Path, typer.Argument(exists=True, file_okay=False, help="Output of `aim seed generate`")],
    today: TodayOpt = None,
    rules_file: Annotated[Optional[Path], typer.Option("--rules", exists=True, help="Rule set YAML")] = None,
    truth_persons: bool = typer.Option(False, "--truth-persons",
                                       help="First write Persons/Households from the seeds truth "
                                            "(measures the rules apart from resolution)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Recall and precision per scenario kind, and days to alert, by replaying the rules."""
    from aim.graph.store import get_driver

    from .evaluate import evaluate, persons_from_truth
    from .rules import load_rules

    console = _console()
    if truth_persons:
        counts = persons_from_truth(directory, driver=get_driver())
        console.print(f"Persons from truth: {counts}")
    result = evaluate(directory, _today(today), rules=load_rules(rules_file), driver=get_driver())
    if as_json:
        typer.echo(json.dumps(result, default=str, indent=2))
        return
    for kind, figures in result["kinds"].items():
        shown = ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}" for k, v in figures.items())
        console.print(f"{kind:<26} {shown}")
    console.print("overall: " + ", ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                          for k, v in result["overall"].items()))
    for rule_id, figures in result["rules"].items():
        console.print(f"  {rule_id:<22} {figures}")
    now = result["today"]
    console.print(f"as of {result['overall']['today']}: {now['alerts']} alerts {now['rag']} {now['subjects']}; "
                  "current scenarios alerted: " + ", ".join(
                      f"{kind} {k['alerted']}/{k['current']}" for kind, k in sorted(now["kinds"].items())))


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
