"""ARIOResult.by_place: the compact results by region and industry a job stores for the Sectors page."""
from __future__ import annotations

import numpy as np
import pytest

from induscope.core.iomodels import IOTable
from induscope.services import ario


@pytest.fixture(scope="module")
def result():
    Z = np.array([[10.0, 20.0, 5.0, 1.0], [5.0, 10.0, 2.0, 3.0], [4.0, 1.0, 12.0, 6.0], [2.0, 3.0, 7.0, 9.0]])
    Y = np.array([[60.0], [40.0], [50.0], [45.0]])
    t = IOTable(Z=Z, Y=Y, x=Z.sum(axis=1) + Y[:, 0], regions=("R1", "R2"), sectors=("a", "b"), unit="USD million")
    ev = ario.make_event("capacity-cut", 0.3, regions=["R1"], sectors=["a"], step=3, duration=5)
    return ario.run_ario(t, [ev], steps=40)


def test_industry_losses_add_up_to_the_total(result):
    d = result.by_place()
    assert [(r["region"], r["sector"]) for r in d["industries"]] == result.labels
    assert sum(r["output_loss"] for r in d["industries"]) == pytest.approx(result.total_output_loss)
    assert all(0 <= r["largest_shortfall"] <= 1 for r in d["industries"])


def test_regions_over_time_are_production_over_baseline(result):
    d = result.by_place()
    prod = result.series["production"]
    for i, r in enumerate(result.regions):
        want = prod[:, 2 * i:2 * i + 2].sum(axis=1) / result.x0[2 * i:2 * i + 2].sum()
        np.testing.assert_allclose(d["regions_over_time"][r], want)
    assert d["regions_over_time"]["R1"][0] == pytest.approx(1.0)
    assert min(d["regions_over_time"]["R1"]) < 1.0  # the hit region falls below its baseline


def test_the_most_hit_industry_leads_the_top_list_and_to_dict_carries_it(result):
    d = result.to_dict()
    top = list(d["top_industries_over_time"])
    s = result.summary()["most_hit_industry"]
    assert top[0] == f"{s['region']}/{s['sector']}"
    assert len(d["top_industries_over_time"][top[0]]) == result.steps
