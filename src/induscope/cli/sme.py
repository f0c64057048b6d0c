"""`induscope sme ...`: SME gradient cultivation (template, evaluate, explain, certificates, registry)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from .common import ENCODING_OPTION, SHEET_OPTION, emit, handle_errors, out_console, state

app = typer.Typer(no_args_is_help=True)
certs_app = typer.Typer(no_args_is_help=True, help="Tier certificates: import, due list, pipeline, revocations, changes.")
registry_app = typer.Typer(no_args_is_help=True, help="Digital-transformation registry: platforms, 5G projects, 5G factories.")
app.add_typer(certs_app, name="certs")
app.add_typer(registry_app, name="registry")


def _dataset(prefix: str) -> typer.Option:
    return typer.Option(None, "--dataset", help=f"Dataset id the rows are recorded under (default: {prefix}_ and "
                                                "the file name without suffix).")


DATE_HELP = "Evaluation date YYYY-MM-DD: picks the rule set in force (2022-63 to 2026-03-31, 2026-2 from 2026-04-01)."


@app.command("template")
def template(ctx: typer.Context, out: Path = typer.Option(..., "--out", help="The .xlsx file to write.")) -> None:
    """Write the batch template (Chinese and English headers; money in 10,000 CNY, ratios in percent)."""
    from ..services.sme import write_template

    with handle_errors(ctx):
        emit(ctx, write_template(out))


@app.command("evaluate")
def evaluate(ctx: typer.Context,
             file: Optional[Path] = typer.Argument(None, help="CSV or XLSX batch, one row per enterprise."),
             date: str = typer.Option(..., "--date", help=DATE_HELP),
             province: Optional[str] = typer.Option(None, "--province", help="Province code or name (local indicators)."),
             out: Optional[Path] = typer.Option(None, "--out", help="CSV: one row per enterprise and tier."),
             local_rules: Optional[Path] = typer.Option(None, "--local-rules", help="JSON: the province's local indicators."),
             workspace_firms: bool = typer.Option(False, "--workspace-firms", help="Evaluate the workspace's enterprises instead of a file."),
             encoding: str = ENCODING_OPTION,
             sheet: Optional[str] = SHEET_OPTION) -> None:
    """Evaluate every enterprise against the innovative, SRDI and little-giant tiers."""
    from ..services.sme import evaluate_file, evaluate_workspace

    with handle_errors(ctx):
        if workspace_firms == (file is not None):
            from ..errors import InputError

            raise InputError("give a batch FILE or --workspace-firms (one of them)")
        if file is not None:
            _, summary = evaluate_file(file, date=date, province=province, out=out, local_rules=local_rules,
                                       encoding=encoding, sheet=sheet)
        else:
            _, summary = evaluate_workspace(state(ctx).workspace, date=date, province=province, out=out,
                                            local_rules=local_rules)
        human = dict(summary)
        human["results"] = "; ".join(f"{t}: " + ", ".join(f"{k} {v}" for k, v in c.items())
                                     for t, c in summary["results"].items())
        emit(ctx, summary, human)


@app.command("explain")
def explain(ctx: typer.Context,
            file: Optional[Path] = typer.Argument(None, help="CSV or XLSX batch."),
            firm: str = typer.Option(..., "--firm", help="firm_id of the enterprise."),
            date: str = typer.Option(..., "--date", help=DATE_HELP),
            province: Optional[str] = typer.Option(None, "--province"),
            local_rules: Optional[Path] = typer.Option(None, "--local-rules"),
            workspace_firms: bool = typer.Option(False, "--workspace-firms", help="Explain a workspace enterprise."),
            encoding: str = ENCODING_OPTION,
            sheet: Optional[str] = SHEET_OPTION) -> None:
    """Print the full explanation: values, bands, points, conditions, direct route, next-tier gaps."""
    from ..services.sme import explain_file, explain_workspace

    with handle_errors(ctx):
        if workspace_firms == (file is not None):
            from ..errors import InputError

            raise InputError("give a batch FILE or --workspace-firms (one of them)")
        if file is not None:
            d = explain_file(file, firm, date=date, province=province, local_rules=local_rules,
                             encoding=encoding, sheet=sheet)
        else:
            d = explain_workspace(state(ctx).workspace, firm, date=date, province=province)
        if state(ctx).json:
            emit(ctx, {k: v for k, v in d.items() if k != "text"})
        else:
            out_console.print(d["text"], markup=False, highlight=False, soft_wrap=True)


@app.command("rules")
def rules(ctx: typer.Context) -> None:
    """The rule sets shipped (effective dates, tiers, sources' confidence)."""
    from ..services.sme import list_rulesets

    with handle_errors(ctx):
        emit(ctx, list_rulesets())


@app.command("digital-level")
def digital_level(ctx: typer.Context,
                  score: Optional[float] = typer.Option(None, "--score", help="Total score 0-100."),
                  date: Optional[str] = typer.Option(None, "--date", help="Picks the edition (default today)."),
                  edition: Optional[str] = typer.Option(None, "--edition", help="2022-32 or 2024-56.")) -> None:
    """SME digitalisation level (1-4) from the evaluation score, and its SRDI indicator-5 points."""
    from ..services.digital import digital_level as run

    with handle_errors(ctx):
        emit(ctx, run(score=score, date=date, edition_id=edition))


@certs_app.command("import")
def certs_import(ctx: typer.Context, file: Path = typer.Argument(...),
                 dataset: Optional[str] = _dataset("sme_certs"),
                 encoding: str = ENCODING_OPTION,
                 sheet: Optional[str] = SHEET_OPTION) -> None:
    """Import a certificate list (firm_id, tier, issued; optional expires, cert_id, region, ...)."""
    from ..services.sme import import_certificates

    with handle_errors(ctx):
        emit(ctx, import_certificates(state(ctx).workspace, file, dataset_id=dataset, encoding=encoding, sheet=sheet))


@certs_app.command("due")
def certs_due(ctx: typer.Context, months: int = typer.Option(6, "--months", help="Window in months."),
              as_of: Optional[str] = typer.Option(None, "--as-of", help="YYYY-MM-DD (default today)."),
              tier: Optional[str] = typer.Option(None, "--tier"),
              out: Optional[Path] = typer.Option(None, "--out", help="Also write the list as CSV.")) -> None:
    """Certificates whose 3-year validity ends within the next N months (re-review due)."""
    from .._files import write_csv
    from ..services.sme import due_certificates

    with handle_errors(ctx):
        frame = due_certificates(state(ctx).workspace, months=months, as_of=as_of, tier=tier)
        if out is not None:
            write_csv(frame, out, index=False, create_parent=False)
        emit(ctx, frame)


@certs_app.command("stats")
def certs_stats(ctx: typer.Context,
                by: List[str] = typer.Option(["region"], "--by", help="region, industry, division, chain_node, cluster (repeatable)."),
                as_of: Optional[str] = typer.Option(None, "--as-of")) -> None:
    """Pipeline statistics: valid / due / expired / revoked certificates by tier and the chosen keys."""
    from ..services.sme import pipeline_stats

    with handle_errors(ctx):
        emit(ctx, pipeline_stats(state(ctx).workspace, by=by, as_of=as_of))


@certs_app.command("revoke")
def certs_revoke(ctx: typer.Context, cert_id: str = typer.Argument(...),
                 date: str = typer.Option(..., "--date"),
                 cause: str = typer.Option(..., "--cause", help="major_accident, false_materials, abnormal_operation_list, "
                                                                "serious_dishonesty_list, violation, other")) -> None:
    """Revoke a certificate with its cause."""
    from ..services.sme import revoke_certificate

    with handle_errors(ctx):
        emit(ctx, revoke_certificate(state(ctx).workspace, cert_id, date=date, cause=cause))


@certs_app.command("change")
def certs_change(ctx: typer.Context, firm_id: str = typer.Argument(...),
                 kind: str = typer.Option(..., "--kind", help="rename, merger, restructuring, relocation, overseas_branch, other"),
                 occurred: str = typer.Option(..., "--occurred"),
                 reported: Optional[str] = typer.Option(None, "--reported"),
                 note: Optional[str] = typer.Option(None, "--note")) -> None:
    """Record a major change (to be reported within 3 months)."""
    from ..services.sme import report_change

    with handle_errors(ctx):
        emit(ctx, report_change(state(ctx).workspace, firm_id, kind=kind, occurred=occurred, reported=reported,
                                note=note))


@certs_app.command("changes")
def certs_changes(ctx: typer.Context, overdue: bool = typer.Option(False, "--overdue"),
                  as_of: Optional[str] = typer.Option(None, "--as-of")) -> None:
    """Major changes recorded (--overdue: not reported within 3 months, or reported late)."""
    from ..services.sme import list_changes

    with handle_errors(ctx):
        emit(ctx, list_changes(state(ctx).workspace, overdue_only=overdue, as_of=as_of))


@registry_app.command("import")
def registry_import(ctx: typer.Context, file: Path = typer.Argument(...),
                    dataset: Optional[str] = _dataset("dt_registry"),
                    encoding: str = ENCODING_OPTION,
                    sheet: Optional[str] = SHEET_OPTION) -> None:
    """Import registry items (kind, name, year; optional item_id, firm_id, region, industry, list_name)."""
    from ..services.digital import import_registry

    with handle_errors(ctx):
        emit(ctx, import_registry(state(ctx).workspace, file, dataset_id=dataset, encoding=encoding, sheet=sheet))


@registry_app.command("counts")
def registry_counts(ctx: typer.Context, kind: Optional[str] = typer.Option(None, "--kind"),
                    by: Optional[str] = typer.Option(None, "--by", help="region, division or industry (default: over time).")) -> None:
    """Counts over time (new, cumulative, divisions and regions covered), or by region/industry."""
    from ..services.digital import registry_by, registry_indicators

    with handle_errors(ctx):
        ws = state(ctx).workspace
        emit(ctx, registry_by(ws, by=by, kind=kind) if by else registry_indicators(ws, kind=kind))
