"""The Leontief inverse and the static set on a GPU (CuPy or PyTorch) against our CPU path.

Same synthetic table as bench/bench_static.py (fixed seed). Runs, in one process:
  cpu        StaticModel(full_inverse=True, backend="cpu"): L by block recursion on the CPU
  cpu (LU)   StaticModel(backend="cpu"): L kept as LU factors (the default)
  gpu:<lib>  StaticModel(full_inverse=True, backend="gpu") for every GPU library that sees a device
             (CuPy first, then PyTorch; "auto" picks the first), float64 throughout
and checks that L, the multipliers and the linkages agree with the CPU path to 1e-9 (relative to
each quantity's largest entry). Without a GPU it says so, runs the CPU paths and exits 0.

    python bench/gpu_static.py                 # n = 7,987
    python bench/gpu_static.py --size 1960
Writes bench/results/gpu_static.json (and $OUT/gpu_static.json when OUT is set).
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from bench_static import CATEGORIES, SIZES, STRESSORS, _labels, make_table  # noqa: E402

TOL = 1e-9


def build(R: int, S: int):
    from induscope.core.iomodels import Extension, IOTable

    d = make_table(R, S)
    regions, sectors = _labels(R, S)
    x = d["Z"].sum(axis=1) + d["Y"].sum(axis=1)
    V = (x - d["Z"].sum(axis=0))[None, :]
    return IOTable(Z=d["Z"], Y=d["Y"], x=x, V=V, sectors=tuple(sectors), regions=tuple(regions),
                   final_demand_regions=tuple(np.repeat(regions, CATEGORIES)),
                   extensions=(Extension("emissions", d["F"], tuple(f"s{k}" for k in range(STRESSORS))),))


def run_static(table, backend: str, full_inverse: bool, force_lib: str | None = None) -> tuple[dict, object]:
    from induscope.core.iomodels import StaticModel
    from induscope.core.iomodels import backend as bk

    if force_lib is not None:  # pin the library ("auto"/"gpu" would take CuPy first)
        bk.gpu_library.cache_clear()
        saved = bk.gpu_library
        bk.gpu_library = lambda: force_lib  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        res = StaticModel(table, backend=backend, full_inverse=full_inverse).run()
        secs = time.perf_counter() - t0
    finally:
        if force_lib is not None:
            bk.gpu_library = saved  # type: ignore[assignment]
    return {"seconds": secs, "backend": res.backend, "full_inverse": full_inverse}, res


def rel(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(np.abs(a - b).max() / max(np.abs(b).max(), 1e-300))


def compare(res, ref) -> dict:
    errs = {"output_multiplier": rel(res.output_multiplier, ref.output_multiplier),
            "value_added_multiplier": rel(res.value_added_multiplier, ref.value_added_multiplier),
            "forward_linkage": rel(res.forward_linkage, ref.forward_linkage),
            "extension_multipliers": rel(res.extensions[0].M, ref.extensions[0].M)}
    if res.L is not None and ref.L is not None:
        errs["L"] = rel(res.L, ref.L)
    errs["key_classes_identical"] = float(not np.array_equal(res.key_class, ref.key_class))
    return errs


def gpu_libraries() -> list[str]:
    libs = []
    try:
        cp = importlib.import_module("cupy")
        if cp.cuda.runtime.getDeviceCount() > 0:
            libs.append("cupy")
    except Exception:
        pass
    try:
        torch = importlib.import_module("torch")
        if torch.cuda.is_available():
            libs.append("torch")
    except Exception:
        pass
    return libs


def device_name(lib: str) -> str:
    try:
        if lib == "cupy":
            cp = importlib.import_module("cupy")
            return cp.cuda.runtime.getDeviceProperties(0)["name"].decode()
        torch = importlib.import_module("torch")
        return torch.cuda.get_device_name(0)
    except Exception as e:  # informational only
        return f"unknown ({e})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--size", type=int, default=7987, choices=sorted(SIZES))
    a = ap.parse_args()
    R, S = SIZES[a.size]
    n = R * S
    t0 = time.perf_counter()
    table = build(R, S)
    print(f"n = {n}: table built in {time.perf_counter() - t0:.1f} s", flush=True)
    out: dict = {"benchmark": "Leontief inverse / static set: GPU against CPU", "n": n,
                 "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(),
                             "numpy": np.__version__, "platform": platform.platform()},
                 "date": time.strftime("%Y-%m-%d %H:%M:%S"), "runs": {}}
    cpu, ref = run_static(table, "cpu", True)
    print(f"cpu, L formed: {cpu['seconds']:.2f} s", flush=True)
    out["runs"]["cpu_L_formed"] = cpu
    lu, res_lu = run_static(table, "cpu", False)
    lu["relative_errors_vs_cpu"] = compare(res_lu, ref)
    print(f"cpu, L as LU factors: {lu['seconds']:.2f} s", flush=True)
    out["runs"]["cpu_L_as_lu"] = lu
    libs = gpu_libraries()
    out["gpu_libraries"] = libs
    if not libs:
        print("no GPU: neither CuPy nor PyTorch sees a CUDA device; the CPU paths ran, nothing to compare",
              flush=True)
        out["note"] = "no GPU found; CPU paths only"
    worst = max(v for k, v in lu["relative_errors_vs_cpu"].items())
    for lib in libs:
        out.setdefault("device", device_name(lib))
        first, _ = run_static(table, "gpu", True, force_lib=lib)      # includes context start-up
        warm, res = run_static(table, "gpu", True, force_lib=lib)
        warm["first_call_seconds"] = first["seconds"]
        warm["relative_errors_vs_cpu"] = errs = compare(res, ref)
        warm["speedup_vs_cpu_L_formed"] = cpu["seconds"] / warm["seconds"]
        worst = max(worst, max(errs.values()))
        out["runs"][f"gpu_{lib}"] = warm
        print(f"gpu ({lib}), L formed: {warm['seconds']:.2f} s (first call {first['seconds']:.2f} s), "
              f"{warm['speedup_vs_cpu_L_formed']:.1f}x the CPU; max relative difference "
              f"{max(errs.values()):.2e}", flush=True)
    out["max_relative_error"] = worst
    out["agree_to"] = TOL
    out["agree"] = bool(worst <= TOL)
    text = json.dumps(out, indent=2) + "\n"
    dest = HERE / "results" / "gpu_static.json"
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(text)
    if os.environ.get("OUT"):
        Path(os.environ["OUT"]).mkdir(parents=True, exist_ok=True)
        (Path(os.environ["OUT"]) / "gpu_static.json").write_text(text)
    print(f"{'agree' if out['agree'] else 'DISAGREE'} to {TOL:g}; wrote {dest}")
    sys.exit(0 if out["agree"] else 1)


if __name__ == "__main__":
    main()
