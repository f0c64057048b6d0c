"""Chain benchmark on the demo workspace (5,000 firms): node assessment of both chains (22 nodes, one
GL cascade per node on the chain's firm network plus the sector inoperability), regional completeness,
the leader view, and an explained regional shock on the whole network (the explanation re-runs the
cascade once per step). No peer exists for these measures; times are what a user waits for.

    python bench/bench_chains.py [--repeat 3]      -> bench/results/chains.json
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchutil import RESULTS, load, machine, summary, write_json  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from induscope.services import chains as sc
    from induscope.services.demo import build_demo_workspace
    from induscope.store import Workspace

    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        build_demo_workspace(ws)
        cases = {
            "assess_nev_and_ic": lambda: [sc.assess_chain(ws, c) for c in ("nev", "ic")],
            "region_nev_310000": lambda: sc.region_completeness(ws, "nev", "310000"),
            "leader_nev": lambda: sc.leader(ws, "nev"),
            "shock_nev_lockdown_310000": lambda: sc.chain_shock(ws, "nev", regions=["310000"]),
        }
        out = {"machine": machine(), "load_before": load(), "repeat": args.repeat, "cases": {}}
        for name, fn in cases.items():
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                res = fn()
                times.append(time.perf_counter() - t)
            out["cases"][name] = summary(times)
            if name.startswith("shock"):
                fl = res["firm_level"]
                out["cases"][name].update({"loss_share": fl["loss_share"], "direct_share": fl["direct_share"],
                                           "steps": int(len(fl["steps"]))})
            print(name, out["cases"][name], flush=True)
        out["load_after"] = load()
        write_json(out, RESULTS / "chains.json")


if __name__ == "__main__":
    main()
