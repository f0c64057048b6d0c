"""Operating-report files: every corrupted file is a located problem (ValidationError), never a
traceback; well-formed CSV and JSON give the records the service validates."""
from __future__ import annotations

import json

import pytest

from induscope.errors import InduscopeError, ValidationError
from induscope.readers.reports import MAX_DEPTH, read_reports

HEADER = "firm_id,period,metric,value,unit,region,industry\n"
ROW = "F1,2024-03,output_value,100,万元,310000,36\n"


def _write(tmp_path, name, data):
    p = tmp_path / name
    (p.write_bytes if isinstance(data, bytes) else p.write_text)(data)
    return p


def test_csv_gives_rows_with_spreadsheet_numbers(tmp_path):
    frame, name = read_reports(_write(tmp_path, "r.csv", HEADER + ROW + "\n" + ROW))
    assert name == "r.csv" and list(frame["_row"]) == [2, 4] and frame["value"].iloc[0] == "100"


def test_json_list_and_reports_object(tmp_path):
    rec = {"firm_id": "F1", "period": "2024-03", "metric": "output_value", "value": 1, "unit": "万元"}
    assert read_reports(_write(tmp_path, "a.json", json.dumps([rec])))[0] == [rec]
    assert read_reports(_write(tmp_path, "b.json", json.dumps({"reports": [rec]})))[0] == [rec]


BAD_CSV = {
    "empty": b"",
    "blank lines": b"\n\n  \n",
    "header only": HEADER.encode(),
    "gbk": (HEADER + "F1,2024-03,output_value,100,万元,上海,36\n").encode("gbk"),
    "utf16": (HEADER + ROW).encode("utf-16"),
    "binary": bytes(range(256)) * 4,
    "ragged": (HEADER + "F1,2024-03,output_value,100\n").encode(),
    "extra fields": (HEADER + ROW.strip() + ",x,y\n").encode(),
    "unclosed quote": (HEADER + 'F1,"2024-03,output_value,100,万元,310000,36\n').encode(),
    "duplicate header": b"firm_id,period,metric,value,unit,unit\nF1,2024-03,output_value,1,x,y\n",
    "unknown column": b"firm_id,period,metric,value,unit,colour\nF1,2024-03,output_value,1,x,red\n",
    "missing column": b"firm_id,period,metric,value\nF1,2024-03,output_value,1\n",
    "zip": b"PK\x03\x04" + b"\x00" * 50,
}


@pytest.mark.parametrize("case", sorted(BAD_CSV))
def test_corrupted_csv_is_a_located_problem(tmp_path, case):
    with pytest.raises(ValidationError) as ei:
        read_reports(_write(tmp_path, "bad.csv", BAD_CSV[case]))
    assert ei.value.problems and all(p.source == "bad.csv" for p in ei.value.problems)


BAD_JSON = {
    "empty": "",
    "not json": "{reports: [}",
    "truncated": '[{"firm_id": "F1", "period": "2024-03"',
    "nan": '[{"firm_id": "F1", "value": NaN}]',
    "infinity": '[{"firm_id": "F1", "value": Infinity}]',
    "deep": "[" * 100_000 + "]" * 100_000,
    "deep object": '{"reports": ' + '{"a": ' * (MAX_DEPTH + 5) + "1" + "}" * (MAX_DEPTH + 6),
    "string": '"/etc/passwd"',
    "path in reports": '{"reports": "/etc/passwd"}',
    "other keys": '{"reports": [], "extra": 1}',
    "empty list": "[]",
    "numbers": "[1, 2, 3]",
    "nested values": '[{"firm_id": {"a": 1}, "period": "2024-03", "metric": "sales", "value": [1], "unit": "万元"}]',
    "number": "42",
}


@pytest.mark.parametrize("case", sorted(BAD_JSON))
def test_corrupted_json_is_a_located_problem(tmp_path, case):
    with pytest.raises(ValidationError) as ei:
        read_reports(_write(tmp_path, "bad.json", BAD_JSON[case]))
    assert ei.value.problems[0].source == "bad.json"
    assert "/etc/passwd" not in str(ei.value) or case in ("string", "path in reports") and "root:" not in str(ei.value)


def test_bad_json_bytes(tmp_path):
    with pytest.raises(ValidationError):
        read_reports(_write(tmp_path, "bad.json", b"\xff\xfe\x00[\x00"))
    with pytest.raises(InduscopeError):
        read_reports(tmp_path / "missing.json")
