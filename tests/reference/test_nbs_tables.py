"""China's national input-output tables (NBS; ../shared/data/china_io_nbs).

* The 42-sector tables are non-competitive-import tables: the domestic Leontief inverse
  (I - A_d)^-1, A_d = Z_d x^-1, must be non-negative (with unit-or-larger diagonal), and so must the
  total one (A = A_d + A_m).
* Aggregating the detailed competitive table (149 sectors in 2017, 153 in 2018 and 2020) with the
  derived concordance ``derived_map_*_to_42.csv`` reproduces the 42-sector table: total
  intermediate flows Z_d + Z_m, gross output, value added, final demand by category and imports,
  each to 1e-9 relative to the quantity's largest entry (NBS publishes both tables; they agree to
  ~2e-10 after aggregation).
Tables are read with ``induscope.readers.nbs.read_nbs``; a minimal local parser stands in when the
reader is not importable, so this reference test never depends on another module being finished.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from induscope.core.iomodels import IOTable, LeontiefSystem, check_productive

YEARS = [(2017, 149), (2018, 153), (2020, 153)]
REL = 1e-9


def _local_read(path: Path) -> IOTable:
    """Minimal NBS parser (the layout of data/README.md), used only without the real reader."""
    t = pd.read_csv(path, dtype={"Code": str})
    codes = [c for c in t.columns if c.isdigit()]
    if "Origin" in t.columns:
        dom = t[t["Origin"] == "Domestic"].set_index("Code")
        imp = t[t["Origin"] == "Imports"].set_index("Code")
        tot = t[t["Origin"] == "TOT"].set_index("Code")
        fd = ["TC", "FU201", "FU202", "EX"]
        va = ["VA001", "VA002", "VA003", "VA004"]
        return IOTable(Z=dom.loc[codes, codes].to_numpy(float), Y=dom.loc[codes, fd].to_numpy(float),
                       x=dom.loc[codes, "GO"].to_numpy(float), sectors=tuple(codes),
                       V=tot.loc[va, codes].to_numpy(float), Zm=imp.loc[codes, codes].to_numpy(float),
                       Ym=imp.loc[codes, fd].to_numpy(float), final_demand_labels=tuple(fd),
                       value_added_labels=tuple(va), import_type="non-competitive")
    t = t.set_index("Code")
    fd = ["FU101", "FU102", "FU103", "FU201", "FU202", "EX"]
    va = ["VA001", "VA002", "VA003", "VA004"]
    return IOTable(Z=t.loc[codes, codes].to_numpy(float), Y=t.loc[codes, fd].to_numpy(float),
                   x=t.loc[codes, "GO"].to_numpy(float), sectors=tuple(codes),
                   V=t.loc[va, codes].to_numpy(float), m=t.loc[codes, "IM"].to_numpy(float),
                   final_demand_labels=tuple(fd), value_added_labels=tuple(va), import_type="competitive")


def read(path: Path) -> IOTable:
    try:
        from induscope.readers.nbs import read_nbs
    except ImportError:
        return _local_read(path)
    return read_nbs(path)


def rel_err(ours: np.ndarray, ref: np.ndarray) -> float:
    return float(np.abs(np.asarray(ours) - np.asarray(ref)).max() / np.abs(ref).max())


@pytest.fixture(scope="module")
def nbs(shared_data):
    return shared_data / "china_io_nbs"


@pytest.mark.parametrize("year", [y for y, _ in YEARS])
def test_domestic_leontief_inverse_is_nonnegative(nbs, year):
    t = read(nbs / f"china_{year}_42.csv")
    assert t.import_type == "non-competitive"
    s = LeontiefSystem.from_table(t, coefficients="domestic", backend="cpu")
    assert s.report.productive and s.report.spectral_radius < 1
    L = s.L
    assert L.min() >= 0.0
    assert np.diagonal(L).min() >= 1.0
    # L (I - A_d) = I: the inverse is right, not just non-negative
    assert np.abs(L - L @ s.A - np.eye(t.n)).max() < 1e-12


@pytest.mark.parametrize("year", [y for y, _ in YEARS])
def test_total_coefficients_add_domestic_and_imported(nbs, year):
    t = read(nbs / f"china_{year}_42.csv")
    A_d, A_m, A = (t.coefficients(k) for k in ("domestic", "imports", "total"))
    assert np.allclose(A, A_d + A_m, rtol=0, atol=1e-15)
    assert check_productive(A, t.label_strings).productive
    assert LeontiefSystem.from_table(t, coefficients="total", backend="cpu").L.min() >= 0.0


@pytest.mark.parametrize("year, detailed", YEARS)
def test_aggregating_the_detailed_table_reproduces_the_42_sector_table(nbs, year, detailed):
    fine = read(nbs / f"china_{year}_{detailed}.csv")
    t42 = read(nbs / f"china_{year}_42.csv")
    conc = pd.read_csv(nbs / f"derived_map_{year}_{detailed}_to_42.csv", dtype=str)
    agg = fine.aggregate(conc, order=t42.sectors)
    assert agg.sectors == t42.sectors and agg.n == 42
    assert rel_err(agg.Z, t42.Z + t42.Zm) <= REL
    assert rel_err(agg.x, t42.x) <= REL
    assert rel_err(agg.V, t42.V) <= REL
    fd_fine = dict(zip(agg.final_demand_labels, agg.Y.T))
    fd_42 = dict(zip(t42.final_demand_labels, (t42.Y + t42.Ym).T))
    assert rel_err(fd_fine["FU101"] + fd_fine["FU102"] + fd_fine["FU103"], fd_42["TC"]) <= REL
    for code in ("FU201", "FU202", "EX"):
        assert rel_err(fd_fine[code], fd_42[code]) <= REL, code
    # imports by product: the competitive IM column against the non-competitive import rows
    assert rel_err(agg.m, t42.Zm.sum(axis=1) + t42.Ym.sum(axis=1)) <= REL


def test_concordance_problems_are_reported_together(nbs):
    from induscope.errors import ValidationError

    fine = read(nbs / "china_2018_153.csv")
    conc = pd.read_csv(nbs / "derived_map_2018_153_to_42.csv", dtype=str).iloc[3:]
    with pytest.raises(ValidationError) as e:
        fine.aggregate(conc)
    assert e.value.total == 3
    assert {p.value for p in e.value.problems} == {"001", "002", "003"}
