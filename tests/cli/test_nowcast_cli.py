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
    assert doc["period"] == "2024-06" and doc["estimates"][0]["model"] == "bridge_anchored"


def test_nowcast_bad_model_exits_2(demo_workspace):
    r = runner.invoke(app, ["--workspace", str(demo_workspace.home), "nowcast", "--model", "magic"])
    assert r.exit_code == 2 and "magic" in r.output


def test_nowcast_bad_lag_and_period_exit_2(demo_workspace):
    for args in (["--lag", "pmi"], ["--period", "June"], ["--evaluate", "2023-02"]):
        r = runner.invoke(app, ["--workspace", str(demo_workspace.home), "nowcast", *args])
        assert r.exit_code == 2, (args, r.output)
        assert "Traceback" not in r.output


def test_nowcast_model_options(demo_workspace):
    base = ["--workspace", str(demo_workspace.home), "--json", "nowcast", "--period", "2024-06"]
    r = runner.invoke(app, [*base, "--model", "small_bridge"])
    assert r.exit_code == 2 and "--predictor" in r.output
    r = runner.invoke(app, [*base, "--model", "small_bridge", "--predictor", "pmi_manufacturing"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["estimates"][0]["model"] == "small_bridge"
    r = runner.invoke(app, [*base, "--anchor", "pmi_manufacturing", "--model", "bridge"])
    assert r.exit_code == 2 and "anchored bridge" in r.output
    r = runner.invoke(app, ["--workspace", str(demo_workspace.home), "nowcast", "--evaluate", "2023-02:2023-06",
                            "--anchor", "pmi_manufacturing", "--model", "factor"])
    assert r.exit_code == 2 and "anchored bridge" in r.output
