"""Commands contributed to ``aim``: ``serve``, ``users`` and ``retention``."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Annotated, Optional

import typer

users_app = typer.Typer(help="API users (stored in the graph, argon2-hashed passwords).", no_args_is_help=True)
retention_app = typer.Typer(help="The retention policy for personal data.", no_args_is_help=True)


@contextmanager
def _user_admin():
    """The driver and settings for a users command; a UserError ends it with its message."""
    from aim.graph.access.users import UserError

    driver, settings = _backend()
    try:
        yield driver, settings.neo4j_database
    except UserError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    finally:
        driver.close()


def _backend():
    from aim.api.settings import get_api_settings
    from aim.graph.store import connect

    settings = get_api_settings()
    return connect(settings), settings


def serve(
    host: Annotated[Optional[str], typer.Option(help="Interface [AIM_API_HOST, 127.0.0.1]")] = None,
    port: Annotated[Optional[int], typer.Option(help="Port [AIM_API_PORT, 8000]")] = None,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    log_level: Annotated[str, typer.Option(help="uvicorn log level")] = "info",
    forwarded_allow_ips: Annotated[Optional[str], typer.Option(
        help="Addresses of the reverse proxy whose X-Forwarded-For/-Proto are believed (none by default)",
        envvar="AIM_FORWARDED_ALLOW_IPS")] = None,
) -> None:
    """Serve the AIM HTTP API with uvicorn (interactive docs at /api/v1/docs when AIM_API_DOCS=true)."""
    import uvicorn

    from aim.api.settings import SecretError, get_api_settings

    settings = get_api_settings()
    try:
        settings.signing_secret()
    except SecretError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    uvicorn.run(
        "aim.api.app:serving_app", factory=True, host=host or settings.api_host, port=port or settings.api_port,
        workers=workers, log_level=log_level, proxy_headers=bool(forwarded_allow_ips),
        forwarded_allow_ips=forwarded_allow_ips, server_header=False,
        # No access log: request lines carry subject ids (nothing personal in any log line).
        access_log=False, limit_concurrency=512, timeout_keep_alive=5,
    )


@users_app.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help="partner | mash | analyst | dpo | admin")],
    organisation: Annotated[Optional[str], typer.Option(help="Agency code (partners submit as it)")] = None,
    full_name: Annotated[Optional[str], typer.Option(help="Display name")] = None,
    password: Annotated[Optional[str], typer.Option(help="Taken from AIM_NEW_USER_PASSWORD or asked when absent",
                                                    envvar="AIM_NEW_USER_PASSWORD")] = None,
) -> None:
    """Create a user. The command line is how the first administrator comes to be, so a
    privileged role needs no second approval here (it does in the API), but it is audited."""
    from aim.api.settings import get_api_settings
    from aim.graph.access.audit import AuditEntry, record
    from aim.graph.access.users import check_role, create_user

    if not password:
        password = typer.prompt("Password (12+ characters)", hide_input=True, confirmation_prompt=True)
    with _user_admin() as (driver, database):
        check_role(role, organisation)
        record(driver, database, get_api_settings().audit_log_path, cli_context("admin", "aim users add"),
               AuditEntry("users.create", [], {"username": username, "role": role, "approval": "command line"}))
        user = create_user(driver, database, username, password, role, organisation, full_name)
    typer.echo(f"created {user['username']} ({user['role']}{', ' + user['organisation'] if user['organisation'] else ''})")


@users_app.command("disable")
def users_disable(username: str) -> None:
    """Disable a user: their tokens stop working at once."""
    from aim.graph.access.users import set_disabled

    with _user_admin() as (driver, database):
        set_disabled(driver, database, username, True)
    typer.echo(f"disabled {username}")


@users_app.command("enable")
def users_enable(username: str) -> None:
    """Enable a disabled user again."""
    from aim.graph.access.users import set_disabled

    with _user_admin() as (driver, database):
        set_disabled(driver, database, username, False)
    typer.echo(f"enabled {username}")


@users_app.command("password")
def users_password(
    username: str,
    password: Annotated[Optional[str], typer.Option(help="Taken from AIM_NEW_USER_PASSWORD or asked when absent",
                                                    envvar="AIM_NEW_USER_PASSWORD")] = None,
) -> None:
    """Set a user's password: every token issued under the old one stops working."""
    from aim.graph.access.users import set_password

    if not password:
        password = typer.prompt("New password (12+ characters)", hide_input=True, confirmation_prompt=True)
    with _user_admin() as (driver, database):
        set_password(driver, database, username, password)
    typer.echo(f"password of {username} changed; their sessions have ended")


@users_app.command("unlock")
def users_unlock(username: str) -> None:
    """End a user's sign-in lockout and forget their failed sign-ins."""
    from aim.graph.access.sessions import clear_failures
    from aim.graph.store import causal_session

    with _user_admin() as (driver, database), causal_session(driver, database) as session:
        had = session.execute_write(clear_failures, username)
    typer.echo(f"unlocked {username}" if had else f"{username} had no failed sign-ins")


@users_app.command("list")
def users_list() -> None:
    """List users."""
    from rich.console import Console
    from rich.table import Table

    from aim.graph.access.users import list_users

    driver, settings = _backend()
    try:
        found = list_users(driver, settings.neo4j_database)
    finally:
        driver.close()
    table = Table("username", "role", "organisation", "name", "disabled", "created")
    for u in found:
        table.add_row(u["username"], u["role"], u.get("organisation") or "", u.get("full_name") or "",
                      "yes" if u.get("disabled") else "", (u.get("created_at") or "")[:19])
    Console().print(table)


@retention_app.command("apply")
def retention_apply(
    days: Annotated[Optional[int], typer.Option(help="Keep events this many days [AIM_RETENTION_EVENT_DAYS]")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would be removed (audited)")] = False,
) -> None:
    """Count what is held longer than its period (AIM_RETENTION_*_DAYS), or ask for a run: it
    removes it once another DPO approves the request (four eyes)."""
    import json

    from aim.api.deps import Backend, Caller
    from aim.api.security import Principal
    from aim.api.services import approvals, retention

    driver, settings = _backend()
    ctx = cli_context("dpo", "aim retention apply", purpose="retention policy")
    try:
        if dry_run:
            result = retention.preview(driver, settings.neo4j_database, settings,
                                       retention.Periods.of(settings, days), ctx)
        else:
            caller = Caller(Principal(ctx.username, "dpo", None), ctx)
            result = approvals.request_retention(Backend(driver, settings.neo4j_database, settings), caller, days)
    finally:
        driver.close()
    typer.echo(json.dumps(result, indent=2, default=str))
    if not dry_run:
        typer.echo(f"requested: another DPO approves request {result['request_id']} on the dashboard (Approvals) "
                   "or with POST /api/v1/approvals/{id}/approve; the run happens then")


def cli_context(role: str, command: str, purpose: str | None = None):
    """Who acts from the command line, for the audit: the operating-system user."""
    import getpass

    from aim.graph.access.audit import AuditContext

    return AuditContext(username=f"cli:{getpass.getuser()}", role=role, organisation=None, method="CLI",
                        endpoint=command, purpose=purpose)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the root ``aim`` app."""
    app.command("serve")(serve)
    app.add_typer(users_app, name="users")
    app.add_typer(retention_app, name="retention")
