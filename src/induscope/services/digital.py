"""Digitalisation use cases: the SME digitalisation level (2022 evaluation, levels 1-4 from the score)
and the digital-transformation registry (industrial-internet platforms, "5G + industrial internet"
projects, 5G factories) imported from files and shown as counts over time."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.sme import certificates as certs
from ..core.sme.digital import edition, edition_for, level_from_score
from ..core.sme.rulesets import parse_date
from ..errors import InputError
from ..store import Workspace
from ..store import sme as store

KIND_LABELS = {"platform": ("工业互联网平台", "industrial-internet platforms"),
               "5g_iiot_project": ("“5G+工业互联网”项目", "5G + industrial internet projects"),
               "5g_factory": ("5G工厂", "5G factories")}


def digital_level(*, score: float | None = None, dimensions: dict[str, float] | None = None,
                  date: str | dt.date | None = None, edition_id: str | None = None) -> dict[str, Any]:
    """Level of one enterprise from its total score, or from its four dimension scores (summed)."""
    ed = edition(edition_id) if edition_id else edition_for(parse_date(date) if date else dt.date.today())
    if dimensions:
        names = [d["id"] for d in ed["dimensions"]]
        unknown = [k for k in dimensions if k not in names]
        if unknown:
            raise InputError(f"unknown dimension(s) {unknown}; expected {names}")
        missing = [k for k in names if k not in dimensions]
        if missing:
            raise InputError(f"the total needs all four dimensions: missing {missing}")
        score = float(sum(dimensions.values()))
    if score is None:
        raise InputError("give a total score (--score) or the four dimension scores")
    if not 0 <= score <= 100:
        raise InputError(f"a digitalisation score is between 0 and 100, got {score:g}")
    lvl = level_from_score(np.array([score]), ed)[0]
    out = {"edition": ed["id"], "edition_name": ed["name_zh"], "score": score, "source": ed["source"],
           "confidence": ed["confidence"]}
    if np.isnan(lvl):
        out.update(level=None, note=ed.get("levels_note", "no level rule"))
    else:
        out.update(level=int(lvl), label=ed["level_labels"][str(int(lvl))],
                   srdi_indicator5_points={4: 5, 3: 5, 2: 3}.get(int(lvl), 0))
    return out


def import_registry(ws: Workspace, path: str | Path, *, dataset_id: str | None = None,
                    encoding: str = "utf-8", sheet: str | None = None, synthetic: bool = False) -> dict[str, Any]:
    """Import registry items (replaces the same dataset's items; one transaction)."""
    from ..readers.sme import read_registry

    frame = read_registry(path, encoding=encoding, sheet=sheet)
    dataset_id = dataset_id or f"dt_registry_{Path(path).stem}"
    ws.ensure()
    with ws.writer() as con:
        store.upsert_dataset(con, {"dataset_id": dataset_id, "kind": "dt_registry",
                                   "name": f"{'SYNTHETIC ' if synthetic else ''}digital-transformation registry "
                                           f"({len(frame)})", "source": Path(path).name, "unit": None,
                                   "vintage": None, "synthetic": synthetic,
                                   "meta": json.dumps({"rows": len(frame)})})
        n = store.replace_registry(con, frame, dataset_id)
    return {"dataset_id": dataset_id, "items": n, "by_kind": frame["kind"].value_counts().sort_index().to_dict()}


def registry_indicators(ws: Workspace, *, kind: str | None = None) -> pd.DataFrame:
    """New and cumulative counts per year and kind, with the GB/T 4754 divisions and regions covered."""
    if kind is not None and kind not in KIND_LABELS:
        raise InputError(f"--kind: expected one of {list(KIND_LABELS)}, got {kind!r}")
    with ws.reader() as con:
        items = store.registry(con, kind=kind)
    out = certs.registry_counts(items)
    if not out.empty:
        out.insert(2, "kind_zh", out["kind"].map(lambda k: KIND_LABELS[k][0]))
    return out


def registry_by(ws: Workspace, *, by: str = "region", kind: str | None = None) -> pd.DataFrame:
    if by not in ("region", "division", "industry"):
        raise InputError(f"--by: expected region, division or industry, got {by!r}")
    with ws.reader() as con:
        items = store.registry(con, kind=kind)
    if items.empty:
        return pd.DataFrame(columns=[by, "kind", "items"])
    items["division"] = items["industry"].fillna("").astype(str).str[:2]
    g = items.groupby([items[by].fillna(""), "kind"]).size().rename("items").reset_index()
    return g.sort_values([by, "kind"]).reset_index(drop=True)
