"""Monthly macro readers: the real files parse; broken ones give located errors."""
from __future__ import annotations

import pytest

from induscope.errors import ValidationError
from induscope.readers.macro_monthly import (read_fred_md, read_fred_md_appendix, read_nbs_monthly_value_added,
                                             read_nbs_pmi)


def test_fred_md_real_file(shared_data):
    data, tcodes = read_fred_md(shared_data / "us_fred_md" / "fred_md_current_2025-02.csv")
    assert data.index[0] == "1959-01" and data.index[-1] == "2025-01"
    assert tcodes["INDPRO"] == 5 and tcodes["CUMFNS"] == 2
    assert data.loc["1959-01", "INDPRO"] == pytest.approx(21.9616)
    app = read_fred_md_appendix(shared_data / "us_fred_md" / "FRED-MD_updated_appendix.csv")
    assert set(app["group"].dropna().astype(int)) <= set(range(1, 9))


def test_nbs_monthly_real_files(shared_data):
    iva = read_nbs_monthly_value_added(shared_data / "china_macro" / "macro_china_gyzjz_df.csv")
    assert iva.loc["2008-02", "yoy"] == pytest.approx(15.4)
    assert "2020-01" not in iva.index  # NBS publishes January-February together
    pmi = read_nbs_pmi(shared_data / "china_macro" / "macro_china_pmi_df.csv")
    assert pmi.loc["2025-07", "manufacturing"] == pytest.approx(49.3)


def test_bad_month_and_number_are_located(tmp_path):
    p = tmp_path / "iva.csv"
    p.write_text("月份,同比增长,累计增长\n2024年13月份,5.1,5.0\n2024年11月份,abc,5.0\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        read_nbs_monthly_value_added(p)
    text = str(e.value)
    assert "row 2, column '月份'" in text and "row 3, column '同比增长'" in text and "'abc'" in text


@pytest.mark.parametrize("content", [b"", b"\xff\xfe\x00garbage", b"sasdate,A\n1/1/2000,1\n"])
def test_broken_fred_files_are_validation_errors(tmp_path, content):
    p = tmp_path / "fred.csv"
    p.write_bytes(content)
    with pytest.raises(ValidationError):
        read_fred_md(p)


def test_pmi_outside_the_index_range(tmp_path):
    p = tmp_path / "pmi.csv"
    p.write_text("月份,制造业-指数,非制造业-指数\n2024年01月份,149.2,50.7\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="diffusion index"):
        read_nbs_pmi(p)
