"""The root command group: global options anywhere on the line, and no traceback ever.

- ``--workspace PATH`` / ``-w PATH`` / ``--workspace=PATH`` and ``--json`` belong to the root command;
  click only reads them before the subcommand. Users write them anywhere (``induscope io shock ...
  --json``), so they are moved to the front before parsing (never past a ``--``).
- Every error ends in a message and an exit code: InduscopeError -> its code (2 bad usage, 3 invalid
  data, 4 model, 5 storage, 6 not found, 7 auth); anything unexpected is a bug, reported in one line
  with exit code 70 (EX_SOFTWARE), not a Python traceback.
"""
from __future__ import annotations

import sys
from typing import Any, Sequence

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

#: options of the root command that may stand anywhere
GLOBAL_FLAGS = ("--json",)
GLOBAL_WITH_VALUE = ("--workspace", "-w", "--as")

#: exit code of an unexpected error (a bug): sysexits' EX_SOFTWARE
EXIT_BUG = 70


def hoist_global_options(args: Sequence[str]) -> list[str]:
    """``args`` with the global options (and their values) moved to the front, in order."""
    args = list(args)
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            rest += args[i:]
            break
        if a in GLOBAL_FLAGS or a.startswith(("--workspace=", "--as=")):
            front.append(a)
        elif a in GLOBAL_WITH_VALUE and i + 1 < len(args):
            front += [a, args[i + 1]]
            i += 1
        else:
            rest.append(a)
        i += 1
    return front + rest


def _as_json(ctx: Any) -> bool:
    obj = ctx.find_root().obj
    return bool(getattr(obj, "json", False))


class RootGroup(TyperGroup):
    def main(self, args: Sequence[str] | None = None, *a: Any, **kw: Any) -> Any:
        if args is None:
            args = sys.argv[1:]
        return super().main(hoist_global_options(args), *a, **kw)

    def invoke(self, ctx: Any) -> Any:
        """Run the command; a command that writes the workspace is audited with its outcome (cli/audit.py)."""
        import click

        from .audit import command_path, record_command

        args = list(getattr(ctx, "_protected_args", None) or []) + list(ctx.args)  # before click consumes them
        path = command_path(self, ctx, args)
        code = 0
        try:
            return self._invoke(ctx)
        except (click.exceptions.Exit, typer.Exit) as e:
            code = e.exit_code
            raise
        except click.ClickException as e:
            code = e.exit_code
            raise
        except BaseException:
            code = EXIT_BUG
            raise
        finally:
            record_command(ctx, path, args[len(path):], code)

    def _invoke(self, ctx: Any) -> Any:
        from ..errors import InduscopeError

        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except InduscopeError as e:
            from .common import handle_errors

            with handle_errors(ctx):  # type: ignore[arg-type]
                raise e
        except Exception as e:  # a bug: one line, no traceback
            msg = f"internal error (please report it): {type(e).__name__}: {e}"
            if _as_json(ctx):
                from .._json import dumps

                sys.stdout.write(dumps({"error": "internal_error", "message": msg}, indent=2) + "\n")
            else:
                typer.echo(msg, err=True)
            raise typer.Exit(EXIT_BUG) from None
