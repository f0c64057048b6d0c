"""The report card as one self-contained HTML file (no network: ECharts is inlined from the package)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from .._files import atomic_file
from .card import ReportCard


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=PackageLoader("induscope.report", "templates"),
                       autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def _echarts() -> str:
    return files("induscope.web").joinpath("static", "vendor", "echarts.min.js").read_text(encoding="utf-8")


def render_html(card: ReportCard, *, inline_js: bool = True) -> str:
    """The page; ``inline_js=False`` links /static/vendor/echarts.min.js instead (served by the app)."""
    from .. import __version__

    charts = []
    for si, s in enumerate(card.sections):
        for ci, c in enumerate(s["charts"]):
            charts.append({"id": f"chart-{si}-{ci}", "option": c["option"]})
            c["id"] = f"chart-{si}-{ci}"
    # "</" cannot end the script element early: ECharts options come from data (names of chains, firms)
    charts_json = json.dumps(charts, ensure_ascii=False, allow_nan=False).replace("</", "<\\/")
    return _env().get_template("card.html").render(
        card=card, charts_json=charts_json, echarts=_echarts() if inline_js else None,
        generated=datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), version=__version__)


def write_html(card: ReportCard, out: str | Path) -> Path:
    out = Path(out)
    text = render_html(card)
    with atomic_file(out) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return out
