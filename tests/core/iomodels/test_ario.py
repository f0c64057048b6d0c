"""ARIO model: steady state, code paths that must agree, events, results, bad input."""
from __future__ import annotations

import json
import pickle
import warnings

import numpy as np
import pytest

from induscope.core.iomodels.ario import ARIOModel, ARIOParams, productive_capital
from induscope.core.iomodels.ario_events import (ARIOScenario, CapacityCut, CapitalRebuild, CapitalRecover,
                                                 FinalDemandShock, each_industry, event_from_dict,
                                                 impact_vector)
from induscope.core.iomodels.ario_recovery import RECOVERY_FUNCTIONS, recovery_function
from induscope.core.iomodels.table import IOTable
from induscope.errors import InduscopeWarning, InputError, ModelError, Unavailable


def small_mrio(R=3, S=4, F=2, seed=1, density=1.0) -> IOTable:
    """A balanced random MRIO (x = Z 1 + Y 1, value added > 0)."""
    rng = np.random.default_rng(seed)
    n = R * S
    A = rng.uniform(0.0, 1.0, (n, n)) * (rng.random((n, n)) < density)
    A[np.arange(n), np.arange(n)] += 0.2
    A *= rng.uniform(0.3, 0.6, n) / A.sum(axis=0)
    y = rng.uniform(50, 150, n)
    x = np.linalg.solve(np.eye(n) - A, y)
    Z = A * x[None, :]
    w = rng.random((n, R * F))
    Y = w / w.sum(axis=1, keepdims=True) * y[:, None]
    regions = tuple(f"r{i}" for i in range(R))
    cols = [[r, f"fd{f}"] for r in regions for f in range(F)]
    return IOTable(Z=Z, Y=Y, x=Z.sum(axis=1) + Y.sum(axis=1), sectors=tuple(f"s{i}" for i in range(S)),
                   regions=regions, unit="USD million", metadata={"final_demand_columns": cols})


@pytest.fixture(scope="module")
def table() -> IOTable:
    return small_mrio()


def test_no_event_is_a_steady_state(table):
    model = ARIOModel(table, backend="cpu")
    res = model.run([], steps=120)
    np.testing.assert_allclose(res.production, np.broadcast_to(model.X0, res.production.shape), rtol=1e-12)
    np.testing.assert_allclose(res.capacity, np.broadcast_to(model.X0, res.production.shape), rtol=1e-12)
    np.testing.assert_allclose(res.inventories, np.broadcast_to(res.inventories[0], res.inventories.shape),
                               rtol=1e-12)
    assert np.abs(res.fd_unmet).max() <= 1e-9 * model.fd_tot0.max()
    assert res.total_output_loss == pytest.approx(0.0, abs=1e-9 * model.X0.sum())
    assert isinstance(res.recovery_time(), Unavailable)


def test_recover_event_loses_output_and_recovers(table):
    model = ARIOModel(table, backend="cpu")
    K = model.K
    ev = CapitalRecover(impact=0.3 * K[0], industries=(("r0", "s0"),), occurrence=3, duration=2,
                        recovery_tau=20)
    res = model.run(ev, steps=200)
    assert res.production[3:, 0].min() < 0.9 * model.X0[0]
    assert res.total_output_loss > 0
    assert res.capital_lost[3, 0] == pytest.approx(0.3 * K[0])
    assert res.capital_lost[-1].max() == 0.0                           # linear recovery is complete
    rt = res.recovery_time()
    assert isinstance(rt, int) and 0 < rt < 150
    assert res.peak_step is not None and res.peak_step >= 3
    np.testing.assert_array_less(res.production, res.capacity * (1 + 1e-12) + 1e-12)


@pytest.mark.parametrize("ev", [
    CapitalRecover(impact=50.0, regions=("r1",), sectors=("s2", "s3"), occurrence=2, recovery_tau=15),
    CapitalRebuild(impact=50.0, regions=("r1",), sectors=("s2",), occurrence=2, duration=3,
                   rebuilding_sectors={"s0": 0.6, "s1": 0.4}, rebuild_tau=30),
    CapacityCut(impact=0.4, regions=("r2",), sectors=("s1",), occurrence=2, duration=4, recovery_tau=10),
    FinalDemandShock(impact=0.5, sectors=("s3",), occurrence=2, duration=5, recovery_tau=10),
], ids=["recover", "rebuild", "cut", "final-demand"])
def test_code_paths_agree(table, ev):
    """The tuned CPU path, the GPU code path (run on numpy) and sparse storage give the same run.

    To rounding while the shock plays out; later, as the economy settles, BoARIO's discontinuous
    rules (overproduction decays only where scarcity == 0 exactly; inventories are restored only
    outside numpy.allclose of their target) may switch a step apart on rounding noise, which moves
    a trajectory by at most (alpha - 1) / alpha_tau per switch: hence the looser bound after.
    """
    runs = {}
    for name, kw in {"cpu": dict(backend="cpu"), "generic": dict(backend="generic"),
                     "sparse": dict(backend="cpu", storage="sparse")}.items():
        model = ARIOModel(table, **kw)
        runs[name] = model.run(ev, steps=80)
    ref = runs["cpu"]
    assert (np.abs(ref.production / ref.x0 - 1) > 1e-4).any()
    for name in ("generic", "sparse"):
        for s in ("production", "fd_unmet", "inventories", "rebuild_demand", "overproduction"):
            # each series against its natural scale (unmet demand: the final demand it belongs to)
            natural = {"fd_unmet": ref.series["final_demand"], "rebuild_demand": ref.series["production"]}
            scale = float(np.abs(natural.get(s, ref.series[s])).max())
            np.testing.assert_allclose(runs[name].series[s][:40], ref.series[s][:40], rtol=1e-10,
                                       atol=1e-10 * scale, err_msg=f"{name} {s}")
            np.testing.assert_allclose(runs[name].series[s], ref.series[s], rtol=1e-5,
                                       atol=1e-5 * scale, err_msg=f"{name} {s}")


def test_rebuild_event_creates_and_serves_reconstruction_demand(table):
    model = ARIOModel(table, backend="cpu")
    ev = CapitalRebuild(impact=40.0, regions=("r0",), sectors=("s1",), occurrence=2, duration=2,
                        rebuilding_sectors={"s3": 1.0}, rebuild_tau=20)
    res = model.run(ev, steps=150)
    rebuilders = [i for i, (r, s) in enumerate(res.labels) if s == "s3"]
    others = [i for i in range(res.n) if i not in rebuilders]
    assert res.rebuild_demand[:4].sum() == 0                             # before the duration is over
    assert res.rebuild_demand[4, rebuilders].sum() > 0
    assert res.rebuild_demand[:, others].sum() == 0
    assert res.rebuild_production[:, rebuilders].sum() > 0
    assert res.capital_lost[-1, 1] < 0.5 * res.capital_lost[4, 1]        # rebuilt over time


def test_capacity_cut_timing_is_boarios(table):
    """BoARIO applies an arbitrary capacity cut one step after the event starts (kept for agreement)."""
    model = ARIOModel(table, backend="cpu")
    res = model.run(CapacityCut(impact=0.5, industries=(("r0", "s0"),), occurrence=4, duration=2), steps=20)
    base = model.X0[0]
    assert res.capacity[4, 0] == pytest.approx(base)
    assert res.capacity[5, 0] == pytest.approx(0.5 * base)


def test_final_demand_shock_by_buyer_region(table):
    model = ARIOModel(table, backend="cpu")
    res = model.run(FinalDemandShock(impact=0.6, sectors=("s0",), buyer_regions=("r1",), occurrence=3,
                                     duration=5, recovery_tau=5), steps=60)
    hit = [i for i, (r, s) in enumerate(res.labels) if s == "s0"]
    fd_r1 = model.Y0[:, model.fd_regions == 1].sum(axis=1)
    np.testing.assert_allclose(res.final_demand[3, hit], (model.fd_tot0 - 0.6 * fd_r1)[hit], rtol=1e-12)
    assert res.final_demand[3, [i for i in range(res.n) if i not in hit]] == pytest.approx(
        model.fd_tot0[[i for i in range(res.n) if i not in hit]])
    assert (res.production[4, hit] < model.X0[hit]).all()
    np.testing.assert_allclose(res.final_demand[-1], model.fd_tot0, rtol=1e-12)   # recovered


def test_single_region_table():
    t = small_mrio(R=1, S=5, F=3, seed=3)
    model = ARIOModel(t, backend="cpu")
    res = model.run(CapitalRecover(impact=30.0, sectors=("s2",), occurrence=2, recovery_tau=10), steps=40)
    assert res.production.shape == (40, 5)
    assert "fd_unmet_by_buyer" in res.series
    np.testing.assert_allclose(res.fd_unmet_by_buyer, res.fd_unmet, rtol=1e-12, atol=1e-12)


def test_competitive_imports_are_split_off_and_steady():
    t = small_mrio(R=1, S=4, seed=5)
    m = 0.1 * (t.Z.sum(axis=1) + t.Y.sum(axis=1))
    comp = IOTable(Z=t.Z, Y=t.Y, x=t.x - m, m=m, sectors=t.sectors, regions=t.regions, unit=t.unit)
    model = ARIOModel(comp, backend="cpu")
    assert model.info["imports"] == "domestic share"
    res = model.run([], steps=30)
    np.testing.assert_allclose(res.production, np.broadcast_to(model.X0, res.production.shape), rtol=1e-12)


def test_unbalanced_table_warns():
    t = small_mrio(R=1, S=3)
    bad = IOTable(Z=t.Z, Y=t.Y, x=t.x * 1.1, sectors=t.sectors, regions=t.regions)
    with pytest.warns(InduscopeWarning, match="does not balance"):
        ARIOModel(bad, backend="cpu")


def test_negative_flows_are_refused():
    t = small_mrio(R=1, S=3)
    Z = t.Z.copy()
    Z[0, 1] = -1.0
    with pytest.raises(ModelError, match="Z must be >= 0"):
        ARIOModel(IOTable(Z=Z, Y=t.Y, x=t.x, sectors=t.sectors, regions=t.regions), backend="cpu")


def test_bad_events_are_reported(table):
    model = ARIOModel(table, backend="cpu")
    with pytest.raises(InputError) as e:
        model.run(CapitalRecover(impact=1.0, regions=("nowhere",), sectors=("s0", "nothing")), steps=10)
    assert "nowhere" in str(e.value) and "nothing" in str(e.value)
    with pytest.raises(InputError, match="beyond"):
        model.run(CapitalRecover(impact=1.0, regions=("r0",), occurrence=9, duration=3), steps=10)
    with pytest.raises(InputError, match="above 1"):
        model.run(CapacityCut(impact=1.5, regions=("r0",)), steps=10)
    with pytest.raises(ModelError, match="exceeds the productive capital"):
        model.run(CapitalRecover(impact=1e12, industries=(("r0", "s0"),)), steps=10)
    with pytest.raises(InputError, match="sum to 1"):
        CapitalRebuild(impact=1.0, rebuilding_sectors={"s0": 0.5})
    with pytest.raises(InputError, match="occurrence"):
        CapitalRecover(impact=1.0, occurrence=0)
    with pytest.raises(InputError, match="recovery function"):
        CapitalRecover(impact=1.0, recovery_function="sideways")
    with pytest.raises(InputError, match="psi"):
        ARIOParams(psi=1.5)
    with pytest.raises(InputError, match="order_type"):
        ARIOParams(order_type="both")


def test_impact_distribution_like_boario():
    regions, sectors = ("a", "b"), ("x", "y", "z")
    ev = CapitalRecover(impact=12.0, regions=("a", "b"), sectors=("x", "z"))
    v = impact_vector(ev, regions, sectors)
    np.testing.assert_allclose(v, [3, 0, 3, 3, 0, 3])
    each = CapacityCut(impact=0.2, regions=("b",), sectors=("y",))
    np.testing.assert_allclose(impact_vector(each, regions, sectors), [0, 0, 0, 0, 0.2, 0])
    mapping = CapitalRecover(impact={("a", "y"): 5.0})
    np.testing.assert_allclose(impact_vector(mapping, regions, sectors), [0, 5, 0, 0, 0, 0])


def test_events_round_trip_through_dicts():
    evs = [CapitalRecover(impact=3.0, regions=("a",), recovery_function="concave"),
           CapitalRebuild(impact={("a", "x"): 2.0}, rebuilding_sectors={"x": 1.0}, rebuild_tau=9),
           CapacityCut(impact=0.1, industries=(("a", "x"),)),
           FinalDemandShock(impact=0.3, sectors=("x",), buyer_regions=("a",))]
    for ev in evs:
        d = json.loads(json.dumps(ev.to_dict()))
        assert event_from_dict(d) == ev


def test_recovery_functions_start_full_and_decline():
    init = np.array([0.0, 10.0])
    for name in RECOVERY_FUNCTIONS:
        f = recovery_function(name)
        np.testing.assert_allclose(f(0, init, 30), init)
        assert f(20, init, 30)[1] < 10.0 and f(20, init, 30)[0] == 0.0
    assert recovery_function("linear")(30, init, 30)[1] == 0.0


def test_result_is_immutable_and_exports(table):
    model = ARIOModel(table, backend="cpu")
    res = model.run(CapitalRecover(impact=20.0, regions=("r0",), occurrence=2), steps=15)
    with pytest.raises(ValueError):
        res.production[0, 0] = 1.0
    long = res.to_frame()
    assert long.shape == (15 * res.n, len(res.series))
    assert list(long.index.names) == ["step", "region", "sector"]
    wide = res.to_frame("production")
    assert wide.shape == (15, res.n)
    d = res.to_dict(full=True)
    json.dumps(d)
    assert d["summary"]["total_output_loss"] == pytest.approx(res.total_output_loss)
    assert set(res.summary()) >= {"total_output_loss", "peak_loss", "recovery_time"}
    assert res.region_output_loss().index.tolist() == list(table.regions)
    with pytest.raises(InputError):
        res.to_frame("nonsense")


def test_model_pickles_and_reruns_identically(table):
    model = ARIOModel(table, backend="cpu")
    ev = CapitalRecover(impact=20.0, regions=("r0",), occurrence=2)
    a = model.run(ev, steps=30)
    b = pickle.loads(pickle.dumps(model)).run(ev, steps=30)
    c = model.run(ev, steps=30)   # a second run on the same model starts from the same state
    np.testing.assert_array_equal(a.production, b.production)
    np.testing.assert_array_equal(a.production, c.production)


def test_stocks_recorded_on_request(table):
    model = ARIOModel(table, backend="cpu")
    res = model.run([], steps=5, record_stocks=True, series=("production",))
    assert res.stocks.shape == (5, len(table.sectors), res.n)
    assert set(res.series) == {"production"}


def test_infinite_inventory_sector(table):
    model = ARIOModel(table, backend="cpu", infinite_inventories_sectors=("s0",))
    gen = ARIOModel(table, backend="generic", infinite_inventories_sectors=("s0",))
    ev = CapitalRecover(impact=40.0, regions=("r0",), sectors=("s0", "s1"), occurrence=2)
    a, b = model.run(ev, steps=40), gen.run(ev, steps=40)
    np.testing.assert_allclose(a.production, b.production, rtol=1e-10)
    assert np.isfinite(a.inventories).all()


def test_productive_capital_matches_model(table):
    model = ARIOModel(table, backend="cpu", capital_to_value_added=3.0)
    np.testing.assert_allclose(productive_capital(table, ARIOParams(capital_to_value_added=3.0)), model.K)


def test_each_industry_scenarios():
    sc = each_industry("capacity_cut", 0.2, ["a", "b"], ["x"], occurrence=3)
    assert [s.name for s in sc] == ["a/x", "b/x"]
    assert isinstance(sc[0], ARIOScenario) and sc[0].events[0].industries == (("a", "x"),)


def test_small_inventories_are_raised_to_two_steps(table):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        model = ARIOModel(table, backend="cpu", main_inv_dur=1)
    assert any("set to 2" in str(x.message) for x in w)
    assert (model.inv_duration == 2).all()


def test_buyer_regions_from_labels_or_unknown(table):
    labels = tuple(f"{r}/{c}" for r, c in table.metadata["final_demand_columns"])
    by_label = IOTable(Z=table.Z, Y=table.Y, x=table.x, sectors=table.sectors, regions=table.regions,
                       final_demand_labels=labels)
    np.testing.assert_array_equal(ARIOModel(by_label, backend="cpu").fd_regions,
                                  ARIOModel(table, backend="cpu").fd_regions)
    unknown = IOTable(Z=table.Z, Y=table.Y, x=table.x, sectors=table.sectors, regions=table.regions)
    model = ARIOModel(unknown, backend="cpu")
    assert model.fd_regions is None
    assert "fd_unmet_by_buyer" not in model.run([], steps=3).series
    with pytest.raises(InputError, match="buyer region"):
        model.run(FinalDemandShock(impact=0.1, buyer_regions=("r0",)), steps=3)
