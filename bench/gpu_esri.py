"""GPU ESRI benchmark: the batched engine (CuPy) on directed power-law networks.

Same networks as `bench_esri.py --network chung-lu` (Chung-Lu, exponent 2.5, mean out-degree 8,
616 IHS industries, eps 0.01), replaceability off: the hard case. For each size: the GPU result of a random sample of firms is checked against the CPU
engine (max abs difference, equal iteration counts), then all firms run on the GPU in pieces
until the time budget is spent (the rest is extrapolated and flagged), then a batch of random
partial-loss scenarios. Without CuPy or a device everything runs on the CPU (numba/numpy batched
engine) on a small network, and the JSON says so. Usage:

    PYTHONPATH=src python bench/gpu_esri.py [--sizes 100000,250000] [--width 1024] [--budget 150]
        [--ess ../shared/data/esri/ess_mat_n4_ihs.csv] [--out bench/results/esri_gpu.json]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from induscope.core.network.batch import BatchEngine, gpu_available  # noqa: E402
from induscope.core.network.esri import GLCascade, run_scenario  # noqa: E402
from induscope.core.network.network import Essentiality, SupplyNetwork  # noqa: E402
from induscope.core.network.synthetic import power_law_network  # noqa: E402


def load_ess(path: str | None) -> tuple[Essentiality, str]:
    for p in [path, ROOT / ".." / "shared" / "data" / "esri" / "ess_mat_n4_ihs.csv",
              ROOT / ".devdata" / "ess_mat_n4_ihs.csv"]:
        if p and Path(p).exists():
            df = pd.read_csv(p, dtype=str, keep_default_na=False)
            return Essentiality.from_frame(df, source=Path(p).name), str(Path(p).name)
    raise SystemExit("ess_mat_n4_ihs.csv not found: pass --ess")


def sync() -> None:
    try:
        import cupy

        cupy.cuda.Device().synchronize()
    except Exception:
        pass


def run_size(n: int, ess: Essentiality, width: int, budget: float, check: int, scenarios: int) -> dict:
    out: dict = {"firms": n}
    t = time.perf_counter()
    firms, links = power_law_network(n, ess.codes, mean_out_degree=8.0, exponent=2.5, seed=0)
    net = SupplyNetwork.from_frames(firms, links)
    model = GLCascade(net, ess, eps=0.01)  # CPU engine (numba when installed) for the checks
    k = model.kernel
    out.update(links=net.m, build_s=time.perf_counter() - t, cpu_engine=model.engine)
    eng = BatchEngine(k, "gpu", width=width)
    out["batch_backend"] = eng.backend.name
    if eng.backend.fallback:
        out["fallback"] = eng.backend.fallback
    t = time.perf_counter()
    eng.esri(k.pos[np.arange(min(n, 8))])  # warm-up (kernels, cuSPARSE handles)
    sync()
    out["warmup_s"] = time.perf_counter() - t

    # correctness: GPU vs CPU on a sample
    rng = np.random.default_rng(2024)
    sample = np.sort(rng.choice(n, size=min(check, n), replace=False))
    t = time.perf_counter()
    cpu = model.esri(net.firms[sample])
    cpu_s = time.perf_counter() - t
    t = time.perf_counter()
    gpu = eng.esri(k.pos[sample])
    sync()
    gpu_s = time.perf_counter() - t
    out["check"] = {"sample": len(sample), "cpu_s": cpu_s, "batch_s": gpu_s,
                    "max_abs_diff_esri": float(np.abs(gpu[:, 0] - cpu.esri).max()),
                    "max_abs_diff_esri_down": float(np.abs(gpu[:, 1] - cpu.esri_down).max()),
                    "max_abs_diff_esri_up": float(np.abs(gpu[:, 2] - cpu.esri_up).max()),
                    "iterations_equal": bool((gpu[:, 3] == cpu.iterations).all())}
    print(json.dumps(out["check"]), flush=True)

    # all firms, in pieces, within the budget
    order = np.random.default_rng(7).permutation(n)  # random pieces: representative timing
    piece = max(width * 8, 10_000)
    done, spent, iters = 0, 0.0, []
    t0 = time.perf_counter()
    while done < n and spent < budget:
        part = order[done:done + piece]
        r = eng.esri(k.pos[part])
        sync()
        iters.append(r[:, 3])
        done += len(part)
        spent = time.perf_counter() - t0
        print(f"  {done}/{n} firms in {spent:.1f} s", flush=True)
    it = np.concatenate(iters)
    out["all_firms"] = {"width": eng.width, "firms_run": done, "seconds": spent,
                        "per_firm_ms": spent / done * 1e3, "iterations_mean": float(it.mean()),
                        "iterations_max": int(it.max())}
    if done < n:
        out["all_firms"].update({"measured": False, "wall_s_estimate": spent / done * n,
                                 "note": f"extrapolated from {done} random firms ({budget:.0f} s budget)"})
    else:
        out["all_firms"].update({"measured": True, "wall_s": spent})

    # a batch of partial-loss scenarios (1% of firms lose 50%), checked against the CPU engine
    if scenarios:
        jobs = []
        for s in range(scenarios):
            idx = np.sort(np.random.default_rng(100 + s).choice(n, size=max(1, n // 100), replace=False))
            jobs.append((k.pos[idx], np.full(len(idx), 0.5)))
        t = time.perf_counter()
        r = eng.run(jobs)
        sync()
        sec = time.perf_counter() - t
        diffs, same = [], []
        for s in range(min(3, scenarios)):
            pos, val = jobs[s]
            c = run_scenario(k, k.perm[pos], val)
            diffs.append(abs(c.losses()[0] - r["esri"][s]))
            same.append(c.iterations == r["iterations"][s])
        out["scenarios"] = {"count": scenarios, "seconds": sec, "per_scenario_ms": sec / scenarios * 1e3,
                            "iterations_mean": float(r["iterations"].mean()),
                            "checked": len(diffs), "max_abs_diff_loss": float(max(diffs)),
                            "iterations_equal": bool(all(same))}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default=None)
    ap.add_argument("--width", type=int, default=1024)
    ap.add_argument("--budget", type=float, default=150.0, help="seconds of all-firm GPU work per size")
    ap.add_argument("--check", type=int, default=48)
    ap.add_argument("--scenarios", type=int, default=256)
    ap.add_argument("--ess", default=None)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "esri_gpu.json"))
    args = ap.parse_args()
    ok, device = gpu_available()
    sizes = args.sizes or ("100000,250000" if ok else "5000")
    width = args.width if ok else min(args.width, 16)
    ess, ess_name = load_ess(args.ess)
    report = {"benchmark": "ESRI on the GPU: batched dense engine (continuous batching), CuPy",
              "network": "Chung-Lu directed power law, exponent 2.5, mean out-degree 8, 616 IHS industries, seed 0",
              "essentiality": ess_name, "eps": 0.01, "gpu": device if ok else None,
              "gpu_available": ok, "python": platform.python_version(), "numpy": np.__version__,
              "cpu_cores": os.cpu_count(), "sizes": []}
    if not ok:
        report["fallback"] = f"no GPU ({device}): the batched engine ran on the CPU, small network only"
    try:
        import cupy

        report["cupy"] = cupy.__version__
    except Exception:
        pass
    for n in [int(s) for s in sizes.split(",")]:
        print(f"--- {n} firms", flush=True)
        r = run_size(n, ess, width, args.budget, args.check, args.scenarios if ok else 16)
        print(json.dumps(r, indent=1), flush=True)
        report["sizes"].append(r)
    text = json.dumps(report, indent=2)
    for dest in [args.out] + ([os.path.join(os.environ["OUT"], "esri_gpu.json")] if os.environ.get("OUT") else []):
        try:
            Path(dest).parent.mkdir(parents=True, exist_ok=True)
            Path(dest).write_text(text)
            print("wrote", dest)
        except OSError as e:
            print("could not write", dest, e)


if __name__ == "__main__":
    main()
