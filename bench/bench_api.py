"""Load test of the API server: concurrent clients on loopback while an analysis job and an import run.

    python bench/bench_api.py [--clients 50] [--duration 60] [--workers 2] [--workspace DIR]

Starts ``induscope serve --workers N`` on a copy of the demo workspace (built once if not given), with
a viewer, an analyst and a reporter token; every client loops over the read routes (the dashboard,
growth, series, alerts) and the report submission route; meanwhile one ARIO sweep job runs and one
enterprise file is imported. Writes ``bench/results/api.json``:
``{"workers": N, "clients": C, "errors": E, "routes": {route: {"p50_ms", "p99_ms", "n"}}, ...}``
with the machine and its load. Latencies are measured by the clients (queueing included).
"""
from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchutil import RESULTS, load, machine, write_json  # noqa: E402

READS = {
    "/": ("GET", "/", None),
    "/api/v1/indicators/growth": ("GET", "/api/v1/indicators/growth?region=320000&start=2024-01", None),
    "/api/v1/series": ("GET", "/api/v1/series?indicator=value_added&region=320000&limit=200", None),
    "/api/v1/alerts": ("GET", "/api/v1/alerts?limit=100", None),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(workspace: Path | None, tmp: Path) -> tuple[Path, dict[str, str], str]:
    from induscope.services import access
    from induscope.services.demo import build_demo_workspace
    from induscope.store import Workspace

    home = tmp / "ws"
    if workspace is not None:
        home.mkdir()
        shutil.copy2(Path(workspace) / "workspace.duckdb", home / "workspace.duckdb")
        ws = Workspace(home)
    else:
        ws = Workspace(home)
        build_demo_workspace(ws)
    firm = str(ws.query("SELECT firm_id FROM enterprises ORDER BY firm_id LIMIT 1")["firm_id"][0])
    tokens = {}
    for role in ("viewer", "analyst"):
        access.add_user(ws, f"bench-{role}", role)
        tokens[role] = access.create_token(ws, f"bench-{role}")["token"]
    access.add_user(ws, "bench-reporter", "reporter", enterprises=[firm])
    tokens["reporter"] = access.create_token(ws, "bench-reporter")["token"]
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


async def _run(base: str, tokens: dict[str, str], firm: str, clients: int, duration: float) -> dict:
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
        for _, path, _ in READS.values():  # warm up every worker's caches once
            await client.get(base + path, headers=viewer)
        background = {}
        job = await client.post(f"{base}/api/v1/jobs", headers=analyst, json={
            "kind": "ario_sweep", "params": {"table_id": "demo_io42_2020", "damage": 0.3, "steps": 365}})
        background["job_submit_status"] = job.status_code
        firms_csv = ("firm_id,name,region,industry,revenue [万元],employees,founded\n" +
                     "".join(f"B{i:06d},压测企业{i},320000,3611,{100 + i},10,2015\n" for i in range(2000)))

        async def importer():
            t0 = time.perf_counter()
            r = await client.post(f"{base}/api/v1/imports/enterprises", headers=analyst,
                                  files={"file": ("bench_firms.csv", firms_csv.encode(), "text/csv")},
                                  data={"replace": "true"})
            background["import_status"] = r.status_code
            background["import_ms"] = round((time.perf_counter() - t0) * 1000, 1)

        stop = time.monotonic() + duration
        counter = [0]

        async def one_client(k: int):
            routes = list(READS.items())
            i = k
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

        await asyncio.gather(importer(), *(one_client(k) for k in range(clients)))
        if job.status_code == 202:
            background["job_state"] = (await client.get(f"{base}/api/v1/jobs/{job.json()['job_id']}",
                                                        headers=viewer)).json().get("state")
    routes = {name: {"p50_ms": round(float(np.percentile(v, 50)), 1), "p99_ms": round(float(np.percentile(v, 99)), 1),
                     "n": len(v)} for name, v in lat.items() if v}
    return {"errors": len(errors), "error_samples": errors[:10], "routes": routes, "background": background,
            "requests": sum(len(v) for v in lat.values())}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--workspace", type=Path, default=None, help="a demo workspace folder to copy")
    ap.add_argument("--out", type=Path, default=RESULTS / "api.json")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="induscope-bench-api-"))
    server = None
    try:
        home, tokens, firm = _prepare(args.workspace, tmp)
        port = _free_port()
        env = {**os.environ, "INDUSCOPE_HOME": str(home), "INDUSCOPE_WORKERS": "1"}
        exe = Path(sys.executable).with_name("induscope")
        server = subprocess.Popen([str(exe), "-w", str(home), "serve", "--port", str(port), "--workers",
                                   str(args.workers)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  start_new_session=True)
        load_before = load()
        t0 = time.perf_counter()
        res = asyncio.run(_run(f"http://127.0.0.1:{port}", tokens, firm, args.clients, args.duration))
        doc = {"workers": args.workers, "clients": args.clients, "errors": res["errors"],
               "routes": res["routes"], "duration_s": args.duration, "requests": res["requests"],
               "wall_s": round(time.perf_counter() - t0, 1), "background": res["background"],
               "error_samples": res["error_samples"], "load_before": load_before, "load_after": load(),
               "machine": machine(("fastapi", "uvicorn", "duckdb"))}
        write_json(doc, args.out)
        print({k: doc[k] for k in ("workers", "clients", "errors", "requests", "routes", "background")})
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
