"""Import dependence of each NBS 42 sector: the imported share of total use (exports and re-exports
excluded) from China's non-competitive input-output tables 2017, 2018 and 2020 (NBS, via
../shared/data/china_io_nbs).

Expected values are computed here from the raw file's stated total columns of the Domestic and
Imports rows (TIU: total intermediate use, TFU: total final use, EX: exports), independently of the
reader's matrices:

    d_i = (TIU_m,i + TFU_m,i - EX_m,i) / (TIU_d,i + TFU_d,i - EX_d,i + TIU_m,i + TFU_m,i - EX_m,i)

The code path: ``readers.nbs.read_nbs`` -> ``core.chains.measures.io_import_shares`` (from Z, Y, Zm,
Ym); and, through a workspace, ``services.chains.assess_chain`` picks the newest non-competitive
table and says so.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.core.chains.measures import io_import_shares
from induscope.readers.nbs import read_nbs

YEARS = [2017, 2018, 2020]


def _expected(path) -> pd.Series:
    t = pd.read_csv(path, dtype={"Code": str})
    d = t[t["Origin"] == "Domestic"].set_index("Code")
    m = t[t["Origin"] == "Imports"].set_index("Code")
    imp = m["TIU"] + m["TFU"] - m["EX"]
    dom = d["TIU"] + d["TFU"] - d["EX"]
    return imp / (dom + imp.reindex(dom.index))


@pytest.mark.parametrize("year", YEARS)
def test_imported_share_of_total_use_per_sector(shared_data, year):
    path = shared_data / "china_io_nbs" / f"china_{year}_42.csv"
    expected = _expected(path)
    t = read_nbs(path, year=year)
    got = pd.Series(io_import_shares(t.Z, t.Y, t.Zm, t.Ym, t.final_demand_labels), index=list(t.sectors))
    assert list(got.index) == list(expected.index) and len(got) == 42
    np.testing.assert_allclose(got.to_numpy(), expected.to_numpy(), rtol=1e-9, atol=1e-12)
    assert ((got >= 0) & (got < 1)).all()


def test_known_features_of_the_2020_table(shared_data):
    """Sanity on the published economy: crude oil and gas (sector 03 in the 42-sector list) is the
    most import-dependent mining product; computers and electronics (20) depend more on imports than
    food (06)."""
    s = _expected(shared_data / "china_io_nbs" / "china_2020_42.csv")
    assert s["03"] > 0.5
    assert s["20"] > s["06"]


def test_assessment_uses_the_newest_noncompetitive_table(shared_data, tmp_path):
    from induscope.services.chains import assess_chain, import_chains
    from induscope.services.imports import import_io_table
    from induscope.store import Workspace

    ws = Workspace(tmp_path / "ws").ensure()
    for y in (2017, 2020):
        import_io_table(ws, shared_data / "china_io_nbs" / f"china_{y}_42.csv", year=y, name=f"nbs{y}")
    nodes = tmp_path / "nodes.csv"
    nodes.write_text("chain_id,node_id,name,stage,position,parent,industry,io_sector\n"
                     "c,chips,芯片,upstream,0,phones,3973,\n"
                     "c,phones,手机,downstream,1,,3922,20\n", encoding="utf-8")
    import_chains(ws, nodes)
    r = assess_chain(ws, "c")
    expected = _expected(shared_data / "china_io_nbs" / "china_2020_42.csv")["20"]
    for row in r.nodes.itertuples():
        assert row.import_dependence == pytest.approx(expected, rel=1e-9)
        assert "nbs2020 (2020)" in row.import_source and "sector 20" in row.import_source
    # no firms: few suppliers fires, and nothing needing firms passes silently
    assert set(r.nodes["verdict"]) == {"weak"}
    assert all("few_suppliers" in x for x in r.nodes["reasons"])
