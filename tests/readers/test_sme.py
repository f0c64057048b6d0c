"""SME batch files: template round trip, headers in three spellings, absent columns, and located
errors (row, column, value, expected) for malformed input."""
from __future__ import annotations

import json

import numpy as np
import openpyxl
import pytest

from induscope.core.sme.columns import COLUMNS
from induscope.errors import InputError, ValidationError
from induscope.readers.sme import (read_certificates, read_local_rules, read_registry, read_sme_batch,
                                   write_template)


def _csv(tmp_path, text, name="b.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_template_round_trip(tmp_path):
    t = write_template(tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(t)
    ws = wb.active
    headers = [c.value for c in ws[1]]
    assert len(headers) == len(COLUMNS)
    assert headers[0] == "firm_id 企业代码" and "rd_expense 上年度研发费用（万元）" in headers
    assert "说明 columns" in wb.sheetnames
    ws.append(["F1", "甲", "广东", "C3612", 100, None, 5000, None, 4000])
    wb.save(t)
    df, info = read_sme_batch(t)
    assert df.loc[0, "firm_id"] == "F1" and df.loc[0, "region"] == "440000"
    assert df.loc[0, "industry"] == "3612" and df.loc[0, "section"] == "C"
    assert df.loc[0, "revenue"] == 5000 and np.isnan(df.loc[0, "total_assets"])
    assert info["absent_columns"] == []


def test_template_needs_xlsx_name(tmp_path):
    with pytest.raises(InputError):
        write_template(tmp_path / "t.csv")


def test_chinese_headers_and_values(tmp_path):
    p = _csv(tmp_path, "企业代码,营业收入（万元）,研发机构级别,自主品牌,知识产权最高类别\nF1,100,省级,是,class1\n")
    df, info = read_sme_batch(p)
    assert df.loc[0, "revenue"] == 100 and df.loc[0, "rd_institution"] == "provincial"
    assert df.loc[0, "own_brand"] == 1.0 and df.loc[0, "ip_level"] == "class1"
    assert "employees" in info["absent_columns"]


def test_none_is_a_value_for_enums_not_missing(tmp_path):
    df, _ = read_sme_batch(_csv(tmp_path, "firm_id,ip_level,chain_role\nF1,none,\n"))
    assert df.loc[0, "ip_level"] == "none" and df.loc[0, "chain_role"] == ""


def test_every_problem_located(tmp_path):
    p = _csv(tmp_path, "firm_id,revenue,main_revenue,debt_ratio,ip_level,honours,employees,rd_staff,digital_level\n"
                       "F1,abc,10,50,class1,yes,10,5,2\n"
                       "F1,100,200,50,gold,maybe,10,20,5\n"
                       ",-5,1,101x,none,no,10,5,2.5\n")
    with pytest.raises(ValidationError) as e:
        read_sme_batch(p)
    got = {(q.row, q.column) for q in e.value.problems}
    assert {(2, "revenue"), (3, "firm_id"), (3, "main_revenue"), (3, "ip_level"), (3, "honours"),
            (3, "rd_staff"), (3, "digital_level"), (4, "firm_id"), (4, "revenue"), (4, "debt_ratio"),
            (4, "digital_level")} <= got
    assert all(q.source == "b.csv" and q.expected for q in e.value.problems)
    assert "ip_level" in str(e.value) and "one of none|class2|class1" in str(e.value)


def test_misspelt_header_is_a_problem_other_columns_ignored(tmp_path):
    with pytest.raises(ValidationError) as e:
        read_sme_batch(_csv(tmp_path, "firm_id,rd_expence,comment\nF1,5,x\n"))
    assert "did you mean 'rd_expense'" in str(e.value)
    df, info = read_sme_batch(_csv(tmp_path, "firm_id,comment\nF1,x\n", "ok.csv"))
    assert info["ignored_columns"] == ["comment"]


def test_missing_firm_id_column_and_empty_file(tmp_path):
    with pytest.raises(ValidationError):
        read_sme_batch(_csv(tmp_path, "revenue\n5\n"))
    with pytest.raises(ValidationError):
        read_sme_batch(_csv(tmp_path, "", "empty.csv"))


def test_bad_industry_and_region(tmp_path):
    with pytest.raises(ValidationError) as e:
        read_sme_batch(_csv(tmp_path, "firm_id,industry,region\nF1,C9999,火星\n"))
    assert {q.column for q in e.value.problems} == {"industry", "region"}


def test_certificates_reader(tmp_path):
    p = _csv(tmp_path, "firm_id,tier,issued,cert_id\nF1,专精特新,2023-06-15,\nF2,little_giant,2026-05-01,X\n",
             "certs.csv")
    df = read_certificates(p)
    assert df["tier"].tolist() == ["srdi", "little_giant"]
    assert str(df.loc[0, "expires"]) == "2026-06-14" and df.loc[1, "rule_set"] == "2026-2"
    bad = _csv(tmp_path, "firm_id,tier,issued,revoked_on\nF1,gold,2023-13-01,\nF2,srdi,2023-01-01,2024-01-01\n",
               "bad.csv")
    with pytest.raises(ValidationError) as e:
        read_certificates(bad)
    got = {(q.row, q.column) for q in e.value.problems}
    assert {(2, "tier"), (2, "issued"), (3, "revoke_cause")} <= got


def test_registry_reader(tmp_path):
    p = _csv(tmp_path, "kind,name,year,region,industry\n5G工厂,厂A,2023,江苏,C3612\nplatform,平台B,2021,,\n", "r.csv")
    df = read_registry(p)
    assert df["kind"].tolist() == ["5g_factory", "platform"] and df.loc[0, "region"] == "320000"
    with pytest.raises(ValidationError) as e:
        read_registry(_csv(tmp_path, "kind,name,year\nrobot,x,1899\n", "bad.csv"))
    assert {q.column for q in e.value.problems} == {"kind", "year"}


def test_local_rules(tmp_path):
    ok = tmp_path / "gd.json"
    ok.write_text(json.dumps([{"id": "share", "kind": "bands", "input": "market_share", "max": 15,
                               "bands": [[5, 15], [1, 8]], "name_zh": "市场占有率", "name_en": "market share"}]))
    assert read_local_rules(ok)[0]["id"] == "share"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": "x", "kind": "magic", "input": "nothing", "max": 20}]))
    with pytest.raises(ValidationError) as e:
        read_local_rules(bad)
    assert {q.column for q in e.value.problems} >= {"kind", "input", "max", "name_zh"}
