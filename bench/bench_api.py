"""Load test of the API server: concurrent clients on loopback while an analysis job and an import run.

    python bench/bench_api.py [--clients 50] [--duration 60] [--workers 1] [--workspace DIR]
                              [--think 0.5 1.5]

Starts ``induscope serve --workers N`` on a copy of the demo workspace (built once if not given), with
a viewer, an analyst and a reporter token; every client loops over the read routes (the dashboard,
growth, series, alerts) and the report submission route; meanwhile an analyst keeps an ARIO sweep job
running (a new one as soon as the last ends) and imports 2,000 firms every 10 s. Before the clock
starts, a few rounds of reads warm the workers (the first computation of a figure is stored).

Clients model people, not a flood: after each answer a client waits a think time drawn uniformly from
``--think`` (default 0.5 to 1.5 s, seeded) before its next request, so 50 clients offer about 50
requests a second. A closed loop with no think time measures only how fast the CPUs drain a queue
(every request waits behind all the others), not the latency a person sees; ``--think 0 0`` runs it
anyway. Writes ``bench/results/api.json``:
``{"workers": N, "clients": C, "errors": E, "routes": {route: {"p50_ms", "p99_ms", "n"}}, ...}``
with the machine and its load. Latencies are measured by the clients (queueing included).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchutil import RESULTS, free_port, load, machine, private_workspace, stop_server, write_json  # noqa: E402

READS = {
    "/": ("GET", "/", None),
    "/api/v1/indicators/growth": ("GET", "/api/v1/indicators/growth?region=320000&start=2024-01", None),
    "/api/v1/series": ("GET", "/api/v1/series?indicator=value_added&region=320000&limit=200", None),
    "/api/v1/alerts": ("GET", "/api/v1/alerts?limit=100", None),
}



def _prepare(workspace: Path | None, tmp: Path) -> tuple[Path, dict[str, str], str]:
    from induscope.services import access

    home = tmp / "ws"
    ws = private_workspace(workspace, home)
    firm = str(ws.query("SELECT firm_id FROM enterprises ORDER BY firm_id LIMIT 1")["firm_id"][0])
    tokens = {}
    for role in ("viewer", "analyst"):
        access.add_user(ws, f"bench-{role}", role)
        tokens[role] = access.create_token(ws, f"bench-{role}")["token"]
    access.add_user(ws, "bench-reporter", "reporter", enterprises=[firm])
    tokens["reporter"] = access.create_token(ws, "bench-reporter")["token"]
    ws.close()  # hand the workspace to the server's processes
    return home, tokens, firm


async def _wait_up(client, base: str, timeout: float = 120) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if (await client.get(f"{base}/api/v1/health")).status_code == 200:
                return
        except Exception:  # noqa: BLE001 - not listening yet
            pass
        await asyncio.sleep(0.5)
    raise RuntimeError("the server did not come up")


async def _run(base: str, tokens: dict[str, str], firm: str, clients: int, duration: float,
               think: tuple[float, float]) -> dict:
    import httpx

    lat: dict[str, list[float]] = {k: [] for k in READS}
    lat["POST /api/v1/reports"] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients + 8, max_keepalive_connections=clients + 8)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        await _wait_up(client, base)
        viewer = {"Authorization": f"Bearer {tokens['viewer']}"}
        analyst = {"Authorization": f"Bearer {tokens['analyst']}"}
        reporter = {"Authorization": f"Bearer {tokens['reporter']}"}
        # warm up before the clock starts: a few concurrent rounds, so that every worker has met every
        # read route once (the first computation of a figure after a data change is not what a
        # person meets on a running server; it is stored and served from then on)
        for _ in range(3):
            await asyncio.gather(*(client.get(base + path, headers=viewer)
                                   for _, path, _ in READS.values() for _ in range(4)))
        background: dict = {"jobs_submitted": 0, "jobs_finished": {}, "imports": [], "errors": []}
        firms_csv = ("firm_id,name,region,industry,revenue [万元],employees,founded\n" +
                     "".join(f"B{i:06d},压测企业{i},320000,3611,{100 + i},10,2015\n" for i in range(2000)))
        job_body = {"kind": "ario_sweep", "params": {"table_id": "demo_io42_2020", "damage": 0.3, "steps": 365}}

        async def analyst_jobs():
            # an analysis job runs the whole time: a new sweep as soon as the last one ends
            while time.monotonic() < stop:
                r = await client.post(f"{base}/api/v1/jobs", headers=analyst, json=job_body)
                background["jobs_submitted"] += 1
                if r.status_code != 202:
                    background["errors"].append(f"job submit {r.status_code} {r.text[:200]}")
                    return
                jid = r.json()["job_id"]
                while True:
                    await asyncio.sleep(1.0)
                    state = (await client.get(f"{base}/api/v1/jobs/{jid}", headers=analyst)).json().get("state")
                    if state not in ("queued", "running"):
                        background["jobs_finished"][state] = background["jobs_finished"].get(state, 0) + 1
                        break
                    if time.monotonic() >= stop:
                        break

        async def importer():
            # and an import of 2,000 firms (replacing the last one) every 10 s
            while time.monotonic() < stop:
                t0 = time.perf_counter()
                r = await client.post(f"{base}/api/v1/imports/enterprises", headers=analyst,
                                      files={"file": ("bench_firms.csv", firms_csv.encode(), "text/csv")},
                                      data={"replace": "true"})
                background["imports"].append([r.status_code, round((time.perf_counter() - t0) * 1000, 1)])
                if r.status_code != 200:
                    background["errors"].append(f"import {r.status_code} {r.text[:200]}")
                await asyncio.sleep(10)

        stop = time.monotonic() + duration
        counter = [0]

        async def one_client(k: int):
            routes = list(READS.items())
            rng = random.Random(k)
            i = k
            await asyncio.sleep(rng.uniform(0, think[1]))  # people do not all arrive at once
            while time.monotonic() < stop:
                i += 1
                counter[0] += 1
                if i % 5 == 4:
                    name = "POST /api/v1/reports"
                    n = counter[0]  # a new (period, metric) each time: a repeat within one second with
                    # another value would be a correction needing a later vintage (vintages are to the second)
                    body = [{"firm_id": firm, "period": f"{1990 + (n // 12) % 100}-{1 + n % 12:02d}",
                             "metric": ("orders", "sales", "output_value", "inventory")[(n // 1200) % 4],
                             "value": float(n % 1000), "unit": "万元"}]
                    t0 = time.perf_counter()
                    try:
                        r = await client.post(f"{base}/api/v1/reports", json=body, headers=reporter)
                        ok = r.status_code == 200
                    except Exception as e:  # noqa: BLE001 - counted as an error
                        ok, r = False, e
                else:
                    name, (method, path, _) = routes[i % len(routes)]
                    t0 = time.perf_counter()
                    try:
                        r = await client.get(base + path, headers=viewer)
                        ok = r.status_code == 200
                    except Exception as e:  # noqa: BLE001 - counted as an error
                        ok, r = False, e
                lat[name].append((time.perf_counter() - t0) * 1000)
                if not ok:
                    errors.append(f"{name}: {getattr(r, 'status_code', r)!r} {getattr(r, 'text', '')[:200]}")
                if think[1] > 0:
                    await asyncio.sleep(rng.uniform(*think))

        await asyncio.gather(importer(), analyst_jobs(), *(one_client(k) for k in range(clients)))
    routes = {name: {"p50_ms": round(float(np.percentile(v, 50)), 1), "p99_ms": round(float(np.percentile(v, 99)), 1),
                     "n": len(v)} for name, v in lat.items() if v}
    errors += background["errors"]
    return {"errors": len(errors), "error_samples": errors[:10], "routes": routes, "background": background,
            "requests": sum(len(v) for v in lat.values())}


def _log_tail(path: Path, n: int = 30) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [x.replace(str(path.parent), "<tmp>")[:300] for x in lines if "Traceback" in x or "Error" in x][-n:]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=1,
                    help="web processes (1, the server's default, is fastest while writes are frequent: "
                         "DuckDB hands the file from process to process at each write)")
    ap.add_argument("--workspace", type=Path, default=None, help="a demo workspace folder to copy")
    ap.add_argument("--think", type=float, nargs=2, default=(0.5, 1.5), metavar=("MIN", "MAX"),
                    help="a client's think time between requests, uniform in [MIN, MAX] seconds")
    ap.add_argument("--out", type=Path, default=RESULTS / "api.json")
    ap.add_argument("--server-log", type=Path, default=None, help="keep the server's log here")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="induscope-bench-api-"))
    server = None
    try:
        home, tokens, firm = _prepare(args.workspace, tmp)
        port = free_port()
        env = {**os.environ, "INDUSCOPE_HOME": str(home), "INDUSCOPE_WORKERS": "1"}
        exe = Path(sys.executable).with_name("induscope")
        log = open(tmp / "server.log", "wb")  # a file, not a pipe nobody reads (a full pipe blocks the server)
        server = subprocess.Popen([str(exe), "-w", str(home), "serve", "--port", str(port), "--workers",
                                   str(args.workers)], env=env, stdout=subprocess.DEVNULL, stderr=log,
                                  start_new_session=True)
        load_before = load()
        t0 = time.perf_counter()
        res = asyncio.run(_run(f"http://127.0.0.1:{port}", tokens, firm, args.clients, args.duration,
                               tuple(args.think)))
        doc = {"workers": args.workers, "clients": args.clients, "errors": res["errors"],
               "routes": res["routes"], "duration_s": args.duration, "requests": res["requests"],
               "think_s": list(args.think), "read_goal": {"p50_ms": 50, "p99_ms": 300},
               "wall_s": round(time.perf_counter() - t0, 1), "background": res["background"],
               "error_samples": res["error_samples"],
               "server_log_tail": _log_tail(tmp / "server.log") if res["errors"] else [], "load_before": load_before, "load_after": load(),
               "machine": machine(("fastapi", "uvicorn", "duckdb"))}
        write_json(doc, args.out)
        print({k: doc[k] for k in ("workers", "clients", "errors", "requests", "routes", "background")})
    finally:
        stop_server(server)
        if args.server_log is not None and (tmp / "server.log").exists():
            shutil.copy2(tmp / "server.log", args.server_log)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
