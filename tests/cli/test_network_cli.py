"""`induscope network ...`: the ESRI command contract checked on the reference outputs, input
validation, and the scenario / chokepoint / alternative-supplier commands."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from induscope.cli.main import app

runner = CliRunner()
PATTERN = re.compile(r"^(?P<net>.+)__(?P<ess>[^_]+)__(?P<market>market|nomarket)__eps(?P<eps>[0-9.]+)\.csv$")


def write_inputs(shared: Path, name: str, tmp: Path) -> tuple[Path, Path, Path, list[str]]:
    """Convert the inputs behind one reference output to LINKS/FIRMS/E CSVs; returns the paths and
    the extra CLI options."""
    esri = shared / "esri"
    outs = esri / "reference_outputs"
    m = PATTERN.match(name)
    if m:
        W = pd.read_csv(esri / f"{m['net']}.csv").to_numpy(dtype=float)
        ind = pd.read_csv(esri / "industry_vector.csv", dtype=str)["industry_id"].tolist()
        codes = ["1", "2", "3", "4"]
        if m["ess"] == "rnd7":
            E = pd.read_csv(outs / "random_ess_mat_4x4_seed7.csv", index_col=0).to_numpy()
        else:
            E = np.ones((4, 4), dtype=int)
            if m["ess"] == "mix24":
                E[1, 3] = 2
        opts = ["--eps", m["eps"]] + (["--market"] if m["market"] == "market" else [])
    else:
        W = pd.read_csv(outs / "example_data_W.csv").to_numpy(dtype=float)
        ind = pd.read_csv(outs / "example_data_p.csv", dtype=str)["p"].tolist()
        Edf = pd.read_csv(outs / "example_data_ess_mat_sec.csv", index_col=0)
        codes = [str(c) for c in Edf.columns]
        E = Edf.to_numpy()
        opts = ["--eps", "0.01"]
    s, c = np.nonzero(W)
    firms = [f"f{i + 1}" for i in range(len(W))]
    links = tmp / "links.csv"
    pd.DataFrame({"supplier": [firms[i] for i in s], "customer": [firms[j] for j in c],
                  "value": W[s, c]}).to_csv(links, index=False)
    fpath = tmp / "firms.csv"
    pd.DataFrame({"firm": firms, "industry": ind}).to_csv(fpath, index=False)
    epath = tmp / "E.csv"
    pd.DataFrame(E, index=codes, columns=codes).to_csv(epath)
    return links, fpath, epath, opts


def reference_names(shared: Path) -> list[str]:
    outs = shared / "esri" / "reference_outputs"
    return sorted(p.name for p in outs.glob("*.csv")
                  if PATTERN.match(p.name) or p.name.startswith("example_data_eps"))


REF_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "esri" / "reference_outputs"


@pytest.mark.parametrize("name", sorted(p.name for p in REF_DIR.glob("*.csv")
                                        if PATTERN.match(p.name) or p.name.startswith("example_data_eps")))
def test_esri_cli_reproduces_reference(shared_data, tmp_path, name):
    links, firms, E, opts = write_inputs(shared_data, name, tmp_path)
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["network", "esri", "--links", str(links), "--firms", str(firms),
                            "--essentiality", str(E), "--out", str(out), "--executor", "serial", *opts])
    assert r.exit_code == 0, r.output
    got = pd.read_csv(out, dtype={"firm": str})
    ref = pd.read_csv(shared_data / "esri" / "reference_outputs" / name)
    assert list(got.columns) == ["firm", "esri", "esri_down", "esri_up", "iterations"]
    assert got["firm"].tolist() == [f"f{i}" for i in ref["firm"]]
    for ours, theirs in (("esri", "ESRI"), ("esri_down", "ESRI_down"), ("esri_up", "ESRI_up")):
        np.testing.assert_allclose(got[ours], ref[theirs], rtol=0, atol=1e-10)
    assert (got["iterations"] == ref["iters"]).all()
    assert not list(tmp_path.glob(".out.csv*"))  # the temporary file is gone


def test_esri_cli_parallel_json_and_firm_order(shared_data, tmp_path):
    name = "example_net_scale_free_101_4000__mix24__market__eps0.01.csv"
    links, firms, E, opts = write_inputs(shared_data, name, tmp_path)
    # FIRMS.csv in another order: OUT.csv follows it
    fdf = pd.read_csv(firms, dtype=str).iloc[::-1]
    fdf.to_csv(firms, index=False)
    out = tmp_path / "out.csv"
    r = runner.invoke(app, ["--json", "network", "esri", "--links", str(links), "--firms", str(firms),
                            "--essentiality", str(E), "--out", str(out), "--executor", "local",
                            "--workers", "2", "--chunk-size", "7", *opts])
    assert r.exit_code == 0, r.output
    payload = json.loads(r.output)
    assert payload["firms"] == 101 and payload["workers"] == 2 and payload["chunks"] == 15
    got = pd.read_csv(out, dtype={"firm": str})
    assert got["firm"].tolist() == fdf["firm"].tolist()
    ref = pd.read_csv(shared_data / "esri" / "reference_outputs" / name)
    ref.index = [f"f{i}" for i in ref["firm"]]
    np.testing.assert_allclose(got["esri"], ref.loc[got["firm"], "ESRI"], rtol=0, atol=1e-10)
    assert (got["iterations"].to_numpy() == ref.loc[got["firm"], "iters"].to_numpy()).all()


def _files(tmp: Path, links: str, firms: str, E: str) -> list[str]:
    for name, text in (("links.csv", links), ("firms.csv", firms), ("E.csv", E)):
        (tmp / name).write_text(text)
    return ["--links", str(tmp / "links.csv"), "--firms", str(tmp / "firms.csv"),
            "--essentiality", str(tmp / "E.csv"), "--out", str(tmp / "out.csv")]


def test_esri_cli_reports_every_problem(tmp_path):
    args = _files(tmp_path,
                  "supplier,customer,value\nA,B,1\nA,ZZ,2\nB,C,-3\nC,A,abc\n",
                  "firm,industry\nA,01\nB,02\nC,99\nA,01\n",
                  ",01,02\n01,1,2\n02,0,7\n")
    r = runner.invoke(app, ["--json", "network", "esri", *args])
    assert r.exit_code == 3, r.output
    payload = json.loads(r.output)
    got = {(p["source"], p["row"], p["column"], str(p["value"])) for p in payload["problems"]}
    assert ("links.csv", 3, "customer", "ZZ") in got          # unknown firm
    assert ("links.csv", 4, "value", "-3.0") in got           # negative value
    assert ("links.csv", 5, "value", "abc") in got            # not a number
    assert ("firms.csv", 5, "firm", "A") in got               # duplicate firm
    assert ("E.csv", 3, "02", "7") in got                     # not 0/1/2
    assert not (tmp_path / "out.csv").exists()


def test_esri_cli_industry_missing_from_E_and_missing_columns(tmp_path):
    args = _files(tmp_path, "supplier,customer,value\nA,B,1\n", "firm,industry\nA,01\nB,02\n",
                  ",01\n01,1\n")
    r = runner.invoke(app, ["--json", "network", "esri", *args])
    assert r.exit_code == 3
    p = json.loads(r.output)["problems"][0]
    assert (p["source"], p["row"], p["column"], p["value"]) == ("firms.csv", 3, "industry", "02")
    args = _files(tmp_path, "supplier,customer,value\nA,B,1\n", "firm,industry\nA,01\nB,01\n",
                  ",01\n01,1\n")
    r = runner.invoke(app, ["--json", "network", "esri", *args, "--revenue"])
    assert r.exit_code == 3
    p = json.loads(r.output)["problems"][0]
    assert (p["source"], p["row"], p["column"]) == ("firms.csv", 1, "revenue")
    args = _files(tmp_path, "supplier,customer,value\nA,B,1\n", "firm,industry,costs\nA,01,\nB,01,0\n",
                  ",01\n01,1\n")
    r = runner.invoke(app, ["--json", "network", "esri", *args, "--costs"])
    assert r.exit_code == 3
    p = json.loads(r.output)["problems"][0]
    assert (p["source"], p["row"], p["column"]) == ("firms.csv", 3, "costs")


def test_esri_cli_codes_are_strings(tmp_path):
    """Leading zeros survive: '007' and '7' are different firms; industry '01' != '1'."""
    args = _files(tmp_path, "supplier,customer,value\n007,7,1\n7,007,1\n",
                  "firm,industry\n007,01\n7,1\n", ",01,1\n01,1,1\n1,1,1\n")
    r = runner.invoke(app, ["network", "esri", *args, "--executor", "serial"])
    assert r.exit_code == 0, r.output
    got = pd.read_csv(tmp_path / "out.csv", dtype={"firm": str})
    assert got["firm"].tolist() == ["007", "7"]


@pytest.fixture()
def small_files(tmp_path):
    (tmp_path / "firms.csv").write_text(
        "firm,industry,region\nS1,steel,north\nS2,steel,south\nM1,mach,north\nM2,mach,south\nR,retail,south\n")
    (tmp_path / "links.csv").write_text(
        "supplier,customer,value\nS1,M1,10\nS1,M2,4\nS2,M2,6\nM1,R,20\nM2,R,20\n")
    (tmp_path / "E.csv").write_text(",steel,mach,retail\nsteel,0,2,0\nmach,0,0,1\nretail,0,0,0\n")
    (tmp_path / "trade.csv").write_text("product,partner,imports,exports\np,US,90,10\np,DE,5,0\n")
    (tmp_path / "shock.csv").write_text("firm,psi\nS2,0.5\n")
    return ["--links", str(tmp_path / "links.csv"), "--firms", str(tmp_path / "firms.csv"),
            "--essentiality", str(tmp_path / "E.csv")]


def test_scenario_cli(small_files, tmp_path):
    r = runner.invoke(app, ["--json", "network", "scenario", *small_files, "--region", "north",
                            "--shock-file", str(tmp_path / "shock.csv"), "--out", str(tmp_path / "aff.csv")])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert {x["region"] for x in d["by_region"]} == {"north", "south"}
    assert d["extent"][-1]["step"] == d["iterations"]
    firms = pd.read_csv(tmp_path / "aff.csv")
    assert set(firms["firm"]) >= {"S1", "M1", "S2", "M2"}
    r = runner.invoke(app, ["network", "scenario", *small_files, "--firm", "S1=0.4"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["--json", "network", "scenario", *small_files, "--firm", "NOPE"])
    assert r.exit_code == 6  # not found
    r = runner.invoke(app, ["--json", "network", "scenario", *small_files])
    assert r.exit_code == 2  # nothing shocked


def test_chokepoints_cli(small_files, tmp_path):
    r = runner.invoke(app, ["--json", "network", "chokepoints", *small_files, "--trade",
                            str(tmp_path / "trade.csv"), "--inside", "DE", "--compute-esri",
                            "--executor", "serial"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    assert d["sole_essential_links"] == 1
    assert d["sole_essential_suppliers"][0]["supplier"] == "S1"
    assert d["strategic_dependencies"][0]["dependent"] is True
    assert "hidden_critical_firms" in d
    r = runner.invoke(app, ["network", "chokepoints", *small_files])
    assert r.exit_code == 0, r.output


def test_alternatives_cli(small_files):
    r = runner.invoke(app, ["--json", "network", "alternatives", *small_files, "--failed", "S1",
                            "--spare-share", "1"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.output)
    best = d["candidates"][0]
    assert best["firm"] == "S2" and best["esri_drop"] > 0 and "explanation" in best
    r = runner.invoke(app, ["network", "alternatives", *small_files, "--failed", "S1"])
    assert r.exit_code == 0, r.output


@pytest.mark.slow
def test_esri_identical_on_every_backend(tmp_path):
    """serial, local process pool and a Dask cluster give the same numbers, bit for bit."""
    from induscope.core.network.synthetic import power_law_network

    firms, links = power_law_network(400, [f"i{k}" for k in range(5)], seed=11)
    firms[["firm", "industry"]].to_csv(tmp_path / "firms.csv", index=False)
    links.to_csv(tmp_path / "links.csv", index=False)
    E = np.array([[1, 2, 0, 1, 1], [1, 1, 2, 0, 1], [2, 1, 1, 1, 0], [0, 1, 1, 2, 1], [1, 0, 1, 1, 2]])
    codes = [f"i{k}" for k in range(5)]
    pd.DataFrame(E, index=codes, columns=codes).to_csv(tmp_path / "E.csv")
    base = ["network", "esri", "--links", str(tmp_path / "links.csv"), "--firms", str(tmp_path / "firms.csv"),
            "--essentiality", str(tmp_path / "E.csv"), "--market"]
    outs = {}
    for backend in ("serial", "local", "dask"):
        out = tmp_path / f"{backend}.csv"
        r = runner.invoke(app, [*base, "--out", str(out), "--executor", backend, "--workers", "2",
                                "--chunk-size", "64"])
        assert r.exit_code == 0, r.output
        outs[backend] = pd.read_csv(out, dtype={"firm": str})
    pd.testing.assert_frame_equal(outs["serial"], outs["local"])
    pd.testing.assert_frame_equal(outs["serial"], outs["dask"])
    assert outs["serial"]["firm"].tolist() == firms["firm"].tolist()


# -- the workspace's own network ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory):
    ws = tmp_path_factory.mktemp("netws") / "ws"
    r = runner.invoke(app, ["--workspace", str(ws), "demo", "--firms", "200"])
    assert r.exit_code == 0, r.output
    return ws


def test_esri_reads_the_workspace_and_matches_the_exported_files(demo_ws, tmp_path):
    r = runner.invoke(app, ["network", "esri", "--workspace", str(demo_ws), "--executor", "serial",
                            "--out", str(tmp_path / "ws.csv"), "--json"])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["firms"] == 200 and "workspace" in d["options"]["network"]
    r = runner.invoke(app, ["-w", str(demo_ws), "network", "export", "--out", str(tmp_path / "files")])
    assert r.exit_code == 0, r.output
    files = tmp_path / "files"
    r = runner.invoke(app, ["network", "esri", "--links", str(files / "LINKS.csv"), "--firms",
                            str(files / "FIRMS.csv"), "--essentiality", str(files / "E.csv"),
                            "--executor", "serial", "--out", str(tmp_path / "files.csv")])
    assert r.exit_code == 0, r.output
    a = pd.read_csv(tmp_path / "ws.csv", dtype={"firm": str})
    b = pd.read_csv(tmp_path / "files.csv", dtype={"firm": str})
    pd.testing.assert_frame_equal(a, b)
    assert not list(tmp_path.glob("**/*.tmp"))


def test_scenario_on_the_workspace_takes_province_names(demo_ws):
    import induscope.reference as ref
    from induscope.store import Workspace

    regions = Workspace(demo_ws).query("SELECT DISTINCT region FROM enterprises ORDER BY 1")["region"].tolist()
    p = ref.provinces().set_index("code")
    code = regions[0]
    for spelling in (code, p.at[code, "name_zh"], p.at[code, "short_zh"], p.at[code, "name_en"]):
        r = runner.invoke(app, ["--json", "-w", str(demo_ws), "network", "scenario", "--region", spelling])
        assert r.exit_code == 0, (spelling, r.output)
        assert json.loads(r.stdout)["affected_firms"] > 0
    r = runner.invoke(app, ["-w", str(demo_ws), "network", "scenario", "--region", "Atlantis"])
    assert r.exit_code == 2 and "Atlantis" in r.output and "Traceback" not in r.output
    r = runner.invoke(app, ["-w", str(demo_ws), "network", "scenario", "--region", f"{code}=1.5"])
    assert r.exit_code == 2


def test_network_commands_without_a_network_say_what_to_do(tmp_path):
    r = runner.invoke(app, ["-w", str(tmp_path / "empty"), "network", "esri"])
    assert r.exit_code == 6 and "import" in r.output
    r = runner.invoke(app, ["network", "esri", "--links", "x.csv"])
    assert r.exit_code == 2 and "--firms" in r.output


def test_names_beside_codes_and_settings_passed_down(demo_ws, monkeypatch):
    r = runner.invoke(app, ["-w", str(demo_ws), "network", "esri", "--executor", "serial"])
    assert r.exit_code == 0, r.output
    assert "（合成）" in r.output and "nan" not in r.output.split()   # demo firm names beside their codes
    monkeypatch.setenv("INDUSCOPE_ENGINE", "numpy")
    r = runner.invoke(app, ["-w", str(demo_ws), "--json", "network", "esri", "--executor", "serial"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["engine"] == "numpy"
    r = runner.invoke(app, ["-w", str(demo_ws), "--json", "network", "esri", "--executor", "serial",
                            "--engine", "auto"])
    from induscope.core._accel import HAVE_NUMBA

    assert json.loads(r.stdout)["engine"] == ("numba" if HAVE_NUMBA else "numpy")
