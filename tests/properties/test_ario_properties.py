"""Properties of the ARIO model on random balanced tables (Hypothesis)."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from induscope.core.iomodels.ario import ARIOModel
from induscope.core.iomodels.ario_events import CapacityCut, CapitalRecover, FinalDemandShock
from induscope.core.iomodels.table import IOTable

SETTINGS = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def balanced(R: int, S: int, seed: int, F: int = 2, scale: float = 1.0) -> IOTable:
    rng = np.random.default_rng(seed)
    n = R * S
    A = rng.uniform(0.0, 1.0, (n, n)) * (rng.random((n, n)) < 0.7)
    A[np.arange(n), np.arange(n)] += 0.1
    A *= rng.uniform(0.2, 0.7, n) / A.sum(axis=0)
    y = rng.uniform(10, 200, n)
    x = np.linalg.solve(np.eye(n) - A, y)
    Z = A * x[None, :] * scale
    w = rng.random((n, R * F))
    Y = w / w.sum(axis=1, keepdims=True) * (y * scale)[:, None]
    regions = tuple(f"r{i}" for i in range(R))
    return IOTable(Z=Z, Y=Y, x=Z.sum(axis=1) + Y.sum(axis=1), sectors=tuple(f"s{i}" for i in range(S)),
                   regions=regions, metadata={"final_demand_columns": [[r, f"c{f}"] for r in regions
                                                                       for f in range(F)]})


tables = st.builds(balanced, R=st.integers(1, 3), S=st.integers(2, 4), seed=st.integers(0, 10_000))


@SETTINGS
@given(tables)
def test_without_events_nothing_moves(table):
    model = ARIOModel(table, backend="cpu")
    res = model.run([], steps=30)
    np.testing.assert_allclose(res.production, np.broadcast_to(model.X0, res.production.shape), rtol=1e-11)
    assert np.abs(res.fd_unmet).max() <= 1e-9 * max(model.fd_tot0.max(), 1e-300)
    np.testing.assert_allclose(res.overproduction, 1.0)


@SETTINGS
@given(tables, st.floats(0.05, 0.9), st.integers(0, 100), st.sampled_from(["recover", "cut", "demand"]))
def test_invariants_under_shocks(table, share, pick, kind):
    model = ARIOModel(table, backend="cpu")
    i = pick % model.n
    ind = (table.labels[i],)
    if kind == "recover":
        ev = CapitalRecover(impact=share * model.K[i], industries=ind, occurrence=2, duration=2, recovery_tau=15)
    elif kind == "cut":
        ev = CapacityCut(impact=share, industries=ind, occurrence=2, duration=3, recovery_tau=10)
    else:
        ev = FinalDemandShock(impact=share, industries=ind, occurrence=2, duration=3, recovery_tau=10)
    res = model.run(ev, steps=50)
    done = res.steps if res.crashed_at is None else res.crashed_at
    P, cap, dem = (res.series[k][:done] for k in ("production", "capacity", "demand"))
    tol = 1e-12
    assert (P >= 0).all()
    assert (P <= cap * (1 + tol) + tol).all()
    assert (P <= dem * (1 + tol) + tol).all()
    assert (res.inventories[:done] >= -tol).all()
    assert (res.fd_unmet[:done] >= -1e-9 * model.fd_tot0.max()).all()
    op = res.overproduction[:done]
    assert (op >= 1.0).all() and (op <= model.params.alpha_max + 1e-12).all()
    assert (res.capital_lost[:done] <= model.K * (1 + tol)).all()


@SETTINGS
@given(st.integers(2, 3), st.integers(2, 4), st.integers(0, 10_000), st.floats(0.1, 0.8))
def test_permuting_regions_permutes_the_results(R, S, seed, share):
    t = balanced(R, S, seed)
    perm = np.roll(np.arange(R), 1)                           # region k of the new table = old perm[k]
    idx = (perm[:, None] * S + np.arange(S)[None, :]).reshape(-1)
    F = t.Y.shape[1] // R
    yidx = (perm[:, None] * F + np.arange(F)[None, :]).reshape(-1)
    regions = tuple(t.regions[k] for k in perm)
    tp = IOTable(Z=t.Z[np.ix_(idx, idx)], Y=t.Y[np.ix_(idx, yidx)], x=t.x[idx], sectors=t.sectors,
                 regions=regions, metadata={"final_demand_columns": [[r, f"c{f}"] for r in regions
                                                                     for f in range(F)]})
    ev = CapacityCut(impact=share, industries=((t.regions[0], t.sectors[0]),), occurrence=2, duration=3,
                     recovery_tau=5)
    a = ARIOModel(t, backend="cpu").run(ev, steps=25)
    b = ARIOModel(tp, backend="cpu").run(ev, steps=25)
    np.testing.assert_allclose(b.production, a.production[:, idx], rtol=1e-9)
    np.testing.assert_allclose(b.fd_unmet, a.fd_unmet[:, idx], rtol=1e-9, atol=1e-9 * a.final_demand.max())


@SETTINGS
@given(tables, st.floats(0.1, 0.8), st.sampled_from([1e-3, 7.0, 1e4]))
def test_results_scale_with_the_table(table, share, c):
    """ARIO is homogeneous of degree one in money: a table c times larger gives c times the flows."""
    scaled = IOTable(Z=table.Z * c, Y=table.Y * c, x=table.x * c, sectors=table.sectors, regions=table.regions,
                     metadata=table.metadata)
    ev = CapacityCut(impact=share, industries=(table.labels[0],), occurrence=2, duration=3, recovery_tau=5)
    a = ARIOModel(table, backend="cpu").run(ev, steps=25)
    b = ARIOModel(scaled, backend="cpu").run(ev, steps=25)
    np.testing.assert_allclose(b.production, c * a.production, rtol=1e-9)
    np.testing.assert_allclose(b.inventories, c * a.inventories, rtol=1e-9)
