"""A one-row write on a ~1 GB workspace: the old copy-and-rename writer against the in-place writer.

The old writer is the real code of an earlier commit (``store/workspace.py`` as of the last commit
that still copies the file, found with git), loaded as a module beside the current one; both write
the same kind of row (one ``datasets`` row) into the same workspace file, interleaved, after one
warm-up write each. Wall and CPU time (this process: user + system, which includes the kernel's
copy) are reported as medians of ``--repeat`` runs, with the load average before and after.

The ~1 GB workspace is built in a temporary folder (a filler table of random doubles beside the
real schema) and deleted afterwards.

    python bench/bench_store.py [--size-gb 1.0] [--repeat 3]
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchutil import RESULTS, load, machine, ratio, summary, write_json  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
MODULE = "src/induscope/store/workspace.py"


def old_workspace_class() -> tuple[type, str]:
    """The Workspace class of the newest commit whose writer still copies the file (and its commit)."""
    commits = subprocess.run(["git", "log", "--format=%H", "--", MODULE], cwd=REPO, capture_output=True,
                             text=True, check=True).stdout.split()
    for commit in commits:
        src = subprocess.run(["git", "show", f"{commit}:{MODULE}"], cwd=REPO, capture_output=True, text=True,
                             check=True).stdout
        if "shutil.copy2" in src:
            mod = types.ModuleType("induscope.store._workspace_copy_rename")
            mod.__package__ = "induscope.store"  # its relative imports resolve against today's package
            exec(compile(src, f"{commit[:10]}:{MODULE}", "exec"), mod.__dict__)
            return mod.Workspace, commit
    raise SystemExit("no commit with the copy-and-rename writer found in git history")


def build(home: Path, size_gb: float) -> dict:
    """A workspace with the current schema and a filler table of about ``size_gb`` GB."""
    import duckdb

    from induscope.store import Workspace

    Workspace(home).ensure()
    t0 = time.perf_counter()
    con = duckdb.connect(str(home / "workspace.duckdb"))
    con.execute("SET enable_progress_bar = false")
    # random doubles hardly compress: ~57 bytes a row of eight on disk
    rows = int(size_gb * 1e9 / 57)
    cols = ", ".join(f"random() AS c{k}" for k in range(8))
    con.execute(f"CREATE TABLE bench_filler AS SELECT {cols} FROM range({rows})")
    con.execute("CHECKPOINT")
    con.close()
    size = (home / "workspace.duckdb").stat().st_size
    return {"filler_rows": rows, "bytes": size, "build_s": round(time.perf_counter() - t0, 1)}


def one_row_write(ws, k: int, label: str) -> tuple[float, float]:
    w0, c0 = time.perf_counter(), time.process_time()
    with ws.writer() as con:
        con.execute("INSERT INTO datasets (dataset_id, kind, name) VALUES (?, 'series', ?)",
                    [f"bench_{label}_{k}", f"one-row write {k}"])
    return time.perf_counter() - w0, time.process_time() - c0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size-gb", type=float, default=1.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    from induscope.store import Workspace

    Old, commit = old_workspace_class()
    load_start = load()
    tmp = Path(tempfile.mkdtemp(prefix="induscope-bench-store-"))
    try:
        home = tmp / "ws"
        built = build(home, args.size_gb)
        print(f"workspace: {built['bytes'] / 1e9:.2f} GB ({built['filler_rows']:,} filler rows, "
              f"built in {built['build_s']} s)")
        old, new = Old(home), Workspace(home)
        one_row_write(old, -1, "old")  # warm-up, each side
        one_row_write(new, -1, "new")
        times: dict[str, list[tuple[float, float]]] = {"copy_rename": [], "in_place": []}
        for k in range(args.repeat):  # interleaved
            times["copy_rename"].append(one_row_write(old, k, "old"))
            times["in_place"].append(one_row_write(new, k, "new"))
            print(f"run {k + 1}: copy+rename {times['copy_rename'][-1][0]:.3f} s, "
                  f"in place {times['in_place'][-1][0]:.4f} s")
        size_after = (home / "workspace.duckdb").stat().st_size
        rows = new.query("SELECT count(*) AS n FROM datasets WHERE dataset_id LIKE 'bench_%'")["n"][0]
        assert rows == 2 * (args.repeat + 1), rows  # every write of both writers landed
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    res = {side: {"wall_s": summary([w for w, _ in t]), "cpu_s": summary([c for _, c in t])}
           for side, t in times.items()}
    doc = {
        "benchmark": "one-row write (one datasets row, one transaction) on a ~1 GB workspace",
        "workspace_bytes": built["bytes"], "workspace_bytes_after": size_after, "filler_rows": built["filler_rows"],
        "repeat": args.repeat, "order": "interleaved, after one warm-up write per side",
        "before": {"scheme": "copy the file, write, commit, checkpoint, fsync, rename (store/workspace.py "
                             f"at {commit[:10]})", **res["copy_rename"]},
        "after": {"scheme": "in place: BEGIN ... COMMIT on the file (DuckDB WAL), checkpoint on close",
                  **res["in_place"]},
        "speedup_wall_median": ratio(res["copy_rename"]["wall_s"]["median"], res["in_place"]["wall_s"]["median"]),
        "speedup_cpu_median": ratio(res["copy_rename"]["cpu_s"]["median"], res["in_place"]["cpu_s"]["median"]),
        "load_average_start": load_start, "load_average_end": load(),
        "machine": machine(("duckdb",)),
    }
    path = write_json(doc, RESULTS / "store.json")
    print(f"one-row write, median wall: copy+rename {res['copy_rename']['wall_s']['median']:.3f} s, "
          f"in place {res['in_place']['wall_s']['median']:.4f} s "
          f"({doc['speedup_wall_median']:.0f}x); CPU {res['copy_rename']['cpu_s']['median']:.3f} s vs "
          f"{res['in_place']['cpu_s']['median']:.4f} s -> {path.relative_to(REPO)}")


if __name__ == "__main__":
    main()
