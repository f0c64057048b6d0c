"""Background jobs: long work (ARIO runs and sweeps, all-firm ESRI) in a worker process pool, never in a web request.

Life cycle: ``queued`` -> ``running`` -> ``succeeded`` | ``failed`` | ``cancelled``; a job that was
queued or running when its web process stopped becomes ``interrupted`` (the next process on the same
host finds it, sees that its runner is gone, and says so; the user submits it again).

Why the worker never touches the workspace: DuckDB lets one process write a file or many read it, not
both, so the web process reads the inputs before the job starts, sends them to the worker, and writes
every state change, progress report and result itself. Progress and the cancel flag cross processes
through a ``multiprocessing`` manager; the worker checks the flag at each progress report and stops.
"""
from __future__ import annotations

import logging
import os
import queue as queue_mod
import secrets
import socket
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Mapping

from ..errors import InduscopeError, InputError, NotFoundError
from ..store import Workspace
from ..store import jobs as store

log = logging.getLogger("induscope.jobs")
STATES = ("queued", "running", "succeeded", "failed", "cancelled", "interrupted")
Report = Callable[[float, str], None]


class Cancelled(Exception):
    """Raised inside a job when a cancel was asked for."""


@dataclass(frozen=True)
class JobKind:
    """``prepare`` runs in the web process (reads the workspace, validates: errors reach the caller
    before a job exists); ``run`` runs in a worker with the prepared, picklable payload."""

    prepare: Callable[[Workspace, Mapping[str, Any]], Any]
    run: Callable[[Any, Report], Any]
    description: str


# ---- the kinds ------------------------------------------------------------------------------------------
def _table(ws: Workspace, params: Mapping[str, Any]):
    from .imports import load_io_table

    table_id = str(params.get("table_id") or "")
    if not table_id:
        raise InputError("params.table_id: the id of a stored IO table")
    return load_io_table(ws, table_id)  # by id only: never a file named in a request


def _int(params: Mapping[str, Any], key: str, default: int, lo: int, hi: int) -> int:
    v = params.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
        raise InputError(f"params.{key}: expected a whole number from {lo} to {hi}, got {v!r}")
    return v


def _damage(params: Mapping[str, Any]) -> float:
    v = params.get("damage")
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= float(v) <= 1e15:
        raise InputError(f"params.damage: expected a number from 0 to 1e15, got {v!r}")
    return float(v)


def _prepare_ario_run(ws: Workspace, p: Mapping[str, Any]) -> dict[str, Any]:
    from . import ario

    table = _table(ws, p)
    steps = _int(p, "steps", 365, 2, 3650)
    ev = ario.make_event(str(p.get("event", "capital-recover")), _damage(p), regions=p.get("regions"),
                         sectors=p.get("sectors"), step=_int(p, "step", 5, 1, steps - 1),
                         duration=_int(p, "duration", 1, 1, 3650))
    return {"table": table, "event": ev, "steps": steps}


def _run_ario_run(payload: dict[str, Any], report: Report) -> Any:
    from . import ario

    steps = payload["steps"]
    every = max(1, steps // 100)

    def on_step(i: int) -> None:
        if i % every == 0:
            report(i / steps, f"step {i} of {steps}")

    res = ario.run_ario(payload["table"], [payload["event"]], steps=steps, on_step=on_step)
    return res.to_dict()


def _prepare_ario_sweep(ws: Workspace, p: Mapping[str, Any]) -> dict[str, Any]:
    from . import ario

    table = _table(ws, p)
    steps = _int(p, "steps", 365, 2, 3650)
    scenarios = ario.each_industry_scenarios(table, str(p.get("event", "capacity-cut")), _damage(p),
                                             regions=p.get("regions"), sectors=p.get("sectors"),
                                             step=_int(p, "step", 5, 1, steps - 1))
    return {"table": table, "scenarios": scenarios, "steps": steps}


def _run_ario_sweep(payload: dict[str, Any], report: Report) -> Any:
    from . import ario

    total = len(payload["scenarios"])
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        report(done[0] / total, f"{done[0]} of {total} scenarios")

    res = ario.sweep_ario(payload["table"], payload["scenarios"], steps=payload["steps"], executor="serial",
                          on_progress=tick)
    return res.to_dict()


def _prepare_network_esri(ws: Workspace, p: Mapping[str, Any]) -> dict[str, Any]:
    from . import network

    engine = str(p.get("engine", "auto"))
    if engine not in ("auto", "numpy", "numba"):
        raise InputError(f"params.engine: expected auto, numpy or numba, got {engine!r}")
    firms = p.get("firms")
    if firms is not None and (not isinstance(firms, list) or not all(isinstance(f, str) for f in firms)
                              or len(firms) > 1_000_000):
        raise InputError("params.firms: a list of firm ids (default: every firm)")
    table_id = p.get("table_id")
    cascade = network.build_cascade(ws=ws, table_id=str(table_id) if table_id else None, engine=engine)
    if firms:
        known = set(map(str, cascade.network.firms))
        unknown = [f for f in firms if f not in known]
        if unknown:
            raise InputError(f"params.firms: not in the workspace's firm network: {', '.join(unknown[:10])}")
    return {"cascade": cascade, "firms": firms or None}


def _run_network_esri(payload: dict[str, Any], report: Report) -> Any:
    from . import network

    cascade = payload["cascade"]
    total = len(payload["firms"]) if payload["firms"] else len(cascade.network.firms)
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        report(done[0] / max(total, 1), f"{done[0]} of {total} firms")

    result, _, _ = network.esri_all(cascade, firms=payload["firms"], backend="serial", on_progress=tick)
    frame = result.to_frame().sort_values("esri", ascending=False)
    return {"firms": len(frame), "items": frame}


KINDS: dict[str, JobKind] = {
    "network_esri": JobKind(_prepare_network_esri, _run_network_esri,
                            "ESRI (systemic risk) of every firm of the workspace's network, or of the given firms"),
    "ario_run": JobKind(_prepare_ario_run, _run_ario_run,
                        "one ARIO shock simulation over a stored table (up to 3,650 steps)"),
    "ario_sweep": JobKind(_prepare_ario_sweep, _run_ario_sweep,
                          "an ARIO sweep: each industry hit alone, one simulation each"),
}


# ---- the worker side --------------------------------------------------------------------------------------
def _work(kind: str, payload: Any, job_id: str, progress_q: Any, flags: Any) -> Any:
    def report(fraction: float, message: str = "") -> None:
        if flags.get(job_id):
            raise Cancelled()
        progress_q.put((job_id, max(0.0, min(1.0, float(fraction))), message[:500]))

    report(0.0, "started")
    return KINDS[kind].run(payload, report)


# ---- the web-process side ---------------------------------------------------------------------------------
def _alive(runner: str | None) -> bool:
    """Whether the web process named ``host:pid`` still runs (unknown hosts count as alive)."""
    if not runner or ":" not in runner:
        return False
    host, _, pid = runner.rpartition(":")
    if host != socket.gethostname():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return True


class JobRunner:
    """One per web process: the pool, the progress pump, the store updates."""

    def __init__(self, ws: Workspace, workers: int | None = None):
        self.ws = ws
        self.workers = max(1, workers or 1)
        self.runner = f"{socket.gethostname()}:{os.getpid()}"
        self._pool: ProcessPoolExecutor | None = None
        self._manager = None
        self._queue = None
        self._flags = None
        self._futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pump: threading.Thread | None = None

    # -- recovery ----------------------------------------------------------------------------------------
    def recover(self) -> int:
        """Mark interrupted the jobs whose web process is gone (this one's earlier life included)."""
        lost = [j["job_id"] for j in store.active(self.ws)
                if j["runner"] != self.runner and not _alive(j["runner"])]
        return store.mark_interrupted(self.ws, lost)

    # -- submit / cancel ---------------------------------------------------------------------------------
    def submit(self, kind: str, params: Mapping[str, Any], owner: str) -> dict[str, Any]:
        if kind not in KINDS:
            raise InputError(f"unknown job kind {kind!r}; expected one of {', '.join(KINDS)}")
        payload = KINDS[kind].prepare(self.ws, params)
        job_id = "J" + secrets.token_hex(6)
        store.insert(self.ws, job_id, kind, dict(params), owner, self.runner)
        self._start()
        fut = self._pool.submit(_work, kind, payload, job_id, self._queue, self._flags)
        with self._lock:
            self._futures[job_id] = fut
        fut.add_done_callback(lambda f, j=job_id: self._done(j, f))
        return store.get(self.ws, job_id)

    def cancel(self, job_id: str) -> dict[str, Any]:
        job = store.get(self.ws, job_id)
        if job is None:
            raise NotFoundError(f"no job {job_id!r}")
        if job["state"] not in store.ACTIVE:
            raise InputError(f"job {job_id} is {job['state']} already; only queued or running jobs can be cancelled")
        store.request_cancel(self.ws, job_id)
        self._apply_cancel(job_id)
        return store.get(self.ws, job_id)

    def _apply_cancel(self, job_id: str) -> None:
        with self._lock:
            fut = self._futures.get(job_id)
        if fut is None:
            return  # another web process runs it: its pump sees the flag in the store
        if self._flags is not None:
            self._flags[job_id] = True
        if fut.cancel():  # not started yet
            store.finish(self.ws, job_id, "cancelled", message="cancelled before it started")

    # -- machinery ---------------------------------------------------------------------------------------
    def _start(self) -> None:
        with self._lock:
            if self._pool is not None:
                return
            import multiprocessing as mp

            ctx = mp.get_context("spawn")  # no fork of a threaded web server
            self._manager = ctx.Manager()
            self._queue = self._manager.Queue()
            self._flags = self._manager.dict()
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=ctx)
            self._pump = threading.Thread(target=self._pump_loop, name="induscope-jobs", daemon=True)
            self._pump.start()

    def _pump_loop(self) -> None:
        while not self._stop.is_set():
            latest: dict[str, tuple[float, str]] = {}
            try:
                job_id, fraction, message = self._queue.get(timeout=0.25)
                latest[job_id] = (fraction, message)
                while True:
                    job_id, fraction, message = self._queue.get_nowait()
                    latest[job_id] = (fraction, message)
            except queue_mod.Empty:
                pass
            except (EOFError, OSError, BrokenPipeError):
                return  # the manager is gone: shutting down
            for job_id, (fraction, message) in latest.items():
                try:
                    store.progress(self.ws, job_id, fraction, message)
                except InduscopeError:
                    log.exception("could not record the progress of job %s", job_id)
            try:
                with self._lock:
                    mine = set(self._futures)
                for j in store.active(self.ws):
                    if j["cancel"] and j["job_id"] in mine and not (self._flags or {}).get(j["job_id"]):
                        self._apply_cancel(j["job_id"])
            except Exception:  # noqa: BLE001 - keep pumping; the next round retries
                log.exception("job pump")

    def _done(self, job_id: str, fut: Future) -> None:
        with self._lock:
            self._futures.pop(job_id, None)
        try:
            if fut.cancelled():
                store.finish(self.ws, job_id, "cancelled", message="cancelled before it started")
                return
            exc = fut.exception()
            if exc is None:
                from .._json import jsonable

                store.finish(self.ws, job_id, "succeeded", result=jsonable(fut.result()), progress=1.0,
                             message="done")
            elif isinstance(exc, Cancelled) and self._stop.is_set():
                store.finish(self.ws, job_id, "interrupted", message="the server stopped while this job ran; "
                                                                     "submit it again")
            elif isinstance(exc, Cancelled):
                store.finish(self.ws, job_id, "cancelled", message="cancelled while running")
            elif isinstance(exc, InduscopeError):
                store.finish(self.ws, job_id, "failed", error=str(exc)[:2000], message="failed")
            else:
                log.error("job %s failed", job_id, exc_info=exc)
                store.finish(self.ws, job_id, "failed", error="an unexpected error stopped the job; it is logged",
                             message="failed")
        except Exception:  # noqa: BLE001 - a callback must not raise into the pool's thread
            log.exception("could not record the end of job %s", job_id)

    def shutdown(self) -> None:
        self._stop.set()
        with self._lock:
            pool, manager = self._pool, self._manager
            running = list(self._futures)
        if pool is not None:
            if self._flags is not None:
                for j in running:
                    try:
                        self._flags[j] = True
                    except Exception:  # noqa: BLE001 - the manager may be gone already
                        pass
            pool.shutdown(wait=True, cancel_futures=True)
        if manager is not None:
            manager.shutdown()
        if running:
            store.mark_interrupted(self.ws, running)
