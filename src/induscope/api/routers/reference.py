"""/api/reference: the classifications shipped with induscope."""
from __future__ import annotations

from fastapi import APIRouter

from ... import reference as ref
from ...errors import NotFoundError
from .deps import frame_response

router = APIRouter(tags=["reference"])



@router.get("/reference/{name}")
def classification(name: str):
    if name not in ref.CLASSIFICATIONS:
        raise NotFoundError(f"unknown classification {name!r}; expected one of: {', '.join(ref.CLASSIFICATIONS)}")
    return frame_response(ref.CLASSIFICATIONS[name]())
