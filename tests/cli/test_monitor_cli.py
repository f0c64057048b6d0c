"""`induscope monitor ...` and `induscope indicators ...`: JSON output, exit codes, the alert lifecycle."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from induscope.cli.main import app
from induscope.store import Workspace, insert_frame

runner = CliRunner()
SEASON = [0.8, 0.78, 1.0, 0.97, 1.0, 1.06, 0.99, 0.99, 1.03, 1.0, 1.05, 1.15]


def _series(drop_from="2024-05"):
    rows = []
    months = pd.period_range("2019-01", "2024-06", freq="M").strftime("%Y-%m")
    for region, scale in (("310000", 100.0), ("420000", 60.0)):
        for d, share in (("13", 0.4), ("39", 0.6)):
            lv = {m: scale * share * 1.05 ** (k / 12) * SEASON[k % 12] *
                  (0.6 if region == "310000" and m >= drop_from else 1.0) for k, m in enumerate(months)}
            for y in range(2019, 2025):
                lv[f"{y}-02"] += lv.pop(f"{y}-01")
            rows += [(region, d, m, v) for m, v in lv.items()]
    f = pd.DataFrame(rows, columns=["region", "industry", "period", "value"])
    return f.assign(dataset_id="t", indicator="value_added", freq="M", unit="100 million CNY",
                    price_basis="constant_2020", vintage=f["period"] + "-28")


@pytest.fixture()
def home(tmp_path):
    ws = Workspace(tmp_path / "ws").ensure()
    with ws.writer() as con:
        insert_frame(con, "series", _series())
    return tmp_path / "ws"


def run(home, *args):
    return runner.invoke(app, ["--workspace", str(home), "--json", *args])


def test_indicators_growth_ytd_and_contribution_json(home):
    r = run(home, "indicators", "growth", "--region", "420000", "--start", "2024-02")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    vals = out["series"][0]["values"]
    assert out["query"]["region"] == "420000" and vals["2024-03"] == pytest.approx(5.0, abs=1e-9)
    assert out["series"][0]["vintage"] == "2024-06-28"
    r = run(home, "indicators", "ytd", "--region", "310000", "--start", "2024-06")
    assert json.loads(r.output)["series"][0]["values"]["2024-06"] < 0
    r = run(home, "indicators", "contribution", "2024-06", "--by", "province")
    out = json.loads(r.output)
    assert sum(p["contribution_pct"] for p in out["parts"].values()) == pytest.approx(100.0)
    assert out["meta"]["vintage"] == "2024-06-28"


def test_bad_arguments_give_json_errors_and_exit_codes(home):
    r = run(home, "indicators", "growth", "--region", "nowhere")
    assert r.exit_code == 2 and json.loads(r.output)["error"] == "input_error"
    r = run(home, "monitor", "ack", "AL000123")
    assert r.exit_code == 6 and json.loads(r.output)["error"] == "not_found"


def test_watch_scan_alerts_ack_close(home):
    assert run(home, "monitor", "watch", "create", "Key regions").exit_code == 0
    r = run(home, "monitor", "watch", "add", "key-regions", "region", "310000", "--target", "5")
    assert r.exit_code == 0, r.output
    r = run(home, "monitor", "watch", "list")
    assert [i["code"] for i in json.loads(r.output)] == ["310000"]
    r = run(home, "monitor", "scan")
    assert r.exit_code == 0, r.output
    scan = json.loads(r.output)
    assert scan["opened"] >= 1 and len(scan["alerts"]) == scan["opened"]
    r = run(home, "monitor", "alerts", "--min-level", "orange")
    alerts = json.loads(r.output)
    assert alerts and all(a["level"] in ("orange", "red") for a in alerts)
    aid = alerts[0]["alert_id"]
    assert alerts[0]["numbers"]["value"] < 0 and alerts[0]["start_period"] == "2024-05"
    assert json.loads(run(home, "monitor", "scan").output)["opened"] == 0  # no spam
    r = run(home, "monitor", "ack", aid, "--actor", "me", "--note", "seen")
    assert json.loads(r.output)["status"] == "acknowledged"
    r = run(home, "monitor", "close", aid)
    assert json.loads(r.output)["status"] == "closed"
    r = run(home, "monitor", "close", aid)
    assert r.exit_code == 2
    r = run(home, "monitor", "history", aid)
    assert [e["kind"] for e in json.loads(r.output)] == ["opened", "acknowledged", "closed"]
    r = run(home, "monitor", "index")
    assert r.exit_code == 0 and json.loads(r.output)[-1]["series"] == 1


def test_report_import_and_aggregate(home, tmp_path):
    rows = [{"firm_id": "F1", "period": f"2024-{m:02d}", "metric": "output_value", "value": 100 + m,
             "unit": "10,000 CNY", "region": "310000", "industry": "3612"} for m in range(1, 4)]
    p = tmp_path / "r.json"
    p.write_text(json.dumps(rows))
    r = run(home, "monitor", "report", "import", str(p), "--vintage", "2024-04-01")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["new"] == 3
    r = run(home, "monitor", "report", "aggregate", "output_value", "--by", "industry", "--level", "section")
    assert [x["value"] for x in json.loads(r.output)] == [101, 102, 103]
    bad = tmp_path / "bad.csv"
    bad.write_text("firm_id,period,metric,value,unit,region,industry\nF1,2024-03,capacity_utilisation,140,%,310000,36\n")
    r = run(home, "monitor", "report", "import", str(bad))
    assert r.exit_code == 3
    err = json.loads(r.output)
    assert err["error"] == "validation_error" and err["problems"][0]["row"] == 2


def test_report_card_command(shared_data):
    d = shared_data / "china_macro"
    r = runner.invoke(app, ["--json", "indicators", "report-card",
                            "--official", str(d / "official_figures_china_2021_2022.csv"),
                            "--current-prices", str(d / "nbs_quarterly_gdp_current_prices.csv"),
                            "--indices", str(d / "nbs_quarterly_gdp_indices.csv")])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["preliminary"]["figures"]["industry_pull_pp"] == pytest.approx(1.07, abs=0.01)
    assert set(out["current"]) == {"2022", "2023", "2024", "2025"}
    assert any(i["name"] == "industry_base_level" for i in out["preliminary"]["inputs"])


def test_watch_add_in_bulk_and_from_a_file(home, tmp_path):
    park = _series().query("region == '420000' and industry == '13'").assign(subject="园区-7", dataset_id="park")
    with Workspace(home).writer() as con:  # a park's own series: a watch item names its subject
        insert_frame(con, "series", park)
    assert run(home, "monitor", "watch", "create", "Key").exit_code == 0
    r = run(home, "monitor", "watch", "add", "key", "region:上海", "region:Hubei", "industry:C39",
            "series:工业增加值/420000/13/园区-7=光谷园区 Optics Valley park", "--target", "8")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["added"] == 4
    f = tmp_path / "items.csv"
    f.write_text("kind,code,label,target_growth\nindustry,13,农副食品,6\nregion,浙江,,\n", encoding="utf-8")
    r = run(home, "monitor", "watch", "add", "key", "--file", str(f))
    assert r.exit_code == 0, r.output
    items = json.loads(run(home, "monitor", "watch", "list", "key").output)
    assert {i["code"] for i in items} == {"310000", "420000", "39", "13", "330000", "value_added/420000/13/园区-7"}
    assert {i["target_growth"] for i in items if i["code"] in ("310000", "39")} == {8.0}
    r = run(home, "monitor", "watch", "add", "key", "region:310000", "region:火星")
    assert r.exit_code == 2 and "item 2" in json.loads(r.output)["message"]
    r = run(home, "monitor", "scan", "--list", "key")
    assert r.exit_code == 0, r.output
    alerts = json.loads(run(home, "monitor", "alerts", "--min-level", "orange").output)
    assert any(a["series_name"].startswith("310000 上海市 Shanghai") or "上海" in a["series_name"] for a in alerts)


def test_scan_without_anything_to_watch_says_why(tmp_path):
    from induscope.store import Workspace

    Workspace(tmp_path / "empty").ensure()
    r = runner.invoke(app, ["--workspace", str(tmp_path / "empty"), "--json", "monitor", "scan"])
    assert r.exit_code == 6 and "induscope demo" in json.loads(r.output)["message"]


@pytest.mark.parametrize("name, data", [
    ("empty.csv", b""), ("ragged.csv", b"firm_id,period,metric,value,unit\nF1,2024-03\n"),
    ("gbk.csv", "firm_id,period,metric,value,unit,region,industry\nF1,2024-03,sales,1,万元,上海,36\n".encode("gbk")),
    ("dup.csv", b"firm_id,period,metric,value,unit,unit\nF1,2024-03,sales,1,x,y\n"),
    ("header.csv", b"firm_id,period,metric,value,unit\n"), ("deep.json", b"[" * 50000 + b"]" * 50000),
    ("path.json", b'{"reports": "/etc/passwd"}'), ("true.json", b'[{"firm_id": "F1", "period": "2024-03", '
                                                        b'"metric": "sales", "value": true, "unit": "CNY", '
                                                        b'"region": "310000", "industry": "36"}]'),
    ("huge.json", b'[{"firm_id": "F1", "period": "2024-03", "metric": "sales", "value": 1e308, "unit": "\xe4\xba\xbf'
                  b'\xe5\x85\x83", "region": "310000", "industry": "36"}]'),
    ("date.csv", b"firm_id,period,metric,value,unit,region,industry\nF1,2025-02-30,sales,1,CNY,310000,36\n")])
def test_corrupted_report_files_exit_3_without_a_traceback(home, tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data)
    r = run(home, "monitor", "report", "import", str(p))
    assert r.exit_code == 3, r.output
    assert "Traceback" not in r.output and "root:" not in r.output
    assert json.loads(r.output)["error"] == "validation_error"
