"""ESRI against the golden outputs of the reference implementation (GLcascade/fastcascade 0.9.3.1).

Every file in ../shared/data/esri/reference_outputs/ is either an input of the package's built-in
example or an output; every output must match to 1e-10, iteration counts included, with every
engine and both step modes (push / pull).
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from induscope.core.network._kernels import HAVE_NUMBA
from induscope.core.network.esri import GLCascade
from induscope.core.network.network import Essentiality, SupplyNetwork

REF = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "esri"
OUT_DIR = REF / "reference_outputs"
PATTERN = re.compile(r"^(?P<net>.+)__(?P<ess>[^_]+)__(?P<market>market|nomarket)__eps(?P<eps>[0-9.eE-]+)\.csv$")
EXAMPLE = re.compile(r"^example_data_eps(?P<eps>[0-9.eE-]+)(?:_\w+)?\.csv$")
EXAMPLE_INPUTS = {"example_data_W.csv", "example_data_p.csv", "example_data_ess_mat_sec.csv",
                  "random_ess_mat_4x4_seed7.csv"}
ENGINES = ["numpy"] + (["numba"] if HAVE_NUMBA else [])


def output_files() -> list[str]:
    return sorted(p.name for p in OUT_DIR.glob("*.csv") if p.name not in EXAMPLE_INPUTS)


def essentiality(name: str) -> Essentiality:
    codes = ("1", "2", "3", "4")
    if name == "lin":
        return Essentiality.uniform(codes, 1)
    if name == "mix24":
        E = np.ones((4, 4), dtype=int)
        E[1, 3] = 2  # industry 2 is essential for customers in industry 4
        return Essentiality(codes, E)
    if name == "rnd7":
        return Essentiality.from_frame(pd.read_csv(OUT_DIR / "random_ess_mat_4x4_seed7.csv", dtype=str),
                                       source="random_ess_mat_4x4_seed7.csv")
    raise AssertionError(f"unknown essentiality configuration {name!r}")


def case(name: str) -> tuple[SupplyNetwork, Essentiality, bool, float]:
    """(network, E, market, eps) of one reference output file, parsed from its name."""
    m = PATTERN.match(name)
    if m:
        W = pd.read_csv(REF / f"{m['net']}.csv").to_numpy(dtype=float)
        ind = pd.read_csv(REF / "industry_vector.csv", dtype=str)["industry_id"].to_numpy()
        return (SupplyNetwork.from_dense(W, ind), essentiality(m["ess"]), m["market"] == "market",
                float(m["eps"]))
    m = EXAMPLE.match(name)
    if m:
        W = pd.read_csv(OUT_DIR / "example_data_W.csv").to_numpy(dtype=float)
        p = pd.read_csv(OUT_DIR / "example_data_p.csv", dtype=str)["p"].to_numpy()
        E = Essentiality.from_frame(pd.read_csv(OUT_DIR / "example_data_ess_mat_sec.csv", dtype=str))
        return SupplyNetwork.from_dense(W, p), E, False, float(m["eps"])
    raise AssertionError(f"reference output {name} does not follow NETWORK__ESS__MARKET__epsEPS.csv")


def test_every_file_is_covered():
    files = output_files()
    assert len(files) >= 14
    for name in files:
        assert PATTERN.match(name) or EXAMPLE.match(name), name


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", output_files())
def test_matches_reference(name, engine):
    net, E, market, eps = case(name)
    ref = pd.read_csv(OUT_DIR / name)
    got = GLCascade(net, E, market=market, eps=eps, engine=engine).esri().to_frame()
    assert list(got["firm"]) == [str(i) for i in ref["firm"]]
    for ours, theirs in (("esri", "ESRI"), ("esri_down", "ESRI_down"), ("esri_up", "ESRI_up")):
        np.testing.assert_allclose(got[ours].to_numpy(), ref[theirs].to_numpy(), rtol=0, atol=1e-10,
                                   err_msg=f"{name} {ours}")
    np.testing.assert_array_equal(got["iterations"].to_numpy(), ref["iters"].to_numpy())


@pytest.mark.parametrize("pull_frac", [0.0, float("inf")], ids=["always-pull", "never-pull"])
@pytest.mark.parametrize("engine", ENGINES)
def test_step_modes_match_reference(engine, pull_frac):
    """Both ways of doing a step (incremental push, full recompute) reproduce the reference."""
    for name in ("example_net_scale_free_101_4000__rnd7__market__eps0.01.csv",
                 "example_net_erdos_reny_101_213__mix24__nomarket__eps0.01.csv"):
        net, E, market, eps = case(name)
        ref = pd.read_csv(OUT_DIR / name)
        got = GLCascade(net, E, market=market, eps=eps, engine=engine, pull_frac=pull_frac).esri()
        np.testing.assert_allclose(got.esri, ref["ESRI"].to_numpy(), rtol=0, atol=1e-10)
        np.testing.assert_allclose(got.esri_down, ref["ESRI_down"].to_numpy(), rtol=0, atol=1e-10)
        np.testing.assert_array_equal(got.iterations, ref["iters"].to_numpy())
