"""The `induscope` command: parse, call a service, render (table or --json)."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .. import __version__
from ._root import RootGroup
from .common import CliState
from . import ario as ario_cmd
from . import chains as chains_cmd
from . import clusters as clusters_cmd
from . import export as export_cmd
from . import demo as demo_cmd
from . import imports as imports_cmd
from . import io as io_cmd
from . import network as network_cmd
from . import monitor as monitor_cmd
from . import nowcast as nowcast_cmd
from . import indicators as indicators_cmd
from . import reference as reference_cmd
from . import report as report_cmd
from . import serve as serve_cmd
from . import sme as sme_cmd
from . import sut as sut_cmd
from . import audit as audit_cmd
from . import tokens as tokens_cmd
from . import users as users_cmd
from . import workspace as workspace_cmd

app = typer.Typer(
    name="induscope",
    cls=RootGroup,
    help="Analytics of new industrialization: monitoring, chain and supply-chain risk, SME cultivation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _show_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit(0)


@app.callback()
def _root(
    ctx: typer.Context,
    workspace: Optional[Path] = typer.Option(
        None, "--workspace", "-w", help="Workspace folder (default: $INDUSCOPE_HOME or ./workspace)."),
    json_output: bool = typer.Option(False, "--json", help="Machine-readable JSON on stdout."),
    as_: Optional[str] = typer.Option(None, "--as", help="Who the audit log records for this command's writes "
                                                          "(default: INDUSCOPE_ACTOR, else cli:<OS user>)."),
    version: bool = typer.Option(False, "--version", help="Show the version and exit.",
                                 callback=_show_version, is_eager=True),
) -> None:
    ctx.obj = CliState(home=workspace, json=json_output, actor=as_)


app.add_typer(workspace_cmd.app, name="workspace", help="Workspace status and migrations.")
app.add_typer(reference_cmd.app, name="reference", help="Reference classifications shipped with induscope.")
app.add_typer(imports_cmd.app, name="import", help="Validate and import data files into the workspace.")
app.add_typer(io_cmd.app, name="io", help="Input-output analysis and shock propagation (sector level).")
app.add_typer(ario_cmd.app, name="ario", help="Dynamic ARIO shock simulations and scenario sweeps.")
app.add_typer(sut_cmd.app, name="sut", help="Supply-use (make/use) tables to symmetric requirements tables.")
app.add_typer(network_cmd.app, name="network", help="Firm-level networks: ESRI, cascades, chokepoints.")
app.add_typer(indicators_cmd.app, name="indicators", help="NBS-method indicators: growth, contribution, pull.")
app.add_typer(monitor_cmd.app, name="monitor", help="Early warnings, watch lists, enterprise reports.")
app.add_typer(chains_cmd.app, name="chains", help="Industrial chains: weak and strong nodes, regions, leaders, shocks.")
app.add_typer(clusters_cmd.app, name="clusters", help="Industrial clusters: registry and indicators.")
app.add_typer(export_cmd.app, name="export", help="Export workspace data in the import formats.")
app.add_typer(sme_cmd.app, name="sme", help="SME cultivation: tiers (2022/2026 rules), explanations, certificates, registry.")
app.add_typer(report_cmd.app, name="report", help="Report card (annual, monthly brief) as HTML or PDF.")
app.command("demo")(demo_cmd.demo)
app.command("nowcast")(nowcast_cmd.nowcast)
app.command("serve")(serve_cmd.serve)
app.add_typer(users_cmd.app, name="users", help="API users and their roles (viewer, analyst, admin, reporter).")
app.add_typer(tokens_cmd.app, name="tokens", help="API tokens per user: create (shown once), list, revoke.")
app.command("audit")(audit_cmd.audit)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
