"""What every benchmark here shares: the machine's description, the load, medians, writing results.

The benchmarks run as scripts (``python bench/bench_x.py``), so this module is imported by its bare
name from the script's folder. It reads no environment switch of its own.
"""
from __future__ import annotations

import json
import os
import platform
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def load() -> list[float]:
    """The 1-, 5- and 15-minute load averages (the machine is shared: every time is read with them)."""
    return [round(v, 2) for v in os.getloadavg()] if hasattr(os, "getloadavg") else []


def machine(packages: tuple[str, ...] = ()) -> dict:
    """Python, platform, CPU, cores, RAM, BLAS and the versions of ``packages`` that are installed."""
    import importlib.metadata as md

    info: dict = {"python": platform.python_version(), "platform": platform.platform(),
                  "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu"] = next(ln.split(":", 1)[1].strip() for ln in f if ln.startswith("model name"))
        with open("/proc/meminfo") as f:
            info["ram_gib"] = round(int(f.readline().split()[1]) / 2 ** 20, 1)
    except (OSError, StopIteration):
        info["cpu"] = platform.processor()
    for pkg in ("numpy", "scipy", "pandas", "numba", *packages):
        try:
            info[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            pass
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        info["blas"] = f"{blas.get('name')} {blas.get('version')}"
    except Exception:  # noqa: BLE001 - older numpy has no dict mode
        pass
    return info


def summary(values) -> dict:
    """Median (the headline), min, max and every value, so that a disturbed run shows."""
    v = np.asarray(values, dtype=float)
    return {"median": float(np.median(v)), "min": float(v.min()), "max": float(v.max()),
            "runs": [float(x) for x in v]}


def ratio(peer: float, ours: float) -> float:
    """peer / ours: how many times less time ours takes (above 1: ours is faster)."""
    return float(peer / ours) if ours > 0 else float("inf")


def write_json(doc: dict, path: Path) -> Path:
    """Write ``doc`` to ``path`` through a temporary name, so a crash leaves the old file intact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.setdefault("written", time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(doc, indent=2) + "\n")
    tmp.replace(path)
    return path


# ---- a server on a private copy of a workspace (bench_api, bench_dashboard, docs/screenshots.py) ---------
def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def copy_workspace(source: Path, home: Path) -> Path:
    """Copy a workspace's database *and* its write-ahead log (a running server's latest commits may
    still be in ``workspace.duckdb.wal``) into a new folder ``home``."""
    import shutil

    home.mkdir(parents=True)
    for name in ("workspace.duckdb", "workspace.duckdb.wal"):
        if (Path(source) / name).exists():
            shutil.copy2(Path(source) / name, home / name)
    return home


def private_workspace(source: Path | None, home: Path):
    """A workspace of the benchmark's own in ``home``: a copy of ``source``, or the demo built there."""
    from induscope.services.demo import build_demo_workspace
    from induscope.store import Workspace

    if source is not None:
        copy_workspace(Path(source), home)
        return Workspace(home)
    ws = Workspace(home)
    build_demo_workspace(ws)
    return ws


def wait_up(base: str, timeout: float = 120) -> None:
    """Wait until ``base``'s health route answers 200."""
    import urllib.request

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not come up")


def stop_server(proc) -> None:
    """Stop a server started with ``start_new_session=True`` (its whole process group), politely first."""
    import signal
    import subprocess

    if proc is None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
