"""Nowcasts of an indicator's YoY growth from the workspace's timelier series (``induscope nowcast``).

The target is the YoY growth of an indicator for a region and industry, as the indicators service
gives it (derived from levels, or the published rates where there are no levels). Predictors are the
workspace's other monthly series: diffusion indices (PMI, names starting with ``pmi``) as levels and
monthly changes, everything else as YoY growth. Each series has a publication lag
(``core.nowcast.lags.CHINA_INDICATOR_LAGS``, overridable); the data are cut to what had been published
``day`` days after the end of the target month, so a past month can be nowcast as it would have
been, next to its outcome.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import pandas as pd

from ..core.nowcast import ReleaseCalendar, models, monthly_panel, pseudo_real_time
from ..core.nowcast.dfm import DFMSpec, RefittingDFM, fit as fit_dfm, news as dfm_news, nowcast as dfm_nowcast
from ..core.nowcast.lags import CHINA_INDICATOR_LAGS
from ..errors import InputError, InduscopeError, ModelError, NotFoundError
from ..store import Workspace
from ..store.series import indicator_names, latest_monthly_period
from . import indicators as ind

MODEL_NAMES = ("bridge", "bridge_anchored", "small_bridge", "factor", "ar", "random_walk", "dfm")
#: the anchored bridge's unpenalised indicators when none are given: the manufacturing PMI and its
#: monthly change, the timely anchor of Chinese industrial output (the benchmark's Chinese anchors)
DEFAULT_ANCHORS = ("pmi_manufacturing", "pmi_manufacturing_D")
#: the default model, chosen by the rule of bench/bench_nowcast.py (lowest RMSE over the FRED-MD
#: validation period 1990-1999, before the 2000-2019 test period; docs/nowcast.md): the ridge bridge
#: with the anchors unpenalised and the release companions (a test checks it against
#: bench/results/nowcast.json)
DEFAULT_MODEL = "bridge_anchored"
_MONTH = re.compile(r"^\d{4}-\d{2}$")
TARGET = "target"


@dataclass(frozen=True)
class NowcastReport:
    """A nowcast with its benchmarks, the data it saw, and (DFM) the news since the month before."""

    query: Mapping[str, Any]
    period: str
    info_day: float
    estimates: pd.DataFrame          # model, value, lower, upper (90%), detail
    actual: float | None
    predictors: pd.DataFrame         # series, lag_days, last_published
    news: pd.DataFrame | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"query": dict(self.query), "period": self.period, "info_day": self.info_day,
                "actual": self.actual, "estimates": self.estimates.to_dict(orient="records"),
                "predictors": self.predictors.to_dict(orient="records"),
                "news": None if self.news is None else self.news.to_dict(orient="records"),
                "notes": list(self.notes)}


def _monthly(values: pd.Series) -> pd.Series:
    s = values[[bool(_MONTH.match(str(p))) for p in values.index]]
    return s.astype(float)


def _growth(ws: Any, indicator: str, region: str, industry: str) -> pd.Series:
    bundle = ind.indicator_growth(ws, indicator, region=region, industry=industry, measure="yoy")
    for s in bundle.series:
        v = _monthly(s.values.dropna())
        if len(v):
            return v
    raise NotFoundError(f"no monthly YoY growth of '{indicator}' for {region}/{industry}")


def _levels(ws: Any, indicator: str, region: str) -> pd.Series | None:
    from .catalog import get_series

    rows = get_series(ws, indicator)
    if rows.empty:
        return None
    for r in (region, "000000"):
        sub = rows[rows["region"] == r]
        if len(sub):
            # one industry per diffusion index (e.g. PMI for manufacturing): take the first listed
            sub = sub[sub["industry"] == sub["industry"].iloc[0]]
            return _monthly(sub.set_index("period")["value"])
    return None


def build_panel(ws: Workspace, indicator: str, region: str, industry: str,
                predictors: Sequence[str] | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The target's YoY growth (column ``target``) and the predictors, on one monthly index."""
    notes: list[str] = []
    cols = {TARGET: _growth(ws, indicator, region, industry)}
    names = list(predictors) if predictors else [n for n in indicator_names(ws) if n != indicator]
    for name in names:
        try:
            if name.startswith("pmi"):
                lv = _levels(ws, name, region)
                if lv is None:
                    raise NotFoundError(f"no rows of '{name}'")
                cols[name] = lv
                cols[f"{name}_D"] = lv.sort_index().diff()
            else:
                cols[name] = _growth(ws, name, region, industry)
        except InduscopeError as e:
            if predictors:
                raise InputError(f"predictor '{name}': {e}") from None
            notes.append(f"predictor '{name}' left out: {e}")
    panel = monthly_panel(pd.DataFrame({k: v[~v.index.duplicated()] for k, v in cols.items()}))
    if panel.shape[1] < 2:
        raise NotFoundError(f"no predictor for '{indicator}': import timelier monthly series first "
                            "(PMI, electricity, freight, operating reports) with `induscope import series`")
    return panel, notes


def _calendar(panel: pd.DataFrame, indicator: str, lags: Mapping[str, float] | None) -> ReleaseCalendar:
    given = dict(lags or {})
    out = {}
    for c in panel.columns:
        base = indicator if c == TARGET else c.removesuffix("_D")
        out[c] = float(given.get(base, CHINA_INDICATOR_LAGS.get(base, 30.0)))
    return ReleaseCalendar(out)


def anchor_columns(panel: pd.DataFrame, anchors: Sequence[str] | None) -> list[str]:
    """The panel's columns for the anchored bridge: each named series (a diffusion index with its
    monthly change), or ``DEFAULT_ANCHORS`` where the panel has them."""
    if not anchors:
        return [c for c in DEFAULT_ANCHORS if c in panel.columns]
    out = []
    for a in anchors:
        cols = [c for c in (a, f"{a}_D") if c in panel.columns]
        if not cols:
            known = ", ".join(c for c in panel.columns if c != TARGET)
            raise InputError(f"anchor '{a}' is not among the predictors ({known})")
        out += cols
    return out


def _model(name: str, cal: ReleaseCalendar | None = None, panel: pd.DataFrame | None = None,
           anchors: Sequence[str] | None = None) -> Callable:
    """The model's nowcaster for this panel and calendar: the bridge with the target's release
    companions (series published with it), anchored or not; the small bridge on every predictor of
    the panel (the few given with ``predictors``)."""
    if name not in MODEL_NAMES:
        raise InputError(f"model must be one of {', '.join(MODEL_NAMES)}, got {name!r}")
    if name == "dfm":
        return RefittingDFM(spec=DFMSpec(factors=1, factor_orders=2))
    columns = [] if panel is None else [c for c in panel.columns if c != TARGET]
    if name in ("bridge", "bridge_anchored"):
        companions = cal.companions(TARGET, columns) if cal is not None else []
        fixed = anchor_columns(panel, anchors) if name == "bridge_anchored" and panel is not None else []
        return lambda v, c, t: models.bridge(v, c, t, companions=companions, anchors=fixed,
                                             anchor_history=name == "bridge_anchored")
    if name == "small_bridge":
        return lambda v, c, t: models.small_bridge(v, c, t, columns)
    return models.MODELS[name]


def _check_options(model: str, predictors: Sequence[str] | None, anchors: Sequence[str] | None) -> None:
    _model(model)
    if anchors and model != "bridge_anchored":
        raise InputError(f"anchors are the anchored bridge's (--model bridge_anchored), not {model}'s")
    if model == "small_bridge" and not predictors:
        raise InputError("the small bridge regresses on a few hand-picked series: name them with "
                         "--predictor (e.g. --predictor pmi_manufacturing)")


def nowcast(ws: Workspace, indicator: str = "value_added", *, region: str = "000000", industry: str = "BCD",
            period: str | None = None, day: float = 1.0, model: str = DEFAULT_MODEL,
            predictors: Sequence[str] | None = None, lags: Mapping[str, float] | None = None,
            with_news: bool = False, anchors: Sequence[str] | None = None) -> NowcastReport:
    """Nowcast the YoY growth of ``indicator`` for ``period`` as of ``day`` days after its end
    (default: the month after the last published one), with the AR and random-walk benchmarks."""
    _check_options(model, predictors, anchors)
    with ws.session() as s:
        panel, notes = build_panel(s, indicator, region, industry, predictors)
    cal = _calendar(panel, indicator, lags)
    published = panel[TARGET].dropna()
    if period is None:
        T = published.index[-1] + 1
        if T > panel.index[-1]:
            raise NotFoundError(f"every month of '{indicator}' up to {published.index[-1]} is published and no "
                                "predictor reaches further: give a period (--period, or period= in the API) to "
                                f"nowcast a past month as it would have been (e.g. {published.index[-1]}), or "
                                "import the "
                                "indicators published earlier (PMI, power use, ...) for the months after it")
    else:
        if not _MONTH.match(period):
            raise InputError(f"period must be a month YYYY-MM, got {period!r}")
        T = pd.Period(period, freq="M")
        if T < panel.index[0] + 24:
            raise InputError(f"{period} leaves less than two years of history before it")
    if T > panel.index[-1]:
        panel = panel.reindex(pd.period_range(panel.index[0], T, freq="M"))
    vintage = cal.vintage(panel, T, day)
    rows, detail_notes = [], []
    for name in dict.fromkeys([model, "ar", "random_walk"]):
        try:
            nc = (dfm_nowcast(fit_dfm(vintage), vintage, TARGET, T) if name == "dfm"
                  else _model(name, cal, panel, anchors)(vintage, TARGET, T))
        except ModelError as e:
            detail_notes.append(f"{name}: {e}")
            continue
        detail = "; ".join(f"{k}={v}" for k, v in nc.detail.items()).replace(f"{TARGET} lag", f"{indicator} lag")
        rows.append({"model": name, "value": nc.value, "lower": nc.lower, "upper": nc.upper, "detail": detail})
    if not rows:
        raise ModelError("no model could nowcast: " + "; ".join(detail_notes))
    last = {c: (str(vintage[c].dropna().index[-1]) if vintage[c].notna().any() else None) for c in vintage}
    pred = pd.DataFrame({"series": [indicator if c == TARGET else c for c in vintage.columns],
                         "lag_days": [cal.lag(c) for c in vintage.columns],
                         "last_published": [last[c] for c in vintage.columns]})
    news = None
    if with_news:
        prev = cal.vintage(panel, T, day - 30.44)
        fitted = fit_dfm(prev)
        news = dfm_news(fitted, prev.reindex(vintage.index), vintage, TARGET, T)
        news["series"] = news["series"].replace({TARGET: indicator})
    actual = panel[TARGET].get(T)
    return NowcastReport({"indicator": indicator, "region": region, "industry": industry, "model": model},
                         str(T), float(day), pd.DataFrame(rows),
                         None if actual is None or pd.isna(actual) else float(actual), pred, news,
                         tuple(notes + detail_notes))


def next_month(src: Any, indicator: str, region: str, industry: str, model: str = DEFAULT_MODEL,
               published_through: str | None = None):
    """The nowcast of the month after the last published one from what the workspace holds now, or
    None when no predictor reaches that month (used by the scan for "expected" alerts).
    ``published_through``: the target's last published month, if known: when no other series reaches
    beyond it, nothing is built (the common case, checked with one query)."""
    if published_through is not None:
        newest = latest_monthly_period(src, excluding=indicator)
        if newest is None or newest[:7] <= published_through[:7]:
            return None
    try:
        panel, _ = build_panel(src, indicator, region, industry)
    except InduscopeError:
        return None
    published = panel[TARGET].dropna()
    if published.empty or published.index[-1] + 1 > panel.index[-1]:
        return None
    T = published.index[-1] + 1
    try:
        return _model(model, _calendar(panel, indicator, None), panel)(panel.loc[:T], TARGET, T)
    except ModelError:
        return None


def evaluate(ws: Workspace, indicator: str = "value_added", *, region: str = "000000", industry: str = "BCD",
             start: str, end: str, day: float = 1.0, predictors: Sequence[str] | None = None,
             lags: Mapping[str, float] | None = None, models_used: Sequence[str] = (DEFAULT_MODEL, "ar", "random_walk"),
             progress: Callable[[int, int], None] | None = None,
             anchors: Sequence[str] | None = None) -> dict[str, Any]:
    """Pseudo-real-time evaluation on the workspace's data between two months (inclusive)."""
    if anchors and "bridge_anchored" not in models_used:
        raise InputError("anchors are the anchored bridge's: evaluate --model bridge_anchored")
    for m in models_used:
        _check_options(m, predictors, anchors if m == "bridge_anchored" else None)
    for p in (start, end):
        if not _MONTH.match(p):
            raise InputError(f"months are YYYY-MM, got {p!r}")
    with ws.session() as s:
        panel, notes = build_panel(s, indicator, region, industry, predictors)
    cal = _calendar(panel, indicator, lags)
    periods = list(pd.period_range(start, end, freq="M"))
    fns = {m: _model(m, cal, panel, anchors) for m in models_used}
    ev = pseudo_real_time(panel, TARGET, cal, periods, fns, info_day=day,
                          progress=progress)
    out = ev.summary()
    out["notes"] = notes
    return out
