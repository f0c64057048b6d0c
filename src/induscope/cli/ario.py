"""`induscope ario ...` commands (dynamic Adaptive Regional Input-Output model)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Optional

import typer

from ..errors import InputError
from .common import (DEVICE_HELP, EXECUTOR_HELP, SCHEDULER_HELP, TABLE_HELP, WORKERS_HELP, Device, Executor,
                     choice, emit, handle_errors, progress, state)

app = typer.Typer(no_args_is_help=True)

EVENT_HELP = ("kapital-recover (capital destroyed, recovered over --recovery-tau), kapital-rebuild "
              "(capital destroyed and rebuilt by --rebuilding-sector), capacity-cut (share of capacity "
              "lost), final-demand (share of final demand lost)")
DAMAGE_HELP = ("capital destroyed in the table's unit, spread evenly over the hit industries "
               "(kapital-*), or the share (0-1) lost by each hit industry (capacity-cut, final-demand)")


def _shares(items: list[str] | None) -> dict[str, float] | None:
    if not items:
        return None
    out: dict[str, float] = {}
    for it in items:
        name, sep, val = it.rpartition("=")
        if not sep:
            name, val = it, "1"
        try:
            out[name] = float(val)
        except ValueError:
            raise InputError(f"--rebuilding-sector expects SECTOR=SHARE, got {it!r}") from None
    return out


def _params(order_type, psi, alpha_max, inventory_days, restoration_tau, monetary_factor) -> dict[str, Any]:
    p: dict[str, Any] = {}
    if order_type is not None:
        p["order_type"] = order_type
    if psi is not None:
        p["psi"] = psi
    if alpha_max is not None:
        p["alpha_max"] = alpha_max
    if inventory_days is not None:
        p["main_inv_dur"] = inventory_days
    if restoration_tau is not None:
        p["inventory_restoration_tau"] = restoration_tau
    if monetary_factor is not None:
        p["monetary_factor"] = monetary_factor
    return p


def _write_csv(frame, path: Path) -> None:
    """Write to a temporary file beside ``path`` and rename it into place (no half-written output)."""
    from .._files import write_csv

    write_csv(frame, path)


def _table(ctx: typer.Context, table: Optional[str], table_opt: Optional[str], pymrio_test: bool):
    from ..services import ario as svc

    if table is not None and table_opt is not None:
        raise InputError("name the table once (TABLE)")
    ref = table if table is not None else table_opt
    st = state(ctx)
    return svc.load_table(st.workspace if ref is not None else None, ref, pymrio_test=pymrio_test)


TableArg = typer.Argument(None, help=TABLE_HELP, metavar="TABLE", show_default=False)
TableOpt = typer.Option(None, "--table", hidden=True, help="Same as TABLE.")
TestOpt = typer.Option(False, "--pymrio-test", hidden=True, help="Same as TABLE pymrio:test.")


@app.command("run")
def run(
    ctx: typer.Context,
    table: Optional[str] = TableArg,
    table_opt: Optional[str] = TableOpt,
    pymrio_test: bool = TestOpt,
    event: str = typer.Option("kapital-recover", "--event", help=EVENT_HELP),
    region: Optional[list[str]] = typer.Option(None, "--region", help="Hit region (repeat; default all)."),
    sector: Optional[list[str]] = typer.Option(None, "--sector", help="Hit sector (repeat; default all)."),
    damage: float = typer.Option(..., "--damage", help=DAMAGE_HELP),
    step: int = typer.Option(5, "--step", help="Step at which the event happens (>= 1)."),
    duration: int = typer.Option(1, "--duration", help="Steps before recovery / rebuilding starts."),
    steps: int = typer.Option(365, "--steps", help="Steps (days) to simulate."),
    recovery_tau: Optional[int] = typer.Option(None, "--recovery-tau", help="Recovery time (steps)."),
    recovery_function: Optional[str] = typer.Option(
        None, "--recovery-function", help="linear, convexe, 'convexe noscale' or concave."),
    rebuild_tau: Optional[int] = typer.Option(None, "--rebuild-tau", help="Rebuilding time (steps)."),
    rebuilding_sector: Optional[list[str]] = typer.Option(
        None, "--rebuilding-sector", help="SECTOR=SHARE of the reconstruction demand (repeat)."),
    buyer_region: Optional[list[str]] = typer.Option(
        None, "--buyer-region", help="final-demand: only the final demand of these regions falls."),
    order_type: Optional[str] = typer.Option(None, "--order-type", help="alt (default) or noalt."),
    psi: Optional[float] = typer.Option(None, "--psi", help="Inventory constraint threshold (default 0.8)."),
    alpha_max: Optional[float] = typer.Option(None, "--alpha-max", help="Maximum overproduction (1.25)."),
    inventory_days: Optional[float] = typer.Option(None, "--inventory-days", help="Inventory target (90)."),
    restoration_tau: Optional[int] = typer.Option(None, "--restoration-tau", help="Inventory restoration (60)."),
    monetary_factor: Optional[float] = typer.Option(None, "--monetary-factor",
                                                    help="Currency units per table unit."),
    device: Device = typer.Option(Device.auto.value, "--device", help=DEVICE_HELP),
    out: Optional[Path] = typer.Option(None, "--out", help="Write every series (long CSV: step, region, sector)."),
    full: bool = typer.Option(False, "--full", help="With --json: every series by industry too."),
) -> None:
    """Simulate one shock and its recovery, day by day."""
    from ..services import ario as svc

    with handle_errors(ctx):
        st = state(ctx)
        t = _table(ctx, table, table_opt, pymrio_test)
        ev = svc.make_event(event, damage, regions=region, sectors=sector, step=step, duration=duration,
                            recovery_tau=recovery_tau, recovery_function=recovery_function,
                            rebuild_tau=rebuild_tau, rebuilding_sectors=_shares(rebuilding_sector),
                            buyer_regions=buyer_region)
        params = _params(order_type, psi, alpha_max, inventory_days, restoration_tau, monetary_factor)
        with progress("simulating", steps, enabled=not st.json) as advance:
            res = svc.run_ario(t, [ev], steps=steps, params=params, backend=choice(device),
                               on_step=lambda i: advance(1))
        if out is not None:
            _write_csv(res.to_frame(), out)
        payload = res.to_dict(full=full)
        if out is not None:
            payload["out"] = str(out)
        human = dict(res.summary())
        if out is not None:
            human["written"] = str(out)
        unit = t.unit or "table units"
        emit(ctx, payload, human=human, units={"total_output_loss": unit, "total_final_demand_unmet": unit,
                                               "peak_loss": "share of output", "relative_output_loss": "share",
                                               "recovery_time": "steps", "peak_step": "step"})


@app.command("sweep")
def sweep(
    ctx: typer.Context,
    table: Optional[str] = TableArg,
    table_opt: Optional[str] = TableOpt,
    pymrio_test: bool = TestOpt,
    event: str = typer.Option("kapital-recover", "--event", help=EVENT_HELP),
    region: Optional[list[str]] = typer.Option(None, "--region", help="Regions to shock one by one (default all)."),
    sector: Optional[list[str]] = typer.Option(None, "--sector", help="Sectors to shock one by one (default all)."),
    damage: float = typer.Option(..., "--damage", help=DAMAGE_HELP + "; applied to each industry in turn"),
    step: int = typer.Option(5, "--step", help="Step at which each event happens."),
    duration: int = typer.Option(1, "--duration", help="Steps before recovery / rebuilding starts."),
    steps: int = typer.Option(365, "--steps", help="Steps (days) to simulate per scenario."),
    recovery_tau: Optional[int] = typer.Option(None, "--recovery-tau", help="Recovery time (steps)."),
    recovery_function: Optional[str] = typer.Option(None, "--recovery-function", help="Recovery function."),
    rebuild_tau: Optional[int] = typer.Option(None, "--rebuild-tau", help="Rebuilding time (steps)."),
    rebuilding_sector: Optional[list[str]] = typer.Option(None, "--rebuilding-sector", help="SECTOR=SHARE."),
    relative: bool = typer.Option(False, "--relative",
                                  help="kapital-*: --damage is a share of each industry's productive capital."),
    executor: Optional[Executor] = typer.Option(None, "--executor", help=EXECUTOR_HELP + " Default: local."),
    workers: Optional[int] = typer.Option(None, "--workers", help=WORKERS_HELP),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", help=SCHEDULER_HELP),
    out: Optional[Path] = typer.Option(None, "--out", help="Write one row per scenario (CSV)."),
) -> None:
    """Run one scenario per industry (region x sector), each hit alone; one summary row each."""
    from ..services import ario as svc

    with handle_errors(ctx):
        st = state(ctx)
        t = _table(ctx, table, table_opt, pymrio_test)
        opts: dict[str, Any] = {}
        kind = svc.event_kind(event)
        if kind != "capital_rebuild":
            opts.update(recovery_tau=recovery_tau, recovery_function=recovery_function)
        else:
            opts.update(rebuild_tau=rebuild_tau, rebuilding_sectors=_shares(rebuilding_sector))
        scenarios = svc.each_industry_scenarios(t, event, damage, regions=region, sectors=sector, step=step,
                                                duration=duration, relative=relative, **opts)
        with progress("scenarios", len(scenarios), enabled=not st.json) as advance:
            ex, nworkers, sched = st.executor(executor, workers, scheduler)
            res = svc.sweep_ario(t, scenarios, steps=steps, executor=ex, workers=nworkers,
                                 scheduler=sched, on_progress=advance)
        frame = res.to_frame()
        if out is not None:
            _write_csv(frame.set_index("scenario"), out)
        payload = res.to_dict()
        if out is not None:
            payload["out"] = str(out)
        cols = ["scenario", "total_output_loss", "peak_loss", "recovery_time"]
        human = frame[cols].sort_values("total_output_loss", ascending=False).head(20)
        emit(ctx, payload, human=human, title="the 20 scenarios with the largest output loss",
             units={"total_output_loss": t.unit or "table units", "peak_loss": "share of output",
                    "recovery_time": "steps"})
