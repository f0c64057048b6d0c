"""The workspace's firm network as input of the network commands (demo: IO-derived essentiality)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from induscope.errors import InputError, NotFoundError
from induscope.services.network import esri
from induscope.services.network_export import essentiality_from_table, export_network


def test_essentiality_classes_follow_input_shares():
    Z = np.array([[0.0, 30.0, 1.0], [5.0, 0.0, 0.0], [5.0, 70.0, 99.0]])
    E = essentiality_from_table(Z, ["a", "b", "c"], essential_share=0.4)
    # column b buys 30% from a (linear) and 70% from c (essential); column c 99% from c
    assert E.loc["a", "b"] == 1 and E.loc["c", "b"] == 2 and E.loc["b", "b"] == 0
    assert E.loc["c", "c"] == 2 and E.loc["a", "c"] == 1
    assert E.loc["a", "a"] == 0 and E.loc["b", "a"] == 2 and E.loc["c", "a"] == 2
    with pytest.raises(InputError):
        essentiality_from_table(Z, ["a", "b", "c"], essential_share=0.0)


def test_export_then_esri_on_the_demo(demo_workspace, tmp_path):
    summary = export_network(demo_workspace, tmp_path / "net")
    firms = pd.read_csv(tmp_path / "net" / "FIRMS.csv", dtype=str)
    links = pd.read_csv(tmp_path / "net" / "LINKS.csv", dtype={"supplier": str, "customer": str})
    E = pd.read_csv(tmp_path / "net" / "E.csv", dtype={"industry": str}).set_index("industry")
    assert summary["firms"] == len(firms) == demo_workspace.tables()["enterprises"]
    assert len(links) == demo_workspace.tables()["supply_links"]
    assert set(firms["industry"]) <= set(E.index) and list(E.index) == list(E.columns)
    assert summary["essential_pairs"] == int((E.to_numpy() == 2).sum()) > 0
    run = esri(tmp_path / "net" / "LINKS.csv", tmp_path / "net" / "FIRMS.csv", tmp_path / "net" / "E.csv",
               out=tmp_path / "esri.csv", backend="serial")
    out = pd.read_csv(tmp_path / "esri.csv", dtype={"firm": str})
    assert out["firm"].tolist() == firms["firm"].tolist()
    assert out["esri"].between(0, 1).all() and out["esri"].max() > 0
    assert run.result is not None


def test_export_needs_a_firm_network(workspace, tmp_path):
    with pytest.raises(NotFoundError, match="import them first"):
        export_network(workspace, tmp_path / "net")
