"""pymrio 0.7 on its bundled test MRIO (6 regions x 8 sectors): every quantity both compute agrees.

pymrio (Stadler 2021, JORS 9:8) is the reference implementation of the EE-MRIO calculations:
x, A, L, B, G (``include_ghosh=True``), and for each extension S, S_Y, M, M_down and the accounts
D_cba, D_pba, D_imp, D_exp with their per-region totals. Tolerance 1e-10 relative to each
quantity's largest entry (the computations are float64 with different operation orders).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.core.iomodels import Extension, IOTable, LeontiefSystem, StaticModel, footprint_accounts

pymrio = pytest.importorskip("pymrio")  # a declared test dependency: installed in CI

TOL = 1e-10


@pytest.fixture(scope="module")
def mrio():
    io = pymrio.load_test()
    io.calc_all(include_ghosh=True)
    return io


@pytest.fixture(scope="module")
def table(mrio):
    io = pymrio.load_test()  # untouched Z, Y, F as loaded
    order = io.Z.index
    exts = []
    for ext in io.get_extensions(data=True):
        F_Y = None if ext.F_Y is None else ext.F_Y.reindex(columns=io.Y.columns).to_numpy()
        exts.append(Extension(name=ext.name, F=ext.F.reindex(columns=order).to_numpy(),
                              rows=tuple(map(str, ext.F.index)), F_Y=F_Y))
    t = IOTable.from_frames(io.Z, io.Y, final_demand_regions=tuple(str(c[0]) for c in io.Y.columns),
                            extensions=tuple(exts), unit="M.EUR")
    return t


@pytest.fixture(scope="module")
def system(table):
    return LeontiefSystem.from_table(table, backend="cpu")


@pytest.fixture(scope="module")
def static(system):
    return StaticModel(system, full_inverse=True, ghosh_matrices=True, downstream=True).run()


def close(ours, ref) -> None:
    ref = np.asarray(ref, dtype=float)
    ours = np.asarray(ours, dtype=float)
    assert ours.shape == ref.shape
    scale = max(float(np.abs(ref).max()), 1e-300)
    assert float(np.abs(ours - ref).max()) <= TOL * scale


def test_labels_follow_pymrio_order(table, mrio):
    assert table.labels == [tuple(map(str, i)) for i in mrio.Z.index]


def test_x(system, mrio):
    close(system.x, mrio.x.to_numpy()[:, 0])


@pytest.mark.parametrize("symbol", ["A", "L", "B", "G"])
def test_core_matrices(static, mrio, symbol):
    close(getattr(static, symbol), getattr(mrio, symbol).to_numpy())


def test_output_multipliers_are_column_sums_of_pymrio_L(static, mrio):
    close(static.output_multiplier, mrio.L.to_numpy().sum(axis=0))


def test_forward_linkages_are_row_sums_of_pymrio_G(static, mrio):
    close(static.forward_linkage, mrio.G.to_numpy().sum(axis=1))


@pytest.mark.parametrize("ext_name", ["Factor Inputs", "Emissions"])
@pytest.mark.parametrize("symbol", ["S", "M", "M_down"])
def test_extension_multipliers(static, mrio, ext_name, symbol):
    ours = next(e for e in static.extensions if e.name == ext_name)
    close(getattr(ours, symbol), getattr(getattr(mrio, _attr(mrio, ext_name)), symbol).to_numpy())


@pytest.mark.parametrize("ext_name", ["Factor Inputs", "Emissions"])
@pytest.mark.parametrize("symbol", ["S", "M", "D_cba", "D_pba", "D_imp", "D_exp",
                                    "D_cba_reg", "D_pba_reg", "D_imp_reg", "D_exp_reg"])
def test_accounts(system, table, mrio, ext_name, symbol):
    res = footprint_accounts(system, table, ext_name)
    ref = getattr(getattr(mrio, _attr(mrio, ext_name)), symbol)
    ours = res.frame(symbol)
    # pymrio labels the columns (region, sector) or region: compare label by label
    ref = ref.copy()
    ref.columns = [tuple(map(str, c)) if isinstance(c, tuple) else str(c) for c in ref.columns]
    ours.columns = [tuple(map(str, c)) if isinstance(c, tuple) else str(c) for c in ours.columns]
    close(ours[ref.columns].to_numpy(), ref.to_numpy())


def test_final_demand_coefficients(system, table, mrio):
    res = footprint_accounts(system, table, "Emissions")
    close(res.S_Y, mrio.emissions.S_Y.to_numpy())


def _attr(mrio, ext_name: str) -> str:
    for name in mrio.get_extensions():
        if getattr(mrio, name).name == ext_name:
            return name
    raise KeyError(ext_name)
