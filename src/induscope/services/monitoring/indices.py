"""Diffusion and composite prosperity indices over the watched series, and backtests of the rules
on given series (no workspace: what the validation against history uses)."""
from __future__ import annotations

from typing import Any, Iterable, Sequence

import numpy as np
import pandas as pd

from ...core.indicators.periods import parse_period
from ...core.warning import (MonitoredSeries, combined_levels, composite_index, corroborate, counts_by_year,
                             diffusion_index, episodes, evaluate)
from ...errors import NotFoundError
from ...store import Workspace
from .scanning import _targets, growth_series


def prosperity_indices(ws: Workspace, *, list_id: str | None = None, vintage: str | None = None,
                       measure: str = "yoy") -> pd.DataFrame:
    """Diffusion index (share of watched series growing, %) and composite prosperity index
    (100 = normal) over the watched regions', industries' and series' YoY growth, by period."""
    ws.ensure()
    cols = {}
    with ws.session() as q:
        targets, _ = _targets(q, list_id)
        targets = [t for t in targets if t.kind in ("region", "industry", "series")]
        if not targets:
            raise NotFoundError("no watched regions, industries or series (add items to a watch list)")
        for t in targets:
            region, industry = t.place()
            try:
                s, _, _ = growth_series(q, t.indicator, region, industry, measure, vintage,
                                        subject=t.subject or "")
            except NotFoundError:
                continue
            cols[t.subject_id] = s
    if not cols:
        raise NotFoundError("none of the watched series has growth data")
    frame = pd.DataFrame(cols)
    frame = frame.loc[sorted(frame.index, key=parse_period)]
    out = pd.DataFrame({"diffusion_index": diffusion_index(frame, "positive"),
                        "composite_index": composite_index(frame) if len(frame.columns) else np.nan,
                        "series": frame.notna().sum(axis=1)})
    return out.rename_axis("period").reset_index()


def backtest(series: Sequence[MonitoredSeries], years: Iterable[int] | None = None) -> dict[str, Any]:
    """Run rules over whole histories: signals (after corroboration), episodes (one per alert that
    would have been opened), the combined level per subject and period, and alert counts per year."""
    sig = corroborate(evaluate(series))
    eps = episodes(sig)
    return {"signals": sig, "episodes": eps, "combined": combined_levels(sig),
            "counts": counts_by_year(eps, years=years)}
