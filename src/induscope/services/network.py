"""Firm-network use cases: ESRI for every firm, shock scenarios, chokepoints, alternative suppliers.

The network comes from the workspace (its enterprises and supply links, with the essentiality matrix
E derived from one of its input-output tables: ``services.network_export.workspace_network``) or from
files (LINKS, FIRMS, E: parsed and validated by ``readers.network``); a file given replaces that part
of the workspace's network. Every problem in them is reported at once (file, row, column, value).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np
import pandas as pd

from ..core.network.esri import (DEFAULT_EPS, ESRIResult, GLCascade, esri_chunk)
from ..core.network.network import Essentiality, SupplyNetwork
from ..errors import InputError, Problem, ProblemCollector, ValidationError
from ..readers.network import (read_esri_file, read_essentiality, read_network, read_shock_file,  # noqa: F401
                               read_trade)

if TYPE_CHECKING:  # pragma: no cover
    from ..store import Workspace

Progress = Callable[[int], None]

#: the old names of the readers (kept for callers of this module)
load_network = read_network
load_essentiality = read_essentiality


@dataclass(frozen=True)
class NetworkInputs:
    """A validated network and essentiality matrix, and where they came from."""

    network: SupplyNetwork
    essentiality: Essentiality
    firms_source: str
    essentiality_source: str
    firm_names: dict[str, str] = field(default_factory=dict)
    table_id: str | None = None


def load_inputs(links: str | Path | None = None, firms: str | Path | None = None,
                essentiality: str | Path | None = None, *, ws: "Workspace | None" = None,
                table_id: str | None = None, essential_share: float = 0.10,
                require: Sequence[str] = ()) -> NetworkInputs:
    """The network from LINKS and FIRMS files, or else from the workspace; E from a file, or else
    derived from the workspace's IO table. Problems of every part are reported together."""
    if (links is None) != (firms is None):
        raise InputError("give --links and --firms together, or neither (the workspace's firm network)")
    wsnet = None
    if links is None or essentiality is None:
        if ws is None:
            raise InputError("no network given: pass --links, --firms and --essentiality files, or use a "
                             "workspace with enterprises, supply links and an IO table")
        from .network_export import workspace_network

        if links is None:
            wsnet = workspace_network(ws, table_id=table_id, essential_share=essential_share)
        else:
            wsnet = _workspace_essentiality(ws, table_id, essential_share)
    loaders: list[Callable[[], Any]] = []
    if links is not None:
        loaders.append(lambda: read_network(links, firms, require=require))
        firms_source = Path(firms).name
    else:
        assert wsnet is not None
        loaders.append(lambda: SupplyNetwork.from_frames(wsnet.firms, wsnet.links,
                                                         firms_source="workspace enterprises",
                                                         links_source="workspace supply links"))
        firms_source = "workspace enterprises"
    if essentiality is not None:
        loaders.append(lambda: read_essentiality(essentiality))
        ess_source = Path(essentiality).name
    else:
        assert wsnet is not None
        ess_source = f"E derived from IO table {wsnet.table_id} (essential share {wsnet.essential_share:g})"
        loaders.append(lambda: Essentiality.from_frame(wsnet.essentiality.reset_index(), source=ess_source))
    net, ess = _load_all(*loaders)
    return NetworkInputs(net, ess, firms_source, ess_source,
                         dict(wsnet.names) if wsnet is not None and links is None else {},
                         wsnet.table_id if wsnet is not None else None)


def _workspace_essentiality(ws: "Workspace", table_id: str | None, essential_share: float) -> Any:
    """E from the workspace's IO table alone (the firms come from files)."""
    from .imports import list_io_tables, load_io_table
    from .network_export import WorkspaceNetwork, essentiality_from_table

    if table_id is None:
        ids = list_io_tables(ws)["table_id"].tolist()
        if not ids:
            raise InputError("give --essentiality E.csv: the workspace has no IO table to derive it from")
        table_id = ids[0]
    t = load_io_table(ws, table_id)
    Z = t.Z if t.Zm is None else t.Z + t.Zm
    E = essentiality_from_table(Z, list(map(str, t.sectors)), essential_share)
    return WorkspaceNetwork(pd.DataFrame(), pd.DataFrame(), E, table_id, essential_share)


def check_industries(net: SupplyNetwork, ess: Essentiality, firms_source: str = "firms",
                     ess_source: str = "essentiality") -> None:
    """Every firm's industry must be a row and column of E (one problem per missing industry,
    at the first FIRMS row that uses it)."""
    pos = ess.position()
    pc = ProblemCollector(firms_source)
    ind = net.industry.astype(str)
    missing = sorted(set(ind.tolist()) - set(pos))
    for code in missing:
        rows = np.nonzero(ind == code)[0]
        pc.add(row=int(rows[0]) + 2, column="industry", value=code,
               expected=f"an industry of {ess_source} ({len(rows)} firm(s) have {code!r})")
    pc.raise_if_any()


def _check_corrections(net: SupplyNetwork, source: str, revenue: bool, costs: bool) -> None:
    pc = ProblemCollector(source)
    for flag, col, sums, verb in ((revenue, "revenue", net.s_out, "sells"),
                                  (costs, "costs", net.s_in, "buys")):
        if not flag:
            continue
        v = net.attrs.get(col)
        if v is None:
            pc.add(row=1, column=col, expected=f"a '{col}' column (asked for by --{col})")
            continue
        bad = np.nonzero((sums > 0) & ~(v > 0))[0]
        for i in bad.tolist():
            pc.add(row=i + 2, column=col, value=None if np.isnan(v[i]) else float(v[i]),
                   expected=f"a {col} > 0 (firm {net.firms[i]} {verb} {sums[i]:g} in the links)")
    pc.raise_if_any()


def _load_all(*loaders: Callable[[], Any]) -> list[Any]:
    """Run every loader; if any finds problems, raise them all together."""
    out: list[Any] = []
    problems: list[Problem] = []
    total = 0
    for load in loaders:
        try:
            out.append(load())
        except ValidationError as e:
            problems += e.problems
            total += e.total
            out.append(None)
    if total:
        raise ValidationError(problems, total)
    return out


def build_cascade(links: str | Path | None = None, firms: str | Path | None = None,
                  essentiality: str | Path | None = None, *, ws: "Workspace | None" = None,
                  table_id: str | None = None, essential_share: float = 0.10,
                  market: bool = False, revenue: bool = False, costs: bool = False,
                  eps: float = DEFAULT_EPS, engine: str = "auto",
                  inputs: NetworkInputs | None = None) -> GLCascade:
    """Read the network (files or workspace), validate it against E and prepare the cascade."""
    inp = inputs or load_inputs(links, firms, essentiality, ws=ws, table_id=table_id,
                                essential_share=essential_share)
    check_industries(inp.network, inp.essentiality, inp.firms_source, inp.essentiality_source)
    _check_corrections(inp.network, inp.firms_source, revenue, costs)
    return GLCascade(inp.network, inp.essentiality, market=market, revenue=revenue or None,
                     costs=costs or None, eps=eps, engine=engine)


# ---------------------------------------------------------------------------------------------
# ESRI
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ESRIRun:
    """All-firm ESRI and how it was computed."""

    result: ESRIResult
    seconds: float
    backend: str
    workers: int
    chunks: int
    out: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)   # firm -> name (workspace networks)

    def to_frame(self) -> pd.DataFrame:
        return self.result.to_frame()

    def summary(self, top: int = 10) -> dict[str, Any]:
        df = self.to_frame()
        best = df.sort_values("esri", ascending=False).head(top)
        if self.names:
            best.insert(1, "name", best["firm"].astype(str).map(self.names).fillna(""))
        return {"firms": len(df), "eps": self.result.eps, "engine": self.result.engine,
                "backend": self.backend, "workers": self.workers, "chunks": self.chunks,
                "seconds": round(self.seconds, 3), "out": self.out, "options": self.options,
                "max_iterations": int(df["iterations"].max()) if len(df) else 0,
                "top": best}

    def to_dict(self) -> dict[str, Any]:
        return self.summary()


def write_csv_atomic(df: pd.DataFrame, out: str | Path) -> Path:
    """Write to a temporary file beside ``out``, then rename it over ``out`` (never half a file)."""
    from .._files import write_csv

    return write_csv(df, out, create_parent=False, index=False)


def esri_gpu(cascade: GLCascade, *, firms: Sequence[str] | None = None, width: int | None = None,
             on_progress: Progress | None = None) -> tuple[ESRIResult, str | None]:
    """ESRI for the firms on the GPU (batched engine, CuPy); without a GPU it runs the same
    batched engine on the CPU. Returns (result, why it fell back or None)."""
    from ..core.network.batch import BatchEngine

    net = cascade.network
    sel = np.arange(net.n) if firms is None else net.indices(firms)
    eng = BatchEngine(cascade.kernel, "gpu", width=width)
    out = eng.esri(cascade.kernel.pos[sel], on_done=on_progress)
    res = cascade.result(sel, out)
    res = ESRIResult(res.firms, res.esri, res.esri_down, res.esri_up, res.iterations, res.eps,
                     f"batch-{eng.backend.name}")
    return res, eng.backend.fallback


def esri_all(cascade: GLCascade, *, firms: Sequence[str] | None = None, backend: str = "local",
             workers: int | None = None, scheduler: str | None = None, chunk_size: int | None = None,
             on_progress: Progress | None = None) -> tuple[ESRIResult, int, int]:
    """ESRI for the firms (default all), in parallel; returns (result, workers, chunks).

    Chunks of firms run through ``induscope.runtime.run_map`` with the cascade kernel sent once
    per worker. Results are identical whatever the backend (each firm's cascade is the same
    computation); they come back in firm order."""
    from ..runtime import default_workers, run_map

    net = cascade.network
    sel = np.arange(net.n) if firms is None else net.indices(firms)
    if scheduler:
        backend = "dask"
    nworkers = 1 if backend == "serial" else (workers or default_workers())
    if chunk_size is None:
        # many more chunks than workers: per-firm costs vary by orders of magnitude
        chunk_size = max(8, min(2000, math.ceil(len(sel) / max(1, nworkers * 16))))
    if chunk_size < 1:
        raise InputError(f"chunk size must be >= 1, got {chunk_size}")
    chunks = [sel[a:a + chunk_size] for a in range(0, len(sel), chunk_size)]
    if backend == "serial" or (backend == "local" and nworkers == 1):
        parts = [esri_chunk((cascade.kernel, cascade.engine), c) for c in chunks]
        for c in chunks:
            if on_progress:
                on_progress(len(c))
    else:
        left = [len(sel)]

        def progress(k: int) -> None:  # run_map ticks per chunk; report firms
            step = min(left[0], k * chunk_size)
            left[0] -= step
            if on_progress is not None and step:
                on_progress(step)

        parts = run_map(esri_chunk, chunks, backend=backend, workers=nworkers, scheduler=scheduler,
                        on_progress=progress, context=(cascade.kernel, cascade.engine))
    out = np.concatenate(parts) if parts else np.zeros((0, 4))
    return cascade.result(sel, out), nworkers, len(chunks)


def esri(links: str | Path | None = None, firms: str | Path | None = None,
         essentiality: str | Path | None = None, *, ws: "Workspace | None" = None, table_id: str | None = None,
         essential_share: float = 0.10,
         out: str | Path | None = None, market: bool = False, eps: float = DEFAULT_EPS,
         revenue: bool = False, costs: bool = False, backend: str = "local",
         workers: int | None = None, scheduler: str | None = None, chunk_size: int | None = None,
         engine: str = "auto", device: str = "cpu", on_progress: Progress | None = None) -> ESRIRun:
    """ESRI, ESRI_down, ESRI_up and iterations of every firm of FIRMS.csv (in its order).

    ``device="gpu"`` runs the batched engine on the GPU (CuPy), falling back to the CPU with a
    note when there is none. With ``out``, writes ``firm,esri,esri_down,esri_up,iterations``
    there atomically."""
    if device not in ("cpu", "gpu"):
        raise InputError(f"--device must be cpu or gpu, got {device!r}")
    t0 = time.perf_counter()
    inputs = load_inputs(links, firms, essentiality, ws=ws, table_id=table_id, essential_share=essential_share)
    cascade = build_cascade(inputs=inputs, market=market, revenue=revenue, costs=costs, eps=eps, engine=engine)
    fallback = None
    if device == "gpu":
        result, fallback = esri_gpu(cascade, on_progress=on_progress)
        nworkers, nchunks, backend = 1, 1, "gpu"
    else:
        result, nworkers, nchunks = esri_all(cascade, backend=backend, workers=workers,
                                             scheduler=scheduler, chunk_size=chunk_size,
                                             on_progress=on_progress)
    written = None
    if out is not None:
        written = str(write_csv_atomic(result.to_frame(), out))
    options = {"market": market, "revenue": revenue, "costs": costs, "eps": eps, "device": device}
    if fallback:
        options["gpu_fallback"] = fallback
    options["network"] = inputs.firms_source
    options["essentiality"] = inputs.essentiality_source
    return ESRIRun(result, time.perf_counter() - t0, "dask" if scheduler else backend, nworkers,
                   nchunks, written, options, inputs.firm_names)


# ---------------------------------------------------------------------------------------------
# scenarios, chokepoints, alternatives
# ---------------------------------------------------------------------------------------------
def _match_code(given: str, values: Any, what: str) -> str:
    """``given`` as the network spells it: as is when the network has it, else normalised (a
    province name -> its GB/T 2260 code: '上海' -> '310000'; an industry '7' -> '07')."""
    if values is None:
        return given
    have = set(map(str, np.unique(np.asarray(values).astype(str))))
    if given in have:
        return given
    from .. import reference

    if what == "region":
        code = reference.normalize_region(given)
    else:
        code = reference.normalize_industry(given)
    if code is not None and code in have:
        return code
    shown = sorted(have)[:40]
    raise InputError(f"unknown {what} {given!r}; the network's {what}s are: {', '.join(shown)}"
                     + (" ..." if len(have) > 40 else ""))


def _parse_rules(items: Sequence[str] | None, default: float, what: str) -> dict[str, float]:
    """'CODE' or 'CODE=0.4' -> {code: psi}."""
    out: dict[str, float] = {}
    for item in items or ():
        key, sep, val = str(item).partition("=")
        key = key.strip()
        if not key:
            raise InputError(f"empty {what} in {item!r}")
        if sep:
            try:
                v = float(val)
            except ValueError:
                raise InputError(f"{what} {key!r}: the capacity lost must be a number in [0, 1], got {val!r}") from None
        else:
            v = default
        if not (0.0 <= v <= 1.0):
            raise InputError(f"{what} {key!r}: the capacity lost is a share in [0, 1] (1 = all), got {v:g}")
        out[key] = v
    return out


def scenario(links: str | Path | None = None, firms: str | Path | None = None,
             essentiality: str | Path | None = None, *, ws: "Workspace | None" = None, table_id: str | None = None,
             essential_share: float = 0.10,
             shock_firms: Sequence[str] | None = None, regions: Sequence[str] | None = None,
             industries: Sequence[str] | None = None, shock_file: str | Path | None = None,
             psi: float = 1.0, name: str = "scenario", market: bool = False, eps: float = DEFAULT_EPS,
             revenue: bool = False, costs: bool = False, engine: str = "auto",
             out: str | Path | None = None) -> Any:
    """Propagate a shock (firms, regions, industries, each 'CODE' or 'CODE=psi'; or a firm,psi
    file) and report losses by firm, industry and region and the extent per step. With ``out``
    the affected firms are written there (atomically)."""
    from ..core.network.scenarios import Scenario, run

    if not 0.0 <= psi <= 1.0:
        raise InputError(f"--psi must lie in [0, 1], got {psi}")
    fr = _parse_rules(shock_firms, psi, "firm")
    if shock_file is not None:
        for k, v in read_shock_file(shock_file).items():
            fr[k] = max(v, fr.get(k, 0.0))
    region_rules = _parse_rules(regions, psi, "region")
    industry_rules = _parse_rules(industries, psi, "industry")
    if not (fr or region_rules or industry_rules):
        raise InputError("name what is shocked: --firm, --region, --industry or --shock-file")
    inputs = load_inputs(links, firms, essentiality, ws=ws, table_id=table_id, essential_share=essential_share)
    net = inputs.network
    region_rules = {_match_code(k, net.attrs.get("region"), "region"): v for k, v in region_rules.items()}
    industry_rules = {_match_code(k, net.industry, "industry"): v for k, v in industry_rules.items()}
    sc = Scenario(name, fr, region_rules, industry_rules)
    cascade = build_cascade(inputs=inputs, market=market, revenue=revenue, costs=costs, eps=eps, engine=engine)
    res = run(cascade, sc)
    if out is not None:
        write_csv_atomic(res.firms, out)
    return res


def chokepoints(links: str | Path | None = None, firms: str | Path | None = None,
                essentiality: str | Path | None = None, *, ws: "Workspace | None" = None, table_id: str | None = None,
                essential_share: float = 0.10,
                trade: str | Path | None = None, inside: Sequence[str] = (),
                esri_file: str | Path | None = None, compute_esri: bool = False,
                market: bool = False, eps: float = DEFAULT_EPS, backend: str = "local",
                workers: int | None = None, scheduler: str | None = None,
                engine: str = "auto", esri_quantile: float = 0.95, size_quantile: float = 0.5,
                on_progress: Progress | None = None) -> Any:
    """Sole essential suppliers, supplier HHI per customer and input industry and per industry,
    the EU strategic-dependency test (with a trade file: product,partner,imports,exports) and
    hidden critical firms (with an ESRI file from ``network esri`` or ``compute_esri``)."""
    from ..core.network import chokepoints as cp

    inputs = load_inputs(links, firms, essentiality, ws=ws, table_id=table_id, essential_share=essential_share)
    cascade = build_cascade(inputs=inputs, market=market, eps=eps, engine=engine)
    net = cascade.network
    esri_vec = None
    if esri_file is not None:
        esri_vec = read_esri_file(esri_file, list(map(str, net.firms)), inputs.firms_source)
    elif compute_esri:
        res, _, _ = esri_all(cascade, backend=backend, workers=workers, scheduler=scheduler,
                             on_progress=on_progress)
        esri_vec = res.esri
    trade_df = None
    if trade is not None:
        trade_df, trade_name = read_trade(trade)
        rep_trade = cp.strategic_dependencies(trade_df, inside, source=trade_name)
    links_df, sups = cp.sole_essential_suppliers(net, cascade.essentiality)
    return cp.ChokepointReport(links_df, sups, cp.supplier_concentration(net, cascade.essentiality),
                               cp.industry_concentration(net),
                               rep_trade if trade is not None else None,
                               None if esri_vec is None else cp.hidden_critical(
                                   net, esri_vec, esri_quantile=esri_quantile, size_quantile=size_quantile))


def alternatives(links: str | Path | None = None, firms: str | Path | None = None,
                 essentiality: str | Path | None = None, *, ws: "Workspace | None" = None, table_id: str | None = None,
                 essential_share: float = 0.10,
                 failed: str,
                 customer: str | None = None, top: int = 10, evaluate: int = 5,
                 market: bool = False, eps: float = DEFAULT_EPS, revenue: bool = False,
                 costs: bool = False, engine: str = "auto", spare_share: float = 0.2,
                 weights: dict[str, float] | None = None) -> Any:
    """Ranked, explained alternative suppliers for ``failed`` (optionally for one customer), with
    the lost input each could cover and the ESRI drop of ``failed`` when the best are added."""
    from ..core.network.alternatives import find

    if top < 1:
        raise InputError(f"--top must be >= 1, got {top}")
    if not 0.0 <= spare_share <= 1.0:
        raise InputError(f"--spare-share must lie in [0, 1], got {spare_share}")
    cascade = build_cascade(links, firms, essentiality, ws=ws, table_id=table_id, essential_share=essential_share, market=market, revenue=revenue,
                            costs=costs, eps=eps, engine=engine)
    return find(cascade, failed, customer=customer, top=top, evaluate=evaluate, weights=weights,
                spare_share=spare_share)


# ---------------------------------------------------------------------------------------------
# a firm's neighbourhood, hidden critical firms from a stored ESRI ranking (dashboard reads)
# ---------------------------------------------------------------------------------------------
def neighbourhood(ws: "Workspace", firm: str, *, hops: int = 1, limit: int = 60) -> dict[str, Any]:
    """The suppliers and customers of ``firm`` up to ``hops`` links away in the workspace's supply
    links (summed over products), at most ``limit`` firms: nearer hops first, and within a hop the
    firms with the largest link to the hop before. Nodes carry hop, side (supplier / customer /
    both, seen from the firm) and the enterprise's name, industry, region and revenue."""
    from ..errors import NotFoundError
    from ..store import networks as network_sql

    if not 1 <= int(hops) <= 3:
        raise InputError(f"hops: expected 1 to 3, got {hops}")
    if not 2 <= int(limit) <= 500:
        raise InputError(f"limit: expected 2 to 500 firms, got {limit}")
    with ws.session() as s:
        firms = network_sql.network_firms(s)
        links = network_sql.aggregated_links(s)
    firm = str(firm).strip()
    known = set(firms["firm"].astype(str))
    if firm not in known:
        raise NotFoundError(f"no enterprise {firm[:40]!r} in the workspace (firm ids look like "
                            f"{firms['firm'].iloc[0] if len(firms) else 'F000001'})")
    links = links.assign(supplier=links["supplier"].astype(str), customer=links["customer"].astype(str))
    hop: dict[str, int] = {firm: 0}
    side: dict[str, set[str]] = {firm: {"focus"}}
    frontier = [firm]
    truncated = False
    for h in range(1, int(hops) + 1):
        if not frontier:
            break
        front = set(frontier)
        up = links[links["customer"].isin(front) & ~links["supplier"].isin(hop)]
        down = links[links["supplier"].isin(front) & ~links["customer"].isin(hop)]
        cand = pd.concat([pd.DataFrame({"firm": up["supplier"], "value": up["value"], "side": "supplier"}),
                          pd.DataFrame({"firm": down["customer"], "value": down["value"], "side": "customer"})])
        if cand.empty:
            break
        best = cand.groupby("firm").agg(value=("value", "sum"), sides=("side", lambda x: set(x)))
        best = best.sort_values("value", ascending=False, kind="stable")
        room = int(limit) - len(hop)
        if len(best) > room:
            truncated = True
            best = best.head(max(room, 0))
        frontier = []
        for f, row in best.iterrows():
            hop[str(f)] = h
            side[str(f)] = set(row["sides"])
            frontier.append(str(f))
        if truncated:
            break
    keep = set(hop)
    edges = links[links["supplier"].isin(keep) & links["customer"].isin(keep)]
    info = firms.assign(firm=firms["firm"].astype(str)).set_index("firm")
    nodes = []
    for f, h in sorted(hop.items(), key=lambda kv: (kv[1], kv[0])):
        r = info.loc[f]
        sd = side[f]
        nodes.append({"firm": f, "name": str(r["name"]), "industry": str(r["industry"]), "region": str(r["region"]),
                      "revenue": None if pd.isna(r["revenue"]) else float(r["revenue"]), "hop": h,
                      "side": "focus" if h == 0 else ("both" if len(sd) > 1 else next(iter(sd)))})
    return {"firm": firm, "hops": int(hops), "limit": int(limit), "truncated": truncated, "nodes": nodes,
            "edges": [{"supplier": a, "customer": b, "value": float(v)}
                      for a, b, v in edges[["supplier", "customer", "value"]].itertuples(index=False)]}


def hidden_critical_firms(ws: "Workspace", esri: "pd.DataFrame", *, table_id: str | None = None,
                          esri_quantile: float = 0.95, size_quantile: float = 0.5) -> pd.DataFrame:
    """Hidden critical firms (top ESRI, small size) of the workspace's network from an ESRI ranking
    computed earlier (columns firm, esri: a ``network_esri`` job's result), with the firms' names.
    The ranking must cover every firm of the network as it is now."""
    from ..core.network import chokepoints as cp

    for q, what in ((esri_quantile, "esri_quantile"), (size_quantile, "size_quantile")):
        if not 0.0 <= q <= 1.0:
            raise InputError(f"{what}: expected a share in [0, 1], got {q}")
    if not {"firm", "esri"} <= set(esri.columns):
        raise InputError("the ESRI ranking needs the columns firm and esri")
    inputs = load_inputs(ws=ws, table_id=table_id)
    net = inputs.network
    by_firm = pd.Series(pd.to_numeric(esri["esri"], errors="coerce").to_numpy(),
                        index=esri["firm"].astype(str)).groupby(level=0).first()
    vec = by_firm.reindex(list(map(str, net.firms)))
    if vec.isna().any():
        missing = vec.index[vec.isna()].tolist()
        raise InputError(f"the ESRI ranking does not cover {len(missing)} firm(s) of the network as it is now "
                         f"(e.g. {', '.join(missing[:3])}): run all-firm ESRI again")
    df = cp.hidden_critical(net, vec.to_numpy(dtype=float), esri_quantile=esri_quantile,
                            size_quantile=size_quantile)
    df.insert(1, "name", df["firm"].astype(str).map(inputs.firm_names).fillna(""))
    return df
