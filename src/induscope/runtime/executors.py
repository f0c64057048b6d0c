"""Executors behind one interface: serial, local process pool, Dask cluster.

``run_map(fn, tasks, ...)`` returns ``[fn(t) for t in tasks]`` in task order whatever the backend,
so parallel results are identical to the serial run (each task is computed by the same function on
the same inputs; only where it runs differs). ``fn`` must be a module-level function (picklable).
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable, Iterable, Sequence

from ..errors import InputError

Progress = Callable[[int], None]


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def run_map(fn: Callable[[Any], Any], tasks: Sequence[Any], *, backend: str = "local",
            workers: int | None = None, scheduler: str | None = None,
            on_progress: Progress | None = None, chunksize: int = 1) -> list[Any]:
    """Apply ``fn`` to every task; ``backend`` in {"serial", "local", "dask"}.

    A Dask ``scheduler`` address (tcp://host:8786) selects the Dask backend.
    """
    tick = on_progress or (lambda n: None)
    if scheduler:
        backend = "dask"
    if backend == "serial" or (backend == "local" and (workers == 1 or len(tasks) <= 1)):
        out = []
        for t in tasks:
            out.append(fn(t))
            tick(1)
        return out
    if backend == "local":
        return _local(fn, tasks, workers or default_workers(), tick, chunksize)
    if backend == "dask":
        return _dask(fn, tasks, scheduler, tick)
    raise InputError(f"unknown backend {backend!r}; expected serial, local or dask")


def _chunks(seq: Sequence[Any], size: int) -> Iterable[tuple[int, Sequence[Any]]]:
    for start in range(0, len(seq), size):
        yield start, seq[start:start + size]


def _apply_chunk(args: tuple[Callable[[Any], Any], Sequence[Any]]) -> list[Any]:
    fn, chunk = args
    return [fn(t) for t in chunk]


def _local(fn, tasks, workers, tick, chunksize) -> list[Any]:
    results: list[Any] = [None] * len(tasks)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_apply_chunk, (fn, chunk)): start for start, chunk in _chunks(tasks, chunksize)}
        for fut in as_completed(futures):
            start = futures[fut]
            part = fut.result()
            results[start:start + len(part)] = part
            tick(len(part))
    return results


def _dask(fn, tasks, scheduler, tick) -> list[Any]:
    try:
        from distributed import Client, as_completed as dask_completed
    except ImportError as e:  # optional extra
        raise InputError("the Dask backend needs `pip install induscope[dask]`") from e
    client = Client(scheduler) if scheduler else Client(processes=True)
    try:
        futures = client.map(fn, list(tasks), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(tasks)
        for fut in dask_completed(futures):
            results[index[fut.key]] = fut.result()
            tick(1)
        return results
    finally:
        client.close()
