"""What every CLI command shares: the option vocabulary, the workspace, output (tables with names and
units, or --json), errors -> exit codes, progress.

Start-up matters (every command pays it): this module imports nothing heavy. numpy, pandas, the
store and the services are imported inside the functions that use them.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence

import typer

from ..errors import InduscopeError, InputError, ValidationError

if TYPE_CHECKING:  # pragma: no cover
    from ..settings import Settings
    from ..store import Workspace


# ---------------------------------------------------------------------------------------------
# the option vocabulary: one word, one meaning, typed choices (a bad value exits 2 listing them)
# ---------------------------------------------------------------------------------------------
def choices(name: str, *values: str) -> Any:
    """A typed choice for an option (a str Enum): a bad value exits 2 listing the allowed ones."""
    return Enum(name, [(v, v) for v in values], type=str)


#: where dense linear algebra runs
Device = choices("Device", "auto", "cpu", "gpu")
#: where many independent runs go: one process, a local process pool, or a Dask cluster
Executor = choices("Executor", "serial", "local", "dask")
#: the cascade engine on the CPU
Engine = choices("Engine", "auto", "numba", "numpy")


def choice(value: Any) -> Any:
    """The plain string of an Enum choice (services take strings)."""
    return value.value if isinstance(value, Enum) else value


DEVICE_HELP = ("cpu, gpu (CuPy or PyTorch on a CUDA device) or auto (the GPU when one is usable "
               "and the problem is large enough, else the CPU).")
EXECUTOR_HELP = "serial (one process), local (a process pool on this machine) or dask (a Dask cluster)."
ENGINE_HELP = ("auto (numba when installed), numba or numpy. Default: INDUSCOPE_ENGINE, else auto. "
               "The first numba run compiles the kernels once per install (about 30 s).")
WORKERS_HELP = "Worker processes of --executor local (default: INDUSCOPE_WORKERS, else all cores)."
SCHEDULER_HELP = ("Dask scheduler address, e.g. tcp://host:8786 (implies --executor dask; default: "
                  "INDUSCOPE_SCHEDULER).")
TABLE_HELP = ("The input-output table: an id in the workspace (see `induscope import io`), a file "
              "(NBS layout or generic CSV/XLSX), or pymrio:test (pymrio's 6-region test MRIO).")


# ---------------------------------------------------------------------------------------------
# state
# ---------------------------------------------------------------------------------------------
@dataclass
class CliState:
    """What the root options decided. Settings are read on first use (pydantic is not imported
    for --help), so a wrong INDUSCOPE_* value is reported by the command that needs it."""

    home: Any = None
    json: bool = False
    actor: str | None = None      # --as NAME: who the audit log records for writes (else INDUSCOPE_ACTOR, OS user)
    _settings: Any = None
    wrote: bool = False           # the command opened the workspace's writer (so it is audited)
    audit_note: dict | None = None  # what a command tells the audit: {"target": ..., "detail": {...}}

    @property
    def settings(self) -> "Settings":
        if self._settings is None:
            from ..settings import Settings

            try:
                self._settings = Settings() if self.home is None else Settings(home=self.home)
            except ValueError as e:  # pydantic: an INDUSCOPE_* variable with a wrong value
                raise InputError(f"a setting is wrong: {e}") from None
        return self._settings

    @property
    def workspace(self) -> "Workspace":
        from ..store import Workspace

        def say_waiting(what: str, timeout: float) -> None:  # the store waits its turn; say so
            err_console.print(f"[dim]waiting for {what} (up to {timeout:g} s)...[/dim]")

        ws = Workspace.from_settings(self.settings, on_wait=say_waiting)
        if self.actor is None:
            self.actor = getattr(self.settings, "actor", None)
        opened = ws.writer

        def writer(*a: Any, **kw: Any) -> Any:  # every command that writes is audited (cli/audit.py)
            self.wrote = True
            return opened(*a, **kw)

        ws.writer = writer  # type: ignore[method-assign]
        return ws

    def engine(self, given: Any) -> str:
        """--engine, else INDUSCOPE_ENGINE."""
        return choice(given) if given is not None else self.settings.engine

    def executor(self, given: Any, workers: int | None,
                 scheduler: str | None) -> tuple[str, int | None, str | None]:
        """(executor, workers, scheduler) from the options, else the settings (INDUSCOPE_WORKERS,
        INDUSCOPE_SCHEDULER). A scheduler address means Dask when --executor is not given."""
        ex = choice(given)
        if scheduler is not None and ex not in (None, "dask"):
            raise InputError(f"--scheduler runs on Dask; it does not go with --executor {ex}")
        sched = scheduler or (self.settings.scheduler if ex in (None, "dask") else None)
        if ex is None:
            ex = "dask" if sched else "local"
        if workers is not None and workers < 1:
            raise InputError(f"--workers must be at least 1, got {workers}")
        return ex, workers or self.settings.workers, sched


def state(ctx: typer.Context) -> CliState:
    root = ctx.find_root()
    if not isinstance(root.obj, CliState):
        root.obj = CliState()
    return root.obj


# ---------------------------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------------------------
class _Consoles:
    """rich consoles, made on first use. Off a terminal (a pipe, a file, a test) the width comes from
    $COLUMNS or is wide, and columns fold rather than cut: nothing is lost at 80 columns."""

    _out: Any = None
    _err: Any = None

    @staticmethod
    def _make(stderr: bool) -> Any:
        from rich.console import Console

        stream = sys.stderr if stderr else sys.stdout
        width = None
        if not (hasattr(stream, "isatty") and stream.isatty()):
            try:
                width = max(80, int(os.environ.get("COLUMNS", "0")) or 200)
            except ValueError:
                width = 200
        return Console(stderr=stderr, width=width, highlight=False)

    @property
    def out(self) -> Any:
        # made per call when stdout changed (test runners swap sys.stdout)
        if self._out is None or self._out.file is not sys.stdout:
            self._out = self._make(False)
        return self._out

    @property
    def err(self) -> Any:
        if self._err is None or self._err.file is not sys.stderr:
            self._err = self._make(True)
        return self._err


_consoles = _Consoles()


class _LazyConsole:
    def __init__(self, which: str):
        self._which = which

    def __getattr__(self, name: str) -> Any:
        return getattr(getattr(_consoles, self._which), name)


#: kept for the commands that print directly (made on first use)
out_console: Any = _LazyConsole("out")
err_console: Any = _LazyConsole("err")


def note(ctx: typer.Context | None, text: str) -> None:
    """A note on stderr (not with --json: stdout stays one JSON document, stderr stays quiet)."""
    if ctx is not None and state(ctx).json:
        return
    err_console.print(f"note: {text}", markup=False)


def emit(ctx: typer.Context, payload: Any, human: Any = None, *, title: str | None = None,
         units: Mapping[str, str] | None = None, totals: Sequence[str] = ()) -> None:
    """Print ``payload`` as JSON with --json, else ``human`` (a str, a DataFrame, a dict) or the payload.

    DataFrames become tables: numbers right-aligned with thousands separators, empty cells for
    missing values (never 'nan'), ``units`` beside the column names, a total row for ``totals``."""
    if state(ctx).json:
        from .._json import dumps

        sys.stdout.write(dumps(payload, indent=2) + "\n")
        return
    render(payload if human is None else human, title=title, units=units, totals=totals)


def render(shown: Any, *, title: str | None = None, units: Mapping[str, str] | None = None,
           totals: Sequence[str] = ()) -> None:
    if _is_frame(shown):
        out_console.print(frame_table(shown, title=title, units=units, totals=totals))
    elif isinstance(shown, Mapping):
        out_console.print(dict_table(shown, title=title, units=units))
    elif isinstance(shown, (list, tuple)) and shown and all(isinstance(r, Mapping) for r in shown):
        import pandas as pd

        out_console.print(frame_table(pd.DataFrame(list(shown)), title=title, units=units, totals=totals))
    else:
        if title:
            out_console.print(f"[bold]{title}[/bold]")
        out_console.print(shown if isinstance(shown, str) else fmt(shown), markup=False)


def _is_frame(obj: Any) -> bool:
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(obj, pd.DataFrame)


def _is_number(v: Any) -> bool:
    if isinstance(v, bool):
        return False
    if isinstance(v, (int, float)):
        return True
    np = sys.modules.get("numpy")
    return np is not None and isinstance(v, (np.integer, np.floating)) and not isinstance(v, np.bool_)


def fmt(v: Any) -> str:
    """A cell: '' for missing values, thousands separators, at most 6 significant digits for
    fractional numbers (more only where the integer part needs them)."""
    if v is None:
        return ""
    np = sys.modules.get("numpy")
    if np is not None and isinstance(v, np.bool_):
        v = bool(v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if _is_number(v):
        f = float(v)
        if f != f:
            return ""
        if f in (float("inf"), float("-inf")):
            return "∞" if f > 0 else "-∞"
        if float(f).is_integer() and abs(f) < 1e15:
            return f"{int(f):,}"
        a = abs(f)
        if a >= 1e15 or a < 1e-4:
            return f"{f:.4g}"
        if a >= 1e5:
            return f"{f:,.0f}"
        return f"{f:,.6g}" if a < 1 else f"{f:,.{max(0, 6 - len(str(int(a))))}f}".rstrip("0").rstrip(".")
    pd = sys.modules.get("pandas")
    if pd is not None:
        try:
            if v is pd.NaT or (not isinstance(v, (str, list, tuple, dict)) and pd.isna(v)):
                return ""
        except (TypeError, ValueError):
            pass
    if isinstance(v, (list, tuple)):
        return ", ".join(fmt(x) for x in v)
    if isinstance(v, Mapping):
        return ", ".join(f"{k}: {fmt(x)}" for k, x in v.items())
    if hasattr(v, "reason") and type(v).__name__ == "Unavailable":
        return f"unavailable ({v.reason})"
    return str(v)


def _header(col: str, units: Mapping[str, str] | None) -> str:
    u = (units or {}).get(col)
    return f"{col} ({u})" if u else str(col)


def frame_table(frame: Any, *, title: str | None = None, units: Mapping[str, str] | None = None,
                totals: Sequence[str] = ()) -> Any:
    from rich.table import Table

    table = Table(show_header=True, header_style="bold", title=title, title_justify="left",
                  show_footer=bool(totals))
    numeric = {}
    for c in frame.columns:
        kind = getattr(frame[c].dtype, "kind", "O")
        numeric[c] = kind in "iuf"
    sums = {}
    for c in totals:
        if c in frame.columns and numeric.get(c):
            sums[c] = float(frame[c].sum(skipna=True))
    first = True
    for c in frame.columns:
        footer = ""
        if totals:
            if c in sums:
                footer = fmt(sums[c])
            elif first:
                footer = "total"
        first = False
        table.add_column(_header(str(c), units), justify="right" if numeric[c] else "left",
                         overflow="fold", footer=footer)
    for row in frame.itertuples(index=False):
        table.add_row(*[fmt(v) for v in row])
    return table


def dict_table(d: Mapping[str, Any], *, title: str | None = None, units: Mapping[str, str] | None = None) -> Any:
    """A two-column table; nested mappings (e.g. a count per table) become indented rows."""
    from rich.table import Table

    table = Table(show_header=False, title=title, title_justify="left", box=None, pad_edge=False)
    table.add_column(style="bold", overflow="fold")
    table.add_column(overflow="fold")
    for k, v in d.items():
        if isinstance(v, Mapping) and v and all(not isinstance(x, (Mapping, list)) for x in v.values()):
            table.add_row(_header(str(k), units), "")
            for k2, v2 in v.items():
                table.add_row(f"  {k2}", fmt(v2))
        else:
            table.add_row(_header(str(k), units), fmt(v))
    return table


# ---------------------------------------------------------------------------------------------
# names beside codes
# ---------------------------------------------------------------------------------------------
def region_names() -> dict[str, str]:
    """GB/T 2260 code -> 'name_zh name_en' for the 31 provinces and the nation."""
    from .. import reference

    p = reference.provinces()
    out = {r.code: f"{r.name_zh} {r.name_en}" for r in p.itertuples(index=False)}
    out[reference.NATION] = "全国 China"
    return out


#: the options every command that reads a CSV or XLSX file takes (one reader decodes them all)
ENCODING_OPTION = typer.Option("utf-8", "--encoding",
                               help="Text encoding of CSV files: utf-8 (default), gbk, gb18030, or auto.")
SHEET_OPTION = typer.Option(None, "--sheet", help="Sheet of an .xlsx file (default: the first).")


def place_label(region: str, industry: str) -> str:
    """'440000 广东省 Guangdong, 39 计算机、通信... Manufacture of computers, ...' for a table title."""
    from .. import reference

    return f"{reference.region_label(region)}, {reference.industry_label(industry)}"


def firm_names(ctx: typer.Context) -> dict[str, str]:
    """Firm id -> enterprise name from the workspace's registry ({} when it has none)."""
    try:
        from ..store.enterprises import firm_names as stored

        return stored(state(ctx).workspace)
    except Exception:  # names are a courtesy beside the ids; no names is not an error
        return {}


def industry_names() -> dict[str, str]:
    """GB/T 4754 division and section codes -> 'name_zh / name_en'."""
    from .. import reference

    out = {}
    for df in (reference.gbt4754_sections(), reference.gbt4754_divisions()):
        out.update({r.code: f"{r.name_zh} {r.name_en}" for r in df.itertuples(index=False)})
    return out


def io42_names() -> dict[str, str]:
    from .. import reference

    return {r.code: f"{r.name_zh} {r.name_en}" for r in reference.nbs_io42_sectors().itertuples(index=False)}


def with_names(frame: Any, column: str, names: Mapping[str, str], name_column: str | None = None) -> Any:
    """``frame`` with a name column right after ``column`` (empty where a code has no name)."""
    if column not in frame.columns or not names:
        return frame
    name_column = name_column or f"{column}_name"
    if name_column in frame.columns:
        return frame
    out = frame.copy()
    vals = out[column].astype(str).map(lambda c: names.get(c, names.get(c.split("/", 1)[-1], "")))
    if not vals.astype(bool).any():
        return frame
    out.insert(list(out.columns).index(column) + 1, name_column, vals)
    return out


# ---------------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------------
@contextmanager
def handle_errors(ctx: typer.Context | None = None) -> Iterator[None]:
    """Map InduscopeError to a clear message and its exit code (JSON envelope with --json)."""
    try:
        yield
    except InduscopeError as e:
        as_json = ctx is not None and state(ctx).json
        if as_json:
            from .._json import dumps

            sys.stdout.write(dumps(e.to_dict(), indent=2) + "\n")
        else:
            label = "invalid input" if isinstance(e, ValidationError) else e.kind.replace("_", " ")
            err_console.print(f"{label}: {e}", markup=False)
        raise typer.Exit(e.exit_code) from None


def require(condition: bool, message: str) -> None:
    """Raise an InputError (exit 2) with ``message`` unless ``condition``."""
    if not condition:
        raise InputError(message)


@contextmanager
def progress(description: str, total: int | None, enabled: bool = True) -> Iterator[Any]:
    """A progress bar on stderr when it is a terminal; yields a callable ``advance(n=1)``."""
    if not enabled or not err_console.is_terminal:
        yield lambda n=1: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), console=_consoles.err, transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)
