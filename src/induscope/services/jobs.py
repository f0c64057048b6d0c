"""Background jobs: long work (ARIO runs and sweeps, all-firm ESRI, report generation, big imports,
supply-use derivations) off the web request, on the executor the settings name.

Life cycle: ``queued`` -> ``running`` -> ``succeeded`` | ``failed`` | ``cancelled``; a job that was
queued or running when its web process stopped becomes ``interrupted`` (the next process on the same
host finds it, sees that its runner is gone, and says so; the user submits it again).

Why the worker never touches the workspace: DuckDB lets one process write a file or many read it, not
both. So each job has up to four phases: ``prepare`` (in the request: checks, small reads; errors reach
the caller before a job exists), ``gather`` (a thread of the web process: larger reads of the workspace),
``run`` (the computation, on the executor: a local process pool, a Dask cluster, or ``serial`` in the
thread itself) and ``store`` (the thread again: writes to the workspace). The web process writes every
state change, progress report and result. Progress and the cancel flag cross to the workers through the
pool's channel (runtime.executors.TaskPool); the worker checks the flag at each progress report and stops.

A result is JSON in the ``jobs`` table; a result that is a file (a report card) is written by the web
process under ``<workspace>/jobs/<job id>/`` and the JSON says its name, type and download link.
"""
from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from ..errors import InduscopeError, InputError, NotFoundError, ValidationError
from ..store import Workspace
from ..store import jobs as store

log = logging.getLogger("induscope.jobs")
STATES = ("queued", "running", "succeeded", "failed", "cancelled", "interrupted")
EXECUTORS = ("serial", "local", "dask")
#: where a job's files live, under the workspace folder
FILES_DIR = "jobs"
Report = Callable[[float, str], None]


class Cancelled(Exception):
    """Raised inside a job when a cancel was asked for."""


@dataclass(frozen=True)
class JobKind:
    """``prepare`` runs in the request (checks, reads small inputs: errors reach the caller before a job
    exists); ``gather`` in a thread of the web process (reads the workspace); ``run`` on the executor
    with the picklable payload (never the workspace); ``store`` in the web process's thread (writes);
    ``cleanup`` always, at the end (temporary upload folders). ``upload``: the inputs come from an upload
    route (imports, supply-use), not from ``POST /api/v1/jobs``."""

    prepare: Callable[[Workspace, Mapping[str, Any]], Any]
    run: Callable[[Any, Report], Any] | None
    description: str
    gather: Callable[[Workspace, Any, Report], Any] | None = None
    store: Callable[[Workspace, Any, Report], Any] | None = None
    cleanup: Callable[[Any], None] | None = None
    upload: bool = False


@dataclass(frozen=True)
class JobFile:
    """A result that is a file: the web process writes ``data`` under the job's folder."""

    name: str
    media_type: str
    data: bytes
    summary: dict[str, Any] = field(default_factory=dict)


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


# report cards: figures gathered in the web process (they read the workspace), rendered on the executor
REPORT_FORMATS = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}
REPORT_PARAMS = ("year", "region", "format", "lang", "month")


def _prepare_report_card(ws: Workspace, p: Mapping[str, Any]) -> dict[str, Any]:
    from .. import reference

    unknown = sorted(set(p) - set(REPORT_PARAMS))
    if unknown:
        raise InputError(f"params: unknown {', '.join(map(repr, unknown))}; expected {', '.join(REPORT_PARAMS)}")
    year = _int(p, "year", 0, 1990, 2100)
    fmt = p.get("format", "html")
    if fmt not in REPORT_FORMATS:
        raise InputError(f"params.format: expected html or pdf, got {fmt!r}")
    lang = p.get("lang", "zh")
    if lang not in ("zh", "en"):
        raise InputError(f"params.lang: expected zh or en, got {lang!r}")
    region = p.get("region")
    if region is not None and not isinstance(region, str):
        raise InputError(f"params.region: a GB/T 2260 code or name, or null for the nation, got {region!r}")
    code = reference.normalize_region(region) if region else "000000"
    if code is None:
        raise InputError(f"params.region: unknown region {region!r}: expected a GB/T 2260 province code or name")
    month = p.get("month")
    if month is not None and not (isinstance(month, str) and len(month) == 7 and month[4] == "-"
                                  and month[:4] == str(year) and month[5:].isdigit() and 1 <= int(month[5:]) <= 12):
        raise InputError(f"params.month: a monthly brief's month YYYY-MM in {year}, got {month!r}")
    if not ws.exists():
        raise InputError("the workspace holds no data to report on (build one with `induscope demo` or import data)")
    return {"year": year, "region": code, "format": fmt, "lang": lang, "month": month}


def _gather_report_card(ws: Workspace, p: dict[str, Any], report: Report) -> dict[str, Any]:
    from ..report import build_card

    report(0.05, "gathering the figures")
    return {**p, "card": build_card(ws, p["year"], region=p["region"], month=p["month"])}


def _run_report_card(p: dict[str, Any], report: Report) -> JobFile:
    import tempfile

    from ..report import render_html, write_pdf

    card = p["card"]
    report(0.6, "printing the PDF" if p["format"] == "pdf" else "rendering the page")
    if p["format"] == "pdf":
        with tempfile.TemporaryDirectory(prefix="induscope-job-") as work:
            data = write_pdf(card, Path(work) / "card.pdf").read_bytes()
    else:
        data = render_html(card).encode("utf-8")
    what = f"monthly-brief-{p['month']}" if p["month"] else f"report-card-{p['year']}"
    absent = [s["key"] for s in card.sections if not s["available"]]
    return JobFile(f"{what}-{card.region}-{p['lang']}.{p['format']}", REPORT_FORMATS[p["format"]], data,
                   {"year": p["year"], "month": p["month"], "region": card.region, "region_name": card.region_name,
                    "format": p["format"], "lang": p["lang"], "sections": len(card.sections),
                    "absent_sections": absent, "synthetic": card.synthetic, "notes": list(card.notes)})


# imports: the upload is read, checked and written by the import service in a thread of the web process
IMPORT_KINDS = ("series", "enterprises", "supply-links", "io-table")


def _prepare_upload(ws: Workspace, p: Mapping[str, Any]) -> Any:
    raise InputError("this kind of job takes a file: upload it to its route (POST /api/v1/imports/{kind} with "
                     "job=true, or POST /api/v1/sut/requirements with job=true)")


def _store_import(ws: Workspace, p: dict[str, Any], report: Report) -> dict[str, Any]:
    from . import imports as svc

    fn = {"series": svc.import_series, "enterprises": svc.import_enterprises,
          "supply-links": svc.import_supply_links, "io-table": svc.import_io_table}[p["kind"]]

    def on_progress(step: str, done: int, total: int) -> None:
        # a cancel counts until the write begins; "done" comes after the commit, so it cannot undo it
        if step == "done":
            return
        report(done / max(total, 1) * 0.95, step)

    return fn(ws, p["path"], name=p.get("name"), unit=p.get("unit"), replace=bool(p.get("replace")),
              on_progress=on_progress)


def _remove_upload(p: Any) -> None:
    import shutil

    if isinstance(p, dict) and p.get("folder"):
        shutil.rmtree(p["folder"], ignore_errors=True)


# supply-use: the make and use files are read and checked in the request, the tables derived on the executor
def sut_result(result: Any) -> dict[str, Any]:
    """A SupplyUseResult as JSON: the summary and the four requirements tables as records (one row per
    commodity or industry code, one column per code)."""
    out = result.to_dict()
    out["tables"] = {stem: frame.reset_index().to_dict("records") for stem, frame in result.frames().items()}
    return out


def _run_sut(p: dict[str, Any], report: Report) -> dict[str, Any]:
    from .sut import derive_requirements

    report(0.1, f"{len(p['commodities'])} commodities x {len(p['industries'])} industries")
    return sut_result(derive_requirements(p))


KINDS: dict[str, JobKind] = {
    "network_esri": JobKind(_prepare_network_esri, _run_network_esri,
                            "ESRI (systemic risk) of every firm of the workspace's network, or of the given firms"),
    "ario_run": JobKind(_prepare_ario_run, _run_ario_run,
                        "one ARIO shock simulation over a stored table (up to 3,650 steps)"),
    "ario_sweep": JobKind(_prepare_ario_sweep, _run_ario_sweep,
                          "an ARIO sweep: each industry hit alone, one simulation each"),
    "report_card": JobKind(_prepare_report_card, _run_report_card,
                           "the report card (or a monthly brief) as HTML or PDF, stored for download",
                           gather=_gather_report_card),
    "import": JobKind(_prepare_upload, None, "a big file import (from POST /api/v1/imports/{kind})",
                      store=_store_import, cleanup=_remove_upload, upload=True),
    "sut_requirements": JobKind(_prepare_upload, _run_sut, "requirements tables from make and use files "
                                "(from POST /api/v1/sut/requirements)", upload=True),
}
#: the kinds POST /api/v1/jobs takes (the others come with a file through their own routes)
SUBMITTABLE = tuple(k for k, v in KINDS.items() if not v.upload)



# ---- the worker side --------------------------------------------------------------------------------------
def _work(kind: str, payload: Any, job_id: str, channel: tuple) -> Any:
    from ..runtime.executors import channel_put, flag_is_set

    def report(fraction: float, message: str = "") -> None:
        if flag_is_set(channel, job_id):
            raise Cancelled()
        channel_put(channel, (job_id, max(0.0, min(1.0, float(fraction))), message[:500]))

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


def job_folder(ws: Workspace, job_id: str) -> Path:
    return Path(ws.home) / FILES_DIR / job_id


def result_file(ws: Workspace, job: Mapping[str, Any]) -> Path | None:
    """The stored file of a job whose result is one (by the name the server gave it), else None."""
    res = job.get("result")
    if not isinstance(res, dict) or not isinstance(res.get("file"), str):
        return None
    path = job_folder(ws, job["job_id"]) / Path(res["file"]).name
    return path if path.is_file() else None


class JobRunner:
    """One per web process: the driver threads, the executor's pool, the progress pump, the store updates.

    ``executor``: serial (the computation runs in the driver thread: tests, small servers), local (a
    process pool of ``workers`` processes) or dask (the cluster at ``scheduler``, else a local one)."""

    def __init__(self, ws: Workspace, workers: int | None = None, *, executor: str | None = None,
                 scheduler: str | None = None):
        executor = executor or ("dask" if scheduler else "local")
        if executor not in EXECUTORS:
            raise InputError(f"unknown job executor {executor!r}; expected one of {', '.join(EXECUTORS)}")
        self.ws = ws
        self.workers = max(1, workers or 1)
        self.executor = executor
        self.scheduler = scheduler
        self.runner = f"{socket.gethostname()}:{os.getpid()}"
        self._pool: Any = None
        self._threads = ThreadPoolExecutor(max_workers=4 * self.workers + 2, thread_name_prefix="induscope-job")
        self._active: set[str] = set()
        self._cancelled: set[str] = set()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._pump: threading.Thread | None = None

    @classmethod
    def from_settings(cls, ws: Workspace, settings: Any) -> "JobRunner":
        return cls(ws, settings.workers, executor=getattr(settings, "executor", None),
                   scheduler=settings.scheduler)

    # -- recovery ----------------------------------------------------------------------------------------
    def recover(self) -> int:
        """Mark interrupted the jobs whose web process is gone (this one's earlier life included)."""
        lost = [j["job_id"] for j in store.active(self.ws)
                if j["runner"] != self.runner and not _alive(j["runner"])]
        return store.mark_interrupted(self.ws, lost)

    # -- submit / cancel ---------------------------------------------------------------------------------
    def submit(self, kind: str, params: Mapping[str, Any], owner: str, *, payload: Any = None) -> dict[str, Any]:
        """Check the inputs (``prepare``), record the job, start it; ``payload``: the inputs an upload route
        has read and checked already (the kinds that take a file)."""
        if kind not in KINDS:
            raise InputError(f"unknown job kind {kind!r}; expected one of {', '.join(SUBMITTABLE)}")
        k = KINDS[kind]
        if payload is None:
            payload = k.prepare(self.ws, params)
        job_id = "J" + secrets.token_hex(6)
        try:
            store.insert(self.ws, job_id, kind, dict(params), owner, self.runner)
        except BaseException:
            if k.cleanup:
                k.cleanup(payload)
            raise
        with self._lock:
            self._active.add(job_id)
        self._threads.submit(self._drive, job_id, kind, payload)
        return store.get(self.ws, job_id)

    def record(self, kind: str, params: Mapping[str, Any], owner: str, result: Any) -> dict[str, Any]:
        """Store a result computed in the request (small inputs) as a finished job: one home for results,
        downloadable like those of background jobs."""
        job_id = "J" + secrets.token_hex(6)
        store.insert(self.ws, job_id, kind, dict(params), owner, self.runner)
        self._succeed(job_id, result)
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
            if job_id not in self._active:
                return  # another web process runs it: its pump sees the flag in the store
            self._cancelled.add(job_id)
            pool = self._pool
        if pool is not None:
            try:
                pool.set_flag(job_id)
            except Exception:  # noqa: BLE001 - the driver stops waiting anyway
                log.exception("could not pass the cancel of job %s to the workers", job_id)

    # -- the driver (one thread per job, in the web process) --------------------------------------------
    def _check(self, job_id: str) -> None:
        if job_id in self._cancelled or self._stop.is_set():
            raise Cancelled()

    def _local_report(self, job_id: str) -> Report:
        last = [0.0]

        def report(fraction: float, message: str = "") -> None:
            self._check(job_id)
            now = time.monotonic()
            if now - last[0] >= 0.2 or fraction >= 1.0 or fraction == 0.0:  # the store is not a firehose
                last[0] = now
                store.progress(self.ws, job_id, max(0.0, min(1.0, float(fraction))), message[:500])

        return report

    def _drive(self, job_id: str, kind: str, payload: Any) -> None:
        k = KINDS[kind]
        report = self._local_report(job_id)
        try:
            report(0.0, "started")
            if k.gather:
                payload = k.gather(self.ws, payload, report)
            result = payload
            if k.run:
                result = self._compute(job_id, kind, payload, report)
                self._check(job_id)  # a cancel that came while a silent task ran still counts
            if k.store:
                self._check(job_id)
                result = k.store(self.ws, result, report)
            self._succeed(job_id, result)
        except Cancelled:
            if self._stop.is_set() and job_id not in self._cancelled:
                store.finish(self.ws, job_id, "interrupted",
                             message="the server stopped while this job ran; submit it again")
            else:
                store.finish(self.ws, job_id, "cancelled", message="cancelled while running")
        except ValidationError as exc:
            # every problem with its file, row, column and value, for a page to show as a table
            problems = [{**p.to_dict(), "source": os.path.basename(str(p.source))} for p in exc.problems]
            self._fail(job_id, str(exc)[:2000], {"problems": problems, "total": exc.total})
        except InduscopeError as exc:
            self._fail(job_id, str(exc)[:2000])
        except Exception as exc:  # noqa: BLE001 - the job fails, the server goes on
            log.error("job %s failed", job_id, exc_info=exc)
            self._fail(job_id, "an unexpected error stopped the job; it is logged")
        finally:
            with self._lock:
                self._active.discard(job_id)
                self._cancelled.discard(job_id)
            if k.cleanup:
                try:
                    k.cleanup(payload)
                except Exception:  # noqa: BLE001
                    log.exception("could not clean up after job %s", job_id)

    def _compute(self, job_id: str, kind: str, payload: Any, report: Report) -> Any:
        if self.executor == "serial":
            return KINDS[kind].run(payload, report)
        pool = self._start()
        fut = pool.submit(_work, kind, payload, job_id, pool.channel())
        while True:
            try:
                return fut.result(timeout=0.25)
            except Cancelled:
                raise
            except Exception as exc:  # noqa: BLE001 - a timeout of the wait, or the task's own error
                if not _is_timeout(exc):
                    raise
            if job_id in self._cancelled or self._stop.is_set():
                fut.cancel()  # a queued one never starts; a running local one stops at its next report
                if pool.backend == "dask" or fut.done():
                    raise Cancelled()

    def _succeed(self, job_id: str, result: Any) -> None:
        from .._json import jsonable

        link = f"/api/v1/jobs/{job_id}/download"
        if isinstance(result, JobFile):
            from .._files import atomic_file

            name = Path(result.name).name
            with atomic_file(job_folder(self.ws, job_id) / name) as tmp:
                tmp.write_bytes(result.data)
            result = {**result.summary, "file": name, "media_type": result.media_type, "bytes": len(result.data)}
        if isinstance(result, dict):
            result = {**result, "download": link}
        store.finish(self.ws, job_id, "succeeded", result=jsonable(result), progress=1.0, message="done")

    def _fail(self, job_id: str, message: str, detail: dict[str, Any] | None = None) -> None:
        from .._json import jsonable

        store.finish(self.ws, job_id, "failed", error=message, message="failed",
                     result=None if detail is None else jsonable(detail))

    # -- machinery ---------------------------------------------------------------------------------------
    def _start(self) -> Any:
        with self._lock:
            if self._pool is None:
                from ..runtime.executors import TaskPool

                self._pool = TaskPool(self.executor, workers=self.workers, scheduler=self.scheduler)
                self._pump = threading.Thread(target=self._pump_loop, name="induscope-jobs", daemon=True)
                self._pump.start()
            return self._pool

    def _pump_loop(self) -> None:
        while not self._stop.is_set():
            latest: dict[str, tuple[float, str]] = {}
            try:
                for job_id, fraction, message in self._pool.messages(0.25):
                    latest[job_id] = (fraction, message)
            except (EOFError, OSError, BrokenPipeError):
                return  # the manager is gone: shutting down
            except Exception:  # noqa: BLE001 - keep pumping; the next round retries
                log.exception("job pump")
                time.sleep(0.25)
            for job_id, (fraction, message) in latest.items():
                try:
                    store.progress(self.ws, job_id, fraction, message)
                except InduscopeError:
                    log.exception("could not record the progress of job %s", job_id)
            try:  # a cancel asked through another web process reaches this one through the store
                with self._lock:
                    mine = set(self._active) - self._cancelled
                for j in store.active(self.ws):
                    if j["cancel"] and j["job_id"] in mine:
                        self._apply_cancel(j["job_id"])
            except Exception:  # noqa: BLE001
                log.exception("job pump")

    def shutdown(self) -> None:
        self._stop.set()
        with self._lock:
            pool, running = self._pool, list(self._active)
        if pool is not None:
            for j in running:
                try:
                    pool.set_flag(j)
                except Exception:  # noqa: BLE001 - the manager may be gone already
                    pass
        self._threads.shutdown(wait=True, cancel_futures=True)
        if pool is not None:
            pool.close()
        if running:
            store.mark_interrupted(self.ws, running)


def _is_timeout(exc: BaseException) -> bool:
    import concurrent.futures

    return isinstance(exc, (TimeoutError, concurrent.futures.TimeoutError)) or type(exc).__name__ == "TimeoutError"
