"""The screenshots of docs/dashboard.md: one per dashboard page, 1366x768, as an admin sees them.

    python docs/screenshots.py [--workspace DIR] [--only overview,data] [--out docs/img]
    make screenshots

Builds the demo workspace into a temporary folder (or copies --workspace there), runs its alert scan
with history, adds a throwaway ``admin`` user (a random password, never shown), serves it with
``induscope serve`` on 127.0.0.1, signs a Debian chromium (Playwright; never a downloaded browser)
in, and saves docs/img/dashboard-<name>.png for every entry of SHOTS below, each written to a
temporary name and renamed. The given workspace is never changed. Add a page: one line in SHOTS.
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "bench"))  # the benchmarks' server helpers: one home for them
from _benchutil import free_port, private_workspace, stop_server, wait_up  # noqa: E402
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1366, "height": 768}

#: (file name after "dashboard-", path with its selection, a CSS selector to wait for or None, an action or None)
SHOTS: list[tuple[str, str, str | None, str | None]] = [
    ("overview", "/overview?lang=en", "#headline-value", None),
    ("overview-zh", "/overview?lang=zh", "#headline-value", None),
    ("monitoring", "/monitoring?lang=en&region=440000&measure=ytd", None, None),
    ("sectors", "/sectors?lang=en", None, None),
    ("chains", "/chains?lang=en&chain=nev", None, None),
    ("firms", "/firms?lang=en", None, None),
    ("smes", "/smes?lang=en", None, None),
    ("smes-evaluate", "/smes?lang=en&firm=F001373&date=2025-12-31", None, None),
    ("data", "/data?lang=en", "#import-form", None),
    ("data-import-problems", "/data?lang=en", "#problems", "bad_import"),
    ("admin", "/admin?lang=en", "#admin-audit", None),
    ("report-card", "/report?year=2022&lang=en", None, None),
    ("reports", "/reports?lang=en", None, None),
]
BAD_FIRMS = ("firm_id,name,region,industry,revenue,employees,founded\n"
             "T900001,示例企业一,440000,C39,12000,150,2010\n"
             "T900002,示例企业二,999999,C36,8000,90,2015\n")



def _prepare(workspace: Path | None, tmp: Path, password: str) -> Path:
    from induscope.services import access
    from induscope.services import monitoring as mon

    home = tmp / "ws"
    ws = private_workspace(workspace, home)
    mon.scan(ws, history=True)
    if "admin" in set(access.list_users(ws)["name"]):
        access.add_user(ws, "admin", "admin", password=password, replace=True)
    else:
        access.add_user(ws, "admin", "admin", password=password)
    return home



def _bad_import(page) -> None:
    page.select_option("#import-form select[name=kind]", "enterprises")
    page.set_input_files("#import-form input[name=file]", files=[
        {"name": "firms.csv", "mimeType": "text/csv", "buffer": BAD_FIRMS.encode("utf-8")}])
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#problems")
    page.locator("#import-result").scroll_into_view_if_needed()


ACTIONS = {"bad_import": _bad_import}


def shoot(base: str, password: str, out: Path, only: set[str] | None) -> list[Path]:
    from playwright.sync_api import sync_playwright

    done = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = browser.new_context(viewport=VIEWPORT)
        r = ctx.request.post(f"{base}/api/v1/auth/login", data={"name": "admin", "password": password})
        if not r.ok:
            raise RuntimeError(f"log-in failed: {r.status}")
        page = ctx.new_page()
        for name, path, wait_for, action in SHOTS:
            if only and name not in only:
                continue
            resp = page.goto(base + path, wait_until="networkidle", timeout=300_000)
            if resp is None or resp.status >= 400:
                print(f"  {name}: {path} answered {resp.status if resp else 'nothing'}; not saved", flush=True)
                continue
            if action:
                ACTIONS[action](page)
            if wait_for:
                page.wait_for_selector(wait_for, timeout=300_000)
            page.wait_for_timeout(600)  # charts are drawn just after the first paint
            target = out / f"dashboard-{name}.png"
            tmp = target.with_name(f".{target.stem}.tmp.png")
            page.screenshot(path=str(tmp))
            tmp.replace(target)
            done.append(target)
            print(f"  {target.relative_to(out.parent.parent) if out.is_relative_to(out.parent.parent) else target}",
                  flush=True)
        browser.close()
    return done


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workspace", type=Path, help="a workspace folder to copy (default: build the demo)")
    ap.add_argument("--only", help="comma-separated names from SHOTS (default: all)")
    ap.add_argument("--out", type=Path, default=HERE / "img")
    args = ap.parse_args()
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: make browser-deps (apt-get install chromium fonts-noto-cjk)")
    only = {x.strip() for x in args.only.split(",")} if args.only else None
    if only and only - {s[0] for s in SHOTS}:
        raise SystemExit(f"unknown names {sorted(only - {s[0] for s in SHOTS})}; choose from {[s[0] for s in SHOTS]}")
    args.out.mkdir(parents=True, exist_ok=True)
    password = secrets.token_urlsafe(18)
    tmp = Path(tempfile.mkdtemp(prefix="induscope-screenshots-"))
    server = None
    try:
        home = _prepare(args.workspace, tmp, password)
        port = free_port()
        exe = Path(sys.executable).with_name("induscope")
        server = subprocess.Popen([str(exe), "-w", str(home), "serve", "--host", "127.0.0.1", "--port", str(port)],
                                  env={**os.environ, "INDUSCOPE_HOME": str(home)}, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        wait_up(base)
        done = shoot(base, password, args.out, only)
        print(f"{len(done)} screenshot(s) in {args.out}")
    finally:
        stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
