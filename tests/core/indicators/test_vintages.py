import pandas as pd

from induscope.core.indicators import select_vintage, vintage_label


def test_latest_vintage_per_observation_and_as_of():
    f = pd.DataFrame({"period": ["2024-03", "2024-03", "2024-04"], "value": [1.0, 1.1, 2.0],
                      "vintage": ["2024-04-15", "2025-02-28", "2024-05-15"]})
    latest = select_vintage(f, ["period"]).set_index("period")
    assert latest.loc["2024-03", "value"] == 1.1
    early = select_vintage(f, ["period"], as_of="2024-12-31").set_index("period")
    assert early.loc["2024-03", "value"] == 1.0
    assert select_vintage(f, ["period"], as_of="2000-01-01").empty
    assert vintage_label(f["vintage"]) == "2025-02-28"
