"""SYNTHETIC SME cultivation data: applicants with realistic distributions (the batch columns of
core.sme.columns), SME attributes for the demo enterprises, certificates of which some are due for
re-review, major changes, and a digital-transformation registry. Everything here is flagged synthetic.

Distributions (rough, for a plausible pipeline, not calibrated): revenue lognormal around 50 million
CNY; R&D intensity lognormal around 3%; about a fifth of applicants high-tech enterprises; 5-10%
with equity financing; market shares lognormal around 2%. The registry grows like MIIT's reported
counts (>100 influential platforms in 2021, 240+ at end-2022, >340 by 2024; >4,000 "5G + industrial
internet" projects by end-2022; a first 300 5G factories in 2023).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from .series import _DIVISION_SIZE, _REGION_SIZE

IP_LEVELS = np.array(["none", "class2", "class1", "class1_own", "class1_high_value"], dtype=object)
_INSTITUTIONS = np.array(["none", "below_city", "city", "provincial", "national"], dtype=object)
_DEMO_INSTITUTION = {"none": "none", "below_municipal": "below_city", "municipal": "city",
                     "provincial": "provincial", "national": "national"}


def _yn(x: np.ndarray) -> np.ndarray:
    return np.where(x, "yes", "no").astype(object)


def _divisions(rng: np.random.Generator, n: int, manufacturing_only: bool = True) -> np.ndarray:
    divs = [d for d in _DIVISION_SIZE if (13 <= int(d) <= 43) or not manufacturing_only]
    w = np.array([_DIVISION_SIZE[d] for d in divs])
    return rng.choice(divs, size=n, p=w / w.sum())


def _regions(rng: np.random.Generator, n: int) -> np.ndarray:
    codes = list(_REGION_SIZE)
    w = np.array([_REGION_SIZE[c] for c in codes])
    return rng.choice(codes, size=n, p=w / w.sum())


def applicant_attributes(rng: np.random.Generator, revenue: np.ndarray, employees: np.ndarray,
                         base: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rule columns for firms of given revenue (10,000 CNY) and employees. ``base`` may hold the
    demo enterprises' own draws (rd_expense, debt_ratio as a fraction, ...), kept for consistency."""
    n = len(revenue)
    b = base if base is not None else pd.DataFrame(index=range(n))

    def col(name, default):
        return b[name].to_numpy(dtype=float) if name in b and b[name].notna().all() else default

    g1 = rng.normal(0.08, 0.12, n)
    g2 = rng.normal(0.07, 0.12, n)
    revenue_prev1 = col("revenue_prev", revenue / (1 + g1))
    share = np.clip(col("main_business_share", np.clip(rng.normal(0.85, 0.10, n), 0.3, 1.0)), 0.3, 1.0)
    main = revenue * share
    main_prev1 = np.minimum(revenue_prev1 * np.clip(share * rng.normal(1.0, 0.02, n), 0.3, 1.0), revenue_prev1)
    main_prev2 = main_prev1 / (1 + g2)
    rd_ratio = np.clip(rng.lognormal(np.log(0.03), 0.7, n), 0.0, 0.4)
    rd = col("rd_expense", revenue * rd_ratio)
    rd_prev = col("rd_expense_prev", revenue_prev1 * rd_ratio * rng.uniform(0.8, 1.1, n))
    margin = col("net_profit_margin", rng.normal(0.06, 0.05, n))
    debt = 100 * col("debt_ratio", np.clip(rng.normal(0.50, 0.15, n), 0.05, 0.98))
    staff_share = col("rd_staff_share", np.clip(rng.lognormal(np.log(0.10), 0.6, n), 0.0, 0.9))
    niche = col("years_in_niche", rng.integers(0, 25, n).astype(float))
    strong = (rd / np.maximum(revenue, 1e-9)) > 0.03
    ip_idx = np.where(strong, rng.choice(5, n, p=[0.05, 0.25, 0.35, 0.25, 0.10]),
                      rng.choice(5, n, p=[0.30, 0.40, 0.20, 0.08, 0.02]))
    class1_applied = np.where(ip_idx >= 2, rng.poisson(2.5, n), 0)
    if "rd_institution" in b:
        inst = b["rd_institution"].map(_DEMO_INSTITUTION).fillna("none").to_numpy(dtype=object)
    else:
        inst = rng.choice(_INSTITUTIONS, n, p=[0.40, 0.15, 0.22, 0.18, 0.05])
    digital = col("digital_level", rng.choice([1, 2, 3, 4], n, p=[0.30, 0.40, 0.24, 0.06]).astype(float))
    equity2 = col("equity_financing_2y", (rng.random(n) < 0.08) * rng.lognormal(np.log(3000), 1.0, n))
    equity3 = equity2 + (rng.random(n) < 0.05) * rng.lognormal(np.log(800), 0.8, n)
    award = rng.choice(np.array(["none", "provincial_top3", "national_top3", "national_top5", "other"], dtype=object),
                       n, p=[0.90, 0.05, 0.005, 0.005, 0.04])
    maker = rng.choice(np.array(["none", "national_500", "national_50"], dtype=object), n, p=[0.96, 0.035, 0.005])
    high_tech = col("high_tech_enterprise", (strong & (rng.random(n) < 0.6)).astype(float)) > 0
    market = 100 * col("niche_market_share", np.clip(rng.lognormal(np.log(0.02), 1.0, n), 0.0, 0.8))
    quality = rng.random((n, 4)) < np.array([0.08, 0.65, 0.6, 0.25])
    return pd.DataFrame({
        "total_assets": np.round(revenue * rng.lognormal(np.log(1.1), 0.4, n), 2),
        "revenue_prev1": np.round(revenue_prev1, 2),
        "main_revenue": np.round(main, 2), "main_revenue_prev1": np.round(main_prev1, 2),
        "main_revenue_prev2": np.round(main_prev2, 2),
        "rd_expense": np.round(rd, 2), "rd_expense_prev1": np.round(rd_prev, 2),
        "net_profit": np.round(revenue * margin, 2), "debt_ratio": np.round(debt, 2),
        "rd_staff": np.minimum(np.round(employees * staff_share), employees).astype(int),
        "niche_years": niche.astype(int),
        "strategic_emerging": _yn(rng.random(n) < 0.35),
        "chain_role": rng.choice(np.array(["breakthrough", "foundation", "none"], dtype=object), n, p=[0.08, 0.25, 0.67]),
        "ip_level": IP_LEVELS[ip_idx], "class1_ip_applied": class1_applied.astype(int),
        "digital_level": digital.astype(int),
        "quality_award": _yn(quality[:, 0]), "quality_cert": _yn(quality[:, 1]), "own_brand": _yn(quality[:, 2]),
        "standards": _yn(quality[:, 3]),
        "local_score": np.round(rng.uniform(0, 15, n), 1),
        "rd_institution": inst,
        "equity_financing_2y": np.round(equity2, 2), "equity_financing_3y": np.round(equity3, 2),
        "sci_award": award, "maker_china": maker, "honours": _yn(high_tech),
        "market_share": np.round(market, 3),
        "info_system": _yn(rng.random(n) < 0.7), "mgmt_cert": _yn(rng.random(n) < 0.6),
        "credit_ok": _yn(rng.random(n) < 0.97),
        "platform_score": np.round(np.clip(rng.normal(55, 12, n), 0, 100), 1),
    })


def synthetic_applicants(n: int, seed: int = 20251) -> pd.DataFrame:
    """A SYNTHETIC batch of ``n`` applicants in the batch-file layout (one row per enterprise)."""
    rng = np.random.default_rng(seed)
    revenue = np.round(rng.lognormal(np.log(5000), 1.0, n), 2)
    employees = np.maximum(3, np.round(revenue / rng.lognormal(np.log(60), 0.4, n))).astype(int)
    head = pd.DataFrame({"firm_id": [f"A{k + 1:06d}" for k in range(n)],
                         "name": [f"合成申报企业{k + 1:06d}（SYNTHETIC）" for k in range(n)],
                         "region": _regions(rng, n), "industry": _divisions(rng, n),
                         "employees": employees, "revenue": revenue})
    attrs = applicant_attributes(rng, revenue, employees.astype(float))
    out = pd.concat([head, attrs], axis=1)
    cols = ["firm_id", "name", "region", "industry", "employees", "total_assets", "revenue"] + \
        [c for c in attrs.columns if c != "total_assets"]
    return out[cols]


def add_sme_attributes(enterprises: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The demo enterprises with the rule columns added to their attributes (the names and units of
    the batch file: money 10,000 CNY, ratios in percent), consistent with their own draws."""
    rng = np.random.default_rng(seed + 14)
    base = pd.DataFrame(list(enterprises["attributes"]))
    revenue = enterprises["revenue"].to_numpy(dtype=float)
    employees = enterprises["employees"].to_numpy(dtype=float)
    extra = applicant_attributes(rng, revenue, employees, base=base)
    recs = extra.to_dict(orient="records")
    merged = []
    for own, add in zip(enterprises["attributes"], recs):
        a = dict(own)
        a.update({k: (v.item() if hasattr(v, "item") else v) for k, v in add.items()})
        merged.append(a)
    return enterprises.assign(attributes=merged)


def synthetic_certificates(enterprises: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Certificates for firms that pass the tiers (2022 rules), issued 2021-06..2026-10 so that some
    are due for re-review whenever the demo is opened; a few revoked."""
    from ..core.sme import SmeBatch, evaluate, ruleset, size_rules
    from ..readers.sme import sme_frame_from_attributes
    import json

    ent = enterprises.assign(attributes=[json.dumps(a, ensure_ascii=False, default=str)
                                         for a in enterprises["attributes"]])
    frame, _ = sme_frame_from_attributes(ent)
    res = evaluate(SmeBatch.from_frame(frame), ruleset("2022-63"), size_rules(), date="2025-06-30")
    rng = np.random.default_rng(seed + 15)
    start, span = dt.date(2021, 6, 1), (dt.date(2026, 10, 31) - dt.date(2021, 6, 1)).days
    rows = []
    share = {"innovative": 0.7, "srdi": 0.6, "little_giant": 0.5}
    from ..core.sme.certificates import expiry

    for t in res.tiers:
        idx = np.flatnonzero((t.state == 1) & (rng.random(len(t.state)) < share[t.tier]))
        for i in idx:
            issued = start + dt.timedelta(days=int(rng.integers(0, span)))
            rows.append({"cert_id": f"DEMO-{t.tier}-{frame['firm_id'].iat[i]}", "firm_id": frame["firm_id"].iat[i],
                         "name": frame["name"].iat[i], "tier": t.tier,
                         "rule_set": "2022-63" if issued < dt.date(2026, 4, 1) else "2026-2",
                         "region": frame["region"].iat[i], "industry": frame["industry"].iat[i],
                         "issued": issued, "expires": expiry(issued), "status": "valid", "revoked_on": None,
                         "revoke_cause": None, "batch": f"SYNTHETIC {issued.year}"})
    certs = pd.DataFrame(rows)
    if len(certs):
        rev = rng.random(len(certs)) < 0.01
        certs.loc[rev, "status"] = "revoked"
        certs.loc[rev, "revoked_on"] = [i + dt.timedelta(days=400) for i in certs.loc[rev, "issued"]]
        certs.loc[rev, "revoke_cause"] = rng.choice(["abnormal_operation_list", "major_accident", "false_materials"],
                                                    int(rev.sum()))
    return certs


def synthetic_changes(certs: pd.DataFrame, seed: int) -> pd.DataFrame:
    """A few SYNTHETIC major-change reports, some late."""
    from ..core.sme.certificates import CHANGE_KINDS, change_due

    rng = np.random.default_rng(seed + 16)
    firms = certs["firm_id"].drop_duplicates().to_numpy() if len(certs) else np.array([], dtype=object)
    pick = firms[rng.random(len(firms)) < 0.03]
    rows = []
    for k, f in enumerate(pick):
        occ = dt.date(2024, 1, 1) + dt.timedelta(days=int(rng.integers(0, 900)))
        lag = int(rng.integers(10, 150))
        rep = occ + dt.timedelta(days=lag) if rng.random() < 0.8 else None
        rows.append({"change_id": f"DEMO-CH{k + 1:05d}", "firm_id": f, "kind": str(rng.choice(CHANGE_KINDS)),
                     "occurred": occ, "due": change_due(occ), "reported": rep, "note": "SYNTHETIC"})
    return pd.DataFrame(rows, columns=["change_id", "firm_id", "kind", "occurred", "due", "reported", "note"])


#: new items per year (SYNTHETIC, shaped like the reported cumulative counts)
REGISTRY_NEW = {"platform": {2019: 50, 2020: 30, 2021: 35, 2022: 130, 2023: 60, 2024: 40, 2025: 30},
                "5g_iiot_project": {2019: 300, 2020: 700, 2021: 1000, 2022: 2100, 2023: 1200, 2024: 900, 2025: 700},
                "5g_factory": {2023: 300, 2024: 400, 2025: 500}}


def synthetic_registry(seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed + 17)
    rows = []
    lists = {"platform": "工业互联网平台（SYNTHETIC）", "5g_iiot_project": "“5G+工业互联网”项目（SYNTHETIC）",
             "5g_factory": "5G工厂名录（SYNTHETIC）"}
    for kind, per_year in REGISTRY_NEW.items():
        for year, n in per_year.items():
            regions = _regions(rng, n)
            divs = _divisions(rng, n, manufacturing_only=kind != "platform")
            for k in range(n):
                rows.append({"item_id": f"DEMO-{kind}-{year}-{k + 1:05d}", "kind": kind,
                             "name": f"{lists[kind]} {year}-{k + 1:05d}", "firm_id": None, "region": regions[k],
                             "industry": divs[k], "year": year, "list_name": f"{lists[kind]} {year}",
                             "status": "listed"})
    return pd.DataFrame(rows)
