"""`induscope network ...` commands: ESRI, shock scenarios, chokepoints, alternative suppliers."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import emit, handle_errors, progress, state

app = typer.Typer(no_args_is_help=True)

_LINKS = typer.Option(..., "--links", help="LINKS.csv: supplier,customer,value (sales of supplier to customer).")
_FIRMS = typer.Option(..., "--firms", help="FIRMS.csv: firm,industry[,market,region,revenue,costs,size,...].")
_ESS = typer.Option(..., "--essentiality",
                    help="E.csv: square 0/1/2 matrix, industry codes as header and first column "
                         "(rows = supplier industry; 2 essential, 1 linear, 0 none).")
_MARKET = typer.Option(False, "--market", help="Replaceability by competitors of the same market "
                                                "(the 'market' column, else the industry), as in Diem et "
                                                "al. and the published benchmarks. Without it, cascades "
                                                "on large benchmark networks often reach most firms and "
                                                "all-firm runs take hours at 250k firms (docs/esri.md).")
_EPS = typer.Option(0.01, "--eps", help="Stop after the first step whose largest decrease of h is <= eps.")
_REV = typer.Option(False, "--revenue", help="Upstream weights W_ij / revenue_i (FIRMS 'revenue' column).")
_COSTS = typer.Option(False, "--costs", help="Cost correction of downstream weights (FIRMS 'costs' column).")
_BACKEND = typer.Option("local", "--backend", help="serial, local (process pool) or dask.")
_WORKERS = typer.Option(None, "--workers", help="Worker processes (default: all cores).")
_SCHED = typer.Option(None, "--scheduler", help="Dask scheduler address (tcp://host:8786): run there.")
_ENGINE = typer.Option("auto", "--engine", help="auto (numba when installed), numba or numpy.")


@app.command("esri")
def esri(ctx: typer.Context, links: Path = _LINKS, firms: Path = _FIRMS, essentiality: Path = _ESS,
         market: bool = _MARKET, eps: float = _EPS, revenue: bool = _REV, costs: bool = _COSTS,
         out: Path = typer.Option(..., "--out", help="OUT.csv: firm,esri,esri_down,esri_up,iterations."),
         backend: str = _BACKEND, workers: Optional[int] = _WORKERS, scheduler: Optional[str] = _SCHED,
         chunk_size: Optional[int] = typer.Option(None, "--chunk-size", help="Firms per parallel task."),
         engine: str = _ENGINE,
         device: str = typer.Option("cpu", "--device", help="cpu, or gpu (batched engine on CuPy; "
                                                             "falls back to the CPU, saying so).")) -> None:
    """Economic systemic risk index (ESRI) of every firm, by the GL cascade (Diem et al. 2022)."""
    with handle_errors(ctx):
        from ..services.network import esri as run_esri

        with progress("ESRI", None, enabled=not state(ctx).json) as advance:
            r = run_esri(links, firms, essentiality, out=out, market=market, eps=eps, revenue=revenue,
                         costs=costs, backend=backend, workers=workers, scheduler=scheduler,
                         chunk_size=chunk_size, engine=engine, device=device, on_progress=advance)
        s = r.summary()
        human = {k: v for k, v in s.items() if k not in ("top", "options")}
        emit(ctx, s, human)
        if not state(ctx).json:
            emit(ctx, s["top"], s["top"])


@app.command("scenario")
def scenario(ctx: typer.Context, links: Path = _LINKS, firms: Path = _FIRMS, essentiality: Path = _ESS,
             firm: Optional[List[str]] = typer.Option(None, "--firm", help="Shocked firm: CODE or CODE=psi (repeat)."),
             region: Optional[List[str]] = typer.Option(None, "--region", help="Region lockdown: NAME or NAME=psi (repeat)."),
             industry: Optional[List[str]] = typer.Option(None, "--industry", help="Industry: CODE or CODE=psi (repeat)."),
             shock_file: Optional[Path] = typer.Option(None, "--shock-file", help="CSV firm,psi of partial losses."),
             psi: float = typer.Option(1.0, "--psi", help="Capacity lost where no =psi is given (0..1)."),
             name: str = typer.Option("scenario", "--name", help="A name for the scenario."),
             market: bool = _MARKET, eps: float = _EPS, revenue: bool = _REV, costs: bool = _COSTS,
             top: int = typer.Option(15, "--top", help="Rows shown per table."),
             out: Optional[Path] = typer.Option(None, "--out", help="Write the affected firms to this CSV."),
             engine: str = _ENGINE) -> None:
    """Propagate a shock (firms, a region's lockdown, an industry, partial losses) through the
    network: losses by firm, industry and region, and the cascade's extent per step."""
    with handle_errors(ctx):
        from ..services.network import scenario as run_scenario

        r = run_scenario(links, firms, essentiality, shock_firms=firm, regions=region, industries=industry,
                         shock_file=shock_file, psi=psi, name=name, market=market, eps=eps, revenue=revenue,
                         costs=costs, engine=engine, out=out)
        d = r.to_dict()
        if state(ctx).json:
            d["firms"] = r.firms.head(top) if top else r.firms
            emit(ctx, d)
            return
        emit(ctx, {k: d[k] for k in ("iterations", "converged", "loss_share", "loss_share_down",
                                     "loss_share_up", "loss_value", "affected_firms")})
        emit(ctx, r.by_industry.head(top), r.by_industry.head(top))
        if r.by_region is not None:
            emit(ctx, r.by_region.head(top), r.by_region.head(top))
        emit(ctx, r.extent, r.extent)
        emit(ctx, r.firms.head(top), r.firms.head(top))


@app.command("chokepoints")
def chokepoints(ctx: typer.Context, links: Path = _LINKS, firms: Path = _FIRMS, essentiality: Path = _ESS,
                trade: Optional[Path] = typer.Option(None, "--trade", help="CSV product,partner,imports,exports "
                                                                           "for the EU strategic-dependency test."),
                inside: Optional[List[str]] = typer.Option(None, "--inside", help="Partner inside the bloc (repeat)."),
                esri_file: Optional[Path] = typer.Option(None, "--esri", help="OUT.csv of `network esri` "
                                                                              "(for hidden critical firms)."),
                compute_esri: bool = typer.Option(False, "--compute-esri", help="Compute ESRI for hidden critical firms."),
                market: bool = _MARKET, eps: float = _EPS, backend: str = _BACKEND,
                workers: Optional[int] = _WORKERS, scheduler: Optional[str] = _SCHED, engine: str = _ENGINE,
                top: int = typer.Option(15, "--top", help="Rows shown per table.")) -> None:
    """Single points of failure: sole essential suppliers, supplier concentration (HHI), EU
    strategic dependencies of imported products, hidden critical firms (high ESRI, small size)."""
    with handle_errors(ctx):
        from ..services.network import chokepoints as run_chokepoints

        with progress("ESRI", None, enabled=compute_esri and not state(ctx).json) as advance:
            r = run_chokepoints(links, firms, essentiality, trade=trade, inside=inside or (),
                                esri_file=esri_file, compute_esri=compute_esri, market=market, eps=eps,
                                backend=backend, workers=workers, scheduler=scheduler, engine=engine,
                                on_progress=advance)
        d = r.to_dict(top=top)
        if state(ctx).json:
            emit(ctx, d)
            return
        emit(ctx, {"sole_essential_links": d["sole_essential_links"],
                   "concentrated_inputs (HHI = 1)": d["concentrated_inputs"]})
        for key in ("sole_essential_suppliers", "industry_hhi", "strategic_dependencies", "hidden_critical_firms"):
            if key in d:
                emit(ctx, key, f"[bold]{key}[/bold]")
                emit(ctx, d[key], d[key])


@app.command("alternatives")
def alternatives(ctx: typer.Context, links: Path = _LINKS, firms: Path = _FIRMS, essentiality: Path = _ESS,
                 failed: str = typer.Option(..., "--failed", help="The failed or at-risk supplier."),
                 customer: Optional[str] = typer.Option(None, "--customer", help="Only its sales to this customer."),
                 top: int = typer.Option(10, "--top", help="Candidates listed."),
                 evaluate: int = typer.Option(5, "--evaluate", help="Candidates whose ESRI effect is computed."),
                 spare_share: float = typer.Option(0.2, "--spare-share",
                                                   help="Spare capacity proxy as a share of sales (no capacity column)."),
                 market: bool = _MARKET, eps: float = _EPS, revenue: bool = _REV, costs: bool = _COSTS,
                 engine: str = _ENGINE) -> None:
    """Rank alternative suppliers for a failed supplier, with coverage of the lost input, the ESRI
    drop when added, and an explanation of each ranking."""
    with handle_errors(ctx):
        from ..services.network import alternatives as run_alternatives

        r = run_alternatives(links, firms, essentiality, failed=failed, customer=customer, top=top,
                             evaluate=evaluate, market=market, eps=eps, revenue=revenue, costs=costs,
                             engine=engine, spare_share=spare_share)
        d = r.to_dict()
        if state(ctx).json:
            emit(ctx, d)
            return
        emit(ctx, {k: d[k] for k in ("failed", "lost_input", "basis", "esri_before")})
        cols = [c for c in r.candidates.columns if c != "explanation"]
        emit(ctx, r.candidates[cols], r.candidates[cols])
        for row in r.candidates.itertuples(index=False):
            emit(ctx, f"{row.firm}: {row.explanation}", f"{row.firm}: {row.explanation}")
        for note in r.notes:
            emit(ctx, note, f"note: {note}")


@app.command("export")
def export(ctx: typer.Context,
           out: Path = typer.Option(..., "--out", help="Folder for LINKS.csv, FIRMS.csv and E.csv."),
           table: Optional[str] = typer.Option(None, "--table", help="IO table to derive essentiality from "
                                                                      "(default: the first in the workspace)."),
           essential_share: float = typer.Option(0.10, "--essential-share",
                                                 help="An input is essential (2) when it is at least this "
                                                      "share of the buyer's intermediate inputs.")) -> None:
    """Write the workspace's firm network as the input files of the other network commands."""
    with handle_errors(ctx):
        from ..services.network_export import export_network

        emit(ctx, export_network(state(ctx).workspace, out, table_id=table, essential_share=essential_share))
