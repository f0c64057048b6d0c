"""The shipped classifications against the independent copy in ../shared/data and their own invariants."""
from __future__ import annotations

import pandas as pd
import pytest

from induscope import reference as ref


def test_divisions_match_the_standard(shared_data):
    theirs = pd.read_csv(shared_data / "gbt4754" / "gbt4754_2017_divisions.csv", dtype=str)
    ours = ref.gbt4754_divisions()
    assert len(ours) == 97
    assert ours["code"].tolist() == theirs["division"].tolist()
    assert ours["section"].tolist() == theirs["section"].tolist()
    assert ours["name_zh"].tolist() == theirs["division_name"].str.strip().tolist()


def test_industry_flags_match_the_standard(shared_data):
    theirs = pd.read_csv(shared_data / "gbt4754" / "gbt4754_2017_divisions.csv", dtype=str)
    theirs_industry = theirs.loc[theirs["is_industry"] == "1", "division"].tolist()
    assert ref.industrial_divisions() == theirs_industry
    assert len(theirs_industry) == 41


def test_sections_match_the_standard(shared_data):
    theirs = pd.read_csv(shared_data / "gbt4754" / "gbt4754_2017_sections.csv", dtype=str)
    ours = ref.gbt4754_sections()
    assert ours["code"].tolist() == theirs["section"].tolist()
    assert ours["name_zh"].tolist() == theirs["name"].str.strip().tolist()


def test_section_ranges_cover_their_divisions():
    d = ref.gbt4754_divisions()
    for s in ref.gbt4754_sections().itertuples():
        codes = d.loc[d["section"] == s.code, "code"].tolist()
        assert codes[0] == s.first_division and codes[-1] == s.last_division


def test_io42_concordance_covers_every_division_once():
    c = ref.io42_division_concordance()
    assert sorted(c["division"]) == ref.gbt4754_divisions()["code"].tolist()
    assert c["io42"].nunique() == 42


def test_io42_names_match_the_nbs_tables(shared_data):
    t = pd.read_csv(shared_data / "china_io_nbs" / "china_2018_42.csv", dtype=str)
    dom = t[t["Origin"] == "Domestic"]
    assert dom["Code"].tolist() == ref.nbs_io42_sectors()["code"].tolist()
    assert dom["DescriptionInChinese"].str.strip().tolist() == ref.nbs_io42_sectors()["name_zh"].tolist()


def test_provinces():
    p = ref.provinces()
    assert len(p) == 31 and p["code"].is_unique
    assert p["macro_region"].value_counts().to_dict() == {"west": 12, "east": 10, "central": 6, "northeast": 3}
    assert all(c.endswith("0000") for c in p["code"])


def test_hightech_has_six_categories_inside_manufacturing():
    h = ref.hightech_manufacturing()
    assert sorted(h["category"].unique()) == ["1", "2", "3", "4", "5", "6"]
    assert h["class_code"].is_unique
    sections = ref.gbt4754_divisions().set_index("code")["section"]
    assert set(sections[h["division"]]) == {"C"}


@pytest.mark.parametrize("code,known", [
    ("39", True), ("3973", True), ("C3973", True), ("B3973", False), ("C", True), ("BCD", True),
    ("98", False), ("3X", False), ("", False), ("06", True), ("2710", True),
])
def test_is_known_industry(code, known):
    assert ref.is_known_industry(code) is known


def test_is_known_region():
    assert ref.is_known_region("440000") and ref.is_known_region(ref.NATION)
    assert not ref.is_known_region("440100") and not ref.is_known_region("990000")
