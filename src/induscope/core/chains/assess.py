"""Node assessment: every figure with its source, every verdict with the rules that fired.

``assess(chain, firms, ...)`` takes the chain, the enterprises serving it (firm_id, region,
revenue) and what the caller could compute from the workspace (the IO table's imported shares,
the cascade exposures) and returns one row per node. Nothing here reads files or the database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from ...errors import Unavailable
from . import measures as M
from .model import Chain, _num, province_of
from .rules import DEFAULT_RULES, evaluate

COLUMNS = ["node_id", "verdict", "suppliers", "firm_hhi", "region_hhi", "import_dependence", "import_source",
           "coverage", "exposure", "reasons", "cannot_assess", "name", "stage", "position", "key_core",
           "io_sector", "suppliers_effective", "top3_share", "top_region", "top_region_share",
           "trade_competitiveness", "coverage_basis", "sector_exposure", "output_basis", "explanation"]


@dataclass(frozen=True, eq=False)
class ChainAssessment:
    chain_id: str
    nodes: pd.DataFrame  # COLUMNS
    rules: dict[str, Any]
    notes: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> dict[str, Any]:
        counts = self.nodes["verdict"].value_counts().to_dict()
        return {"chain_id": self.chain_id, "nodes": len(self.nodes), "weak": int(counts.get("weak", 0)),
                "strong": int(counts.get("strong", 0)), "neutral": int(counts.get("neutral", 0)),
                "rule_set": self.rules.get("name"), "notes": list(self.notes)}

    def to_frame(self) -> pd.DataFrame:
        return self.nodes.copy()

    def to_dict(self) -> dict[str, Any]:
        return {**self.summary(), "rules": self.rules, "nodes_detail": self.nodes}


def node_output(chain: Chain, firms: pd.DataFrame) -> pd.DataFrame:
    """One row per (node, firm): output (node-firm 'output', else the firm's revenue), capacity,
    province, and the basis of the output figure."""
    nf = chain.firms.merge(firms[["firm_id", "region", "revenue"]], on="firm_id", how="left")
    out = pd.to_numeric(nf["output"], errors="coerce")
    rev = pd.to_numeric(nf["revenue"], errors="coerce")
    nf["basis"] = np.where(out.notna(), "output", np.where(rev.notna(), "revenue", "none"))
    nf["value"] = out.fillna(rev)
    nf["capacity"] = pd.to_numeric(nf["capacity"], errors="coerce")
    nf["province"] = nf["region"].map(province_of)
    return nf


def _val(v: Any) -> Any:
    return None if isinstance(v, Unavailable) else v


def assess(chain: Chain, firms: pd.DataFrame, *, import_shares: Mapping[str, float] | None = None,
           import_table: str | None = None, exposure: Mapping[str, Any] | None = None,
           sector_exposure: Mapping[str, Any] | None = None,
           rules: Mapping[str, Any] | None = None) -> ChainAssessment:
    """Assess every node. ``import_shares``: IO sector -> imported share of total use (from the
    table named ``import_table``); ``exposure`` / ``sector_exposure``: node -> value or Unavailable."""
    rules = dict(DEFAULT_RULES if rules is None else rules)
    nf = node_output(chain, firms)
    import_shares = import_shares or {}
    exposure = exposure or {}
    sector_exposure = sector_exposure or {}
    notes: list[str] = []
    if not import_shares:
        notes.append("no non-competitive IO table: import dependence only where nodes give trade figures")
    rows = []
    for node in chain.nodes.itertuples(index=False):
        nid = node.node_id
        g = nf[nf["node_id"] == nid]
        val = g["value"].to_numpy(dtype=float)
        cap = g["capacity"].to_numpy(dtype=float)
        conc = M.concentration(val, cap, g["province"].to_numpy()) if len(g) else {}
        imp, exp_, dom = _num(node.imports), _num(node.exports), _num(node.domestic_output)
        io_sector = node.io_sector if isinstance(node.io_sector, str) and node.io_sector else None
        if imp is not None and dom is not None:
            idep = M.trade_import_dependence(imp, exp_, dom)
            src = "node trade figures: imports / (domestic_output + imports - exports)" + \
                  ("" if exp_ is not None else " (exports not given: taken as 0)")
        elif io_sector is not None and io_sector in import_shares and np.isfinite(import_shares[io_sector]):
            idep = float(import_shares[io_sector])
            src = f"IO table {import_table}: imported share of total use of sector {io_sector}"
        else:
            idep = Unavailable("needs node trade figures (imports, domestic_output) or a non-competitive "
                               "IO table and the node's io_sector")
            src = ""
        tc = M.trade_competitiveness(imp, exp_)
        if len(g):
            cov, cov_basis = M.coverage(val, cap)
        else:
            cov, cov_basis = Unavailable("no supplier"), ""
        kc = node.key_core
        key_core = None if kc is None or (isinstance(kc, float) and kc != kc) else bool(kc)
        has_trade = imp is not None and dom is not None
        expo = exposure.get(nid, Unavailable("not computed"))
        sexp = sector_exposure.get(nid, Unavailable("not computed"))
        m = {"suppliers": int(len(g)), "suppliers_effective": conc.get("suppliers_effective"),
             "firm_hhi": conc.get("firm_hhi"), "top3_share": conc.get("top3_share"),
             "region_hhi": conc.get("region_hhi"), "top_region_share": conc.get("top_region_share"),
             "import_dependence": _val(idep), "trade_competitiveness": _val(tc), "coverage": _val(cov),
             "exposure": _val(expo), "sector_exposure": _val(sexp), "key_core": key_core,
             "has_trade": has_trade}
        v = evaluate(m, rules)
        expl = [f"{o.kind} rule {o.rule}: {o.status.replace('_', ' ')}"
                + (f" ({o.detail})" if o.detail else "") + (f"; needs {', '.join(o.needs)}" if o.needs else "")
                for o in v.outcomes if o.status in ("fired", "passed", "cannot_assess")]
        bases = sorted(set(g["basis"])) if len(g) else []
        rows.append({"node_id": nid, "verdict": v.verdict, "suppliers": int(len(g)),
                     "firm_hhi": m["firm_hhi"], "region_hhi": m["region_hhi"],
                     "import_dependence": m["import_dependence"], "import_source": src,
                     "coverage": m["coverage"], "exposure": m["exposure"], "reasons": v.reasons,
                     "cannot_assess": ";".join(v.cannot_assess), "name": node.name, "stage": node.stage,
                     "position": node.position, "key_core": key_core, "io_sector": io_sector,
                     "suppliers_effective": m["suppliers_effective"], "top3_share": m["top3_share"],
                     "top_region": conc.get("top_region"), "top_region_share": m["top_region_share"],
                     "trade_competitiveness": m["trade_competitiveness"], "coverage_basis": cov_basis,
                     "sector_exposure": m["sector_exposure"], "output_basis": ",".join(bases),
                     "explanation": " | ".join(expl) or "no rule fired"})
    return ChainAssessment(chain.chain_id, pd.DataFrame(rows, columns=COLUMNS), rules, tuple(notes))
