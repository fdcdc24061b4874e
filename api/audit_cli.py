"""``aim audit verify``: check the audit trail's hash chain and, with ``--against-file``,
compare it with its JSON-lines copy. Exits 1 when anything was changed or deleted."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

SHOWN = 50  # findings listed; the count says how many there are
audit_app = typer.Typer(help="The audit trail: check that it is whole.", no_args_is_help=True)


@audit_app.command("verify")
def audit_verify(
    against_file: Annotated[bool, typer.Option(
        "--against-file", help="Compare the graph's entries with the JSON-lines copy too")] = False,
    audit_log: Annotated[Optional[Path], typer.Option(
        help="The copy to compare with [AIM_AUDIT_LOG, $AIM_HOME/audit/audit.jsonl]")] = None,
) -> None:
    """Find audit entries that were changed or deleted (named by position and id)."""
    from aim.api.services.audit_integrity import anchor_key
    from aim.api.settings import get_api_settings
    from aim.graph.access.audit import verify
    from aim.graph.store import connect

    settings = get_api_settings()
    driver = connect(settings)
    try:
        verdict = verify(driver, settings.neo4j_database, anchor_key(settings),
                         (audit_log or settings.audit_log_path) if against_file else None)
    finally:
        driver.close()
    for finding in verdict.findings[:SHOWN]:
        typer.echo(f"TAMPERED {finding}", err=True)
    described = (f"{verdict.entries:,} chained entries (positions {verdict.anchor + 1}..{verdict.head}"
                 + (f", entries up to {verdict.anchor} aged out by retention" if verdict.anchor else "") + ")")
    if verdict.unchained:
        described += f"; {verdict.unchained:,} entries from before the chain (not verifiable)"
    if not verdict.intact:
        typer.echo(f"audit trail NOT intact: {len(verdict.findings)} problem(s) in {described}", err=True)
        raise typer.Exit(1)
    typer.echo(f"audit trail intact: {described}" + (", identical to the copy" if against_file else ""))


@audit_app.command("resign-anchor")
def audit_resign_anchor(
    previous_secret: Annotated[str, typer.Option(
        envvar="AIM_PREVIOUS_JWT_SECRET", prompt=True, hide_input=True,
        help="The AIM_JWT_SECRET before it was rotated [AIM_PREVIOUS_JWT_SECRET]")],
) -> None:
    """After rotating AIM_JWT_SECRET: re-sign the chain's retention anchor with the new key,
    if (and only if) the previous secret's key signed it."""
    import getpass

    from aim.api.services.audit_integrity import resign
    from aim.api.settings import get_api_settings
    from aim.graph.access.audit import AuditContext
    from aim.graph.store import connect

    settings = get_api_settings()
    ctx = AuditContext(username=f"cli:{getpass.getuser()}", role="admin", organisation=None, method="CLI",
                       endpoint="aim audit resign-anchor")
    driver = connect(settings)
    try:
        seq = resign(driver, settings.neo4j_database, settings, previous_secret, ctx)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        driver.close()
    typer.echo("no anchor: nothing to re-sign" if seq is None else f"anchor at entry {seq} re-signed with the new key")


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
