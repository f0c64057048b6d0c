"""Shared fixtures."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests explore at random while developing (HYPOTHESIS_PROFILE=dev) but run the same examples
# on every CI run, so a red build always means a change, never a new random draw.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The read-only real reference data beside the repository (../shared/data)."""
    assert SHARED_DATA.is_dir(), f"expected the shared reference data at {SHARED_DATA}"
    return SHARED_DATA


@pytest.fixture()
def workspace(tmp_path):
    from induscope.store import Workspace

    return Workspace(tmp_path / "ws").ensure()


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory):
    """The full demo workspace, built once per test session (read-only for tests: copy it to change it)."""
    from induscope.services.demo import build_demo_workspace
    from induscope.store import Workspace

    ws = Workspace(tmp_path_factory.mktemp("demo") / "ws")
    build_demo_workspace(ws)
    return ws


@pytest.fixture(scope="session")
def report_card_2022_cards(shared_data):
    """The 2022 report card on the official figures and on the current NBS vintage (reference and regression)."""
    from induscope.services.indicators import report_card_2022

    d = shared_data / "china_macro"
    return report_card_2022(d / "official_figures_china_2021_2022.csv", d / "nbs_quarterly_gdp_current_prices.csv",
                            d / "nbs_quarterly_gdp_indices.csv")
