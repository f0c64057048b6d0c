"""The README's benchmark tables, written from the measured JSON in bench/results/ only.

    python bench/report.py          # prints Markdown; paste it into README.md's "Benchmarks" section

Side-by-side rows give medians and the ratio peer / ours (wall-clock and CPU time) with the load
averages seen during the runs; published peer figures from other machines get a table of their own
with no ratio. A result file that is missing is left out with a note, never filled in.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _benchutil import RESULTS  # noqa: E402


def _read(name: str) -> dict | None:
    path = RESULTS / name
    return json.loads(path.read_text()) if path.exists() else None


def _s(v: float) -> str:
    """Seconds with 3 significant digits, in ms below 1 s."""
    if v >= 3600:
        return f"{v / 3600:.1f} h"
    if v >= 600:
        return f"{v / 60:.0f} min"
    return f"{v * 1e3:.3g} ms" if v < 1 else f"{v:.3g} s"


def _loads(values) -> str:
    v = [float(x) for x in values]
    return f"{min(v):.1f}-{max(v):.1f}"


def static_rows(doc: dict) -> list[str]:
    r = doc["rows"]
    p, f, lu = r["pymrio"], r["ours_L_formed"], r["ours_L_as_lu_different_work"]
    loads = _loads(p["load_1min_before_each_run"] + f["load_1min_before_each_run"])
    n = f"{doc['n']:,}"
    return [
        f"| static set, n = {n}: **L formed + footprint accounts** (like for like) | pymrio `calc_all` "
        f"{_s(p['wall_s']['median'])} (CPU {_s(p['cpu_s']['median'])}), {p['peak_rss_gib']['median']:.2f} GiB | "
        f"{_s(f['wall_s']['median'])} (CPU {_s(f['cpu_s']['median'])}; accounts {_s(f['accounts_wall_s']['median'])}), "
        f"{f['peak_rss_gib']['median']:.2f} GiB | {f['ratio_wall_pymrio_over_ours_like_for_like']:.2f}x / "
        f"{f['ratio_cpu_pymrio_over_ours_like_for_like']:.2f}x | {loads} |",
        f"| static set, n = {n}: L kept as LU factors + accounts (*different work*: L never formed) | "
        f"same runs | {_s(lu['wall_s']['median'])} (CPU {_s(lu['cpu_s']['median'])}), "
        f"{lu['peak_rss_gib']['median']:.2f} GiB | {lu['ratio_wall_pymrio_over_ours_not_like_for_like']:.2f}x / "
        f"{lu['ratio_cpu_pymrio_over_ours_not_like_for_like']:.2f}x (not like for like) | "
        f"{_loads(lu['load_1min_before_each_run'])} |",
    ]


def ario_rows(doc: dict) -> list[str]:
    rows = []
    for r in doc["results"]:
        b, o = r["boario"], r["induscope"]
        loads = _loads([x[0] for x in b["load_before_each_run"] + o["load_before_each_run"]])
        rows.append(
            f"| ARIO, {r['industries']:,} industries, {r['steps']} steps: median step without the event | BoARIO "
            f"{_s(b['median_step_without_event_s']['median'])} (CPU {_s(b['cpu_median_step_without_event_s']['median'])}) "
            f"| {_s(o['median_step_without_event_s']['median'])} (CPU {_s(o['cpu_median_step_without_event_s']['median'])}) "
            f"| {r['ratio_median_step_wall']:.0f}x / {r['ratio_median_step_cpu']:.0f}x | {loads} |")
        rows.append(
            f"| ARIO, {r['industries']:,} industries: the event step (apart) / model set-up | BoARIO "
            f"{_s(b['event_step_s']['median'])} / {_s(b['init_s']['median'])} | {_s(o['event_step_s']['median'])} / "
            f"{_s(o['init_s']['median'])} | {r['ratio_event_step_wall']:.0f}x / {r['ratio_init_wall']:.1f}x (wall) | "
            f"{loads} |")
    return rows


def esri_rows(doc: dict) -> list[str]:
    rows = []
    for r in doc["results"]:
        f, o = r["fastcascade"], r["induscope"]
        what = ("IHS fixture (1,232 firms, all long cascades)" if r["case"] == "ihs_fixture"
                else f"published benchmark network, {r['firms']:,} firms")
        loads = _loads([x[0] for x in f["load_before_each_run"] + o["load_before_each_run"]])
        rows.append(
            f"| ESRI, {what}, {r['closed']} firms closed, replaceability {'on' if r['replaceability'] else 'off'}; "
            f"same scores (max diff {r['max_abs_esri_difference']:.0e}) | fastcascade {_s(f['wall_s']['median'])} "
            f"(CPU {_s(f['cpu_s']['median'])}) | {_s(o['wall_s']['median'])} (CPU {_s(o['cpu_s']['median'])}) | "
            f"{r['ratio_wall_fastcascade_over_ours']:.0f}x / {r['ratio_cpu_fastcascade_over_ours']:.0f}x | {loads} |")
    return rows


def published_rows(doc: dict) -> list[str]:
    pub = doc["published"]["per_firm_ms"]
    jl, fc = pub["ESRIcascade.jl (Julia)"], pub["fastcascade (R/C++)"]
    ours = {str(s["firms"]): s["all_firms_one_core"]["per_firm_as_published_ms"] for s in doc["sizes"]}
    fx = doc.get("ihs_fixture")
    rows = [f"| ESRI per firm as published (all firms on one core / firms), published setting, 10k / 100k firms | "
            f"ESRIcascade.jl {jl['10000']:.3g} / {jl['100000']:.4g} ms; fastcascade {fc['10000']:.4g} / "
            f"{fc['100000']:,.0f} ms | {ours['10000']:.2g} / {ours['100000']:.2g} ms |"]
    if fx:
        p = doc["published"]["ihs_fixture_16_closures_median_s"]
        rows.append(f"| ESRI, IHS fixture, 16 closures | ESRIcascade.jl {p['ESRIcascade.jl (Julia)'] * 1e3:.0f} ms, "
                    f"fastcascade {p['fastcascade (R/C++)']:.1f} s | {fx['median_s'] * 1e3:.0f} ms |")
    return rows


def main() -> None:
    head = ["| what (same outputs on both sides) | peer, median | induscope, median | ratio peer / ours: wall / CPU "
            "| load (1 min) |", "|---|---|---|---|---|"]
    rows, missing = [], []
    for name, fn in (("static.json", static_rows), ("static_1960.json", static_rows), ("ario.json", ario_rows),
                     ("esri_fastcascade.json", esri_rows)):
        doc = _read(name)
        if doc is None or (name == "ario.json" and "ratio_median_step_wall" not in doc["results"][0]):
            missing.append(name)    # absent, or written by the earlier method (not comparable)
        else:
            rows += fn(doc)
    print("\n".join(head + rows))
    doc = _read("esri_published_market.json")
    if doc:
        print("\nPublished figures of the peers (other machines, not run here): beside ours, never divided by ours.\n")
        print("| what | published (peer) | induscope, measured here |\n|---|---|---|")
        print("\n".join(published_rows(doc)))
    alone = []
    for name, label in (("esri_published_market.json", "published network, replaceability on"),
                        ("esri_published_nomarket.json", "published network, replaceability off"),
                        ("esri_chunglu_nomarket.json", "Chung-Lu network, replaceability off")):
        doc = _read(name)
        if doc:
            cells = [f"{s['firms'] // 1000}k: {_s(s['all_firms']['wall_s'])}"
                     + ("" if s["all_firms"].get("measured") else " (extrapolated)") for s in doc["sizes"]]
            alone.append(f"| all-firm ESRI on {doc['machine'].get('cores', '?')} cores, {label} | {'; '.join(cells)} | "
                         f"{_loads(doc['load_average_start'][:1] + doc.get('load_average_end', [])[:1])} |")
    if alone:
        print("\nNo peer to run beside it (ours alone):\n")
        print("| what | induscope | load (1 min) |\n|---|---|---|")
        print("\n".join(alone))
    if missing:
        print(f"\n(no results yet: {', '.join(missing)})")


if __name__ == "__main__":
    main()
