"""NBS macro files: the quarterly database export and the transcribed official figures."""
from __future__ import annotations

import pytest

from induscope.errors import InputError, ValidationError
from induscope.readers.nbs_macro import read_nbs_quarterly, read_official_figures


def test_quarterly_export_reads_into_a_long_frame(shared_data):
    q = read_nbs_quarterly(shared_data / "china_macro" / "nbs_quarterly_gdp_indices.csv")
    assert set(q["kind"]) == {"index"} and set(q["measure"]) == {"current_quarter", "accumulated"}
    hit = q[(q["sector"] == "gdp") & (q["measure"] == "accumulated") & (q["period"] == "2025Q4")]
    assert hit["value"].tolist() == [105.0]
    assert {"primary", "secondary", "tertiary", "industry"} <= set(q["sector"])


def test_official_figures_keep_the_first_row_per_indicator_and_year(shared_data):
    f = read_official_figures(shared_data / "china_macro" / "official_figures_china_2021_2022.csv")
    row = f[(f["indicator"] == "industry_contribution_rate_to_gdp_growth") & (f["year"] == 2022)]
    assert row["value"].tolist() == [36.0] and row["unit"].tolist() == ["percent"]
    assert not f.duplicated(["indicator", "year"]).any()


def test_bad_macro_files_give_located_problems(tmp_path):
    p = tmp_path / "fig.csv"
    p.write_text("# a comment\nindicator,year,value,unit,source_url\nx,2022,abc,percent,u\ny,20.5,1,%,u\n",
                 encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        read_official_figures(p)
    assert {(x.row, x.column) for x in e.value.problems} == {(3, "value"), (4, "year")}
    p.write_bytes("indicator,year\n".encode("utf-16"))
    with pytest.raises(ValidationError, match="UTF-16"):
        read_official_figures(p)
    q = tmp_path / "q.csv"
    q.write_text("Database：Quarterly\nIndicators\t,1Q 2024\t,\nGDP , Accumulated\t,abc\t,\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        read_nbs_quarterly(q)
    assert e.value.problems[0].row == 3 and e.value.problems[0].column == "2024Q1"
    q.write_text("no header here\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="Indicators"):
        read_nbs_quarterly(q)
    with pytest.raises(InputError, match="no such file"):
        read_nbs_quarterly(tmp_path / "missing.csv")
