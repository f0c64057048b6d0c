"""ARIO per-step speed and memory: induscope against BoARIO 0.7.2, on synthetic MRIO tables.

Sizes: 49 regions x 40 / 80 / 163 sectors = 1,960 / 3,920 / 7,987 industries (EXIOBASE's shape).
Each tool runs in its own subprocess on the same table (same seed), so peak memory (ru_maxrss) is
its own; a third subprocess only builds the table, to show what the data alone takes. Both simulate
the same shock (30 % of the productive capital of three industries destroyed at step 1, recovered
linearly over 30 steps) with default parameters. BoARIO is slow, so it runs a few steps; we run
more; the trajectories (production, capacity, unmet final demand) are compared over the steps both
ran, and the speed-up is taken over those same steps.

    python bench/bench_ario.py                      # all sizes, writes bench/results/ario.json
    python bench/bench_ario.py --sizes 1960 --boario-steps 3
    python bench/bench_ario.py --gpu                # our CPU path against our GPU path(s), no BoARIO

GPU mode writes bench/results/gpu_ario.json, and $OUT/gpu_ario.json when OUT is set.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

SIZES = {1960: (49, 40), 3920: (49, 80), 7987: (49, 163)}
SEED = 2024
HIT = 3           # industries hit (region 0, sectors 0..2)
SHARE = 0.3       # of their productive capital
SERIES = ("production", "capacity", "fd_unmet")
GPU_NAME: list[str] = []


# --------------------------------------------------------------------------------------- tables
# Deterministic synthetic multi-regional tables (EXIOBASE-like shape): Z = A diag(x) with A's
# columns summing to 0.35..0.65, domestic blocks denser than trade blocks; x solves x = A x + y
# (Neumann series), so rows and columns balance and value added is positive. Final demand: F = 7
# categories per region (as EXIOBASE), buyers favouring their own region. Same seed -> same numbers, so
# separate processes see the same table.
def make_mrio(R: int, S: int, *, F: int = 7, seed: int = 0, domestic_density: float = 0.6,
              trade_density: float = 0.2) -> dict:
    rng = np.random.default_rng(seed)
    n = R * S
    Z = np.empty((n, n))
    # build A column block by column block to keep temporaries at n x S
    for rb in range(R):
        cols = slice(rb * S, (rb + 1) * S)
        blk = rng.lognormal(0.0, 1.0, size=(n, S))
        dens = np.full((R, 1, 1), trade_density)
        dens[rb] = domestic_density
        mask = rng.random((R, S, S)) < dens
        blk *= mask.reshape(n, S)
        blk[rb * S:(rb + 1) * S][np.arange(S), np.arange(S)] += 1.0  # own-sector input, never empty
        blk[rb * S:(rb + 1) * S] *= 4.0                                # domestic inputs dominate
        colsum = blk.sum(axis=0)
        blk *= rng.uniform(0.35, 0.65, size=S) / colsum
        Z[:, cols] = blk
    y = rng.lognormal(3.0, 1.0, size=n) * 1e3
    x = y.copy()
    for _ in range(80):                      # x = y + A x ; A's column sums <= 0.65
        x_new = y + Z @ x
        if np.max(np.abs(x_new - x) / x_new) < 1e-15:
            x = x_new
            break
        x = x_new
    Z *= x[None, :]                          # Z = A diag(x)
    # final demand: y split over R x F columns; buyers favour their own region
    w = rng.random((n, R, F))
    own = np.repeat(np.arange(R), S)
    w[np.arange(n), own, :] += 3.0 * R / 10
    w /= w.sum(axis=(1, 2), keepdims=True)
    Y = (w * y[:, None, None]).reshape(n, R * F)
    x = Z.sum(axis=1) + Y.sum(axis=1)        # balanced rows by construction
    regions = [f"R{r:02d}" for r in range(R)]
    sectors = [f"S{s:03d}" for s in range(S)]
    cats = [f"FD{f}" for f in range(F)]
    return {"Z": Z, "Y": Y, "x": x, "regions": regions, "sectors": sectors, "categories": cats}


def to_iotable(d: dict):
    from induscope.core.iomodels.table import IOTable

    cols = [[r, c] for r in d["regions"] for c in d["categories"]]
    return IOTable(Z=d["Z"], Y=d["Y"], x=d["x"], sectors=tuple(d["sectors"]), regions=tuple(d["regions"]),
                   final_demand_labels=tuple(f"{r}/{c}" for r, c in cols), unit="EUR million",
                   metadata={"final_demand_columns": cols})


def to_pymrio(d: dict):
    """A pymrio.IOSystem with Z, Y, x and A (what BoARIO needs; no Leontief inverse)."""
    import pandas as pd
    import pymrio

    idx = pd.MultiIndex.from_product([d["regions"], d["sectors"]], names=["region", "sector"])
    ycols = pd.MultiIndex.from_product([d["regions"], d["categories"]], names=["region", "category"])
    io = pymrio.IOSystem(Z=pd.DataFrame(d["Z"], index=idx, columns=idx),
                         Y=pd.DataFrame(d["Y"], index=idx, columns=ycols),
                         x=pd.DataFrame({"indout": d["x"]}, index=idx),
                         unit=pd.DataFrame({"unit": ["M.EUR"] * len(idx)}, index=idx), name="synthetic")
    io.A = pymrio.calc_A(io.Z, io.x)
    return io


# --------------------------------------------------------------------------------------- workers
def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6   # KiB on Linux -> GB (1e3 KiB)


def _impact(d, K):
    R, S = len(d["regions"]), len(d["sectors"])
    K = K.reshape(R, S)
    return {(d["regions"][0], d["sectors"][s]): SHARE * float(K[0, s]) for s in range(HIT)}


def worker_data(R, S, steps, out):
    d = make_mrio(R, S, seed=SEED)
    np.savez(out, rss=_rss_gb(), density=np.count_nonzero(d["Z"]) / d["Z"].size)


def worker_ours(R, S, steps, out, backend="cpu", storage="auto"):
    from induscope.core.iomodels.ario import ARIOModel
    from induscope.core.iomodels.ario_events import CapitalRecover

    d = make_mrio(R, S, seed=SEED)
    table = to_iotable(d)
    del d["Z"]
    t0 = time.perf_counter()
    model = ARIOModel(table, backend=backend, storage=storage)
    init = time.perf_counter() - t0
    del table
    ev = CapitalRecover(impact=_impact(d, model.K), occurrence=1, duration=1, recovery_tau=30)
    model.run(ev, steps=2)                       # warm-up (imports, first allocations)
    stamps, cpu = [], []

    def tick(i):
        stamps.append(time.perf_counter())
        cpu.append(time.process_time())

    t0, c0 = time.perf_counter(), time.process_time()
    res = model.run(ev, steps=steps, on_step=tick)
    per_step = np.diff([t0] + stamps)
    np.savez(out, per_step=per_step, cpu_per_step=np.diff([c0] + cpu), init=init, rss=_rss_gb(), x0=res.x0,
             storage=model.storage,
             backend=model.backend, passes=res.info["passes_over_Z"],
             **{k: res.series[k] for k in SERIES})


def worker_boario(R, S, steps, out):
    import logging
    import warnings

    import pandas as pd

    warnings.simplefilter("ignore")
    logging.getLogger("boario").setLevel(logging.CRITICAL)
    import boario.event as bev
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    d = make_mrio(R, S, seed=SEED)
    io = to_pymrio(d)
    del d["Z"], d["Y"]
    t0 = time.perf_counter()
    model = ARIOPsiModel(io)
    del io
    with tempfile.TemporaryDirectory() as tmp:
        sim = Simulation(model, n_temporal_units_to_sim=max(steps, 3), boario_output_dir=tmp)
        init = time.perf_counter() - t0
        K = pd.Series(model.productive_capital, index=model.industries)
        imp = _impact(d, K.reindex(pd.MultiIndex.from_product([d["regions"], d["sectors"]])).to_numpy())
        ev = bev.from_series(pd.Series(imp), event_type="recovery", occurrence=1, duration=1, recovery_tau=30,
                             event_monetary_factor=10 ** 6)
        sim.add_event(ev)
        per_step, cpu = [], []
        for _ in range(steps):
            t1, c1 = time.perf_counter(), time.process_time()
            sim.next_step()
            per_step.append(time.perf_counter() - t1)
            cpu.append(time.process_time() - c1)
        cols = pd.MultiIndex.from_product([d["regions"], d["sectors"]])
        series = {"production": sim.production_realised, "capacity": sim.production_capacity,
                  "fd_unmet": sim.final_demand_undist}
        series = {k: v.reindex(columns=cols).to_numpy()[:steps] for k, v in series.items()}
    for h in list(logging.getLogger("boario").handlers):
        logging.getLogger("boario").removeHandler(h)
    np.savez(out, per_step=np.array(per_step), cpu_per_step=np.array(cpu), init=init, rss=_rss_gb(), **series)


WORKERS = {"data": worker_data, "ours": worker_ours, "boario": worker_boario}


def run_worker(kind, R, S, steps, timeout, backend="cpu", storage="auto"):
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.npz"
        cmd = [sys.executable, __file__, "--worker", kind, "--R", str(R), "--S", str(S), "--steps", str(steps),
               "--npz", str(out), "--backend", backend, "--storage", storage]
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if p.returncode != 0:
            raise RuntimeError(f"{kind} worker failed ({p.returncode}):\n{p.stderr[-3000:]}")
        with np.load(out, allow_pickle=False) as z:
            res = {k: z[k] for k in z.files}
        res["wall"] = time.perf_counter() - t0
        return res


# --------------------------------------------------------------------------------------- report
def machine() -> dict:
    info = {"python": platform.python_version(), "platform": platform.platform()}
    try:
        cpu = [ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")]
        info["cpu"] = cpu[0] if cpu else platform.processor()
        mem = [ln for ln in open("/proc/meminfo") if ln.startswith("MemTotal")]
        info["ram_gb"] = round(int(mem[0].split()[1]) / 1024 ** 2, 1) if mem else None
    except OSError:
        info["cpu"] = platform.processor()
    info["cores"] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    info["load_average_at_start"] = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    import importlib.metadata as md

    for pkg in ("numpy", "scipy", "pandas", "pymrio", "boario", "cupy", "cupy-cuda12x", "cupy-cuda13x", "torch"):
        try:
            info[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # noqa: BLE001 - older numpy: no dict mode
        pass
    return info


def compare(ours, ref, k):
    """Largest |ours - ref| relative to the natural scale of each series, over the first k steps."""
    x0 = ours["x0"]
    out = {}
    for s in SERIES:
        a, b = ours[s][:k], ref[s][:k]
        scale = x0 if s != "fd_unmet" else np.maximum(x0, 1e-300)
        out[s] = float(np.max(np.abs(a - b) / scale[None, :]))
    return out


def _best(kind, R, S, steps, timeout, repeat, k, **kw):
    """Run a worker ``repeat`` times; keep the run with the lowest mean time over the first k steps
    (the least disturbed by other jobs on a shared machine); also return every run's mean."""
    runs = [run_worker(kind, R, S, steps, timeout, **kw) for _ in range(repeat)]
    means = [float(np.mean(r["per_step"][:k])) for r in runs]
    return runs[int(np.argmin(means))], means


def bench_boario(sizes, boario_steps, our_steps, timeout, repeat):
    rows = []
    for n in sizes:
        R, S = SIZES[n]
        k = boario_steps.get(n, 4)
        rep = 1 if n >= 7987 else repeat        # the largest BoARIO run: once (time, memory)
        print(f"--- {n} industries ({R} x {S}), best of {rep} ---", flush=True)
        data = run_worker("data", R, S, 1, timeout)
        ours, ours_means = _best("ours", R, S, our_steps, timeout, rep, k)
        dense, dense_means = _best("ours", R, S, our_steps, timeout, rep, k, storage="dense")
        ref, ref_means = _best("boario", R, S, k, timeout, rep, k)
        t_ref = float(np.mean(ref["per_step"]))
        for name, r in (("induscope (" + str(ours["storage"]) + ")", ours), ("induscope (dense)", dense)):
            print(f"  {name:22s} {np.mean(r['per_step'][:k]) * 1e3:8.1f} ms/step over the first {k} steps "
                  f"({np.mean(r['per_step']) * 1e3:.1f} over {our_steps}); peak {float(r['rss']):.2f} GB", flush=True)
        print(f"  {'BoARIO 0.7.2':22s} {t_ref * 1e3:8.1f} ms/step over {k} steps; peak {float(ref['rss']):.2f} GB",
              flush=True)
        diff = compare(ours, ref, k)
        ratio = t_ref / float(np.mean(ours["per_step"][:k]))
        ratio_dense = t_ref / float(np.mean(dense["per_step"][:k]))
        cpu_ratio = float(np.mean(ref["cpu_per_step"]) / np.mean(ours["cpu_per_step"][:k]))
        print(f"  speed-up {ratio:.1f}x wall-clock, {cpu_ratio:.1f}x CPU time ({ratio_dense:.1f}x wall-clock with "
              f"dense storage); memory "
              f"{float(ref['rss']) / float(ours['rss']):.1f}x less; max relative difference "
              f"{max(diff.values()):.2e}", flush=True)

        def ours_doc(r, means):
            return {"storage": str(r["storage"]), "per_step_s": [float(v) for v in r["per_step"]],
                    "mean_per_step_first_k_s": float(np.mean(r["per_step"][:k])),
                    "mean_per_step_all_s": float(np.mean(r["per_step"])),
                    "median_per_step_all_s": float(np.median(r["per_step"])),
                    "steps": int(our_steps), "init_s": float(r["init"]), "peak_rss_gb": float(r["rss"]),
                    "full_passes_over_Z": int(r["passes"]), "means_first_k_of_each_repeat_s": means,
                    "cpu_time_per_step_first_k_s": float(np.mean(r["cpu_per_step"][:k])),
                    "speedup_per_step": t_ref / float(np.mean(r["per_step"][:k])),
                    "max_relative_difference": compare(r, ref, k)}

        rows.append({
            "industries": n, "regions": R, "sectors": S, "final_demand_columns": R * 7,
            "density_of_Z": float(data["density"]), "steps_compared": k, "repeats": rep,
            "boario": {"per_step_s": [float(v) for v in ref["per_step"]], "mean_per_step_s": t_ref,
                       "cpu_time_per_step_s": float(np.mean(ref["cpu_per_step"])),
                       "init_s": float(ref["init"]), "peak_rss_gb": float(ref["rss"]),
                       "means_of_each_repeat_s": ref_means},
            "induscope": ours_doc(ours, ours_means),
            "induscope_dense_storage": ours_doc(dense, dense_means),
            "table_only_peak_rss_gb": float(data["rss"]),
            "speedup_per_step": ratio,
            "speedup_cpu_time_per_step": float(np.mean(ref["cpu_per_step"]) / np.mean(ours["cpu_per_step"][:k])),
            "memory_ratio_boario_over_induscope": float(ref["rss"]) / float(ours["rss"]),
            "max_relative_difference": diff,
        })
    return rows


def bench_gpu(sizes, steps, timeout):
    from induscope.core.iomodels.backend import gpu_library

    libs = []
    try:
        import cupy as cp  # noqa: F401

        if cp.cuda.runtime.getDeviceCount() > 0:
            libs.append("cupy")
    except Exception:  # noqa: BLE001 - no CuPy or no device
        pass
    try:
        import torch

        if torch.cuda.is_available():
            libs.append("torch")
    except Exception:  # noqa: BLE001
        pass
    if not libs:
        raise SystemExit("no GPU library sees a CUDA device (CuPy or PyTorch needed); nothing to benchmark")
    print(f"GPU libraries: {libs} (auto picks {gpu_library()})", flush=True)
    try:
        import torch

        GPU_NAME.append(torch.cuda.get_device_name(0))
    except Exception:  # noqa: BLE001 - no torch: CuPy's view of the device
        import cupy as cp

        GPU_NAME.append(cp.cuda.runtime.getDeviceProperties(0)["name"].decode())
    checks = event_checks(libs)
    rows = []
    for n in sizes:
        R, S = SIZES[n]
        cpu = run_worker("ours", R, S, steps, timeout, backend="cpu")
        row = {"industries": n, "steps": steps,
               "cpu": {"mean_per_step_s": float(np.mean(cpu["per_step"])),
                       "median_per_step_s": float(np.median(cpu["per_step"]))}}
        print(f"--- {n}: CPU {np.mean(cpu['per_step']) * 1e3:.1f} ms/step", flush=True)
        for lib in libs:
            g = run_worker("ours", R, S, steps, timeout, backend=lib)
            diff = compare(g, cpu, steps)
            row[lib] = {"mean_per_step_s": float(np.mean(g["per_step"])),
                        "median_per_step_s": float(np.median(g["per_step"])),
                        "speedup_vs_cpu": float(np.mean(cpu["per_step"]) / np.mean(g["per_step"])),
                        "max_relative_difference_vs_cpu": diff,
                        "agrees_1e-9": bool(max(diff.values()) <= 1e-9)}
            print(f"    {lib}: {np.mean(g['per_step']) * 1e3:.2f} ms/step, max rel diff {max(diff.values()):.1e}",
                  flush=True)
        rows.append(row)
    return {"event_checks": checks, "sizes": rows}


def event_checks(libs, steps=100):
    """Every event type on a small table: each GPU library against the CPU path."""
    from induscope.core.iomodels.ario import ARIOModel
    from induscope.core.iomodels.ario_events import CapacityCut, CapitalRebuild, CapitalRecover, FinalDemandShock

    d = make_mrio(4, 6, seed=7)
    table = to_iotable(d)
    cpu = ARIOModel(table, backend="cpu")
    K = cpu.K
    r0, s = d["regions"][0], d["sectors"]
    events = [CapitalRecover(impact=0.3 * K[1], industries=((r0, s[1]),), occurrence=2, recovery_tau=20),
              CapitalRebuild(impact=0.3 * K[2], industries=((r0, s[2]),), occurrence=2, duration=3,
                             rebuilding_sectors={s[0]: 0.5, s[3]: 0.5}, rebuild_tau=30),
              CapacityCut(impact=0.4, industries=((r0, s[4]),), occurrence=2, duration=4, recovery_tau=10),
              FinalDemandShock(impact=0.5, sectors=(s[5],), occurrence=2, duration=5, recovery_tau=10)]
    out = []
    for ev in events:
        ref = cpu.run(ev, steps=steps)
        for lib in libs:
            r = ARIOModel(table, backend=lib).run(ev, steps=steps)
            diff = {k: float(np.max(np.abs(r.series[k] - ref.series[k]) / ref.x0[None, :]))
                    for k in ("production", "capacity", "fd_unmet", "inventories")}
            out.append({"event": ev.kind, "library": lib, "steps": steps, "max_relative_difference": diff,
                        "agrees_1e-9": bool(max(diff.values()) <= 1e-9)})
            print(f"  {ev.kind:16s} {lib:6s} max rel diff {max(diff.values()):.1e}", flush=True)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", choices=sorted(WORKERS))
    ap.add_argument("--R", type=int)
    ap.add_argument("--S", type=int)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--npz")
    ap.add_argument("--backend", default="cpu")
    ap.add_argument("--storage", default="auto")
    ap.add_argument("--sizes", default="1960,3920,7987")
    ap.add_argument("--boario-steps", default="1960:5,3920:5,7987:4",
                    help="steps BoARIO runs per size, e.g. 1960:5,7987:3")
    ap.add_argument("--our-steps", type=int, default=30)
    ap.add_argument("--repeat", type=int, default=2, help="best of N runs per tool (the 7,987 case runs once)")
    ap.add_argument("--gpu", action="store_true", help="our CPU path against our GPU path(s)")
    ap.add_argument("--timeout", type=int, default=1800)
    ap.add_argument("--out", default=None)
    ap.add_argument("--merge", action="store_true",
                    help="replace only the sizes run now in an existing results file (others kept)")
    a = ap.parse_args()
    if a.worker:
        if a.worker == "ours":
            worker_ours(a.R, a.S, a.steps, a.npz, backend=a.backend, storage=a.storage)
        else:
            WORKERS[a.worker](a.R, a.S, a.steps, a.npz)
        return
    sizes = [int(s) for s in a.sizes.split(",") if s]
    bad = [s for s in sizes if s not in SIZES]
    if bad:
        raise SystemExit(f"unknown sizes {bad}; choose from {sorted(SIZES)}")
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    if a.gpu:
        res = bench_gpu(sizes, a.our_steps, a.timeout)
        doc = {"benchmark": "ARIO step on GPU (induscope CPU path vs GPU paths)", "started": started,
               "machine": {**machine(), "gpu": GPU_NAME[0] if GPU_NAME else None},
               "event_checks": res["event_checks"], "results": res["sizes"]}
        targets = [Path(a.out) if a.out else HERE / "results" / "gpu_ario.json"]
        if os.environ.get("OUT"):
            targets.append(Path(os.environ["OUT"]) / "gpu_ario.json")
    else:
        ksteps = dict((int(k), int(v)) for k, v in (p.split(":") for p in a.boario_steps.split(",") if p))
        rows = bench_boario(sizes, ksteps, a.our_steps, a.timeout, a.repeat)
        doc = {"benchmark": "ARIO per-step time and peak memory, induscope vs BoARIO 0.7.2",
               "started": started, "machine": machine(),
               "scenario": f"CapitalRecover: {SHARE:.0%} of the productive capital of {HIT} industries of region 0 "
                           "at step 1, duration 1, linear recovery over 30 steps; default parameters",
               "notes": "per-step times are wall-clock on a shared machine (2 cores, other jobs running), "
                        "best of `repeats` runs per tool; speed-up = BoARIO's mean over its steps / ours over "
                        "the same steps (the shock and its first days); storage 'auto' picks CSR below 25 % "
                        "non-zeros, the dense-storage run is given too; peak memory = ru_maxrss of each "
                        "tool's own process (table generation included, see table_only_peak_rss_gb); "
                        "max_relative_difference: |ours - BoARIO| / baseline production per industry",
               "results": rows}
        targets = [Path(a.out) if a.out else HERE / "results" / "ario.json"]
    for r in doc["results"]:
        r["run_started"] = started
    if a.merge and targets[0].exists():
        old = json.loads(targets[0].read_text())
        done = {r["industries"] for r in doc["results"]}
        kept = [r for r in old.get("results", []) if r["industries"] not in done]
        doc["results"] = sorted(kept + doc["results"], key=lambda r: r["industries"])
    for path in targets:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2) + "\n")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
