"""`induscope import ...` through Typer's CliRunner."""
from __future__ import annotations

import hashlib
import json

import pytest
from typer.testing import CliRunner

from induscope.cli.main import app
from induscope.store import Workspace

runner = CliRunner()

SMALL_IO = """kind,code,name,A,B,C,HH,INV,EX,x
Z,A,Farming,10,20,5,40,5,20,100
Z,B,Industry,15,30,10,60,-5,40,150
Z,C,Services,5,10,15,30,0,20,80
V,VA1,Wages,40,50,20,,,,
V,VA2,Surplus,30,40,30,,,,
"""
FIRMS = "firm_id,name,region,industry,revenue\nF1,A,320000,3612,5\nF2,B,110000,3670,7\n"
LINKS = "supplier,customer,value\nF1,F2,3\n"
NODES = "chain_id,node_id,name,stage,position,parent\nnev,cells,Cells,upstream,0,car\nnev,car,Car,downstream,1,\n"
NODE_FIRMS = "chain_id,node_id,firm_id\nnev,cells,F1\n"
SERIES = "indicator,region,industry,period,value,unit,price_basis,vintage\nva,CN,C,2024M03,5,%,growth_pct,v1\n"


def _w(tmp_path, text, name, encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def invoke(tmp_path, *args):
    return runner.invoke(app, ["--workspace", str(tmp_path / "ws"), "--json", "import", *args])


def test_help_texts():
    for cmd in ([], ["io"], ["series"], ["enterprises"], ["links"], ["chains"]):
        r = runner.invoke(app, ["import", *cmd, "--help"])
        assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["import", "io", "--help"])
    assert "--tolerance" in r.output and "--layout" in r.output and "--replace" in r.output


def test_import_nbs_table_json(tmp_path, shared_data):
    r = invoke(tmp_path, "io", str(shared_data / "china_io_nbs" / "china_2017_42.csv"))
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["table_id"] == "china_2017_42" and out["import_type"] == "non-competitive"
    assert out["sectors"] == 42 and out["balance"]["row_balance"] < 1e-9
    # again without --replace: an input error (exit 2), with --replace fine
    r = invoke(tmp_path, "io", str(shared_data / "china_io_nbs" / "china_2017_42.csv"))
    assert r.exit_code == 2 and "already exists" in json.loads(r.stdout)["message"]
    r = invoke(tmp_path, "io", str(shared_data / "china_io_nbs" / "china_2017_42.csv"), "--replace",
               "--name", "cn17")
    assert r.exit_code == 0 and json.loads(r.stdout)["table_id"] == "cn17"


def test_all_kinds_through_the_cli(tmp_path):
    r = invoke(tmp_path, "io", str(_w(tmp_path, SMALL_IO, "small.csv")), "--layout", "generic",
               "--unit", "亿元", "--year", "2023")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["year"] == 2023
    r = invoke(tmp_path, "enterprises", str(_w(tmp_path, FIRMS, "firms.csv")), "--unit", "万元")
    assert r.exit_code == 0, r.output
    r = invoke(tmp_path, "links", str(_w(tmp_path, LINKS, "links.csv")), "--unit", "万元")
    assert r.exit_code == 0, r.output
    r = invoke(tmp_path, "chains", str(_w(tmp_path, NODES, "nodes.csv")), str(_w(tmp_path, NODE_FIRMS, "nf.csv")))
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["node_firms"] == 1
    r = invoke(tmp_path, "series", str(_w(tmp_path, SERIES, "s.csv")))
    assert r.exit_code == 0, r.output
    counts = Workspace(tmp_path / "ws").tables()
    assert {k: counts[k] for k in ("io_tables", "enterprises", "supply_links", "chain_nodes", "series",
                                   "datasets")} == {"io_tables": 1, "enterprises": 2, "supply_links": 1,
                                                    "chain_nodes": 2, "series": 1, "datasets": 5}


def test_human_output(tmp_path):
    r = runner.invoke(app, ["--workspace", str(tmp_path / "ws"), "import", "io",
                            str(_w(tmp_path, SMALL_IO, "small.csv")), "--unit", "万元"])
    assert r.exit_code == 0, r.output
    assert "table_id" in r.stdout and "small" in r.stdout


def test_validation_error_exit_code_3_and_nothing_written(tmp_path):
    invoke(tmp_path, "io", str(_w(tmp_path, SMALL_IO, "base.csv")), "--unit", "万元")
    ws = Workspace(tmp_path / "ws")
    before = hashlib.sha256(ws.path.read_bytes()).hexdigest(), ws.tables()
    bad = SMALL_IO.replace(",40,150\n", ",40,152\n").replace("Z,A,Farming,10", "Z,A,Farming,ten")
    r = invoke(tmp_path, "io", str(_w(tmp_path, bad, "bad.csv")), "--unit", "万元")
    assert r.exit_code == 3
    out = json.loads(r.stdout)
    assert out["error"] == "validation_error" and out["total"] == 1
    assert out["problems"][0] == {"source": "bad.csv", "row": 2, "column": "A", "value": "ten",
                                  "expected": "a number"}
    # the data is as it was; only the audit log gained the refused attempt (tests/cli/test_cli_audit.py)
    after = ws.tables()
    assert {k: v for k, v in after.items() if k != "audit_log"} == {k: v for k, v in before[1].items()
                                                                     if k != "audit_log"}
    assert after["audit_log"] == before[1]["audit_log"] + 1
    last = ws.query("SELECT action, outcome, status FROM audit_log ORDER BY seq DESC LIMIT 1").iloc[0]
    assert (last["action"], last["outcome"], last["status"]) == ("import io", "invalid", 3)


def test_imbalance_and_tolerance_option(tmp_path):
    bad = _w(tmp_path, SMALL_IO.replace(",40,150\n", ",40,150.3\n"), "bad.csv")
    r = invoke(tmp_path, "io", str(bad), "--unit", "万元")
    assert r.exit_code == 3
    probs = json.loads(r.stdout)["problems"]
    assert [(p["row"], p["column"]) for p in probs] == [(3, "x"), (None, "B")]
    assert "residual 0.3" in probs[0]["value"]
    r = invoke(tmp_path, "io", str(bad), "--unit", "万元", "--tolerance", "0.01")
    assert r.exit_code == 0, r.output
    r = invoke(tmp_path, "io", str(bad), "--unit", "万元", "--tolerance", "5", "--name", "y")
    assert r.exit_code == 2


def test_gbk_message_and_encoding_option(tmp_path):
    p = _w(tmp_path, SERIES.replace("va,CN", "增加值,全国"), "gbk.csv", encoding="gbk")
    r = invoke(tmp_path, "series", str(p))
    assert r.exit_code == 3
    assert "GBK-encoded" in json.loads(r.stdout)["problems"][0]["expected"]
    assert not (tmp_path / "ws" / "workspace.duckdb").exists()
    r = invoke(tmp_path, "series", str(p), "--encoding", "gbk")
    assert r.exit_code == 0, r.output


def test_human_error_output_goes_to_stderr(tmp_path):
    p = _w(tmp_path, "", "empty.csv")
    r = runner.invoke(app, ["--workspace", str(tmp_path / "ws"), "import", "series", str(p)])
    assert r.exit_code == 3
    assert "invalid input" in r.stderr and "the file is empty" in r.stderr


@pytest.mark.parametrize("args,code", [
    (["io", "missing.csv"], 2),
    (["io", "x.csv", "--layout", "wide"], 2),
])
def test_input_errors(tmp_path, args, code):
    _w(tmp_path, SMALL_IO, "x.csv")
    args = [str(tmp_path / a) if a.endswith(".csv") else a for a in args]
    r = invoke(tmp_path, *args)
    assert r.exit_code == code, r.output
