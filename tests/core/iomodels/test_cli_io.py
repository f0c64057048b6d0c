"""`induscope io ...` end to end: a table from a file or from the workspace, JSON and errors."""
from __future__ import annotations

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from induscope.cli.main import app
from induscope.core.iomodels import IOTable, LeontiefSystem

runner = CliRunner()


@pytest.fixture(scope="module")
def nbs42(shared_data):
    return str(shared_data / "china_io_nbs" / "china_2018_42.csv")


def run(*args):
    res = runner.invoke(app, list(args))
    return res


def test_multipliers_json_from_a_file(nbs42):
    res = run("--json", "io", "multipliers", nbs42)
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["coefficients"] == "domestic" and len(d["output_multiplier"]) == 42
    assert all(v > 1 for v in d["output_multiplier"].values())


def test_linkages_and_key_sectors(nbs42):
    res = run("--json", "io", "linkages", nbs42)
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert set(d["key_sector_class"].values()) <= {"key", "backward-oriented", "forward-oriented", "weak"}
    idx = np.array(list(d["backward_linkage_index"].values()))
    assert abs(idx.mean() - 1) < 1e-12


def test_shock_equals_leontief_column(nbs42, shared_data):
    res = run("--json", "io", "shock", nbs42, "--sector", "26", "--delta", "-100")
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    from induscope.services.io import load_table

    s = LeontiefSystem.from_table(load_table(None, file=nbs42))
    col = s.L[:, s.labels.index("26")]
    assert d["total_output_change"] == pytest.approx(-100 * col.sum(), rel=1e-12)


def test_inoperability_and_extraction_commands(nbs42):
    res = run("--json", "io", "shock", nbs42, "--sector", "26", "--delta", "-0.1", "--relative",
              "--model", "inoperability")
    assert res.exit_code == 0, res.output
    q = json.loads(res.stdout)["inoperability"]
    assert q["26"] > 0.1  # the direct perturbation plus its own indirect effect
    res = run("--json", "io", "extract", nbs42, "--kind", "backward")
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.stdout)["extraction_loss"]) == 42


def test_check_reports_productivity(nbs42):
    res = run("--json", "io", "check", nbs42)
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["productivity"]["productive"] and d["zero_output_sectors"] == []


def test_unknown_sector_and_unpaired_delta_fail_cleanly(nbs42):
    res = run("io", "shock", nbs42, "--sector", "99", "--delta", "1")
    assert res.exit_code == 2 and "99" in res.output
    assert "Traceback" not in res.output and "07 " in res.output  # the valid codes are listed
    res = run("io", "shock", nbs42, "--sector", "01", "--sector", "02", "--delta", "1")
    assert res.exit_code == 2


def test_table_from_the_workspace(tmp_path):
    from induscope.services.imports import store_io_table
    from induscope.store import Workspace

    ws = Workspace(tmp_path / "ws").ensure()
    Z = np.array([[150.0, 500.0], [200.0, 100.0]])
    t = IOTable(Z=Z, Y=[350.0, 1700.0], x=[1000.0, 2000.0], sectors=("A", "B"), V=[[650.0, 1400.0]],
                name="mb")
    store_io_table(ws, t, table_id="mb")
    res = run("--workspace", str(tmp_path / "ws"), "--json", "io", "multipliers", "mb")
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["output_multiplier"]["A"] == pytest.approx(1.5181518, rel=1e-7)
    res = run("--workspace", str(tmp_path / "ws"), "io", "multipliers", "missing")
    assert res.exit_code == 6


def test_a_table_needs_exactly_one_source(nbs42):
    assert run("io", "multipliers").exit_code == 2
    assert run("io", "multipliers", "x", "--file", nbs42).exit_code == 2


# -- a command line that cannot be misread ---------------------------------------------------------
def test_sector_codes_are_zero_padded_and_names_accepted(nbs42):
    a = json.loads(run("--json", "io", "shock", nbs42, "--sector", "07", "--delta", "-0.1", "--relative").stdout)
    b = run("io", "shock", nbs42, "--sector", "7", "--delta", "-0.1", "--relative", "--json")  # --json after
    assert b.exit_code == 0, b.output
    assert json.loads(b.stdout)["total_output_change"] == a["total_output_change"] < 0
    c = run("--json", "io", "shock", nbs42, "--sector", "manufacture of textiles", "--delta", "-0.1", "--relative")
    assert c.exit_code == 0, c.output
    assert json.loads(c.stdout)["total_output_change"] == a["total_output_change"]


def test_one_sign_convention_across_models(nbs42):
    """negative = a fall in every model: Leontief and inoperability losses point the same way."""
    leo = json.loads(run("--json", "io", "shock", nbs42, "--sector", "26", "--delta", "-0.1", "--relative").stdout)
    ino = json.loads(run("--json", "io", "shock", nbs42, "--sector", "26", "--delta", "-0.1", "--relative",
                         "--model", "inoperability").stdout)
    assert leo["total_output_change"] < 0
    assert ino["inoperability"]["26"] > 0 and ino["total_economic_loss"] == pytest.approx(
        -leo["total_output_change"], rel=1e-9)
    assert leo["sign_convention"] == ino["sign_convention"]
    assert leo["shocks"][0]["share_of_output"] == pytest.approx(-0.1)


@pytest.mark.parametrize("args", [
    ["--delta", "0.1", "--relative", "--model", "inoperability"],        # a rise: not an inoperability
    ["--delta", "-1.5", "--relative"],                                  # more than the whole output
    ["--delta", "5", "--relative", "--model", "ghosh"],
    ["--delta", "-1e30"],                                               # absolute fall above output
    ["--delta", "nan"],
])
def test_shocks_outside_the_domain_are_refused(nbs42, args):
    res = run("io", "shock", nbs42, "--sector", "26", *args)
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output


def test_shock_without_json_shows_names_units_and_total(nbs42):
    res = run("io", "shock", nbs42, "--sector", "07", "--delta", "-100")
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "total output change" in out and "10,000 CNY" in out and "textiles" in out
    assert "nan" not in out.split()


def test_bad_choices_exit_2_listing_the_allowed_values(nbs42):
    res = run("io", "extract", nbs42, "--kind", "backwards")
    assert res.exit_code == 2 and "backward" in res.output and "forward" in res.output
    res = run("io", "multipliers", nbs42, "--device", "tpu")
    assert res.exit_code == 2 and "cpu" in res.output and "gpu" in res.output
    res = run("io", "shock", nbs42, "--sector", "07", "--delta", "-1", "--model", "leontif")
    assert res.exit_code == 2 and "inoperability" in res.output


def test_sectors_lists_codes_and_names(nbs42):
    res = run("--json", "io", "sectors", nbs42)
    assert res.exit_code == 0, res.output
    rows = json.loads(res.stdout)["sectors"]
    assert len(rows) == 42 and rows[6]["sector"] == "07" and rows[6]["name"]


def test_pymrio_test_is_a_table_everywhere():
    pytest.importorskip("pymrio")
    res = run("--json", "io", "multipliers", "pymrio:test")
    assert res.exit_code == 0, res.output
    assert len(json.loads(res.stdout)["output_multiplier"]) == 48
