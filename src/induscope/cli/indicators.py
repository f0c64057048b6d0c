"""`induscope indicators ...` commands: NBS-method growth, year-to-date, contribution and pull, report card."""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .common import choices, emit, handle_errors, place_label, state

app = typer.Typer(no_args_is_help=True)


Measure = choices("Measure", "yoy", "ytd", "two_year")
ContributionMeasure = choices("ContributionMeasure", "yoy", "ytd")
By = choices("By", "division", "section", "province", "macro_region")


def _region(text: str) -> str:
    """A province by name or code ('上海', 'Shanghai', '310000'), the nation, or a macro-region as is."""
    from .. import reference

    return reference.normalize_region(text) or text.strip()


def _industry(text: str) -> str:
    """An industry code as stored ('7' -> '07', 'c' -> 'C')."""
    from .. import reference

    return reference.normalize_industry(text) or text


def _with_names(frame):
    """Names beside the region and industry codes of a result table."""
    from .common import industry_names, region_names, with_names

    for col, names in (("region", region_names), ("province", region_names), ("industry", industry_names),
                       ("division", industry_names), ("section", industry_names), ("part", None)):
        if col in getattr(frame, "columns", ()):
            frame = with_names(frame, col, names() if names else {**region_names(), **industry_names()})
    return frame

_REGION = typer.Option("000000", "--region", "-r", help="Province: GB/T 2260 code or name (310000, 上海, "
                       "Shanghai); 000000 or 全国 = nation; or a macro-region (east, central, west, northeast).")
_INDUSTRY = typer.Option("BCD", "--industry", "-i", help="Division (06..46; 7 = 07), section (B, C, D), BCD = "
                         "industry, EQ = equipment manufacturing.")
_VINTAGE = typer.Option(None, "--vintage", help="Data vintage to use (as known at this date); default latest.")
_INDICATOR = typer.Option("value_added", "--indicator", help="Indicator in the workspace series (value_added, "
                          "export_delivery_value, profits, ...).")
_SUBJECT = typer.Option("", "--subject", help="A series' own subject as imported (a park, a cluster, a key "
                        "enterprise, a chain node: e.g. zj-park); default: the region x industry series itself.")


def _growth(ctx: typer.Context, measure: str, indicator: str, region: str, industry: str, vintage: Optional[str],
            start: Optional[str], end: Optional[str], price_basis: Optional[str], subject: str = "") -> None:
    from ..core.indicators.vocabulary import indicator_label
    from ..services.indicators import indicator_growth

    with handle_errors(ctx):
        bundle = indicator_growth(state(ctx).workspace, indicator, region=_region(region),
                                  industry=_industry(industry), measure=measure, vintage=vintage,
                                  price_basis=price_basis, start=start, end=end, subject=subject)
        wide = bundle.wide()
        about = f", subject {subject}" if subject else ""
        where = place_label(_region(region), _industry(industry))
        emit(ctx, bundle, wide, title=f"{indicator_label(indicator)}: growth {measure} (%), {where}{about}",
             units={c: "%" for c in wide.columns if c != "period"})


@app.command("growth")
def growth(ctx: typer.Context, indicator: str = _INDICATOR, region: str = _REGION, industry: str = _INDUSTRY,
           measure: Measure = typer.Option(Measure.yoy.value, "--measure", "-m", help="yoy, ytd or two_year."),
           vintage: Optional[str] = _VINTAGE,
           start: Optional[str] = typer.Option(None, "--start", help="First period shown (e.g. 2024-02)."),
           end: Optional[str] = typer.Option(None, "--end", help="Last period shown."),
           price_basis: Optional[str] = typer.Option(None, "--price-basis", help="Levels to use (default: constant "
                                                     "prices if stored, else current)."),
           subject: str = _SUBJECT) -> None:
    """Growth (%) derived from levels, beside the published comparable-sample rate where stored."""
    _growth(ctx, measure.value, indicator, region, industry, vintage, start, end, price_basis, subject)


@app.command("ytd")
def ytd(ctx: typer.Context, indicator: str = _INDICATOR, region: str = _REGION, industry: str = _INDUSTRY,
        vintage: Optional[str] = _VINTAGE, start: Optional[str] = typer.Option(None, "--start"),
        end: Optional[str] = typer.Option(None, "--end"),
        price_basis: Optional[str] = typer.Option(None, "--price-basis"), subject: str = _SUBJECT) -> None:
    """Year-to-date growth (%): ratio of cumulative levels (January-February merged)."""
    _growth(ctx, "ytd", indicator, region, industry, vintage, start, end, price_basis, subject)


@app.command("contribution")
def contribution(ctx: typer.Context, period: str = typer.Argument(..., help="Period, e.g. 2022-04 or 2024Q2."),
                 by: By = typer.Option(By.section.value, "--by", help="division, section, province or macro_region."),
                 indicator: str = _INDICATOR, region: str = _REGION, industry: str = _INDUSTRY,
                 measure: ContributionMeasure = typer.Option(ContributionMeasure.yoy.value, "--measure", "-m",
                                                             help="yoy or ytd."),
                 vintage: Optional[str] = _VINTAGE, subject: str = _SUBJECT) -> None:
    """Contribution rate (%) and pull (points) of each part to the growth of the whole (of one subject's
    series with --subject: a park's divisions)."""
    from ..services.indicators import contribution_breakdown

    with handle_errors(ctx):
        res = contribution_breakdown(state(ctx).workspace, period, indicator, by=by.value, region=_region(region),
                                     industry=_industry(industry), measure=measure.value, vintage=vintage,
                                     subject=subject)
        emit(ctx, res, _with_names(res.to_frame()))


@app.command("report-card")
def report_card(ctx: typer.Context,
                official: Path = typer.Option(..., "--official", exists=True, dir_okay=False,
                                              help="Official figures CSV (indicator, year, value, unit, source_url)."),
                current_prices: Path = typer.Option(..., "--current-prices", exists=True, dir_okay=False,
                                                    help="NBS quarterly export, current prices."),
                indices: Path = typer.Option(..., "--indices", exists=True, dir_okay=False,
                                             help="NBS quarterly export, indices (preceding year = 100).")) -> None:
    """Industry's and manufacturing's contribution and pull to GDP growth: 2022 preliminary vs current
    vintage, 2022-2025, with every input and its source."""
    from ..services.indicators import report_card_2022, report_card_table

    with handle_errors(ctx):
        res = report_card_2022(official, current_prices, indices)
        payload = {"published": res["published"], "preliminary": res["preliminary"],
                   "official_only": res["official_only"],
                   "current": {str(y): c for y, c in res["current"].items()},
                   "vintage_difference": res["vintage_difference"]}
        emit(ctx, payload, report_card_table(res))
