"""Our ARIO against BoARIO 0.7.2 (the reference implementation) on pymrio's test MRIO.

Per-step production and unmet final demand (both of BoARIO's layouts) must agree to 1e-6 relative
over 365 steps, for every event type and the default parameters, and for non-default options.
Relative: production to each industry's baseline production; unmet final demand to the final demand
it belongs to (in the steady state BoARIO's unmet demand is rounding noise, ~1e-10, which no
relative-to-itself test can compare).
"""
from __future__ import annotations

import logging
import warnings

import numpy as np
import pandas as pd
import pytest

pymrio = pytest.importorskip("pymrio")
pytest.importorskip("boario")

from induscope.core.iomodels.ario import ARIOModel  # noqa: E402
from induscope.core.iomodels.ario_events import CapacityCut, CapitalRebuild, CapitalRecover  # noqa: E402
from induscope.core.iomodels.table import IOTable  # noqa: E402

STEPS = 365
RTOL = 1e-6
REBUILDING = {"construction": 0.7, "manufactoring": 0.3}


@pytest.fixture(scope="module")
def mrio():
    return pymrio.load_test().calc_all()


@pytest.fixture(scope="module")
def table(mrio):
    return IOTable(Z=mrio.Z.to_numpy(), Y=mrio.Y.to_numpy(), x=mrio.x.to_numpy()[:, 0],
                   sectors=tuple(map(str, mrio.get_sectors())), regions=tuple(map(str, mrio.get_regions())),
                   unit="USD million", metadata={"final_demand_columns": [list(c) for c in mrio.Y.columns]})


def run_boario(mrio, tmp_path, events, model_kw=None):
    """BoARIO's simulation (files and logs into tmp_path, silenced)."""
    from boario.extended_models import ARIOPsiModel
    from boario.simulation import Simulation

    logger = logging.getLogger("boario")
    logger.setLevel(logging.CRITICAL)
    before = list(logger.handlers)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ARIOPsiModel(mrio, **(model_kw or {}))
        sim = Simulation(model, n_temporal_units_to_sim=STEPS, boario_output_dir=tmp_path)
        for ev in events:
            sim.add_event(ev)
        sim.loop()
    for h in logger.handlers:
        if h not in before:
            logger.removeHandler(h)
            h.close()
    return sim


def boario_event(kind, region, sector, impact, **kw):
    import boario.event as bev

    common = dict(affected_regions=[region], affected_sectors=[sector], impact_regional_distrib="equal",
                  impact_sectoral_distrib="equal", occurrence=kw.pop("occurrence", 5),
                  duration=kw.pop("duration", 3))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if kind == "recovery":
            return bev.from_scalar_regions_sectors(impact=impact, event_type="recovery",
                                                   event_monetary_factor=10 ** 6, **common, **kw)
        if kind == "rebuild":
            return bev.from_scalar_regions_sectors(impact=impact, event_type="rebuild",
                                                   event_monetary_factor=10 ** 6, **common, **kw)
        return bev.from_scalar_regions_sectors(impact=impact, event_type="arbitrary", **common, **kw)


def assert_close(name, ours, theirs, scale, labels):
    """|ours - theirs| <= RTOL x scale (per industry), naming the worst cell when it fails."""
    assert ours.shape == theirs.shape, name
    assert not np.isnan(ours).any() and not np.isnan(theirs).any(), name
    rel = np.abs(ours - theirs) / np.broadcast_to(scale[None, :], ours.shape)
    t, i = np.unravel_index(np.argmax(rel), rel.shape)
    assert rel.max() <= RTOL, f"{name}: {rel.max():.3g} relative at step {t}, {labels[i]}"


def compare(model, result, sim):
    cols = pd.MultiIndex.from_tuples(result.labels)
    assert not sim.has_crashed and result.crashed_at is None

    def theirs(df):
        return df.reindex(columns=cols).to_numpy()

    lab = result.labels
    assert_close("production", result.production, theirs(sim.production_realised), model.X0, lab)
    # unmet final demand by supplier industry (BoARIO's final_demand_undist)
    assert_close("unmet final demand", result.fd_unmet, theirs(sim.final_demand_undist), model.fd_tot0, lab)
    # by buyer region x product (BoARIO's final_demand_unmet)
    R, S = model.R, model.S
    onehot = np.eye(R)[model.fd_regions]
    scale = (model.Y0 @ onehot).reshape(R, S, R).sum(axis=0).T.reshape(-1)
    assert_close("unmet final demand by buyer", result.fd_unmet_by_buyer, theirs(sim.final_demand_unmet),
                 scale, lab)
    # the shock did something (the comparison is not between two steady states)
    assert (np.abs(result.production / model.X0 - 1) > 1e-3).any()


def test_capital_recover_default(mrio, table, tmp_path):
    sim = run_boario(mrio, tmp_path, [boario_event("recovery", "reg1", "manufactoring", 3e8, recovery_tau=30)])
    model = ARIOModel(table, backend="cpu")
    res = model.run(CapitalRecover(impact=3e8, regions="reg1", sectors="manufactoring", occurrence=5,
                                   duration=3, recovery_tau=30), steps=STEPS)
    compare(model, res, sim)
    assert res.fd_unmet.sum() > 0


def test_capital_rebuild_default(mrio, table, tmp_path):
    sim = run_boario(mrio, tmp_path, [boario_event("rebuild", "reg1", "manufactoring", 3e8, rebuild_tau=60,
                                                   rebuilding_sectors=REBUILDING)])
    model = ARIOModel(table, backend="cpu")
    res = model.run(CapitalRebuild(impact=3e8, regions="reg1", sectors="manufactoring", occurrence=5,
                                   duration=3, rebuild_tau=60, rebuilding_sectors=REBUILDING), steps=STEPS)
    compare(model, res, sim)
    cols = pd.MultiIndex.from_tuples(res.labels)
    reb = sim.rebuild_demand.reindex(columns=cols).to_numpy()
    np.testing.assert_allclose(res.rebuild_demand, reb, rtol=1e-9, atol=1e-6)
    assert res.rebuild_demand.sum() > 0


def test_capacity_cut_default(mrio, table, tmp_path):
    sim = run_boario(mrio, tmp_path, [boario_event("arbitrary", "reg1", "manufactoring", 0.3, recovery_tau=30)])
    model = ARIOModel(table, backend="cpu")
    res = model.run(CapacityCut(impact=0.3, regions="reg1", sectors="manufactoring", occurrence=5,
                                duration=3, recovery_tau=30), steps=STEPS)
    compare(model, res, sim)


def test_noalt_convexe_and_parameters(mrio, table, tmp_path):
    kw = dict(order_type="noalt", alpha_max=1.1, alpha_tau=100, psi_param=0.9, main_inv_dur=60,
              inventory_restoration_tau=30)
    sim = run_boario(mrio, tmp_path, [boario_event("recovery", "reg2", "trade", 2e8, recovery_tau=40,
                                                   recovery_function="convexe")], model_kw=kw)
    model = ARIOModel(table, backend="cpu", order_type="noalt", alpha_max=1.1, alpha_tau=100, psi=0.9,
                      main_inv_dur=60, inventory_restoration_tau=30)
    res = model.run(CapitalRecover(impact=2e8, regions="reg2", sectors="trade", occurrence=5, duration=3,
                                   recovery_tau=40, recovery_function="convexe"), steps=STEPS)
    compare(model, res, sim)


def test_infinite_inventories_concave_and_per_sector_settings(mrio, table, tmp_path):
    sectors = sorted(table.sectors)
    inv = {s: (np.inf if s in ("electricity", "other") else 45) for s in sectors}
    inv_b = {s: ("inf" if v == np.inf else v) for s, v in inv.items()}
    restore = {s: 20 + 5 * i for i, s in enumerate(sectors)}
    kratio = {s: 2.0 + 0.5 * i for i, s in enumerate(sectors)}
    kw = dict(inventory_dict=inv_b, inventory_restoration_tau=restore, productive_capital_to_VA_dict=kratio)
    sim = run_boario(mrio, tmp_path, [boario_event("recovery", "reg3", "manufactoring", 4e8, recovery_tau=50,
                                                   recovery_function="concave")], model_kw=kw)
    model = ARIOModel(table, backend="cpu", inventory_duration=inv_b, inventory_restoration_tau=restore,
                      capital_to_value_added=kratio)
    res = model.run(CapitalRecover(impact=4e8, regions="reg3", sectors="manufactoring", occurrence=5,
                                   duration=3, recovery_tau=50, recovery_function="concave"), steps=STEPS)
    compare(model, res, sim)


def test_two_capital_events(mrio, table, tmp_path):
    evs = [boario_event("recovery", "reg1", "manufactoring", 2e8, recovery_tau=30),
           boario_event("rebuild", "reg4", "transport", 1e8, rebuild_tau=90, occurrence=20, duration=5,
                        rebuilding_sectors=REBUILDING)]
    sim = run_boario(mrio, tmp_path, evs)
    model = ARIOModel(table, backend="cpu")
    res = model.run([CapitalRecover(impact=2e8, regions="reg1", sectors="manufactoring", occurrence=5,
                                    duration=3, recovery_tau=30),
                     CapitalRebuild(impact=1e8, regions="reg4", sectors="transport", occurrence=20,
                                    duration=5, rebuild_tau=90, rebuilding_sectors=REBUILDING)], steps=STEPS)
    compare(model, res, sim)
