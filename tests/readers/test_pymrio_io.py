"""pymrio.IOSystem in and out."""
from __future__ import annotations

import numpy as np
import pymrio
import pytest

from induscope.errors import InputError
from induscope.readers.nbs import read_nbs
from induscope.readers.pymrio_io import from_pymrio, to_pymrio


@pytest.fixture(scope="module")
def test_mrio():
    return pymrio.load_test()


def test_from_pymrio_test_system(test_mrio):
    t = from_pymrio(test_mrio)
    assert t.regions == tuple(test_mrio.get_regions())
    assert t.sectors == tuple(test_mrio.get_sectors())
    assert t.n == 48 and t.Y.shape == (48, 42)
    # region-major order, as pymrio's own index
    assert t.labels == [tuple(ix) for ix in test_mrio.Z.index]
    np.testing.assert_array_equal(t.Z, test_mrio.Z.to_numpy())
    np.testing.assert_array_equal(t.Y, test_mrio.Y.to_numpy())
    assert t.unit == "USD million"
    assert t.value_added_labels == ("Value Added",)
    assert t.final_demand_labels[0] == "reg1/Final consumption expenditure by households"
    assert t.final_demand_regions == tuple(r for r, _ in test_mrio.Y.columns)
    (em,) = t.extensions  # the other extension travels along
    assert em.name == "emissions" and em.rows == ("emission_type1 | air", "emission_type2 | water")
    np.testing.assert_array_equal(em.F, test_mrio.emissions.F.to_numpy())
    np.testing.assert_array_equal(em.F_Y, test_mrio.emissions.F_Y.to_numpy())
    assert em.unit == "kg"
    # pymrio's test system has no x: it is computed from Z and Y, so rows balance exactly
    np.testing.assert_allclose(t.row_balance_residual(), 0.0, atol=1e-6)


def test_round_trip_test_system(test_mrio):
    t = from_pymrio(test_mrio)
    io = to_pymrio(t)
    assert io.Z.index.equals(test_mrio.Z.index) and io.Z.columns.equals(test_mrio.Z.columns)
    assert io.Y.columns.equals(test_mrio.Y.columns)
    np.testing.assert_array_equal(io.Z.to_numpy(), test_mrio.Z.to_numpy())
    np.testing.assert_array_equal(io.Y.to_numpy(), test_mrio.Y.to_numpy())
    np.testing.assert_array_equal(io.factor_inputs.F.to_numpy(), test_mrio.factor_inputs.F.to_numpy())
    assert set(io.unit["unit"]) == {"Mill USD"}
    assert io.emissions.F.index.equals(test_mrio.emissions.F.index)
    np.testing.assert_array_equal(io.emissions.F_Y.to_numpy(), test_mrio.emissions.F_Y.to_numpy())
    back = from_pymrio(io)
    for sym in ("Z", "Y", "x", "V"):
        np.testing.assert_array_equal(getattr(back, sym), getattr(t, sym))
    assert back.final_demand_labels == t.final_demand_labels
    io.calc_all()  # pymrio can work with what we give it
    np.testing.assert_allclose(io.x["indout"].to_numpy(), t.x)


def test_region_order_is_made_region_major(test_mrio):
    io = test_mrio.copy()
    # a sector-major order: all regions of sector 1, then sector 2, ...
    order = sorted(io.Z.index, key=lambda rs: (list(io.get_sectors()).index(rs[1]), rs[0]))
    io.Z = io.Z.loc[order, order]
    io.Y = io.Y.loc[order]
    t = from_pymrio(io)
    assert t.labels == [(r, s) for r in t.regions for s in t.sectors]
    pos = {lab: k for k, lab in enumerate(t.labels)}
    for a, b in [(("reg2", "mining"), ("reg5", "trade")), (("reg6", "other"), ("reg1", "food"))]:
        assert t.Z[pos[a], pos[b]] == test_mrio.Z.loc[a, b]


@pytest.mark.parametrize("name", ["china_2017_149", "china_2018_42"])
def test_nbs_tables_through_pymrio(shared_data, name):
    ref = read_nbs(shared_data / "china_io_nbs" / f"{name}.csv")
    io = to_pymrio(ref)
    back = from_pymrio(io)
    np.testing.assert_array_equal(back.Z, ref.Z)
    np.testing.assert_array_equal(back.x, ref.x)
    if ref.m is not None:  # competitive: imports travel as a negative final-demand category
        np.testing.assert_array_equal(back.m, ref.m)
        assert back.import_type == "competitive"
        np.testing.assert_allclose(io.Z.sum(1) + io.Y.sum(1), ref.x, rtol=1e-9)
    else:  # non-competitive: imported inputs travel as a factor-input row
        assert back.import_type == "non-competitive"
        assert back.value_added_labels[-1] == "Imported intermediate inputs"
        np.testing.assert_allclose(back.V[-1], ref.Zm.sum(axis=0))
    np.testing.assert_allclose(back.Z.sum(0) + back.V.sum(0), ref.x, rtol=1e-9)


def test_missing_extension_is_an_input_error(test_mrio):
    with pytest.raises(InputError, match="no extension 'nope'"):
        from_pymrio(test_mrio, value_added="nope")
    t = from_pymrio(test_mrio, value_added=None)
    assert t.V is None
