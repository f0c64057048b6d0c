"""Nowcasts of monthly indicators (industrial value added) from timelier data with a ragged edge.

- ``calendar``: publication lags and pseudo-real-time vintages;
- ``models``: AR and random-walk benchmarks, factor (diffusion-index) and shrinkage bridge regressions;
- ``dfm``: statsmodels' dynamic factor model (mixed frequency, missing data) and the news decomposition;
- ``evaluation``: pseudo-real-time evaluation (RMSE against the benchmarks, interval coverage).
"""
from .calendar import ReleaseCalendar, as_period_index, monthly_panel
from .evaluation import Evaluation, pseudo_real_time
from .models import MODELS, Nowcast, autoregression, bridge, factor, random_walk

__all__ = ["ReleaseCalendar", "as_period_index", "monthly_panel", "Evaluation", "pseudo_real_time", "MODELS",
           "Nowcast", "autoregression", "bridge", "factor", "random_walk"]
