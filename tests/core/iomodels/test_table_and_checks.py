"""IOTable construction, coefficients, zero-output policies, productivity checks, aggregation."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.core.iomodels import IOTable, LeontiefSystem, StaticModel, check_productive, spectral_radius
from induscope.core.iomodels.checks import require_productive
from induscope.errors import ModelError, ValidationError


def small(**kw) -> IOTable:
    base = dict(Z=[[150.0, 500.0], [200.0, 100.0]], Y=[350.0, 1700.0], x=[1000.0, 2000.0],
                sectors=("a", "b"), V=[[650.0, 1400.0]])
    base.update(kw)
    return IOTable(**base)


def test_from_frames_aligns_and_computes_x():
    idx = pd.Index(["01", "02"])
    Z = pd.DataFrame([[150.0, 500.0], [200.0, 100.0]], index=idx, columns=idx)
    Y = pd.DataFrame({"C": [1000.0, 300.0], "EX": [700.0, 50.0]}, index=["02", "01"])
    V = pd.DataFrame([[1400.0, 650.0]], index=["VA"], columns=["02", "01"])
    t = IOTable.from_frames(Z, Y, V=V)
    assert t.sectors == ("01", "02")
    assert np.allclose(t.x, [1000.0, 2000.0])
    assert t.final_demand_labels == ("C", "EX") and t.value_added_labels == ("VA",)
    assert np.allclose(t.V, [[650.0, 1400.0]])  # aligned by label, not position
    assert np.allclose(t.column_balance_residual(), 0)


def test_from_frames_reports_every_problem():
    idx = pd.Index(["a", "b", "c"])
    Z = pd.DataFrame([[1, "x", 0], [0, 1, np.inf], [0, 0, 1]], index=idx, columns=idx, dtype=object)
    Y = pd.DataFrame({"C": [1.0, 2.0]}, index=["a", "b"])
    with pytest.raises(ValidationError) as e:
        IOTable.from_frames(Z, Y)
    msgs = [str(p) for p in e.value.problems]
    assert any("'x'" in m and "Z[a, b]" in m for m in msgs)
    assert any("inf" in m for m in msgs)
    assert any("'c'" in m for m in msgs)  # missing Y row
    assert e.value.total == 3


def test_from_frames_multiregional_requires_full_region_major_square():
    mi = pd.MultiIndex.from_product([["r1", "r2"], ["s1", "s2"]])
    Z = pd.DataFrame(np.eye(4) * 0.1, index=mi, columns=mi)
    t = IOTable.from_frames(Z, pd.Series(np.ones(4), index=mi))
    assert t.regions == ("r1", "r2") and t.sectors == ("s1", "s2") and t.multiregional
    assert t.label_strings[2] == "r2/s1"
    bad = mi[[0, 2, 1, 3]]
    with pytest.raises(ValidationError):
        IOTable.from_frames(pd.DataFrame(np.eye(4), index=bad, columns=bad), pd.Series(np.ones(4), index=bad))


def test_domestic_and_total_coefficients():
    t = small(Zm=[[10.0, 20.0], [30.0, 40.0]], import_type="non-competitive")
    assert t.default_coefficients() == "domestic"
    assert np.allclose(t.coefficients("domestic"), [[0.15, 0.25], [0.2, 0.05]])
    assert np.allclose(t.coefficients("imports"), [[0.01, 0.01], [0.03, 0.02]])
    assert np.allclose(t.coefficients("total"), t.coefficients("domestic") + t.coefficients("imports"))
    with pytest.raises(ModelError, match="non-competitive"):
        small().coefficients("domestic")


def test_zero_output_is_named_never_silently_zeroed():
    t = IOTable(Z=[[10.0, 0.0, 5.0], [0.0, 0.0, 0.0], [5.0, 0.0, 10.0]], Y=[85.0, 0.0, 85.0],
                x=[100.0, 0.0, 100.0], sectors=("a", "dead", "c"))
    with pytest.raises(ModelError, match="dead"):
        StaticModel(t).run()
    r = StaticModel(t, zero_output="zero").run()
    assert any("dead" in n for n in r.notes)
    assert np.all(r.A[:, 1] == 0)
    r = StaticModel(t, zero_output="exclude").run()
    assert r.labels == ("a", "c") and any("excluded" in n for n in r.notes)


def test_exclude_refuses_a_zero_output_sector_that_still_trades():
    t = IOTable(Z=[[10.0, 0.0], [3.0, 0.0]], Y=[90.0, -3.0], x=[100.0, 0.0], sectors=("a", "ghost"))
    with pytest.raises(ModelError, match="ghost"):
        LeontiefSystem.from_table(t, zero_output="exclude")


def test_negative_output_is_an_error():
    with pytest.raises(ModelError, match="b"):
        small(x=[1000.0, -5.0]).coefficients()


def test_unproductive_table_names_the_sectors():
    A = np.array([[0.5, 0.6], [0.7, 0.3]])  # column sums 1.2 and 0.9, rho = 1.1...
    rep = check_productive(A, ["steel", "coal"])
    assert not rep.productive and rep.exact
    assert rep.columns_at_or_above_one == ("steel",)
    with pytest.raises(ModelError, match="steel"):
        require_productive(A, ["steel", "coal"])


def test_productive_although_a_column_sum_exceeds_one():
    A = np.array([[0.0, 1.5], [0.1, 0.0]])  # rho = sqrt(0.15)
    rep = check_productive(A, ["a", "b"])
    assert rep.productive and rep.columns_at_or_above_one == ("b",)
    assert rep.spectral_radius == pytest.approx(np.sqrt(0.15))
    assert rep.notes


def test_spectral_radius_power_iteration_on_a_large_matrix():
    rng = np.random.default_rng(1)
    n = 800
    A = rng.random((n, n)) * (rng.random((n, n)) < 0.05)
    A *= 1.02 / np.abs(np.linalg.eigvals(A)).max()
    rho, exact, method = spectral_radius(A)
    assert rho >= 1.0
    assert "power" in method or "eig" in method
    A *= 0.95 / 1.02
    rho2, _, _ = spectral_radius(A)
    assert rho2 < 1.0


def test_singular_i_minus_a_is_reported():
    A = np.array([[1.0, 0.0], [0.0, 0.5]])
    with pytest.raises(ModelError):
        LeontiefSystem(A, np.ones(2), ["a", "b"], check=False, backend="cpu").L


def test_aggregate_with_mapping_and_order():
    t = IOTable(Z=np.arange(9.0).reshape(3, 3), Y=[[1.0], [2.0], [3.0]], x=[30.0, 40.0, 50.0],
                sectors=("x1", "x2", "y1"), V=[[1.0, 2.0, 3.0]], m=[1.0, 1.0, 1.0])
    agg = t.aggregate({"x1": "X", "x2": "X", "y1": "Y"}, order=["Y", "X"], sector_names={"X": "Ex"})
    assert agg.sectors == ("Y", "X") and agg.sector_names == ("Y", "Ex")
    assert np.allclose(agg.Z, [[8.0, 13.0], [7.0, 8.0]])
    assert np.allclose(agg.x, [50.0, 70.0]) and np.allclose(agg.m, [1.0, 2.0])
    assert np.allclose(agg.V, [[3.0, 3.0]])


def test_aggregate_multiregional_keeps_regions():
    mi = pd.MultiIndex.from_product([["r1", "r2"], ["a", "b", "c"]])
    Z = pd.DataFrame(np.arange(36.0).reshape(6, 6), index=mi, columns=mi)
    t = IOTable.from_frames(Z, pd.Series(np.ones(6), index=mi))
    agg = t.aggregate({"a": "AB", "b": "AB", "c": "C"})
    assert agg.regions == ("r1", "r2") and agg.sectors == ("AB", "C")
    assert agg.Z[0, 2] == Z.iloc[0:2, 3:5].to_numpy().sum()


def test_concordance_with_conflicting_groups():
    with pytest.raises(ValidationError, match="one group per code"):
        small().aggregate(pd.DataFrame({"from": ["a", "a", "b"], "to": ["X", "Y", "X"]}))


def test_tables_are_frozen():
    t = small()
    with pytest.raises(Exception):
        t.Z = np.zeros((2, 2))  # type: ignore[misc]
