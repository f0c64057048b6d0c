"""Two demo clusters (names in the style of the MIIT lists; members are SYNTHETIC demo firms).

- an advanced-manufacturing cluster of new-energy vehicles in the Yangtze River Delta: the NEV chain
  firms of Shanghai, Jiangsu, Zhejiang and Anhui and other vehicle and electrical-equipment firms there;
- an SME characteristic cluster of electronic components in Guangdong: small and medium firms of
  division 39 there.
"""
from __future__ import annotations

import pandas as pd

YRD = ["310000", "320000", "330000", "340000"]


def synthetic_clusters(enterprises: pd.DataFrame, node_firms: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(clusters rows, members rows) in the workspace layout (regions and industries as lists)."""
    e = enterprises
    div = e["industry"].astype(str).str[:2]
    nev_firms = set(node_firms.loc[node_firms["chain_id"] == "nev", "firm_id"])
    in_yrd = e["region"].isin(YRD)
    a = e.loc[in_yrd & (e["firm_id"].isin(nev_firms) | div.isin(["36", "38"])), "firm_id"].head(60)
    small = (e["employees"] < 1000) | (e["revenue"] < 40000)
    b = e.loc[(e["region"] == "440000") & (div == "39") & small, "firm_id"].head(40)
    clusters = pd.DataFrame([
        {"cluster_id": "yrd_nev", "name": "长三角新能源汽车先进制造业集群 Yangtze River Delta new-energy vehicles "
                                          "(demo)", "kind": "advanced_manufacturing", "regions": YRD,
         "lead_industries": ["3612", "3841"]},
        {"cluster_id": "gd_components", "name": "广东电子元器件中小企业特色产业集群 Guangdong electronic components "
                                                "(demo)", "kind": "sme_characteristic", "regions": ["440000"],
         "lead_industries": ["3973", "3985"]},
    ])
    members = pd.concat([pd.DataFrame({"cluster_id": "yrd_nev", "firm_id": a}),
                         pd.DataFrame({"cluster_id": "gd_components", "firm_id": b})], ignore_index=True)
    return clusters, members
