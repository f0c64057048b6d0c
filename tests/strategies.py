"""Hypothesis strategies and test oracles shared by several test files (one home for each).

Imported by its bare name (``from strategies import firm_networks``): pyproject's pytest settings
put tests/ on the path. Keep here what two or more files use; a strategy used by one file stays there.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
from hypothesis import strategies as st

HERE = Path(__file__).resolve().parent


def _load(relative: str, name: str):
    spec = importlib.util.spec_from_file_location(name, HERE / relative)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: the literal dense GL cascade of issue 4 (tests/core/network/dense_reference.py), the oracle the
#: fast ESRI engines are checked against
dense_reference = _load("core/network/dense_reference.py", "esri_dense_reference")


@st.composite
def firm_networks(draw, max_n: int = 12, max_k: int = 4, self_links: bool = True):
    """A small firm network: (n, K, p, E, W).

    n firms in K industries (p: industry of each firm), E: K x K essentiality classes in {0, 1, 2},
    W: n x n sales (about half the pairs linked, values 0.05..20; at least one link; no firm
    selling to itself when ``self_links`` is False).
    """
    n = draw(st.integers(2, max_n))
    K = draw(st.integers(1, max_k))
    p = np.array(draw(st.lists(st.integers(0, K - 1), min_size=n, max_size=n)))
    E = np.array(draw(st.lists(st.integers(0, 2), min_size=K * K, max_size=K * K))).reshape(K, K)
    mask = np.array(draw(st.lists(st.booleans(), min_size=n * n, max_size=n * n))).reshape(n, n)
    if not self_links:
        np.fill_diagonal(mask, False)
    vals = np.array(draw(st.lists(st.floats(0.05, 20.0), min_size=n * n, max_size=n * n))).reshape(n, n)
    W = np.where(mask, vals, 0.0)
    if W.sum() == 0:
        W[0, 1] = 1.0
    return n, K, p, E, W
