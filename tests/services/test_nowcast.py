"""The nowcast service on the demo workspace (value added with the PMI and export delivery value)."""
from __future__ import annotations

import numpy as np
import pytest

from induscope.errors import InputError, NotFoundError
from induscope.services import nowcast as svc


def test_nowcast_of_a_past_month_sees_only_what_was_published(demo_workspace):
    rep = svc.nowcast(demo_workspace, "value_added", period="2024-06", day=1)
    assert rep.period == "2024-06" and rep.actual is not None
    assert list(rep.estimates["model"]) == ["bridge_anchored", "ar", "random_walk"]
    assert (rep.estimates["lower"] < rep.estimates["value"]).all()
    assert (rep.estimates["value"] < rep.estimates["upper"]).all()
    seen = rep.predictors.set_index("series")["last_published"]
    assert seen["value_added"] == "2024-05"          # released mid-month: June is not out on day 1
    assert seen["pmi_manufacturing"] == "2024-06"    # the PMI is out on the month's last day
    # the bridge uses the PMI of the month and stays within the range of the series
    bridge = rep.estimates.set_index("model").loc["bridge_anchored"]
    assert "anchors=pmi_manufacturing;pmi_manufacturing_D" in bridge["detail"]
    assert "pmi_manufacturing" in bridge["detail"]
    assert abs(bridge["value"] - rep.actual) < 5.0


def test_a_later_information_date_sees_the_target(demo_workspace):
    with pytest.raises(Exception, match="already published"):
        svc.nowcast(demo_workspace, "value_added", period="2024-06", day=20, model="ar")


def test_nothing_to_nowcast_says_why(demo_workspace):
    with pytest.raises(NotFoundError, match=r"give a period \(--period, or period= in the API\)"):
        svc.nowcast(demo_workspace, "value_added")


@pytest.mark.parametrize("kwargs, match", [
    ({"period": "2024-6"}, "YYYY-MM"),
    ({"period": "2016-03"}, "two years"),
    ({"model": "lstm"}, "model must be one of"),
    ({"predictors": ["electricity"]}, "predictor 'electricity'"),
])
def test_bad_requests_are_input_errors(demo_workspace, kwargs, match):
    with pytest.raises((InputError, NotFoundError), match=match):
        svc.nowcast(demo_workspace, "value_added", **{"period": "2024-06", **kwargs})


def test_news_adds_up(demo_workspace):
    rep = svc.nowcast(demo_workspace, "value_added", period="2024-06", day=1, model="dfm", with_news=True)
    assert rep.news is not None and len(rep.news) > 0
    assert set(rep.news["series"]) & {"pmi_manufacturing", "value_added"}
    assert np.isfinite(rep.news["impact"]).all()


def test_pseudo_real_time_evaluation_on_the_workspace(demo_workspace):
    res = svc.evaluate(demo_workspace, "value_added", start="2023-02", end="2023-12", day=1)
    assert res["months"] >= 10
    assert set(res["rmse"]) == {"bridge_anchored", "ar", "random_walk"}
    assert res["rmse_ratio_vs_ar"]["bridge_anchored"] > 0


def test_the_default_model_is_the_one_the_benchmark_selected():
    """The default follows the documented rule (lowest RMSE over the 1990-1999 validation period),
    as recorded by bench/bench_nowcast.py; every variant is in the record with both windows."""
    import json
    from pathlib import Path

    doc = json.loads((Path(__file__).resolve().parents[2] / "bench" / "results" / "nowcast.json").read_text())
    fred = doc["fred_md_indpro"]
    assert fred["selected_on_validation"] == fred["model"] == svc.DEFAULT_MODEL
    val = {m: r["validation_1990_1999_vs_ar"] for m, r in fred["variants"].items()
           if "validation_1990_1999_vs_ar" in r and m not in ("ar", "random_walk")}
    assert min(val, key=val.get) == svc.DEFAULT_MODEL
    assert fred["rmse_ratio_vs_ar"] == fred["variants"][svc.DEFAULT_MODEL]["test_2000_2019_vs_ar"]
    assert {"rmse_ratio_vs_ar", "rmse_ratio_vs_rw"} <= set(doc["china_iva"])


def test_the_bridge_takes_the_targets_release_companions(demo_workspace):
    # export delivery value is published with value added (day 15): its last month joins the bridge
    for model in ("bridge", "bridge_anchored"):
        rep = svc.nowcast(demo_workspace, "value_added", period="2024-06", day=1, model=model)
        assert "companions=1" in rep.estimates.set_index("model").loc[model, "detail"]


def test_anchors_are_checked_and_named(demo_workspace):
    rep = svc.nowcast(demo_workspace, "value_added", period="2024-06", day=1, model="bridge_anchored",
                      anchors=["export_delivery_value"])
    assert "anchors=;" in rep.estimates.loc[0, "detail"]  # not published for June on day 1: not used
    with pytest.raises(InputError, match="not among the predictors"):
        svc.nowcast(demo_workspace, "value_added", period="2024-06", model="bridge_anchored", anchors=["steel"])
    with pytest.raises(InputError, match="anchored bridge"):
        svc.nowcast(demo_workspace, "value_added", period="2024-06", model="factor", anchors=["pmi_manufacturing"])


def test_small_bridge_on_named_predictors(demo_workspace):
    with pytest.raises(InputError, match="--predictor"):
        svc.nowcast(demo_workspace, "value_added", period="2024-06", model="small_bridge")
    rep = svc.nowcast(demo_workspace, "value_added", period="2024-06", day=1, model="small_bridge",
                      predictors=["pmi_manufacturing"])
    est = rep.estimates.set_index("model")
    assert list(est.index) == ["small_bridge", "ar", "random_walk"]
    assert "pmi_manufacturing;pmi_manufacturing_D" in est.loc["small_bridge", "detail"]
    res = svc.evaluate(demo_workspace, "value_added", start="2023-02", end="2023-08", day=1,
                       predictors=["pmi_manufacturing"], models_used=("small_bridge", "ar", "random_walk"))
    assert set(res["rmse"]) == {"small_bridge", "ar", "random_walk"}
