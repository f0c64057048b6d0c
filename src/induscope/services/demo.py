"""Use case: build the deterministic SYNTHETIC demo workspace in one transaction."""
from __future__ import annotations

import json
from typing import Any

from ..errors import InputError
from ..store import Workspace, insert_frame, write_io_table

DEMO_TABLE_ID = "demo_io42_2020"


def build_demo_workspace(ws: Workspace, seed: int = 20251, n_firms: int = 5000, force: bool = False,
                         show_progress: bool = False) -> dict[str, Any]:
    """Generate the demo economy and write it; refuses to overwrite a workspace with data unless ``force``.

    Everything is generated first, then written in one transaction: an interrupted build leaves the
    workspace as it was.
    """
    import pandas as pd

    from ..demo.chains import synthetic_chains
    from ..demo.firms import synthetic_enterprises
    from ..demo.io_table import synthetic_io42
    from ..demo.series import SHOCKS, published_series

    if ws.exists() and not force:
        counts = ws.tables()
        if any(v for k, v in counts.items() if k not in ("schema_version",)):
            raise InputError(f"the workspace {ws.home} already holds data; use --force to rebuild the demo "
                             "(this replaces the demo datasets only)")
    steps = ["input-output table", "monthly series", "enterprises and supply network", "industrial chains",
             "writing the workspace"]
    say = _reporter(show_progress, len(steps))
    say(steps[0])
    table = synthetic_io42(seed=seed)
    say(steps[1])
    series = published_series(seed=seed)
    say(steps[2])
    enterprises, links, scale = synthetic_enterprises(table, n_firms=n_firms, seed=seed)
    say(steps[3])
    chains, nodes, node_firms, enterprises = synthetic_chains(enterprises, seed=seed)
    say(steps[4])
    datasets = pd.DataFrame([
        _dataset("demo_io", "io_table", table.name, table.unit, seed),
        _dataset("demo_series", "series", "SYNTHETIC monthly industrial statistics 2015-2025", "mixed", seed,
                 shocks=[s.name for s in SHOCKS]),
        _dataset("demo_enterprises", "enterprises", f"SYNTHETIC enterprises ({len(enterprises)})", "10,000 CNY",
                 seed, scale_from_io_table=scale),
        _dataset("demo_links", "supply_links", f"SYNTHETIC firm-to-firm supply links ({len(links)})",
                 "10,000 CNY", seed),
        _dataset("demo_chains", "chains", "Industrial chains: new-energy vehicles, integrated circuits "
                 "(real node names, SYNTHETIC firms)", None, seed),
    ])
    with ws.writer() as con:
        for tbl in ("chain_node_firms", "chain_nodes", "chains", "supply_links", "enterprises", "series"):
            con.execute(f"DELETE FROM {tbl} WHERE dataset_id LIKE 'demo_%'" if tbl not in (
                "chain_node_firms", "chain_nodes") else
                f"DELETE FROM {tbl} WHERE chain_id IN (SELECT chain_id FROM chains WHERE dataset_id LIKE 'demo_%')"
            ).fetchall()
        con.execute("DELETE FROM io_cells WHERE table_id = ?", [DEMO_TABLE_ID]).fetchall()
        con.execute("DELETE FROM io_tables WHERE table_id = ?", [DEMO_TABLE_ID]).fetchall()
        con.execute("DELETE FROM datasets WHERE dataset_id LIKE 'demo_%'").fetchall()
        insert_frame(con, "datasets", datasets)
        write_io_table(con, DEMO_TABLE_ID, table)
        insert_frame(con, "series", series.assign(dataset_id="demo_series"))
        insert_frame(con, "enterprises", enterprises.assign(dataset_id="demo_enterprises"))
        insert_frame(con, "supply_links", links.assign(dataset_id="demo_links"))
        insert_frame(con, "chains", chains.assign(dataset_id="demo_chains"))
        insert_frame(con, "chain_nodes", nodes)
        insert_frame(con, "chain_node_firms", node_firms)
    say(None)
    return {"workspace": str(ws.home), "synthetic": True, "seed": seed, "io_table": DEMO_TABLE_ID,
            "sectors": len(table.sectors), "series_rows": len(series), "enterprises": len(enterprises),
            "supply_links": len(links), "chains": len(chains), "chain_nodes": len(nodes),
            "chain_firms": len(node_firms)}


def _dataset(dataset_id: str, kind: str, name: str, unit: str | None, seed: int, **meta: Any) -> dict[str, Any]:
    return {"dataset_id": dataset_id, "kind": kind, "name": name, "source": "demo", "unit": unit,
            "vintage": None, "synthetic": True, "meta": json.dumps({"seed": seed, **meta}, ensure_ascii=False)}


def _reporter(enabled: bool, total: int):
    """A small step counter on stderr (the demo is a handful of steps of a few seconds each)."""
    import sys

    done = [0]

    def say(step: str | None) -> None:
        if not enabled:
            return
        if step is None:
            sys.stderr.write(f"\r[{total}/{total}] done{' ' * 40}\n")
        else:
            done[0] += 1
            sys.stderr.write(f"\r[{done[0]}/{total}] {step}...{' ' * 20}")
        sys.stderr.flush()

    return say
