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
