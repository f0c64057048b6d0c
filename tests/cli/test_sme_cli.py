"""`induscope sme ...`: the acceptance contract of template / evaluate / explain, exit codes
(2 bad usage, 3 invalid data) and nothing written on error, plus certificates and the registry."""
from __future__ import annotations

import json

import openpyxl
import pandas as pd
from typer.testing import CliRunner

from induscope.cli.main import app

runner = CliRunner()

ROW = {"firm_id": "F1", "name": "甲公司", "region": "广东", "industry": "C3612", "employees": 120,
       "total_assets": 8000, "revenue": 9000, "revenue_prev1": 8000, "main_revenue": 8000,
       "main_revenue_prev1": 7000, "main_revenue_prev2": 6500, "rd_expense": 216, "rd_expense_prev1": 200,
       "net_profit": 700, "debt_ratio": 48, "rd_staff": 15, "niche_years": 6, "strategic_emerging": "是",
       "chain_role": "foundation", "ip_level": "class1", "class1_ip_applied": 2, "digital_level": 2,
       "quality_award": "否", "quality_cert": "是", "own_brand": "是", "standards": "否", "local_score": 8,
       "rd_institution": "city", "equity_financing_2y": 0, "equity_financing_3y": 0, "sci_award": "none",
       "maker_china": "none", "honours": "否", "market_share": 4, "info_system": "是", "mgmt_cert": "是",
       "credit_ok": "是"}


def _filled_template(tmp_path):
    t = tmp_path / "t.xlsx"
    r = runner.invoke(app, ["sme", "template", "--out", str(t)])
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(t)
    ws = wb.active
    names = [str(c.value).split()[0] for c in ws[1]]
    ws.append([ROW.get(n) for n in names])
    ws.append(["F2", "乙公司", "440000", "3612", None, None, 3000])   # mostly empty
    wb.save(t)
    return t


def test_template_evaluate_explain(tmp_path):
    t = _filled_template(tmp_path)
    headers = [c.value for c in openpyxl.load_workbook(t).active[1]]
    assert any("万元" in h for h in headers) and any("%" in h for h in headers)
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["sme", "evaluate", str(t), "--date", "2025-05-01", "--province", "440000",
                            "--out", str(out)])
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(df.columns[:0]) == [] and {"firm_id", "tier", "rule_set", "result", "score", "missing",
                                           "reasons"} <= set(df.columns)
    assert len(df) == 6 and set(df["tier"]) == {"innovative", "srdi", "little_giant"}
    assert set(df["rule_set"]) == {"2022-63"}
    f1 = df[df.firm_id == "F1"].set_index("tier")
    assert f1.loc["innovative", "result"] == "eligible" and float(f1.loc["innovative", "score"]) == 75
    assert f1.loc["srdi", "result"] == "not_eligible"
    f2 = df[df.firm_id == "F2"].set_index("tier")
    assert (f2["result"] == "cannot_evaluate").all() and "rd_expense" in f2.loc["srdi", "missing"]

    r = runner.invoke(app, ["sme", "explain", str(t), "--firm", "F1", "--date", "2025-05-01"])
    assert r.exit_code == 0, r.output
    text = r.output
    for needle in ("R&D intensity last year 2.4% -> 3% needed: +0.6 pp", "band 2% <= x < 3%", "points 10 / 20",
                   "FAIL", "PASS", "next tier"):
        assert needle in text, needle

    r = runner.invoke(app, ["--json", "sme", "explain", str(t), "--firm", "F1", "--date", "2026-04-01"])
    d = json.loads(r.output)
    assert d["rule_set"] == "2026-2" and [x["tier"] for x in d["tiers"]] == ["innovative", "srdi", "little_giant"]


def test_date_switch_on_the_command_line(tmp_path):
    t = _filled_template(tmp_path)
    for date, rs in (("2026-03-31", "2022-63"), ("2026-04-01", "2026-2")):
        out = tmp_path / f"{date}.csv"
        assert runner.invoke(app, ["sme", "evaluate", str(t), "--date", date, "--out", str(out)]).exit_code == 0
        assert set(pd.read_csv(out)["rule_set"]) == {rs}


def test_bad_usage_exits_2_and_writes_nothing(tmp_path):
    t = _filled_template(tmp_path)
    out = tmp_path / "o.csv"
    for args in (["--date", "2025-02-30"], ["--date", "2020-01-01"], ["--date", "2025-05-01", "--province", "XX"]):
        r = runner.invoke(app, ["sme", "evaluate", str(t), *args, "--out", str(out)])
        assert r.exit_code == 2, r.output
        assert not out.exists()
    r = runner.invoke(app, ["sme", "evaluate", str(tmp_path / "missing.csv"), "--date", "2025-05-01"])
    assert r.exit_code == 2
    r = runner.invoke(app, ["sme", "explain", str(t), "--firm", "ZZ", "--date", "2025-05-01"])
    assert r.exit_code == 6 and "ZZ" in r.output


def test_invalid_data_exits_3_with_located_errors(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("firm_id,revenue,ip_level\nF1,12x,class1\nF1,5,platinum\n", encoding="utf-8")
    out = tmp_path / "o.csv"
    r = runner.invoke(app, ["sme", "evaluate", str(bad), "--date", "2025-05-01", "--out", str(out)])
    assert r.exit_code == 3
    assert "row 2, column 'revenue'" in r.output and "row 3, column 'ip_level'" in r.output
    assert "row 3, column 'firm_id'" in r.output and "nothing was written" in r.output
    assert not out.exists()


def test_certificates_and_registry_commands(tmp_path):
    ws = tmp_path / "ws"
    certs = tmp_path / "certs.csv"
    certs.write_text("firm_id,tier,issued\nF1,srdi,2023-06-15\nF2,innovative,2021-01-01\n", encoding="utf-8")
    r = runner.invoke(app, ["-w", str(ws), "sme", "certs", "import", str(certs)])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["-w", str(ws), "--json", "sme", "certs", "due", "--months", "6", "--as-of", "2026-06-01"])
    assert [x["firm_id"] for x in json.loads(r.output)] == ["F1"]
    r = runner.invoke(app, ["-w", str(ws), "--json", "sme", "certs", "stats", "--by", "region", "--as-of", "2026-06-01"])
    assert r.exit_code == 0 and sum(x["expired"] for x in json.loads(r.output)) == 1
    r = runner.invoke(app, ["-w", str(ws), "sme", "certs", "revoke", "F1-srdi-2023-06-15", "--date", "2024-01-01",
                            "--cause", "bribery"])
    assert r.exit_code == 2
    reg = tmp_path / "reg.csv"
    reg.write_text("kind,name,year\nplatform,P1,2021\n5g_iiot_project,X,2022\n", encoding="utf-8")
    assert runner.invoke(app, ["-w", str(ws), "sme", "registry", "import", str(reg)]).exit_code == 0
    r = runner.invoke(app, ["-w", str(ws), "--json", "sme", "registry", "counts"])
    assert {x["kind"] for x in json.loads(r.output)} == {"platform", "5g_iiot_project"}
    r = runner.invoke(app, ["--json", "sme", "digital-level", "--score", "80", "--edition", "2022-32"])
    assert json.loads(r.output)["level"] == 4
