"""`induscope monitor ...` commands: early-warning scans, alerts, watch lists, enterprise reports."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import ENCODING_OPTION, emit, handle_errors, state

app = typer.Typer(no_args_is_help=True)
watch_app = typer.Typer(no_args_is_help=True, help="Watch lists of key regions, industries, enterprises and any "
                                                    "series.")
report_app = typer.Typer(no_args_is_help=True, help="Enterprise operating reports: import and aggregate.")
app.add_typer(watch_app, name="watch")
app.add_typer(report_app, name="report")

ALERT_COLUMNS = ["alert_id", "series_name", "level", "peak_level", "peak_period", "start_period", "last_period",
                 "status", "active", "rule_id", "reason"]


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
        human = {k: v for k, v in res.items() if k not in ("alerts", "notes")}
        for k, note in enumerate(res.get("notes") or []):
            human[f"note {k + 1}"] = note
        emit(ctx, res, human)


@app.command("alerts")
def alerts(ctx: typer.Context,
           status: Optional[str] = typer.Option(None, "--status", help="open, acknowledged or closed."),
           min_level: Optional[str] = typer.Option(None, "--min-level", help="blue, yellow, orange or red."),
           subject: Optional[str] = typer.Option(None, "--subject", help="e.g. region:310000, enterprise:F001, "
                                         "series:value_added/310000/C/zj-park."),
           active: Optional[bool] = typer.Option(None, "--active/--inactive", help="Still firing or not.")) -> None:
    """List stored alerts, most severe first, with the series' name and when the peak was reached."""
    from ..services.monitoring import list_alerts

    with handle_errors(ctx):
        frame = list_alerts(state(ctx).workspace, status=status, min_level=min_level, subject=subject, active=active)
        emit(ctx, frame, frame[[c for c in ALERT_COLUMNS if c in frame.columns]])


@app.command("history")
def history(ctx: typer.Context, alert_id: str = typer.Argument(...)) -> None:
    """The events of one alert (opened, escalated / deescalated with their period, acknowledged, ...)."""
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
    """Diffusion index and composite prosperity index over the watched regions, industries and series."""
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
              items: Optional[List[str]] = typer.Argument(
                  None, help="Items KIND:CODE, as many as you like: region:310000 region:浙江 industry:C39 "
                             "enterprise:F001 series:value_added/310000/39\\[/SUBJECT]\\[=LABEL] (SUBJECT: the subject "
                             "the series was imported with, e.g. a park id). The old form "
                             "KIND CODE (two words) is accepted too."),
              file: Optional[Path] = typer.Option(None, "--file", exists=True, dir_okay=False,
                                                  help="A CSV/XLSX of items: kind, code (or indicator, region, "
                                                       "industry, subject), label, target_growth."),
              label: Optional[str] = typer.Option(None, "--label", help="Name of the item (one item only)."),
              target: Optional[float] = typer.Option(None, "--target",
                                                     help="Target year-to-date growth (%) for every item given.")
              ) -> None:
    """Add items to a watch list in one go (all checked before anything is written)."""
    from ..errors import InputError
    from ..services.monitoring import WATCH_KINDS, add_watch_items, parse_spec

    with handle_errors(ctx):
        specs = list(items or [])
        if len(specs) == 2 and ":" not in specs[0] and specs[0].lower() in WATCH_KINDS:
            specs = [f"{specs[0]}:{specs[1]}"]  # the old form: KIND CODE
        parsed = [parse_spec(s) for s in specs]
        if file is not None:
            from ..readers.watchlists import read_watch_items

            parsed += read_watch_items(file)
        if not parsed:
            raise InputError("give items (KIND:CODE ...) or --file")
        if label is not None:
            if len(parsed) != 1:
                raise InputError("--label names one item; give labels in specs (KIND:CODE=LABEL) or the file")
            parsed[0]["label"] = label
        if target is not None:
            for p in parsed:
                p["target_growth"] = target
        emit(ctx, add_watch_items(state(ctx).workspace, list_id, parsed))


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
                  path: Path = typer.Argument(..., exists=True, dir_okay=False, help="CSV, XLSX or JSON file."),
                  vintage: Optional[str] = typer.Option(None, "--vintage", help="Vintage of these reports "
                                                        "(default: now, UTC)."),
                  source: Optional[str] = typer.Option(None, "--source", help="Who sent them (default: the file "
                                                       "name)."),
                  encoding: str = ENCODING_OPTION) -> None:
    """Validate and store enterprise operating reports; corrections become new vintages."""
    from ..readers.reports import read_reports
    from ..services.monitoring import import_operating_reports

    with handle_errors(ctx):
        records, name = read_reports(path, encoding=encoding)
        emit(ctx, import_operating_reports(state(ctx).workspace, records, source=source or name, vintage=vintage))


@report_app.command("aggregate")
def report_aggregate(ctx: typer.Context, metric: str = typer.Argument(..., help="output_value, sales, orders, ..."),
                     by: str = typer.Option("industry", "--by", help="industry, region or firm."),
                     level: str = typer.Option("division", "--level", help="division or section (by industry)."),
                     vintage: Optional[str] = typer.Option(None, "--vintage")) -> None:
    """Monthly totals of a reported metric by industry, region or firm."""
    from ..services.monitoring import operating_report_aggregates

    with handle_errors(ctx):
        emit(ctx, operating_report_aggregates(state(ctx).workspace, metric, by=by, vintage=vintage, level=level))
