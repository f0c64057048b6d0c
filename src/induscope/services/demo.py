"""Use case: build the deterministic SYNTHETIC demo workspace in one transaction."""
from __future__ import annotations

import json
from typing import Any

from ..errors import InputError
from ..store import Workspace, insert_frame, write_io_table
from ..store import datasets as dataset_sql
from ..store import io_tables as io_sql

DEMO_TABLE_ID = "demo_io42_2020"


def build_demo_workspace(ws: Workspace, seed: int = 20251, n_firms: int = 5000, force: bool = False,
                         show_progress: bool = False) -> dict[str, Any]:
    """Generate the demo economy and write it; refuses to overwrite a workspace with data unless ``force``.

    Everything is generated first, then written in one transaction: an interrupted build leaves the
    workspace as it was.
    """
    import pandas as pd

    from ..demo.chains import synthetic_chains
    from ..demo.clusters import synthetic_clusters
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
    chains, nodes, node_firms, enterprises, links = synthetic_chains(enterprises, seed=seed, links=links)
    clusters, cluster_members = synthetic_clusters(enterprises, node_firms)
    from ..demo.sme import add_sme_attributes, synthetic_certificates, synthetic_changes, synthetic_registry

    enterprises = add_sme_attributes(enterprises, seed)  # SME rule columns (docs/sme.md)
    sme_certs = synthetic_certificates(enterprises, seed)
    sme_changes = synthetic_changes(sme_certs, seed)
    dt_registry = synthetic_registry(seed)
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
                 "(real node names, SYNTHETIC firms)", "10,000 CNY", seed),
        _dataset("demo_clusters", "clusters", "Clusters: YRD new-energy vehicles, Guangdong components "
                 "(SYNTHETIC members)", None, seed),
        _dataset("demo_sme_certs", "sme_certificates", f"SYNTHETIC SME tier certificates ({len(sme_certs)})",
                 None, seed),
        _dataset("demo_dt_registry", "dt_registry", f"SYNTHETIC digital-transformation registry "
                 f"({len(dt_registry)})", None, seed),
    ])
    with ws.writer() as con:
        from ..store import chains as chain_sql

        chain_sql.delete_chain_dataset(con, "demo_chains")
        for tbl in ("supply_links", "enterprises", "series", "sme_changes"):
            dataset_sql.delete_rows(con, tbl, prefix="demo_")
        chain_sql.delete_cluster_dataset(con, "demo_clusters")
        io_sql.delete_io_table(con, DEMO_TABLE_ID)
        dataset_sql.delete_datasets_with_prefix(con, "demo_")
        insert_frame(con, "datasets", datasets)
        write_io_table(con, DEMO_TABLE_ID, table)
        insert_frame(con, "series", series.assign(dataset_id="demo_series"))
        insert_frame(con, "enterprises", enterprises.assign(dataset_id="demo_enterprises"))
        insert_frame(con, "supply_links", links.assign(dataset_id="demo_links"))
        chain_sql.insert_chains(con, chains, nodes, node_firms, "demo_chains")
        chain_sql.insert_clusters(con, clusters, cluster_members, "demo_clusters")
        from ..store import sme as sme_sql

        sme_sql.replace_certificates(con, sme_certs, "demo_sme_certs")
        insert_frame(con, "sme_changes", sme_changes.assign(dataset_id="demo_sme_changes"))
        sme_sql.replace_registry(con, dt_registry, "demo_dt_registry")
        _demo_watch_list(con)
    say(None)
    return {"workspace": str(ws.home), "synthetic": True, "seed": seed, "io_table": DEMO_TABLE_ID,
            "sectors": len(table.sectors), "series_rows": len(series), "enterprises": len(enterprises),
            "supply_links": len(links), "chains": len(chains), "chain_nodes": len(nodes),
            "chain_firms": len(node_firms), "clusters": len(clusters), "sme_certificates": len(sme_certs),
            "dt_registry_items": len(dt_registry)}


def _demo_watch_list(con) -> None:
    """The demo's watch list of key regions and industries, checked by the watch-list service's rules."""
    from ..demo.watchlists import DEMO_ITEMS, DEMO_LIST_DESCRIPTION, DEMO_LIST_ID, DEMO_LIST_NAME
    from ..services.monitoring.watchlists import _normalise
    from ..store import watchlists as watch_sql

    items = [_normalise(con, it, f"demo item {k + 1}: ") for k, it in enumerate(DEMO_ITEMS)]
    watch_sql.delete_list(con, DEMO_LIST_ID)
    watch_sql.insert_list(con, DEMO_LIST_ID, DEMO_LIST_NAME, DEMO_LIST_DESCRIPTION)
    watch_sql.upsert_items(con, DEMO_LIST_ID, items)


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
