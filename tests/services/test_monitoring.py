"""Services over a small synthetic workspace: indicators from the series table, watch lists, scans,
alert lifecycle (no spam, acknowledge, close), enterprise operating reports."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from induscope.errors import InputError, NotFoundError, ValidationError
from induscope.services import indicators as SI
from induscope.services import monitoring as SM
from induscope.store import insert_frame

REGIONS = ("310000", "420000")
DIVISIONS = ("13", "39", "44")
SEASON = [0.8, 0.78, 1.0, 0.97, 1.0, 1.06, 0.99, 0.99, 1.03, 1.0, 1.05, 1.15]


def true_levels(last="2024-06", shock=None, seed=3):
    """{(region, division): Series of monthly levels} from 2018-01 to ``last``; ``shock`` maps
    (region, month) -> relative change."""
    months = pd.period_range("2018-01", last, freq="M").strftime("%Y-%m")
    out = {}
    for k_r, r in enumerate(REGIONS):
        for k_d, d in enumerate(DIVISIONS):
            rng = np.random.default_rng([seed, k_r, k_d])  # the same path whatever ``last`` is
            base = rng.uniform(50, 150)
            noise = rng.normal(0, 0.01, size=120)
            lv = np.array([base * 1.05 ** (k / 12) * SEASON[k % 12] * np.exp(noise[k]) for k in range(len(months))])
            s = pd.Series(lv, index=months)
            for (sr, m), change in (shock or {}).items():
                if sr == r and m in s.index:
                    s[m] *= 1 + change
            out[(r, d)] = s
    return out


def published_rows(levels, vintage_of=lambda p: f"{p}-28"):
    """NBS-style rows: January merged into February, levels + published YoY growth per member."""
    rows = []
    for (r, d), s in levels.items():
        merged = s.copy()
        for y in sorted({p[:4] for p in s.index}):
            if f"{y}-01" in s.index and f"{y}-02" in s.index:
                merged[f"{y}-02"] = s[f"{y}-01"] + s[f"{y}-02"]
        merged = merged[[p for p in merged.index if not p.endswith("-01")]]
        for p, v in merged.items():
            rows.append((r, d, p, v, "100 million CNY", "constant_2020", vintage_of(p)))
            prev = f"{int(p[:4]) - 1}{p[4:]}"
            if prev in merged.index:
                rows.append((r, d, p, (v / merged[prev] - 1) * 100, "%", "growth_yoy_pct", vintage_of(p)))
    f = pd.DataFrame(rows, columns=["region", "industry", "period", "value", "unit", "price_basis", "vintage"])
    return f.assign(dataset_id="test", indicator="value_added", freq="M")


def write(ws, frame, table="series"):
    with ws.writer() as con:
        insert_frame(con, table, frame)


@pytest.fixture()
def ws(workspace):
    write(workspace, published_rows(true_levels(shock={("310000", "2024-05"): -0.3, ("310000", "2024-06"): -0.35})))
    return workspace


# ------------------------------------------------------------------------------------------- indicators

def test_growth_of_an_aggregate_is_growth_of_summed_levels(ws):
    lv = true_levels(shock={("310000", "2024-05"): -0.3, ("310000", "2024-06"): -0.35})
    total = sum(lv.values())
    b = SI.indicator_growth(ws, region="000000", industry="BCD", measure="yoy")
    d = b.get("derived_from_levels")
    assert d["2024-03"] == pytest.approx((total["2024-03"] / total["2023-03"] - 1) * 100)
    jf = (total["2024-01"] + total["2024-02"]) / (total["2023-01"] + total["2023-02"])
    assert d["2024-02"] == pytest.approx((jf - 1) * 100)
    assert b.get("published") is None  # no published rate for the nation in this workspace
    assert d.vintage == "2024-06-28"
    # members' published rates weighted by base-period levels: the same number (the rates here are exact)
    agg = b.get("derived_from_rates")
    assert agg is not None and agg["2024-03"] == pytest.approx(d["2024-03"], rel=1e-9)
    assert agg["2024-02"] == pytest.approx(d["2024-02"], rel=1e-9)


def test_exact_subject_shows_published_beside_derived_and_ytd(ws):
    b = SI.indicator_growth(ws, region="420000", industry="39", measure="yoy", start="2024-02")
    w = b.wide().set_index("period")
    assert np.allclose(w["derived_from_levels"], w["published"])
    y = SI.indicator_growth(ws, region="420000", industry="39", measure="ytd").get("derived_from_levels")
    lv = true_levels()[("420000", "39")]
    cur = lv[[f"2024-{m:02d}" for m in range(1, 5)]].sum()
    base = lv[[f"2023-{m:02d}" for m in range(1, 5)]].sum()
    assert y["2024-04"] == pytest.approx((cur / base - 1) * 100)


def test_a_query_can_ask_for_a_vintage(ws):
    rev = published_rows(true_levels(), vintage_of=lambda p: "2025-02-28")
    rev = rev[(rev["period"] == "2024-03") & (rev["price_basis"] == "constant_2020")].copy()
    rev["value"] *= 1.10
    write(ws, rev)
    latest = SI.indicator_growth(ws, region="420000", industry="BCD").get("derived_from_levels")
    first = SI.indicator_growth(ws, region="420000", industry="BCD", vintage="2024-12-31").get("derived_from_levels")
    assert latest["2024-03"] == pytest.approx((1 + first["2024-03"] / 100) * 1.10 * 100 - 100, rel=1e-9)
    assert latest.vintage == "2025-02-28" and first.vintage <= "2024-12-31"


def test_contribution_by_province_sums_to_the_whole(ws):
    r = SI.contribution_breakdown(ws, "2024-04", by="province")
    assert r.contribution.sum() == pytest.approx(100.0)
    assert r.pull.sum() == pytest.approx(r.g_whole)
    ytd = SI.contribution_breakdown(ws, "2024-04", by="section", measure="ytd")
    assert set(ytd.g.index) == {"C", "D"} and ytd.meta["periods"] == ["2024-02", "2024-03", "2024-04"]
    with pytest.raises(InputError):
        SI.contribution_breakdown(ws, "2024-01", by="province", measure="ytd")
    with pytest.raises(InputError):
        SI.contribution_breakdown(ws, "2024-04", by="planet")


def test_unknown_codes_are_input_errors(ws):
    with pytest.raises(InputError):
        SI.indicator_growth(ws, region="999999")
    with pytest.raises(NotFoundError):
        SI.indicator_growth(ws, indicator="profits")


# ------------------------------------------------------------------------------------------- watch lists

def test_watch_list_lifecycle(ws):
    SM.create_watch_list(ws, "Key regions", "lockdown watch")
    SM.add_watch_items(ws, "key-regions", [{"kind": "region", "code": "310000", "target_growth": 5.0},
                                           {"kind": "industry", "code": "C"}])
    items = SM.watch_lists(ws, "key-regions")
    assert set(items["code"]) == {"310000", "C"}
    with pytest.raises(InputError):
        SM.create_watch_list(ws, "Key regions")
    with pytest.raises(InputError):
        SM.add_watch_items(ws, "key-regions", [{"kind": "region", "code": "999999"}])
    with pytest.raises(NotFoundError):
        SM.add_watch_items(ws, "key-regions", [{"kind": "enterprise", "code": "NOPE"}])
    SM.remove_watch_item(ws, "key-regions", "industry", "C")
    assert list(SM.watch_lists(ws, "key-regions")["code"]) == ["310000"]


# ------------------------------------------------------------------------------------------- alerts

def _scan_shanghai(ws):
    if SM.watch_lists(ws).empty:
        SM.create_watch_list(ws, "sh")
        SM.add_watch_items(ws, "sh", [{"kind": "region", "code": "310000"}])
    return SM.scan(ws, list_id="sh")


def _yoy_alerts(ws):
    a = SM.list_alerts(ws, subject="region:310000")
    return a[a["indicator"] == "value_added.growth_yoy"].set_index("rule_id")


def test_scan_opens_alerts_with_reason_rule_numbers_and_start(ws):
    res = _scan_shanghai(ws)
    assert res["opened"] >= 1
    a = SM.list_alerts(ws, subject="region:310000")
    top = a.iloc[0]
    assert top["level"] in ("orange", "red") and top["status"] == "open" and bool(top["active"])
    assert top["start_period"] == "2024-05" and top["last_period"] == "2024-06"
    assert top["rule_id"] in {"contraction", "robust_z_yoy", "ytd_fall"} and top["reason"]
    assert "value" in top["numbers"]


def test_rescanning_does_not_spam(ws):
    _scan_shanghai(ws)
    n = len(SM.list_alerts(ws))
    again = _scan_shanghai(ws)
    assert again["opened"] == 0 and again["updated"] == 0 and again["unchanged"] == n
    assert len(SM.list_alerts(ws)) == n


def test_continued_firing_updates_the_open_alert(ws):
    _scan_shanghai(ws)
    before = _yoy_alerts(ws)
    more = published_rows(true_levels(last="2024-07", shock={("310000", m): -0.35 for m in
                                                              ("2024-05", "2024-06", "2024-07")}))
    write(ws, more[more["period"] == "2024-07"])
    res = _scan_shanghai(ws)
    after = _yoy_alerts(ws)
    assert res["opened"] == 0 or set(after.index) - set(before.index)  # only a new cause may open
    common = before.index.intersection(after.index)
    assert "contraction" in common
    assert after.loc["contraction", "alert_id"] == before.loc["contraction", "alert_id"]
    assert after.loc["contraction", "last_period"] == "2024-07"
    assert after.loc["contraction", "n_firings"] == before.loc["contraction", "n_firings"] + 1
    ev = SM.alert_events(ws, after.loc["contraction", "alert_id"])
    assert list(ev["kind"])[0] == "opened" and list(ev["kind"])[-1] in ("updated", "escalated", "deescalated")


def test_acknowledge_close_and_new_alert_after_closing(ws):
    _scan_shanghai(ws)
    a = _yoy_alerts(ws).loc["contraction"]
    SM.acknowledge_alert(ws, a["alert_id"], actor="analyst", note="called the bureau")
    assert SM.list_alerts(ws, status="acknowledged")["alert_id"].tolist() == [a["alert_id"]]
    with pytest.raises(InputError):
        SM.acknowledge_alert(ws, a["alert_id"])
    SM.close_alert(ws, a["alert_id"], note="handled")
    with pytest.raises(InputError):
        SM.close_alert(ws, a["alert_id"])
    with pytest.raises(NotFoundError):
        SM.close_alert(ws, "AL999999")
    assert _scan_shanghai(ws)["opened"] == 0  # nothing new since closing
    more = published_rows(true_levels(last="2024-07", shock={("310000", m): -0.35 for m in
                                                              ("2024-05", "2024-06", "2024-07")}))
    write(ws, more[more["period"] == "2024-07"])
    _scan_shanghai(ws)
    c = SM.list_alerts(ws, subject="region:310000")
    c = c[(c["rule_id"] == "contraction") & (c["indicator"] == "value_added.growth_yoy")]
    assert sorted(c["status"]) == ["closed", "open"]
    new = c[c["status"] == "open"].iloc[0]
    assert new["start_period"] == "2024-07" and new["alert_id"] != a["alert_id"]
    kinds = list(SM.alert_events(ws, a["alert_id"])["kind"])
    assert kinds[:3] == ["opened", "acknowledged", "closed"]


def test_recovery_makes_alerts_inactive(ws):
    _scan_shanghai(ws)
    calm = published_rows(true_levels(last="2024-10", shock={("310000", "2024-05"): -0.3,
                                                             ("310000", "2024-06"): -0.35}))
    write(ws, calm[calm["period"].isin(["2024-07", "2024-08", "2024-09", "2024-10"])])
    res = _scan_shanghai(ws)
    assert res["inactive"] >= 1
    a = SM.list_alerts(ws, subject="region:310000", active=False)
    assert len(a) >= 1 and (a["status"] == "open").all()


def test_history_scan_stores_old_episodes_only_when_asked(ws):
    SM.create_watch_list(ws, "all")
    SM.add_watch_items(ws, "all", [{"kind": "region", "code": "420000"}])
    assert SM.scan(ws, list_id="all")["opened"] == 0
    with pytest.raises(InputError):
        SM.list_alerts(ws, status="bogus")


def test_prosperity_indices(ws):
    SM.create_watch_list(ws, "w")
    SM.add_watch_items(ws, "w", [{"kind": "region", "code": c} for c in REGIONS])
    idx = SM.prosperity_indices(ws, list_id="w").set_index("period")
    assert idx["diffusion_index"].between(0, 100).all()
    assert idx.loc["2024-06", "diffusion_index"] == 50.0  # Shanghai contracting, Hubei growing
    assert idx.loc["2024-06", "composite_index"] < idx.loc["2024-03", "composite_index"]


# ------------------------------------------------------------------------------------------- enterprise reports

def _reports(months, firm="F001", region="310000", industry="3612", output=1000.0, drop=None):
    rows = []
    for k, m in enumerate(months):
        f = 1.0 - (drop or {}).get(m, 0.0)
        base = output * (1 + 0.003 * k) * SEASON[int(m[5:]) - 1]
        for metric, v, unit in (("output_value", base * f, "10,000 CNY"), ("orders", base * 1.1 * f, "10,000 CNY"),
                                ("power_consumption", base * 5.0 * f, "kWh"),
                                ("capacity_utilisation", 80.0 * f, "percent"), ("employment", 500, "persons")):
            rows.append({"firm_id": firm, "period": m, "metric": metric, "value": v, "unit": unit,
                         "region": region, "industry": industry})
    return rows


MONTHS = list(pd.period_range("2022-01", "2024-06", freq="M").strftime("%Y-%m"))


def _import_file(ws, path, **kw):
    """A report file as the CLI imports it: the reader parses, the data-only service validates."""
    from induscope.readers.reports import read_reports

    records, name = read_reports(path)
    return SM.import_operating_reports(ws, records, source=name, **kw)


def test_import_reports_validates_everything_at_once(workspace, tmp_path):
    bad = pd.DataFrame([
        {"firm_id": "F1", "period": "2024-13", "metric": "output_value", "value": "1", "unit": "10,000 CNY",
         "region": "310000", "industry": "36"},
        {"firm_id": "F1", "period": "2024-03", "metric": "capacity_utilisation", "value": "130", "unit": "percent",
         "region": "310000", "industry": "36"},
        {"firm_id": "F1", "period": "2024-03", "metric": "output_value", "value": "5", "unit": "barrels",
         "region": "310000", "industry": "36"},
        {"firm_id": "F1", "period": "2024-03", "metric": "orders", "value": "x", "unit": "10,000 CNY",
         "region": "310000", "industry": "36"},
        {"firm_id": "F1", "period": "2024-03", "metric": "sales", "value": "1", "unit": "10,000 CNY",
         "region": "990000", "industry": "36"},
        {"firm_id": "F1", "period": "2024-04", "metric": "sales", "value": "1", "unit": "10,000 CNY",
         "region": "310000", "industry": "36"},
        {"firm_id": "F1", "period": "2024-04", "metric": "sales", "value": "2", "unit": "10,000 CNY",
         "region": "310000", "industry": "36"},
        {"firm_id": "F2", "period": "2024-04", "metric": "sales", "value": "2", "unit": "10,000 CNY"},
    ])
    path = tmp_path / "reports.csv"
    bad.to_csv(path, index=False)
    with pytest.raises(ValidationError) as ei:
        _import_file(workspace, path)
    probs = {(p.row, p.column) for p in ei.value.problems}
    assert probs == {(2, "period"), (3, "value"), (4, "unit"), (5, "value"), (6, "region"), (8, "period"),
                     (9, "region")}
    assert all(p.source == "reports.csv" for p in ei.value.problems)
    assert workspace.tables()["operating_reports"] == 0  # nothing written


def test_import_converts_units_skips_repeats_and_stores_corrections_as_vintages(workspace, tmp_path):
    rows = _reports(MONTHS[:3])
    res = SM.import_operating_reports(workspace, rows, source="test", vintage="2024-04-02")
    assert res["new"] == len(rows) and res["stored"] == len(rows)
    stored = workspace.query("SELECT value, unit FROM operating_reports WHERE metric = 'power_consumption' "
                             "ORDER BY period")
    assert stored["unit"].iloc[0] == "10,000 kWh"
    assert stored["value"].iloc[0] == pytest.approx(rows[2]["value"] * 1e-4)
    again = SM.import_operating_reports(workspace, rows, source="test", vintage="2024-04-03")
    assert again["unchanged"] == len(rows) and again["stored"] == 0
    corr = [dict(rows[0], value=rows[0]["value"] * 1.02)]
    path = tmp_path / "correction.json"
    path.write_text(json.dumps({"reports": corr}))
    res = _import_file(workspace, path, vintage="2024-05-10")
    assert res["corrections"] == 1
    vint = workspace.query("SELECT vintage, value FROM operating_reports WHERE metric = 'output_value' "
                           "AND period = ? ORDER BY vintage", [rows[0]["period"]])
    assert list(vint["vintage"]) == ["2024-04-02", "2024-05-10"]
    with pytest.raises(ValidationError):  # a correction must come with a later vintage
        SM.import_operating_reports(workspace, [dict(rows[0], value=1.0)], source="test", vintage="2024-01-01")
    agg = SM.operating_report_aggregates(workspace, "output_value", by="industry").set_index("period")
    assert agg.loc[rows[0]["period"], "value"] == pytest.approx(rows[0]["value"] * 1.02)
    early = SM.operating_report_aggregates(workspace, "output_value", by="industry", vintage="2024-04-30")
    assert early.set_index("period").loc[rows[0]["period"], "value"] == pytest.approx(rows[0]["value"])


def test_daily_reports_form_months_and_aggregate_by_region_and_section(workspace):
    rows = [{"firm_id": "D1", "period": f"2024-03-{d:02d}", "metric": "output_value", "value": 10.0,
             "unit": "10,000 CNY", "region": "320000", "industry": "39"} for d in range(1, 11)]
    rows += [{"firm_id": "D1", "period": f"2024-03-{d:02d}", "metric": "capacity_utilisation", "value": u,
              "unit": "ratio", "region": "320000", "industry": "39"} for d, u in ((1, 0.7), (2, 0.9))]
    rows += [{"firm_id": "M1", "period": "2024-03", "metric": "output_value", "value": 50.0, "unit": "10,000 CNY",
              "region": "320000", "industry": "13"}]
    SM.import_operating_reports(workspace, rows, source="test", vintage="2024-04-01")
    by_region = SM.operating_report_aggregates(workspace, "output_value", by="region")
    assert by_region.set_index("region").loc["320000", "value"] == pytest.approx(150.0)
    assert by_region["firms"].iloc[0] == 2
    by_section = SM.operating_report_aggregates(workspace, "output_value", by="industry", level="section")
    assert by_section.set_index("industry").loc["C", "value"] == pytest.approx(150.0)
    cu = SM.operating_report_aggregates(workspace, "capacity_utilisation", by="firm")
    assert cu["value"].iloc[0] == pytest.approx(80.0)  # mean of 70% and 90%


def test_enterprise_sharp_drop_is_flagged(workspace):
    SM.import_operating_reports(workspace, _reports(MONTHS, drop={"2024-06": 0.5}), source="test", vintage="2024-07-05")
    SM.import_operating_reports(workspace, _reports(MONTHS, firm="F002", region="320000"), source="test", vintage="2024-07-05")
    res = SM.scan(workspace)  # nothing watched: every reporting enterprise
    assert res["series"] == 6
    a = SM.list_alerts(workspace)
    assert set(a["subject"]) == {"enterprise:F001"}
    drop = a[a["rule_id"] == "sharp_drop"].set_index("indicator")
    assert set(drop.index) == {"output_value", "orders", "power_consumption"}
    assert drop.loc["output_value", "level"] in ("orange", "red")
    # halved, against June 2023 which was 12 x 0.3% lower on trend: 1 - 0.5 x 1.036 / 1.0
    assert drop.loc["output_value", "numbers"]["drop_pct"] == pytest.approx((1 - 0.5 * 1.036 / 1.0) * 100, abs=0.1)
    assert drop.loc["output_value", "start_period"] == "2024-06"


def _episode(level, last="2024-06", n=2, subject="region:310000"):
    from induscope.core.warning import Episode, Level

    lv = Level.parse(level)
    periods = tuple(pd.period_range("2024-05", last, freq="M").strftime("%Y-%m"))
    return Episode(subject, "value_added.growth_yoy", "contraction", "rule", "2024-05", last, lv, lv, last,
                   len(periods), f"level {level}", {"value": -1.0}, periods)


def test_escalation_reopens_an_acknowledged_alert(workspace):
    latest = {("region:310000", "value_added.growth_yoy"): "2024-06"}
    SM.persist_episodes(workspace, [_episode("yellow")], latest)
    aid = SM.list_alerts(workspace)["alert_id"].iloc[0]
    SM.acknowledge_alert(workspace, aid)
    latest7 = {("region:310000", "value_added.growth_yoy"): "2024-07"}
    res = SM.persist_episodes(workspace, [_episode("red", last="2024-07")], latest7)
    assert res["escalated"] == 1 and res["opened"] == 0
    a = SM.list_alerts(workspace).iloc[0]
    assert a["status"] == "open" and a["level"] == "red" and a["peak_level"] == "red" and a["n_firings"] == 3
    res = SM.persist_episodes(workspace, [_episode("orange", last="2024-07")], latest7)
    assert res["deescalated"] == 1
    a = SM.list_alerts(workspace).iloc[0]
    assert a["level"] == "orange" and a["peak_level"] == "red"
    assert list(SM.alert_events(workspace, aid)["kind"]) == ["opened", "acknowledged", "escalated", "deescalated"]


def test_nominal_indicators_use_current_prices_and_two_year_average(ws):
    lv = true_levels()
    rows = published_rows(lv)
    exp = rows[rows["price_basis"] == "constant_2020"].assign(indicator="export_delivery_value", price_basis="current")
    write(ws, exp)
    b = SI.indicator_growth(ws, "export_delivery_value", region="420000", measure="two_year")
    assert b.query["price_basis"] == "current"
    s = sum(v for (r, _), v in lv.items() if r == "420000")
    assert b.get("derived_from_levels")["2024-05"] == pytest.approx(((s["2024-05"] / s["2022-05"]) ** 0.5 - 1) * 100)


def test_scan_watches_the_pmi_when_stored(ws):
    months = pd.period_range("2023-01", "2024-06", freq="M").strftime("%Y-%m")
    pmi = pd.DataFrame({"indicator": "pmi_manufacturing", "region": "000000", "industry": "C", "period": months,
                        "freq": "M", "value": [50.5] * 12 + [49.5, 49.2, 49.0, 48.8, 49.1, 49.4], "unit": "index",
                        "price_basis": "diffusion_index", "vintage": [f"{m}-30" for m in months],
                        "dataset_id": "test"})
    write(ws, pmi)
    SM.scan(ws)
    a = SM.list_alerts(ws, subject="series:pmi_manufacturing")
    assert a["rule_id"].tolist() == ["pmi_below_50_run"]
    assert a["level"].iloc[0] == "yellow" and a["numbers"].iloc[0]["run_length"] == 6


def test_contribution_needs_every_member_level(workspace):
    rows = published_rows(true_levels())
    rows = rows[~((rows["region"] == "420000") & (rows["industry"] == "13") & (rows["period"] == "2023-04"))]
    write(workspace, rows)
    with pytest.raises(NotFoundError, match="420000/13: no level for 2023-04"):
        SI.contribution_breakdown(workspace, "2024-04", by="province")
    assert SI.contribution_breakdown(workspace, "2024-03", by="province").contribution.sum() == pytest.approx(100)


# ------------------------------------------------------------------------------------------- issue 10/12: data only

GOOD = {"firm_id": "F1", "period": "2024-03", "metric": "output_value", "value": 100, "unit": "万元",
        "region": "310000", "industry": "36"}


@pytest.mark.parametrize("payload", ["/etc/passwd", {"reports": "/etc/passwd"}, {"reports": [GOOD]}, 42, None])
def test_the_service_takes_data_never_a_path(workspace, payload):
    with pytest.raises(InputError) as ei:
        SM.import_operating_reports(workspace, payload, source="api")
    assert "root:" not in str(ei.value)
    assert workspace.tables()["operating_reports"] == 0


@pytest.mark.parametrize("field, value, column", [
    ("value", 1e308, "value"), ("value", True, "value"), ("value", "inf", "value"), ("value", "NaN", "value"),
    ("value", [1], "value"), ("period", "2025-02-30", "period"), ("period", "9999-12", "period"),
    ("period", "2024-13", "period"), ("period", 202403.5, "period"), ("firm_id", {"a": 1}, "firm_id"),
    ("unit", "USD", "unit"), ("region", "火星", "region"), ("colour", "red", "colour")])
def test_bad_report_values_are_located_and_nothing_is_written(workspace, field, value, column):
    bad = {**GOOD, "unit": "亿元" if field == "value" else GOOD["unit"], field: value}
    with pytest.raises(ValidationError) as ei:
        SM.import_operating_reports(workspace, [GOOD, dict(bad, period=bad["period"] if field == "period" else "2024-04")],
                                    source="t")
    assert [(p.row, p.column) for p in ei.value.problems] == [(2, column)]
    assert workspace.tables()["operating_reports"] == 0


def test_units_of_the_one_unit_table_are_accepted(workspace):
    rows = [dict(GOOD, unit="千元", value=1000), dict(GOOD, metric="sales", unit="亿元", value=2),
            dict(GOOD, metric="power_consumption", unit="万千瓦时", value=3), dict(GOOD, period="2024-03-31",
                                                                             metric="orders", unit="元", value=1e4)]
    SM.import_operating_reports(workspace, rows, source="t", vintage="2024-04-01")
    got = workspace.query("SELECT metric, value FROM operating_reports ORDER BY metric").set_index("metric")["value"]
    assert got.to_dict() == {"orders": 1.0, "output_value": 100.0, "power_consumption": 3.0, "sales": 2e4}
    with pytest.raises(ValidationError):
        SM.import_operating_reports(workspace, [dict(GOOD, period="2024-02-30")], source="t")


# ------------------------------------------------------------------------------------------- issue 12: any series

def _rates_only(workspace, region="310000", industry="BCD", drop=("2024-05", "2024-06"), indicator="value_added",
                sd=1.0, subject=""):
    """Published YoY growth only (what a department mostly has), with a real drop."""
    months = [m for m in pd.period_range("2018-02", "2024-06", freq="M").strftime("%Y-%m") if not m.endswith("-01")]
    rng = np.random.default_rng(9)
    vals = 4.0 + rng.normal(0, sd, len(months))
    f = pd.DataFrame({"indicator": indicator, "region": region, "industry": industry, "period": months,
                      "freq": "M", "value": vals, "unit": "%", "price_basis": "growth_yoy_pct",
                      "vintage": [f"{m}-28" for m in months], "dataset_id": "t", "subject": subject})
    f.loc[f["period"].isin(drop), "value"] = -9.0
    write(workspace, f)
    return f


def test_published_rates_alone_drive_the_scan_and_alerts_carry_the_series_name(workspace):
    _rates_only(workspace)
    _rates_only(workspace, subject="park-7")  # the park's own series, stored under its subject
    SM.create_watch_list(workspace, "mine")
    res = SM.add_watch_items(workspace, "mine", ["region:上海", "series:工业增加值/310000/BCD/park-7=张江园区 Zhangjiang park"])
    assert res["items"] == ["region:310000", "series:value_added/310000/BCD/park-7"]
    out = SM.scan(workspace, list_id="mine")
    assert out["series"] == 2 and any("growth_ytd_pct" in n for n in out["notes"])  # no YTD: said, not silent
    a = SM.list_alerts(workspace, min_level="orange")
    names = set(a["series_name"])
    assert any(n.startswith("张江园区 Zhangjiang park") for n in names)
    assert any("310000 上海市 Shanghai" in n and "工业增加值" in n for n in names)
    top = a.iloc[0]
    assert top["start_period"] == "2024-05" and top["peak_period"] in ("2024-05", "2024-06")


def test_watch_items_in_bulk_with_aliases_and_bad_items_refused_before_writing(ws):
    SM.create_watch_list(ws, "bulk")
    specs = ["region:浙江", "region:Hubei", "industry:C39", "industry:EQ", "series:制造业PMI/000000/C"]
    assert SM.add_watch_items(ws, "bulk", specs)["added"] == 5
    got = SM.watch_lists(ws, "bulk")
    assert set(got["code"]) == {"330000", "420000", "39", "EQ", "pmi_manufacturing/000000/C"}
    with pytest.raises(InputError, match="item 2"):
        SM.add_watch_items(ws, "bulk", ["region:310000", "region:火星"])
    assert len(SM.watch_lists(ws, "bulk")) == 5
    with pytest.raises(InputError):
        SM.parse_spec("310000")
    with pytest.raises(InputError, match="unknown industry"):
        SM.add_watch_items(ws, "bulk", ["series:value_added/310000/99"])


def test_the_target_is_named_in_the_alert_text(ws):
    SM.create_watch_list(ws, "t")
    SM.add_watch_items(ws, "t", [{"kind": "region", "code": "310000", "target_growth": 8}])
    SM.scan(ws, list_id="t")
    a = SM.list_alerts(ws, subject="region:310000")
    reasons = a.set_index("rule_id")["reason"]
    assert "below the target 8" in reasons["below_target"]
    assert "target 0" not in " ".join(a["reason"])  # contraction says contraction, not 'target 0'


def test_a_scan_that_finds_nothing_names_the_reason(workspace):
    with pytest.raises(NotFoundError, match="no series and no operating reports"):
        SM.scan(workspace)
    _rates_only(workspace, indicator="园区产值指数")
    with pytest.raises(NotFoundError, match="not in the indicator vocabulary: 园区产值指数"):
        SM.scan(workspace)
    SM.create_watch_list(workspace, "empty")
    with pytest.raises(NotFoundError, match="has no items"):
        SM.scan(workspace, list_id="empty")


def test_an_escalation_inside_a_running_alert_is_an_event_with_its_period(workspace):
    f = _rates_only(workspace, drop=(), sd=2.5)
    SM.create_watch_list(workspace, "w")
    SM.add_watch_items(workspace, "w", ["region:310000"])
    f2 = f.copy()
    f2.loc[f2["period"] == "2024-06", "value"] = -0.5  # a mild dip first
    write(workspace, f2[f2["period"] == "2024-06"].assign(vintage="2024-07-01"))
    SM.scan(workspace, list_id="w")
    first = SM.list_alerts(workspace)
    c = first[(first["rule_id"] == "contraction") & (first["last_period"] == "2024-06")].iloc[0]
    assert c["level"] in ("blue", "yellow")  # a dip within the noise of a noisy 4% grower
    nxt = pd.DataFrame([dict(f.iloc[-1], period="2024-07", value=-12.0, vintage="2024-08-01")])
    write(workspace, nxt)
    SM.scan(workspace, list_id="w")
    after = SM.list_alerts(workspace).set_index("alert_id").loc[c["alert_id"]]
    assert after["peak_level"] in ("orange", "red") and after["peak_period"] == "2024-07"
    ev = SM.alert_events(workspace, c["alert_id"])
    assert ev.iloc[-1]["kind"] == "escalated" and ev.iloc[-1]["period"] == "2024-07"


def test_published_rates_without_levels_are_charted(workspace):
    _rates_only(workspace)
    b = SI.indicator_growth(workspace, region="310000", industry="BCD", measure="yoy")
    pub = b.get("published")
    assert pub is not None and pub["2024-05"] == pytest.approx(-9.0)
    with pytest.raises(NotFoundError):
        SI.indicator_growth(workspace, region="310000", industry="BCD", measure="two_year")


def test_the_demo_ships_a_watch_list_of_key_regions_and_industries(demo_workspace):
    items = SM.watch_lists(demo_workspace, "demo-key")
    assert {"region", "industry", "series"} <= set(items["kind"])
    assert {"310000", "420000", "BCD", "39"} <= set(items["code"])


def test_indicator_vocabulary_aliases_and_monitoring_notes():
    from induscope.core.indicators.vocabulary import (basis_spellings, canonical_indicator, growth_basis,
                                                      indicator_label, monitoring_note)

    for alias in ("工业增加值", "规模以上工业增加值", "industrial value added", "Value Added", "IVA", "value_added"):
        assert canonical_indicator(alias) == "value_added", alias
    assert canonical_indicator("制造业PMI") == "pmi_manufacturing" and canonical_indicator("用电量") == \
        "electricity_consumption"
    assert canonical_indicator("my park index") == "my park index"  # users may keep their own
    assert growth_basis("growth_pct") == growth_basis("同比") == "growth_yoy_pct"
    assert growth_basis("ytd_growth_pct") == growth_basis("累计同比") == "growth_ytd_pct"
    assert "growth_pct" in basis_spellings("growth_yoy_pct")
    assert indicator_label("value_added") == "工业增加值 industrial value added"
    assert monitoring_note("工业增加值", "growth_pct") is None and monitoring_note("value_added", "constant_2020") is None
    assert "share_pct" in monitoring_note("value_added", "share_pct")
    assert "not in the indicator vocabulary" in monitoring_note("园区指数", "level")


def test_a_users_own_series_under_its_own_indicator_name_is_watched(workspace):
    _rates_only(workspace, indicator="zhangjiang_park_output", region="310000", industry="C")
    SM.create_watch_list(workspace, "parks")
    SM.add_watch_items(workspace, "parks", ["series:zhangjiang_park_output/上海/C=张江园区产值 Zhangjiang park output"])
    res = SM.scan(workspace, list_id="parks")
    assert res["series"] == 1
    a = SM.list_alerts(workspace, min_level="orange")
    assert len(a) and set(a["series_name"]) == {"张江园区产值 Zhangjiang park output (YoY growth 同比, published)"}
    assert set(a["subject"]) == {"series:zhangjiang_park_output/310000/C"}
