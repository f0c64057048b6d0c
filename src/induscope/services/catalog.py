"""Use cases that read the workspace: what is there, series, enterprises (chains: services.chains)."""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from ..errors import InputError, NotFoundError
from ..store import Session, Workspace
from ..store import datasets as dataset_sql
from ..store import enterprises as enterprise_sql
from ..store.series import series_as_of


def workspace_status(ws: Workspace | Session) -> dict[str, Any]:
    exists = ws.exists()
    return {"home": str(ws.home), "exists": exists, "schema_version": ws.schema_version() if exists else 0,
            "tables": ws.tables() if exists else {}}


def list_datasets(ws: Workspace | Session) -> pd.DataFrame:
    return dataset_sql.list_datasets(ws)


def dataset_provenance(ws: Workspace | Session) -> pd.DataFrame:
    """The datasets with their provenance: kind, name, source, unit, import time, synthetic flag, the
    rows each holds (series rows, or the count its import recorded) and its vintages (first, last, how
    many: a series dataset may hold several)."""
    ds = dataset_sql.list_datasets(ws)
    pv = dataset_sql.provenance(ws)
    meta = [json.loads(m) if isinstance(m, str) and m else {} for m in pv["meta"]]
    rows = [int(r) if not pd.isna(r) else (m.get("rows") or m.get("cells"))
            for r, m in zip(pv["series_rows"], meta)]
    extra = pd.DataFrame({"dataset_id": pv["dataset_id"], "rows": pd.array(rows, dtype="Int64"),
                          "vintages": pd.array(pv["vintages"], dtype="Int64"),
                          "first_vintage": pv["first_vintage"], "last_vintage": pv["last_vintage"]})
    return ds.merge(extra, on="dataset_id", how="left")


def get_series(ws: Workspace | Session, indicator: str, region: str | None = None, industry: str | None = None,
               price_basis: str | None = None, vintage: str | None = None,
               start: str | None = None, end: str | None = None, limit: int = 100_000,
               subject: str | None = "") -> pd.DataFrame:
    """Series rows as of a data vintage: for each key, the latest vintage on or before ``vintage``
    (default: the latest); of one ``subject`` ('' = the region x industry series, None = every one)."""
    return series_as_of(ws, indicator, price_basis=price_basis,
                        regions=None if region is None else [region],
                        industries=None if industry is None else [industry],
                        vintage=vintage, start=start, end=end, limit=limit, subject=subject)


def list_enterprises(ws: Workspace | Session, region: str | None = None, industry: str | None = None,
                     limit: int = 100, offset: int = 0) -> pd.DataFrame:
    if limit < 1 or limit > 10_000:
        raise InputError(f"limit must be between 1 and 10000, got {limit}")
    if offset < 0:
        raise InputError(f"offset must be 0 or more, got {offset}")
    return enterprise_sql.list_enterprises(ws, region=region, industry_prefix=industry, limit=limit,
                                           offset=offset)


def get_enterprise(ws: Workspace | Session, firm_id: str) -> dict[str, Any]:
    e = enterprise_sql.get_enterprise(ws, firm_id)
    if e.empty:
        raise NotFoundError(f"no enterprise {firm_id!r} in the workspace")
    rec = e.iloc[0].to_dict()
    rec["attributes"] = json.loads(rec["attributes"]) if rec.get("attributes") else {}
    return rec
