"""ARIO per-step time and memory: induscope against BoARIO 0.7.2, on synthetic MRIO tables.

Sizes: 49 regions x 40 / 80 / 163 sectors = 1,960 / 3,920 / 7,987 industries (EXIOBASE's shape).
Both simulate the same shock (30 % of the productive capital of three industries destroyed at
step 1, recovered linearly over 30 steps) with default parameters, over the same ``--steps``
steps (31 by default: the steady step 0, the event step 1, 29 steps of recovery).

Method: every run is a fresh subprocess on the same table (same seed), so its peak memory
(ru_maxrss) is its own; a separate subprocess only builds the table, to show what the data alone
takes. Inside a run, each side first warms up on a small table with the same kind of event
(imports, first allocations, code paths), then builds its model on the big table (init, timed
apart) and runs every step, each timed alone (wall: perf_counter, CPU: process_time). Rounds of
(BoARIO, ours) are interleaved with the order alternating, ``--repeats`` rounds (at least 3).
Reported: per tool, the median over rounds of the median step time without the event step, the
event step apart, init apart, with every run's times and the load average before and after it.
Every series (production, capacity, unmet final demand) is compared over every step.

    python bench/bench_ario.py                                  # all sizes, writes bench/results/ario.json
    python bench/bench_ario.py --sizes 1960 --out x.json        # the quick run of `make bench`
    python bench/bench_ario.py --gpu                            # our CPU path against our GPU path(s)

GPU mode writes bench/results/gpu_ario.json, and $OUT/gpu_ario.json when OUT is set (the device
machine's output folder, set by its runner: not a setting of the project).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
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
SEED = 2024
HIT = 3           # industries hit (region 0, sectors 0..2)
SHARE = 0.3       # of their productive capital
OCCURRENCE = 1    # the event step
WARMUP = (3, 4)   # regions x sectors of the warm-up table
SERIES = ("production", "capacity", "fd_unmet")
AGREE = 1e-9      # relative to baseline production; the reference test asks 1e-6
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


def _ours_run(d, steps, backend="cpu", storage="auto", timed=True):
    from induscope.core.iomodels.ario import ARIOModel
    from induscope.core.iomodels.ario_events import CapitalRecover

    table = to_iotable(d)
    d.pop("Z", None)
    t0 = time.perf_counter()
    model = ARIOModel(table, backend=backend, storage=storage)
    init = time.perf_counter() - t0
    del table
    ev = CapitalRecover(impact=_impact(d, model.K), occurrence=OCCURRENCE, duration=1, recovery_tau=30)
    stamps, cpu = [], []

    def tick(i):
        stamps.append(time.perf_counter())
        cpu.append(time.process_time())

    t0, c0 = time.perf_counter(), time.process_time()
    res = model.run(ev, steps=steps, on_step=tick)
    return model, res, init, np.diff([t0] + stamps), np.diff([c0] + cpu)


def worker_ours(R, S, steps, out, backend="cpu", storage="auto"):
    _ours_run(make_mrio(*WARMUP, seed=SEED + 1), 3, backend, storage)             # warm-up
    d = make_mrio(R, S, seed=SEED)
    load_before = load()
    model, res, init, per_step, cpu_per_step = _ours_run(d, steps, backend, storage)
    np.savez(out, per_step=per_step, cpu_per_step=cpu_per_step, init=init, rss=_rss_gb(), x0=res.x0,
             storage=model.storage, backend=model.backend, passes=res.info["passes_over_Z"],
             load_before=load_before, load_after=load(), **{k: res.series[k] for k in SERIES})


def _boario_run(d, steps):
    import pandas as pd
    import boario.event as bev
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    io = to_pymrio(d)
    d.pop("Z", None)
    d.pop("Y", None)
    t0 = time.perf_counter()
    model = ARIOPsiModel(io)
    del io
    with tempfile.TemporaryDirectory() as tmp:
        sim = Simulation(model, n_temporal_units_to_sim=max(steps, 3), boario_output_dir=tmp)
        init = time.perf_counter() - t0
        K = pd.Series(model.productive_capital, index=model.industries)
        imp = _impact(d, K.reindex(pd.MultiIndex.from_product([d["regions"], d["sectors"]])).to_numpy())
        ev = bev.from_series(pd.Series(imp), event_type="recovery", occurrence=OCCURRENCE, duration=1,
                             recovery_tau=30, event_monetary_factor=10 ** 6)
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
    return init, np.array(per_step), np.array(cpu), series


def worker_boario(R, S, steps, out):
    import logging
    import warnings

    warnings.simplefilter("ignore")
    logging.getLogger("boario").setLevel(logging.CRITICAL)
    _boario_run(make_mrio(*WARMUP, seed=SEED + 1), 3)                               # warm-up
    d = make_mrio(R, S, seed=SEED)
    load_before = load()
    init, per_step, cpu, series = _boario_run(d, steps)
    for h in list(logging.getLogger("boario").handlers):
        logging.getLogger("boario").removeHandler(h)
    np.savez(out, per_step=per_step, cpu_per_step=cpu, init=init, rss=_rss_gb(), load_before=load_before,
             load_after=load(), **series)


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
def compare(ours, ref, k):
    """Largest |ours - ref| over the first k steps, relative to each industry's baseline production."""
    x0 = ours["x0"]
    out = {}
    for s in SERIES:
        a, b = ours[s][:k], ref[s][:k]
        out[s] = float(np.max(np.abs(a - b) / np.maximum(x0, 1e-300)[None, :]))
    return out


def _steps_doc(runs: list[dict]) -> dict:
    """Per tool: medians over rounds of the per-run step medians (event step apart), every run kept."""
    steady = [np.delete(r["per_step"], OCCURRENCE) for r in runs]
    steady_cpu = [np.delete(r["cpu_per_step"], OCCURRENCE) for r in runs]
    return {"median_step_without_event_s": summary([np.median(v) for v in steady]),
            "cpu_median_step_without_event_s": summary([np.median(v) for v in steady_cpu]),
            "event_step_s": summary([r["per_step"][OCCURRENCE] for r in runs]),
            "cpu_event_step_s": summary([r["cpu_per_step"][OCCURRENCE] for r in runs]),
            "step_0_s": summary([r["per_step"][0] for r in runs]),
            "mean_step_all_s": summary([np.mean(r["per_step"]) for r in runs]),
            "init_s": summary([float(r["init"]) for r in runs]),
            "peak_rss_gb": summary([float(r["rss"]) for r in runs]),
            "load_before_each_run": [[float(v) for v in r["load_before"]] for r in runs],
            "per_step_s_each_run": [[float(v) for v in r["per_step"]] for r in runs]}


def bench_boario(sizes, steps, timeout, repeat):
    rows = []
    for n in sizes:
        R, S = SIZES[n]
        print(f"--- {n} industries ({R} x {S}), {steps} steps, {repeat} interleaved rounds; load {load()}",
              flush=True)
        data = run_worker("data", R, S, 1, timeout)
        runs = {"boario": [], "ours": []}
        diffs = []
        for r in range(repeat):
            for kind in (("boario", "ours") if r % 2 == 0 else ("ours", "boario")):
                runs[kind].append(run_worker(kind, R, S, steps, timeout))
                x = runs[kind][-1]
                print(f"  round {r}: {kind:7s} median step {np.median(np.delete(x['per_step'], OCCURRENCE)) * 1e3:8.2f}"
                      f" ms, event step {x['per_step'][OCCURRENCE] * 1e3:8.2f} ms, init {float(x['init']):.2f} s, "
                      f"load {[round(float(v), 2) for v in x['load_before']]}", flush=True)
            diffs.append(compare(runs["ours"][-1], runs["boario"][-1], steps))
        ref, ours = _steps_doc(runs["boario"]), _steps_doc(runs["ours"])
        diff = {s: max(d[s] for d in diffs) for s in SERIES}
        med = "median_step_without_event_s"
        row = {
            "industries": n, "regions": R, "sectors": S, "final_demand_columns": R * 7,
            "density_of_Z": float(data["density"]), "steps": steps, "event_step": OCCURRENCE, "repeats": repeat,
            "storage": str(runs["ours"][0]["storage"]), "full_passes_over_Z": int(runs["ours"][0]["passes"]),
            "boario": ref, "induscope": ours, "table_only_peak_rss_gb": float(data["rss"]),
            "ratio_median_step_wall": ratio(ref[med]["median"], ours[med]["median"]),
            "ratio_median_step_cpu": ratio(ref["cpu_" + med]["median"], ours["cpu_" + med]["median"]),
            "ratio_event_step_wall": ratio(ref["event_step_s"]["median"], ours["event_step_s"]["median"]),
            "ratio_init_wall": ratio(ref["init_s"]["median"], ours["init_s"]["median"]),
            "ratio_peak_memory_boario_over_induscope": ratio(ref["peak_rss_gb"]["median"],
                                                             ours["peak_rss_gb"]["median"]),
            "max_relative_difference_every_step": diff,
            "agree": bool(max(diff.values()) <= AGREE),
        }
        print(f"  median step without the event: BoARIO {ref[med]['median'] * 1e3:.1f} ms, ours "
              f"{ours[med]['median'] * 1e3:.2f} ms -> {row['ratio_median_step_wall']:.1f}x wall, "
              f"{row['ratio_median_step_cpu']:.1f}x CPU; event step {row['ratio_event_step_wall']:.1f}x; "
              f"max relative difference over all {steps} steps {max(diff.values()):.1e}", flush=True)
        rows.append(row)
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
        print(f"--- {n}: CPU median {np.median(cpu['per_step']) * 1e3:.1f} ms/step", flush=True)
        for lib in libs:
            g = run_worker("ours", R, S, steps, timeout, backend=lib)
            diff = compare(g, cpu, steps)
            row[lib] = {"mean_per_step_s": float(np.mean(g["per_step"])),
                        "median_per_step_s": float(np.median(g["per_step"])),
                        "speedup_vs_cpu_median_step": float(np.median(cpu["per_step"]) / np.median(g["per_step"])),
                        "max_relative_difference_vs_cpu": diff,
                        "agrees_1e-9": bool(max(diff.values()) <= 1e-9)}
            print(f"    {lib}: median {np.median(g['per_step']) * 1e3:.2f} ms/step (mean "
                  f"{np.mean(g['per_step']) * 1e3:.2f}: first steps compile), max rel diff "
                  f"{max(diff.values()):.1e}", flush=True)
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
    ap.add_argument("--steps", type=int, default=31, help="steps both tools run (at least 30)")
    ap.add_argument("--npz")
    ap.add_argument("--backend", default="cpu")
    ap.add_argument("--storage", default="auto")
    ap.add_argument("--sizes", default="1960,3920,7987")
    ap.add_argument("--repeats", type=int, default=3, help="interleaved rounds per size (at least 3)")
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
        res = bench_gpu(sizes, a.steps, a.timeout)
        doc = {"benchmark": "ARIO step on GPU (induscope CPU path vs GPU paths)", "started": started,
               "machine": {**machine(("cupy", "cupy-cuda12x", "cupy-cuda13x", "torch")), "gpu": GPU_NAME[0] if GPU_NAME else None},
               "event_checks": res["event_checks"], "results": res["sizes"]}
        targets = [Path(a.out) if a.out else RESULTS / "gpu_ario.json"]
        if os.environ.get("OUT"):
            targets.append(Path(os.environ["OUT"]) / "gpu_ario.json")
    else:
        if a.steps < 30 or a.repeats < 3:
            raise SystemExit("--steps must be at least 30 and --repeats at least 3")
        load_start = load()
        rows = bench_boario(sizes, a.steps, a.timeout, a.repeats)
        doc = {"benchmark": "ARIO per-step time and peak memory, induscope vs BoARIO 0.7.2",
               "started": started, "load_at_start": load_start, "load_at_end": load(),
               "machine": machine(("pymrio", "boario")),
               "scenario": f"CapitalRecover: {SHARE:.0%} of the productive capital of {HIT} industries of region 0 "
                           f"at step {OCCURRENCE}, duration 1, linear recovery over 30 steps; default parameters",
               "notes": ["both tools run the same steps; each run: a fresh process, a warm-up on a small table "
                         "with the same event, then the timed run; rounds interleaved (order alternating)",
                         "ratio_median_step_*: BoARIO's / ours, each the median over rounds of the run's median "
                         "step time without the event step; the event step and init are reported apart",
                         "per-step times are wall-clock (perf_counter) and CPU (process_time, all threads) on a "
                         "shared machine (2 cores, other jobs running): read them with the load averages",
                         "storage 'auto' picks CSR below 25 % non-zeros",
                         "peak memory = ru_maxrss of each tool's own process (table generation included, see "
                         "table_only_peak_rss_gb)",
                         "max_relative_difference_every_step: max over every step, industry and round of "
                         "|ours - BoARIO| / baseline production of the industry"],
               "results": rows}
        targets = [Path(a.out) if a.out else RESULTS / "ario.json"]
    for r in doc["results"]:
        r["run_started"] = started
    if a.merge and targets[0].exists():
        old = json.loads(targets[0].read_text())
        done = {r["industries"] for r in doc["results"]}
        kept = [r for r in old.get("results", []) if r["industries"] not in done]
        doc["results"] = sorted(kept + doc["results"], key=lambda r: r["industries"])
    for path in targets:
        print(f"wrote {write_json(doc, path)}")
    if not a.gpu and not all(r["agree"] for r in doc["results"]):
        sys.exit(1)


if __name__ == "__main__":
    main()
