"""The quick benchmarks (`make bench`): every benchmark at a small size, in one go, in minutes.

Each runs as its own process, as its full run does, with the same method (warm-up, interleaved
repeats, medians, load recorded) and the same agreement checks, on smaller inputs; results go to
bench/results/quick/ so that the full runs' files (bench/results/*.json, quoted in the README) are
never overwritten by a quick one. A benchmark whose peer is not installed (R for fastcascade) says so
and is counted as skipped. The full runs are each script's defaults (see their docstrings).

    python bench/run_all.py                  # all quick benchmarks
    python bench/run_all.py --only static,ario
    python bench/run_all.py --list
Exit status: 0 when every benchmark that ran succeeded (its results agree with the peer), else 1.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _benchutil import RESULTS, load  # noqa: E402

QUICK = RESULTS / "quick"

#: name -> (script, quick arguments); "{out}" is replaced by the quick result file
BENCHES: dict[str, tuple[str, list[str]]] = {
    "static": ("bench_static.py", ["--size", "1960", "--repeats", "3", "--out", "{out}"]),
    "ario": ("bench_ario.py", ["--sizes", "1960", "--steps", "31", "--repeats", "3", "--out", "{out}"]),
    "esri": ("bench_esri.py", ["--network", "published", "--market", "--sizes", "10000", "--samples", "100",
                               "--all-samples", "200", "--budget", "30", "--out", "{out}"]),
    "esri_fastcascade": ("bench_esri_fastcascade.py", ["--cases", "published_2000", "--repeats", "3",
                                                       "--out", "{out}"]),
    # benchmarks of other parts, at their own quick sizes (run only when the script takes --out)
    "sme": ("bench_sme.py", ["--n", "2000", "--repeats", "3", "--out", "{out}"]),
    "store": ("bench_store.py", ["--size-gb", "0.1", "--repeat", "3", "--out", "{out}"]),
    "alerts": ("bench_alerts.py", ["--clean", "40", "--drops", "80", "--out", "{out}"]),
    "chains": ("bench_chains.py", ["--repeat", "3", "--out", "{out}"]),
    "api": ("bench_api.py", ["--quick", "--out", "{out}"]),
}


def runnable(script: Path, args: list[str]) -> str | None:
    """None when the script exists and takes every quick option, else why it is left out."""
    if not script.exists():
        return "no such script yet"
    src = script.read_text(encoding="utf-8")
    missing = [a for a in args if a.startswith("--") and f'"{a}"' not in src]
    return f"it takes no {', '.join(missing)}" if missing else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="comma-separated names (default: all)")
    ap.add_argument("--list", action="store_true", help="list the quick benchmarks and exit")
    ap.add_argument("--timeout", type=float, default=900, help="seconds per benchmark")
    a = ap.parse_args()
    names = list(BENCHES) if not a.only else [n.strip() for n in a.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        raise SystemExit(f"unknown benchmark(s) {unknown}; choose from {sorted(BENCHES)}")
    if a.list:
        for n in names:
            script, args = BENCHES[n]
            print(f"{n:18s} python bench/{script} {' '.join(args).replace('{out}', str(QUICK / (n + '.json')))}")
        return
    QUICK.mkdir(parents=True, exist_ok=True)
    summary = []
    for n in names:
        script, args = BENCHES[n]
        why = runnable(HERE / script, args)
        if why:
            summary.append((n, "left out", 0.0, why))
            continue
        out = QUICK / f"{n}.json"
        cmd = [sys.executable, str(HERE / script)] + [x.replace("{out}", str(out)) for x in args]
        print(f"=== {n}: {' '.join(cmd[1:])}  (load {load()})", flush=True)
        t0 = time.perf_counter()
        try:
            p = subprocess.run(cmd, capture_output=True, text=True, timeout=a.timeout)
            text = p.stdout + p.stderr
            status = "ok" if p.returncode == 0 else f"FAILED ({p.returncode})"
            if p.returncode == 0 and "SKIPPED" in p.stdout:
                status = "skipped"
        except subprocess.TimeoutExpired as e:
            text, status = str(e.stdout or ""), f"FAILED (over {a.timeout:.0f} s)"
        secs = time.perf_counter() - t0
        tail = [ln for ln in text.splitlines() if ln.strip()][-4:]
        print("\n".join("    " + ln for ln in tail), flush=True)
        summary.append((n, status, secs, str(out.relative_to(HERE.parent)) if out.exists() else ""))
    print(f"\nquick benchmarks (load at the end {load()}; the machine may be shared: see each JSON's loads)")
    for n, status, secs, note in summary:
        print(f"  {n:18s} {status:14s} {secs:7.1f} s  {note}")
    sys.exit(1 if any(s.startswith("FAILED") for _, s, _, _ in summary) else 0)


if __name__ == "__main__":
    main()
