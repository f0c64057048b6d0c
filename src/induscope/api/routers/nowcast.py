"""/api/v1/nowcast: an indicator's YoY growth before its release, with benchmarks (services.nowcast)."""
from __future__ import annotations

from typing import Annotated, Literal, Optional

from fastapi import APIRouter, Depends, Query

from ...store import Workspace
from ..auth import ANALYST_RUN
from ..schemas import ERRORS
from .deps import clean, workspace

router = APIRouter(responses=ERRORS)
Month = Annotated[Optional[str], Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]


@router.get("/nowcast", tags=["nowcast"], operation_id="nowcast", **ANALYST_RUN)
def nowcast(indicator: Annotated[str, Query(max_length=64, pattern=r"^[\w.]+$")] = "value_added",
            region: Annotated[str, Query(pattern=r"^\d{6}$")] = "000000",
            industry: Annotated[str, Query(pattern=r"^[A-Za-z0-9_]{1,12}$")] = "BCD",
            period: Month = None,
            day: Annotated[float, Query(ge=-31, le=60, description="information date: days after the month's end")] = 1.0,
            model: Optional[Literal["bridge", "bridge_anchored", "small_bridge", "factor", "ar", "random_walk",
                                    "dfm"]] = None,
            predictor: Annotated[list[Annotated[str, Query(max_length=64, pattern=r"^[\w.]+$")]],
                                 Query(max_length=20, description="series to use (default: every other "
                                       "monthly indicator; the small bridge needs them)")] = [],
            anchor: Annotated[list[Annotated[str, Query(max_length=64, pattern=r"^[\w.]+$")]],
                              Query(max_length=20, description="the anchored bridge's unpenalised series "
                                    "(default: pmi_manufacturing and its change)")] = [],
            news: bool = False, ws: Workspace = Depends(workspace)):
    """The nowcast with a 90% interval, the AR and random-walk benchmarks, the data seen (last
    published month of each series) and, with ``news``, the releases that moved it since a month earlier."""
    from ...services import nowcast as svc

    return clean(svc.nowcast(ws, indicator, region=region, industry=industry, period=period, day=day,
                             model=model or svc.DEFAULT_MODEL, predictors=predictor or None,
                             anchors=anchor or None, with_news=news).to_dict())


@router.get("/nowcast/evaluation", tags=["nowcast"], operation_id="nowcast_evaluation", **ANALYST_RUN)
def evaluation(start: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")],
               end: Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")],
               indicator: Annotated[str, Query(max_length=64, pattern=r"^[\w.]+$")] = "value_added",
               region: Annotated[str, Query(pattern=r"^\d{6}$")] = "000000",
               industry: Annotated[str, Query(pattern=r"^[A-Za-z0-9_]{1,12}$")] = "BCD",
               day: Annotated[float, Query(ge=-31, le=60)] = 1.0, ws: Workspace = Depends(workspace)):
    """Pseudo-real-time evaluation (RMSE against the AR and random walk) over at most 10 years."""
    from ...errors import InputError
    from ...services import nowcast as svc

    if not start <= end or int(end[:4]) - int(start[:4]) > 10:
        raise InputError("start must not be after end, and the window is at most 10 years")
    return clean(svc.evaluate(ws, indicator, region=region, industry=industry, start=start, end=end, day=day))
