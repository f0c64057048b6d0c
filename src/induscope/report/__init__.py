"""Report card generation: the figures of every section from the services (card.py), an HTML page from
Jinja2 templates with ECharts inlined from the vendored file (render.py), and a PDF printed by headless
Chromium (pdf.py). Every output is written to a temporary name and renamed."""
from .card import ReportCard, build_card
from .pdf import find_chromium, write_pdf
from .render import render_html, write_html

__all__ = ["ReportCard", "build_card", "find_chromium", "render_html", "write_html", "write_pdf"]
