"""PDF by headless Chromium's print (Debian's chromium; Chinese text by fonts-noto-cjk, embedded by
Chromium's PDF backend). Chromium runs as a subprocess with no network use and a private profile."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .._files import atomic_file
from ..errors import InduscopeError, NotFoundError
from .card import ReportCard
from .render import render_html

CHROMIUM_ARGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
                 "--disable-component-update", "--disable-sync", "--no-pdf-header-footer",
                 "--run-all-compositor-stages-before-draw", "--virtual-time-budget=10000")


def find_chromium() -> str | None:
    """Chromium's executable on PATH: chromium (Debian), chromium-browser, google-chrome."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        hit = shutil.which(name)
        if hit:
            return hit
    return None


def write_pdf(card: ReportCard, out: str | Path, *, chromium: str | None = None, timeout: float = 120.0) -> Path:
    """Print the HTML report to ``out`` (temporary name, then renamed)."""
    if chromium is not None and not Path(chromium).is_file():
        raise NotFoundError(f"--chromium: no executable at {Path(chromium).name!r}")
    exe = chromium or find_chromium()
    if exe is None:
        raise NotFoundError("PDF needs Chromium (Debian: apt-get install chromium fonts-noto-cjk); "
                             "or write --format html and print it from a browser")
    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="induscope-report-") as work:
        page = Path(work) / "card.html"
        page.write_text(render_html(card), encoding="utf-8")
        with atomic_file(out) as tmp:
            cmd = [exe, *CHROMIUM_ARGS, f"--user-data-dir={work}/profile", f"--print-to-pdf={tmp}",
                   page.as_uri()]
            try:
                run = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                     env={**os.environ, "HOME": work})
            except subprocess.TimeoutExpired:
                raise InduscopeError(f"Chromium did not finish printing within {timeout:.0f} s") from None
            if run.returncode != 0 or tmp.stat().st_size == 0:
                tail = (run.stderr or "").strip().splitlines()[-3:]
                raise InduscopeError(f"Chromium failed to print the report (exit {run.returncode}): "
                                     + " | ".join(tail))
    return out
