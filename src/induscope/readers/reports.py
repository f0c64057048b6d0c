"""Enterprise operating reports from a file: CSV/TSV/XLSX (a table) or JSON (a list of report
objects, or ``{"reports": [...]}``), into the records ``services.monitoring.import_operating_reports``
validates. Strict like every reader: bad encodings, ragged or truncated CSV, empty or header-only
files, duplicate or unknown headers, invalid or too deeply nested JSON, NaN/Infinity in JSON, and
records that are not objects are located problems (a ValidationError), never a traceback.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError, ProblemCollector
from .columns import map_columns
from .sheets import decode_text, open_sheet, read_text_bytes

REQUIRED = ["firm_id", "period", "metric", "value", "unit"]
OPTIONAL = ["region", "industry", "vintage"]
ALIASES = {"企业代码": "firm_id", "企业": "firm_id", "firm": "firm_id", "时期": "period", "日期": "period",
           "指标": "metric", "数值": "value", "单位": "unit", "地区": "region", "行业": "industry",
           "版本": "vintage"}
#: deepest nesting a report file needs is 3 ({"reports": [{...}]}); deeper is refused before parsing
MAX_DEPTH = 32


def read_reports(path: str | Path, *, encoding: str = "utf-8", sheet: str | None = None
                 ) -> tuple[pd.DataFrame | list[dict[str, Any]], str]:
    """(records, source name) of a report file: a DataFrame with ``_row`` (spreadsheet rows) for a
    table, a list of mappings for JSON. Raises ValidationError with every problem found."""
    path = Path(path)
    if path.suffix.lower() == ".json":
        return _read_json(path, encoding), path.name
    pc, sh = open_sheet(path, encoding=encoding, sheet=sheet)
    cols, _ = map_columns(sh, pc, required=REQUIRED, optional=OPTIONAL, aliases=ALIASES)
    pc.raise_if_any()
    return sh.frame(cols), path.name


def _depth_ok(text: str) -> bool:
    """Nesting depth outside strings at most MAX_DEPTH (json.loads would recurse, and a deep enough
    document ends in RecursionError)."""
    depth, in_str, esc = 0, False, False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in JSON")


def _read_json(path: Path, encoding: str) -> list[dict[str, Any]]:
    pc = ProblemCollector(path.name)
    data = read_text_bytes(path, pc)
    text = None if data is None else decode_text(data, path.name, pc, encoding)
    if text is None:
        pc.raise_if_any()
        raise InputError(f"{path.name}: could not be read")
    if not _depth_ok(text):
        pc.add(None, None, None, f"JSON nested at most {MAX_DEPTH} levels deep (a list of report objects)")
        pc.raise_if_any()
    try:
        obj = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as e:
        pc.add(e.lineno, None, None, f"valid JSON ({e.msg} at line {e.lineno}, column {e.colno})")
        pc.raise_if_any()
    except (ValueError, RecursionError) as e:
        pc.add(None, None, None, f"valid JSON ({e})" if isinstance(e, ValueError) else "JSON nested less deeply")
        pc.raise_if_any()
    if isinstance(obj, dict):
        extra = [k for k in obj if k != "reports"]
        if "reports" not in obj or extra:
            pc.add(None, extra[0] if extra else "reports", None,
                   "a list of report objects, or an object with only a 'reports' list")
            pc.raise_if_any()
        obj = obj["reports"]
    if not isinstance(obj, list):
        pc.add(None, None, type(obj).__name__, "a list of report objects, or {\"reports\": [...]}")
        pc.raise_if_any()
    if not obj:
        pc.add(None, None, None, "at least one report (the list is empty)")
        pc.raise_if_any()
    for k, r in enumerate(obj):
        if not isinstance(r, dict):
            pc.add(k + 1, None, type(r).__name__, "a report object {firm_id, period, metric, value, unit, ...}")
            continue
        for key, v in r.items():
            if isinstance(v, (dict, list)):
                pc.add(k + 1, str(key), type(v).__name__, "a text or a number")
    pc.raise_if_any()
    return obj
