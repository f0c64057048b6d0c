"""ESRI benchmark: directed power-law networks with the 616-industry IHS essentiality matrix.

Same kind of network as the published ESRIcascade.jl / fastcascade figures: synthetic directed
power-law network (Chung-Lu, in- and out-degree exponent 2.5), mean out-degree 8, industries drawn
uniformly from the 616 NACE-4 codes of ../shared/data/esri/ess_mat_n4_ihs.csv, lognormal link
values, eps = 0.01, no revenue / cost corrections; replaceability off by default (``--market``
switches it on, suppliers replaceable within their industry, and writes esri_market.json).
For each size:

- per-firm time on one core: a random sample of firms, each timed alone (median, mean, p90, max);
- all-firm wall time on this machine (all cores, local process pool): measured when the sample
  says it fits the time budget, else extrapolated from the sample mean (flagged in the JSON).

There is no Python peer; the published per-firm times of the reference implementations are
recorded as published, not measured. Usage:

    python bench/bench_esri.py [--sizes 10000,100000,250000] [--samples 400,400,150] [--budget 600]
    python bench/bench_esri.py --market --budget 1500
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared" / "data"
sys.path.insert(0, str(ROOT / "src"))

from induscope.core.network._kernels import HAVE_NUMBA  # noqa: E402
from induscope.core.network.esri import GLCascade  # noqa: E402
from induscope.core.network.network import Essentiality, SupplyNetwork  # noqa: E402
from induscope.core.network.synthetic import power_law_network  # noqa: E402

PUBLISHED = {
    "source": "issue 4 (ESRIcascade.jl README; synthetic directed power-law network, mean out-degree 8, "
              "616-industry IHS matrix, eps 0.01, one thread)",
    "per_firm_ms": {
        "fastcascade (R/C++)": {"10000": 172.0, "100000": 1900.0},
        "ESRIcascade.jl (Julia)": {"10000": 0.78, "100000": 9.9},
    },
    "measured_on_this_machine_by_the_issue_author": {"fastcascade": {"2000": 271.0, "10000": 3600.0}},
    "note": "published numbers, not measured here; a different machine and, possibly, a different "
            "random network of the same kind",
}


def machine() -> dict:
    import scipy

    info = {"python": platform.python_version(), "numpy": np.__version__, "scipy": scipy.__version__,
            "pandas": pd.__version__, "platform": platform.platform(),
            "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()}
    try:
        import numba

        info["numba"] = numba.__version__
    except ImportError:
        pass
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
        with open("/proc/meminfo") as f:
            info["ram_gib"] = round(int(f.readline().split()[1]) / 2**20, 1)
    except (OSError, StopIteration):
        pass
    return info


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def per_firm_times(model: GLCascade, firms: np.ndarray) -> dict:
    ts, its = [], []
    for f in firms:
        t = time.perf_counter()
        r = model.esri([f])
        ts.append(time.perf_counter() - t)
        its.append(int(r.iterations[0]))
    ts_ms = np.array(ts) * 1e3
    extra = {}
    if model.engine == "numba":
        from induscope.core.network._kernels import get_runner

        # cascades whose last step was the lazy one (cumulative over this kernel's runs so far)
        extra["lazy_last_steps_so_far"] = get_runner(model.kernel, "numba").lazy_stops
    return {**extra, "sample": len(firms), "median_ms": float(np.median(ts_ms)), "mean_ms": float(ts_ms.mean()),
            "p25_ms": float(np.percentile(ts_ms, 25)), "p75_ms": float(np.percentile(ts_ms, 75)),
            "p90_ms": float(np.percentile(ts_ms, 90)), "max_ms": float(ts_ms.max()),
            "iterations_median": float(np.median(its)), "iterations_mean": float(np.mean(its)),
            "iterations_max": int(max(its))}


def steady_state_estimate(model: GLCascade, firms: np.ndarray, workers: int) -> dict:
    """A second all-firm estimate for the hybrid path, without the tail of a small sample.

    Timing ``esri`` over a sample of a few hundred firms hands only ~100-200 cascades to the
    batched engine, so its last steps run with a thinned-out batch; in a real all-firm run each
    chunk (up to 2000 firms) hands over ~1000 and the batch stays full almost throughout. Here:
    n / workers x (active-set time per firm + column-steps per firm x time of one column-step
    at the width ``hybrid_width`` picks for a full chunk), all measured on this machine; the tail
    of each chunk is left out (optimistic by that much)."""
    from induscope.core.network import _numba_batch
    from induscope.core.network._kernels import get_runner
    from induscope.core.network.batch import hybrid_width

    k = model.kernel
    n = k.n
    pos = k.pos[model.network.indices(firms)]
    runner = get_runner(k, "numba")
    t = time.perf_counter()
    first = runner.esri(pos, abort_pull=True)
    active = time.perf_counter() - t
    deferred = pos[first[:, 3] < 0]
    res = model.esri(firms)
    col_steps = float(res.iterations[first[:, 3] < 0].sum())
    chunk = max(8, min(2000, -(-n // (workers * 16))))  # esri_all's chunk size
    width = hybrid_width(n, max(1, round(chunk * len(deferred) / len(pos))))
    B = width
    Hd = np.ones((n, B))
    Hu = np.ones((n, B))
    Hd[::7] = 0.5
    Hu[::3] = 0.25
    shocks = (np.arange(B + 1, dtype=np.int64), np.arange(B, dtype=np.int64) * 7 % n, np.ones(B))
    Xd, A = np.empty((1, 1)), np.empty((1, B))
    H2, U2, dec = np.empty((n, B)), np.empty((n, B)), np.empty(B)
    q = np.zeros(n, dtype=np.int64)
    args = (n, k.slot_ptr, k.sl_ptr, k.sl_sup, k.sl_lam, k.o_ptr, k.o_cus, k.o_lam, k.s_out, q, 1, False,
            Hd, Hu, *shocks, Xd, A, H2, U2, dec)
    _numba_batch.batch_step(*args)
    reps = 5
    t = time.perf_counter()
    for _ in range(reps):
        _numba_batch.batch_step(*args)
    col_step = (time.perf_counter() - t) / reps / B
    per = (active + col_steps * col_step) / len(pos)
    return {"width": width, "sample": len(pos), "deferred": int(len(deferred)),
            "column_steps_per_deferred": col_steps / max(1, len(deferred)),
            "active_ms_per_firm": active / len(pos) * 1e3, "column_step_ms": col_step * 1e3,
            "one_core_ms_per_firm": per * 1e3, "estimate_s": per * n / workers,
            "note": "steady-state model (full batches, chunk tails left out), from times measured here"}


def run_size(n: int, sample: int, budget_s: float, ess: Essentiality, engines: list[str],
             workers: int, all_sample: int, market: bool = False) -> dict:
    out: dict = {"firms": n}
    t = time.perf_counter()
    firms, links = power_law_network(n, ess.codes, mean_out_degree=8.0, exponent=2.5, seed=0)
    out["generate_s"] = time.perf_counter() - t
    t = time.perf_counter()
    net = SupplyNetwork.from_frames(firms, links)
    out["load_s"] = time.perf_counter() - t
    out["links"] = net.m
    out["mean_out_degree"] = net.m / n
    del firms, links
    rng = np.random.default_rng(12345)
    pick = net.firms[np.sort(rng.choice(n, size=min(sample, n), replace=False))]
    for engine in engines:
        t = time.perf_counter()
        model = GLCascade(net, ess, eps=0.01, engine=engine, market=market)
        model.esri(net.firms[:2])  # compile / warm up
        res = {"prepare_s": time.perf_counter() - t}
        res["one_core"] = per_firm_times(model, pick)
        out[engine] = res
    out["peak_rss_mib"] = rss_mib()
    # all firms, all cores: the all-firm path (hybrid: active sets + batched engine for big
    # cascades) timed on a random sample on one core first, to decide whether a full run fits
    main = engines[-1]
    model = GLCascade(net, ess, eps=0.01, engine=main, market=market)
    model.esri(net.firms[:40])  # warm-up of the all-firm path
    hyb = net.firms[np.sort(rng.choice(n, size=min(all_sample, n), replace=False))]
    t = time.perf_counter()
    model.esri(hyb)
    per = (time.perf_counter() - t) / len(hyb)
    est = per * n / workers
    out["all_firms"] = {"engine": main, "path": "hybrid (active sets, big cascades batched)" if main == "numba"
                        else "active sets", "workers": workers, "sample_for_estimate": len(hyb),
                        "one_core_ms_per_firm_in_all_firm_path": per * 1e3,
                        "estimate_s": est}
    if main == "numba":
        out["all_firms"]["steady_state"] = steady_state_estimate(model, hyb, workers)
    if est <= budget_s:
        from induscope.services.network import esri_all

        t = time.perf_counter()
        res, w, chunks = esri_all(model, backend="local", workers=workers)
        out["all_firms"].update({"measured": True, "wall_s": time.perf_counter() - t, "chunks": chunks,
                                 "esri_max": float(res.esri.max()),
                                 "iterations_mean": float(res.iterations.mean()),
                                 "iterations_max": int(res.iterations.max())})
    else:
        out["all_firms"].update({
            "measured": False, "wall_s": est,
            "note": f"extrapolated: one-core time of the all-firm path over a random sample of {len(hyb)} "
                    f"firms x {n} firms / {workers} workers (a full run would exceed the {budget_s:.0f} s budget)"})
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,250000")
    ap.add_argument("--samples", default="400,400,150",
                    help="firms timed one by one per size (the median sits where short cascades give "
                         "way to long ones, so it needs a few hundred)")
    ap.add_argument("--budget", type=float, default=600.0, help="max seconds for a measured all-firm run")
    ap.add_argument("--all-samples", default="1000,400,300", help="firms timed on the all-firm path")
    ap.add_argument("--engines", default=None, help="numpy,numba (default: numba if installed)")
    ap.add_argument("--market", action="store_true",
                    help="replaceability on (suppliers replaceable within their industry); "
                         "writes esri_market.json unless --out is given")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    if args.out is None:
        args.out = str(ROOT / "bench" / "results" / ("esri_market.json" if args.market else "esri.json"))
    sizes = [int(s) for s in args.sizes.split(",")]
    samples = [int(s) for s in args.samples.split(",")]
    engines = args.engines.split(",") if args.engines else (["numba"] if HAVE_NUMBA else ["numpy"])
    ess_df = pd.read_csv(SHARED / "esri" / "ess_mat_n4_ihs.csv", dtype=str, keep_default_na=False)
    ess = Essentiality.from_frame(ess_df, source="ess_mat_n4_ihs.csv")
    workers = len(os.sched_getaffinity(0))
    report = {"benchmark": "all-firm ESRI (GL cascade), directed power-law networks",
              "network": "Chung-Lu directed power law, in/out-degree exponent 2.5, mean out-degree 8, "
                         "industries uniform over the 616 IHS NACE-4 codes, lognormal(0,1) link values, seed 0",
              "eps": 0.01, "replaceability": bool(args.market), "machine": machine(),
              "load_average_start": os.getloadavg(),
              "published": PUBLISHED, "sizes": []}
    all_samples = [int(s) for s in args.all_samples.split(",")]
    for n, s, a in zip(sizes, samples, all_samples):
        print(f"--- {n} firms", flush=True)
        r = run_size(n, s, args.budget, ess, engines, workers, a, market=args.market)
        print(json.dumps(r, indent=1), flush=True)
        report["sizes"].append(r)
    report["load_average_end"] = os.getloadavg()
    pub = PUBLISHED["per_firm_ms"]["ESRIcascade.jl (Julia)"]
    ratios = {}
    for r in report["sizes"]:
        key = str(r["firms"])
        main_engine = engines[-1]
        if key in pub:
            ratios[key] = {"ESRIcascade.jl_published_ms / ours_median_ms":
                           pub[key] / r[main_engine]["one_core"]["median_ms"],
                           "ESRIcascade.jl_published_ms / ours_mean_ms":
                           pub[key] / r[main_engine]["one_core"]["mean_ms"]}
    report["ratios_vs_published"] = ratios
    report["goal"] = {"per_firm_ms_at_100k_one_core": 5.0, "all_firms_250k_wall_s": 3600.0}
    gpu = ROOT / "bench" / "results" / "esri_gpu.json"
    if gpu.exists():
        report["gpu_results_file"] = str(gpu.relative_to(ROOT))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, indent=2))
    print("ratios vs published ESRIcascade.jl:", json.dumps(ratios, indent=1))
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
