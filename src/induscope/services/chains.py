"""Chain use cases: import / export, list and show, node assessment, regional completeness,
chain-leader view, chain shocks. One function each; data in, results out (core/chains computes).

Import dependence of a node: its own trade figures when given, else the imported share of total use
of its IO sector in the newest non-competitive single-region IO table of the workspace (the result
says which). A node's IO sector: its ``io_sector`` column, else the NBS 42-sector product of the
GB/T 4754 division of its first industry code (the concordance shipped in ``induscope.reference``).
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from ..core.chains import cascade as ccas
from ..core.chains.assess import ChainAssessment, assess
from ..core.chains.leader import LeaderView, leader_view
from ..core.chains.measures import io_import_shares
from ..core.chains.model import Chain, split_ids
from ..core.chains.regional import RegionalCompleteness, completeness
from ..core.chains.rules import default_rules, validate_rules
from ..errors import InputError, NotFoundError, Problem, ProblemCollector, Unavailable, ValidationError
from ..store import Workspace
from ..store import chains as sql
from ..store.networks import aggregated_links

Progress = Callable[[str, int, int], None]

#: sector-level shock of the node assessment: 10% supply loss of the node's sector
SECTOR_SHOCK = 0.10
#: inputs below this share of a sector's intermediate inputs are rated 0 (no effect) in chain cascades
MINOR_SHARE = 0.03


def _noop(step: str, done: int, total: int) -> None:
    return None


# ---------------------------------------------------------------------------------------------
# import / export
# ---------------------------------------------------------------------------------------------
def import_chains(ws: Workspace, nodes_path: str | Path, firms_path: str | Path | None = None,
                  name: str | None = None, replace: bool = False, encoding: str = "utf-8",
                  vintage: str | None = None, on_progress: Progress | None = None) -> dict[str, Any]:
    """Import chain definitions: nodes (chain_id, node_id, name, stage, position, parent, industry
    and the optional key_core, imports, exports, domestic_output, hs_codes, io_sector) and optionally
    the firms serving each node (chain_id, node_id, firm_id, role, output, capacity). Validated
    completely first; written in one transaction (the workspace is unchanged on any error)."""
    from ..readers.chains import read_chains
    from ..readers.columns import make_id
    from .imports import _claim, _dataset, _firm_ids, _missing_firms

    progress = on_progress or _noop
    progress("reading and validating", 0, 3)
    chains, nodes, links = read_chains(nodes_path, firms_path, known_firms=_firm_ids(ws), encoding=encoding)
    did = make_id(name or Path(nodes_path).stem)
    src = Path(nodes_path).name + (f" + {Path(firms_path).name}" if firms_path else "")
    progress("writing", 1, 3)
    ws.ensure()
    with ws.writer() as con:
        replaced = _claim(con, did, "chains", replace)
        if replaced:
            sql.delete_chain_dataset(con, did)
        taken = sql.chain_ids_taken(con, chains["chain_id"].tolist())
        if taken:
            pc = ProblemCollector(Path(nodes_path).name)
            for cid, owner in taken.items():
                pc.add(row=int(nodes.loc[nodes["chain_id"] == cid, "_row"].min()), column="chain_id",
                       value=cid, expected=f"a chain id not already in the workspace (it belongs to dataset "
                                           f"'{owner}'; replace that dataset or rename the chain)")
            pc.raise_if_any()
        if len(links):
            _missing_firms(con, links, ["firm_id"], Path(firms_path or nodes_path).name)
        sql.insert_chains(con, chains, nodes.drop(columns=["_row"]), links.drop(columns=["_row"], errors="ignore"), did)
        _dataset(con, did, "chains", name or Path(nodes_path).stem, src, "10,000 CNY", vintage, False,
                 {"chains": len(chains), "nodes": len(nodes), "node_firms": len(links)})
    progress("done", 3, 3)
    return {"dataset_id": did, "kind": "chains", "source": src, "chains": chains["chain_id"].tolist(),
            "nodes": len(nodes), "node_firms": len(links), "vintage": vintage, "replaced": replaced}


def _atomic_csv(df: pd.DataFrame, out: str | Path) -> str:
    from .._files import write_csv

    return str(write_csv(df, out, index=False, encoding="utf-8"))


def export_chains(ws: Workspace, nodes_out: str | Path, firms_out: str | Path,
                  chain_ids: Sequence[str] | None = None) -> dict[str, Any]:
    """Write chains in the import format (nodes file + node firms file) so that they round-trip."""
    ids = list(chain_ids) if chain_ids else list_chains(ws)["chain_id"].tolist()
    if not ids:
        raise NotFoundError("the workspace holds no chain to export")
    node_frames, firm_frames = [], []
    for cid in ids:
        ch = load_chain(ws, cid)
        n = ch.nodes.drop(columns=["chain_id"], errors="ignore")
        n.insert(0, "chain_id", cid)
        n["chain_name"] = ch.name
        n["chain_description"] = ch.description
        n["key_core"] = [None if v is None else ("yes" if v else "no") for v in n["key_core"]]
        n["io_sector"] = n["io_sector_given"]
        node_frames.append(n)
        f = ch.firms.drop(columns=["chain_id"], errors="ignore")
        f.insert(0, "chain_id", cid)
        firm_frames.append(f)
    cols = ["chain_id", "chain_name", "chain_description", "node_id", "name", "stage", "position", "parent",
            "industry", "io_sector", "hs_codes", "key_core", "imports", "exports", "domestic_output"]
    nodes = pd.concat(node_frames, ignore_index=True)[cols]
    firms = pd.concat(firm_frames, ignore_index=True)[["chain_id", "node_id", "firm_id", "role", "output",
                                                        "capacity"]]
    return {"chains": ids, "nodes": _atomic_csv(nodes, nodes_out), "firms": _atomic_csv(firms, firms_out),
            "node_rows": len(nodes), "firm_rows": len(firms)}


# ---------------------------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------------------------
def _require(ws: Workspace) -> None:
    if not ws.exists():
        raise NotFoundError(f"no workspace at {ws.home}: build the demo (induscope demo) or import data")


def list_chains(ws: Workspace) -> pd.DataFrame:
    if not ws.exists():
        return pd.DataFrame(columns=["chain_id", "name", "dataset_id", "vintage", "nodes", "firms", "leaders"])
    with ws.reader() as con:
        return sql.list_chains(con)


def _division_sector() -> dict[str, str]:
    from .. import reference

    c = reference.io42_division_concordance()
    return dict(zip(c["division"].astype(str), c["io42"].astype(str)))


def load_chain(ws: Workspace, chain_id: str) -> Chain:
    """The stored chain with each node's IO sector resolved (``io_sector_given`` keeps the file's)."""
    _require(ws)
    with ws.reader() as con:
        meta, nodes, firms = sql.read_chain(con, chain_id)
    if meta is None:
        known = list_chains(ws)["chain_id"].tolist()
        raise NotFoundError(f"no chain {chain_id!r} in the workspace; chains: {', '.join(known) or 'none'}")
    div = _division_sector()
    nodes["io_sector_given"] = nodes["io_sector"]
    src, sec = [], []
    for given, ind in zip(nodes["io_sector"], nodes["industry"]):
        if given:
            sec.append(given)
            src.append("io_sector column")
            continue
        codes = split_ids(ind)
        s = div.get(codes[0][:2]) if codes else None
        sec.append(s)
        src.append(f"concordance of division {codes[0][:2]}" if s else "")
    nodes["io_sector"] = sec
    nodes["io_sector_source"] = src
    return Chain(meta["chain_id"], meta["name"], nodes, firms, meta["description"])


def show_chain(ws: Workspace, chain_id: str) -> dict[str, Any]:
    ch = load_chain(ws, chain_id)
    with ws.reader() as con:
        ent = sql.enterprises(con, ch.firm_ids)
    names = ent.set_index("firm_id")["name"]
    nodes = ch.nodes[["node_id", "name", "stage", "position", "parent", "industry", "io_sector", "key_core",
                      "imports", "exports", "domestic_output"]].copy()
    nodes["firms"] = [len(ch.firms_of(n)) for n in nodes["node_id"]]
    nodes["leader"] = [next(iter(ch.firms_of(n).query("role == 'leader'")["firm_id"]), None) for n in nodes["node_id"]]
    return {"chain_id": ch.chain_id, "name": ch.name, "description": ch.description,
            "nodes": nodes, "edges": [{"from": a, "to": b} for a, b in ch.edges()],
            "leaders": [{"firm_id": f, "name": names.get(f)} for f in ch.leaders],
            "firms": len(ch.firm_ids)}


# ---------------------------------------------------------------------------------------------
# networks and tables
# ---------------------------------------------------------------------------------------------
def _table(ws: Workspace, noncompetitive: bool):
    from .imports import load_io_table

    with ws.reader() as con:
        tid = sql.newest_noncompetitive_table(con) if noncompetitive else sql.newest_single_region_table(con)
    return (tid, load_io_table(ws, tid)) if tid else (None, None)


def _network(ws: Workspace, firm_ids: Sequence[str] | None = None, chain: Chain | None = None):
    """(GLCascade, enterprises) on the workspace's firm network (restricted to ``firm_ids``), firms
    grouped by IO sector, essentiality from the newest single-region IO table (as ``network export``)."""
    from ..core.network.esri import GLCascade
    from ..core.network.network import Essentiality, SupplyNetwork
    from .network_export import essentiality_from_table

    tid, table = _table(ws, noncompetitive=False)
    if table is None:
        raise NotFoundError("no single-region input-output table in the workspace to derive input "
                            "essentiality from; import one (induscope import io)")
    with ws.reader() as con:
        ent = sql.enterprises(con)
        links = aggregated_links(con)
    if ent.empty or links.empty:
        raise NotFoundError("the workspace has no enterprises or supply links: import them first or build the demo")
    div = _division_sector()
    ind = ent["industry"].astype(str).str[:2].map(div)
    firms = pd.DataFrame({"firm": ent["firm_id"], "industry": ind.fillna("unmapped"),
                          "region": ent["region"]})
    # upstream weights W_ij / revenue_i: losing a customer costs that share of all sales (final
    # demand included), not of in-network sales alone (whose weights sum to 1 and never decay)
    rev = pd.to_numeric(ent["revenue"], errors="coerce")
    sales = links.groupby("supplier")["value"].sum().reindex(ent["firm_id"]).fillna(0.0).to_numpy()
    # (a firm recorded selling more in the network than its revenue: its network sales count)
    use_revenue = bool(rev.notna().any())
    if use_revenue:
        firms["revenue"] = np.maximum(rev.fillna(0.0).to_numpy(), sales)
    sectors = list(table.sectors)
    Z = table.Z if table.Zm is None else table.Z + table.Zm
    E = essentiality_from_table(Z, sectors, 0.10).to_numpy()
    # minor inputs (< MINOR_SHARE of the buyer sector's inputs) do not stop production for the length
    # of a shock (the '0' of survey ratings such as Pichler et al. 2022); rating every positive flow
    # 'linear' makes the downstream weights of firms whose inputs all come from the network sum to 1,
    # so a loss never decays
    inputs = Z.sum(axis=0)
    share = np.divide(Z, inputs[None, :], out=np.zeros_like(Z), where=inputs[None, :] > 0)
    E = np.where((E == 1) & (share < MINOR_SHARE), 0, E)
    codes = sectors + (["unmapped"] if (firms["industry"] == "unmapped").any() else [])
    Em = np.zeros((len(codes), len(codes)), dtype=int)
    Em[:len(sectors), :len(sectors)] = E
    ess = Essentiality(tuple(codes), Em)
    if chain is not None:
        first_node = chain.firms.drop_duplicates("firm_id").set_index("firm_id")["node_id"]
        firms["product"] = firms["firm"].map(first_node)
        cap = chain.firms.assign(capacity=pd.to_numeric(chain.firms["capacity"], errors="coerce")) \
            .groupby("firm_id")["capacity"].sum(min_count=1)
        firms["capacity"] = firms["firm"].map(cap)
    net = SupplyNetwork.from_frames(firms, links)
    if firm_ids is not None:
        net = ccas.restrict(net, firm_ids)
    return GLCascade(net, ess, engine="numpy", revenue=True if use_revenue else None), ent, tid


# ---------------------------------------------------------------------------------------------
# assessment
# ---------------------------------------------------------------------------------------------
def assess_chain(ws: Workspace, chain_id: str, *, rules: Mapping[str, Any] | None = None,
                 out: str | Path | None = None) -> ChainAssessment:
    """Assess every node of a chain (see core/chains); optionally write the per-node CSV."""
    from ..core.chains.assess import node_output
    from ..core.iomodels.inoperability import InoperabilityModel

    rules = default_rules() if rules is None else validate_rules(rules)
    ch = load_chain(ws, chain_id)
    with ws.reader() as con:
        ent = sql.enterprises(con, ch.firm_ids)
    # import shares from the newest non-competitive table
    shares: dict[str, float] = {}
    tid, table = _table(ws, noncompetitive=True)
    label = None
    if table is not None and table.Zm is not None and table.Ym is not None:
        s = io_import_shares(table.Z, table.Y, table.Zm, table.Ym, table.final_demand_labels)
        shares = {str(k): float(v) for k, v in zip(table.sectors, s)}
        label = f"{tid}" + (f" ({table.year})" if table.year else "")
    # firm-level exposure on the chain's own network
    exposure: dict[str, Any] = {}
    notes: list[str] = []
    try:
        cas, _, _ = _network(ws, ch.firm_ids, chain=ch)
    except NotFoundError as e:
        cas = None
        notes.append(f"exposure not computed: {e}")
    nf = node_output(ch, ent)
    firm_out = nf.groupby("firm_id")["value"].sum().to_dict()
    for nid in ch.node_ids:
        g = nf[nf["node_id"] == nid]
        down = ch.downstream_of(nid)
        if cas is None:
            exposure[nid] = Unavailable("needs the firm network and an IO table")
        elif not down:
            exposure[nid] = Unavailable("end node: no downstream node")
        elif g.empty or not g["value"].notna().any():
            exposure[nid] = Unavailable("no supplier with output figures")
        elif cas.network.m == 0:
            exposure[nid] = Unavailable("no supply links among the chain's firms")
        else:
            big = str(g.loc[g["value"].idxmax(), "firm_id"])
            watched = nf.loc[nf["node_id"].isin(down), "firm_id"].astype(str).tolist()
            if big not in cas.network.index():
                exposure[nid] = 0.0
            else:
                exposure[nid] = ccas.supplier_failure_exposure(cas, big, watched, firm_out)
    # sector level: supply-side inoperability of the downstream nodes' sectors
    sector_exp: dict[str, Any] = {}
    _, t_all = _table(ws, noncompetitive=False)
    if t_all is not None:
        pos = {str(s): i for i, s in enumerate(t_all.sectors)}
        cache: dict[str, np.ndarray] = {}
        for node in ch.nodes.itertuples(index=False):
            down = ch.downstream_of(node.node_id)
            secs = {ch.node(d)["io_sector"] for d in down} - {None}
            if node.io_sector not in pos or not down:
                sector_exp[node.node_id] = Unavailable("needs the node's IO sector and downstream nodes")
                continue
            if node.io_sector not in cache:
                c = np.zeros(len(pos))
                c[pos[node.io_sector]] = SECTOR_SHOCK
                try:
                    cache[node.io_sector] = np.asarray(InoperabilityModel(t_all, c=c, side="supply").run().q)
                except Exception as e:  # an unproductive table: say so, do not stop the assessment
                    sector_exp[node.node_id] = Unavailable(f"inoperability model failed: {e}")
                    continue
            q = cache[node.io_sector]
            vals = [q[pos[s]] for s in secs if s in pos]
            sector_exp[node.node_id] = float(np.mean(vals)) if vals else Unavailable("downstream sectors unknown")
    res = assess(ch, ent, import_shares=shares, import_table=label, exposure=exposure,
                 sector_exposure=sector_exp, rules=rules)
    if notes:
        res = ChainAssessment(res.chain_id, res.nodes, res.rules, res.notes + tuple(notes))
    if out is not None:
        _atomic_csv(res.nodes, out)
    return res


# ---------------------------------------------------------------------------------------------
# regional completeness
# ---------------------------------------------------------------------------------------------
def region_completeness(ws: Workspace, chain_id: str, region: str, *, out: str | Path | None = None,
                        top: int = 5) -> RegionalCompleteness:
    from ..readers.chains import region_code

    code = region_code(region)
    if code is None:
        raise ValidationError([Problem("--region", None, "region", region,
                                       "a GB/T 2260 province (code or name) or a 6-digit city/county code")])
    ch = load_chain(ws, chain_id)
    with ws.reader() as con:
        ent = sql.enterprises(con)
        links = aggregated_links(con)
    chain_firms = set(ch.firm_ids)
    links = links[links["customer"].isin(chain_firms) & links["supplier"].isin(chain_firms)]
    res = completeness(ch, ent, code, links, top=top)
    if out is not None:
        _atomic_csv(res.nodes, out)
    return res


# ---------------------------------------------------------------------------------------------
# chain leader
# ---------------------------------------------------------------------------------------------
def leader(ws: Workspace, chain_id: str, firm_id: str | None = None, *, max_tier: int = 3,
           top: int = 3) -> LeaderView:
    ch = load_chain(ws, chain_id)
    if firm_id is None:
        if not ch.leaders:
            raise NotFoundError(f"chain {chain_id!r} marks no leader; pass --firm")
        firm_id = ch.leaders[0]
    elif firm_id not in ch.firm_ids:
        raise NotFoundError(f"{firm_id} is not a firm of chain {chain_id!r}")
    cas, ent, _ = _network(ws, ch.firm_ids, chain=ch)
    e = ent.set_index("firm_id")
    # NBS (2017) industrial size classes: large = 1,000+ employees and revenue 40,000 (10,000 CNY)+
    large = (pd.to_numeric(e["employees"], errors="coerce") >= 1000) & \
        (pd.to_numeric(e["revenue"], errors="coerce") >= 40000)
    smes = set(e.index[~large])
    with ws.reader() as con:
        tiers = sql.sme_tiers(con)
    return leader_view(cas, chain_id, firm_id, max_tier=max_tier, smes=smes, sme_tiers=tiers,
                       top_alternatives=top)


# ---------------------------------------------------------------------------------------------
# shocks
# ---------------------------------------------------------------------------------------------
def chain_shock(ws: Workspace, chain_id: str, *, nodes: Sequence[str] = (), regions: Sequence[str] = (),
                firms: Sequence[str] = (), psi: float = 1.0, sector: bool = True, days: int = 30,
                steps: int = 120) -> dict[str, Any]:
    """A shock to chain nodes (their firms), regions (every firm there: a lockdown) or firms,
    propagated through the workspace's whole firm network (GL cascade) and reported per chain node and
    per province, with the loss decomposition; at sector level, for the same shock (each sector's
    shocked share of revenue): supply-side inoperability of the IO table (static), and ARIO (a
    capacity cut lasting ``days`` days, recovered over as many, simulated for ``steps`` days)."""
    from ..core.iomodels.inoperability import InoperabilityModel
    from ..readers.chains import region_code

    if not 0.0 < psi <= 1.0:
        raise InputError(f"--psi must lie in (0, 1], got {psi}")
    if not (nodes or regions or firms):
        raise InputError("say what is shocked: --node, --region or --firm")
    ch = load_chain(ws, chain_id)
    for n in nodes:
        ch.node(n)
    cas, ent, tid = _network(ws, None, chain=ch)
    net = cas.network
    shocked: dict[str, float] = {}
    for n in nodes:
        for f in ch.firms_of(n)["firm_id"]:
            shocked[str(f)] = psi
    codes = []
    for r in regions:
        code = region_code(r)
        if code is None:
            raise ValidationError([Problem("--region", None, "region", r, "a GB/T 2260 region code or name")])
        codes.append(code)
        from ..core.chains.model import region_prefix

        pre = region_prefix(code)
        hit = ent.loc[ent["region"].astype(str).str.startswith(pre), "firm_id"]
        if hit.empty:
            raise NotFoundError(f"no enterprise in region {code}")
        for f in hit:
            shocked[str(f)] = psi
    for f in firms:
        if f not in net.index():
            raise NotFoundError(f"no firm {f!r} in the workspace network")
        shocked[str(f)] = psi
    ex = ccas.explain(cas, shocked)
    h = np.ones(net.n)
    if len(ex.firms):
        h[net.indices(ex.firms["firm"])] = ex.firms["h"].to_numpy()
    pos = net.index()
    s_out = net.s_out
    e = ent.set_index("firm_id")
    rows = []
    for node in ch.nodes.itertuples(index=False):
        fs = [str(f) for f in ch.firms_of(node.node_id)["firm_id"] if str(f) in pos]
        idx = np.array([pos[f] for f in fs], dtype=np.int64)
        sales = float(s_out[idx].sum()) if len(idx) else 0.0
        rev = pd.to_numeric(e.loc[fs, "revenue"], errors="coerce").fillna(0).to_numpy() if fs else np.zeros(0)
        lost_rev = float((rev * (1 - h[idx])).sum()) if len(idx) else 0.0
        rows.append({"node_id": node.node_id, "name": node.name, "firms": len(fs),
                     "firms_hit": int((h[idx] < 1).sum()) if len(idx) else 0,
                     "firms_shocked": sum(1 for f in fs if f in shocked),
                     "output_lost_share": lost_rev / rev.sum() if rev.sum() > 0 else None,
                     "output_lost": lost_rev,
                     "network_sales_lost_share": float((s_out[idx] * (1 - h[idx])).sum() / sales) if sales > 0 else None})
    by_node = pd.DataFrame(rows)
    # per province, chain firms only
    cf = [f for f in ch.firm_ids if f in pos]
    prov = pd.DataFrame({"firm": cf, "province": [str(e.at[f, "region"])[:2] + "0000" for f in cf],
                         "revenue": pd.to_numeric(e.loc[cf, "revenue"], errors="coerce").fillna(0).to_numpy(),
                         "h": [h[pos[f]] for f in cf]})
    prov["lost"] = prov["revenue"] * (1 - prov["h"])
    by_prov = prov.groupby("province").agg(firms=("firm", "size"), revenue=("revenue", "sum"),
                                           lost=("lost", "sum")).reset_index()
    by_prov["lost_share"] = by_prov["lost"] / by_prov["revenue"].where(by_prov["revenue"] > 0)
    by_prov = by_prov.sort_values("lost", ascending=False).reset_index(drop=True)
    out: dict[str, Any] = {"chain_id": chain_id, "shock": {"nodes": list(nodes), "regions": codes,
                                                          "firms": list(firms), "psi": psi},
                           "shocked_firms": len(shocked), "network_firms": net.n,
                           "firm_level": ex.to_dict(), "by_node": by_node, "by_province": by_prov,
                           "notes": ["firm level: GL cascade on the whole workspace network, essentiality from "
                                     f"IO table {tid} (input share >= 10% -> essential), no replaceability"]}
    if sector:
        _, table = _table(ws, noncompetitive=False)
        if table is not None:
            ind = ent["industry"].astype(str).str[:2].map(_division_sector())
            rev = pd.to_numeric(ent["revenue"], errors="coerce").fillna(0)
            hit = ent["firm_id"].astype(str).map(lambda f: shocked.get(f, 0.0))
            tot = rev.groupby(ind).sum()
            lost = (rev * hit).groupby(ind).sum()
            c = np.array([float(lost.get(s, 0.0) / tot[s]) if tot.get(s, 0) > 0 else 0.0 for s in table.sectors])
            secs = {str(n.io_sector) for n in ch.nodes.itertuples() if n.io_sector}
            try:
                q = np.asarray(InoperabilityModel(table, c=c, side="supply").run().q)
                out["sector_level"] = pd.DataFrame(
                    {"sector": list(table.sectors), "shock": c, "inoperability": q}).query("sector in @secs") \
                    .reset_index(drop=True)
            except Exception as err:  # an unproductive table: report, do not hide the firm level
                out["sector_level"] = {"unavailable": str(err)}
            out["sector_ario"] = _ario(table, c, secs, days, steps)
    return out


def _ario(table, c: np.ndarray, chain_sectors: set, days: int, steps: int) -> Any:
    """ARIO (core.iomodels) for a capacity cut c per sector: output lost per chain sector."""
    from ..core.iomodels.ario_events import CapacityCut
    from .ario import run_ario

    if days < 1 or steps < days:
        raise InputError(f"ARIO needs days >= 1 and steps >= days, got days={days}, steps={steps}")
    hit = {(table.regions[0], str(s)): float(v) for s, v in zip(table.sectors, c) if v > 0}
    if not hit:
        return {"unavailable": "the shock touches no sector's revenue"}
    try:
        r = run_ario(table, [CapacityCut(impact=hit, occurrence=1, duration=days, recovery_tau=days)],
                     steps=steps)
    except Exception as err:  # the firm-level answer stands without the dynamic one
        return {"unavailable": f"ARIO failed: {err}"}
    x0 = np.asarray(r.x0, dtype=float)
    sec = [str(s) for s in table.sectors]
    df = pd.DataFrame({"sector": sec, "capacity_cut": c, "output_loss": r.output_loss,
                       "relative_output_loss": r.output_loss / (x0 * steps)})
    df = df[df["sector"].isin(chain_sectors)].reset_index(drop=True) if chain_sectors else df
    return {"days": days, "steps": steps, "unit": table.unit, "summary": r.summary(), "chain_sectors": df}
