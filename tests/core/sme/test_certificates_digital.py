"""Certificate dates (3-year validity, 3-month change deadline, due list, pipeline) and the
digitalisation level bands (2022 edition: 20/40/60/80, lower bound inclusive)."""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from induscope.core.sme import certificates as C
from induscope.core.sme.digital import edition, edition_for, level_from_score

D = dt.date


@pytest.mark.parametrize("issued,expires", [(D(2023, 6, 15), D(2026, 6, 14)), (D(2024, 2, 29), D(2027, 2, 27)),
                                            (D(2023, 1, 1), D(2025, 12, 31))])
def test_three_year_validity(issued, expires):
    assert C.expiry(issued) == expires


@pytest.mark.parametrize("occurred,due", [(D(2025, 1, 31), D(2025, 4, 30)), (D(2025, 11, 15), D(2026, 2, 15))])
def test_change_due_in_three_months(occurred, due):
    assert C.change_due(occurred) == due


def _certs():
    return pd.DataFrame({
        "cert_id": ["a", "b", "c", "d", "e"], "firm_id": ["1", "2", "3", "4", "5"],
        "tier": ["srdi", "srdi", "innovative", "little_giant", "srdi"],
        "issued": [D(2023, 7, 1), D(2023, 12, 1), D(2022, 1, 1), D(2024, 1, 10), D(2023, 8, 1)],
        "expires": [D(2026, 6, 30), D(2026, 11, 30), D(2024, 12, 31), D(2027, 1, 9), D(2026, 7, 31)],
        "revoked_on": [None, None, None, None, D(2025, 1, 1)], "region": ["440000"] * 5})


def test_due_list_window_and_order():
    due = C.due_list(_certs(), D(2026, 6, 1), months=6)
    assert due["cert_id"].tolist() == ["a", "b"]           # c expired, d after the window, e revoked
    assert due["days_left"].tolist() == [29, 182]
    assert C.due_list(_certs(), D(2026, 6, 1), months=0).empty


def test_status_and_pipeline():
    st = C.status_on(_certs(), D(2026, 6, 1))
    assert st.tolist() == ["valid", "valid", "expired", "valid", "revoked"]
    p = C.pipeline(_certs(), D(2026, 6, 1), ["region"])
    srdi = p[p["tier"] == "srdi"].iloc[0]
    assert (srdi["valid"], srdi["due_within_6_months"], srdi["revoked"], srdi["firms"]) == (2, 2, 1, 3)


def test_overdue_changes():
    ch = pd.DataFrame({"change_id": ["x", "y", "z"], "firm_id": ["1", "2", "3"],
                       "due": [D(2025, 4, 30), D(2025, 4, 30), D(2026, 9, 1)],
                       "reported": [None, D(2025, 5, 2), None]})
    assert C.overdue_changes(ch, D(2026, 1, 1))["change_id"].tolist() == ["x", "y"]


@pytest.mark.parametrize("score,level", [(0, 0), (19.99, 0), (20, 1), (39.99, 1), (40, 2), (59.99, 2), (60, 3),
                                         (79.99, 3), (80, 4), (100, 4)])
def test_digital_level_2022_bands(score, level):
    assert level_from_score(np.array([score]), edition("2022-32"))[0] == level


def test_digital_editions_by_date_and_unknown_2024_levels():
    assert edition_for("2023-01-01")["id"] == "2022-32"
    assert edition_for("2024-09-04")["id"] == "2024-56"
    assert np.isnan(level_from_score(np.array([85.0]), edition("2024-56"))[0])   # thresholds not verified


def test_registry_counts_cumulative():
    items = pd.DataFrame({"kind": ["platform"] * 3 + ["5g_factory"], "year": [2021, 2022, 2022, 2023],
                          "industry": ["36", "3612", "26", "30"], "region": ["440000", "440000", "320000", None]})
    out = C.registry_counts(items)
    plat = out[out["kind"] == "platform"]
    assert plat["new"].tolist() == [1, 2] and plat["cumulative"].tolist() == [1, 3]
    assert plat["divisions_covered"].tolist() == [1, 2] and plat["regions_covered"].tolist() == [1, 2]
