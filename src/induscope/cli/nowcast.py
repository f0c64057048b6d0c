"""`induscope nowcast`: this month's (or a past month's, as it would have been) YoY growth of an
indicator from the workspace's timelier series, with an interval, the AR and random-walk benchmarks,
and (``--news``) which releases moved it since a month earlier."""
from __future__ import annotations

from enum import Enum
from typing import List, Optional

import typer

from .common import emit, handle_errors, note, place_label, progress, require, state
from .indicators import _INDICATOR, _INDUSTRY, _REGION, _industry, _region


class Model(str, Enum):
    bridge = "bridge"
    bridge_anchored = "bridge_anchored"
    small_bridge = "small_bridge"
    factor = "factor"
    ar = "ar"
    random_walk = "random_walk"
    dfm = "dfm"


def _lags(items: List[str]) -> dict[str, float]:
    out = {}
    for item in items:
        name, _, days = item.partition("=")
        try:
            out[name.strip()] = float(days)
        except ValueError:
            require(False, f"--lag takes NAME=DAYS (e.g. pmi_manufacturing=0), got {item!r}")
    return out


def nowcast(ctx: typer.Context, indicator: str = _INDICATOR, region: str = _REGION, industry: str = _INDUSTRY,
            period: Optional[str] = typer.Option(
                None, "--period", "-p", help="Month to nowcast, YYYY-MM (default: the month after the last "
                "published one). A published month is nowcast as it would have been, beside its outcome."),
            day: float = typer.Option(1.0, "--day", help="Information date: days after the end of the month "
                                      "(negative: during it). Decides which releases are out."),
            model: Optional[Model] = typer.Option(None, "--model", "-m", help="bridge_anchored (the default, "
                                                  "chosen on a validation period, docs/nowcast.md: ridge on every "
                                                  "published indicator with the --anchor series unpenalised), bridge "
                                                  "(ridge, no anchors), small_bridge (OLS on the --predictor "
                                                  "series), factor, dfm (dynamic factor model), ar, random_walk. "
                                                  "With --evaluate: the model evaluated."),
            anchor: List[str] = typer.Option([], "--anchor", help="Series the anchored bridge leaves unpenalised "
                                             "(repeat; default: pmi_manufacturing and its monthly change)."),
            predictor: List[str] = typer.Option([], "--predictor", help="Series to use (repeat; default: every "
                                                "other monthly indicator in the workspace)."),
            lag: List[str] = typer.Option([], "--lag", help="Publication lag NAME=DAYS (repeat); defaults in "
                                          "docs/nowcast.md (PMI 0, value added 15, electricity 17, ...)."),
            news: bool = typer.Option(False, "--news", help="Also decompose the change since a month earlier "
                                      "by release (dynamic factor model)."),
            evaluate: Optional[str] = typer.Option(None, "--evaluate", help="START:END (YYYY-MM:YYYY-MM): "
                                                   "pseudo-real-time evaluation instead of one nowcast.")) -> None:
    """Nowcast an indicator's YoY growth (%) before its release, with a 90% interval and benchmarks."""
    from ..core.indicators.vocabulary import indicator_label
    from ..services import nowcast as svc

    with handle_errors(ctx):
        ws = state(ctx).workspace
        common = dict(region=_region(region), industry=_industry(industry), predictors=predictor or None,
                      lags=_lags(lag), anchors=anchor or None)
        chosen = model.value if model is not None else svc.DEFAULT_MODEL
        if evaluate is not None:
            start, _, end = evaluate.partition(":")
            require(bool(start and end), f"--evaluate takes START:END, got {evaluate!r}")
            with progress("pseudo-real-time nowcasts", None) as advance:
                res = svc.evaluate(ws, indicator, start=start, end=end, day=day,
                                   models_used=tuple(dict.fromkeys((chosen, "ar", "random_walk"))),
                                   progress=lambda done, total: advance(1), **common)
            rows = [{"model": m, "rmse": r, "ratio_vs_ar": res.get("rmse_ratio_vs_ar", {}).get(m),
                     "ratio_vs_random_walk": res.get("rmse_ratio_vs_rw", {}).get(m),
                     "coverage_90": res["coverage_90"].get(m)} for m, r in res["rmse"].items()]
            import pandas as pd

            emit(ctx, res, pd.DataFrame(rows), title=f"{indicator_label(indicator)} YoY nowcasts {start}..{end}, "
                 f"{place_label(common['region'], common['industry'])}, {res['months']} months, day {day:g}",
                 units={"rmse": "pp"})
            for n in res.get("notes", []):
                note(ctx, n)
            return
        rep = svc.nowcast(ws, indicator, period=period, day=day, model=chosen, with_news=news, **common)
        title = (f"{indicator_label(indicator)} YoY growth nowcast for {rep.period} "
                 f"({place_label(rep.query['region'], rep.query['industry'])}), "
                 f"information date: day {rep.info_day:g} after the month's end")
        if rep.actual is not None:
            title += f"; published: {rep.actual:.2f}%"
        emit(ctx, rep.to_dict(), rep.estimates, title=title, units={"value": "%", "lower": "%", "upper": "%"})
        if not state(ctx).json:
            emit(ctx, None, rep.predictors, title="data seen", units={"lag_days": "days"})
            if rep.news is not None:
                emit(ctx, None, rep.news, title="news since a month earlier (dfm)", units={"impact": "pp"},
                     totals=["impact"])
            for n in rep.notes:
                note(ctx, n)
