"""The static input-output set at EXIOBASE size: induscope against pymrio 0.7's calc_all, like for like.

The headline compares the same outputs: pymrio's ``calc_all`` (x, A, the full Leontief inverse L,
S, M and the accounts D_cba, D_pba, D_imp, D_exp with their per-region totals) against ours with L
formed (the full inverse) plus ``footprint_accounts`` (the same D_* accounts), our accounts time
included. Ours also computes output / value-added / extension multipliers, backward and Ghosh
forward linkages and key sectors in that time (more outputs, not fewer). Our default mode, L kept
as LU factors and never formed, is different work and has a row of its own, not the headline.

Method: every run is a fresh subprocess building the same table (fixed seed), so each run's peak
memory (ru_maxrss) is its own. Inside it, each side first warms up on a small table (imports, BLAS
threads, first allocations), then the timed run: wall-clock (perf_counter) and CPU time
(process_time, all threads). Rounds of (pymrio, ours L formed, ours LU) are interleaved, the order
rotating each round, ``--repeats`` rounds (at least 3); medians are reported with every run and
the load average before and after it. A last subprocess compares every quantity both computed
(to 1e-9 relative to each quantity's largest entry), from the first round's saved arrays.

    python bench/bench_static.py                       # n = 7,987 (49 regions x 163 sectors)
    python bench/bench_static.py --size 1960           # 49 x 40, the quick run of `make bench`
Writes bench/results/static.json (static_<n>.json for other sizes, or --out).
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from _benchutil import RESULTS, load, machine, ratio, summary, write_json  # noqa: E402

SIZES = {1960: (49, 40), 3920: (49, 80), 7987: (49, 163)}
WARMUP = (4, 10)    # regions x sectors of the warm-up table
SEED = 7
CATEGORIES = 7      # final demand categories per region (EXIOBASE has 7)
STRESSORS = 3       # rows of the satellite account
TOL = 1e-9


# --------------------------------------------------------------------------------------- table
def make_table(R: int, S: int, seed: int = SEED) -> dict:
    """Deterministic, balanced, productive MRIO table (EXIOBASE-like shape).

    Z: lognormal flows, domestic blocks about 60 % dense, trade blocks about 8 %; final demand
    sized so that every column of A sums to 0.3..0.75 (x = Z 1 + Y 1 exactly, value added > 0).
    Built block by block so that temporaries stay at n x S.
    """
    rng = np.random.default_rng(seed)
    n = R * S
    Z = np.empty((n, n))
    for rb in range(R):
        rows = slice(rb * S, (rb + 1) * S)
        blk = rng.lognormal(0.0, 1.5, size=(S, n))
        dens = np.full(R, 0.08)
        dens[rb] = 0.6
        blk *= rng.random((S, n)) < np.repeat(dens, S)[None, :]
        blk[:, rows] *= 5.0
        Z[rows] = blk
    r = Z.sum(axis=1)
    c = Z.sum(axis=0)
    target = rng.uniform(0.3, 0.75, size=n)
    y = np.maximum(0.25 * r, c / target - r) + 1.0
    # final demand split over R x CATEGORIES columns, buyers favouring their own region
    w = rng.random((n, R, CATEGORIES))
    w[np.arange(n), np.repeat(np.arange(R), S), :] += 2.0
    w /= w.sum(axis=(1, 2), keepdims=True)
    Y = (w * y[:, None, None]).reshape(n, R * CATEGORIES)
    F = rng.lognormal(0.0, 1.0, size=(STRESSORS, n)) * (r + y)[None, :] * 1e-3
    return {"Z": Z, "Y": Y, "F": F, "R": R, "S": S}


def _labels(R: int, S: int):
    regions = [f"R{i:02d}" for i in range(R)]
    sectors = [f"s{j:03d}" for j in range(S)]
    return regions, sectors


def _peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2  # KiB -> GiB


def _clocks() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


# ------------------------------------------------------------------------------------- workers
def worker_data(R: int, S: int, out: Path, save: bool) -> dict:
    t0, c0 = _clocks()
    make_table(R, S)
    t1, c1 = _clocks()
    return {"build_wall_s": t1 - t0, "build_cpu_s": c1 - c0, "peak_rss_gib": _peak_gib()}


def _pymrio_system(d: dict):
    import pandas as pd
    import pymrio

    regions, sectors = _labels(d["R"], d["S"])
    idx = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    ycols = pd.MultiIndex.from_product([regions, [f"c{k}" for k in range(CATEGORIES)]],
                                       names=["region", "category"])
    sidx = pd.Index([f"stressor{k}" for k in range(STRESSORS)], name="stressor")
    io = pymrio.IOSystem(Z=pd.DataFrame(d["Z"], index=idx, columns=idx, copy=False),
                         Y=pd.DataFrame(d["Y"], index=idx, columns=ycols, copy=False))
    io.emissions = pymrio.Extension(name="emissions", F=pd.DataFrame(d["F"], index=sidx, columns=idx, copy=False))
    return io


def worker_pymrio(R: int, S: int, out: Path, save: bool) -> dict:
    _pymrio_system(make_table(*WARMUP, seed=SEED + 1)).calc_all()   # warm-up
    d = make_table(R, S)
    data_peak = _peak_gib()
    io = _pymrio_system(d)
    del d
    load_before = load()
    t0, c0 = _clocks()
    io.calc_all()
    t1, c1 = _clocks()
    res = {"wall_s": t1 - t0, "cpu_s": c1 - c0, "peak_rss_gib": _peak_gib(),
           "peak_rss_after_data_gib": data_peak, "load_before": load_before, "load_after": load()}
    if save:
        e = io.emissions
        np.save(out / "pymrio_A.npy", io.A.to_numpy())
        np.save(out / "pymrio_L.npy", io.L.to_numpy())
        np.savez(out / "pymrio_small.npz", x=io.x.to_numpy()[:, 0], S=e.S.to_numpy(), M=e.M.to_numpy(),
                 D_cba=e.D_cba.to_numpy(), D_pba=e.D_pba.to_numpy(), D_imp=e.D_imp.to_numpy(),
                 D_exp=e.D_exp.to_numpy(), D_cba_reg=e.D_cba_reg.to_numpy(), D_pba_reg=e.D_pba_reg.to_numpy(),
                 D_imp_reg=e.D_imp_reg.to_numpy(), D_exp_reg=e.D_exp_reg.to_numpy())
    return res


def _ours_once(d: dict, full_inverse: bool):
    from induscope.core.iomodels import Extension, IOTable, LeontiefSystem, StaticModel, footprint_accounts

    regions, sectors = _labels(d["R"], d["S"])
    t0, c0 = _clocks()
    # x = Z 1 + Y 1; value added closes the columns (one row), so value-added multipliers are computed
    x = d["Z"].sum(axis=1) + d["Y"].sum(axis=1)
    V = (x - d["Z"].sum(axis=0))[None, :]
    table = IOTable(Z=d["Z"], Y=d["Y"], x=x, V=V, sectors=tuple(sectors), regions=tuple(regions),
                    final_demand_regions=tuple(np.repeat(regions, CATEGORIES)),
                    extensions=(Extension("emissions", d["F"], tuple(f"stressor{k}" for k in range(STRESSORS))),))
    system = LeontiefSystem.from_table(table, backend="cpu")
    res = StaticModel(system, full_inverse=full_inverse).run()
    t1, c1 = _clocks()
    fp = footprint_accounts(system, table, "emissions")
    t2, c2 = _clocks()
    times = {"static_wall_s": t1 - t0, "static_cpu_s": c1 - c0, "accounts_wall_s": t2 - t1,
             "accounts_cpu_s": c2 - c1, "wall_s": t2 - t0, "cpu_s": c2 - c0}
    return system, res, fp, times


def worker_ours(R: int, S: int, out: Path, save: bool, full_inverse: bool = True) -> dict:
    _ours_once(make_table(*WARMUP, seed=SEED + 1), full_inverse)                   # warm-up
    d = make_table(R, S)
    data_peak = _peak_gib()
    load_before = load()
    system, res, fp, times = _ours_once(d, full_inverse)
    out_doc = {**times, "peak_rss_gib": _peak_gib(), "peak_rss_after_data_gib": data_peak,
               "load_before": load_before, "load_after": load(), "backend": res.backend,
               "full_inverse": full_inverse, "key_sectors": int((res.key_class == "key").sum())}
    if save:
        tag = "full" if full_inverse else "lu"
        np.save(out / f"ours_{tag}_A.npy", res.A)
        if full_inverse:
            np.save(out / f"ours_{tag}_L.npy", res.L)
        cols = _sample_columns(R * S)
        E = np.zeros((R * S, cols.size))
        E[cols, np.arange(cols.size)] = 1.0
        Lcols = system.solve(E)  # columns of L (from L itself, or by LU solves)
        ext = res.extensions[0]
        np.savez(out / f"ours_{tag}_small.npz", x=res.x, S=ext.S, M=ext.M, m_o=res.output_multiplier,
                 fl=res.forward_linkage, Lcols=Lcols, D_cba=fp.D_cba, D_pba=fp.D_pba, D_imp=fp.D_imp,
                 D_exp=fp.D_exp, D_cba_reg=fp.D_cba_reg, D_pba_reg=fp.D_pba_reg, D_imp_reg=fp.D_imp_reg,
                 D_exp_reg=fp.D_exp_reg)
    return out_doc


def worker_ours_lu(R: int, S: int, out: Path, save: bool) -> dict:
    return worker_ours(R, S, out, save, full_inverse=False)


def _sample_columns(n: int) -> np.ndarray:
    return np.sort(np.random.default_rng(1).choice(n, size=min(n, 25), replace=False))


def worker_compare(R: int, S: int, out: Path) -> dict:
    """Every quantity both computed, max |ours - pymrio| / max |pymrio|, reading block by block."""
    n = R * S
    ref = np.load(out / "pymrio_small.npz")
    Lp = np.load(out / "pymrio_L.npy", mmap_mode="r")
    Ap = np.load(out / "pymrio_A.npy", mmap_mode="r")
    colsum = np.zeros(n)
    Lx = np.zeros(n)
    for i in range(0, n, 500):
        bb = np.asarray(Lp[i:i + 500])
        colsum += bb.sum(axis=0)
        Lx[i:i + 500] = bb @ ref["x"]
    cols = _sample_columns(n)
    Lcols_ref = np.asarray(Lp[:, cols])
    result: dict = {}
    for tag in ("full", "lu"):
        if not (out / f"ours_{tag}_small.npz").exists():
            continue
        errs: dict[str, float] = {}
        mats = [("A", out / f"ours_{tag}_A.npy", Ap)]
        if (out / f"ours_{tag}_L.npy").exists():
            mats.append(("L", out / f"ours_{tag}_L.npy", Lp))
        for sym, path, b in mats:
            a = np.load(path, mmap_mode="r")
            diff = scale = 0.0
            for i in range(0, n, 500):
                bb = np.asarray(b[i:i + 500])
                diff = max(diff, float(np.abs(np.asarray(a[i:i + 500]) - bb).max()))
                scale = max(scale, float(np.abs(bb).max()))
            errs[sym] = diff / scale
        ours = np.load(out / f"ours_{tag}_small.npz")
        for k in ref.files:
            errs[k] = float(np.abs(ours[k] - ref[k]).max() / np.abs(ref[k]).max())
        errs["L_sampled_columns"] = float(np.abs(ours["Lcols"] - Lcols_ref).max() / np.abs(Lcols_ref).max())
        # derived from pymrio's L: output multipliers (column sums) and Ghosh forward linkages (L x / x)
        errs["output_multiplier_vs_colsum_L"] = float(np.abs(ours["m_o"] - colsum).max() / colsum.max())
        fl = Lx / ref["x"]
        errs["forward_linkage_vs_Lx_over_x"] = float(np.abs(ours["fl"] - fl).max() / fl.max())
        worst = max(errs.values())
        result[tag] = {"relative_errors": errs, "max_relative_error": worst, "agree": bool(worst <= TOL)}
    result["agree_to"] = TOL
    result["agree"] = all(v["agree"] for k, v in result.items() if isinstance(v, dict))
    return result


WORKERS = {"data": worker_data, "pymrio": worker_pymrio, "ours": worker_ours, "ours_lu": worker_ours_lu,
           "compare": lambda R, S, out, save: worker_compare(R, S, out)}
TIMED = ("pymrio", "ours", "ours_lu")
LABELS = {
    "pymrio": "pymrio calc_all: x, A, L (full inverse), S, M, D_cba / D_pba / D_imp / D_exp (+ per region)",
    "ours": "induscope, L formed (full inverse) + footprint_accounts (the same D_* accounts): like for like",
    "ours_lu": "induscope, L kept as LU factors (never formed) + footprint_accounts: DIFFERENT WORK, not a "
               "like-for-like comparison",
}


def run_worker(kind: str, n: int, out: Path, timeout: float, save: bool = False) -> dict:
    cmd = [sys.executable, __file__, "--worker", kind, "--size", str(n), "--out", str(out)] + (["--save"] if save else [])
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{kind} worker failed ({p.returncode}):\n{p.stderr[-3000:]}")
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["process_wall_s"] = time.perf_counter() - t0
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=7987, choices=sorted(SIZES))
    ap.add_argument("--repeats", type=int, default=3, help="interleaved rounds (at least 3)")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--worker", choices=sorted(WORKERS))
    ap.add_argument("--out", type=Path, help="worker: folder for arrays; main: the results file")
    ap.add_argument("--save", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--keep", action="store_true", help="keep the saved arrays (temporary folder)")
    a = ap.parse_args()
    R, S = SIZES[a.size]
    if a.worker:
        print(json.dumps(WORKERS[a.worker](R, S, a.out, a.save)))
        return
    if a.repeats < 3:
        raise SystemExit("--repeats must be at least 3 (medians of fewer runs are not reported)")
    tmp = Path(tempfile.mkdtemp(prefix="bench_static_"))
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    load_start = load()
    try:
        n = R * S
        print(f"n = {n} ({R} regions x {S} sectors), {a.repeats} interleaved rounds; load {load_start}", flush=True)
        data = run_worker("data", n, tmp, a.timeout)
        runs: dict[str, list[dict]] = {k: [] for k in TIMED}
        for r in range(a.repeats):
            order = TIMED[r % 3:] + TIMED[:r % 3]       # rotate, so no side always runs first
            for kind in order:
                res = run_worker(kind, n, tmp, a.timeout, save=(r == 0))
                res["round"] = r
                runs[kind].append(res)
                print(f"  round {r}: {kind:8s} wall {res['wall_s']:7.2f} s, CPU {res['cpu_s']:7.2f} s, "
                      f"peak {res['peak_rss_gib']:.2f} GiB, load {res['load_before']}", flush=True)
        cmp_ = run_worker("compare", n, tmp, a.timeout)
        for tag in ("full", "lu"):
            print(f"  {tag}: max relative difference over every shared quantity "
                  f"{cmp_[tag]['max_relative_error']:.2e}", flush=True)

        def row(kind: str) -> dict:
            rs = runs[kind]
            doc = {"what": LABELS[kind], "wall_s": summary([x["wall_s"] for x in rs]),
                   "cpu_s": summary([x["cpu_s"] for x in rs]),
                   "peak_rss_gib": summary([x["peak_rss_gib"] for x in rs]),
                   "load_1min_before_each_run": [x["load_before"][0] for x in rs], "runs": rs}
            if kind != "pymrio":
                for part in ("static", "accounts"):
                    doc[f"{part}_wall_s"] = summary([x[f"{part}_wall_s"] for x in rs])
                    doc[f"{part}_cpu_s"] = summary([x[f"{part}_cpu_s"] for x in rs])
                key = "like_for_like" if kind == "ours" else "not_like_for_like"
                doc[f"ratio_wall_pymrio_over_ours_{key}"] = ratio(pym["wall_s"]["median"], doc["wall_s"]["median"])
                doc[f"ratio_cpu_pymrio_over_ours_{key}"] = ratio(pym["cpu_s"]["median"], doc["cpu_s"]["median"])
                doc["ratio_peak_memory_pymrio_over_ours"] = ratio(pym["peak_rss_gib"]["median"],
                                                                  doc["peak_rss_gib"]["median"])
            return doc

        pym = row("pymrio")
        full, lu = row("ours"), row("ours_lu")
        result = {
            "benchmark": "static input-output set vs pymrio calc_all (L formed + accounts, like for like)",
            "n": n, "regions": R, "sectors": S, "final_demand_columns": R * CATEGORIES,
            "extension_rows": STRESSORS, "seed": SEED, "repeats": a.repeats, "started": started,
            "load_at_start": load_start, "load_at_end": load(),
            "headline": {"what": "median wall-clock, pymrio calc_all / induscope L formed + accounts",
                         "ratio_wall": full["ratio_wall_pymrio_over_ours_like_for_like"],
                         "ratio_cpu": full["ratio_cpu_pymrio_over_ours_like_for_like"],
                         "pymrio_wall_s": pym["wall_s"]["median"], "ours_wall_s": full["wall_s"]["median"]},
            "rows": {"pymrio": pym, "ours_L_formed": full, "ours_L_as_lu_different_work": lu},
            "data_only": data, "comparison": cmp_,
            "notes": ["each run: a fresh process, a warm-up on a 4 x 10 table, then the timed run; rounds "
                      "interleaved with the order rotating; medians over the rounds",
                      "CPU time = process_time of the worker (all BLAS threads), wall = perf_counter",
                      "ours computes more in the same time: multipliers, backward and Ghosh forward "
                      "linkages, key sectors",
                      "L as LU factors: every product with L by LU solves, L never formed (25 of its "
                      "columns are solved for and compared with pymrio's L): different work",
                      "the machine is shared (2 cores, other jobs): read each time with its load average",
                      "peak memory = ru_maxrss of each worker process, which also builds the table; "
                      "data_only is that build alone"],
            "machine": machine(("pymrio",)),
        }
        print(f"like for like (L formed + accounts): pymrio {pym['wall_s']['median']:.2f} s, ours "
              f"{full['wall_s']['median']:.2f} s -> {result['headline']['ratio_wall']:.2f}x wall, "
              f"{result['headline']['ratio_cpu']:.2f}x CPU (medians of {a.repeats})", flush=True)
        print(f"different work (L as LU factors + accounts): ours {lu['wall_s']['median']:.2f} s -> "
              f"{lu['ratio_wall_pymrio_over_ours_not_like_for_like']:.2f}x wall", flush=True)
        print(f"{'agree' if cmp_['agree'] else 'DISAGREE'} to {TOL:g}", flush=True)
        dest = a.out or RESULTS / ("static.json" if n == 7987 else f"static_{n}.json")
        print(f"wrote {write_json(result, dest)}")
        if not cmp_["agree"]:
            sys.exit(1)
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
