"""First paint of the dashboard pages in a real browser (issue 15: the overview under 1 s on the demo).

    python bench/bench_dashboard.py [--workspace DIR] [--runs 5] [--pages /overview,/data] [--out FILE]

Starts ``induscope serve`` on a copy of the demo workspace (built once into a temporary folder, with
its historical alerts, when --workspace is not given; the server is not secured, as a fresh local
install is, so no log-in write happens during the runs) and drives Debian's chromium with Playwright
(never a downloaded browser). For each page it records, from the browser's own performance timing
(Paint Timing and Navigation Timing, milliseconds from the navigation's start):

- ``first_view``: the first load of the page after the server started (the server computes and
  caches the page's figures then);
- ``cold``: ``--runs`` loads, each in a new browser context (empty cache: every asset downloaded);
- ``warm``: ``--runs`` loads in one context that has seen the page (assets from the browser cache);

first-contentful-paint (``fcp_ms``), DOMContentLoaded (``dcl_ms``), load (``load_ms``) and, for the
overview, when its figures are on screen (``figures_ms``: the panels come in a second request while
they are computed). Writes bench/results/dashboard.json with p50 and max per page and measure, the
machine and its load, and whether the goal (overview p50 first paint under 1000 ms, cold) was met.
Tests never assert on these times.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _benchutil import RESULTS, copy_workspace, free_port, load, machine, stop_server, wait_up, write_json  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}
GOAL_MS = 1000.0
TIMING = """() => {
  const n = performance.getEntriesByType("navigation")[0];
  const f = performance.getEntriesByName("first-contentful-paint")[0];
  return {fcp_ms: f ? f.startTime : null, dcl_ms: n ? n.domContentLoadedEventEnd : null,
          load_ms: n ? n.loadEventEnd : null, ttfb_ms: n ? n.responseStart : null};
}"""


def _pages() -> list[str]:
    from induscope.api.routers.dashboard import NAV

    return [href for key, href in NAV if key != "admin"]  # the admin page needs an admin session



def _prepare(workspace: Path | None, tmp: Path) -> tuple[Path, str]:
    """A private copy of the workspace (or the demo, built here with its alert history)."""
    from induscope.services import monitoring as mon
    from induscope.services.demo import build_demo_workspace
    from induscope.store import Workspace

    home = tmp / "ws"
    if workspace is not None:
        copy_workspace(Path(workspace), home)
        return home, f"copy of {Path(workspace).name}"
    ws = Workspace(home)
    t0 = time.perf_counter()
    build_demo_workspace(ws)
    mon.scan(ws, history=True)
    return home, f"demo (built and scanned in {time.perf_counter() - t0:.0f} s)"



def _measure(page, url: str, figures: bool) -> dict:
    page.goto(url, wait_until="load", timeout=120_000)
    page.wait_for_function("() => performance.getEntriesByType('navigation')[0].loadEventEnd > 0")
    got = page.evaluate(TIMING)
    if got["fcp_ms"] is None:  # the paint entry can land just after load: give it a moment
        page.wait_for_timeout(200)
        got = page.evaluate(TIMING)
    if figures:
        page.wait_for_selector("#headline-value", timeout=120_000)
        got["figures_ms"] = page.evaluate("() => performance.now()")
    return {k: (round(v, 1) if v is not None else None) for k, v in got.items()}


def _stats(runs: list[dict]) -> dict:
    out = {}
    for key in runs[0]:
        v = np.array([r[key] for r in runs if r.get(key) is not None], dtype=float)
        if len(v):
            out[key] = {"p50": round(float(np.median(v)), 1), "max": round(float(v.max()), 1),
                        "runs": [round(float(x), 1) for x in v]}
    return out


def run(base: str, pages: list[str], runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        version = browser.version
        for path in pages:
            url = f"{base}{path}{'&' if '?' in path else '?'}lang=en"
            figures = path.startswith("/overview")
            ctx = browser.new_context(viewport=VIEWPORT)
            first = _measure(ctx.new_page(), url, figures)
            ctx.close()
            cold = []
            for _ in range(runs):
                ctx = browser.new_context(viewport=VIEWPORT)
                cold.append(_measure(ctx.new_page(), url, figures))
                ctx.close()
            ctx = browser.new_context(viewport=VIEWPORT)
            page = ctx.new_page()
            _measure(page, url, figures)  # the visit that fills the browser cache
            warm = [_measure(page, url, figures) for _ in range(runs)]
            ctx.close()
            results[path] = {"first_view": first, "cold": _stats(cold), "warm": _stats(warm)}
            c = results[path]["cold"].get("fcp_ms", {})
            print(f"{path:12s} first view fcp {first['fcp_ms']} ms; cold fcp p50 {c.get('p50')} max {c.get('max')}; "
                  f"warm fcp p50 {results[path]['warm'].get('fcp_ms', {}).get('p50')}", flush=True)
        browser.close()
    return {"chromium": version, "pages": results}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, help="a workspace folder to copy (default: build the demo)")
    ap.add_argument("--runs", type=int, default=5, help="cold and warm loads per page")
    ap.add_argument("--pages", help="comma-separated paths (default: every page of the navigation but admin)")
    ap.add_argument("--out", type=Path, default=RESULTS / "dashboard.json")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: make browser-deps (apt-get install chromium fonts-noto-cjk)")
    pages = [p.strip() for p in args.pages.split(",")] if args.pages else _pages()
    tmp = Path(tempfile.mkdtemp(prefix="induscope-bench-dashboard-"))
    server = None
    try:
        home, what = _prepare(args.workspace, tmp)
        port = free_port()
        exe = Path(sys.executable).with_name("induscope")
        env = {**os.environ, "INDUSCOPE_HOME": str(home)}
        server = subprocess.Popen([str(exe), "-w", str(home), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        wait_up(base)
        load_before = load()
        t0 = time.perf_counter()
        res = run(base, pages, args.runs)
        ov = res["pages"].get("/overview", {}).get("cold", {}).get("fcp_ms", {})
        doc = {"benchmark": "dashboard first paint (browser timing)", "workspace": what, "runs": args.runs,
               "viewport": VIEWPORT, "server": "induscope serve (1 worker), loopback, not secured",
               "goal": f"overview first-contentful-paint p50 (cold) under {GOAL_MS:.0f} ms",
               "overview_fcp_cold_p50_ms": ov.get("p50"),
               "goal_met": bool(ov) and ov["p50"] < GOAL_MS,
               **res, "wall_s": round(time.perf_counter() - t0, 1), "load_before": load_before,
               "load_after": load(), "machine": machine(("fastapi", "uvicorn", "duckdb", "playwright"))}
        write_json(doc, args.out)
        print(f"overview cold fcp p50 {ov.get('p50')} ms (goal < {GOAL_MS:.0f}): "
              f"{'met' if doc['goal_met'] else 'NOT met'}; written {args.out}")
    finally:
        stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
