"""Pseudo-real-time nowcast evaluation on real data (docs/nowcast.md explains the design).

- ``fred_md_indpro``: US industrial production growth (100 x monthly log change of INDPRO) from the
  other FRED-MD series, nowcast made 10 days after the end of the month (after the Employment
  Situation, before the G.17 release around the 16th). 1990-01 .. 1999-12 is the *validation* period,
  2000-01 .. 2019-12 the *test* period of the issue's goal.
- ``china_iva``: China's industrial value-added YoY growth with the official PMI, 2012-02 .. 2019-12 and
  2012-02 .. 2025-04 (the 2020-2021 base effects apart), nowcast made 1 day after the end of the month
  (the PMI is out, the value added is not). NBS publishes no January figure: Januaries are not targets.

Each vintage is the latest data cut to what had been published on the information date (revisions are
not available, so this is pseudo- not real-time). Every variant is evaluated on the same vintages and
reported in ``variants``: the benchmarks (random walk, AR(p) by BIC), the ridge bridge on every
published indicator and the target's release companions (also without the companions, and anchored:
the small bridge's indicators and the target's history left unpenalised), the factor
(diffusion-index) regression, the small bridge on hand-picked indicators (OLS and Huber), the bridge
on a shorter estimation window, the dynamic factor model of statsmodels (re-estimated every 12
months), and equal-weight combinations.

The headline model is chosen by a rule fixed before looking at the test period: the candidate with
the lowest RMSE over the FRED-MD validation period 1990-1999 (``SELECTION``). Its 2000-2019 ratio is
the headline; the same model is reported for China (out of sample for the choice) and is the default
of ``induscope nowcast`` (services.nowcast.DEFAULT_MODEL must agree; a test checks it against this file).

    python bench/bench_nowcast.py [--no-dfm]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

# one BLAS thread: the regressions are small, and on a shared machine threaded BLAS oversubscribes
# the cores (measured: 2.5x slower under load); set before numpy loads
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchutil import RESULTS, load, machine, write_json  # noqa: E402

from induscope.core.nowcast import ReleaseCalendar, models, pseudo_real_time  # noqa: E402
from induscope.core.nowcast.dfm import DFMSpec, RefittingDFM  # noqa: E402
from induscope.core.nowcast.evaluation import Evaluation, with_combinations  # noqa: E402
from induscope.core.nowcast.lags import CHINA_INDICATOR_LAGS, fred_md_lags  # noqa: E402
from induscope.core.nowcast.panels import china_iva_panel, fred_md_panel  # noqa: E402
from induscope.readers.macro_monthly import (read_fred_md, read_fred_md_appendix,  # noqa: E402
                                             read_nbs_monthly_value_added, read_nbs_pmi)

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
BENCHMARKS = ("ar", "random_walk")
VALIDATION = ("1990-01", "1999-12")
TEST = ("2000-01", "2019-12")
SELECTION = ("lowest RMSE over the FRED-MD validation period 1990-01..1999-12 among the candidates: "
             "every variant but the two benchmarks and the DFM (evaluated 2000-2019 only: its monthly EM "
             "re-estimation is too slow for the scan's expected alerts)")

#: the DFM block for FRED-MD: the target and the timely labour-market, claims and market series
FRED_DFM_SERIES = ["INDPRO", "PAYEMS", "USGOOD", "MANEMP", "DMANEMP", "NDMANEMP", "AWHMAN_D", "AWOTMAN",
                   "CLAIMSX", "UNRATE", "CES0600000007_D", "S&P 500"]
#: the small bridges' indicators: aggregate hours in manufacturing and initial claims (US); the
#: manufacturing PMI and its change (China)
FRED_SMALL = ("HOURS_MAN", "CLAIMSX")
CHINA_SMALL = ("pmi_manufacturing", "pmi_manufacturing_D")
COMBINATIONS = {
    "combo_bridge_factor": ("bridge", "factor"),
    "combo_bridge_small": ("bridge", "small_bridge"),
    "combo_bridge_small_huber": ("bridge", "small_bridge_huber"),
    "combo_bridge_factor_small": ("bridge", "factor", "small_bridge"),
}


def _progress(label: str):
    def show(done: int, total: int) -> None:
        if done == total or done % 60 == 0:
            print(f"  {label}: {done}/{total} months", flush=True)
    return show


def _fns(small, start, companions=(), short_start=None):
    fns = {
        "random_walk": models.random_walk,
        "ar": lambda v, c, t: models.autoregression(v, c, t, start=start),
        "bridge": lambda v, c, t: models.bridge(v, c, t, start=start, companions=companions),
        "factor": lambda v, c, t: models.factor(v, c, t, start=start),
        "small_bridge": lambda v, c, t: models.small_bridge(v, c, t, small, start=start),
        "small_bridge_huber": lambda v, c, t: models.small_bridge(v, c, t, small, start=start, robust=True),
    }
    # the bridge with the small bridge's indicators and the target's own history (its lags and
    # release companions) unpenalised: OLS on them, ridge on the wide panel of other indicators
    fns["bridge_anchored"] = lambda v, c, t: models.bridge(v, c, t, start=start, companions=companions,
                                                           anchors=small, anchor_history=True)
    # the same with only the small bridge's indicators unpenalised
    fns["bridge_anchored_indicators_only"] = lambda v, c, t: models.bridge(
        v, c, t, start=start, companions=companions, anchors=small)
    if companions:  # the bridge as it was before the release companions joined it
        fns["bridge_without_companions"] = lambda v, c, t: models.bridge(v, c, t, start=start)
    if short_start is not None:  # the estimation window's choice (FRED-MD: from 1985, the Great Moderation)
        fns["bridge_short_window"] = lambda v, c, t: models.bridge(v, c, t, start=short_start,
                                                                   companions=companions)
    return fns


def _dfm(series, start):
    return {"dfm": RefittingDFM(series, DFMSpec(factors=1, factor_orders=2), refit_months=12, start=start)}


def _rmse(w: pd.DataFrame, m: str) -> float:
    return float(np.sqrt(((w[m] - w["actual"]) ** 2).mean()))


def _window(ev, first: str, last: str, headline: str) -> dict:
    """The summary of one window, with the headline model's ratios on top."""
    sub = ev.window(first, last)
    s = sub.summary()
    w = sub.common()
    out = {"model": headline,
           "rmse_ratio_vs_ar": s["rmse_ratio_vs_ar"][headline],
           "rmse_ratio_vs_rw": s["rmse_ratio_vs_rw"][headline],
           "months": s["months"], "first": first, "last": last, "info_day": ev.info_day,
           "rmse": s["rmse"], "ratio_vs_ar_by_model": s["rmse_ratio_vs_ar"],
           "ratio_vs_rw_by_model": s["rmse_ratio_vs_rw"], "coverage_90": s["coverage_90"],
           "failures": s["failures"]}
    err = (w[headline] - w["actual"]).abs().sort_values(ascending=False)
    out["largest_errors"] = [{"period": str(p), "actual": float(w.at[p, "actual"]),
                              **{m: float(w.at[p, m]) for m in dict.fromkeys((headline, "bridge", "ar")) if m in w}}
                             for p in err.index[:6]]
    # diagnostic only (not the headline): the ratio without the two months the indicators cannot see
    # (in FRED-MD, the hurricanes of September 2005 and 2008 hit refining, not employment or hours)
    rest = w.drop(index=err.index[:2])
    out["diagnostic_ratio_vs_ar_without_two_largest_errors"] = _rmse(rest, headline) / _rmse(rest, "ar")
    return out


def _variants(ev, windows: dict[str, tuple[str, str]]) -> dict:
    """RMSE / AR and / random walk of every variant in every window (each on its common months)."""
    table: dict = {}
    for key, (a, b) in windows.items():
        s = ev.window(a, b).summary()
        for m in s["rmse"]:
            row = table.setdefault(m, {})
            row[f"{key}_vs_ar"] = s["rmse_ratio_vs_ar"].get(m, 1.0)
            row[f"{key}_vs_rw"] = s["rmse_ratio_vs_rw"].get(m, 1.0)
            row[f"{key}_coverage_90"] = s["coverage_90"].get(m)
    return table


def _run(panel, target, calendar, periods, info_day, fns, label, dfm=None, dfm_periods=None):
    """Every model on the same vintages; the DFM (minutes: EM re-estimation every 12 months) only
    over ``dfm_periods``, so it is compared in those months and is no candidate elsewhere."""
    t0 = time.perf_counter()
    ev = pseudo_real_time(panel, target, calendar, periods, fns, info_day=info_day, progress=_progress(label))
    if dfm:
        d = pseudo_real_time(panel, target, calendar, dfm_periods, dfm, info_day=info_day,
                             progress=_progress(label + " (dfm)"))
        ev = Evaluation(pd.concat([ev.frame, d.frame], ignore_index=True),
                        pd.concat([ev.failures, d.failures], ignore_index=True), ev.info_day)
    ev = with_combinations(ev, COMBINATIONS)
    return ev, round(time.perf_counter() - t0, 1)


def _print(label: str, out: dict) -> None:
    print(f"{label}: {out['model']} RMSE / AR = {out['rmse_ratio_vs_ar']:.3f}, / random walk = "
          f"{out['rmse_ratio_vs_rw']:.3f} over {out['months']} months; by model vs AR: "
          + ", ".join(f"{m} {r:.3f}" for m, r in out["ratio_vs_ar_by_model"].items()), flush=True)


def fred(use_dfm: bool) -> dict:
    data, tcodes = read_fred_md(DATA / "us_fred_md" / "fred_md_current_2025-02.csv")
    app = read_fred_md_appendix(DATA / "us_fred_md" / "FRED-MD_updated_appendix.csv")
    lags = fred_md_lags(dict(zip(app["fred"], app["group"])))
    panel = fred_md_panel(data, tcodes)
    calendar = ReleaseCalendar({**lags, **{f"{k}_D": v for k, v in lags.items()}})
    periods = list(pd.period_range(VALIDATION[0], TEST[1], freq="M"))
    companions = calendar.companions("INDPRO", panel.columns)  # G.17's market groups and capacity use
    fns = _fns(FRED_SMALL, pd.Period("1960-03", "M"), companions, pd.Period("1985-01", "M"))
    ev, seconds = _run(panel, "INDPRO", calendar, periods, 10, fns, "FRED-MD INDPRO",
                       _dfm(FRED_DFM_SERIES, pd.Period("1985-01", "M")) if use_dfm else None,
                       list(pd.period_range(*TEST, freq="M")))
    windows = {"validation_1990_1999": VALIDATION, "test_2000_2019": TEST}
    variants = _variants(ev, windows)
    candidates = {m: r["validation_1990_1999_vs_ar"] for m, r in variants.items()
                  if m not in BENCHMARKS and "validation_1990_1999_vs_ar" in r}
    headline = min(candidates, key=candidates.get)
    out = _window(ev, *TEST, headline)
    out.update({"selection": SELECTION, "selected_on_validation": headline,
                "validation": _window(ev, *VALIDATION, headline), "variants": variants,
                "small_bridge_indicators": list(FRED_SMALL), "bridge_companions": companions,
                "seconds": seconds, "load": load()})
    _print("FRED-MD INDPRO 2000-2019", out)
    return out


def china(use_dfm: bool, headline: str) -> dict:
    iva = read_nbs_monthly_value_added(DATA / "china_macro" / "macro_china_gyzjz_df.csv")
    pmi = read_nbs_pmi(DATA / "china_macro" / "macro_china_pmi_df.csv")
    panel = china_iva_panel(iva, pmi)
    lags = {c: CHINA_INDICATOR_LAGS["pmi"] for c in panel.columns if c.startswith("pmi")}
    calendar = ReleaseCalendar({**lags, "value_added": CHINA_INDICATOR_LAGS["value_added"]})
    start = pd.Period("2008-02", "M")
    periods = [p for p in pd.period_range("2012-02", "2025-04", freq="M") if p.month != 1]
    # no shorter window (the PMI-IVA history starts in 2008), no companions (the panel has none)
    fns = _fns(CHINA_SMALL, start, calendar.companions("value_added", panel.columns))
    ev, seconds = _run(panel, "value_added", calendar, periods, 1, fns, "China IVA",
                       _dfm(list(panel.columns), start) if use_dfm else None, periods)
    windows = {"2012_2019": ("2012-02", "2019-12"), "2012_2025": ("2012-02", "2025-04")}
    out = {k: _window(ev, a, b, headline) for k, (a, b) in windows.items()}
    headline_doc = dict(out["2012_2019"])
    headline_doc.update({"windows": out, "variants": _variants(ev, windows),
                         "small_bridge_indicators": list(CHINA_SMALL), "seconds": seconds, "load": load()})
    for k, v in out.items():
        _print(f"China IVA {k}", v)
    return headline_doc


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-dfm", action="store_true", help="skip the dynamic factor model (minutes)")
    args = ap.parse_args(argv)
    doc = {"benchmark": "nowcast", "machine": machine(("statsmodels",)), "load_at_start": load()}
    doc["fred_md_indpro"] = fred(not args.no_dfm)
    doc["china_iva"] = china(not args.no_dfm, doc["fred_md_indpro"]["model"])
    path = write_json(doc, RESULTS / "nowcast.json")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
