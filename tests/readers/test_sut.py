"""Supply-use files: wide MAKE/USE matrices and BEA's published long files."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.errors import ValidationError
from induscope.readers.sut import read_bea_make_use, read_make_use
from induscope.services.sut import sut_requirements


@pytest.fixture(scope="module")
def bea(shared_data):
    return shared_data / "bea1997"


def _wide(bea, tmp_path):
    """BEA's long files pivoted to the wide layout by pandas, independently of the reader."""
    mk = pd.read_csv(bea / "IOMakeSummary.txt", header=None, dtype={0: str, 1: str},
                     names=["industry", "commodity", "table", "value"])
    us = pd.read_csv(bea / "iousesummary.txt", header=None, dtype={0: str, 1: str}).iloc[:, [0, 1, 4]]
    us.columns = ["commodity", "industry", "value"]
    industries = list(dict.fromkeys(mk["industry"]))
    make = mk.pivot_table(index="industry", columns="commodity", values="value", aggfunc="sum",
                          fill_value=0.0).reindex(index=industries)
    commodities = [c for c in dict.fromkeys(us["commodity"]) if not c.startswith("V")]
    inter = us[us["industry"].isin(industries) & us["commodity"].isin(commodities)]
    use = inter.pivot_table(index="commodity", columns="industry", values="value", aggfunc="sum",
                            fill_value=0.0).reindex(index=commodities, columns=industries, fill_value=0.0)
    make.index.name, use.index.name = "industry", "commodity"
    make.to_csv(tmp_path / "MAKE.csv")
    use.to_csv(tmp_path / "USE.csv")
    return tmp_path / "MAKE.csv", tmp_path / "USE.csv"


def test_bea_long_files_read_as_the_wide_matrices(bea, tmp_path):
    V, U, ind, com = read_bea_make_use(bea / "IOMakeSummary.txt", bea / "iousesummary.txt", scrap="S004")
    V2, U2, ind2, com2 = read_make_use(*_wide(bea, tmp_path), scrap="S004")
    assert ind == ind2 and sorted(com) == sorted(com2) and len(ind) == 131
    pos = [com2.index(c) for c in com]
    np.testing.assert_array_equal(V, V2[:, pos])
    np.testing.assert_array_equal(U, U2[pos, :])


def test_bea_long_files_give_bea_total_requirements(bea):
    """BEA's table 6 (commodity-by-commodity total requirements), straight from the long files."""
    res = sut_requirements(bea / "IOMakeSummary.txt", bea / "iousesummary.txt", scrap="S004", layout="bea")
    pub = pd.read_csv(bea / "CombyComTRSum_from_xls.csv", header=0, dtype=str).iloc[:, [0, 1, 3]]
    pub.columns = ["row", "col", "value"]
    pub = pub[~pub["row"].str.startswith("T")]  # T009: BEA's column totals row
    assert len(pub) == 134 * 134
    cc = res.frames()["commodity_by_commodity"]
    got = np.array([cc.loc[r, c] for r, c in zip(pub["row"], pub["col"])])
    assert np.abs(got - pub["value"].astype(float).to_numpy()).max() < 1e-6


def test_bea_long_file_problems_are_located(tmp_path):
    (tmp_path / "m.txt").write_text("1110,1110,3,10\n1110,1120,3,-1\n1120,1120,3,x\n1110,1110,3,2\n1120,1120\n")
    (tmp_path / "u.txt").write_text("1110,1110,1997,4,1\n")
    with pytest.raises(ValidationError) as e:
        read_bea_make_use(tmp_path / "m.txt", tmp_path / "u.txt")
    assert {p.row for p in e.value.problems} == {2, 3, 4, 5}
    msg = str(e.value)
    assert "m.txt, row 2, column 'field 4'" in msg and "'-1'" in msg and "m.txt, row 3" in msg
    assert "each pair of codes once" in msg and "ragged" in msg


def test_wide_matrix_problems(tmp_path):
    (tmp_path / "m.csv").write_text("industry,A,B,A\nI1,1,2,3\nI1,1,,nan\n")
    (tmp_path / "u.csv").write_text("commodity,I1\nA,1\n")
    with pytest.raises(ValidationError) as e:
        read_make_use(tmp_path / "m.csv", tmp_path / "u.csv")
    msg = str(e.value)
    assert "each column code once" in msg and "each row code once (also in row 2)" in msg
    assert "row 3, column 'A'" in msg and "'nan'" in msg
