"""Dynamic factor model nowcasts and the news decomposition, with statsmodels' ``DynamicFactorMQ``
(Banbura & Modugno 2014 EM estimation; monthly and quarterly data, arbitrary missing values, so the
ragged edge needs no balancing).

The nowcast of the target for month T is its Kalman-smoothed estimate given everything published in
the vintage; its interval comes from the smoothed forecast variance (parameters taken as known). The
news decomposition (Banbura & Modugno; the tables central-bank nowcasting platforms publish) splits
the change between two vintages into the contribution of each newly released value: weight x
(released - expected).
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ...errors import ModelError
from .models import Nowcast, Z90


@dataclass(frozen=True)
class DFMSpec:
    factors: int = 1
    factor_orders: int = 2
    idiosyncratic_ar1: bool = True
    maxiter: int = 200


def fit(vintage: pd.DataFrame, spec: DFMSpec = DFMSpec()) -> Any:
    """Estimate the DFM on a vintage (EM); returns the statsmodels results (reuse with ``nowcast``)."""
    from statsmodels.tsa.statespace.dynamic_factor_mq import DynamicFactorMQ

    data = vintage.loc[:, vintage.notna().sum() >= 24]
    if data.shape[1] < 2:
        raise ModelError("the dynamic factor model needs at least two series with 24 or more months")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EM convergence chatter; convergence is checked below
        model = DynamicFactorMQ(data, factors=spec.factors, factor_orders=spec.factor_orders,
                                idiosyncratic_ar1=spec.idiosyncratic_ar1, standardize=True)
        res = model.fit(disp=False, maxiter=spec.maxiter)
    if not np.all(np.isfinite(res.params)):
        raise ModelError("the dynamic factor model did not converge (non-finite parameters)")
    return res


def _apply(fitted: Any, vintage: pd.DataFrame) -> Any:
    cols = list(fitted.model.endog_names)
    missing = [c for c in cols if c not in vintage.columns]
    if missing:
        raise ModelError(f"the vintage lacks series the model was fitted on: {missing}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fitted.apply(vintage[cols])


def nowcast(fitted: Any, vintage: pd.DataFrame, target_col: str, target: pd.Period) -> Nowcast:
    """The smoothed estimate of ``target_col`` at ``target`` given the vintage (same parameters)."""
    res = _apply(fitted, vintage)
    names = list(res.model.endog_names)
    if target_col not in names:
        raise ModelError(f"'{target_col}' is not among the model's series")
    i = names.index(target_col)
    t = list(res.model._index).index(target) if target in res.model._index else None
    if t is None:
        raise ModelError(f"{target} is outside the vintage")
    mean, std = float(res.model._endog_mean.iloc[i]), float(res.model._endog_std.iloc[i])
    sm = res.smoother_results
    point = float(sm.smoothed_forecasts[i, t]) * std + mean
    var = float(sm.smoothed_forecasts_error_cov[i, i, t]) * std ** 2
    half = Z90 * np.sqrt(max(var, 0.0))
    return Nowcast("dfm", str(target), point, point - half, point + half,
                   {"factors": int(res.model.k_factors), "series": len(names)})


def news(fitted: Any, previous: pd.DataFrame, current: pd.DataFrame, target_col: str,
         target: pd.Period) -> pd.DataFrame:
    """Which releases moved the nowcast of ``target_col`` at ``target`` between two vintages.

    One row per newly released value: ``series``, ``period``, ``released``, ``expected`` (the
    previous vintage's forecast of it), ``weight`` and ``impact`` (weight x news, in the target's
    units); the impacts sum to the change of the nowcast (up to revisions, reported as one row).
    """
    prev_res = _apply(fitted, previous)
    cur_res = _apply(fitted, current)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nr = cur_res.news(prev_res, impact_date=target, impacted_variable=target_col,
                          comparison_type="previous")
    details = nr.details_by_impact.reset_index()
    rename = {"update date": "period", "updated variable": "series", "observed": "released",
              "forecast (prev)": "expected", "news": "news", "weight": "weight", "impact": "impact"}
    out = details.rename(columns=rename)
    keep = [c for c in ("series", "period", "released", "expected", "news", "weight", "impact") if c in out]
    out = out[keep].copy()
    if "period" in out:
        out["period"] = out["period"].astype(str)
    revision = float(np.asarray(nr.revision_impacts).sum()) if nr.revision_impacts is not None else 0.0
    if abs(revision) > 0:
        out = pd.concat([out, pd.DataFrame([{"series": "(revisions)", "impact": revision}])], ignore_index=True)
    return out.sort_values("impact", key=np.abs, ascending=False).reset_index(drop=True)


class RefittingDFM:
    """A DFM nowcaster for pseudo-real-time loops: re-estimated every ``refit_months`` on the vintage
    of the day (so no later data enter the parameters), applied in between to each new vintage."""

    def __init__(self, series: list[str] | None = None, spec: DFMSpec = DFMSpec(), refit_months: int = 12,
                 start: pd.Period | None = None):
        self.series, self.spec, self.refit_months, self.start = series, spec, refit_months, start
        self._fitted: Any = None
        self._fitted_at: pd.Period | None = None

    def __call__(self, vintage: pd.DataFrame, target_col: str, target: pd.Period) -> Nowcast:
        cols = [c for c in (self.series or list(vintage.columns)) if c in vintage.columns and c != target_col]
        data = vintage[[target_col, *cols]]
        data = data.loc[self.start:] if self.start is not None else data
        if self._fitted is None or (target - self._fitted_at).n >= self.refit_months:
            self._fitted, self._fitted_at = fit(data, self.spec), target
        return nowcast(self._fitted, data, target_col, target)
