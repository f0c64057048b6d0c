"""Per-worker caches (api/cache.py) and figures served from the store (services/figures.py): fresh
data right after a write, revocation at once, no answer crosses an authorisation scope, ETag/304,
and stored figures equal to a fresh computation."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

from induscope.api import cache
from induscope.services import access, figures
from induscope.services import indicators as ind
from induscope.store import Workspace
from induscope.store import figures as figure_store

from .conftest import bearer, make_client


@pytest.fixture()
def secured(demo_workspace, tmp_path):
    """A private secured copy of the demo: (workspace, client, {name: token}, firms)."""
    home = tmp_path / "ws"
    home.mkdir()
    shutil.copy2(demo_workspace.path, home / "workspace.duckdb")
    ws = Workspace(home)
    firms = list(ws.query("SELECT firm_id FROM enterprises ORDER BY firm_id LIMIT 2")["firm_id"])
    tokens = {}
    for name, role in (("viewer", "viewer"), ("analyst", "analyst")):
        access.add_user(ws, name, role)
        tokens[name] = access.create_token(ws, name)["token"]
    for k, firm in enumerate(firms):
        access.add_user(ws, f"rep{k}", "reporter", enterprises=[firm])
        tokens[f"rep{k}"] = access.create_token(ws, f"rep{k}")["token"]
    cache.clear()
    with make_client(home) as client:
        yield ws, client, tokens, firms
    cache.clear()


def test_a_hot_read_is_served_again_with_an_etag_and_304_when_unchanged(secured):
    ws, client, tokens, _ = secured
    url = "/api/v1/series?indicator=value_added&region=320000&limit=5"
    r1 = client.get(url, headers=bearer(tokens["viewer"]))
    assert r1.status_code == 200
    etag = r1.headers["etag"]
    r2 = client.get(url, headers=bearer(tokens["viewer"]))
    assert r2.status_code == 200 and r2.headers["etag"] == etag and r2.content == r1.content
    r3 = client.get(url, headers={**bearer(tokens["viewer"]), "If-None-Match": etag})
    assert r3.status_code == 304 and r3.content == b""


def test_the_cache_serves_the_new_data_right_after_a_write(secured, tmp_path):
    ws, client, tokens, _ = secured
    url = "/api/v1/datasets?limit=500"
    before = client.get(url, headers=bearer(tokens["viewer"]))
    assert before.status_code == 200
    ids = {d["dataset_id"] for d in before.json()["items"]}
    f = tmp_path / "more_firms.csv"
    f.write_text("firm_id,name,region,industry,revenue [万元],employees,founded\n"
                 "ZZ000001,缓存测试企业,320000,3611,100,10,2015\n", encoding="utf-8")
    r = client.post("/api/v1/imports/enterprises", headers=bearer(tokens["analyst"]),
                    files={"file": ("more_firms.csv", f.read_bytes(), "text/csv")})
    assert r.status_code in (200, 201), r.text
    after = client.get(url, headers={**bearer(tokens["viewer"]), "If-None-Match": before.headers["etag"]})
    assert after.status_code == 200  # not 304: the data changed
    assert after.headers["etag"] != before.headers["etag"]
    assert {d["dataset_id"] for d in after.json()["items"]} - ids  # the new dataset is there


def test_a_report_submission_changes_the_reports_but_not_the_series_version(secured):
    ws, client, tokens, firms = secured
    series_url = "/api/v1/series?indicator=value_added&region=320000&limit=5"
    reports_url = f"/api/v1/reports?metric=orders&firm_id={firms[0]}&limit=500"
    s1 = client.get(series_url, headers=bearer(tokens["viewer"]))
    p1 = client.get(reports_url, headers=bearer(tokens["rep0"]))
    assert s1.status_code == 200 and p1.status_code == 200
    r = client.post("/api/v1/reports", headers=bearer(tokens["rep0"]),
                    json=[{"firm_id": firms[0], "period": "1999-01", "metric": "orders", "value": 12.5,
                           "unit": "万元"}])
    assert r.status_code == 200, r.text
    s2 = client.get(series_url, headers=bearer(tokens["viewer"]))
    p2 = client.get(reports_url, headers=bearer(tokens["rep0"]))
    assert s2.headers["etag"] == s1.headers["etag"]  # series unchanged: still served from the cache
    assert p2.headers["etag"] != p1.headers["etag"]
    assert any(row["period"] == "1999-01" for row in p2.json()["items"])


def test_a_revoked_token_fails_at_once_despite_the_cache(secured):
    ws, client, tokens, _ = secured
    url = "/api/v1/alerts?limit=5"
    assert client.get(url, headers=bearer(tokens["viewer"])).status_code == 200
    assert client.get(url, headers=bearer(tokens["viewer"])).status_code == 200  # cached now
    access.revoke_token(ws, tokens["viewer"])  # as the CLI does, in another code path
    r = client.get(url, headers=bearer(tokens["viewer"]))
    assert r.status_code == 401
    assert "revoked" in r.json()["message"]


def test_a_disabled_user_fails_at_once(secured):
    ws, client, tokens, _ = secured
    url = "/api/v1/alerts?limit=5"
    assert client.get(url, headers=bearer(tokens["analyst"])).status_code == 200
    access.disable_user(ws, "analyst")
    assert client.get(url, headers=bearer(tokens["analyst"])).status_code == 401


def test_a_reporter_never_gets_another_reporters_cached_answer(secured):
    ws, client, tokens, firms = secured
    for k, firm in enumerate(firms):
        r = client.post("/api/v1/reports", headers=bearer(tokens[f"rep{k}"]),
                        json=[{"firm_id": firm, "period": "1998-0" + str(k + 1), "metric": "orders",
                               "value": 1.0 + k, "unit": "万元"}])
        assert r.status_code == 200, r.text
    url = "/api/v1/reports?metric=orders&limit=1000"  # the same URL: each reporter's own firms
    a = client.get(url, headers=bearer(tokens["rep0"]))
    b = client.get(url, headers=bearer(tokens["rep1"]))
    a2 = client.get(url, headers=bearer(tokens["rep0"]))
    assert a.status_code == b.status_code == a2.status_code == 200
    assert {row["firm_id"] for row in a.json()["items"]} == {firms[0]}
    assert {row["firm_id"] for row in b.json()["items"]} == {firms[1]}
    assert a2.content == a.content and a.headers["etag"] != b.headers["etag"]
    # an ETag of one reporter is no key to the other's answer
    r = client.get(url, headers={**bearer(tokens["rep1"]), "If-None-Match": a.headers["etag"]})
    assert r.status_code == 200 and {row["firm_id"] for row in r.json()["items"]} == {firms[1]}


def test_a_route_a_role_may_not_read_stays_refused_when_another_role_cached_it(secured):
    ws, client, tokens, _ = secured
    url = "/api/v1/series?indicator=value_added&region=320000&limit=5"
    assert client.get(url, headers=bearer(tokens["viewer"])).status_code == 200
    assert client.get(url, headers=bearer(tokens["rep0"])).status_code == 403
    assert client.get(url).status_code == 401


def test_growth_figures_from_the_store_equal_a_fresh_computation(secured):
    ws, client, tokens, _ = secured
    args = dict(region="320000", industry="BCD", measure="ytd", start="2024-01")
    served = figures.growth(ws, "value_added", **args)
    stored = figure_store.get(ws, figures._key("growth", "value_added", "320000", "BCD", "",
                                               {"measure": "ytd", "vintage": None, "start": "2024-01",
                                                "end": None}))
    assert stored is not None and stored[0] == figures.data_version(ws)
    fresh = ind.indicator_growth(ws, "value_added", **args).to_frame()
    pd.testing.assert_frame_equal(pd.DataFrame(served), pd.DataFrame(stored[1]))
    got = pd.DataFrame(served)
    assert list(got["period"]) == list(fresh["period"])
    assert got["value"].astype(float).round(10).equals(fresh["value"].astype(float).round(10))
    # the API answers the stored figures
    r = client.get("/api/v1/indicators/growth?region=320000&measure=ytd&start=2024-01&limit=5000",
                   headers=bearer(tokens["viewer"]))
    assert r.status_code == 200
    assert [row["period"] for row in r.json()["items"]] == list(fresh["period"])


def test_contribution_figures_from_the_store_equal_a_fresh_computation(secured):
    ws, client, tokens, _ = secured
    period = ws.query("SELECT max(period) AS p FROM series WHERE indicator = 'value_added' AND freq = 'M'")["p"][0]
    served = figures.contribution(ws, period, "value_added", by="section")
    fresh = ind.contribution_breakdown(ws, period, "value_added", by="section")
    frame = pd.DataFrame(served["items"])
    expect = fresh.to_frame()
    assert list(frame["part"]) == list(expect["part"])
    for col in ("growth_pct", "contribution_pct", "pull_pp"):
        assert frame[col].astype(float).fillna(-999).round(10).tolist() == \
            expect[col].astype(float).fillna(-999).round(10).tolist()


def test_stored_figures_are_recomputed_after_a_data_change(secured, tmp_path):
    ws, client, tokens, _ = secured
    figures.growth(ws, "value_added", region="320000")
    v0 = figures.data_version(ws)
    f = tmp_path / "extra.csv"
    f.write_text("indicator,region,industry,period,value,unit,price_basis,vintage\n"
                 "cache_probe,320000,C,2024-01,1.0,亿元,current,2024-02-15\n", encoding="utf-8")
    from induscope.services import imports

    imports.import_series(ws, f)
    v1 = figures.data_version(ws)
    assert v1 != v0
    assert figure_store.stale_keys(ws, v1) == []  # the import refreshed every stored figure
