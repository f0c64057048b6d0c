"""Nowcasts feed the warnings: a month the PMI has reached but value added has not gets "expected"
alerts when its nowcast breaks a rule; they lapse when the nowcast no longer does."""
from __future__ import annotations

import shutil

import pytest

from induscope.services import monitoring as mon
from induscope.services.imports import import_series
from induscope.store import Workspace


@pytest.fixture()
def ws(demo_workspace, tmp_path):
    shutil.copytree(demo_workspace.home, tmp_path / "ws")
    return Workspace(tmp_path / "ws")


def _pmi(ws, tmp_path, value: float, name: str, replace: bool = False):
    p = tmp_path / f"{name}.csv"
    p.write_text("indicator,region,industry,period,value,unit,price_basis\n"
                 f"pmi_manufacturing,000000,C,2026-01,{value},index,diffusion_index\n", encoding="utf-8")
    import_series(ws, p, name=name, vintage="2026-02-01", replace=replace)


def _expected(ws, active: bool = True):
    a = mon.list_alerts(ws)
    a = a[a["indicator"].str.endswith(".expected")]
    return a[a["active"]] if active else a


@pytest.mark.slow  # a full scan of the demo workspace: 12-18 s measured on the shared machine
def test_a_collapsing_pmi_raises_expected_alerts_marked_as_such(ws, tmp_path):
    _pmi(ws, tmp_path, 38.0, "pmi_jan")
    mon.scan(ws)
    exp = _expected(ws)
    assert len(exp) > 0
    assert exp["series_name"].str.contains("expected").all()
    assert (exp["last_period"] == "2026-01").all()
    # the published series' own alerts stay apart: none of them reaches 2026-01
    others = mon.list_alerts(ws)
    others = others[~others["indicator"].str.endswith(".expected") & others["indicator"].str.contains("growth")]
    assert not (others["last_period"] == "2026-01").any()


@pytest.mark.slow  # two full scans of the demo workspace: 26-47 s measured on the shared machine
def test_expected_alerts_lapse_when_the_nowcast_recovers(ws, tmp_path):
    _pmi(ws, tmp_path, 38.0, "pmi_jan")
    mon.scan(ws)
    assert len(_expected(ws)) > 0
    _pmi(ws, tmp_path, 50.6, "pmi_jan", replace=True)
    mon.scan(ws)
    assert len(_expected(ws)) == 0
    assert len(_expected(ws, active=False)) > 0  # kept, inactive, for the record


def test_no_expected_alert_without_a_timelier_series(ws):
    mon.scan(ws)
    assert len(_expected(ws, active=False)) == 0
