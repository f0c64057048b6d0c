"""Scenarios, chokepoints and alternative suppliers on small hand-checkable networks."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.core.network import alternatives, chokepoints, scenarios
from induscope.core.network.esri import GLCascade
from induscope.core.network.network import Essentiality, SupplyNetwork
from induscope.errors import InputError, NotFoundError, ValidationError


def small_net() -> tuple[SupplyNetwork, Essentiality]:
    """S1 (steel, north) is the only steel supplier of M1; S2 (steel, south) and S1 both supply
    M2; M1, M2 (machines) sell to R (retail). Steel is essential for machines."""
    firms = pd.DataFrame({"firm": ["S1", "S2", "M1", "M2", "R"],
                          "industry": ["steel", "steel", "mach", "mach", "retail"],
                          "region": ["north", "south", "north", "south", "south"],
                          "lat": ["40", "30", "40.5", "30.5", "31"], "lon": ["116", "120", "116", "120", "121"]})
    links = pd.DataFrame({"supplier": ["S1", "S1", "S2", "M1", "M2"],
                          "customer": ["M1", "M2", "M2", "R", "R"],
                          "value": [10.0, 4.0, 6.0, 20.0, 20.0]})
    net = SupplyNetwork.from_frames(firms, links)
    codes = ("steel", "mach", "retail")
    E = np.array([[0, 2, 0], [0, 0, 1], [0, 0, 0]])
    return net, Essentiality(codes, E)


def test_scenario_region_lockdown_and_partial_losses():
    net, ess = small_net()
    m = GLCascade(net, ess)
    r = scenarios.run(m, scenarios.Scenario("north", regions={"north": 1.0}))
    h = dict(zip(r.firms["firm"], r.firms["h"]))
    assert h["S1"] == 0 and h["M1"] == 0  # locked down
    assert h["M2"] == pytest.approx(0.6)  # lost 40% of its essential steel
    by_reg = r.by_region.set_index("region")
    assert by_reg.loc["north", "loss_share"] == pytest.approx(1.0)
    assert r.extent["step"].tolist() == list(range(1, r.iterations + 1))
    assert r.loss_share == pytest.approx(r.cascade.losses()[0])
    # partial loss of one firm, industry rule and max over overlapping rules
    r2 = scenarios.run(m, scenarios.Scenario(firms={"S2": 0.5}, industries={"steel": 0.2}))
    psi = dict(zip(r2.firms["firm"], r2.firms["psi"]))
    assert psi["S2"] == 0.5 and psi["S1"] == 0.2
    with pytest.raises(NotFoundError):
        scenarios.run(m, scenarios.Scenario(regions={"west": 1.0}))
    with pytest.raises(InputError):
        scenarios.run(m, scenarios.Scenario(firms={"S1": 2.0}))
    with pytest.raises(InputError):
        scenarios.run(m, scenarios.Scenario())


def test_sole_essential_suppliers_and_hhi():
    net, ess = small_net()
    links, sups = chokepoints.sole_essential_suppliers(net, ess)
    assert links[["supplier", "customer"]].values.tolist() == [["S1", "M1"]]
    assert sups.iloc[0]["supplier"] == "S1" and sups.iloc[0]["dependent_customers"] == 1
    conc = chokepoints.supplier_concentration(net, ess).set_index(["customer", "input_industry"])
    assert conc.loc[("M2", "steel"), "hhi"] == pytest.approx(0.4 ** 2 + 0.6 ** 2)
    assert conc.loc[("M2", "steel"), "top_supplier"] == "S2"
    assert conc.loc[("M1", "steel"), "input_class"] == "essential"
    assert conc.loc[("R", "mach"), "input_class"] == "linear"
    ind = chokepoints.industry_concentration(net).set_index("industry")
    assert ind.loc["steel", "hhi"] == pytest.approx(0.7 ** 2 + 0.3 ** 2)
    assert ind.loc["mach", "hhi"] == pytest.approx(0.5)


def test_eu_strategic_dependency_test():
    trade = pd.DataFrame({"product": ["p", "p", "p", "q", "q", "r"],
                          "partner": ["US", "DE", "JP", "FR", "US", "US"],
                          "imports": [90, 5, 5, 10, 10, 3], "exports": [10, 0, 0, 30, 0, 0]})
    t = chokepoints.strategic_dependencies(trade, inside=["DE", "FR"]).set_index("product")
    assert t.loc["p", "hhi_outside"] == pytest.approx((90 / 95) ** 2 + (5 / 95) ** 2)
    assert t.loc["p", "outside_share"] == pytest.approx(0.95)
    assert t.loc["p", "import_export_ratio"] == pytest.approx(9.5)
    assert bool(t.loc["p", "dependent"])
    assert not bool(t.loc["q", "dependent"])  # share from outside exactly 0.5 is not > 0.5
    assert bool(t.loc["r", "no_exports"]) and np.isnan(t.loc["r", "import_export_ratio"])
    assert bool(t.loc["r", "dependent"])
    bad = trade.assign(imports=["x", 5, 5, 10, 10, -3])
    with pytest.raises(ValidationError) as e:
        chokepoints.strategic_dependencies(bad)
    assert e.value.total == 2


def test_hidden_critical_firms():
    net, ess = small_net()
    esri = GLCascade(net, ess).esri().esri
    h = chokepoints.hidden_critical(net, esri, esri_quantile=0.5, size_quantile=0.5)
    assert (h["size"] <= np.quantile(net.s_out, 0.5)).all()
    assert (h["esri"] >= np.quantile(esri, 0.5)).all()
    assert "S2" in set(h["firm"]) or "S1" in set(h["firm"])
    rep = chokepoints.report(net, ess, esri=esri)
    assert rep.to_dict(top=2)["sole_essential_links"] == 1


def test_alternatives_rank_and_esri_drop():
    net, ess = small_net()
    m = GLCascade(net, ess)
    a = alternatives.find(m, "S1", spare_share=1.0)
    assert a.lost_input == pytest.approx(14.0)
    assert a.basis == "industry"
    c = a.candidates.iloc[0]
    assert c["firm"] == "S2"
    assert c["existing_customers"] == 1  # S2 already supplies M2
    assert c["coverage"] == pytest.approx(6.0 / 14.0)  # spare = 100% of its sales (6)
    assert "already supplies 1 of the 2" in c["explanation"]
    assert "km" in c["explanation"]
    # adding S2 as a supplier of M1 makes S1's failure less harmful
    assert a.esri_before > 0 and c["esri_after"] < a.esri_before
    assert c["esri_drop"] == pytest.approx(a.esri_before - c["esri_after"])
    only = alternatives.find(m, "S1", customer="M2")
    assert only.lost_input == pytest.approx(4.0)
    with pytest.raises(InputError):
        alternatives.find(m, "S2", customer="M1")
    with pytest.raises(InputError):
        alternatives.find(m, "R")  # sells nothing


def test_supply_network_validation_and_accessors():
    firms = pd.DataFrame({"firm": ["a", "b", "", "c"], "industry": ["x", "", "x", "x"],
                          "revenue": ["1", "-2", "abc", ""]})
    links = pd.DataFrame({"supplier": ["a", "a", "q"], "customer": ["b", "b", "a"], "value": ["1", "2", ""]})
    with pytest.raises(ValidationError) as e:
        SupplyNetwork.from_frames(firms, links, firms_source="F.csv", links_source="L.csv")
    got = {(p.source, p.row, p.column) for p in e.value.problems}
    assert {("F.csv", 3, "industry"), ("F.csv", 4, "firm"), ("F.csv", 3, "revenue"),
            ("F.csv", 4, "revenue"), ("L.csv", 4, "supplier"), ("L.csv", 4, "value")} <= got
    ok = SupplyNetwork.from_frames(pd.DataFrame({"firm": ["a", "b"], "industry": ["x", "y"]}),
                                   pd.DataFrame({"supplier": ["a", "a", "b"], "customer": ["b", "b", "a"],
                                                 "value": [1.0, 2.0, 0.0]}))
    assert ok.m == 1 and ok.W[0] == 3.0  # repeated rows added up, zero links dropped
    assert ok.s_out.tolist() == [3.0, 0.0] and ok.s_in.tolist() == [0.0, 3.0]
    assert ok.links_frame().values.tolist() == [["a", "b", 3.0]]
    with pytest.raises(NotFoundError):
        ok.indices(["zz"])
    with pytest.raises(ValidationError):
        SupplyNetwork.from_frames(pd.DataFrame({"firm": ["a"]}), pd.DataFrame({"supplier": []}))
