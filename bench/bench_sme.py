"""SME tier evaluation at batch size: 10,000 SYNTHETIC applicants, every tier, one rule set per run.

There is no peer implementation to compare with (the official platform is not public), so this
reports absolute times, split into the stages a user waits for: reading the CSV (validation with
located errors), evaluating all tiers (vectorised core), building the one-row-per-firm-and-tier
table (reasons and missing-value text) and writing it. Each stage is timed ``--repeats`` times
(median reported, with every run and the load average: the machine is shared).

    python bench/bench_sme.py                 # 10,000 enterprises, rule sets 2022-63 and 2026-2
    python bench/bench_sme.py --n 2000        # quicker
Writes bench/results/sme.json (or --out).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from _benchutil import RESULTS, load, machine, summary, write_json  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--out", type=Path, default=RESULTS / "sme.json")
    args = ap.parse_args()

    from induscope._files import write_csv
    from induscope.demo.sme import synthetic_applicants
    from induscope.readers.sme import read_sme_batch
    from induscope.services.sme import OUT_COLUMNS, evaluate_frame

    doc: dict = {"benchmark": "sme tier evaluation", "enterprises": args.n, "machine": machine(),
                 "load_before": load(), "synthetic": True, "stages": {}}
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "batch.csv"
        synthetic_applicants(args.n, seed=7).to_csv(src, index=False)
        doc["file_mib"] = round(src.stat().st_size / 2 ** 20, 2)
        read_t = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            frame, _ = read_sme_batch(src)
            read_t.append(time.perf_counter() - t0)
        doc["stages"]["read_and_validate_csv_s"] = summary(read_t)
        for date in ("2025-06-30", "2026-06-30"):
            ev, table, write = [], [], []
            for _ in range(args.repeats):
                t0 = time.perf_counter()
                res = evaluate_frame(frame, date=date)
                t1 = time.perf_counter()
                out = res.to_frame()[OUT_COLUMNS]
                t2 = time.perf_counter()
                write_csv(out, Path(tmp) / "out.csv", index=False)
                t3 = time.perf_counter()
                ev.append(t1 - t0)
                table.append(t2 - t1)
                write.append(t3 - t2)
            rs = res.ruleset["id"]
            doc["stages"][rs] = {"evaluate_all_tiers_s": summary(ev), "result_table_s": summary(table),
                                 "write_csv_s": summary(write), "rows": len(out), "results": res.counts(),
                                 "end_to_end_median_s": float(sorted(read_t)[len(read_t) // 2] + sorted(ev)[len(ev) // 2]
                                                              + sorted(table)[len(table) // 2]
                                                              + sorted(write)[len(write) // 2])}
            print(f"{rs}: {args.n} enterprises, evaluate {summary(ev)['median']:.3f} s, table "
                  f"{summary(table)['median']:.3f} s, write {summary(write)['median']:.3f} s")
    print(f"read+validate {summary(read_t)['median']:.3f} s")
    doc["load_after"] = load()
    write_json(doc, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
