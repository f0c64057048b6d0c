"""Model-ready monthly panels from the raw sources (pure: frames in, frames out)."""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..indicators import fred_transform
from .calendar import monthly_panel
from .lags import FRED_MD_DERIVED

#: McCracken & Ng treat |x - median| > 10 interquartile ranges as outliers (set missing)
OUTLIER_IQR = 10.0


def fred_md_panel(data: pd.DataFrame, tcodes: pd.Series, target: str = "INDPRO") -> pd.DataFrame:
    """FRED-MD transformed by its codes (log differences x 100 = percent), outliers set missing
    except in the target; series coded in levels (tcode 1: hours, overtime, spreads) also enter as
    their monthly change (``<id>_D``), which is what moves with output growth in the month. Derived
    series (``lags.FRED_MD_DERIVED``: ``HOURS_MAN``, aggregate hours in manufacturing) enter as 100 x
    their monthly log change, the target's own transform."""
    cols = {}
    for c in data.columns:
        cols[c.upper()] = fred_transform(data[c], int(tcodes[c]), scale=100.0)
        if int(tcodes[c]) == 1:
            cols[c.upper() + "_D"] = data[c].astype(float).diff()
    upper = data.rename(columns=str.upper)
    for name, inputs in FRED_MD_DERIVED.items():
        if all(i in upper.columns for i in inputs):
            # the log change of a product is the sum of the log changes (x 100: percent, as the target)
            cols[name] = 100.0 * np.log(upper[list(inputs)].astype(float).prod(axis=1, min_count=len(inputs))).diff()
    panel = monthly_panel(pd.DataFrame(cols))
    med = panel.median()
    iqr = panel.quantile(0.75) - panel.quantile(0.25)
    clean = panel.where(((panel - med).abs() <= OUTLIER_IQR * iqr) | panel.isna())
    clean[target] = panel[target]
    return clean


def china_iva_panel(value_added: pd.DataFrame, pmi: pd.DataFrame) -> pd.DataFrame:
    """Industrial value-added YoY growth (``value_added``, percent) with the PMI (levels and monthly
    changes). NBS's missing Januaries stay missing: January is published only inside January-February."""
    out = pd.DataFrame({"value_added": value_added["yoy"]})
    out = out.join(pmi.rename(columns={"manufacturing": "pmi_manufacturing",
                                       "non_manufacturing": "pmi_non_manufacturing"}), how="outer")
    out = monthly_panel(out)
    out["pmi_manufacturing_D"] = out["pmi_manufacturing"].diff()
    out["pmi_non_manufacturing_D"] = out["pmi_non_manufacturing"].diff()
    return out.astype(float)


def has_finite(frame: pd.DataFrame) -> bool:
    return bool(np.isfinite(frame.to_numpy(dtype=float)).any())
