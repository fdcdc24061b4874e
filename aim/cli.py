"""The ``aim`` command. Each package contributes its own commands through ``register``."""

from __future__ import annotations

import typer

from aim import demo
from aim.api import audit_cli
from aim.api import cli as api_cli
from aim.graph.alerts import cli as alerts_cli
from aim.graph.identity import cli as identity_cli
from aim.graph.ingest import cli as ingest_cli
from aim.graph.store import cli as store_cli
from aim.resolution import cli as resolution_cli
from aim.seeds import cli as seeds_cli

app = typer.Typer(
    name="aim",
    help="AIM — Active Intervention Management: multi-agency safeguarding intelligence.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

for module in (store_cli, ingest_cli, seeds_cli, resolution_cli, api_cli, audit_cli, alerts_cli, identity_cli):
    module.register(app)
app.command("demo")(demo.demo)

if __name__ == "__main__":
    app()
