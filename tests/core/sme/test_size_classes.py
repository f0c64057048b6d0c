"""SME size classes of 工信部联企业〔2011〕300号 at their thresholds (以上含本数; an SME when any of the
group's upper limits is not reached). Expected classes written out from the regulation's text."""
from __future__ import annotations

import numpy as np
import pytest

from induscope.core.sme import size_rules
from induscope.core.sme.size import COARSE, classify


def _one(code, section, employees=np.nan, revenue=np.nan, total_assets=np.nan):
    r = classify(np.array([code], dtype=object), np.array([section], dtype=object),
                 {"employees": np.array([employees], float), "revenue": np.array([revenue], float),
                  "total_assets": np.array([total_assets], float)}, size_rules())
    return r.group[0], r.size_class[0], int(r.is_sme[0]), r.missing[0]


@pytest.mark.parametrize("employees,revenue,cls", [
    (1000, 40000, "large"),          # both limits reached
    (999, 100000, "medium"),         # fewer than 1000 employees -> SME
    (5000, 39999.99, "medium"),      # revenue below 40,000 -> SME
    (300, 2000, "medium"), (299, 2000, "small"), (300, 1999.99, "small"),
    (20, 300, "small"), (19, 300, "micro"), (20, 299.99, "micro"), (0, 0, "micro"),
])
def test_industry_thresholds(employees, revenue, cls):
    assert _one("3612", "C", employees, revenue)[1] == cls


@pytest.mark.parametrize("revenue,assets,cls", [
    (80000, 80000, "large"), (79999, 90000, "medium"), (6000, 5000, "medium"), (5999, 5000, "small"),
    (6000, 4999, "small"), (300, 300, "small"), (299, 300, "micro"), (300, 299, "micro")])
def test_construction_uses_revenue_and_assets(revenue, assets, cls):
    assert _one("4710", "E", revenue=revenue, total_assets=assets)[1] == cls


@pytest.mark.parametrize("code,section,employees,revenue,assets,group,cls", [
    ("5110", "F", 20, 5000, np.nan, "wholesale", "medium"), ("5110", "F", 19, 5000, np.nan, "wholesale", "small"),
    ("5211", "F", 50, 500, np.nan, "retail", "medium"), ("5211", "F", 300, 20000, np.nan, "retail", "large"),
    ("6510", "I", 100, 1000, np.nan, "software", "medium"), ("6510", "I", 10, 49, np.nan, "software", "micro"),
    ("6311", "I", 2000, 100000, np.nan, "telecom", "large"), ("6311", "I", 1999, 100000, np.nan, "telecom", "medium"),
    ("5910", "G", 100, 1000, np.nan, "warehousing", "medium"), ("5411", "G", 300, 3000, np.nan, "transport", "medium"),
    ("6010", "G", 20, 100, np.nan, "postal", "small"), ("6110", "H", 10, 100, np.nan, "accommodation", "small"),
    ("6210", "H", 9, 100, np.nan, "catering", "micro"), ("0111", "A", np.nan, 500, np.nan, "agriculture", "medium"),
    ("0111", "A", np.nan, 49.99, np.nan, "agriculture", "micro"), ("0111", "A", np.nan, 20000, np.nan, "agriculture", "large"),
    ("7010", "K", np.nan, 1000, 5000, "real_estate_development", "medium"),
    ("7010", "K", np.nan, 200000, 10000, "real_estate_development", "large"),
    ("7020", "K", 300, 1000, np.nan, "property_management", "medium"),
    ("7211", "L", 100, np.nan, 8000, "leasing_business", "medium"),
    ("7211", "L", 300, np.nan, 120000, "leasing_business", "large"),
    ("8310", "P", 100, np.nan, np.nan, "other", "medium"), ("8310", "P", 300, np.nan, np.nan, "other", "large"),
    ("8310", "P", 9, np.nan, np.nan, "other", "micro"),
])
def test_industry_groups(code, section, employees, revenue, assets, group, cls):
    g, c, _, _ = _one(code, section, employees, revenue, assets)
    assert (g, c) == (group, cls)


def test_missing_value_decides_when_it_cannot_matter():
    g, c, sme, missing = _one("3612", "C", revenue=30000)            # revenue < 40,000: an SME whatever
    assert sme == 1 and c == "" and "employees" in missing
    g, c, sme, missing = _one("3612", "C", revenue=50000)            # could be large: open
    assert sme == -1 and missing == "employees"


def test_coarse_code_is_not_guessed():
    g, c, sme, missing = _one("70", "K", 50, 100, 100)
    assert g == "" and sme == -1 and missing == COARSE
    assert _one("", "", 5, 5)[3] == "industry"


def test_every_group_has_a_source_confidence():
    rules = size_rules()
    assert rules["confidence_thresholds"] and rules["confidence_mapping"] == "M"
    assert all(g.get("confidence") for g in rules["groups"])
