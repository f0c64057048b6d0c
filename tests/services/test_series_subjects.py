"""A series' subject (a park, a cluster, a key enterprise, a free series id) is part of its identity
(issue 12 item 1): imported from a ``subject`` column, kept apart from the region x industry series and
from other subjects, selectable in the indicators, watched by ``series:IND/REGION/INDUSTRY/SUBJECT``."""
from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd
import pytest

from induscope.errors import InputError, NotFoundError, ValidationError
from induscope.readers.series import read_series
from induscope.services import indicators as ind
from induscope.services import monitoring as SM
from induscope.services.imports import import_series
from induscope.store import Workspace, insert_frame

MONTHS = [m for m in pd.period_range("2019-01", "2024-06", freq="M").strftime("%Y-%m")]


def _levels(base: float, growth: float, drop: dict[str, float] | None = None) -> dict[str, float]:
    """Monthly levels growing ``growth`` a year (exactly), with optional multiplicative drops."""
    out = {}
    for k, m in enumerate(MONTHS):
        out[m] = base * (1 + growth) ** (k / 12) * (drop or {}).get(m, 1.0)
    return out


def _file(tmp_path, rows, name="parks.csv", header=("指标", "地区", "行业", "主体", "时期", "数值")):
    path = tmp_path / name
    pd.DataFrame(rows, columns=list(header)).to_csv(path, index=False)
    return path


def _rows(indicator, region, industry, subject, levels):
    return [(indicator, region, industry, subject, m, round(v, 6)) for m, v in levels.items()]


@pytest.fixture()
def parks(workspace, tmp_path):
    """Shanghai's divisions 13 and 39 (5% a year) and two parks in Shanghai, division 39: Zhangjiang
    (20% a year, large) and Lingang (3% a year, with a 40% drop in May-June 2024)."""
    rows = (_rows("工业增加值", "310000", "13", "", _levels(400.0, 0.05))
            + _rows("工业增加值", "310000", "39", "", _levels(600.0, 0.05))
            + _rows("工业增加值", "上海", "39", "zj-park", _levels(300.0, 0.20))
            + _rows("工业增加值", "310000", "39", "临港园区", _levels(50.0, 0.03,
                                                               {"2024-05": 0.6, "2024-06": 0.6})))
    path = _file(tmp_path, rows)
    out = import_series(workspace, path, unit="100 million CNY", price_basis="constant_2020", vintage="2024-07-15")
    assert out["rows"] == len(rows) and out["subjects"] == ["zj-park", "临港园区"]
    return workspace


def test_two_parks_in_one_province_stay_separate_series(parks):
    stored = parks.query("SELECT subject, count(*) AS n FROM series GROUP BY subject ORDER BY subject")
    assert dict(zip(stored["subject"], stored["n"])) == {"": 2 * len(MONTHS), "zj-park": len(MONTHS),
                                                         "临港园区": len(MONTHS)}
    g = lambda **kw: ind.indicator_growth(parks, region="310000", start="2024-03", end="2024-03", **kw)  # noqa: E731
    # the province's series: its own divisions only, the parks are not summed into it
    assert g(industry="39").series[0].values["2024-03"] == pytest.approx(5.0, abs=1e-6)
    assert g(industry="C").series[0].values["2024-03"] == pytest.approx(5.0, abs=1e-6)
    zj = g(industry="39", subject="zj-park")
    assert zj.series[0].values["2024-03"] == pytest.approx(20.0, abs=1e-6)
    assert zj.query["subject"] == "zj-park"
    assert zj.series[0].inputs[0].startswith("series:value_added/310000/39/zj-park")
    # a park's section total is summed from the park's own divisions
    assert g(industry="C", subject="zj-park").series[0].values["2024-03"] == pytest.approx(20.0, abs=1e-6)
    lg = ind.indicator_growth(parks, region="310000", industry="39", subject="临港园区", measure="ytd",
                              start="2024-06", end="2024-06")
    # its own drop (two of six months at 60%, on 3% growth), not diluted by anyone else's levels
    assert lg.series[0].values["2024-06"] == pytest.approx(((4 + 2 * 0.6) / 6 * 1.03 - 1) * 100, abs=0.5)
    # contribution of the parts of one subject (the park's divisions) and of the plain series
    c = ind.contribution_breakdown(parks, "2024-03", by="division", region="310000", industry="C",
                                   subject="zj-park")
    assert c.meta["subject"] == "zj-park" and set(c.g.index) == {"39"}
    assert c.g["39"] == pytest.approx(20.0, abs=1e-6)
    c0 = ind.contribution_breakdown(parks, "2024-03", by="division", region="310000", industry="C")
    assert set(c0.g.index) == {"13", "39"} and c0.g["39"] == pytest.approx(5.0, abs=1e-6)


def test_an_unknown_or_malformed_subject_is_a_clear_error(parks):
    with pytest.raises(NotFoundError, match="subject 'nope'.*zj-park"):
        ind.indicator_growth(parks, region="310000", industry="39", subject="nope")
    with pytest.raises(InputError, match="subject 'a b'"):
        ind.indicator_growth(parks, region="310000", industry="39", subject="a b")


def test_bad_subject_values_are_located(tmp_path):
    rows = [("value_added", "310000", "39", "ok-park_1.a", "2024-01", 1.0),
            ("value_added", "310000", "39", "a/b", "2024-01", 1.0),
            ("value_added", "310000", "39", "x" * 65, "2024-01", 1.0),
            ("value_added", "310000", "39", "two words", "2024-01", 1.0),
            ("value_added", "310000", "39", "p=q", "2024-01", 1.0),
            ("value_added", "310000", "39", "ok-park_1.a", "2024-01", 2.0)]
    path = _file(tmp_path, rows, "bad.csv", ("indicator", "region", "industry", "series_id", "period", "value"))
    with pytest.raises(ValidationError) as e:
        read_series(path, unit="100 million CNY", price_basis="constant_2020", vintage="v1")
    probs = {(p.row, p.column, p.value) for p in e.value.problems}
    assert {(3, "subject", "a/b"), (4, "subject", "x" * 65), (5, "subject", "two words"),
            (6, "subject", "p=q")} <= probs
    assert any(p.row == 7 and "subject" in p.column and "duplicate of row 2" in p.expected
               for p in e.value.problems)
    assert all(p.source == "bad.csv" for p in e.value.problems)
    assert "at most 64 characters" in next(p.expected for p in e.value.problems if p.row == 4)


def test_the_same_point_under_two_subjects_is_no_duplicate_and_no_subject_column_is_subject_empty(tmp_path):
    rows = [("value_added", "310000", "39", "", "2024-01", 1.0), ("value_added", "310000", "39", "p1", "2024-01", 2.0),
            ("value_added", "310000", "39", "NA", "2024-02", 3.0)]
    df = read_series(_file(tmp_path, rows, "two.csv", ("indicator", "region", "industry", "subject", "period",
                                                       "value")), unit="100 million CNY", price_basis="current",
                     vintage="v1")
    assert df["subject"].tolist() == ["", "p1", ""]
    plain = _file(tmp_path, [r[:3] + r[4:] for r in rows[:1]], "plain.csv",
                  ("indicator", "region", "industry", "period", "value"))
    assert read_series(plain, unit="100 million CNY", price_basis="current", vintage="v1")["subject"].tolist() == [""]


def test_a_watched_subject_series_raises_alerts_carrying_its_name(parks):
    SM.create_watch_list(parks, "parks")
    res = SM.add_watch_items(parks, "parks", ["series:工业增加值/上海/39/临港园区=临港新片区 Lingang",
                                              "series:value_added/310000/39/zj-park", "region:310000"])
    assert res["items"] == ["series:value_added/310000/39/临港园区", "series:value_added/310000/39/zj-park",
                            "region:310000"]
    out = SM.scan(parks, list_id="parks")
    assert out["series"] >= 3
    a = SM.list_alerts(parks, min_level="orange")
    assert len(a) and set(a["subject"]) == {"series:value_added/310000/39/临港园区"}  # only the park fell
    assert all(n.startswith("临港新片区 Lingang (") for n in a["series_name"])
    assert set(a["start_period"]) == {"2024-05"}


def test_without_a_label_the_alert_is_named_by_subject_indicator_and_region(parks):
    SM.create_watch_list(parks, "parks")
    SM.add_watch_items(parks, "parks", ["series:value_added/310000/39/临港园区"])
    SM.scan(parks, list_id="parks")
    names = set(SM.list_alerts(parks, min_level="orange")["series_name"])
    assert names and all(n.startswith("临港园区 · 工业增加值 industrial value added · 310000 上海市 Shanghai ·")
                         for n in names), names


def test_a_watch_item_naming_a_subject_without_rows_is_refused(parks):
    SM.create_watch_list(parks, "parks")
    with pytest.raises(NotFoundError, match=r"item 2: no stored value_added rows for subject 'zj-prak'.*zj-park"):
        SM.add_watch_items(parks, "parks", ["region:310000", "series:value_added/310000/39/zj-prak"])
    with pytest.raises(InputError, match="subject"):
        SM.add_watch_items(parks, "parks", [{"kind": "series", "indicator": "value_added", "region": "310000",
                                             "industry": "39", "subject": "a b"}])
    assert SM.watch_lists(parks, "parks")["kind"].isna().all()  # nothing written
    # a park's division series is found from its section too (the scan sums the park's divisions)
    assert SM.add_watch_items(parks, "parks", [{"kind": "series", "indicator": "value_added", "region": "310000",
                                                "industry": "C", "subject": "zj-park"}])["added"] == 1


def test_migration_14_keeps_a_version_13_workspace_and_adds_subject_to_the_key(tmp_path, monkeypatch):
    from induscope.store import schema
    from induscope.store import workspace as wsmod

    old = [m for m in schema.MIGRATIONS if m[0] <= 13]
    monkeypatch.setattr(wsmod, "MIGRATIONS", old)
    monkeypatch.setattr(wsmod, "CURRENT_VERSION", 13)
    ws = Workspace(tmp_path / "v13").ensure()
    assert ws.schema_version() == 13
    rows = pd.DataFrame({"dataset_id": "d", "indicator": "value_added", "region": "310000", "industry": "39",
                         "period": ["2024-01", "2024-02"], "freq": "M", "value": [1.5, np.nan],
                         "unit": "100 million CNY", "price_basis": "constant_2020", "vintage": "v1"})
    with ws.writer() as con:
        assert "subject" not in {r[0] for r in con.execute("DESCRIBE series").fetchall()}
        insert_frame(con, "series", rows)
        con.execute("INSERT INTO watch_lists (list_id, name) VALUES ('k', 'key')")
    monkeypatch.undo()

    ws = Workspace(tmp_path / "v13").ensure()
    assert ws.schema_version() == schema.CURRENT_VERSION >= 14
    got = ws.query("SELECT dataset_id, indicator, region, industry, subject, period, freq, value, unit, "
                   "price_basis, vintage FROM series ORDER BY period")
    assert got["subject"].tolist() == ["", ""] and got["value"].iloc[0] == 1.5 and pd.isna(got["value"].iloc[1])
    assert got.drop(columns="subject").astype(str).equals(rows[got.columns.drop("subject")].astype(str))
    assert ws.query("SELECT list_id FROM watch_lists")["list_id"].tolist() == ["k"]
    with ws.writer() as con:  # the same point under a subject is a new series; twice under one is not
        con.execute("INSERT INTO series VALUES ('d', 'value_added', '310000', '39', 'p1', '2024-01', 'M', 2.0, "
                    "'100 million CNY', 'constant_2020', 'v1')")
    with pytest.raises(duckdb.ConstraintException):
        with ws.writer() as con:
            con.execute("INSERT INTO series (dataset_id, indicator, region, industry, period, freq, value, unit, "
                        "price_basis, vintage) VALUES ('d', 'value_added', '310000', '39', '2024-01', 'M', 3.0, "
                        "'100 million CNY', 'constant_2020', 'v1')")
    assert len(ws.query("SELECT * FROM series")) == 3
