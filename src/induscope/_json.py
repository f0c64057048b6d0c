"""The one conversion to JSON-safe values (CLI --json, API responses, store metadata columns).

Non-finite floats become ``null`` (JSON has no NaN or Infinity, and a silent ``NaN`` token breaks
strict parsers); numpy and pandas scalars become Python numbers; dates become ISO strings; objects
with ``to_dict()`` (the results of core/) are converted through it; anything else becomes its
``str``. numpy and pandas are looked up in ``sys.modules`` rather than imported, so converting a plain
payload does not pay for importing them (CLI start-up).
"""
from __future__ import annotations

import json
import math
import sys
from datetime import date, datetime
from typing import Any

__all__ = ["jsonable", "dumps"]


def jsonable(obj: Any) -> Any:
    """``obj`` as plain JSON values: dict (str keys), list, str, int, float (finite), bool, None."""
    if obj is None or isinstance(obj, (str, bool)):
        return obj
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [jsonable(v) for v in obj]
    pd = sys.modules.get("pandas")
    if pd is not None and obj is pd.NaT:  # NaT is a datetime whose isoformat() is 'NaT'
        return None
    if isinstance(obj, (datetime, date)):
        return obj.isoformat()
    if pd is not None:
        if isinstance(obj, pd.DataFrame):
            return [jsonable(r) for r in obj.to_dict(orient="records")]
        if isinstance(obj, pd.Series):
            return jsonable(obj.to_dict())
        if obj is pd.NaT:
            return None
        if isinstance(obj, pd.Timestamp):
            return obj.isoformat()
        if isinstance(obj, pd.Period):
            return str(obj)
    np = sys.modules.get("numpy")
    if np is not None:
        if isinstance(obj, np.ndarray):
            return jsonable(obj.tolist())
        if isinstance(obj, np.bool_):
            return bool(obj)
        if isinstance(obj, np.integer):
            return int(obj)
        if isinstance(obj, np.floating):
            f = float(obj)
            return f if math.isfinite(f) else None
        if isinstance(obj, np.datetime64):
            return None if np.isnat(obj) else str(obj)
    if hasattr(obj, "to_dict") and callable(obj.to_dict):
        return jsonable(obj.to_dict())
    if pd is not None:
        try:
            if pd.isna(obj):
                return None
        except (TypeError, ValueError):
            pass
    return str(obj)


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """``json.dumps`` of ``jsonable(obj)``: UTF-8 text kept as is (Chinese names stay readable),
    and strict (``allow_nan=False``: a non-finite number left over is a bug, not output)."""
    return json.dumps(jsonable(obj), ensure_ascii=False, indent=indent, allow_nan=False)
