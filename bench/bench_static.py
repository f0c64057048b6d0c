"""The static input-output set at EXIOBASE size: induscope against pymrio 0.7's calc_all.

Same synthetic multi-regional table (fixed seed) in three subprocesses, so each tool's peak memory
(ru_maxrss) is its own:
  data    only builds the table (what the data alone takes)
  pymrio  IOSystem(Z, Y, one 3-row extension).calc_all(): x, A, L, S, M and the accounts
          D_cba, D_pba, D_imp, D_exp (+ per region)
  ours    StaticModel: A, L (formed by block recursion, or kept as LU factors), output / value-added / extension
          multipliers, backward and forward (Ghosh) linkages, key sectors; then, timed apart,
          footprint_accounts: the same D_* accounts as pymrio
A fourth subprocess compares every quantity both computed (to 1e-9 relative to each quantity's
largest entry), reading the saved arrays memory-mapped, block by block.

    python bench/bench_static.py                  # n = 7,987 (49 regions x 163 sectors)
    python bench/bench_static.py --size 1960      # 49 x 40, a quick run
Writes bench/results/static.json (static_<n>.json for other sizes).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
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

SIZES = {1960: (49, 40), 3920: (49, 80), 7987: (49, 163)}
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


def _peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2  # KiB -> GiB


# ------------------------------------------------------------------------------------- workers
def worker_data(R: int, S: int, out: Path) -> dict:
    t0 = time.perf_counter()
    make_table(R, S)
    return {"build_s": time.perf_counter() - t0, "peak_rss_gib": _peak_gb()}


def worker_pymrio(R: int, S: int, out: Path) -> dict:
    import pandas as pd
    import pymrio

    d = make_table(R, S)
    data_peak = _peak_gb()
    regions, sectors = _labels(R, S)
    idx = pd.MultiIndex.from_product([regions, sectors], names=["region", "sector"])
    ycols = pd.MultiIndex.from_product([regions, [f"c{k}" for k in range(CATEGORIES)]],
                                       names=["region", "category"])
    sidx = pd.Index([f"stressor{k}" for k in range(STRESSORS)], name="stressor")
    io = pymrio.IOSystem(Z=pd.DataFrame(d["Z"], index=idx, columns=idx, copy=False),
                         Y=pd.DataFrame(d["Y"], index=idx, columns=ycols, copy=False))
    io.emissions = pymrio.Extension(name="emissions", F=pd.DataFrame(d["F"], index=sidx, columns=idx, copy=False))
    del d
    t0 = time.perf_counter()
    io.calc_all()
    secs = time.perf_counter() - t0
    peak = _peak_gb()
    e = io.emissions
    np.save(out / "pymrio_A.npy", io.A.to_numpy())
    np.save(out / "pymrio_L.npy", io.L.to_numpy())
    np.savez(out / "pymrio_small.npz", x=io.x.to_numpy()[:, 0], S=e.S.to_numpy(), M=e.M.to_numpy(),
             D_cba=e.D_cba.to_numpy(), D_pba=e.D_pba.to_numpy(), D_imp=e.D_imp.to_numpy(),
             D_exp=e.D_exp.to_numpy(), D_cba_reg=e.D_cba_reg.to_numpy(), D_pba_reg=e.D_pba_reg.to_numpy(),
             D_imp_reg=e.D_imp_reg.to_numpy(), D_exp_reg=e.D_exp_reg.to_numpy())
    return {"calc_all_s": secs, "peak_rss_gib": peak, "peak_rss_after_data_gib": data_peak}


def worker_ours(R: int, S: int, out: Path, full_inverse: bool = True, backend: str = "cpu") -> dict:
    from induscope.core.iomodels import Extension, IOTable, LeontiefSystem, StaticModel, footprint_accounts

    d = make_table(R, S)
    data_peak = _peak_gb()
    regions, sectors = _labels(R, S)
    t0 = time.perf_counter()
    # x = Z 1 + Y 1; value added closes the columns (one row), so value-added multipliers are computed
    x = d["Z"].sum(axis=1) + d["Y"].sum(axis=1)
    V = (x - d["Z"].sum(axis=0))[None, :]
    table = IOTable(Z=d["Z"], Y=d["Y"], x=x, V=V, sectors=tuple(sectors), regions=tuple(regions),
                    final_demand_regions=tuple(np.repeat(regions, CATEGORIES)),
                    extensions=(Extension("emissions", d["F"], tuple(f"stressor{k}" for k in range(STRESSORS))),))
    system = LeontiefSystem.from_table(table, backend=backend)
    res = StaticModel(system, full_inverse=full_inverse).run()
    t_static = time.perf_counter() - t0
    t1 = time.perf_counter()
    fp = footprint_accounts(system, table, "emissions")
    t_accounts = time.perf_counter() - t1
    peak = _peak_gb()
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
    return {"static_s": t_static, "accounts_s": t_accounts, "total_s": t_static + t_accounts,
            "peak_rss_gib": peak, "peak_rss_after_data_gib": data_peak, "backend": res.backend,
            "full_inverse": full_inverse, "key_sectors": int((res.key_class == "key").sum())}


def worker_ours_lu(R: int, S: int, out: Path) -> dict:
    return worker_ours(R, S, out, full_inverse=False)


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
           "compare": worker_compare}


def run_worker(kind: str, n: int, out: Path, timeout: float) -> dict:
    cmd = [sys.executable, __file__, "--worker", kind, "--size", str(n), "--out", str(out)]
    load = os.getloadavg()[0]
    t0 = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"{kind} worker failed ({p.returncode}):\n{p.stderr[-3000:]}")
    res = json.loads(p.stdout.strip().splitlines()[-1])
    res["process_wall_s"] = time.perf_counter() - t0
    res["load_average_before"] = load
    return res


def machine() -> dict:
    import numpy, pandas, scipy  # noqa: E401

    info = {"python": platform.python_version(), "platform": platform.platform(),
            "cpu_count": os.cpu_count(), "numpy": numpy.__version__, "scipy": scipy.__version__,
            "pandas": pandas.__version__}
    try:
        import pymrio

        info["pymrio"] = pymrio.__version__
    except ImportError:
        pass
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["ram_gib"] = round(int(mem) / 1024 ** 2, 1)
    except OSError:
        pass
    try:
        cfg = numpy.show_config(mode="dicts")
        info["blas"] = cfg["Build Dependencies"]["blas"].get("name")
    except Exception:
        pass
    return info


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=7987, choices=sorted(SIZES))
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--worker", choices=sorted(WORKERS))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--keep", action="store_true", help="keep the saved arrays (temporary folder)")
    ap.add_argument("--threads", type=int, help="BLAS threads for every worker (default: OpenBLAS's)")
    a = ap.parse_args()
    if a.threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(a.threads)
    R, S = SIZES[a.size]
    if a.worker:
        print(json.dumps(WORKERS[a.worker](R, S, a.out)))
        return
    tmp = Path(tempfile.mkdtemp(prefix="bench_static_"))
    try:
        n = R * S
        print(f"n = {n} ({R} regions x {S} sectors); arrays in {tmp}", flush=True)
        data = run_worker("data", n, tmp, a.timeout)
        print(f"data only: build {data['build_s']:.1f} s, peak {data['peak_rss_gib']:.2f} GiB", flush=True)
        pym = run_worker("pymrio", n, tmp, a.timeout)
        print(f"pymrio calc_all: {pym['calc_all_s']:.2f} s, peak {pym['peak_rss_gib']:.2f} GiB", flush=True)
        ours = run_worker("ours", n, tmp, a.timeout)
        print(f"ours, L formed: static set {ours['static_s']:.2f} s + accounts {ours['accounts_s']:.2f} s, "
              f"peak {ours['peak_rss_gib']:.2f} GiB ({ours['backend']})", flush=True)
        lu = run_worker("ours_lu", n, tmp, a.timeout)
        print(f"ours, L kept as LU factors: static set {lu['static_s']:.2f} s + accounts "
              f"{lu['accounts_s']:.2f} s, peak {lu['peak_rss_gib']:.2f} GiB", flush=True)
        cmp_ = run_worker("compare", n, tmp, a.timeout)
        for tag in ("full", "lu"):
            print(f"  {tag}: max relative difference over every shared quantity "
                  f"{cmp_[tag]['max_relative_error']:.2e}", flush=True)
        print(f"{'agree' if cmp_['agree'] else 'DISAGREE'} to {TOL:g}", flush=True)
        data_gib = data["peak_rss_gib"]

        def ratios(o: dict) -> dict:
            return {"speedup_static_set_vs_calc_all": pym["calc_all_s"] / o["static_s"],
                    "speedup_with_accounts_vs_calc_all": pym["calc_all_s"] / o["total_s"],
                    "peak_memory_ratio_pymrio_over_ours": pym["peak_rss_gib"] / o["peak_rss_gib"],
                    "peak_memory_above_data_ratio": (pym["peak_rss_gib"] - data_gib)
                    / max(o["peak_rss_gib"] - data_gib, 1e-9)}

        result = {
            "benchmark": "static input-output set (A, L, multipliers, linkages [+ footprint accounts])",
            "n": n, "regions": R, "sectors": S, "final_demand_columns": R * CATEGORIES,
            "extension_rows": STRESSORS, "seed": SEED,
            "blas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default"),
            "pymrio": pym, "ours_L_formed": ours, "ours_L_as_lu": lu, "data_only": data, "comparison": cmp_,
            "ratios_L_formed": ratios(ours), "ratios_L_as_lu": ratios(lu),
            "notes": ["pymrio's calc_all computes x, A, L, S, M and the D_* accounts; 'static set' is ours "
                      "(A, L, output / value-added / extension multipliers, backward and Ghosh forward "
                      "linkages, key sectors) without the accounts, 'with accounts' adds the same D_* accounts",
                      "L formed: the full Leontief inverse (block recursion, in place); L as LU: every "
                      "product with L by LU solves (the default of StaticModel), L itself never formed; "
                      "25 of its columns are solved for and compared with pymrio's L",
                      "peak memory = ru_maxrss of each worker process, which also builds the table; "
                      "data_only is that build alone",
                      "both use the same BLAS/LAPACK (OpenBLAS through numpy / scipy) with the same threads; "
                      "load_average_before is the machine's 1-minute load when each worker started"],
            "machine": machine(), "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
        r1, r2 = result["ratios_L_formed"], result["ratios_L_as_lu"]
        print(f"speed-up vs calc_all, L formed: {r1['speedup_static_set_vs_calc_all']:.2f}x (static set), "
              f"{r1['speedup_with_accounts_vs_calc_all']:.2f}x (with accounts), memory "
              f"{r1['peak_memory_ratio_pymrio_over_ours']:.2f}x less", flush=True)
        print(f"speed-up vs calc_all, L as LU: {r2['speedup_static_set_vs_calc_all']:.2f}x (static set), "
              f"{r2['speedup_with_accounts_vs_calc_all']:.2f}x (with accounts), memory "
              f"{r2['peak_memory_ratio_pymrio_over_ours']:.2f}x less", flush=True)
        name = "static.json" if n == 7987 else f"static_{n}.json"
        dest = HERE / "results" / name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(json.dumps(result, indent=2) + "\n")
        print(f"wrote {dest}")
        if not cmp_["agree"]:
            sys.exit(1)
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
