"""The command line: --help everywhere, --json output, exit codes."""
from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from induscope.cli.main import app

runner = CliRunner()


def all_command_paths() -> list[list[str]]:
    root = typer.main.get_command(app)
    paths: list[list[str]] = []

    def walk(cmd, path: list[str]) -> None:
        paths.append(path)
        if hasattr(cmd, "commands"):  # a group (typer vendors its own click)
            for name, sub in cmd.commands.items():
                walk(sub, path + [name])

    walk(root, [])
    assert len(paths) > 10
    return paths


@pytest.mark.parametrize("path", all_command_paths(), ids=lambda p: " ".join(p) or "induscope")
def test_every_command_has_help(path):
    r = runner.invoke(app, path + ["--help"])
    assert r.exit_code == 0, r.output
    assert "Usage:" in r.output


def test_version():
    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.output.strip()


def test_workspace_status_json_on_missing_workspace(tmp_path):
    r = runner.invoke(app, ["--workspace", str(tmp_path / "none"), "--json", "workspace", "status"])
    assert r.exit_code == 0
    assert json.loads(r.stdout) == {"home": str(tmp_path / "none"), "exists": False, "schema_version": 0,
                                    "tables": {}}


def test_workspace_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("INDUSCOPE_HOME", str(tmp_path / "env"))
    r = runner.invoke(app, ["--json", "workspace", "migrate"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["home"] == str(tmp_path / "env")
    assert (tmp_path / "env" / "workspace.duckdb").exists()


def test_reference_show_json():
    r = runner.invoke(app, ["--json", "reference", "show", "provinces"])
    assert r.exit_code == 0
    rows = json.loads(r.stdout)
    assert len(rows) == 31 and rows[0]["code"] == "110000"


def test_unknown_classification_is_an_input_error_with_exit_code_2():
    r = runner.invoke(app, ["--json", "reference", "show", "nope"])
    assert r.exit_code == 2
    assert json.loads(r.stdout)["error"] == "input_error"


def test_demo_twice_needs_force(tmp_path):
    ws = str(tmp_path / "ws")
    r = runner.invoke(app, ["--workspace", ws, "--json", "demo", "--firms", "200"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["synthetic"] is True
    r = runner.invoke(app, ["--workspace", ws, "demo", "--firms", "200"])
    assert r.exit_code == 2 and "--force" in r.output
