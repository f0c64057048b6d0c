"""What every CLI command shares: the workspace option, --json output, errors -> exit codes, progress."""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from ..errors import InduscopeError, ValidationError
from ..settings import Settings
from ..store import Workspace

err_console = Console(stderr=True)
out_console = Console()


@dataclass
class CliState:
    settings: Settings
    json: bool = False

    @property
    def workspace(self) -> Workspace:
        return Workspace(self.settings.home)


def state(ctx: typer.Context) -> CliState:
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState(Settings())
    return root.obj


def _jsonable(obj: Any) -> Any:
    import numpy as np
    import pandas as pd

    if hasattr(obj, "to_dict") and not isinstance(obj, (pd.DataFrame, pd.Series)):
        return _jsonable(obj.to_dict())
    if isinstance(obj, pd.DataFrame):
        return json.loads(obj.to_json(orient="records", force_ascii=False, date_format="iso"))
    if isinstance(obj, pd.Series):
        return _jsonable(obj.to_dict())
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, (np.floating, float)):
        f = float(obj)
        return None if f != f else f
    if isinstance(obj, np.integer):
        return int(obj)
    return obj if isinstance(obj, (str, int, bool, type(None))) else str(obj)


def emit(ctx: typer.Context, payload: Any, human: Any = None) -> None:
    """Print ``payload`` as JSON with --json, else ``human`` (a str, DataFrame, or dict) or the payload."""
    if state(ctx).json:
        sys.stdout.write(json.dumps(_jsonable(payload), ensure_ascii=False, indent=2) + "\n")
        return
    shown = payload if human is None else human
    import pandas as pd

    if isinstance(shown, pd.DataFrame):
        table = Table(show_header=True, header_style="bold")
        for c in shown.columns:
            table.add_column(str(c))
        for row in shown.itertuples(index=False):
            table.add_row(*[_fmt(v) for v in row])
        out_console.print(table)
    elif isinstance(shown, dict):
        for k, v in shown.items():
            out_console.print(f"[bold]{k}[/bold]: {_fmt(v)}")
    else:
        out_console.print(shown)


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.6g}"
    return str(v)


@contextmanager
def handle_errors(ctx: typer.Context | None = None) -> Iterator[None]:
    """Map InduscopeError to a clear message and its exit code (JSON envelope with --json)."""
    try:
        yield
    except InduscopeError as e:
        as_json = ctx is not None and state(ctx).json
        if as_json:
            sys.stdout.write(json.dumps(_jsonable(e.to_dict()), ensure_ascii=False, indent=2) + "\n")
        else:
            label = "invalid input" if isinstance(e, ValidationError) else e.kind.replace("_", " ")
            err_console.print(f"{label}: {e}", highlight=False, markup=False)
        raise typer.Exit(e.exit_code) from None


@contextmanager
def progress(description: str, total: int | None, enabled: bool = True) -> Iterator[Any]:
    """A progress bar on stderr when it is a terminal; yields a callable ``advance(n=1)``."""
    if not enabled or not err_console.is_terminal:
        yield lambda n=1: None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=err_console, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)
