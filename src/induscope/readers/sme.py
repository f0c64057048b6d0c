"""SME batch files (CSV or XLSX, one row per enterprise) for tier evaluation, and the template.

Columns are those of ``core.sme.columns`` (money in 10,000 CNY, ratios in percent). Headers may be
the machine names (``rd_expense``), the template's "name label（unit）" cells, or the Chinese labels.
Every problem is reported at once with row, column, value and what was expected; nothing is
evaluated or written while any remains. A column that is absent is not a problem (the rules that need
it cannot be evaluated), but a misspelt one is (it would look absent).
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..core.sme.columns import BY_NAME, COLUMNS, NUMERIC_KINDS
from .._files import atomic_file
from ..errors import InputError, ProblemCollector
from .columns import (MISSING_TOKENS, _norm_header, as_text, duplicate_rows, industry_known, map_columns,
                      normalize_code, normalize_regions, numeric_column, report_rows, strip_section)
from .sheets import open_sheet

_TRUE = {"yes", "y", "true", "t", "1", "1.0", "是", "有", "√"}
_FALSE = {"no", "n", "false", "f", "0", "0.0", "否", "无", "×"}
_ENUM_MISSING = MISSING_TOKENS - {"none"}
# Chinese spellings accepted for the enumerations (the canonical values are the English words)
_ENUM_SYNONYMS = {
    "chain_role": {"补短板": "breakthrough", "锻长板": "breakthrough", "填空白": "breakthrough",
                   "关键环节": "breakthrough", "六基": "foundation", "基础": "foundation", "无": "none", "其他": "none"},
    "ip_level": {"无": "none", "ⅱ类": "class2", "ii类": "class2", "ⅰ类": "class1", "i类": "class1",
                 "自主研发ⅰ类": "class1_own", "ⅰ类高价值": "class1_high_value"},
    "rd_institution": {"无": "none", "未建立": "none", "市级以下": "below_city", "市级": "city",
                       "省级": "provincial", "国家级": "national"},
    "sci_award": {"无": "none", "其他": "other"},
    "maker_china": {"无": "none", "全国500强": "national_500", "全国50强": "national_50"},
}
_SPLIT = re.compile(r"[\s|｜/（(\[【]")
_UNIT_TAIL = re.compile(r"\s*[（(\[【][^）)\]】]*[）)\]】]\s*$")


def _canonical_header(h: str) -> str:
    """'rd_expense 上年度研发费用（万元）' -> 'rd_expense'; '研发费用（万元）' -> '研发费用'."""
    h = h.strip()
    first = _SPLIT.split(h, maxsplit=1)[0]
    if _norm_header(first) in BY_NAME:
        return _norm_header(first)
    return _UNIT_TAIL.sub("", h) or h


def read_sme_batch(path: str | Path, *, encoding: str = "utf-8", sheet: str | None = None
                   ) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read and validate an SME batch. Returns (typed frame, info) where numbers are float (NaN when
    empty), yes/no are 1.0/0.0/NaN, enumerations their canonical words ('' when empty), and
    ``section`` the GB/T 4754 section letter of ``industry``. Raises ValidationError with every
    problem found."""
    pc, sh = open_sheet(path, encoding=encoding, sheet=sheet)
    src = sh.source
    original = list(sh.header)
    sh.header = [_canonical_header(h) if h and not h.startswith("#") else h for h in sh.header]
    aliases = {a: c.name for c in COLUMNS for a in c.aliases}
    aliases.update({c.zh: c.name for c in COLUMNS})
    names = [c.name for c in COLUMNS]
    cols, extras = map_columns(sh, pc, required=["firm_id"], optional=names[1:], aliases=aliases, extra="keep")
    ignored = []
    for h in extras:
        hint = difflib.get_close_matches(_norm_header(h), names, n=1, cutoff=0.8)
        if hint:
            pc.add(row=1, column=original[extras[h]], value=h, source=src,
                   expected=f"a known column name: did you mean '{hint[0]}'? (prefix a header with '#' to "
                            "ignore that column)")
        else:
            ignored.append(original[extras[h]])
    sh.header = original
    if "firm_id" not in cols:
        pc.raise_if_any()
    df = sh.frame(cols)
    out = validate_sme_frame(pc, df, src)
    pc.raise_if_any()
    info = {"source": src, "rows": len(out), "columns": sorted(c for c in cols), "ignored_columns": ignored,
            "absent_columns": [c.name for c in COLUMNS if c.name not in cols]}
    return out, info


def sme_frame_from_attributes(enterprises: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Workspace enterprises (firm_id, name, region, industry, revenue, employees, attributes JSON) as a
    validated SME batch: the attributes named like the batch columns are read, in the batch units."""
    import json

    rows = []
    for rec in enterprises.itertuples(index=False):
        attrs = json.loads(rec.attributes) if isinstance(rec.attributes, str) and rec.attributes else {}
        row = {k: v for k, v in attrs.items() if k in BY_NAME}
        row.update(firm_id=rec.firm_id, name=rec.name, region=rec.region, industry=rec.industry)
        for c in ("revenue", "employees"):
            v = getattr(rec, c)
            if c not in row and v is not None and not (isinstance(v, float) and v != v):
                row[c] = v
        rows.append(row)
    df = pd.DataFrame(rows, dtype=object)
    if df.empty:
        df = pd.DataFrame({"firm_id": pd.Series([], dtype=object)})
    df["_row"] = np.arange(2, len(df) + 2)
    pc = ProblemCollector("workspace enterprises")
    out = validate_sme_frame(pc, df, "workspace enterprises (attributes)")
    pc.raise_if_any()
    return out, {"source": "workspace", "rows": len(out),
                 "columns": sorted(c for c in df.columns if c in BY_NAME)}


def validate_sme_frame(pc: ProblemCollector, df: pd.DataFrame, src: str) -> pd.DataFrame:
    """Typed, checked columns from raw cells (``df`` has the batch column names and ``_row``)."""
    from .. import reference

    out = pd.DataFrame({"_row": df["_row"].to_numpy()})
    out["firm_id"] = as_text(df["firm_id"]).to_numpy()
    empty_id = (out["firm_id"] == "").to_numpy()
    report_rows(pc, df, empty_id, "firm_id", "an enterprise id (the cell is empty)", source=src)
    duplicate_rows(pc, out[~empty_id].assign(firm_id=out["firm_id"]), ["firm_id"], "firm id", source=src)
    for c in COLUMNS[1:]:
        if c.name not in df:
            continue
        if c.kind == "text":
            out[c.name] = as_text(df[c.name]).to_numpy()
        elif c.kind in NUMERIC_KINDS:
            integer = c.kind in ("count", "level")
            low = c.low if c.low is not None else (None if c.kind == "signed_money" else 0.0)
            out[c.name] = numeric_column(pc, df, c.name, min_value=low, max_value=c.high, integer=integer,
                                         what=_what(c), source=src)
        elif c.kind == "bool":
            text = as_text(df[c.name]).str.lower()
            val = np.where(text.isin(_TRUE), 1.0, np.where(text.isin(_FALSE), 0.0, np.nan))
            bad = ~text.isin(_TRUE | _FALSE) & ~text.isin(MISSING_TOKENS)
            report_rows(pc, df, bad.to_numpy(), c.name, c.expected(), source=src)
            out[c.name] = val
        elif c.kind == "enum":
            text = as_text(df[c.name])
            low = text.str.lower()
            syn = _ENUM_SYNONYMS.get(c.name, {})
            val = low.map(lambda t: syn.get(t, t))
            missing = low.isin(_ENUM_MISSING)
            bad = ~missing & ~val.isin(c.values)
            report_rows(pc, df, bad.to_numpy(), c.name, c.expected(), source=src)
            out[c.name] = val.where(~missing & ~bad, "").to_numpy()
    if "region" in out:
        has = out["region"] != ""
        region, bad = normalize_regions(pd.Series(out["region"]), allow_nation=False)
        report_rows(pc, df, has.to_numpy() & bad, "region",
                    "a GB/T 2260 province code (e.g. '320000') or province name", source=src)
        out["region"] = np.where(has & ~bad, region, out["region"])
    if "industry" in out:
        code = normalize_code(pd.Series(out["industry"]))
        has = (code != "").to_numpy()
        bad = has & ~industry_known(code)
        bad |= has & code.isin(list(reference.INDUSTRY_AGGREGATES)).to_numpy()
        report_rows(pc, df, bad, "industry",
                    "a GB/T 4754-2017 section letter, division or finer code (e.g. 'C', '36', 'C3612')",
                    source=src)
        digits = code.map(strip_section)
        div_section = dict(zip(reference.gbt4754_divisions()["code"], reference.gbt4754_divisions()["section"]))
        sections = [("" if b or not d else (d if d.isalpha() else div_section.get(d[:2], "")))
                    for d, b in zip(digits, bad)]
        out["industry"] = np.where(bad, "", np.where(digits.str.isalpha(), "", digits))
        out["section"] = sections
    # consistency between columns (each a located problem)
    _not_above(pc, df, out, "main_revenue", "revenue", "main-business revenue <= operating revenue "
               "(主营业务收入是营业收入的一部分)", src)
    _not_above(pc, df, out, "main_revenue_prev1", "revenue_prev1", "main-business revenue <= operating "
               "revenue of the same year", src)
    _not_above(pc, df, out, "rd_staff", "employees", "R&D staff <= employees", src)
    _not_above(pc, df, out, "equity_financing_2y", "equity_financing_3y",
               "new equity in 2 years <= new equity in 3 years", src)
    return out


def _what(c) -> str:
    return {"money": "an amount in 10,000 CNY (万元)", "signed_money": "an amount in 10,000 CNY (万元)",
            "count": "a whole number", "level": "a level", "years": "a number of years",
            "percent": "a percentage (e.g. 3.5 for 3.5%)", "score": "a score"}[c.kind]


def _not_above(pc: ProblemCollector, df: pd.DataFrame, out: pd.DataFrame, a: str, b: str, expected: str,
               src: str) -> None:
    if a in out and b in out:
        va, vb = out[a].to_numpy(float), out[b].to_numpy(float)
        with np.errstate(invalid="ignore"):
            report_rows(pc, df, ~np.isnan(va) & ~np.isnan(vb) & (va > vb + 1e-9), a,
                        f"{expected} ({b} is smaller)", source=src)


def write_template(out: str | Path) -> Path:
    """An XLSX template: row 1 the headers ('name 中文（unit）'), a second sheet describing every column.
    Written to a temporary name and renamed into place."""
    import openpyxl
    from openpyxl.styles import Font

    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise InputError(f"the template is an Excel workbook: give a file name ending in .xlsx, got {out.name}")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "enterprises"
    ws.append([c.header for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for k, c in enumerate(COLUMNS, start=1):
        ws.column_dimensions[openpyxl.utils.get_column_letter(k)].width = max(12, min(40, len(c.header) + 4))
    ws.freeze_panes = "B2"
    notes = wb.create_sheet("说明 columns")
    notes.append(["column 列名", "中文", "English", "unit 单位", "values / range 取值", "kind"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for c in COLUMNS:
        notes.append([c.name, c.zh, c.en, c.unit, c.expected(), c.kind])
    notes.append([])
    notes.append(["", "金额单位：万元；比率单位：百分数（3.5 表示 3.5%）；可选列可删除或留空，"
                      "规则需要而缺失的列使该规则“无法评价”，不会按0计",
                  "money in 10,000 CNY; ratios in percent (3.5 means 3.5%); optional columns may be absent or "
                  "empty; a column a rule needs that is missing makes that rule 'cannot evaluate', never a zero"])
    with atomic_file(out, create_parent=False) as tmp:
        wb.save(tmp)
    return out


# ---------------------------------------------------------------------------------------------
# certificate lists and the digital-transformation registry
# ---------------------------------------------------------------------------------------------
TIER_SPELLINGS = {"innovative": "innovative", "创新型": "innovative", "创新型中小企业": "innovative",
                  "科技和创新型中小企业": "innovative",
                  "srdi": "srdi", "专精特新": "srdi", "专精特新中小企业": "srdi",
                  "little_giant": "little_giant", "小巨人": "little_giant", "专精特新小巨人": "little_giant",
                  "专精特新“小巨人”企业": "little_giant"}
REGISTRY_KINDS = {"platform": "platform", "平台": "platform", "工业互联网平台": "platform",
                  "5g_iiot_project": "5g_iiot_project", "5g+工业互联网": "5g_iiot_project",
                  "5g+工业互联网项目": "5g_iiot_project", "5g_factory": "5g_factory", "5g工厂": "5g_factory"}


def _dates(pc: ProblemCollector, df: pd.DataFrame, column: str, src: str, required: bool) -> np.ndarray:
    """Date cells (Excel dates or YYYY-MM-DD text) -> object array of datetime.date / None."""
    import datetime as dt

    out = np.full(len(df), None, dtype=object)
    bad = np.zeros(len(df), bool)
    empty = np.zeros(len(df), bool)
    for k, v in enumerate(df[column].to_numpy()):
        if isinstance(v, dt.datetime):
            out[k] = v.date()
        elif isinstance(v, dt.date):
            out[k] = v
        else:
            t = "" if v is None or (isinstance(v, float) and v != v) else str(v).strip()
            if t.lower() in MISSING_TOKENS:
                empty[k] = True
                continue
            try:
                out[k] = dt.date.fromisoformat(t.replace("/", "-")[:10]) if len(t) >= 8 else None
                if out[k] is None:
                    bad[k] = True
            except ValueError:
                bad[k] = True
    report_rows(pc, df, bad, column, "a date as YYYY-MM-DD", source=src)
    if required:
        report_rows(pc, df, empty, column, "a date as YYYY-MM-DD (the cell is empty)", source=src)
    return out


def read_certificates(path: str | Path, *, encoding: str = "utf-8", sheet: str | None = None) -> pd.DataFrame:
    """A certificate list: firm_id, tier, issued (required); cert_id, name, rule_set, region, industry,
    expires (default issued + 3 years), batch, revoked_on, revoke_cause (optional)."""
    from ..core.sme.certificates import REVOKE_CAUSES, expiry

    pc, sh = open_sheet(path, encoding=encoding, sheet=sheet)
    src = sh.source
    aliases = {"企业代码": "firm_id", "统一社会信用代码": "firm_id", "企业名称": "name", "称号": "tier",
               "层级": "tier", "认定日期": "issued", "发证日期": "issued", "有效期至": "expires", "证书编号": "cert_id",
               "地区": "region", "行业": "industry", "批次": "batch", "撤销日期": "revoked_on", "撤销原因": "revoke_cause"}
    cols, _ = map_columns(sh, pc, required=["firm_id", "tier", "issued"],
                          optional=["cert_id", "name", "rule_set", "region", "industry", "expires", "batch",
                                    "revoked_on", "revoke_cause"], aliases=aliases)
    if any(c not in cols for c in ("firm_id", "tier", "issued")):
        pc.raise_if_any()
    df = sh.frame(cols)
    out = pd.DataFrame({"_row": df["_row"].to_numpy()})
    out["firm_id"] = as_text(df["firm_id"]).to_numpy()
    report_rows(pc, df, (out["firm_id"] == "").to_numpy(), "firm_id", "an enterprise id (the cell is empty)",
                source=src)
    tier_text = as_text(df["tier"])
    out["tier"] = tier_text.map(lambda t: TIER_SPELLINGS.get(t.lower(), TIER_SPELLINGS.get(t, ""))).to_numpy()
    report_rows(pc, df, (out["tier"] == "").to_numpy(), "tier",
                "innovative|srdi|little_giant (or 创新型/专精特新/小巨人)", source=src)
    out["issued"] = _dates(pc, df, "issued", src, required=True)
    exp = _dates(pc, df, "expires", src, required=False) if "expires" in df else np.full(len(df), None)
    out["expires"] = [e if e is not None else (expiry(i) if i is not None else None)
                      for e, i in zip(exp, out["issued"])]
    bad_order = np.array([i is not None and e is not None and e <= i for i, e in zip(out["issued"], out["expires"])])
    report_rows(pc, df, bad_order, "expires", "an expiry date after the issue date", source=src)
    for c in ("name", "rule_set", "batch", "revoke_cause"):
        out[c] = as_text(df[c]).to_numpy() if c in df else ""
    out["rule_set"] = [r or ("2026-2" if i is not None and i.isoformat() >= "2026-04-01" else "2022-63")
                       for r, i in zip(out["rule_set"], out["issued"])]
    report_rows(pc, df, ~pd.Series(out["rule_set"]).isin(["2022-63", "2026-2"]).to_numpy(), "rule_set",
                "2022-63 or 2026-2", source=src)
    out["revoked_on"] = _dates(pc, df, "revoked_on", src, required=False) if "revoked_on" in df else None
    rc = pd.Series(out["revoke_cause"])
    report_rows(pc, df, ((rc != "") & ~rc.isin(REVOKE_CAUSES)).to_numpy(), "revoke_cause",
                "one of " + "|".join(REVOKE_CAUSES), source=src)
    has_rev = np.array([r is not None for r in out["revoked_on"]])
    report_rows(pc, df, has_rev & (rc == "").to_numpy(), "revoke_cause",
                "a revocation cause when revoked_on is given", source=src)
    out["status"] = np.where(has_rev, "revoked", "valid")
    out["region"], out["industry"] = _region_industry(pc, df, src)
    ids = as_text(df["cert_id"]) if "cert_id" in df else pd.Series([""] * len(df))
    gen = [f"{f}-{t}-{i.isoformat() if i else ''}" for f, t, i in zip(out["firm_id"], out["tier"], out["issued"])]
    out["cert_id"] = np.where(ids == "", gen, ids)
    duplicate_rows(pc, out.assign(_row=df["_row"].to_numpy()), ["cert_id"], "certificate id", source=src)
    pc.raise_if_any()
    return out


def read_registry(path: str | Path, *, encoding: str = "utf-8", sheet: str | None = None) -> pd.DataFrame:
    """Digital-transformation registry items: kind (platform|5g_iiot_project|5g_factory), name, year
    (required); item_id, firm_id, region, industry, list_name, status (optional)."""
    import datetime as dt

    pc, sh = open_sheet(path, encoding=encoding, sheet=sheet)
    src = sh.source
    aliases = {"类型": "kind", "名称": "name", "年份": "year", "入选年份": "year", "地区": "region", "行业": "industry",
               "名单": "list_name", "企业代码": "firm_id", "编号": "item_id", "状态": "status"}
    cols, _ = map_columns(sh, pc, required=["kind", "name", "year"],
                          optional=["item_id", "firm_id", "region", "industry", "list_name", "status"],
                          aliases=aliases)
    if any(c not in cols for c in ("kind", "name", "year")):
        pc.raise_if_any()
    df = sh.frame(cols)
    out = pd.DataFrame({"_row": df["_row"].to_numpy()})
    kind = as_text(df["kind"])
    out["kind"] = kind.map(lambda t: REGISTRY_KINDS.get(t.lower().replace(" ", ""), "")).to_numpy()
    report_rows(pc, df, (out["kind"] == "").to_numpy(), "kind", "platform|5g_iiot_project|5g_factory", source=src)
    out["name"] = as_text(df["name"]).to_numpy()
    report_rows(pc, df, (out["name"] == "").to_numpy(), "name", "a name (the cell is empty)", source=src)
    year = numeric_column(pc, df, "year", required=True, integer=True, min_value=2000,
                          max_value=dt.date.today().year + 1, what="a year", source=src)
    out["year"] = np.where(np.isnan(year), 0, year).astype(int)
    for c in ("item_id", "firm_id", "list_name", "status"):
        out[c] = as_text(df[c]).to_numpy() if c in df else ""
    out["region"], out["industry"] = _region_industry(pc, df, src)
    gen = [f"{k}-{y}-{i + 1:05d}" for i, (k, y) in enumerate(zip(out["kind"], out["year"]))]
    out["item_id"] = np.where(out["item_id"] == "", gen, out["item_id"])
    duplicate_rows(pc, out, ["item_id"], "item id", source=src)
    pc.raise_if_any()
    for c in ("firm_id", "list_name", "status"):
        out[c] = out[c].replace("", None)
    return out


LOCAL_KINDS = ("bands", "categorical", "input_score", "steps", "count")


def read_local_rules(path: str | Path) -> list[dict[str, Any]]:
    """A province's local-characteristics indicators (SRDI indicator 9) as JSON: a list of 1-3
    indicator specs like the rule files' (kind bands / categorical / input_score / steps / count on the
    batch columns), whose maxima add up to at most 15 points."""
    import json

    from ..core.sme.inputs import DERIVED
    from ..errors import Problem, ValidationError

    path = Path(path)
    if not path.is_file():
        raise InputError(f"no such file: {path}")
    src = path.name
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValidationError([Problem(src, expected=f"a JSON file ({e})")]) from None
    items = data.get("indicators") if isinstance(data, dict) else data
    problems: list[Problem] = []
    if not isinstance(items, list) or not 1 <= len(items) <= 3:
        raise ValidationError([Problem(src, expected="a list of 1 to 3 indicators (or {\"indicators\": [...]})")])
    known = set(BY_NAME) | set(DERIVED)
    total = 0.0
    for k, it in enumerate(items, start=1):
        where = f"indicator {k}"
        if not isinstance(it, dict):
            problems.append(Problem(src, row=k, expected=f"{where}: an object"))
            continue
        for key in ("id", "kind", "max", "name_zh", "name_en"):
            if key not in it:
                problems.append(Problem(src, row=k, column=key, expected=f"{where}: a '{key}'"))
        if it.get("kind") not in LOCAL_KINDS:
            problems.append(Problem(src, row=k, column="kind", value=it.get("kind"),
                                    expected="one of " + "|".join(LOCAL_KINDS)))
        names = it.get("inputs") if it.get("kind") == "count" else [it.get("input")]
        for nm in names or [None]:
            if nm not in known:
                problems.append(Problem(src, row=k, column="input", value=nm,
                                        expected="a batch column or derived quantity, e.g. market_share"))
        try:
            total += float(it.get("max", 0))
        except (TypeError, ValueError):
            problems.append(Problem(src, row=k, column="max", value=it.get("max"), expected="a number"))
        if it.get("kind") == "bands" and not (isinstance(it.get("bands"), list) and all(
                isinstance(b, list) and len(b) == 2 for b in it["bands"])):
            problems.append(Problem(src, row=k, column="bands", expected="[[threshold, points], ...] best first"))
    if total > 15 + 1e-9:
        problems.append(Problem(src, column="max", value=total, expected="maxima adding up to at most 15 points"))
    if problems:
        raise ValidationError(problems)
    return items


def _region_industry(pc, df: pd.DataFrame, src: str) -> tuple[Any, Any]:
    """The optional region and industry columns, normalised (None where absent or empty); bad codes
    are located problems."""
    region = industry = None
    if "region" in df:
        txt = as_text(df["region"])
        codes, bad = normalize_regions(txt, allow_nation=False)
        report_rows(pc, df, (txt != "").to_numpy() & bad, "region", "a GB/T 2260 province code or name", source=src)
        region = np.where(txt == "", None, codes)
    if "industry" in df:
        code = normalize_code(df["industry"])
        bad = (code != "").to_numpy() & ~industry_known(code)
        report_rows(pc, df, bad, "industry", "a GB/T 4754-2017 code (e.g. '36' or 'C3612')", source=src)
        industry = np.where(code == "", None, code.map(strip_section))
    return region, industry
