"""`induscope nowcast`: options, JSON, exit codes."""
from __future__ import annotations

import json

from typer.testing import CliRunner

from induscope.cli.main import app

runner = CliRunner()


def test_nowcast_json(demo_workspace):
    r = runner.invoke(app, ["--workspace", str(demo_workspace.home), "--json", "nowcast", "--period", "2024-06"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["period"] == "2024-06" and doc["estimates"][0]["model"] == "bridge"


def test_nowcast_bad_model_exits_2(demo_workspace):
    r = runner.invoke(app, ["--workspace", str(demo_workspace.home), "nowcast", "--model", "magic"])
    assert r.exit_code == 2 and "magic" in r.output


def test_nowcast_bad_lag_and_period_exit_2(demo_workspace):
    for args in (["--lag", "pmi"], ["--period", "June"], ["--evaluate", "2023-02"]):
        r = runner.invoke(app, ["--workspace", str(demo_workspace.home), "nowcast", *args])
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output
