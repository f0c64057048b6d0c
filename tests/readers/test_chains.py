"""Chain definitions: nodes and the firms serving them."""
from __future__ import annotations

import csv

import openpyxl
import pytest

from induscope.errors import ValidationError
from induscope.readers.chains import read_chains

NODES = """chain_id,chain_name,node_id,name,stage,position,parent,industry
nev,新能源汽车,lithium,锂矿,上游,0,cells,0914
nev,新能源汽车,cells,动力电池,midstream,1,vehicles,3841
nev,新能源汽车,motors,驱动电机,midstream,1,vehicles,"3812,3813"
nev,新能源汽车,vehicles,整车,downstream,2,,3612
"""
FIRMS = """chain_id,node_id,firm_id,role
nev,cells,F1,链主
nev,vehicles,F2,leader
nev,motors,F3,
"""


def _w(tmp_path, text, name):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_two_csv_files(tmp_path):
    chains, nodes, firms = read_chains(_w(tmp_path, NODES, "n.csv"), _w(tmp_path, FIRMS, "f.csv"),
                                       known_firms={"F1", "F2", "F3"})
    assert chains.to_dict("records") == [{"chain_id": "nev", "name": "新能源汽车", "description": None}]
    assert list(nodes["stage"]) == ["upstream", "midstream", "midstream", "downstream"]
    assert nodes.loc[2, "industry"] == "3812,3813"
    assert nodes.loc[3, "parent"] is None
    assert list(firms["role"]) == ["leader", "leader", "member"]


def test_one_workbook_with_two_sheets(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "nodes"
    for row in csv.reader(NODES.strip().splitlines()):
        ws.append(row)
    wf = wb.create_sheet("firms")
    for line in FIRMS.strip().splitlines():
        wf.append(line.split(","))
    p = tmp_path / "chain.xlsx"
    wb.save(p)
    chains, nodes, firms = read_chains(p, known_firms={"F1", "F2", "F3"})
    assert len(nodes) == 4 and len(firms) == 3


def test_unknown_parent_cycle_and_unknown_firm(tmp_path):
    nodes = NODES + ("nev,,a,A,upstream,0,b,\n"
                     "nev,,b,B,upstream,0,a,\n"          # a <-> b: a cycle
                     "nev,,c,C,upstream,0,nowhere,\n"    # unknown parent
                     "nev,,d,D,sideways,x,vehicles,9999\n"  # bad stage, position, industry
                     "nev,,e,E,downstream,5,vehicles,\n")   # feeds a node upstream of it
    firms = FIRMS + "nev,cells,F9,member\nnev,ghost,F1,member\nnev,cells,F1,member\nnev,motors,F2,boss\n"
    with pytest.raises(ValidationError) as e:
        read_chains(_w(tmp_path, nodes, "n.csv"), _w(tmp_path, firms, "f.csv"),
                    known_firms={"F1", "F2", "F3"})
    msg = str(e.value)
    got = {(p.source, p.row, p.column) for p in e.value.problems}
    assert ("n.csv", 6, "parent") in got and "a -> b -> a" in msg
    assert ("n.csv", 8, "parent") in got and "'nowhere'" in msg
    assert {("n.csv", 9, "stage"), ("n.csv", 9, "position"), ("n.csv", 9, "industry")} <= got
    assert ("n.csv", 10, "position") in got
    assert ("f.csv", 5, "firm_id") in got and "'F9'" in msg
    assert ("f.csv", 6, "node_id") in got
    assert ("f.csv", 7, "chain_id+node_id+firm_id") in got
    assert ("f.csv", 8, "role") in got


def test_duplicate_nodes(tmp_path):
    with pytest.raises(ValidationError, match="duplicate of row 2"):
        read_chains(_w(tmp_path, NODES + "nev,,lithium,again,upstream,0,,\n", "n.csv"))


# --- issue 13: several downstream nodes, optional columns, clusters, rule files ------------------
import pandas as pd  # noqa: E402

from induscope.readers.chains import read_clusters, read_rules  # noqa: E402

MULTI = """chain_id,node_id,name,stage,position,parent,industry,key_core,imports,exports,domestic_output,hs_codes,io_sector
ic,ic07,晶圆制造,midstream,2,ic08,3973,是,121609.4,8686.39,86863.85,"8541,854231",20
ic,ic08,封装测试,midstream,3,"ic09,ic10,ic11",3973,no,,,,,
ic,ic09,通信设备,downstream,4,,3921,,,,,,
ic,ic10,计算机整机,downstream,4,,3911,,,,,,
ic,ic11,汽车电子,downstream,4,,3962,,,,,,
"""


def test_a_node_may_feed_several_nodes_and_optional_columns(tmp_path):
    firms = "chain_id,node_id,firm_id,role,output,capacity\nic,ic08,F1,leader,120.5,150\nic,ic09,F2,,,\n"
    chains, nodes, nf = read_chains(_w(tmp_path, MULTI, "n.csv"), _w(tmp_path, firms, "f.csv"),
                                    known_firms={"F1", "F2"})
    n = nodes.set_index("node_id")
    assert n.at["ic08", "parent"] == "ic09,ic10,ic11"
    assert n.at["ic07", "key_core"] is True and n.at["ic08", "key_core"] is False and n.at["ic09", "key_core"] is None
    assert n.at["ic07", "imports"] == 121609.4 and pd.isna(n.at["ic08", "imports"])
    assert n.at["ic07", "hs_codes"] == "8541,854231" and n.at["ic07", "io_sector"] == "20"
    assert nf.set_index("firm_id").at["F1", "capacity"] == 150.0
    assert pd.isna(nf.set_index("firm_id").at["F2", "output"])


def test_bad_optional_columns_and_multi_parent_problems(tmp_path):
    bad = MULTI.replace("ic,ic08,封装测试,midstream,3,\"ic09,ic10,ic11\",3973,no,,,,,",
                        "ic,ic08,封装测试,midstream,3,\"ic09,nowhere,ic07\",3973,maybe,-5,x,,12AB,99")
    firms = "chain_id,node_id,firm_id,output,capacity\nic,ic08,F1,-1,lots\n"
    with pytest.raises(ValidationError) as e:
        read_chains(_w(tmp_path, bad, "n.csv"), _w(tmp_path, firms, "f.csv"), known_firms={"F1"})
    got = {(p.source, p.row, p.column) for p in e.value.problems}
    assert {("n.csv", 3, c) for c in ("parent", "key_core", "imports", "exports", "hs_codes", "io_sector")} <= got
    assert ("n.csv", 2, "parent") in got and "ic07 -> ic08 -> ic07" in str(e.value)  # a cycle
    assert {("f.csv", 2, "output"), ("f.csv", 2, "capacity")} <= got
    assert "'nowhere'" in str(e.value)


def test_cycle_through_a_second_parent(tmp_path):
    text = ("chain_id,node_id,name,stage,position,parent\n"
            "c,a,A,upstream,0,\"b,c\"\nc,b,B,midstream,1,\nc,c,C,midstream,1,a\n")
    with pytest.raises(ValidationError, match="a -> c -> a"):
        read_chains(_w(tmp_path, text, "n.csv"))


CLUSTERS = """cluster_id,name,kind,regions,lead_industries,members
yrd,长三角新能源汽车集群,先进制造业集群,"上海,江苏,330000",3612,"F1,F2"
sz,苏州电子,sme_characteristic,320500,"3973,3985",
"""


def test_cluster_registry(tmp_path):
    members = "cluster_id,firm_id\nsz,F3\n"
    cl, mem = read_clusters(_w(tmp_path, CLUSTERS, "c.csv"), _w(tmp_path, members, "m.csv"),
                            known_firms={"F1", "F2", "F3"})
    c = cl.set_index("cluster_id")
    assert c.at["yrd", "kind"] == "advanced_manufacturing"
    assert c.at["yrd", "regions"] == ["310000", "320000", "330000"]
    assert c.at["sz", "regions"] == ["320500"] and c.at["sz", "lead_industries"] == ["3973", "3985"]
    assert sorted(zip(mem["cluster_id"], mem["firm_id"])) == [("sz", "F3"), ("yrd", "F1"), ("yrd", "F2")]


def test_bad_cluster_registry_is_located(tmp_path):
    bad = CLUSTERS + "yrd,again,park,火星,9999,F9\n,noid,sme_characteristic,440000,,\n"
    members = "cluster_id,firm_id\nghost,F1\nsz,F1\nsz,F1\n"
    with pytest.raises(ValidationError) as e:
        read_clusters(_w(tmp_path, bad, "c.csv"), _w(tmp_path, members, "m.csv"), known_firms={"F1", "F2"})
    got = {(p.source, p.row, p.column) for p in e.value.problems}
    assert {("c.csv", 4, "cluster_id"), ("c.csv", 4, "kind"), ("c.csv", 4, "regions"),
            ("c.csv", 4, "lead_industries"), ("c.csv", 4, "members"), ("c.csv", 5, "cluster_id")} <= got
    assert {("m.csv", 2, "cluster_id"), ("m.csv", 4, "firm_id")} <= got


def test_rule_files(tmp_path):
    import json

    from induscope.core.chains.rules import default_rules

    r = default_rules()
    r["weak"][0]["when"][0]["value"] = 3
    p = tmp_path / "rules.json"
    p.write_text(json.dumps(r), encoding="utf-8")
    assert read_rules(p)["weak"][0]["when"][0]["value"] == 3
    p.write_text('{"weak": [}', encoding="utf-8")
    with pytest.raises(ValidationError, match="rules.json"):
        read_rules(p)
    r["strong"][0]["when"][0]["op"] = "~"
    p.write_text(json.dumps(r), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"strong\[0\]\.when\[0\]\.op"):
        read_rules(p)
