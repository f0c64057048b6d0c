"""ARIO scenario sweeps (serial = process pool = Dask, exactly), the ARIO services and the CLI."""
from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from induscope.cli.main import app
from induscope.core.iomodels.table import IOTable
from induscope.errors import InputError, ModelError
from induscope.services import ario as svc


def tiny_table() -> IOTable:
    rng = np.random.default_rng(7)
    R, S, n = 2, 3, 6
    A = rng.uniform(0, 1, (n, n))
    A *= rng.uniform(0.3, 0.6, n) / A.sum(axis=0)
    y = rng.uniform(50, 100, n)
    x = np.linalg.solve(np.eye(n) - A, y)
    Z = A * x[None, :]
    Y = np.stack([y * 0.6, y * 0.4], axis=1)
    regions = ("north", "south")
    return IOTable(Z=Z, Y=Y, x=Z.sum(axis=1) + Y.sum(axis=1), sectors=("agri", "manu", "serv"), regions=regions,
                   unit="USD million", metadata={"final_demand_columns": [["north", "hh"], ["south", "hh"]]})


@pytest.fixture(scope="module")
def table():
    return tiny_table()


@pytest.fixture(scope="module")
def scenarios(table):
    return svc.each_industry_scenarios(table, "kapital-recover", 0.3, relative=True, step=2, duration=2,
                                       recovery_tau=10)


@pytest.mark.slow
def test_sweep_is_identical_serial_pool_and_dask(table, scenarios):
    pytest.importorskip("distributed")
    ticks = []
    serial = svc.sweep_ario(table, scenarios, steps=40, executor="serial")
    pooled = svc.sweep_ario(table, scenarios, steps=40, executor="local", workers=2, on_progress=ticks.append)
    dask = svc.sweep_ario(table, scenarios, steps=40, executor="dask", workers=2)
    assert len(serial.rows) == 6 and sum(ticks) == 6
    assert [r["scenario"] for r in serial.rows] == [s.name for s in scenarios]
    assert serial.rows == pooled.rows          # exact equality, floats included
    assert serial.rows == dask.rows
    pd.testing.assert_frame_equal(serial.total_production(), dask.total_production(), check_exact=True)
    # and each row is the single run of that scenario
    one = svc.run_ario(table, scenarios[4].events, steps=40)
    assert serial.rows[4]["total_output_loss"] == one.total_output_loss
    assert serial.rows[4]["total_output_loss"] > 0


def test_sweep_reports_the_failing_scenario(table):
    too_much = svc.each_industry_scenarios(table, "kapital-recover", 1e9, regions=["north"], sectors=["agri"])
    with pytest.raises(ModelError, match="north/agri"):
        svc.sweep_ario(table, too_much, steps=10, executor="serial")


def test_make_event_words():
    ev = svc.make_event("kapital-rebuild", 5.0, regions=["north"], sectors=["manu"], step=3,
                        rebuilding_sectors={"manu": 1.0}, rebuild_tau=20)
    assert ev.kind == "capital_rebuild" and ev.rebuild_tau == 20 and ev.occurrence == 3
    assert svc.make_event("capacity-cut", 0.2).kind == "capacity_cut"
    with pytest.raises(InputError, match="unknown event"):
        svc.make_event("earthquake", 1.0)
    with pytest.raises(InputError, match="rebuilding sectors"):
        svc.make_event("rebuild", 1.0)


def test_pymrio_system_is_accepted():
    pymrio = pytest.importorskip("pymrio")
    io = pymrio.load_test().calc_all()
    res = svc.run_ario(io, svc.make_event("capacity-cut", 0.3, regions=["reg1"], sectors=["trade"], step=2),
                       steps=20)
    assert res.production.shape == (20, 48)
    assert res.params["monetary_factor"] == 1e6


def test_cli_run_and_sweep(tmp_path):
    pytest.importorskip("pymrio")
    runner = CliRunner()
    out = tmp_path / "run.csv"
    r = runner.invoke(app, ["--json", "ario", "run", "--pymrio-test", "--event", "kapital-recover",
                            "--region", "reg1", "--sector", "manufactoring", "--damage", "3e8", "--step", "5",
                            "--duration", "1", "--steps", "30", "--out", str(out)])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["summary"]["total_output_loss"] > 0 and d["out"] == str(out)
    frame = pd.read_csv(out)
    assert len(frame) == 30 * 48 and {"production", "fd_unmet"} <= set(frame.columns)

    r = runner.invoke(app, ["--json", "ario", "sweep", "--pymrio-test", "--event", "capacity-cut",
                            "--damage", "0.2", "--region", "reg2", "--steps", "20", "--executor", "serial",
                            "--out", str(tmp_path / "sweep.csv")])
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert [s["scenario"] for s in d["scenarios"]][:2] == ["reg2/food", "reg2/mining"]
    assert len(pd.read_csv(tmp_path / "sweep.csv")) == 8

    r = runner.invoke(app, ["--json", "ario", "run", "--pymrio-test", "--region", "atlantis", "--damage", "1"])
    assert r.exit_code == 2 and "atlantis" in json.loads(r.stdout)["message"]
    r = runner.invoke(app, ["ario", "run", "--damage", "1"])
    assert r.exit_code == 2
