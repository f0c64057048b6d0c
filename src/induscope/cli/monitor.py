"""`induscope monitor ...` commands: early-warning scans, alerts, watch lists, enterprise reports."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import emit, handle_errors, state

app = typer.Typer(no_args_is_help=True)
watch_app = typer.Typer(no_args_is_help=True, help="Watch lists of key regions, industries and enterprises.")
report_app = typer.Typer(no_args_is_help=True, help="Enterprise operating reports: import and aggregate.")
app.add_typer(watch_app, name="watch")
app.add_typer(report_app, name="report")


@app.command("scan")
def scan(ctx: typer.Context,
         list_id: Optional[str] = typer.Option(None, "--list", help="Scan one watch list (default: all lists)."),
         vintage: Optional[str] = typer.Option(None, "--vintage", help="Data as known at this vintage."),
         history: bool = typer.Option(False, "--history", help="Also store alerts that ended long ago (backtest)."),
         lookback: int = typer.Option(3, "--lookback", min=0, help="Periods before the latest still stored.")) -> None:
    """Run the early warnings on the watched series and update the stored alerts."""
    from ..services.monitoring import scan as run_scan

    with handle_errors(ctx):
        res = run_scan(state(ctx).workspace, list_id=list_id, vintage=vintage, history=history, lookback=lookback)
        emit(ctx, res, {k: v for k, v in res.items() if k != "alerts"})


@app.command("alerts")
def alerts(ctx: typer.Context,
           status: Optional[str] = typer.Option(None, "--status", help="open, acknowledged or closed."),
           min_level: Optional[str] = typer.Option(None, "--min-level", help="blue, yellow, orange or red."),
           subject: Optional[str] = typer.Option(None, "--subject", help="e.g. region:310000, enterprise:F001."),
           active: Optional[bool] = typer.Option(None, "--active/--inactive", help="Still firing or not.")) -> None:
    """List stored alerts, most severe first."""
    from ..services.monitoring import list_alerts

    with handle_errors(ctx):
        frame = list_alerts(state(ctx).workspace, status=status, min_level=min_level, subject=subject, active=active)
        emit(ctx, frame, frame.drop(columns=["numbers", "family", "vintage"]))


@app.command("history")
def history(ctx: typer.Context, alert_id: str = typer.Argument(...)) -> None:
    """The events of one alert (opened, updated, escalated, acknowledged, closed, ...)."""
    from ..services.monitoring import alert_events

    with handle_errors(ctx):
        emit(ctx, alert_events(state(ctx).workspace, alert_id))


@app.command("ack")
def ack(ctx: typer.Context, alert_id: str = typer.Argument(...),
        actor: Optional[str] = typer.Option(None, "--actor"), note: Optional[str] = typer.Option(None, "--note")) -> None:
    """Acknowledge an alert (it stays and keeps being updated; escalation re-opens it)."""
    from ..services.monitoring import acknowledge_alert

    with handle_errors(ctx):
        emit(ctx, acknowledge_alert(state(ctx).workspace, alert_id, actor=actor, note=note))


@app.command("close")
def close(ctx: typer.Context, alert_id: str = typer.Argument(...),
          actor: Optional[str] = typer.Option(None, "--actor"), note: Optional[str] = typer.Option(None, "--note")) -> None:
    """Close an alert as handled; a later firing of the same cause opens a new alert."""
    from ..services.monitoring import close_alert

    with handle_errors(ctx):
        emit(ctx, close_alert(state(ctx).workspace, alert_id, actor=actor, note=note))


@app.command("index")
def index(ctx: typer.Context, list_id: Optional[str] = typer.Option(None, "--list"),
          vintage: Optional[str] = typer.Option(None, "--vintage")) -> None:
    """Diffusion index and composite prosperity index over the watched regions and industries."""
    from ..services.monitoring import prosperity_indices

    with handle_errors(ctx):
        emit(ctx, prosperity_indices(state(ctx).workspace, list_id=list_id, vintage=vintage))


@watch_app.command("create")
def watch_create(ctx: typer.Context, name: str = typer.Argument(...),
                 description: Optional[str] = typer.Option(None, "--description"),
                 list_id: Optional[str] = typer.Option(None, "--id", help="Identifier (default: from the name).")) -> None:
    """Create a watch list."""
    from ..services.monitoring import create_watch_list

    with handle_errors(ctx):
        emit(ctx, create_watch_list(state(ctx).workspace, name, description, list_id))


@watch_app.command("add")
def watch_add(ctx: typer.Context, list_id: str = typer.Argument(...),
              kind: str = typer.Argument(..., help="region, industry or enterprise."),
              code: str = typer.Argument(..., help="Province code, industry code or firm id."),
              label: Optional[str] = typer.Option(None, "--label"),
              target: Optional[float] = typer.Option(None, "--target", help="Target year-to-date growth (%).")) -> None:
    """Add a region, industry or enterprise to a watch list."""
    from ..services.monitoring import add_watch_items

    with handle_errors(ctx):
        emit(ctx, add_watch_items(state(ctx).workspace, list_id,
                                  [{"kind": kind, "code": code, "label": label, "target_growth": target}]))


@watch_app.command("remove")
def watch_remove(ctx: typer.Context, list_id: str = typer.Argument(...), kind: str = typer.Argument(...),
                 code: str = typer.Argument(...)) -> None:
    """Remove an item from a watch list."""
    from ..services.monitoring import remove_watch_item

    with handle_errors(ctx):
        emit(ctx, remove_watch_item(state(ctx).workspace, list_id, kind, code))


@watch_app.command("list")
def watch_list(ctx: typer.Context, list_id: Optional[str] = typer.Argument(None)) -> None:
    """Show watch lists and their items."""
    from ..services.monitoring import watch_lists

    with handle_errors(ctx):
        emit(ctx, watch_lists(state(ctx).workspace, list_id))


@report_app.command("import")
def report_import(ctx: typer.Context,
                  path: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV or JSON file."),
                  vintage: Optional[str] = typer.Option(None, "--vintage", help="Vintage of these reports "
                                                        "(default: now, UTC)."),
                  source: Optional[str] = typer.Option(None, "--source", help="Who sent them (platform, firm).")) -> None:
    """Validate and store enterprise operating reports; corrections become new vintages."""
    from ..services.monitoring import import_operating_reports

    with handle_errors(ctx):
        emit(ctx, import_operating_reports(state(ctx).workspace, path, vintage=vintage, source=source))


@report_app.command("aggregate")
def report_aggregate(ctx: typer.Context, metric: str = typer.Argument(..., help="output_value, sales, orders, ..."),
                     by: str = typer.Option("industry", "--by", help="industry, region or firm."),
                     level: str = typer.Option("division", "--level", help="division or section (by industry)."),
                     vintage: Optional[str] = typer.Option(None, "--vintage")) -> None:
    """Monthly totals of a reported metric by industry, region or firm."""
    from ..services.monitoring import operating_report_aggregates

    with handle_errors(ctx):
        emit(ctx, operating_report_aggregates(state(ctx).workspace, metric, by=by, vintage=vintage, level=level))
