"""Reference classifications shipped as package data, loaded on demand (and cached).

- GB/T 4754-2017 sections and the 97 divisions
- the NBS 42-sector input-output classification and its concordance to divisions
- the high-tech manufacturing classification (2017, six categories)
- the 31 provincial-level regions with GB/T 2260 codes and the NBS macro-regions

Every loader returns a fresh copy of a DataFrame; codes are strings (leading zeros kept).
"""
from __future__ import annotations

from functools import lru_cache
from importlib.resources import files

import pandas as pd

#: the nation as a region code (GB/T 2260 reserves 000000 for no region; NBS uses 全国)
NATION = "000000"

#: aggregates over GB/T 4754 codes accepted wherever an industry code is expected
INDUSTRY_AGGREGATES: dict[str, str] = {
    "TOTAL": "all industries (whole economy)",
    "BCD": "industry (sections B, C, D: mining, manufacturing, utilities)",
    "HT": "high-tech manufacturing (2017 classification)",
    "EQ": "equipment manufacturing (divisions 33-40)",
}


@lru_cache(maxsize=None)
def _read(name: str) -> pd.DataFrame:
    with files(__package__).joinpath("data", name).open("r", encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def gbt4754_sections() -> pd.DataFrame:
    """Sections A-T: code, name_zh, name_en, first_division, last_division."""
    return _read("gbt4754_2017_sections.csv").copy()


def gbt4754_divisions() -> pd.DataFrame:
    """The 97 divisions: code, section, name_zh, name_en, is_industry, is_manufacturing."""
    d = _read("gbt4754_2017_divisions.csv").copy()
    d["is_industry"] = d["section"].isin(["B", "C", "D"])
    d["is_manufacturing"] = d["section"].eq("C")
    return d


def industrial_divisions() -> list[str]:
    """The 41 divisions of industry (B, C, D: 06-46), as NBS monthly statistics cover them."""
    d = gbt4754_divisions()
    return d.loc[d["is_industry"], "code"].tolist()


def nbs_io42_sectors() -> pd.DataFrame:
    """The 42 input-output sectors: code, name_zh, name_en, divisions (space-separated)."""
    return _read("nbs_io42_sectors.csv").copy()


def io42_division_concordance() -> pd.DataFrame:
    """Long concordance: io42 code -> GB/T 4754 division code (every division exactly once)."""
    s = nbs_io42_sectors()
    rows = [(r.code, div) for r in s.itertuples() for div in r.divisions.split()]
    return pd.DataFrame(rows, columns=["io42", "division"])


def hightech_manufacturing() -> pd.DataFrame:
    """High-tech manufacturing (2017): category, names, 4-digit GB/T 4754 class codes."""
    d = _read("hightech_manufacturing_2017.csv").copy()
    d["division"] = d["class_code"].str[:2]
    return d


def provinces() -> pd.DataFrame:
    """The 31 provincial-level regions: code (GB/T 2260), names, macro_region."""
    return _read("provinces_gbt2260.csv").copy()


@lru_cache(maxsize=None)
def _known_classes() -> frozenset[str]:
    """Division codes plus every class code we ship; finer codes are checked at division level."""
    return frozenset(gbt4754_divisions()["code"]) | frozenset(hightech_manufacturing()["class_code"])


def is_known_region(code: str) -> bool:
    return code == NATION or code in set(provinces()["code"])


def is_known_industry(code: str) -> bool:
    """True for a GB/T 4754-2017 section letter, a division, a 3- or 4-digit code inside a known
    division (optionally prefixed by its section letter, e.g. C3973), or an aggregate in
    ``INDUSTRY_AGGREGATES``."""
    code = code.strip()
    if code in INDUSTRY_AGGREGATES:
        return True
    sections = set(gbt4754_sections()["code"])
    if code in sections:
        return True
    if code[:1] in sections and code[1:].isdigit():
        prefix, code = code[:1], code[1:]
        div = gbt4754_divisions().set_index("code")["section"].get(code[:2])
        if div != prefix:
            return False
    if not code.isdigit() or len(code) not in (2, 3, 4):
        return False
    return code[:2] in _known_classes()


def division_section(division: str) -> str | None:
    return gbt4754_divisions().set_index("code")["section"].get(division)


# ---------------------------------------------------------------------------------------------
# the one region and industry normaliser (readers, CLI options and the API use it)

#: spellings of the whole nation accepted as a region (compared upper-cased); stored as NATION
NATION_ALIASES = ("000000", "CN", "CHN", "全国", "NATIONAL", "CHINA", "全国合计")

_REGION_SUFFIX = r"(壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$"


@lru_cache(maxsize=1)
def _region_spellings() -> dict[str, str]:
    """Accepted region spellings -> GB/T 2260 code: the code, the Chinese full, bare and
    one-character names, the English name (any case). Not the bare 2-digit prefix: '36' in a
    region column is more likely an industry code in the wrong column than Jiangxi."""
    import re

    out: dict[str, str] = {}
    for r in provinces().itertuples(index=False):
        bare = re.sub(_REGION_SUFFIX, "", str(r.name_zh))
        for key in (r.code, r.name_zh, bare, r.short_zh, str(r.name_en).upper()):
            if key:
                out[str(key).strip()] = r.code
    return out


def normalize_region(text: object, *, allow_nation: bool = True) -> str | None:
    """A region spelling -> its GB/T 2260 code ('上海', '上海市', '沪', 'Shanghai', '310000' ->
    '310000'; '全国', 'CN' -> NATION when ``allow_nation``). None when unknown."""
    t = cell_text(text)
    if not t:
        return None
    if t.upper() in NATION_ALIASES:
        return NATION if allow_nation else None
    known = _region_spellings()
    return known.get(t, known.get(t.upper()))


def region_label(code: str) -> str:
    """'310000' -> '310000 上海市 Shanghai' (the code alone when unknown)."""
    if code == NATION:
        return f"{NATION} 全国 China"
    p = provinces().set_index("code")
    if code in p.index:
        return f"{code} {p.at[code, 'name_zh']} {p.at[code, 'name_en']}"
    return code


def industry_label(code: str) -> str:
    """'39' -> '39 计算机、通信和其他电子设备制造业 Manufacture of computers, ...'; a section or an
    aggregate likewise (the code alone when unknown)."""
    for table in (gbt4754_divisions(), gbt4754_sections()):
        t = table.set_index("code")
        if code in t.index:
            return f"{code} {t.at[code, 'name_zh']} {t.at[code, 'name_en']}"
    return f"{code} {INDUSTRY_AGGREGATES.get(code, '')}".strip()


def normalize_industry(text: object) -> str:
    """An industry code as stored: stripped, upper-case letters, a lone digit zero-padded (Excel
    drops the zero of '07'), integral floats without '.0'. Whether it is known: ``is_known_industry``."""
    t = cell_text(text).upper()
    return "0" + t if len(t) == 1 and t.isdigit() else t


def cell_text(v: object) -> str:
    """A cell as text: stripped, '' for None and NaN, integral floats without '.0' (Excel's 7.0)."""
    if v is None:
        return ""
    if isinstance(v, float):
        if v != v:
            return ""
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


#: every classification by the name the CLI and the API use
CLASSIFICATIONS = {
    "divisions": gbt4754_divisions, "sections": gbt4754_sections, "io42": nbs_io42_sectors,
    "io42-concordance": io42_division_concordance, "hightech": hightech_manufacturing, "provinces": provinces,
}

__all__ = [
    "CLASSIFICATIONS",
    "NATION", "INDUSTRY_AGGREGATES", "gbt4754_sections", "gbt4754_divisions", "industrial_divisions",
    "nbs_io42_sectors", "io42_division_concordance", "hightech_manufacturing", "provinces",
    "is_known_region", "is_known_industry", "division_section",
    "NATION_ALIASES", "normalize_region", "normalize_industry", "region_label", "industry_label",
]
