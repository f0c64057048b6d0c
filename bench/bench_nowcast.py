"""Pseudo-real-time nowcast evaluation on real data (docs/nowcast.md explains the design).

- ``fred_md_indpro``: US industrial production growth (100 x monthly log change of INDPRO) from the
  other FRED-MD series, 2000-01 .. 2019-12, nowcast made 10 days after the end of the month (after the
  Employment Situation, before the G.17 release around the 16th).
- ``china_iva``: China's industrial value-added YoY growth with the official PMI, 2012-02 .. 2019-12 and
  2012-02 .. 2025-04 (the 2020-2021 base effects apart), nowcast made 1 day after the end of the month
  (the PMI is out, the value added is not). NBS publishes no January figure: Januaries are not targets.

Each vintage is the latest data cut to what had been published on the information date (revisions are
not available, so this is pseudo- not real-time). Models: random walk, AR(p) (BIC), factor
(diffusion index), bridge (ridge on every published indicator, GCV penalty) and the dynamic factor
model of statsmodels (re-estimated every 12 months on the vintage of the day). The headline ratio is
the bridge's. Writes bench/results/nowcast.json.

    python bench/bench_nowcast.py [--no-dfm]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchutil import RESULTS, load, machine, write_json  # noqa: E402

from induscope.core.nowcast import ReleaseCalendar, models, pseudo_real_time  # noqa: E402
from induscope.core.nowcast.dfm import DFMSpec, RefittingDFM  # noqa: E402
from induscope.core.nowcast.lags import CHINA_INDICATOR_LAGS, fred_md_lags  # noqa: E402
from induscope.core.nowcast.panels import china_iva_panel, fred_md_panel  # noqa: E402
from induscope.readers.macro_monthly import (read_fred_md, read_fred_md_appendix,  # noqa: E402
                                             read_nbs_monthly_value_added, read_nbs_pmi)

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
HEADLINE = "bridge"

#: the DFM block for FRED-MD: the target and the timely labour-market, claims and market series
FRED_DFM_SERIES = ["INDPRO", "PAYEMS", "USGOOD", "MANEMP", "DMANEMP", "NDMANEMP", "AWHMAN_D", "AWOTMAN",
                   "CLAIMSX", "UNRATE", "CES0600000007_D", "S&P 500"]


def _progress(label: str):
    def show(done: int, total: int) -> None:
        if done == total or done % 24 == 0:
            print(f"  {label}: {done}/{total} months", flush=True)
    return show


def _evaluate(panel, target, calendar, periods, info_day, dfm_series, start, use_dfm, label):
    fns = {
        "random_walk": models.random_walk,
        "ar": lambda v, c, t: models.autoregression(v, c, t, start=start),
        "factor": lambda v, c, t: models.factor(v, c, t, start=start),
        "bridge": lambda v, c, t: models.bridge(v, c, t, start=start),
    }
    if use_dfm:
        fns["dfm"] = RefittingDFM(dfm_series, DFMSpec(factors=1, factor_orders=2), refit_months=12,
                                  start=pd.Period("1985-01", "M") if target == "INDPRO" else start)
    t0 = time.perf_counter()
    ev = pseudo_real_time(panel, target, calendar, periods, fns, info_day=info_day, progress=_progress(label))
    s = ev.summary()
    out = {"model": HEADLINE,
           "rmse_ratio_vs_ar": s["rmse_ratio_vs_ar"][HEADLINE],
           "rmse_ratio_vs_rw": s["rmse_ratio_vs_rw"][HEADLINE],
           "months": s["months"], "first": str(periods[0]), "last": str(periods[-1]), "info_day": info_day,
           "rmse": s["rmse"], "ratio_vs_ar_by_model": s["rmse_ratio_vs_ar"],
           "ratio_vs_rw_by_model": s["rmse_ratio_vs_rw"], "coverage_90": s["coverage_90"],
           "failures": s["failures"], "seconds": round(time.perf_counter() - t0, 1), "load": load()}
    w = ev.common()
    err = (w[HEADLINE] - w["actual"]).abs().sort_values(ascending=False)
    out["largest_errors"] = [{"period": str(p), "actual": float(w.at[p, "actual"]),
                              **{m: float(w.at[p, m]) for m in ("bridge", "ar") if m in w}} for p in err.index[:6]]
    # diagnostic only (not the headline): the ratio without the two months the indicators cannot see
    # (in FRED-MD, the hurricanes of September 2005 and 2008 hit refining, not employment or hours)
    rest = w.drop(index=err.index[:2])
    rm = {m: float((((rest[m] - rest["actual"]) ** 2).mean()) ** 0.5) for m in ("bridge", "ar") if m in rest}
    out["diagnostic_ratio_vs_ar_without_two_largest_errors"] = rm["bridge"] / rm["ar"]
    print(f"{label}: bridge RMSE / AR = {out['rmse_ratio_vs_ar']:.3f}, / random walk = "
          f"{out['rmse_ratio_vs_rw']:.3f} over {out['months']} months; by model vs AR: "
          + ", ".join(f"{m} {r:.3f}" for m, r in out["ratio_vs_ar_by_model"].items()), flush=True)
    return out


def fred(use_dfm: bool) -> dict:
    data, tcodes = read_fred_md(DATA / "us_fred_md" / "fred_md_current_2025-02.csv")
    app = read_fred_md_appendix(DATA / "us_fred_md" / "FRED-MD_updated_appendix.csv")
    lags = fred_md_lags(dict(zip(app["fred"], app["group"])))
    panel = fred_md_panel(data, tcodes)
    calendar = ReleaseCalendar({**lags, **{f"{k}_D": v for k, v in lags.items()}})
    periods = list(pd.period_range("2000-01", "2019-12", freq="M"))
    return _evaluate(panel, "INDPRO", calendar, periods, 10, FRED_DFM_SERIES, pd.Period("1960-03", "M"),
                     use_dfm, "FRED-MD INDPRO")


def china(use_dfm: bool) -> dict:
    iva = read_nbs_monthly_value_added(DATA / "china_macro" / "macro_china_gyzjz_df.csv")
    pmi = read_nbs_pmi(DATA / "china_macro" / "macro_china_pmi_df.csv")
    panel = china_iva_panel(iva, pmi)
    lags = {c: CHINA_INDICATOR_LAGS["pmi"] for c in panel.columns if c.startswith("pmi")}
    calendar = ReleaseCalendar({**lags, "value_added": CHINA_INDICATOR_LAGS["value_added"]})
    start = pd.Period("2008-02", "M")
    out = {}
    for key, last in (("2012_2019", "2019-12"), ("2012_2025", "2025-04")):
        periods = [p for p in pd.period_range("2012-02", last, freq="M") if p.month != 1]
        out[key] = _evaluate(panel, "value_added", calendar, periods, 1, list(panel.columns), start,
                             use_dfm, f"China IVA {key}")
    headline = dict(out["2012_2019"])
    headline["windows"] = out
    return headline


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--no-dfm", action="store_true", help="skip the dynamic factor model (minutes)")
    args = ap.parse_args(argv)
    doc = {"benchmark": "nowcast", "machine": machine(("statsmodels",)), "load_at_start": load(),
           "fred_md_indpro": fred(not args.no_dfm), "china_iva": china(not args.no_dfm)}
    path = write_json(doc, RESULTS / "nowcast.json")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
