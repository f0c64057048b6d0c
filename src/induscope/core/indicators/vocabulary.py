"""The indicator vocabulary: canonical indicator names with Chinese and English aliases, and the
price bases of published growth rates. One place: readers map spellings with it, services and the
CLI name series with it (``工业增加值`` and ``industrial value added`` are ``value_added``).

``kind`` says how the early warnings read a series of the indicator: ``growth`` (levels or published
YoY / YTD rates: contraction, noise-scaled deviations, year-to-date falls), ``diffusion`` (an index
around 50: runs below 50 and deep readings), ``level`` (enterprise flows: sharp drops).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IndicatorTerm:
    name: str
    zh: str
    en: str
    kind: str                         # growth, diffusion, level
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"{self.zh} {self.en}"


INDICATORS: tuple[IndicatorTerm, ...] = (
    IndicatorTerm("value_added", "工业增加值", "industrial value added", "growth",
                  ("规模以上工业增加值", "规上工业增加值", "增加值", "工业增加值增速", "value added", "IVA",
                   "industrial_value_added", "value_added_industry")),
    IndicatorTerm("output_value", "工业总产值", "gross industrial output value", "growth",
                  ("总产值", "工业产值", "产值", "output value", "gross output")),
    IndicatorTerm("revenue", "营业收入", "operating revenue", "growth", ("主营业务收入", "营收", "sales revenue")),
    IndicatorTerm("profits", "利润总额", "total profits", "growth", ("利润", "工业企业利润", "profit")),
    IndicatorTerm("export_delivery_value", "出口交货值", "export delivery value", "growth",
                  ("export delivery", "出口交货")),
    IndicatorTerm("fixed_asset_investment", "固定资产投资", "fixed-asset investment", "growth",
                  ("投资", "工业投资", "制造业投资", "FAI", "investment")),
    IndicatorTerm("electricity_consumption", "用电量", "electricity consumption", "growth",
                  ("全社会用电量", "工业用电量", "power consumption", "power_consumption")),
    IndicatorTerm("freight", "货运量", "freight volume", "growth", ("货物运输量", "freight volume")),
    IndicatorTerm("pmi_manufacturing", "制造业采购经理指数", "manufacturing PMI", "diffusion",
                  ("制造业PMI", "PMI", "采购经理指数", "manufacturing pmi", "pmi")),
    IndicatorTerm("capacity_utilisation", "产能利用率", "capacity utilisation", "level",
                  ("capacity utilization", "工业产能利用率")),
)

#: price bases of published growth rates (stored spelling -> aliases)
GROWTH_BASES: dict[str, tuple[str, ...]] = {
    "growth_yoy_pct": ("growth_pct", "yoy_growth_pct", "yoy_pct", "同比", "当月同比", "同比增长"),
    "growth_ytd_pct": ("ytd_growth_pct", "ytd_pct", "累计同比", "累计增长", "1-N月累计同比"),
}


def _key(s: object) -> str:
    return str(s).strip().lower().replace(" ", "").replace("-", "").replace("_", "")


_BY_KEY: dict[str, IndicatorTerm] = {}
for _t in INDICATORS:
    for _s in (_t.name, _t.zh, _t.en, *_t.aliases):
        _BY_KEY.setdefault(_key(_s), _t)
_BASIS_KEY = {_key(a): b for b, al in GROWTH_BASES.items() for a in (b, *al)}


def term(name: object) -> IndicatorTerm | None:
    """The vocabulary entry of an indicator spelling (canonical, Chinese, English or alias)."""
    return _BY_KEY.get(_key(name))


def canonical_indicator(name: object) -> str:
    """An indicator spelling as stored: '工业增加值' -> 'value_added'; unknown names unchanged
    (stripped), so users may keep indicators of their own."""
    t = term(name)
    return t.name if t is not None else str(name).strip()


def indicator_label(name: str) -> str:
    """'value_added' -> '工业增加值 industrial value added' (the name itself when unknown)."""
    t = term(name)
    return t.label if t is not None else name


def growth_basis(name: object) -> str | None:
    """'growth_pct' / '同比' -> 'growth_yoy_pct'; 'ytd_growth_pct' -> 'growth_ytd_pct'; else None."""
    return _BASIS_KEY.get(_key(name))


def basis_spellings(basis: str) -> tuple[str, ...]:
    """The stored spelling of a growth basis and every alias (stored data may use an old spelling)."""
    return (basis, *GROWTH_BASES.get(basis, ()))


def expected_indicators() -> str:
    return ", ".join(f"{t.name} ({t.zh})" for t in INDICATORS)


def monitoring_note(indicator: str, price_basis: str) -> str | None:
    """Why the early warnings cannot use a stored series of this indicator and price basis (None when
    they can): for importers to say at import time what a later scan would otherwise say."""
    t = term(indicator)
    if t is None:
        return (f"indicator {indicator!r} is not in the indicator vocabulary ({expected_indicators()}): it can be "
                "watched only as series:INDICATOR/REGION/INDUSTRY, with the growth rules")
    basis = str(price_basis)
    if t.kind == "diffusion" or basis in GROWTH_BASES or growth_basis(basis) is not None:
        return None
    if basis.startswith(("constant", "current", "index_base")):
        return None
    return (f"{t.name} with price basis {basis!r}: the scan reads published growth (growth_yoy_pct, "
            "growth_ytd_pct) or levels (constant_YYYY, current, index_base_100)")
