"""Publication lags (days after the end of the reference month) of the data the nowcasts use.

These are typical release days, not a calendar of each year's exact dates (documented in
docs/nowcast.md with their sources); they decide what a pseudo-real-time vintage contains.
"""
from __future__ import annotations

#: FRED-MD by group (McCracken & Ng appendix groups 1-8), with the releases that differ from their group.
FRED_MD_GROUP_LAGS = {
    1: 28,   # output and income: personal income (BEA, ~4 weeks); IP overridden below
    2: 5,    # labour market: BLS Employment Situation, first Friday after the month
    3: 18,   # housing: Census new residential construction, ~12th working day
    4: 35,   # consumption, orders and inventories: Census M3 full report ~5 weeks
    5: 40,   # money and credit: H.6 / G.19 (4-6 weeks)
    6: 1,    # interest and exchange rates: market data, known at the month's end
    7: 13,   # prices: CPI (~12th) and PPI (~13th)
    8: 1,    # stock market: market data
}
FRED_MD_OVERRIDES = {
    # Federal Reserve G.17, about the 16th: industrial production, its market groups and capacity use
    **{c: 16 for c in ("INDPRO", "IPFPNSS", "IPFINAL", "IPCONGD", "IPDCONGD", "IPNCONGD", "IPBUSEQ", "IPMAT",
                       "IPDMAT", "IPNMAT", "IPMANSICS", "IPB51222S", "IPFUELS", "CUMFNS")},
    "RETAILX": 15, "CMRMTSPLX": 40,          # advance retail sales ~15th; real manufacturing and trade sales ~40
    "CLAIMSX": 5,                            # weekly initial claims, monthly average known within days
    "HWI": 35, "HWIURATIO": 35,              # help-wanted index (Conference Board / JOLTS-based), ~5 weeks
    "UMCSENTX": 0,                           # University of Michigan sentiment, final at the month's end
    "OILPRICEX": 1,                          # spot oil price, market data
    "PCEPI": 28, "DDURRG3M086SBEA": 28, "DNDGRG3M086SBEA": 28, "DSERRG3M086SBEA": 28,  # BEA personal income
    "BOGMBASE": 15, "TOTRESNS": 15, "NONBORRES": 15,  # H.3 reserves, ~2 weeks
    "VIXCLSX": 1,
}

#: workspace indicators (the series vocabulary) for nowcasts of Chinese industrial value added
CHINA_INDICATOR_LAGS = {
    "pmi": 0,                 # NBS / CFLP PMI: published on the last day of the month
    "pmi_manufacturing": 0,
    "pmi_non_manufacturing": 0,
    "value_added": 15,        # NBS industrial production release, mid-month (Jan-Feb merged, mid-March)
    "electricity": 17,        # NEA / CEC electricity consumption, third week
    "electricity_consumption": 17,
    "output_value": 15,       # with the industrial production release
    "export_delivery_value": 15,
    "fixed_asset_investment": 15,
    "revenue": 27,            # NBS industrial profits release, ~27th of the next month
    "profits": 27,
    "capacity_utilisation": 17,  # quarterly, with the quarter's GDP release
    "freight": 20,            # MOT freight volume, ~third week
    "operating_report": 10,   # enterprise / platform operating reports: by the 10th (reporting deadline)
}


#: series the panel derives from FRED-MD (``panels.fred_md_panel``) and the series they are made of:
#: a derived value is published when the last of its inputs is
FRED_MD_DERIVED = {
    # aggregate weekly hours in manufacturing, employment x average weekly hours of production workers
    # (both in the Employment Situation): the labour input the Fed uses for its first IP estimates
    "HOURS_MAN": ("MANEMP", "AWHMAN"),
}


def fred_md_lags(appendix_groups: dict[str, int]) -> dict[str, float]:
    """Lag per FRED-MD series id (upper case) from its group and the overrides, and per derived
    series the lag of its latest input."""
    out = {}
    for code, group in appendix_groups.items():
        out[code.upper()] = float(FRED_MD_OVERRIDES.get(code.upper(), FRED_MD_GROUP_LAGS.get(int(group), 30)))
    for name, inputs in FRED_MD_DERIVED.items():
        if all(i in out for i in inputs):
            out[name] = max(out[i] for i in inputs)
    return out
