"""The demo's watch list: key regions and industries of the synthetic economy (the ones its injected
shocks hit, and the large ones), so that `induscope monitor scan` has something to watch at once."""
from __future__ import annotations

DEMO_LIST_ID = "demo-key"
DEMO_LIST_NAME = "重点地区和行业 Key regions and industries (demo)"
DEMO_LIST_DESCRIPTION = ("SYNTHETIC demo: provinces hit by the injected shocks (Hubei 2020, Shanghai and Jilin "
                         "2022, Henan 2021 floods), the largest industrial provinces, the national industry, key "
                         "divisions, manufacturing "
                         "and the manufacturing PMI; YTD targets where a plan would set them")

#: items as `monitor watch add` takes them (validated by the watch-list service's rules)
DEMO_ITEMS: tuple[dict, ...] = (
    {"kind": "industry", "code": "BCD", "label": "全国工业 national industry", "target_growth": 5.0},
    {"kind": "region", "code": "310000", "target_growth": 5.0},
    {"kind": "region", "code": "420000", "target_growth": 6.0},
    {"kind": "region", "code": "220000"},
    {"kind": "region", "code": "410000"},
    {"kind": "region", "code": "440000", "target_growth": 5.5},
    {"kind": "region", "code": "320000", "target_growth": 6.0},
    {"kind": "industry", "code": "C", "label": "制造业 manufacturing"},
    {"kind": "industry", "code": "39", "label": "电子设备制造 electronics"},
    {"kind": "industry", "code": "36", "label": "汽车制造 automobiles"},
    {"kind": "industry", "code": "26", "label": "化工 chemicals"},
    {"kind": "industry", "code": "31", "label": "黑色金属冶炼 iron and steel"},
    {"kind": "series", "code": "pmi", "indicator": "pmi_manufacturing", "region": "000000", "industry": "C",
     "label": "制造业PMI manufacturing PMI"},
)
