"""Firm-network use cases: ESRI for every firm, shock scenarios, chokepoints, alternative suppliers.

Inputs are CSV files (codes are read as strings, never as numbers):
LINKS.csv ``supplier,customer,value``; FIRMS.csv ``firm,industry`` and optionally ``market``,
``region``, ``revenue``, ``costs``, ``size``, ``capacity``, ``product``, ``lat``, ``lon``;
E.csv a square matrix of 0/1/2 with industry codes as header and first column
(rows = supplier industry). Every problem in them is reported at once (file, row, column, value).
"""
from __future__ import annotations

import math
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np
import pandas as pd

from ..core.network.esri import (DEFAULT_EPS, ESRIResult, GLCascade, esri_chunk)
from ..core.network.network import Essentiality, SupplyNetwork
from ..errors import InputError, Problem, ProblemCollector, ValidationError

Progress = Callable[[int], None]


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
def _read_csv(path: str | Path) -> pd.DataFrame:
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file: {path}")
    if path.is_dir():
        raise InputError(f"{path} is a folder, expected a CSV file")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[],
                           encoding="utf-8-sig", skipinitialspace=True)
    except UnicodeDecodeError as e:
        raise ValidationError([Problem(path.name, None, None, None,
                                       f"a UTF-8 CSV file ({e.reason} at byte {e.start})")]) from None
    except pd.errors.EmptyDataError:
        raise ValidationError([Problem(path.name, 1, None, None, "a header row and data rows")]) from None
    except pd.errors.ParserError as e:
        raise ValidationError([Problem(path.name, None, None, None, f"a well-formed CSV file ({e})")]) from None


def load_network(links: str | Path, firms: str | Path, *,
                 require: Sequence[str] = ()) -> SupplyNetwork:
    """Read and validate LINKS.csv and FIRMS.csv; ``require``: firm columns that must be there."""
    links, firms = Path(links), Path(firms)
    fdf = _read_csv(firms)
    ldf = _read_csv(links)
    fdf.columns = [str(c).strip() for c in fdf.columns]
    ldf.columns = [str(c).strip() for c in ldf.columns]
    pc = ProblemCollector(firms.name)
    for col in require:
        if col not in fdf.columns:
            pc.add(row=1, column=col, expected=f"a '{col}' column in {firms.name}")
    pc.raise_if_any()
    return SupplyNetwork.from_frames(fdf, ldf, firms_source=firms.name, links_source=links.name)


def load_essentiality(path: str | Path) -> Essentiality:
    path = Path(path)
    return Essentiality.from_frame(_read_csv(path), source=path.name)


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


def build_cascade(links: str | Path, firms: str | Path, essentiality: str | Path, *,
                  market: bool = False, revenue: bool = False, costs: bool = False,
                  eps: float = DEFAULT_EPS, engine: str = "auto") -> GLCascade:
    """Read the three files, validate them against each other and prepare the cascade."""
    firms = Path(firms)
    essentiality = Path(essentiality)
    net, ess = _load_all(lambda: load_network(links, firms), lambda: load_essentiality(essentiality))
    check_industries(net, ess, firms.name, essentiality.name)
    _check_corrections(net, firms.name, revenue, costs)
    return GLCascade(net, ess, market=market, revenue=revenue or None, costs=costs or None,
                     eps=eps, engine=engine)


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

    def to_frame(self) -> pd.DataFrame:
        return self.result.to_frame()

    def summary(self, top: int = 10) -> dict[str, Any]:
        df = self.to_frame()
        best = df.sort_values("esri", ascending=False).head(top)
        return {"firms": len(df), "eps": self.result.eps, "engine": self.result.engine,
                "backend": self.backend, "workers": self.workers, "chunks": self.chunks,
                "seconds": round(self.seconds, 3), "out": self.out, "options": self.options,
                "max_iterations": int(df["iterations"].max()) if len(df) else 0,
                "top": best}

    def to_dict(self) -> dict[str, Any]:
        return self.summary()


def write_csv_atomic(df: pd.DataFrame, out: str | Path) -> Path:
    """Write to a temporary file beside ``out``, then rename it over ``out`` (never half a file)."""
    out = Path(out)
    if out.parent and not out.parent.exists():
        raise InputError(f"the folder of {out} does not exist")
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        df.to_csv(tmp, index=False, float_format=None)
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return out


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


def esri(links: str | Path, firms: str | Path, essentiality: str | Path, *,
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
    cascade = build_cascade(links, firms, essentiality, market=market, revenue=revenue, costs=costs,
                            eps=eps, engine=engine)
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
    return ESRIRun(result, time.perf_counter() - t0, "dask" if scheduler else backend, nworkers,
                   nchunks, written, options)


# ---------------------------------------------------------------------------------------------
# scenarios, chokepoints, alternatives
# ---------------------------------------------------------------------------------------------
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
        out[key] = v
    return out


def read_shock_file(path: str | Path) -> dict[str, float]:
    """A CSV with columns firm, psi (capacity lost in [0, 1])."""
    path = Path(path)
    df = _read_csv(path)
    pc = ProblemCollector(path.name)
    for col in ("firm", "psi"):
        if col not in df.columns:
            pc.add(row=1, column=col, expected=f"a '{col}' column")
    pc.raise_if_any()
    v = pd.to_numeric(df["psi"], errors="coerce")
    for r in np.nonzero((v.isna() | (v < 0) | (v > 1)).to_numpy())[0].tolist():
        pc.add(row=r + 2, column="psi", value=df["psi"].iloc[r], expected="a number in [0, 1]")
    dup = df["firm"].duplicated()
    for r in np.nonzero(dup.to_numpy())[0].tolist():
        pc.add(row=r + 2, column="firm", value=df["firm"].iloc[r], expected="each firm once")
    pc.raise_if_any()
    return dict(zip(df["firm"].astype(str).str.strip(), v.astype(float)))


def scenario(links: str | Path, firms: str | Path, essentiality: str | Path, *,
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
    sc = Scenario(name, fr, _parse_rules(regions, psi, "region"), _parse_rules(industries, psi, "industry"))
    if not (sc.firms or sc.regions or sc.industries):
        raise InputError("name what is shocked: --firm, --region, --industry or --shock-file")
    cascade = build_cascade(links, firms, essentiality, market=market, revenue=revenue, costs=costs,
                            eps=eps, engine=engine)
    res = run(cascade, sc)
    if out is not None:
        write_csv_atomic(res.firms, out)
    return res


def chokepoints(links: str | Path, firms: str | Path, essentiality: str | Path, *,
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

    firms = Path(firms)
    cascade = build_cascade(links, firms, essentiality, market=market, eps=eps, engine=engine)
    net = cascade.network
    esri_vec = None
    if esri_file is not None:
        esri_file = Path(esri_file)
        df = _read_csv(esri_file)
        pc = ProblemCollector(esri_file.name)
        for col in ("firm", "esri"):
            if col not in df.columns:
                pc.add(row=1, column=col, expected=f"a '{col}' column (as written by network esri)")
        pc.raise_if_any()
        vals = pd.to_numeric(df["esri"], errors="coerce")
        for r in np.nonzero(vals.isna().to_numpy())[0].tolist():
            pc.add(row=r + 2, column="esri", value=df["esri"].iloc[r], expected="a number")
        known = net.index()
        for r, fcode in enumerate(df["firm"].astype(str).tolist()):
            if fcode not in known:
                pc.add(row=r + 2, column="firm", value=fcode, expected=f"a firm of {firms.name}")
        pc.raise_if_any()
        esri_vec = np.full(net.n, np.nan)
        esri_vec[net.indices(df["firm"].astype(str))] = vals.to_numpy()
        if np.isnan(esri_vec).any():
            missing = net.firms[np.isnan(esri_vec)]
            raise InputError(f"{esri_file.name} lacks {len(missing)} firm(s), e.g. {missing[0]}")
    elif compute_esri:
        res, _, _ = esri_all(cascade, backend=backend, workers=workers, scheduler=scheduler,
                             on_progress=on_progress)
        esri_vec = res.esri
    trade_df = None
    if trade is not None:
        trade = Path(trade)
        trade_df = _read_csv(trade)
        trade_df.columns = [str(c).strip() for c in trade_df.columns]
        rep_trade = cp.strategic_dependencies(trade_df, inside, source=trade.name)
    links_df, sups = cp.sole_essential_suppliers(net, cascade.essentiality)
    return cp.ChokepointReport(links_df, sups, cp.supplier_concentration(net, cascade.essentiality),
                               cp.industry_concentration(net),
                               rep_trade if trade is not None else None,
                               None if esri_vec is None else cp.hidden_critical(
                                   net, esri_vec, esri_quantile=esri_quantile, size_quantile=size_quantile))


def alternatives(links: str | Path, firms: str | Path, essentiality: str | Path, *, failed: str,
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
    cascade = build_cascade(links, firms, essentiality, market=market, revenue=revenue, costs=costs,
                            eps=eps, engine=engine)
    return find(cascade, failed, customer=customer, top=top, evaluate=evaluate, weights=weights,
                spare_share=spare_share)
