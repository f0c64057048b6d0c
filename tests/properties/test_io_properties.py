"""Properties of the static input-output models on random productive tables (Hypothesis)."""
from __future__ import annotations

import numpy as np
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import arrays

from induscope.core.iomodels import (ExtractionModel, InoperabilityModel, IOTable, LeontiefSystem,
                                     ShockModel, StaticModel)
from induscope.core.iomodels.extraction import joint

SETTINGS = settings(max_examples=40, deadline=None)
unit = st.one_of(st.just(0.0), st.floats(1e-3, 1.0))  # no subnormals: they overflow on scaling


@st.composite
def tables(draw, min_n: int = 1, max_n: int = 7):
    """A productive table: A with column sums in [0, 0.95), f > 0, x = L f, Z = A x^, V = x - 1'Z."""
    n = draw(st.integers(min_n, max_n))
    raw = draw(arrays(np.float64, (n, n), elements=unit))
    sparsity = draw(arrays(np.bool_, (n, n)))
    raw = np.where(sparsity, 0.0, raw)
    target = draw(arrays(np.float64, n, elements=st.floats(0.0, 0.95, exclude_max=True)))
    cs = raw.sum(axis=0)
    A = np.where(cs > 0, raw * (target / np.where(cs > 0, cs, 1.0)), 0.0)
    f = draw(arrays(np.float64, n, elements=st.floats(0.1, 1000.0)))
    x = np.linalg.solve(np.eye(n) - A, f)
    Z = A * x[None, :]
    V = (x - Z.sum(axis=0))[None, :]
    return IOTable(Z=Z, Y=(x - Z.sum(axis=1))[:, None], x=x, sectors=tuple(f"s{i}" for i in range(n)), V=V)


@SETTINGS
@given(tables())
def test_balance_x_equals_z1_plus_y1(t):
    assert np.allclose(t.row_balance_residual(), 0.0, atol=1e-9 * t.x.max())
    s = LeontiefSystem.from_table(t, backend="cpu")
    assert np.allclose(s.solve(t.Y.sum(axis=1)), t.x, rtol=1e-9)


@SETTINGS
@given(tables())
def test_leontief_inverse_is_the_inverse(t):
    s = LeontiefSystem.from_table(t, backend="cpu")
    I = np.eye(t.n)
    assert np.abs(s.L @ (I - s.A) - I).max() < 1e-10
    assert np.abs((I - s.A) @ s.L - I).max() < 1e-10
    assert s.L.min() >= -1e-12 * np.abs(s.L).max()  # non-negative up to rounding


@SETTINGS
@given(tables())
def test_lu_solves_agree_with_the_inverse(t):
    lu = LeontiefSystem.from_table(t, backend="cpu")
    b = np.arange(1.0, t.n + 1.0)
    full = LeontiefSystem.from_table(t, backend="cpu")
    L = full.L
    assert np.allclose(lu.solve(b), L @ b, rtol=1e-11, atol=1e-12)
    assert np.allclose(lu.solve_transposed(b), L.T @ b, rtol=1e-11, atol=1e-12)
    r1 = StaticModel(t, full_inverse=False, backend="cpu").run()
    r2 = StaticModel(t, full_inverse=True, backend="cpu").run()
    assert np.allclose(r1.output_multiplier, r2.output_multiplier, rtol=1e-11)
    assert np.allclose(r1.forward_linkage, r2.forward_linkage, rtol=1e-11)


@SETTINGS
@given(tables(), st.sampled_from(["leontief", "ghosh"]))
def test_zero_shock_zero_impact(t, model):
    s = LeontiefSystem.from_table(t, backend="cpu")
    assert np.all(ShockModel(s, np.zeros(t.n), model=model).run().dx == 0.0)
    assert np.all(InoperabilityModel(s, c=np.zeros(t.n)).run().q == 0.0)


@SETTINGS
@given(tables(), st.sampled_from(["leontief", "ghosh"]), st.floats(-5, 5), st.floats(-5, 5), st.data())
def test_linearity_in_the_shock(t, model, a, b, data):
    s = LeontiefSystem.from_table(t, backend="cpu")
    d1 = data.draw(arrays(np.float64, t.n, elements=st.floats(-100, 100)))
    d2 = data.draw(arrays(np.float64, t.n, elements=st.floats(-100, 100)))
    dx = lambda d: ShockModel(s, d, model=model).run().dx  # noqa: E731
    lhs = dx(a * d1 + b * d2)
    rhs = a * dx(d1) + b * dx(d2)
    scale = max(1.0, float(np.abs(rhs).max()), float(np.abs(lhs).max()))
    assert np.abs(lhs - rhs).max() <= 1e-9 * scale


@SETTINGS
@given(tables(min_n=2), st.data())
def test_permuting_sectors_permutes_the_results(t, data):
    p = np.array(data.draw(st.permutations(range(t.n))))
    r = StaticModel(t, full_inverse=True, backend="cpu").run()
    rp = StaticModel(t.permute(p), full_inverse=True, backend="cpu").run()
    assert rp.labels == tuple(r.labels[i] for i in p)
    assert np.allclose(rp.L, r.L[np.ix_(p, p)], rtol=1e-10, atol=1e-13)
    for attr in ("output_multiplier", "value_added_multiplier", "backward_index", "forward_index",
                 "forward_linkage"):
        assert np.allclose(getattr(rp, attr), getattr(r, attr)[p], rtol=1e-10), attr
    assert list(rp.key_class) == [r.key_class[i] for i in p]
    e, ep = (ExtractionModel(x, kind="total", backend="cpu").run().loss for x in (t, t.permute(p)))
    assert np.allclose(ep, e[p], rtol=1e-10)


@SETTINGS
@given(tables(min_n=2), st.data())
def test_aggregation_keeps_totals(t, data):
    k = data.draw(st.integers(1, t.n))
    groups = [f"g{data.draw(st.integers(0, k - 1))}" for _ in range(t.n)]
    agg = t.aggregate(dict(zip(t.sectors, groups)))
    for a, b in ((agg.x, t.x), (agg.Z, t.Z), (agg.Y, t.Y), (agg.V, t.V)):
        assert np.isclose(a.sum(), b.sum(), rtol=1e-12)
    assert np.allclose(agg.row_balance_residual(), 0.0, atol=1e-9 * t.x.max())
    assert np.allclose(agg.column_balance_residual(), 0.0, atol=1e-9 * t.x.max())


@SETTINGS
@given(tables(min_n=2), st.sampled_from(["total", "backward", "forward"]))
def test_closed_form_extraction_equals_a_fresh_solve(t, kind):
    s = LeontiefSystem.from_table(t, backend="cpu")
    loss = ExtractionModel(s, kind=kind).run().loss
    for j in range(t.n):
        x_bar = joint(s, [j], kind)
        assert np.isclose(loss[j], t.x.sum() - x_bar.sum(), rtol=1e-8, atol=1e-9 * t.x.sum())
