"""run_map: same results in task order on every backend; context sent once per worker."""
from __future__ import annotations

import os

import pytest

from induscope.errors import InputError
from induscope.runtime import run_map


def square(x):
    return x * x


def scaled(ctx, x):
    return ctx["k"] * x, os.getpid()


@pytest.mark.parametrize("backend,chunksize", [("serial", 1), ("local", 1), ("local", 3)])
def test_results_in_task_order(backend, chunksize):
    ticks = []
    out = run_map(square, list(range(10)), backend=backend, workers=2, chunksize=chunksize,
                  on_progress=ticks.append)
    assert out == [x * x for x in range(10)]
    assert sum(ticks) == 10


def test_context_is_passed_to_every_task():
    ctx = {"k": 3}
    serial = run_map(scaled, [1, 2, 3], backend="serial", context=ctx)
    pooled = run_map(scaled, [1, 2, 3, 4], backend="local", workers=2, context=ctx)
    assert [v for v, _ in serial] == [3, 6, 9]
    assert [v for v, _ in pooled] == [3, 6, 9, 12]
    assert all(pid != os.getpid() for _, pid in pooled)


def test_bad_arguments():
    with pytest.raises(InputError, match="unknown backend"):
        run_map(square, [1], backend="cloud")
    with pytest.raises(InputError, match="workers"):
        run_map(square, [1, 2], workers=0)
    assert run_map(square, [], backend="local") == []
