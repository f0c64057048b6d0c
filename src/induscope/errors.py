"""One error hierarchy for the whole platform.

Every layer raises these; the CLI maps them to exit codes and the API to one JSON envelope.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable

#: most problems reported at once by one ValidationError (the rest are counted, not listed)
MAX_PROBLEMS = 100


class InduscopeError(Exception):
    """Base class. ``exit_code`` is what the CLI exits with; ``http_status`` what the API answers."""

    exit_code = 1
    http_status = 500
    kind = "error"

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.kind, "message": str(self)}


class InputError(InduscopeError):
    """A wrong argument or option (not a problem inside a data file)."""

    exit_code = 2
    http_status = 400
    kind = "input_error"


@dataclass(frozen=True)
class Problem:
    """One problem found in an input: where it is, what was there, what was expected."""

    source: str
    row: int | None = None  # 1-based data row as a spreadsheet user counts it (header = row 1)
    column: str | None = None
    value: Any = None
    expected: str = ""

    def __str__(self) -> str:
        where = [self.source]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        got = "" if self.value is None else f", got {self.value!r}"
        return f"{', '.join(where)}: expected {self.expected}{got}"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["value"] is not None and not isinstance(d["value"], (int, float, str, bool)):
            d["value"] = str(d["value"])
        return d


class ValidationError(InduscopeError):
    """Many problems in an input, all reported at once (capped at ``MAX_PROBLEMS``)."""

    exit_code = 3
    http_status = 422
    kind = "validation_error"

    def __init__(self, problems: Iterable[Problem], total: int | None = None, wrote_nothing: bool = True):
        problems = list(problems)
        self.wrote_nothing = wrote_nothing
        self.total = total if total is not None else len(problems)
        self.problems = problems[:MAX_PROBLEMS]
        super().__init__(self._message())

    def _headline(self) -> str:
        return f"{self.total} problem(s) found" + ("; nothing was written" if self.wrote_nothing else "")

    def _message(self) -> str:
        lines = [self._headline()]
        lines += [f"  {p}" for p in self.problems]
        if self.total > len(self.problems):
            lines.append(f"  ... and {self.total - len(self.problems)} more")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": self.kind,
            "message": self._headline(),
            "total": self.total,
            "problems": [p.to_dict() for p in self.problems],
        }


class ProblemCollector:
    """Collects problems while validating; raise once at the end with ``raise_if_any``."""

    def __init__(self, source: str, cap: int = MAX_PROBLEMS):
        self.source = source
        self.cap = cap
        self.problems: list[Problem] = []
        self.total = 0

    def add(self, row: int | None = None, column: str | None = None, value: Any = None,
            expected: str = "", source: str | None = None) -> None:
        self.total += 1
        if len(self.problems) < self.cap:
            self.problems.append(Problem(source or self.source, row, column, value, expected))

    def __bool__(self) -> bool:
        return self.total > 0

    def raise_if_any(self) -> None:
        if self.total:
            raise ValidationError(self.problems, self.total)


class ModelError(InduscopeError):
    """A model cannot be computed on these inputs (e.g. (I - A) not productive)."""

    exit_code = 4
    http_status = 422
    kind = "model_error"


class StorageError(InduscopeError):
    """The workspace cannot be read or written.

    ``str()`` may name the workspace folder (``where``: useful to the CLI user who chose it);
    ``to_dict()`` -- what the API shows -- keeps the short form, so no server path leaves the server.
    """

    exit_code = 5
    http_status = 500
    kind = "storage_error"

    def __init__(self, message: str, *, where: str | None = None):
        self.short = message
        self.where = where
        super().__init__(message if where is None else f"{message} (workspace: {where})")

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.kind, "message": self.short}


class WorkspaceBusy(StorageError):
    """Another writer (or a reader in another process) held the workspace longer than the wait allowed.

    The API answers 503 with ``Retry-After: retry_after`` seconds; the CLI exits 5.
    """

    http_status = 503
    kind = "workspace_busy"

    def __init__(self, message: str, *, retry_after: int = 5, where: str | None = None):
        self.retry_after = int(retry_after)
        super().__init__(message, where=where)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "retry_after": self.retry_after}


class NotFoundError(InduscopeError):
    exit_code = 6
    http_status = 404
    kind = "not_found"


class AuthError(InduscopeError):
    exit_code = 7
    http_status = 401
    kind = "auth_error"


class TooManyAttempts(AuthError):
    """Too many failed sign-ins from one client address within the window: refused until it passes.

    The API answers 429 with ``Retry-After: retry_after`` seconds."""

    http_status = 429
    kind = "too_many_attempts"

    def __init__(self, message: str, *, retry_after: int):
        self.retry_after = max(1, int(retry_after))
        super().__init__(message)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "retry_after": self.retry_after}


class InduscopeWarning(UserWarning):
    """Something the user should know that does not stop the computation."""


@dataclass(frozen=True)
class Unavailable:
    """A measure that does not apply here, with the reason (instead of a silent NaN)."""

    reason: str

    def __bool__(self) -> bool:  # so `if result.x:` reads naturally
        return False

    def to_dict(self) -> dict[str, Any]:
        return {"unavailable": self.reason}
