"""`induscope network ...` commands: ESRI, shock scenarios, chokepoints, alternative suppliers.

The network is the workspace's (its enterprises and supply links; essentiality derived from its IO
table) unless files are given: --links with --firms replace the firms and links, --essentiality
replaces E. `network export` writes the workspace's network as those files (for interchange).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, List, Optional

import typer

from .common import (ENGINE_HELP, EXECUTOR_HELP, SCHEDULER_HELP, WORKERS_HELP, Engine, Executor, choice, choices,
                     emit, firm_names, handle_errors, note, progress, state)

app = typer.Typer(no_args_is_help=True)


EsriDevice = choices("EsriDevice", "cpu", "gpu")


_LINKS = typer.Option(None, "--links", help="LINKS file: supplier,customer,value (sales of supplier to "
                                            "customer). Default: the workspace's supply links.")
_FIRMS = typer.Option(None, "--firms", help="FIRMS file: firm,industry[,market,region,revenue,costs,size,...]. "
                                            "Default: the workspace's enterprises.")
_ESS = typer.Option(None, "--essentiality",
                    help="E file: square 0/1/2 matrix, industry codes as header and first column "
                         "(rows = supplier industry; 2 essential, 1 linear, 0 none). Default: derived from "
                         "the workspace's IO table (--io-table, --essential-share).")
_IOTABLE = typer.Option(None, "--io-table", help="Workspace IO table to derive E from (default: the first).")
_SHARE = typer.Option(0.10, "--essential-share", min=0.0, max=1.0,
                      help="Derived E: an input is essential (2) when it is at least this share of the "
                           "buyer's intermediate inputs.")
_MARKET = typer.Option(False, "--market", help="Replaceability by competitors of the same market "
                                                "(the 'market' column, else the industry), as in Diem et "
                                                "al. and the published benchmarks. Without it, cascades "
                                                "on large benchmark networks often reach most firms and "
                                                "all-firm runs take hours at 250k firms (docs/esri.md).")
_EPS = typer.Option(0.01, "--eps", min=0.0, help="Stop after the first step whose largest decrease of h is <= eps.")
_REV = typer.Option(False, "--revenue", help="Upstream weights W_ij / revenue_i (FIRMS 'revenue' column).")
_COSTS = typer.Option(False, "--costs", help="Cost correction of downstream weights (FIRMS 'costs' column).")
_EXECUTOR = typer.Option(None, "--executor", help=EXECUTOR_HELP + " Default: local.")
_WORKERS = typer.Option(None, "--workers", min=1, help=WORKERS_HELP)
_SCHED = typer.Option(None, "--scheduler", help=SCHEDULER_HELP)
_ENGINE = typer.Option(None, "--engine", help=ENGINE_HELP)
_TOP = typer.Option(15, "--top", min=1, help="Rows shown per table.")


def _source(ctx: typer.Context, links, firms, essentiality, io_table, essential_share) -> dict[str, Any]:
    """The network's source: the files given, the workspace for the rest."""
    need_ws = links is None or firms is None or essentiality is None
    return {"links": links, "firms": firms, "essentiality": essentiality,
            "ws": state(ctx).workspace if need_ws else None, "table_id": io_table,
            "essential_share": essential_share}


def _first_numba_run(engine: str) -> None:
    """Say once per install that the numba kernels are being compiled (cached afterwards)."""
    from ._numba_note import announce_first_compile

    announce_first_compile(engine)


def _firm_names(ctx: typer.Context, src: dict[str, Any]) -> dict[str, str]:
    """The registry's names when the network is the workspace's own (files bring no names)."""
    return {} if src["links"] is not None else firm_names(ctx)


def _show(ctx: typer.Context, frame, title: str, names: dict[str, str] | None = None, **kw) -> None:
    from .common import region_names, with_names

    if frame is None or len(frame) == 0:
        return
    if names:
        for col in ("firm", "supplier", "customer", "failed"):
            frame = with_names(frame, col, names)
    if "region" in frame.columns:
        frame = with_names(frame, "region", region_names())
    emit(ctx, frame, frame, title=title, **kw)


@app.command("esri")
def esri(ctx: typer.Context, links: Optional[Path] = _LINKS, firms: Optional[Path] = _FIRMS,
         essentiality: Optional[Path] = _ESS, io_table: Optional[str] = _IOTABLE, essential_share: float = _SHARE,
         market: bool = _MARKET, eps: float = _EPS, revenue: bool = _REV, costs: bool = _COSTS,
         out: Optional[Path] = typer.Option(None, "--out", help="OUT.csv: firm,esri,esri_down,esri_up,iterations."),
         executor: Optional[Executor] = _EXECUTOR, workers: Optional[int] = _WORKERS,
         scheduler: Optional[str] = _SCHED,
         chunk_size: Optional[int] = typer.Option(None, "--chunk-size", min=1, help="Firms per parallel task."),
         engine: Optional[Engine] = _ENGINE,
         device: EsriDevice = typer.Option(EsriDevice.cpu.value, "--device",
                                           help="cpu, or gpu (batched engine on CuPy; falls back to the CPU, "
                                                "saying so).")) -> None:
    """Economic systemic risk index (ESRI) of every firm, by the GL cascade (Diem et al. 2022)."""
    with handle_errors(ctx):
        from ..services.network import esri as run_esri

        st = state(ctx)
        src = _source(ctx, links, firms, essentiality, io_table, essential_share)
        ex, nworkers, sched = st.executor(executor, workers, scheduler)
        eng = st.engine(engine)
        _first_numba_run(eng)
        with progress("ESRI", None, enabled=not st.json) as advance:
            r = run_esri(**src, out=out, market=market, eps=eps, revenue=revenue, costs=costs, backend=ex,
                         workers=nworkers, scheduler=sched, chunk_size=chunk_size, engine=eng, device=choice(device),
                         on_progress=advance)
        s = r.summary()
        if st.json:
            emit(ctx, s)
            return
        human = {k: v for k, v in s.items() if k not in ("top", "options")}
        human.update({"network": s["options"].get("network"), "essentiality": s["options"].get("essentiality")})
        if s["options"].get("gpu_fallback"):
            human["gpu_fallback"] = s["options"]["gpu_fallback"]
        emit(ctx, s, human, units={"seconds": "s"})
        top = s["top"]
        if "name" not in top.columns:
            names = _firm_names(ctx, src)
            _show(ctx, top, "highest ESRI (share of the economy's output lost if the firm fails)", names)
        else:
            _show(ctx, top, "highest ESRI (share of the economy's output lost if the firm fails)")


@app.command("scenario")
def scenario(ctx: typer.Context, links: Optional[Path] = _LINKS, firms: Optional[Path] = _FIRMS,
             essentiality: Optional[Path] = _ESS, io_table: Optional[str] = _IOTABLE,
             essential_share: float = _SHARE,
             firm: Optional[List[str]] = typer.Option(None, "--firm", help="Shocked firm: CODE or CODE=psi (repeat)."),
             region: Optional[List[str]] = typer.Option(
                 None, "--region", help="Region lockdown: NAME or NAME=psi (repeat). A province may be given "
                                        "by name (上海, 上海市, Shanghai) or GB/T 2260 code (310000)."),
             industry: Optional[List[str]] = typer.Option(None, "--industry", help="Industry: CODE or CODE=psi (repeat)."),
             shock_file: Optional[Path] = typer.Option(None, "--shock-file", help="CSV firm,psi of partial losses."),
             psi: float = typer.Option(1.0, "--psi", min=0.0, max=1.0,
                                       help="Capacity lost where no =psi is given (a share: 0..1)."),
             name: str = typer.Option("scenario", "--name", help="A name for the scenario."),
             market: bool = _MARKET, eps: float = _EPS, revenue: bool = _REV, costs: bool = _COSTS,
             top: int = _TOP,
             out: Optional[Path] = typer.Option(None, "--out", help="Write the affected firms to this CSV."),
             engine: Optional[Engine] = _ENGINE) -> None:
    """Propagate a shock (firms, a region's lockdown, an industry, partial losses) through the
    network: losses by firm, industry and region, and the cascade's extent per step."""
    with handle_errors(ctx):
        from ..services.network import scenario as run_scenario

        st = state(ctx)
        src = _source(ctx, links, firms, essentiality, io_table, essential_share)
        eng = st.engine(engine)
        _first_numba_run(eng)
        r = run_scenario(**src, shock_firms=firm, regions=region, industries=industry,
                         shock_file=shock_file, psi=psi, name=name, market=market, eps=eps, revenue=revenue,
                         costs=costs, engine=eng, out=out)
        d = r.to_dict()
        if st.json:
            d["firms"] = r.firms.head(top) if top else r.firms
            emit(ctx, d)
            return
        emit(ctx, {k: d[k] for k in ("iterations", "converged", "loss_share", "loss_share_down",
                                     "loss_share_up", "loss_value", "affected_firms")})
        names = _firm_names(ctx, src)
        _show(ctx, r.by_industry.head(top), "loss by industry")
        if r.by_region is not None:
            _show(ctx, r.by_region.head(top), "loss by region")
        _show(ctx, r.extent, "extent of the cascade per step")
        _show(ctx, r.firms.head(top), "affected firms", names)


@app.command("chokepoints")
def chokepoints(ctx: typer.Context, links: Optional[Path] = _LINKS, firms: Optional[Path] = _FIRMS,
                essentiality: Optional[Path] = _ESS, io_table: Optional[str] = _IOTABLE,
                essential_share: float = _SHARE,
                trade: Optional[Path] = typer.Option(None, "--trade", help="CSV product,partner,imports,exports "
                                                                           "for the EU strategic-dependency test."),
                inside: Optional[List[str]] = typer.Option(None, "--inside", help="Partner inside the bloc (repeat)."),
                esri_file: Optional[Path] = typer.Option(None, "--esri", help="OUT.csv of `network esri` "
                                                                              "(for hidden critical firms)."),
                compute_esri: bool = typer.Option(False, "--compute-esri", help="Compute ESRI for hidden critical firms."),
                market: bool = _MARKET, eps: float = _EPS, executor: Optional[Executor] = _EXECUTOR,
                workers: Optional[int] = _WORKERS, scheduler: Optional[str] = _SCHED,
                engine: Optional[Engine] = _ENGINE, top: int = _TOP) -> None:
    """Single points of failure: sole essential suppliers, supplier concentration (HHI), EU
    strategic dependencies of imported products, hidden critical firms (high ESRI, small size)."""
    with handle_errors(ctx):
        from ..services.network import chokepoints as run_chokepoints

        st = state(ctx)
        src = _source(ctx, links, firms, essentiality, io_table, essential_share)
        ex, nworkers, sched = st.executor(executor, workers, scheduler)
        eng = st.engine(engine)
        if compute_esri:
            _first_numba_run(eng)
        with progress("ESRI", None, enabled=compute_esri and not st.json) as advance:
            r = run_chokepoints(**src, trade=trade, inside=inside or (), esri_file=esri_file,
                                compute_esri=compute_esri, market=market, eps=eps, backend=ex,
                                workers=nworkers, scheduler=sched, engine=eng, on_progress=advance)
        d = r.to_dict(top=top)
        if st.json:
            emit(ctx, d)
            return
        emit(ctx, {"sole_essential_links": d["sole_essential_links"],
                   "concentrated_inputs (HHI = 1)": d["concentrated_inputs"]})
        names = _firm_names(ctx, src)
        for key in ("sole_essential_suppliers", "industry_hhi", "strategic_dependencies", "hidden_critical_firms"):
            if key in d:
                _show_any(ctx, d[key], key.replace("_", " "), names)


def _show_any(ctx: typer.Context, value: Any, title: str, names: dict[str, str]) -> None:
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        _show(ctx, value, title, names)
    elif isinstance(value, list) and value and isinstance(value[0], dict):
        _show(ctx, pd.DataFrame(value), title, names)
    else:
        emit(ctx, value, value, title=title)


@app.command("alternatives")
def alternatives(ctx: typer.Context, links: Optional[Path] = _LINKS, firms: Optional[Path] = _FIRMS,
                 essentiality: Optional[Path] = _ESS, io_table: Optional[str] = _IOTABLE,
                 essential_share: float = _SHARE,
                 failed: str = typer.Option(..., "--failed", help="The failed or at-risk supplier."),
                 customer: Optional[str] = typer.Option(None, "--customer", help="Only its sales to this customer."),
                 top: int = typer.Option(10, "--top", min=1, help="Candidates listed."),
                 evaluate: int = typer.Option(5, "--evaluate", min=0, help="Candidates whose ESRI effect is computed."),
                 spare_share: float = typer.Option(0.2, "--spare-share", min=0.0, max=1.0,
                                                   help="Spare capacity proxy as a share of sales (no capacity column)."),
                 market: bool = _MARKET, eps: float = _EPS, revenue: bool = _REV, costs: bool = _COSTS,
                 engine: Optional[Engine] = _ENGINE) -> None:
    """Rank alternative suppliers for a failed supplier, with coverage of the lost input, the ESRI
    drop when added, and an explanation of each ranking."""
    with handle_errors(ctx):
        from ..services.network import alternatives as run_alternatives

        st = state(ctx)
        src = _source(ctx, links, firms, essentiality, io_table, essential_share)
        eng = st.engine(engine)
        _first_numba_run(eng)
        r = run_alternatives(**src, failed=failed, customer=customer, top=top, evaluate=evaluate, market=market,
                             eps=eps, revenue=revenue, costs=costs, engine=eng, spare_share=spare_share)
        d = r.to_dict()
        if st.json:
            emit(ctx, d)
            return
        emit(ctx, {k: d[k] for k in ("failed", "lost_input", "basis", "esri_before")})
        cols = [c for c in r.candidates.columns if c != "explanation"]
        _show(ctx, r.candidates[cols], "candidates", _firm_names(ctx, src))
        for row in r.candidates.itertuples(index=False):
            emit(ctx, None, f"{row.firm}: {row.explanation}")
        for n in r.notes:
            note(ctx, str(n))


@app.command("export")
def export(ctx: typer.Context,
           out: Path = typer.Option(..., "--out", help="Folder for LINKS.csv, FIRMS.csv and E.csv."),
           table: Optional[str] = typer.Option(None, "--io-table", "--table",
                                               help="IO table to derive essentiality from "
                                                    "(default: the first in the workspace)."),
           essential_share: float = _SHARE) -> None:
    """Write the workspace's firm network as files (LINKS, FIRMS, E) for interchange."""
    with handle_errors(ctx):
        from ..services.network_export import export_network

        emit(ctx, export_network(state(ctx).workspace, out, table_id=table, essential_share=essential_share))
