"""StaticModel results, shocks, extraction sets, backends and the symbol registry."""
from __future__ import annotations

import json

import numpy as np
import pytest

from induscope.core.iomodels import (SYMBOLS, ExtractionModel, IOTable, LeontiefSystem, ShockModel,
                                     StaticModel, describe, long_name)
from induscope.core.iomodels import backend as bk
from induscope.errors import ModelError, Unavailable, ValidationError


def three() -> IOTable:
    Z = np.array([[20.0, 30.0, 10.0], [15.0, 5.0, 40.0], [10.0, 20.0, 5.0]])
    x = np.array([100.0, 120.0, 90.0])
    return IOTable(Z=Z, Y=x - Z.sum(axis=1), x=x, sectors=("agr", "man", "srv"),
                   V=(x - Z.sum(axis=0))[None, :] * np.array([[0.6], [0.4]]),
                   value_added_labels=("wages", "profits"))


def test_result_is_immutable_and_serialisable():
    r = StaticModel(three(), full_inverse=True, employment=[10.0, 0.0, 30.0], extensions={"co2": [[5.0, 50.0, 1.0]]}).run()
    with pytest.raises(ValueError):
        r.L[0, 0] = 3.0
    with pytest.raises(Exception):
        r.L = None  # type: ignore[misc]
    d = r.to_dict()
    json.dumps(d)  # plain JSON
    assert set(d["output_multiplier"]) == {"agr", "man", "srv"}
    assert d["employment_multiplier_type_i"]["man"] is None
    assert any("man" in n and "employment" in n for n in r.notes)
    frame = r.to_frame()
    assert {"sector", "output_multiplier", "backward_linkage_index", "key_sector_class"} <= set(frame.columns)
    co2 = r.extension_frame("co2")
    assert np.allclose(co2.to_numpy(), (np.array([[5.0, 50.0, 1.0]]) / three().x) @ r.L)


def test_multipliers_by_definition():
    t = three()
    r = StaticModel(t, employment=[10.0, 12.0, 30.0]).run()
    L = np.linalg.inv(np.eye(3) - t.coefficients())
    v = t.V.sum(axis=0) / t.x
    e = np.array([10.0, 12.0, 30.0]) / t.x
    assert np.allclose(r.output_multiplier, L.sum(axis=0), rtol=1e-13)
    assert np.allclose(r.value_added_multiplier, v @ L, rtol=1e-13)
    assert np.allclose(r.value_added_multiplier_type_i, (v @ L) / v, rtol=1e-13)
    assert np.allclose(r.employment_multiplier, e @ L, rtol=1e-13)
    assert np.allclose(r.employment_multiplier_type_i, (e @ L) / e, rtol=1e-13)
    G = np.linalg.inv(np.eye(3) - t.Z / t.x[:, None])
    assert np.allclose(r.forward_linkage, G.sum(axis=1), rtol=1e-12)
    assert np.allclose(r.forward_index.mean(), 1.0) and np.allclose(r.backward_index.mean(), 1.0)


def test_unavailable_measures_say_why():
    t = IOTable(Z=[[1.0]], Y=[9.0], x=[10.0], sectors=("only",))
    r = StaticModel(t).run()
    assert isinstance(r.value_added_multiplier, Unavailable) and "value added" in r.value_added_multiplier.reason
    assert isinstance(r.employment_multiplier, Unavailable)
    assert "value_added_multiplier" not in r.to_frame().columns


def test_lu_only_mode_forms_no_inverse():
    s = LeontiefSystem.from_table(three(), backend="cpu")
    r = StaticModel(s, full_inverse=False).run()
    assert r.L is None and not s.has_inverse
    with pytest.raises(ModelError):
        r.matrix("L")


def test_shock_by_sector_code_and_problems():
    t = three()
    r = ShockModel(t, {"man": 10.0}).run()
    L = np.linalg.inv(np.eye(3) - t.coefficients())
    assert np.allclose(r.dx, L[:, 1] * 10.0)
    assert r.multiplier == pytest.approx(L[:, 1].sum())
    assert "output_change" in r.to_frame().columns
    with pytest.raises(ValidationError) as e:
        ShockModel(t, {"nope": 1.0, "srv": "abc"}).run()
    assert e.value.total == 2
    with pytest.raises(ModelError):
        ShockModel(t, {"man": 1.0}, model="keynes")


def test_ghosh_shock_by_definition():
    t = three()
    dv = np.array([0.0, 5.0, 0.0])
    B = t.Z / t.x[:, None]
    G = np.linalg.inv(np.eye(3) - B)
    assert np.allclose(ShockModel(t, dv, model="ghosh").run().dx, dv @ G, rtol=1e-12)


def test_several_scenarios_at_once():
    t = three()
    D = np.eye(3)
    r = ShockModel(t, D).run()
    assert np.allclose(r.dx, np.linalg.inv(np.eye(3) - t.coefficients()))


@pytest.mark.parametrize("kind", ["total", "backward", "forward"])
def test_joint_extraction_of_a_set(kind):
    t = three()
    r = ExtractionModel(t, kind=kind, sectors=["agr", "srv"], together=True).run()
    assert r.x_bar.shape == (3,) and r.total_loss > 0
    assert "output_after_extraction" in r.to_frame().columns
    if kind == "total":
        assert r.x_bar[0] == 0 and r.x_bar[2] == 0
    with pytest.raises(ValidationError):
        ExtractionModel(t, sectors=["zzz"]).run()


def test_backend_selection_without_a_gpu(monkeypatch):
    monkeypatch.setattr(bk, "gpu_library", lambda: None)
    assert bk.resolve("auto") == "cpu"
    assert bk.resolve("cpu") == "cpu"
    with pytest.raises(ModelError, match="gpu"):
        bk.resolve("gpu")
    with pytest.raises(ModelError):
        bk.resolve("tpu")


def test_cpu_inverse_matches_numpy_and_keeps_a_intact():
    rng = np.random.default_rng(3)
    A = rng.random((60, 60)) * 0.01
    A_copy = A.copy()
    L, info = bk.inverse_of_i_minus(np.asfortranarray(A), "cpu")
    assert info.backend == "cpu" and info.rcond > 0.1
    assert np.allclose(L, np.linalg.inv(np.eye(60) - A), rtol=1e-13, atol=1e-15)
    assert L.flags.c_contiguous and np.array_equal(A, A_copy)


def test_symbols_registry():
    assert long_name("L") == "leontief_inverse"
    assert describe("G")["long_name"] == "ghosh_inverse"
    assert len({s.long_name for s in SYMBOLS.values()}) == len(SYMBOLS)
    with pytest.raises(KeyError):
        long_name("nope")


@pytest.mark.parametrize("n", [9, 37, 64])
def test_blocked_inverse_equals_lapack(monkeypatch, n):
    """The block recursion (used from 1,024 sectors on) on small sizes, odd splits included."""
    monkeypatch.setattr(bk, "BLOCKED_MIN_N", 8)
    monkeypatch.setattr(bk, "BLOCK_BASE", 4)
    rng = np.random.default_rng(n)
    A = rng.random((n, n)) * (rng.random((n, n)) < 0.4)
    A *= 0.9 / A.sum(axis=0).max()
    L, info = bk.inverse_of_i_minus(A, "cpu")
    assert info.rcond is None  # the blocked path ran (LAPACK's path reports a condition estimate)
    assert np.allclose(L, np.linalg.inv(np.eye(n) - A), rtol=1e-12, atol=1e-14)


def test_tables_that_are_not_diagonally_dominant_use_lapack(monkeypatch):
    """Block elimination without pivoting is used only where it is stable; here I - A has a zero
    leading entry, so LU with pivoting (and its condition estimate) takes over."""
    monkeypatch.setattr(bk, "BLOCKED_MIN_N", 2)
    monkeypatch.setattr(bk, "BLOCK_BASE", 1)
    A = np.array([[1.0, 0.5, 0.0], [0.0, 0.0, 0.2], [0.3, 0.0, 0.1]])
    L, info = bk.inverse_of_i_minus(A, "cpu")
    assert info.rcond is not None
    assert np.allclose(L, np.linalg.inv(np.eye(3) - A))
