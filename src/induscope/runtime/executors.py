"""Executors behind one interface: serial, local process pool, Dask cluster.

``run_map(fn, tasks, ...)`` returns ``[fn(t) for t in tasks]`` in task order whatever the backend,
so parallel results are identical to the serial run (each task is computed by the same function on
the same inputs; only where it runs differs). ``fn`` must be a module-level function (picklable).

``context``: one large object that every task needs (a model, a table). It is sent once to each
worker (process-pool initializer; Dask ``scatter(broadcast=True)``) instead of once per task, and
``fn(context, task)`` is called instead of ``fn(task)``.
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Callable, Iterable, Sequence

from ..errors import InputError

Progress = Callable[[int], None]
_NO_CONTEXT = object()
_WORKER_CONTEXT: Any = _NO_CONTEXT   # set in each pool worker by the initializer


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1))


def run_map(fn: Callable[..., Any], tasks: Sequence[Any], *, backend: str = "local",
            workers: int | None = None, scheduler: str | None = None,
            on_progress: Progress | None = None, chunksize: int = 1, context: Any = _NO_CONTEXT) -> list[Any]:
    """Apply ``fn`` to every task; ``backend`` in {"serial", "local", "dask"}.

    A Dask ``scheduler`` address (tcp://host:8786) selects the Dask backend; "dask" without one
    starts a local Dask cluster for the call. With ``context``, calls ``fn(context, task)``.
    """
    tick = on_progress or (lambda n: None)
    tasks = list(tasks)
    if scheduler:
        backend = "dask"
    if backend not in ("serial", "local", "dask"):
        raise InputError(f"unknown backend {backend!r}; expected serial, local or dask")
    if workers is not None and workers < 1:
        raise InputError(f"workers must be >= 1, got {workers}")
    if chunksize < 1:
        raise InputError(f"chunksize must be >= 1, got {chunksize}")
    if backend == "serial" or (backend == "local" and (workers == 1 or len(tasks) <= 1)):
        out = []
        for t in tasks:
            out.append(fn(t) if context is _NO_CONTEXT else fn(context, t))
            tick(1)
        return out
    if backend == "local":
        return _local(fn, tasks, workers or default_workers(), tick, chunksize, context)
    return _dask(fn, tasks, scheduler, tick, context, workers)


def _chunks(seq: Sequence[Any], size: int) -> Iterable[tuple[int, Sequence[Any]]]:
    for start in range(0, len(seq), size):
        yield start, seq[start:start + size]


def _init_context(context: Any) -> None:
    global _WORKER_CONTEXT
    _WORKER_CONTEXT = context


def _apply_chunk(args: tuple[Callable[..., Any], Sequence[Any], bool]) -> list[Any]:
    fn, chunk, with_context = args
    if with_context:
        return [fn(_WORKER_CONTEXT, t) for t in chunk]
    return [fn(t) for t in chunk]


def _local(fn, tasks, workers, tick, chunksize, context) -> list[Any]:
    results: list[Any] = [None] * len(tasks)
    with_context = context is not _NO_CONTEXT
    init = dict(initializer=_init_context, initargs=(context,)) if with_context else {}
    with ProcessPoolExecutor(max_workers=min(workers, max(1, len(tasks))), **init) as pool:
        futures = {pool.submit(_apply_chunk, (fn, chunk, with_context)): start
                   for start, chunk in _chunks(tasks, chunksize)}
        for fut in as_completed(futures):
            start = futures[fut]
            part = fut.result()
            results[start:start + len(part)] = part
            tick(len(part))
    return results


def _call_with_context(task: Any, fn: Callable[..., Any], context: Any) -> Any:
    return fn(context, task)


def _dask(fn, tasks, scheduler, tick, context, workers) -> list[Any]:
    try:
        from distributed import Client, LocalCluster, as_completed as dask_completed
    except ImportError as e:  # optional extra
        raise InputError("the Dask backend needs `pip install induscope[dask]`") from e
    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1,
                               processes=True, dashboard_address=None)
        client = Client(cluster)
    try:
        if context is _NO_CONTEXT:
            futures = client.map(fn, tasks, pure=False)
        else:
            ctx = client.scatter(context, broadcast=True)
            futures = client.map(_call_with_context, tasks, fn=fn, context=ctx, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        results: list[Any] = [None] * len(tasks)
        for fut in dask_completed(futures):
            results[index[fut.key]] = fut.result()
            tick(1)
        return results
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---- one long-lived pool for single submissions (background jobs) ------------------------------------
class TaskPool:
    """A pool that stays up and takes one task at a time: a local process pool ("local") or a Dask
    client ("dask": the scheduler at ``scheduler``, else a local Dask cluster started here).

    Besides ``submit``, a message queue the tasks may ``put`` to and flags the web side may ``set``
    (progress and cancel of background jobs): ``channel()`` is the picklable handle the task gets;
    ``messages()`` drains the queue; ``set_flag(key)`` raises a flag that ``flag_is_set(channel, key)``
    reads in the worker. The futures answer ``result(timeout)``, ``cancel()`` and ``done()``.
    """

    def __init__(self, backend: str = "local", *, workers: int | None = None, scheduler: str | None = None):
        if scheduler:
            backend = "dask"
        if backend not in ("local", "dask"):
            raise InputError(f"unknown job executor {backend!r}; expected local or dask")
        self.backend = backend
        self._cluster = None
        if backend == "local":
            import multiprocessing as mp

            ctx = mp.get_context("spawn")  # no fork of a threaded web server
            self._manager = ctx.Manager()
            self._queue = self._manager.Queue()
            self._flags = self._manager.dict()
            self._pool: Any = ProcessPoolExecutor(max_workers=workers or 1, mp_context=ctx)
        else:
            try:
                from distributed import Client, LocalCluster, Queue
            except ImportError as e:  # optional extra
                raise InputError("the Dask job executor needs `pip install induscope[dask]`") from e
            import secrets

            if scheduler:
                self._pool = Client(scheduler)
            else:
                self._cluster = LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True,
                                             dashboard_address=None)
                self._pool = Client(self._cluster)
            self._name = f"induscope-{secrets.token_hex(4)}"
            self._queue = Queue(self._name, client=self._pool)

    def submit(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self.backend == "local":
            return self._pool.submit(fn, *args)
        return self._pool.submit(fn, *args, pure=False)

    def channel(self) -> tuple:
        return ("local", self._queue, self._flags) if self.backend == "local" else ("dask", self._name)

    def messages(self, timeout: float = 0.25) -> list[Any]:
        """What the tasks put since the last call (waits up to ``timeout`` for the first one)."""
        import queue as queue_mod
        import time

        if self.backend == "local":
            out = []
            try:
                out.append(self._queue.get(timeout=timeout))
                while True:
                    out.append(self._queue.get_nowait())
            except queue_mod.Empty:
                pass
            return out
        got = self._queue.get(batch=True)
        if not got:
            time.sleep(timeout)
        return list(got)

    def set_flag(self, key: str) -> None:
        if self.backend == "local":
            self._flags[key] = True
        else:
            from distributed import Event

            Event(f"{self._name}-{key}", client=self._pool).set()

    def close(self) -> None:
        if self.backend == "local":
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._manager.shutdown()
        else:
            self._pool.close()
            if self._cluster is not None:
                self._cluster.close()


def channel_put(channel: tuple, item: Any) -> None:
    """In a task: put ``item`` on the pool's message queue."""
    if channel[0] == "local":
        channel[1].put(item)
    else:
        from distributed import Queue

        Queue(channel[1]).put(item)


def flag_is_set(channel: tuple, key: str) -> bool:
    """In a task: whether the web side raised flag ``key``."""
    if channel[0] == "local":
        return bool(channel[2].get(key))
    from distributed import Event

    return Event(f"{channel[1]}-{key}").is_set()
