"""Request dependencies shared by the routers."""
from __future__ import annotations

import json
import math

import hmac

from fastapi import Request
from fastapi.responses import JSONResponse

from ...errors import AuthError
from ...store import Workspace


def workspace(request: Request) -> Workspace:
    return request.app.state.workspace


def require_writer(request: Request) -> None:
    """Write endpoints need ``Authorization: Bearer <INDUSCOPE_API_TOKEN>`` when a token is set."""
    token = request.app.state.settings.api_token
    if not token:
        return
    given = request.headers.get("authorization", "")
    if not hmac.compare_digest(given, f"Bearer {token}"):
        raise AuthError("this endpoint writes to the workspace: send 'Authorization: Bearer <token>' "
                        "(the server's INDUSCOPE_API_TOKEN)")


def frame_response(frame) -> JSONResponse:
    """A DataFrame as a list of records (NaN -> null, non-ASCII kept)."""
    return JSONResponse(json.loads(frame.to_json(orient="records", force_ascii=False, date_format="iso")))


def clean(obj):
    """Make nested dicts/lists JSON-safe (NaN -> None, DataFrames -> records)."""
    import pandas as pd

    if isinstance(obj, pd.DataFrame):
        return json.loads(obj.to_json(orient="records", force_ascii=False, date_format="iso"))
    if isinstance(obj, dict):
        return {k: clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [clean(v) for v in obj]
    if isinstance(obj, float) and math.isnan(obj):
        return None
    if hasattr(obj, "item"):
        return obj.item()
    return obj
