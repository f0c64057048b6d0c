"""The per-domain store modules: each reads from a Workspace, a Session or a writer's connection and
gives the same answer."""
from __future__ import annotations

import pandas as pd
import pytest

from induscope.store import datasets, enterprises, insert_frame, io_tables, networks, series


@pytest.fixture()
def filled(workspace):
    with workspace.writer() as con:
        datasets.insert_dataset(con, "firms", "enterprises", "Firms", "f.csv", "10,000 CNY", None, False, None)
        insert_frame(con, "enterprises", pd.DataFrame({
            "firm_id": ["F1", "F2", "F3"], "name": ["甲", "乙", "丙"], "region": ["320000", "320000", "110000"],
            "industry": ["3670", "36", "C%"], "revenue": [10.0, 20.0, 30.0], "dataset_id": "firms"}))
        insert_frame(con, "supply_links", pd.DataFrame({
            "supplier": ["F1", "F1", "F2"], "customer": ["F2", "F2", "F3"], "value": [1.0, 2.0, 5.0],
            "product": ["a", "b", ""], "dataset_id": "links"}))
        insert_frame(con, "series", pd.DataFrame({
            "dataset_id": "s", "indicator": "value_added", "region": "320000", "industry": "C",
            "period": ["2024-01", "2024-01", "2024-02"], "freq": "M", "value": [1.0, 1.5, 2.0], "unit": "%",
            "price_basis": ["constant", "constant", "growth_yoy_pct"], "vintage": ["v1", "v2", "v1"]}))
    return workspace


def test_reads_agree_on_workspace_session_and_connection(filled):
    answers = []
    for src in ("ws", "session", "connection"):
        if src == "ws":
            answers.append(_reads(filled))
        elif src == "session":
            with filled.session() as s:
                answers.append(_reads(s))
        else:
            with filled.writer() as con:
                answers.append(_reads(con))
    assert answers[0] == answers[1] == answers[2]


def _reads(src):
    return (sorted(enterprises.firm_ids(src)), series.price_bases(src, "value_added"),
            series.has_subject(src, "value_added", "320000", "C"), io_tables.table_ids(src),
            networks.aggregated_links(src).to_dict("records"), datasets.kind_of(src, "firms"))


def test_write_inside_a_session_is_refused(filled):
    from induscope.errors import StorageError

    with filled.session():
        with pytest.raises(StorageError):
            with filled.writer():
                pass


def test_industry_prefix_is_not_a_pattern(filled):
    got = enterprises.list_enterprises(filled, industry_prefix="36")
    assert list(got["firm_id"]) == ["F1", "F2"]
    assert list(enterprises.list_enterprises(filled, industry_prefix="%")["firm_id"]) == []  # no wildcard


def test_aggregated_links_sum_products(filled):
    links = networks.aggregated_links(filled)
    assert links.to_dict("records") == [{"supplier": "F1", "customer": "F2", "value": 3.0},
                                        {"supplier": "F2", "customer": "F3", "value": 5.0}]


def test_series_as_of_takes_the_latest_vintage_not_after(filled):
    latest = series.series_as_of(filled, "value_added", price_basis="constant")
    assert list(latest["value"]) == [1.5]
    assert list(series.series_as_of(filled, "value_added", price_basis="constant", vintage="v1")["value"]) == [1.0]


def test_key_conflicts_and_owned_rows(filled):
    probe = pd.DataFrame({"firm_id": ["F9", "F2"], "_row": [2, 3]})
    with filled.writer() as con:
        assert datasets.key_conflicts(con, probe, "enterprises", ["firm_id"]) == [(3, "F2", "firms")]
        with pytest.raises(ValueError):
            datasets.delete_rows(con, "datasets", "x")
        datasets.delete_rows(con, "enterprises", "firms")
        datasets.delete_dataset(con, "firms")
    assert enterprises.firm_ids(filled) == set()
    assert datasets.kind_of(filled, "firms") is None
    assert sorted(firm for _, firm in enterprises.orphaned_firms(filled)) == ["F1", "F2", "F3"]
