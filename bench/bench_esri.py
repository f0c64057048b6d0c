"""ESRI benchmark: all-firm ESRI on synthetic firm networks with the 616-industry IHS matrix.

Two network settings (``--network``):

- ``published`` (default): the specification of the published ESRIcascade.jl / fastcascade
  benchmark (ESRIcascade.jl ``benchmark/generate_powerlaw_network.jl`` and
  ``full_esri_fastcascade.R``): out-degrees from a power law with exponent 2.3 truncated at 128,
  exactly 8 links per firm on average, customers uniform over the other firms, link values
  0.1 + U(0,1), firms assigned to the 616 IHS industries in blocks, eps = 0.01. fastcascade is
  called there with substitution = TRUE (suppliers replaceable within their industry), so
  replaceability is on by default here too. Their "time per firm" is the all-firm solve time on
  one worker divided by the number of firms; we report the same (``per_firm_as_published``).
- ``chung-lu``: a harder network of our own (Chung-Lu, in- and out-degree exponent 2.5, mean
  out-degree 8, industries uniform at random, lognormal link values), replaceability off by
  default: about a third of the firms start cascades that run through most of the economy.

``--market`` / ``--no-market`` overrides the network's default. For each size:

- per-firm time on one core: a random sample of firms, each timed alone (median, mean, p90, max);
- all firms on one core (per firm as published) and on all cores (local process pool): measured
  when the sample says it fits the time budget, else extrapolated from the sample (flagged);
- for ``published``, also the 1,232-firm IHS fixture of the ESRIcascade.jl scripts (16 closures,
  checked against fastcascade's published scores), timed like theirs.

The peers' published times (ESRIcascade.jl, fastcascade; another machine) are recorded in a field
of their own, ``published``, with no ratio: a ratio to a peer comes only from running both side by
side, which bench/bench_esri_fastcascade.py does for fastcascade when R is installed. Results:
bench/results/esri_<network>_<market|nomarket>.json. Usage:

    python bench/bench_esri.py [--network published|chung-lu] [--market | --no-market]
        [--sizes 10000,100000,250000] [--samples 400,400,150] [--budget 600]
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
from induscope.core.network.synthetic import power_law_network, truncated_power_law_network  # noqa: E402

PUBLISHED = {
    "source": "ESRIcascade.jl README, 'Submitted runtime snapshot' (quoted in issue 4): all firms closed, "
              "prepared solve time / firms, one worker; network: directed truncated power law (mean "
              "out-degree 8, exponent 2.3, degree cap 128, seed 42), 616-industry IHS matrix, eps 0.01; "
              "fastcascade::GL_cascade_dynamics_cpp called with substitution = TRUE (market = industry)",
    "per_firm_ms": {
        "fastcascade (R/C++)": {"10000": 172.422, "100000": 1900.390},
        "ESRIcascade.jl (Julia)": {"10000": 0.777, "100000": 9.885},
    },
    "per_firm_ms_4_workers": {
        "fastcascade (R/C++)": {"10000": 61.432, "100000": 587.493},
        "ESRIcascade.jl (Julia)": {"10000": 0.296, "100000": 4.222},
    },
    "ihs_fixture_16_closures_median_s": {"fastcascade (R/C++)": 2.8, "ESRIcascade.jl (Julia)": 0.05},
    "measured_on_this_machine_by_the_issue_author": {"fastcascade": {"2000": 271.0, "10000": 3600.0}},
    "note": "published numbers, not measured here: another machine, and the same network specification "
            "drawn with another random stream",
}
NETWORKS = {
    "published": ("truncated power law as in the ESRIcascade.jl benchmark: out-degree exponent 2.3, cap 128, "
                  "exactly 8n links, customers uniform, values 0.1 + U(0,1), 616 IHS industries in blocks, "
                  "seed 42", True),
    "chung-lu": ("Chung-Lu directed power law, in/out-degree exponent 2.5, mean out-degree 8, industries "
                 "uniform over the 616 IHS NACE-4 codes, lognormal(0,1) link values, seed 0", False),
}
FIXTURE_OFFSETS = np.array([1, 37, 91, 173, 311, 509, 701, 997])
FIXTURE_FIRST_16 = [  # fastcascade, published in ESRIcascade.jl benchmark/ihs_sparse_fastcascade.R
    0.87837245554794330, 0.87825862250992404, 0.87664923655232285, 0.87566688889824862,
    0.87524585194239457, 0.87433651919608424, 0.86060405584903987, 0.84701627242865141,
    0.85599031156433647, 0.85741739269669437, 0.85466742541113849, 0.85393912577670528,
    0.84935069451138689, 0.77626516574715354, 0.84447307983109421, 0.84456652158172307,
]


def network(kind: str, n: int, codes) -> tuple[pd.DataFrame, pd.DataFrame]:
    if kind == "published":
        return truncated_power_law_network(n, codes, mean_out_degree=8, exponent=2.3, max_degree=128, seed=42)
    return power_law_network(n, codes, mean_out_degree=8.0, exponent=2.5, seed=0)


def ihs_fixture(ess: Essentiality, engine: str, reps: int = 7) -> dict:
    """The 1,232-firm fixture of the ESRIcascade.jl scripts: 16 closures, replaceability on."""
    n = 2 * len(ess.codes)
    sup = np.repeat(np.arange(1, n + 1), len(FIXTURE_OFFSETS))
    cus = ((np.arange(1, n + 1)[:, None] + FIXTURE_OFFSETS - 1) % n + 1).ravel()
    firms = pd.DataFrame({"firm": [str(i) for i in range(1, n + 1)], "industry": np.repeat(ess.codes, 2)})
    links = pd.DataFrame({"supplier": sup.astype(str), "customer": cus.astype(str),
                          "value": 1.0 + (13 * sup + 7 * cus) % 17})
    net = SupplyNetwork.from_frames(firms, links)
    model = GLCascade(net, ess, eps=0.01, engine=engine, market=True)
    ids = [str(i) for i in range(1, 17)]
    res = model.esri(ids)  # warm
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        res = model.esri(ids)
        times.append(time.perf_counter() - t)
    med = float(np.median(times))
    return {"firms": n, "links": net.m, "closures": 16, "median_s": med, "reps": reps,
            "max_abs_diff_to_fastcascade": float(np.abs(res.esri - FIXTURE_FIRST_16).max()),
            "iterations_mean": float(res.iterations.mean()),
            "published_median_s_other_machine_no_ratio": PUBLISHED["ihs_fixture_16_closures_median_s"]}


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


def run_size(kind: str, n: int, sample: int, budget_s: float, ess: Essentiality, engines: list[str],
             workers: int, all_sample: int, market: bool = False) -> dict:
    out: dict = {"firms": n}
    t = time.perf_counter()
    firms, links = network(kind, n, ess.codes)
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
    from induscope.services.network import esri_all

    # all firms on one worker, the published "time per firm" (total / firms)
    if per * n <= budget_s:
        t = time.perf_counter()
        res, _, _ = esri_all(model, backend="serial")
        wall1 = time.perf_counter() - t
        out["all_firms_one_core"] = {"measured": True, "wall_s": wall1, "per_firm_as_published_ms": wall1 / n * 1e3,
                                     "esri_max": float(res.esri.max()), "esri_mean": float(res.esri.mean()),
                                     "iterations_mean": float(res.iterations.mean()),
                                     "iterations_max": int(res.iterations.max())}
    else:
        out["all_firms_one_core"] = {"measured": False, "wall_s": per * n, "per_firm_as_published_ms": per * 1e3,
                                     "note": f"extrapolated from the all-firm path over {len(hyb)} random firms"}
    if est <= budget_s:
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
    ap.add_argument("--network", choices=sorted(NETWORKS), default="published")
    ap.add_argument("--market", action=argparse.BooleanOptionalAction, default=None,
                    help="replaceability (suppliers replaceable within their industry); default: on for the "
                         "published setting, off for chung-lu")
    ap.add_argument("--sizes", default="10000,100000,250000")
    ap.add_argument("--samples", default="400,400,150",
                    help="firms timed one by one per size (the median sits where short cascades give "
                         "way to long ones, so it needs a few hundred)")
    ap.add_argument("--budget", type=float, default=600.0, help="max seconds for a measured all-firm run")
    ap.add_argument("--all-samples", default="1000,400,300", help="firms timed on the all-firm path")
    ap.add_argument("--engines", default=None, help="numpy,numba (default: numba if installed)")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    description, default_market = NETWORKS[args.network]
    market = default_market if args.market is None else args.market
    if args.out is None:
        name = f"esri_{args.network.replace('-', '')}_{'market' if market else 'nomarket'}.json"
        args.out = str(ROOT / "bench" / "results" / name)
    sizes = [int(s) for s in args.sizes.split(",")]
    samples = [int(s) for s in args.samples.split(",")]
    engines = args.engines.split(",") if args.engines else (["numba"] if HAVE_NUMBA else ["numpy"])
    ess_df = pd.read_csv(SHARED / "esri" / "ess_mat_n4_ihs.csv", dtype=str, keep_default_na=False)
    ess = Essentiality.from_frame(ess_df, source="ess_mat_n4_ihs.csv")
    workers = len(os.sched_getaffinity(0))
    report = {"benchmark": "all-firm ESRI (GL cascade), synthetic firm networks, 616-industry IHS matrix",
              "network": description, "network_setting": args.network,
              "eps": 0.01, "replaceability": bool(market), "machine": machine(),
              "load_average_start": os.getloadavg(),
              "published": PUBLISHED, "sizes": []}
    if args.network == "published" and market:
        report["ihs_fixture"] = ihs_fixture(ess, engines[-1])
        print("IHS fixture:", json.dumps(report["ihs_fixture"], indent=1), flush=True)
    all_samples = [int(s) for s in args.all_samples.split(",")]
    for n, s, a in zip(sizes, samples, all_samples):
        print(f"--- {n} firms", flush=True)
        r = run_size(args.network, n, s, args.budget, ess, engines, workers, a, market=market)
        print(json.dumps(r, indent=1), flush=True)
        report["sizes"].append(r)
    report["load_average_end"] = os.getloadavg()
    report["published_note"] = ("published peer times are shown beside ours, never divided by ours: another "
                                "machine, another random stream; side-by-side ratios: esri_fastcascade.json")
    report["goal"] = {"per_firm_ms_at_100k_one_core": 5.0, "all_firms_250k_wall_s": 3600.0}
    gpu = ROOT / "bench" / "results" / "esri_gpu.json"
    if gpu.exists():
        report["gpu_results_file"] = str(gpu.relative_to(ROOT))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2))
    tmp.replace(out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
