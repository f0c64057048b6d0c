"""Alert levels on synthetic monthly value-added series: recall of real drops and false alarms on
clean series, for the calibrated presets (what `monitor scan` runs) and the first-round headline
rules (contraction orange at once below zero), side by side on the same series.

Series (levels, 2012-01 .. 2025-12, derived the way the scan derives them: YoY and year-to-date
growth from levels with January and February merged, as NBS publishes):
  trend growth 2-10 % a year, drifting slowly (a random walk of the growth rate, 0.5 points a year);
  seasonality: a fixed monthly profile per series with a slowly drifting amplitude;
  noise: AR(1) log-level noise (phi 0.5) scaled so that the YoY growth noise has a standard
  deviation of 1-3 points (uniform per series: divisions, parks, enterprises);
  drops: the level multiplied by (1 - d) for L months from an onset month, d 5-15 %, L 1-6 months,
  onsets from 2016 on (enough history for the noise scales).
Measured:
  recall: share of drop series with an alert of at least the level in the first two months of the
          drop (lag 0 or 1 month; lag <= 2 is also given), by drop size and length;
  false alarms: alerts (episodes, as stored and listed) started in 2015-2025 on clean series, per
          series-year, by peak level.
Writes bench/results/alerts.json. Run: python bench/bench_alerts.py [--clean N] [--drops N] [--seed S]
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict

import numpy as np
import pandas as pd

from _benchutil import RESULTS, load, machine, write_json  # noqa: E402

from induscope.core.indicators import yoy, ytd
from induscope.core.indicators.periods import parse_period
from induscope.core.warning import (Level, MonitoredSeries, combined_levels, corroborate, episodes, evaluate,
                                    growth_ytd_rules, growth_yoy_rules, headline_ytd_rules, headline_yoy_rules)

MONTHS = pd.period_range("2012-01", "2025-12", freq="M").strftime("%Y-%m").tolist()
EVAL_YEARS = range(2015, 2026)
LEVELS = ("blue", "yellow", "orange", "red")
PRESETS = {"calibrated": (growth_yoy_rules, growth_ytd_rules), "headline": (headline_yoy_rules, headline_ytd_rules)}


def make_series(rng: np.random.Generator, drop: tuple[int, float, int] | None = None) -> tuple[pd.Series, dict]:
    """Monthly levels, and the parameters drawn. ``drop``: (onset index, depth, length in months)."""
    n = len(MONTHS)
    g0 = rng.uniform(2.0, 10.0)
    g = g0 + np.cumsum(rng.normal(0, 0.5 / np.sqrt(12), n))            # % a year, drifting
    trend = np.cumsum(np.log1p(g / 100.0) / 12.0)
    profile = rng.normal(0, 0.06, 12)
    profile -= profile.mean()
    amp = 1.0 + np.cumsum(rng.normal(0, 0.02 / np.sqrt(12), n))         # seasonal amplitude drifts
    season = profile[np.arange(n) % 12] * amp
    sd_yoy = rng.uniform(1.0, 3.0)                                      # points of YoY growth
    phi = 0.5
    # YoY of an AR(1) with stationary sd s: sd = s * sqrt(2 (1 - phi^12)) ~ s * sqrt(2)
    s = sd_yoy / 100.0 / np.sqrt(2.0 * (1.0 - phi ** 12))
    e = np.empty(n)
    e[0] = rng.normal(0, s)
    for t in range(1, n):
        e[t] = phi * e[t - 1] + rng.normal(0, s * np.sqrt(1 - phi ** 2))
    log_level = np.log(100.0) + trend + season + e
    if drop is not None:
        onset, depth, length = drop
        log_level[onset:onset + length] += np.log1p(-depth)
    return pd.Series(np.exp(log_level), index=MONTHS), {"trend_pct": g0, "sd_yoy": sd_yoy}


def monitors(levels: pd.Series, preset: str) -> list[MonitoredSeries]:
    yr, tr = PRESETS[preset]
    return [MonitoredSeries("s", "growth_yoy", yoy(levels).values, yr()),
            MonitoredSeries("s", "growth_ytd", ytd(levels).values, tr())]


def month_ord(p: str) -> int:
    q = parse_period(p)
    return q.year * 12 + q.sub - 1


def run(n_clean: int, n_drop: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    clean = [make_series(rng)[0] for _ in range(n_clean)]
    onsets = [k for k, m in enumerate(MONTHS) if "2016-01" <= m <= "2025-06"]
    drops = []
    for _ in range(n_drop):
        onset, depth, length = int(rng.choice(onsets)), float(rng.uniform(0.05, 0.15)), int(rng.integers(1, 7))
        length = min(length, len(MONTHS) - onset)
        drops.append(((onset, depth, length), make_series(rng, (onset, depth, length))[0]))
    out: dict = {}
    for preset in PRESETS:
        t0 = time.perf_counter()
        fa = defaultdict(int)
        fa_by_trend = defaultdict(lambda: defaultdict(int))
        for lv in clean:
            sig = corroborate(evaluate(monitors(lv, preset)))
            for e in episodes(sig):
                if parse_period(e.start_period).year in EVAL_YEARS:
                    fa[e.peak_level.label] += 1
        series_years = n_clean * len(EVAL_YEARS)
        hits = []
        for (onset, depth, length), lv in drops:
            sig = corroborate(evaluate(monitors(lv, preset)))
            cl = combined_levels(sig)
            start = onset  # index into MONTHS = month ordinal offset
            o = month_ord(MONTHS[start])
            lag = cl["period"].map(month_ord) - o
            best1 = int(cl.loc[(lag >= 0) & (lag <= 1), "level_rank"].max()) if ((lag >= 0) & (lag <= 1)).any() else 0
            best2 = int(cl.loc[(lag >= 0) & (lag <= 2), "level_rank"].max()) if ((lag >= 0) & (lag <= 2)).any() else 0
            hits.append({"depth": depth, "length": length, "lag1": best1, "lag2": best2})
        h = pd.DataFrame(hits)

        def recall(sel: pd.Series, col: str = "lag1") -> dict:
            sub = h[sel]
            return {lvl: round(float((sub[col] >= int(Level.parse(lvl))).mean()), 3) if len(sub) else None
                    for lvl in LEVELS} | {"n": int(len(sub))}

        target = (h["depth"] >= 0.09) & (h["depth"] <= 0.12) & (h["length"] >= 2)
        by = {}
        for lo, hi in ((0.05, 0.09), (0.09, 0.12), (0.12, 0.15)):
            for lens, name in (((1,), "1 month"), ((2, 3), "2-3 months"), ((4, 5, 6), "4-6 months")):
                sel = (h["depth"] >= lo) & (h["depth"] < hi) & h["length"].isin(lens)
                by[f"drop {lo:.0%}-{hi:.0%}, {name}"] = recall(sel)
        out[preset] = {
            "false_alarms_per_series_year": {lvl: round(fa[lvl] / series_years, 4) for lvl in LEVELS}
            | {"orange_or_red": round((fa["orange"] + fa["red"]) / series_years, 4),
               "series_years": series_years},
            "recall_9_12pct_2plus_months": {"within_first_2_months": recall(target),
                                            "within_3_months": recall(target, "lag2")},
            "recall_by_drop": by,
            "seconds": round(time.perf_counter() - t0, 1),
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clean", type=int, default=200)
    ap.add_argument("--drops", type=int, default=400)
    ap.add_argument("--seed", type=int, default=20261204)
    a = ap.parse_args()
    res = run(a.clean, a.drops, a.seed)
    goal = {"orange_or_red_recall_9_12pct_2plus_months_min": 0.8, "orange_or_red_false_alarms_per_series_year_max": 0.1}
    c = res["calibrated"]
    met = {"recall": c["recall_9_12pct_2plus_months"]["within_first_2_months"]["orange"] >= 0.8,
           "false_alarms": c["false_alarms_per_series_year"]["orange_or_red"] <= 0.1}
    for preset, r in res.items():
        fa = r["false_alarms_per_series_year"]
        rc = r["recall_9_12pct_2plus_months"]["within_first_2_months"]
        print(f"{preset:>10}: orange-or-red recall (9-12% drops, >= 2 months, first 2 months) {rc['orange']:.2f} "
              f"(n={rc['n']}); false alarms per clean series-year: blue {fa['blue']:.3f} yellow {fa['yellow']:.3f} "
              f"orange {fa['orange']:.3f} red {fa['red']:.3f} (orange-or-red {fa['orange_or_red']:.3f})")
    write_json({"design": __doc__, "clean_series": a.clean, "drop_series": a.drops,
                "seed": a.seed, "goal": goal, "goal_met": met, "results": res,
                "load": load(), "machine": machine()}, RESULTS / "alerts.json")


if __name__ == "__main__":
    main()
