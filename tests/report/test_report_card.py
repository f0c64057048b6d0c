"""The report card: figures stated in the text (official 2022: 36% / 1.1 pp / 0.8 pp), sections without
data saying so, the appendix naming every source, the CLI's exit codes, and the PDF (pdftotext, pdffonts)."""
from __future__ import annotations

import re
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from induscope.cli.main import app
from induscope.report import build_card, find_chromium, render_html, write_html, write_pdf


@pytest.fixture(scope="module")
def official(shared_data):
    return shared_data / "china_macro"


@pytest.fixture(scope="module")
def official_card(official):
    return build_card(None, 2022, official=official)


def test_headline_figures_of_2022_are_stated(official_card):
    h = official_card.section("headline")["headline"]
    assert h["industry_contribution_pct"] == pytest.approx(36.0, abs=1.0)
    assert h["industry_pull_pp"] == pytest.approx(1.1, abs=0.1)
    assert h["manufacturing_pull_pp"] == pytest.approx(0.8, abs=0.1)
    text = " ".join(official_card.section("headline")["text"])
    assert "contributed 36% of GDP growth" in text
    assert "1.1 percentage points" in text and "manufacturing pulled 0.8 pp" in text
    assert "贡献率为36%" in text and "拉动经济增长1.1个百分点" in text


def test_html_contains_the_figures_and_the_appendix(official_card):
    html = render_html(official_card)
    assert "36%" in html and "1.1" in html and "0.8" in html
    assert "2022年工业和信息化发展成绩单" in html
    # every input of the card, with its source and vintage
    for name in ("gdp_real_growth", "industry_real_growth", "industry_base_level", "manufacturing_base_level"):
        assert name in html
    assert "nbs_quarterly_gdp_current_prices.csv" in html and "fx168cj.com" in html
    # ECharts inlined: nothing fetched from anywhere
    assert "echarts" in html and "src=\"http" not in html and "/static/" not in html


def test_sections_without_data_say_so(official_card):
    for key in ("chains", "risks", "smes", "clusters"):
        s = official_card.section(key)
        assert not s["available"] and "import" in s["reason"]
    assert "暂无数据 Not available" in render_html(official_card)


def test_official_structure_figures(official_card):
    text = " ".join(official_card.section("structure")["text"])
    assert "high-tech manufacturing value added growth %: 7.4" in text


def test_a_year_outside_the_official_files_says_so(official):
    c = build_card(None, 2019, official=official)
    assert "cover 2022-2025, not 2019" in " ".join(c.section("headline")["text"])


def test_html_is_written_atomically(official_card, tmp_path):
    out = write_html(official_card, tmp_path / "card.html")
    assert out.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in tmp_path.iterdir()] == ["card.html"]


def test_script_breakout_is_escaped(official_card):
    official_card.sections[0]["charts"][0]["option"]["xAxis"]["data"][0] = "</script><b>x"
    html = render_html(official_card)
    assert "</script><b>x" not in html


# ---------------------------------------------------------------------------------------------
runner = CliRunner()


@pytest.mark.parametrize("args", [
    ["--year", "2022", "--month", "2022-13"],
    ["--year", "2022", "--month", "2021-05"],
    ["--year", "1800"],
    ["--year", "2022", "--region", "Atlantis"],
    ["--year", "2022", "--format", "docx"],
])
def test_bad_usage_exits_2(args, tmp_path, official):
    r = runner.invoke(app, ["-w", str(tmp_path / "ws"), "report", "card", *args, "--official", str(official),
                            "--out", str(tmp_path / "x.html")])
    assert r.exit_code == 2, r.output
    assert not (tmp_path / "x.html").exists()


def test_nothing_to_report_exits_2(tmp_path):
    r = runner.invoke(app, ["-w", str(tmp_path / "none"), "report", "card", "--year", "2022", "--out",
                            str(tmp_path / "x.html")])
    assert r.exit_code == 2 and "nothing to report" in r.output


def test_cli_html_official_only(tmp_path, official):
    out = tmp_path / "card.html"
    r = runner.invoke(app, ["--json", "report", "card", "--year", "2022", "--no-workspace", "--official",
                            str(official), "--format", "html", "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "contributed 36% of GDP growth" in out.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
def _pdf_tools() -> str | None:
    if find_chromium() is None:
        return "chromium is not installed (apt-get install chromium fonts-noto-cjk)"
    if not (shutil.which("pdftotext") and shutil.which("pdffonts")):
        return "poppler-utils (pdftotext, pdffonts) is not installed"
    return None


@pytest.mark.slow
@pytest.mark.skipif(_pdf_tools() is not None, reason=_pdf_tools() or "")
def test_pdf_text_and_embedded_fonts(official_card, tmp_path):
    out = write_pdf(official_card, tmp_path / "card.pdf")
    assert out.read_bytes()[:5] == b"%PDF-"
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "contributed 36% of GDP growth" in re.sub(r"\s+", " ", text)
    assert "1.1 percentage points" in re.sub(r"\s+", " ", text)
    # Chinese text came through as text (the fonts have a Unicode map), not boxes
    assert "工业和信息化发展成绩单" in text and "贡献率" in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True, check=True).stdout
    rows = [ln for ln in fonts.splitlines()[2:] if ln.strip()]
    assert rows, "no fonts listed"
    # columns from the right: object ID (2 fields), uni, sub, emb
    assert all(ln.split()[-5] == "yes" for ln in rows), fonts
    assert [p.name for p in tmp_path.iterdir()] == ["card.pdf"]


@pytest.mark.slow
def test_demo_workspace_card(demo_workspace, official, tmp_path):
    c = build_card(demo_workspace, 2022, official=official)
    assert c.synthetic and "SYNTHETIC" in c.notes[0]
    assert all(s["available"] for s in c.sections), [s["reason"] for s in c.sections if not s["available"]]
    chains = " ".join(c.section("chains")["text"])
    assert "weak" in chains and c.section("chains")["tables"][0]["rows"]
    assert c.section("structure")["hightech_share_pct"] > 0
    kinds = {a["dataset"] for a in c.appendix}
    assert {"demo_series", "demo_chains", "demo_sme_certs"} <= kinds
    assert "workspace" in c.section("headline")
    html = write_html(c, tmp_path / "c.html").read_text(encoding="utf-8")
    assert "SYNTHETIC" in html and "光刻胶" in html


@pytest.mark.slow
def test_monthly_brief(demo_workspace):
    c = build_card(demo_workspace, 2022, month="2022-06")
    text = " ".join(c.section("headline")["text"])
    assert "January to 2022-06" in text
    assert c.month == "2022-06"


def test_pdf_with_a_missing_chromium_exits_6(tmp_path, official):
    r = runner.invoke(app, ["report", "card", "--year", "2022", "--no-workspace", "--official", str(official),
                            "--format", "pdf", "--chromium", str(tmp_path / "no-such-chromium"),
                            "--out", str(tmp_path / "x.pdf")])
    assert r.exit_code == 6 and "no executable" in r.output
    assert not (tmp_path / "x.pdf").exists()
