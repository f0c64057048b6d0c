"""`subject` on the indicator endpoints: a park's own series, never mixed into its province's."""
from __future__ import annotations

import pandas as pd
import pytest

from induscope.store import insert_frame

from .conftest import make_client


@pytest.fixture()
def parks(workspace):
    months = list(pd.period_range("2022-01", "2024-06", freq="M").strftime("%Y-%m"))
    frames = [pd.DataFrame({"indicator": "value_added", "region": "310000", "industry": "39", "subject": s,
                            "period": months, "freq": "M",
                            "value": [base * (1 + g) ** (k / 12) for k in range(len(months))],
                            "unit": "100 million CNY", "price_basis": "constant_2020", "vintage": "v1",
                            "dataset_id": "t"})
              for s, base, g in (("", 600.0, 0.05), ("zj-park", 300.0, 0.20))]
    with workspace.writer() as con:
        insert_frame(con, "series", pd.concat(frames, ignore_index=True))
    return make_client(workspace.home)


def test_growth_and_contribution_take_a_subject(parks):
    q = {"region": "310000", "industry": "39", "start": "2024-03", "end": "2024-03"}
    for params, rate in ((q, 5.0), ({**q, "subject": "zj-park"}, 20.0)):
        r = parks.get("/api/v1/indicators/growth", params=params)
        assert r.status_code == 200, r.text
        assert r.json()["items"][0]["value"] == pytest.approx(rate, abs=1e-6)
    r = parks.get("/api/v1/indicators/contribution", params={"period": "2024-03", "by": "division", "region": "310000",
                                                             "industry": "C", "subject": "zj-park"})
    assert r.status_code == 200, r.text
    assert r.json()["whole_growth_pct"] == pytest.approx(20.0, abs=1e-6)  # the park's, not the province's 5


def test_a_bad_or_unknown_subject_is_refused(parks):
    r = parks.get("/api/v1/indicators/growth", params={"region": "310000", "industry": "39", "subject": "a/b"})
    assert r.status_code == 422
    r = parks.get("/api/v1/indicators/growth", params={"region": "310000", "industry": "39", "subject": "nope"})
    assert r.status_code == 404 and "nope" in r.text and "zj-park" in r.text


def test_series_listing_selects_a_subject(parks):
    q = {"indicator": "value_added", "region": "310000", "industry": "39", "limit": 500}
    plain = parks.get("/api/v1/series", params=q).json()["items"]
    park = parks.get("/api/v1/series", params={**q, "subject": "zj-park"}).json()["items"]
    assert len(plain) == len(park) == 30
    assert {r["subject"] for r in plain} == {""} and {r["subject"] for r in park} == {"zj-park"}
    assert park[0]["value"] == pytest.approx(300.0) and plain[0]["value"] == pytest.approx(600.0)
