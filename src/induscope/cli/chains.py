"""`induscope chains ...`: list, show, assess, region, leader, shock, rules."""
from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from .common import emit, firm_names, handle_errors, region_names, state, with_names

app = typer.Typer(no_args_is_help=True)

_CHAIN = typer.Argument(..., help="Chain id (see `induscope chains list`).")


@app.command("list")
def list_cmd(ctx: typer.Context) -> None:
    """The chains in the workspace, with node and firm counts and their leaders."""
    with handle_errors(ctx):
        from ..services.chains import list_chains

        df = list_chains(state(ctx).workspace)
        emit(ctx, df, df)


@app.command("show")
def show(ctx: typer.Context, chain_id: str = _CHAIN) -> None:
    """A chain's nodes (upstream to downstream), the nodes each feeds, firms per node, leaders."""
    with handle_errors(ctx):
        from ..services.chains import show_chain

        d = show_chain(state(ctx).workspace, chain_id)
        if state(ctx).json:
            emit(ctx, d)
            return
        emit(ctx, {k: v for k, v in d.items() if k not in ("nodes", "edges")})
        emit(ctx, d["nodes"], d["nodes"])


@app.command("rules")
def rules(ctx: typer.Context,
          out: Optional[Path] = typer.Option(None, "--out", help="Write the default rule set to this JSON "
                                                                 "file (edit it, then pass --rules).")) -> None:
    """The default node-verdict rule set (weak / strong), as editable JSON."""
    with handle_errors(ctx):
        from ..core.chains.rules import default_rules

        r = default_rules()
        if out is not None:
            from .._files import atomic_file

            with atomic_file(out) as tmp:
                Path(tmp).write_text(json.dumps(r, ensure_ascii=False, indent=2), encoding="utf-8")
            emit(ctx, {"written": str(out)})
            return
        if state(ctx).json:
            emit(ctx, r)
        else:
            typer.echo(json.dumps(r, ensure_ascii=False, indent=2))


@app.command("assess")
def assess(ctx: typer.Context, chain_id: str = _CHAIN,
           out: Optional[Path] = typer.Option(None, "--out", help="Write one row per node to this CSV."),
           rules: Optional[Path] = typer.Option(None, "--rules", help="Rule set JSON (default: built in; "
                                                                      "see `induscope chains rules`).")) -> None:
    """Weak (短板) / strong (长板) / neutral verdict of every node, with the figures and fired rules."""
    with handle_errors(ctx):
        from ..readers.chains import read_rules
        from ..services.chains import assess_chain

        rs = read_rules(rules) if rules is not None else None
        r = assess_chain(state(ctx).workspace, chain_id, rules=rs, out=out)
        if state(ctx).json:
            emit(ctx, {**r.summary(), "out": str(out) if out else None, "nodes": r.nodes})
            return
        emit(ctx, r.summary())
        emit(ctx, r.nodes[["node_id", "verdict", "reasons", "suppliers", "firm_hhi", "import_dependence",
                           "coverage", "exposure", "cannot_assess"]])


@app.command("region")
def region(ctx: typer.Context, chain_id: str = _CHAIN,
           region_code: str = typer.Option(..., "--region", help="GB/T 2260 province (code or name) or a "
                                                                 "6-digit city code."),
           out: Optional[Path] = typer.Option(None, "--out", help="Write one row per node to this CSV."),
           top: int = typer.Option(5, "--top", help="Candidates per missing or thin node.")) -> None:
    """Regional completeness: nodes present / thin / missing, and whom to attract (招商清单)."""
    with handle_errors(ctx):
        from ..services.chains import region_completeness

        r = region_completeness(state(ctx).workspace, chain_id, region_code, out=out, top=top)
        d = r.to_dict()
        if state(ctx).json:
            emit(ctx, {**d, "out": str(out) if out else None})
            return
        emit(ctx, {k: v for k, v in d.items() if k not in ("nodes", "candidates", "buys_from")})
        emit(ctx, r.nodes[["node_id", "name", "status", "local_suppliers", "local_share", "candidates"]])
        if len(r.candidates):
            top20 = with_names(r.candidates.head(20), "firm_id", firm_names(ctx), "firm_name")
            emit(ctx, with_names(top20, "region", region_names()))


@app.command("leader")
def leader(ctx: typer.Context, chain_id: str = _CHAIN,
           firm: Optional[str] = typer.Option(None, "--firm", help="Leader firm id (default: the chain's "
                                                                  "first marked leader)."),
           tiers: int = typer.Option(3, "--tiers", help="Supplier tiers to follow."),
           top: int = typer.Option(3, "--top", help="Alternatives per single point of failure.")) -> None:
    """A chain leader's multi-tier suppliers, single points of failure and ranked alternatives."""
    with handle_errors(ctx):
        from ..services.chains import leader as run

        v = run(state(ctx).workspace, chain_id, firm, max_tier=tiers, top=top)
        d = v.to_dict()
        if state(ctx).json:
            emit(ctx, d)
            return
        names = firm_names(ctx)
        emit(ctx, {"leader": f"{v.leader} {names.get(v.leader, '')}".strip(),
                   "suppliers_by_tier": d["suppliers_by_tier"], "smes": d["smes"],
                   "single_points_of_failure": len(v.spofs)})
        if len(v.spofs):
            spofs = v.spofs.head(20)
            for col in ("supplier", "customer"):
                spofs = with_names(spofs, col, names)
            emit(ctx, spofs)


@app.command("shock")
def shock(ctx: typer.Context, chain_id: str = _CHAIN,
          node: Optional[List[str]] = typer.Option(None, "--node", help="Shocked node (its firms; repeat)."),
          region_code: Optional[List[str]] = typer.Option(None, "--region", help="Region lockdown (repeat)."),
          firm: Optional[List[str]] = typer.Option(None, "--firm", help="Shocked firm (repeat)."),
          psi: float = typer.Option(1.0, "--psi", help="Capacity lost by the shocked firms (0..1]."),
          days: int = typer.Option(30, "--days", help="Sector level (ARIO): days the capacity cut lasts "
                                                     "(recovered over as many)."),
          steps: int = typer.Option(120, "--steps", help="Sector level (ARIO): days simulated."),
          out: Optional[Path] = typer.Option(None, "--out", help="Write the per-node result to this CSV.")) -> None:
    """A shock to nodes, regions or firms: losses per chain node and province, and why (direct /
    downstream / upstream, by step, the firms and links the loss passed through)."""
    with handle_errors(ctx):
        from ..services.chains import _atomic_csv, chain_shock

        r = chain_shock(state(ctx).workspace, chain_id, nodes=node or [], regions=region_code or [],
                        firms=firm or [], psi=psi, days=days, steps=steps)
        if out is not None:
            _atomic_csv(r["by_node"], out)
        if state(ctx).json:
            emit(ctx, r)
            return
        fl = r["firm_level"]
        emit(ctx, {"shocked_firms": r["shocked_firms"], "network_firms": r["network_firms"],
                   "loss_share": fl["loss_share"], "direct": fl["direct_share"],
                   "downstream": fl["downstream_share"], "upstream": fl["upstream_share"],
                   "amplification": fl["amplification"]})
        if fl["note"]:
            typer.echo(fl["note"])
        emit(ctx, r["by_node"])
