"""The layering of DESIGN.md: core/ is pure (numbers only), imports point one way."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "src" / "induscope"

# what core/ may import besides itself and induscope.errors
CORE_ALLOWED = {"numpy", "scipy", "pandas", "__future__", "math", "dataclasses", "typing", "functools",
                "itertools", "collections", "enum", "abc", "warnings", "heapq", "bisect", "re", "json",
                "statistics", "datetime", "calendar", "numbers", "operator", "types", "contextlib",
                "copy", "hashlib", "os", "time", "importlib", "weakref", "threading", "sys", "logging",
                "statsmodels"}  # statsmodels: time-series models (DESIGN.md), pure computation
# optional accelerators (GPU / JIT paths); the modules that use them are imported only when present
CORE_OPTIONAL = {"cupy", "cupyx", "torch", "numba"}  # cupyx ships with cupy

# layer -> induscope sub-packages it must not import
FORBIDDEN = {
    "core": {"store", "services", "api", "cli", "web", "report", "runtime", "readers", "demo", "settings"},
    "readers": {"store", "services", "api", "cli", "web", "report"},
    "store": {"services", "api", "cli", "web", "report", "readers"},
    "services": {"api", "cli", "web"},
}


def imports_of(path: Path) -> list[tuple[str, bool]]:
    """(module, top_level) for every import in a file; relative imports resolved against induscope."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(PKG.parent).with_suffix("").parts  # ('induscope', 'core', ...)
    top_nodes = set(id(n) for n in tree.body)
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, id(node) in top_nodes) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = rel[: len(rel) - node.level]  # rel ends in the module (or '__init__')
                mod = ".".join(base + ((node.module,) if node.module else ()))
            else:
                mod = node.module or ""
            out.append((mod, id(node) in top_nodes))
    return out


def files_of(layer: str) -> list[Path]:
    return sorted((PKG / layer).rglob("*.py"))


@pytest.mark.parametrize("path", files_of("core"), ids=lambda p: str(p.relative_to(PKG)))
def test_core_is_pure(path):
    for mod, top in imports_of(path):
        root = mod.split(".")[0]
        if root == "induscope":
            parts = mod.split(".")
            assert len(parts) > 1 and parts[1] in {"core", "errors"}, f"{path.name} imports {mod}"
        elif root in CORE_OPTIONAL:
            continue
        else:
            assert root in CORE_ALLOWED, f"{path.name} imports {mod}: core/ must stay free of I/O and web"


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_imports_point_one_way(layer):
    for path in files_of(layer):
        for mod, _ in imports_of(path):
            parts = mod.split(".")
            if parts[0] == "induscope" and len(parts) > 1:
                assert parts[1] not in FORBIDDEN[layer], f"{path.relative_to(PKG)} imports {mod}"


# --- SQL only in store/ --------------------------------------------------------------------------
import re  # noqa: E402

#: a SQL statement inside a string (keywords in capitals, as every statement of the code base writes them)
SQL_STATEMENT = re.compile(r"\b(SELECT\s.+?\sFROM\s|INSERT\s+INTO\s|DELETE\s+FROM\s|UPDATE\s+\"?\w+\"?\s+SET\s|"
                           r"CREATE\s+(OR\s+REPLACE\s+)?(TABLE|SEQUENCE|INDEX|VIEW)\s|DROP\s+TABLE\s|ALTER\s+TABLE\s|"
                           r"PRAGMA\s|CHECKPOINT\b|BEGIN\s+TRANSACTION)", re.S)
#: DuckDB calls that run SQL
SQL_CALLS = {"execute", "executemany", "sql", "fetchdf"}

# TEMPORARY allow-list: files that still hold SQL while their owners move it into store/ (issue 10).
# Each entry caps how many SQL spots the file may keep, so the debt can only shrink; remove the
# entry when the file is clean (the test below fails on an entry whose file has none left).
SQL_ALLOWED_TEMPORARILY: dict[str, int] = {}


def sql_spots(path: Path) -> list[str]:
    """'line N: why' for every SQL statement string or DuckDB SQL call in a file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                  and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    docstrings |= {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}  # seen whole
    spots = []
    for node in ast.walk(tree):
        text = None
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else " x " for v in node.values)
        if text is not None and SQL_STATEMENT.search(text):
            spots.append(f"line {node.lineno}: SQL statement {text.strip()[:60]!r}")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS:
            spots.append(f"line {node.lineno}: .{node.func.attr}(...) runs SQL")
    return sorted(set(spots))


def outside_store() -> list[Path]:
    return [p for p in sorted(PKG.rglob("*.py")) if p.relative_to(PKG).parts[0] != "store"]


def test_sql_statements_live_in_store_only():
    offenders = {}
    for path in outside_store():
        rel = str(path.relative_to(PKG).as_posix())
        spots = sql_spots(path)
        allowed = SQL_ALLOWED_TEMPORARILY.get(rel, 0)
        if len(spots) > allowed:
            offenders[rel] = spots
    assert not offenders, "SQL outside store/ (move it into a store/<domain>.py module):\n" + "\n".join(
        f"  {f}: {s}" for f, spots in offenders.items() for s in spots)


def test_temporary_sql_allow_list_is_still_needed():
    for rel in SQL_ALLOWED_TEMPORARILY:
        path = PKG / rel
        assert path.exists() and sql_spots(path), f"{rel} holds no SQL any more: remove it from the allow-list"


def test_sql_detector_sees_statements_and_calls(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('def f(con, t):\n    """SELECT in a docstring is prose."""\n'
                      '    con.execute(f"DELETE FROM {t} WHERE a = ?")\n    return "SELECT a FROM b"\n')
    spots = sql_spots(sample)
    assert len(spots) == 3 and any(".execute" in s for s in spots)
    assert not sql_spots(PKG / "errors.py")
