"""The one home of each utility: JSON conversion, atomic files and folders, accelerator resolution."""
from __future__ import annotations

import json
import math
from datetime import date

import numpy as np
import pandas as pd
import pytest

from induscope._files import atomic_dir, atomic_file, write_csv
from induscope._json import dumps, jsonable
from induscope.core import _accel
from induscope.errors import InputError, ModelError


def test_jsonable_makes_every_value_plain_and_finite():
    frame = pd.DataFrame({"a": [1.0, np.nan], "b": ["x", None]})
    d = {1: np.float64(math.inf), "n": np.int64(3), "b": np.bool_(True), "arr": np.array([1.5, np.nan]),
         "t": (1, 2), "s": {3}, "d": date(2025, 2, 28), "ts": pd.Timestamp("2025-01-01"), "nat": pd.NaT,
         "df": frame, "ser": pd.Series({"k": 1.0})}
    out = jsonable(d)
    assert out == {"1": None, "n": 3, "b": True, "arr": [1.5, None], "t": [1, 2], "s": [3], "d": "2025-02-28",
                   "ts": "2025-01-01T00:00:00", "nat": None, "df": [{"a": 1.0, "b": "x"}, {"a": None, "b": None}],
                   "ser": {"k": 1.0}}
    text = dumps(d)
    assert json.loads(text)["1"] is None and "NaN" not in text and "Infinity" not in text
    assert dumps({"名": "上海"}) == '{"名": "上海"}'


def test_atomic_file_leaves_nothing_behind_on_error(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_file(target) as tmp:
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert target.read_text() == "old" and sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    write_csv(pd.DataFrame({"a": [1]}), target, index=False)
    assert target.read_text().splitlines() == ["a", "1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]
    with pytest.raises(InputError):
        write_csv(pd.DataFrame({"a": [1]}), tmp_path / "no" / "x.csv", create_parent=False)


def test_atomic_dir_replaces_a_folder_whole_or_not_at_all(tmp_path):
    out = tmp_path / "tables"
    with atomic_dir(out) as tmp:
        (tmp / "a.csv").write_text("1")
    with pytest.raises(RuntimeError):
        with atomic_dir(out) as tmp:
            (tmp / "b.csv").write_text("2")
            raise RuntimeError("killed")
    assert sorted(p.name for p in out.iterdir()) == ["a.csv"]
    with atomic_dir(out) as tmp:
        (tmp / "c.csv").write_text("3")
    assert sorted(p.name for p in out.iterdir()) == ["c.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tables"]


def test_device_and_engine_resolution_without_a_gpu():
    assert _accel.resolve_device("cpu") == ("cpu", None)
    assert _accel.resolve_device("auto", probe=lambda: None) == ("cpu", None)
    assert _accel.resolve_device("auto", probe=lambda: "torch") == ("torch", None)
    with pytest.raises(ModelError, match="gpu"):
        _accel.resolve_device("gpu", probe=lambda: None)
    lib, why = _accel.resolve_device("gpu", probe=lambda: None, fallback=True)
    assert lib == "cpu" and why
    with pytest.raises(ModelError):
        _accel.resolve_device("tpu")
    assert _accel.resolve_engine("numpy") == "numpy"
    assert _accel.resolve_engine("auto") == ("numba" if _accel.HAVE_NUMBA else "numpy")
    with pytest.raises(InputError):
        _accel.resolve_engine("turbo")


def test_first_numba_compile_is_announced_once(monkeypatch, tmp_path, capsys):
    from induscope.cli import _numba_note

    if not _accel.HAVE_NUMBA:
        pytest.skip("numba is not installed")
    monkeypatch.setattr(_numba_note, "_cache_dirs", lambda: [tmp_path])
    assert _numba_note.announce_first_compile("auto") is True
    assert "once per install" in capsys.readouterr().err
    assert _numba_note.announce_first_compile("numpy") is False
    (tmp_path / "_numba_kernels._esri_loop-520.py311.nbi").write_bytes(b"")
    assert _numba_note.announce_first_compile("auto") is False
