"""`induscope chains|clusters|export` on the demo workspace: the CSV contract of the acceptance
checks, --json everywhere, exit codes for bad input."""
from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from induscope.cli.main import app

runner = CliRunner()
ASSESS = ["node_id", "verdict", "suppliers", "firm_hhi", "region_hhi", "import_dependence", "import_source",
          "coverage", "exposure", "reasons"]
RULE_IDS = {"few_suppliers", "import_dependent", "concentrated_uncovered", "key_core_import_dependent",
            "many_suppliers", "competitive_supply", "self_sufficient", "export_competitive"}


def run(ws, *args):
    return runner.invoke(app, ["-w", str(ws.home), *args])


def test_assess_writes_the_contract_csv(demo_workspace, tmp_path):
    out = tmp_path / "a.csv"
    r = run(demo_workspace, "chains", "assess", "ic", "--out", str(out))
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert set(ASSESS) <= set(df.columns)
    assert set(df["verdict"]) <= {"weak", "strong", "neutral"} and len(df) == 11
    for reasons in df["reasons"]:
        assert all(x in RULE_IDS for x in reasons.split(";") if x)
    assert (df.loc[df["verdict"] == "weak", "reasons"] != "").all()


def test_region_writes_the_contract_csv(demo_workspace, tmp_path):
    out = tmp_path / "r.csv"
    r = run(demo_workspace, "chains", "region", "nev", "--region", "310000", "--out", str(out))
    assert r.exit_code == 0, r.output
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(df.columns[:5]) == ["node_id", "status", "local_suppliers", "local_share", "candidates"]
    assert set(df["status"]) <= {"present", "thin", "missing"} and "missing" in set(df["status"])


def test_leader_and_region_tables_name_the_firms(demo_workspace):
    """Names beside ids: the registry's enterprise names next to the leader, its single points of
    failure and the candidates to attract (the CSV and --json keep their columns)."""
    from induscope.store.enterprises import firm_names

    names = firm_names(demo_workspace)
    r = run(demo_workspace, "chains", "leader", "ic")
    assert r.exit_code == 0, r.output
    leader = json.loads(runner.invoke(app, ["--json", "-w", str(demo_workspace.home), "chains", "leader",
                                            "ic"]).stdout)["leader"]
    assert names[leader] in r.output and "supplier_name" in r.output
    r = run(demo_workspace, "chains", "region", "ic", "--region", "440000")
    assert r.exit_code == 0, r.output
    assert "firm_name" in r.output and "region_name" in r.output


@pytest.mark.parametrize("args", [["chains", "list"], ["chains", "show", "ic"], ["chains", "assess", "nev"],
                                  ["chains", "region", "nev", "--region", "江苏"], ["chains", "leader", "nev"],
                                  ["chains", "shock", "nev", "--node", "nev08"], ["chains", "rules"],
                                  ["clusters", "list"], ["clusters", "show", "yrd_nev"]])
def test_json_everywhere(demo_workspace, args):
    r = runner.invoke(app, ["--json", "-w", str(demo_workspace.home), *args])
    assert r.exit_code == 0, r.output
    json.loads(r.stdout)


def test_bad_input_exit_codes(demo_workspace, tmp_path):
    r = run(demo_workspace, "chains", "assess", "nope")
    assert r.exit_code not in (0, 1) and "no chain 'nope'" in r.output
    bad = tmp_path / "rules.json"
    bad.write_text('{"weak": [], "strong": [{"id": "x", "when": [{"measure": "?", "op": "<", "value": 1}]}]}')
    r = run(demo_workspace, "chains", "assess", "nev", "--rules", str(bad))
    assert r.exit_code == 3 and "strong[0].when[0].measure" in r.output
    r = run(demo_workspace, "chains", "region", "nev", "--region", "Atlantis")
    assert r.exit_code == 3
    r = run(demo_workspace, "chains", "shock", "nev")
    assert r.exit_code not in (0, 1)


def test_export_chains_round_trips_through_import(demo_workspace, tmp_path):
    n, f = tmp_path / "n.csv", tmp_path / "f.csv"
    r = run(demo_workspace, "export", "chains", str(n), str(f), "--chain", "ic")
    assert r.exit_code == 0, r.output
    nodes = pd.read_csv(n, dtype=str, keep_default_na=False)
    assert nodes.set_index("node_id").at["ic08", "parent"] == "ic09,ic10,ic11"
    from induscope.readers.chains import read_chains

    firms = set(demo_workspace.query("SELECT firm_id FROM enterprises")["firm_id"])
    chains, nodes2, nf = read_chains(n, f, known_firms=firms)
    assert len(nodes2) == 11 and len(nf) == len(pd.read_csv(f))
