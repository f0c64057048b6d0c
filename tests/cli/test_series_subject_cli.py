"""`induscope import series` with a subject column, `indicators ... --subject`, watching a subject series."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from induscope.cli.main import app

runner = CliRunner()
MONTHS = list(pd.period_range("2020-01", "2024-06", freq="M").strftime("%Y-%m"))


def run(home, *args):
    return runner.invoke(app, ["--workspace", str(home), "--json", *args])


def _file(path, parks):
    rows = []
    for subject, base, growth in parks:
        rows += [("value_added", "310000", "39", subject, m, base * (1 + growth) ** (k / 12))
                 for k, m in enumerate(MONTHS)]
    columns = ["indicator", "region", "industry", "subject", "period", "value"]
    pd.DataFrame(rows, columns=columns).to_csv(path, index=False)
    return path


@pytest.fixture()
def home(tmp_path):
    f = _file(tmp_path / "parks.csv", [("", 600.0, 0.05), ("zj-park", 300.0, 0.20), ("lg-park", 80.0, 0.08)])
    r = run(tmp_path / "ws", "import", "series", str(f), "--unit", "100 million CNY", "--price-basis",
            "constant_2020", "--vintage", "2024-07-15")
    assert r.exit_code == 0, r.output
    return tmp_path / "ws"


def test_indicators_growth_ytd_and_contribution_take_a_subject(home):
    for subject, rate in (("", 5.0), ("zj-park", 20.0), ("lg-park", 8.0)):
        r = run(home, "indicators", "growth", "--region", "上海", "--industry", "39", "--start", "2024-03",
                "--end", "2024-03", *(["--subject", subject] if subject else []))
        assert r.exit_code == 0, r.output
        out = json.loads(r.output)
        assert out["query"]["subject"] == subject
        assert out["series"][0]["values"]["2024-03"] == pytest.approx(rate, abs=1e-6)
    r = run(home, "indicators", "ytd", "--region", "310000", "--industry", "39", "--subject", "zj-park",
            "--start", "2024-06")
    assert json.loads(r.output)["series"][0]["values"]["2024-06"] == pytest.approx(20.0, abs=1e-6)
    r = run(home, "indicators", "contribution", "2024-03", "--by", "division", "--region", "310000",
            "--industry", "C", "--subject", "lg-park")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["meta"]["subject"] == "lg-park"


def test_unknown_and_malformed_subjects_exit_with_clear_messages(home, tmp_path):
    r = run(home, "indicators", "growth", "--region", "310000", "--industry", "39", "--subject", "zj-prak")
    assert r.exit_code != 0 and "zj-prak" in r.output and "zj-park" in r.output and "Traceback" not in r.output
    r = run(home, "indicators", "growth", "--region", "310000", "--industry", "39", "--subject", "a/b")
    assert r.exit_code == 2 and "subject" in r.output and "Traceback" not in r.output
    bad = _file(tmp_path / "bad.csv", [("p q", 1.0, 0.0)])
    r = run(home, "import", "series", str(bad), "--unit", "100 million CNY", "--price-basis", "current",
            "--vintage", "v2")
    assert r.exit_code == 3, r.output
    probs = json.loads(r.output)["problems"]
    assert {"source": "bad.csv", "row": 2, "column": "subject", "value": "p q"}.items() <= probs[0].items()
    assert "no spaces" in probs[0]["expected"]


def test_watch_a_subject_series_and_refuse_one_without_rows(home):
    assert run(home, "monitor", "watch", "create", "parks").exit_code == 0
    r = run(home, "monitor", "watch", "add", "parks", "series:value_added/310000/39/zj-prak")
    assert r.exit_code != 0 and "zj-prak" in r.output and "lg-park" in r.output
    r = run(home, "monitor", "watch", "add", "parks", "series:value_added/310000/39/zj-park=张江 Zhangjiang")
    assert r.exit_code == 0, r.output
    r = run(home, "monitor", "scan", "--list", "parks")
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["series"] == 2  # the park's YoY and YTD growth


def test_watch_items_file_with_a_subject_column(home, tmp_path):
    assert run(home, "monitor", "watch", "create", "parks").exit_code == 0
    f = tmp_path / "items.csv"
    f.write_text("类型,指标,地区,行业,主体,名称\nseries,工业增加值,上海,39,lg-park,临港\nseries,value_added,310000,39,,上海 39\n",
                 encoding="utf-8")
    r = run(home, "monitor", "watch", "add", "parks", "--file", str(f))
    assert r.exit_code == 0, r.output
    items = json.loads(run(home, "monitor", "watch", "list", "parks").output)
    assert {(i["code"], i["subject"], i["label"]) for i in items} == {
        ("value_added/310000/39/lg-park", "lg-park", "临港"), ("value_added/310000/39", None, "上海 39")}
    f.write_text("kind,indicator,region,industry,series_id\nseries,value_added,310000,39,nope\n", encoding="utf-8")
    r = run(home, "monitor", "watch", "add", "parks", "--file", str(f))
    assert r.exit_code != 0 and "'nope'" in json.loads(r.output)["message"]
