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
                "copy", "hashlib", "os", "time", "importlib", "weakref", "threading", "sys", "logging"}
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
