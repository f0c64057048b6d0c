"""Every command of the command line, given wrong inputs, answers with a message and an exit code
other than 1 (1 is what a Python traceback gives): missing required arguments, bad choice values,
bad numbers, files that do not exist, and the command run with placeholder values.

The command tree is walked, so commands added later are covered without touching this file.
"""
from __future__ import annotations

import enum
import typing
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from induscope.cli._root import EXIT_BUG, hoist_global_options
from induscope.cli.main import app

runner = CliRunner()

#: commands that run until stopped, or build a large workspace, with valid-looking values
NO_PLACEHOLDER_RUN = {("serve",), ("demo",)}


def leaf_commands() -> list[tuple[tuple[str, ...], typing.Any]]:
    root = typer.main.get_command(app)
    out = []

    def walk(cmd, path):
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, path + (name,))
        else:
            out.append((path, cmd))

    walk(root, ())
    return out


LEAVES = leaf_commands()
IDS = [" ".join(p) for p, _ in LEAVES]


def base_type(param) -> typing.Any:
    ann = param.type_descriptor.annotation
    for _ in range(3):
        args = [a for a in typing.get_args(ann) if a is not type(None)]
        if typing.get_origin(ann) in (typing.Union, list, tuple, typing.List) or (
                args and str(typing.get_origin(ann)) == "types.UnionType"):
            ann = args[0] if args else str
        else:
            break
    return ann


def is_flag(param) -> bool:
    return bool(getattr(param, "is_flag", False))


def placeholder(param, tmp: Path) -> str:
    t = base_type(param)
    if isinstance(t, type) and issubclass(t, enum.Enum):
        return list(t)[0].value
    if t in (int, float):
        return "1"
    if t is Path:
        return str(tmp / "missing.csv")
    return "x"


def required_args(cmd, tmp: Path, skip: str | None = None) -> list[str]:
    """Placeholder values for the required parameters (arguments first, in order)."""
    args: list[str] = []
    for p in cmd.params:
        if p.name == skip or not p.required:
            continue
        if p.param_type_name == "argument":
            args.append(placeholder(p, tmp))
    for p in cmd.params:
        if p.name == skip or not p.required or p.param_type_name == "argument":
            continue
        args += [p.opts[0], placeholder(p, tmp)]
    return args


def check_clean(result, what: str) -> None:
    out = result.output
    crashed = result.exception is not None and not isinstance(result.exception, SystemExit)
    assert not crashed, f"{what}: raised {type(result.exception).__name__}: {result.exception}"
    assert result.exit_code != 1, f"{what}: exit code 1 (a traceback's code)\n{out}"
    assert "Traceback" not in out, f"{what}: a traceback\n{out}"
    assert result.exit_code != EXIT_BUG, f"{what}: an unexpected error (a bug)\n{out}"
    if result.exit_code != 0:
        assert out.strip(), f"{what}: exit code {result.exit_code} without a message"


def invoke(ws: Path, path, args):
    return runner.invoke(app, ["--workspace", str(ws), *path, *args])


@pytest.mark.parametrize("path,cmd", LEAVES, ids=IDS)
def test_missing_required_arguments_exit_2(path, cmd, tmp_path):
    if not any(p.required for p in cmd.params):
        pytest.skip("nothing required")
    r = invoke(tmp_path / "ws", path, [])
    check_clean(r, " ".join(path))
    assert r.exit_code == 2, r.output


@pytest.mark.parametrize("path,cmd", LEAVES, ids=IDS)
def test_bad_choices_and_numbers_exit_2(path, cmd, tmp_path):
    checked = 0
    for p in cmd.params:
        if p.param_type_name != "option" or is_flag(p) or p.name == "help":
            continue
        t = base_type(p)
        if isinstance(t, type) and issubclass(t, enum.Enum):
            bad, allowed = "no-such-choice", [m.value for m in t]
        elif t in (int, float):
            bad, allowed = "not-a-number", []
        else:
            continue
        args = required_args(cmd, tmp_path, skip=p.name) + [p.opts[0], bad]
        r = invoke(tmp_path / "ws", path, args)
        check_clean(r, f"{' '.join(path)} {p.opts[0]} {bad}")
        assert r.exit_code == 2, f"{' '.join(path)} {p.opts[0]} {bad}: exit {r.exit_code}\n{r.output}"
        for value in allowed:
            assert value in r.output, f"{' '.join(path)} {p.opts[0]}: the allowed {value!r} is not listed"
        checked += 1
    if not checked:
        pytest.skip("no choice or number option")


@pytest.mark.parametrize("path,cmd", LEAVES, ids=IDS)
def test_files_that_do_not_exist(path, cmd, tmp_path):
    paths = [p for p in cmd.params if base_type(p) is Path and p.name != "help"]
    if not paths or path in NO_PLACEHOLDER_RUN:
        pytest.skip("no file parameter")
    for p in paths:
        args = required_args(cmd, tmp_path, skip=p.name)
        if p.param_type_name == "argument":
            args = [str(tmp_path / "nowhere" / "missing.csv")] + args
        else:
            args += [p.opts[0], str(tmp_path / "nowhere" / "missing.csv")]
        r = invoke(tmp_path / "ws", path, args)
        check_clean(r, f"{' '.join(path)} {p.name}=<missing file>")


@pytest.mark.parametrize("path,cmd", LEAVES, ids=IDS)
def test_placeholder_values_on_an_empty_workspace(path, cmd, tmp_path):
    if path in NO_PLACEHOLDER_RUN:
        pytest.skip("long-running with valid values")
    r = invoke(tmp_path / "ws", path, required_args(cmd, tmp_path))
    check_clean(r, " ".join(path))
    r = invoke(tmp_path / "ws", path, required_args(cmd, tmp_path) + ["--json"])
    check_clean(r, " ".join(path) + " --json")


def test_global_options_are_not_reused_by_subcommands():
    """--json, --workspace and -w are moved to the front wherever they stand: no subcommand may
    define them with another meaning."""
    clash = [(" ".join(path), o) for path, cmd in LEAVES for p in cmd.params for o in p.opts
             if o in ("--json", "--workspace", "-w")]
    assert not clash, f"subcommand options that clash with the global ones: {clash}"


def test_global_options_anywhere(tmp_path):
    ws = tmp_path / "ws"
    assert hoist_global_options(["io", "check", "T", "--json", "-w", "W"]) == ["--json", "-w", "W", "io", "check", "T"]
    assert hoist_global_options(["a", "--", "--json"]) == ["a", "--", "--json"]
    r = runner.invoke(app, ["workspace", "status", "--workspace", str(ws), "--json"])
    assert r.exit_code == 0, r.output
    import json

    assert json.loads(r.stdout)["home"] == str(ws)
    r = runner.invoke(app, ["workspace", "status", f"--workspace={ws}"])
    assert r.exit_code == 0 and str(ws) in r.output


def test_workspace_status_is_a_table_not_a_dict(tmp_path):
    r = runner.invoke(app, ["-w", str(tmp_path / "ws"), "workspace", "migrate"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["-w", str(tmp_path / "ws"), "workspace", "status"])
    assert r.exit_code == 0, r.output
    assert "{" not in r.output and "schema" in r.output and "io_tables" in r.output


def test_a_wrong_setting_is_a_message(tmp_path, monkeypatch):
    monkeypatch.setenv("INDUSCOPE_ENGINE", "turbo")
    r = runner.invoke(app, ["-w", str(tmp_path), "workspace", "status"])
    check_clean(r, "INDUSCOPE_ENGINE=turbo")
    assert r.exit_code == 2 and "engine" in r.output
