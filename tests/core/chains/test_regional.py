"""Regional completeness on a hand-made chain; every answer worked out here."""
from __future__ import annotations

import pandas as pd
import pytest

from induscope.core.chains.model import Chain
from induscope.core.chains.regional import completeness

NODES = pd.DataFrame([
    {"node_id": "a", "name": "A", "stage": "upstream", "position": 0, "parent": "c"},
    {"node_id": "b", "name": "B", "stage": "upstream", "position": 0, "parent": "c"},
    {"node_id": "c", "name": "C", "stage": "midstream", "position": 1, "parent": "d,e"},
    {"node_id": "d", "name": "D", "stage": "downstream", "position": 2, "parent": None},
    {"node_id": "e", "name": "E", "stage": "downstream", "position": 2, "parent": None},
])
# node a: local 30 of 100 (present); b: local 5 of 100 (thin); c: no local firm (missing);
# d: local capacity 40 (output 20) of 40 + 60 (present); e: no local firm (missing)
FIRMS = pd.DataFrame([
    ("a", "A1", 30.0, None), ("a", "A2", 70.0, None),
    ("b", "B1", 5.0, None), ("b", "B2", 95.0, None),
    ("c", "C1", 50.0, 50.0), ("c", "C2", 10.0, 100.0),
    ("d", "D1", 20.0, 40.0), ("d", "D2", 60.0, None),
    ("e", "E1", 10.0, None),
], columns=["node_id", "firm_id", "output", "capacity"]).assign(role="member")
ENT = pd.DataFrame({"firm_id": ["A1", "A2", "B1", "B2", "C1", "C2", "D1", "D2", "E1"],
                    "region": ["320500", "440300", "320100", "110000", "440100", "310000", "320000", "440000",
                               "110000"],
                    "revenue": [1000.0] * 9})
LINKS = pd.DataFrame({"supplier": ["A1", "C2", "C1"], "customer": ["C1", "D1", "E1"], "value": [3.0, 2.0, 1.0]})


def test_completeness_of_jiangsu():
    ch = Chain("t", "test", NODES, FIRMS)
    r = completeness(ch, ENT, "320000", LINKS)
    n = r.nodes.set_index("node_id")
    assert n["status"].to_dict() == {"a": "present", "b": "thin", "c": "missing", "d": "present", "e": "missing"}
    assert n["local_suppliers"].to_dict() == {"a": 1, "b": 1, "c": 0, "d": 1, "e": 0}
    assert n.at["a", "local_share"] == pytest.approx(0.3)
    assert n.at["b", "local_share"] == pytest.approx(0.05)
    assert n.at["d", "local_share"] == pytest.approx(40 / 100)  # capacity where given, else output
    assert r.completeness == pytest.approx(2 / 5)
    # value-weighted by node output: a 100, b 100, c 60, d 80, e 10 -> (100 + 80) / 350
    assert r.completeness_weighted == pytest.approx(180 / 350)
    # candidates for c: C2 (capacity 100 of 150, trades with local D1 of adjacent node d) ahead of C1
    cands = r.candidates[r.candidates["node_id"] == "c"]
    assert cands["firm_id"].tolist() == ["C2", "C1"]
    assert "already trades with 1 local firm" in cands["why"].iat[0]
    assert n.at["c", "candidates"] == "C2;C1"
    assert n.at["a", "candidates"] == ""
    # where the local chain firms buy from: D1 buys from C2 in Shanghai
    assert r.sources.to_dict("records") == [{"province": "310000", "value": 2.0, "share": 1.0}]


def test_city_level_region():
    ch = Chain("t", "test", NODES, FIRMS)
    r = completeness(ch, ENT, "320500", LINKS)  # Suzhou: only A1
    assert r.nodes.set_index("node_id")["status"].to_dict() == {
        "a": "present", "b": "missing", "c": "missing", "d": "missing", "e": "missing"}
