"""Kill a writer at random points (SIGKILL) during a large write and during small writes: the
workspace's content is either exactly as before or exactly as after the whole write, never partly
written; the next write works. Checked on table contents (the file's bytes may differ: writes are in
place and a killed transaction can leave free blocks behind)."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest

from induscope.store import Workspace, insert_frame

pytestmark = pytest.mark.slow

ROUNDS = 5  # per kind of write; every round is one process killed at a random instant
#: a small write takes milliseconds: on a loaded machine all of the first rounds' kills can land after its
#: commit, so rounds go on (up to this many) until at least one kill has landed inside a write
MAX_ROUNDS = 25

WRITER = textwrap.dedent("""
    import pathlib, sys, time
    import numpy as np, pandas as pd
    from induscope.store import Workspace, insert_frame
    home, kind, tag, marker = sys.argv[1:5]
    ws = Workspace(home)
    if kind == "large":
        n = 250_000
        rng = np.random.default_rng(7)
        frame = pd.DataFrame({"dataset_id": tag, "indicator": "x", "region": "110000", "industry": "C",
                              "period": [f"{1000 + i // 12}-{i % 12 + 1:02d}" for i in range(n)], "freq": "M",
                              "value": rng.normal(size=n), "unit": "%", "price_basis": "current",
                              "vintage": tag})
    pathlib.Path(marker).write_text("start")
    t0 = time.monotonic()
    with ws.writer() as con:
        con.execute("INSERT INTO datasets (dataset_id, kind, name) VALUES (?, 'series', ?)", [tag, tag])
        if kind == "large":
            insert_frame(con, "series", frame)
        else:
            con.execute("UPDATE datasets SET name = 'touched' WHERE dataset_id = 'base'")
    print("committed", time.monotonic() - t0, flush=True)
""")


def digest(ws: Workspace) -> dict[str, tuple]:
    with ws.session() as s:
        return {t: tuple(s.rows(f'SELECT count(*), sum(hash(x)::HUGEINT) FROM "{t}" x')[0]) for t in s.tables()}


def digest_without(ws: Workspace, tag: str) -> dict[str, tuple]:
    """The content with the write ``tag`` taken out again (what 'as before' means after a commit)."""
    with ws.session() as s:
        out = {}
        for t in s.tables():
            where = {"datasets": "WHERE dataset_id <> ?", "series": "WHERE dataset_id <> ?"}.get(t, "")
            out[t] = tuple(s.rows(f'SELECT count(*), sum(hash(x)::HUGEINT) FROM "{t}" x {where}',
                                  [tag] if where else [])[0])
        return out


@pytest.fixture()
def filled(tmp_path) -> Workspace:
    ws = Workspace(tmp_path / "ws").ensure()
    n = 50_000
    rng = np.random.default_rng(1)
    with ws.writer() as con:
        con.execute("INSERT INTO datasets (dataset_id, kind, name) VALUES ('base', 'series', 'base')")
        insert_frame(con, "series", pd.DataFrame({
            "dataset_id": "base", "indicator": "y", "region": "320000", "industry": "C",
            "period": [f"{1000 + i // 12}-{i % 12 + 1:02d}" for i in range(n)], "freq": "M",
            "value": rng.normal(size=n), "unit": "%", "price_basis": "current", "vintage": "v1"}))
    return ws


def _kill_at_random(ws: Workspace, kind: str, tag: str, tmp, window: float, rng: random.Random) -> bool:
    """Start a writer, SIGKILL it a random time after it starts writing; True if it had committed."""
    marker = tmp / f"{tag}.started"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(ws.home), kind, tag, str(marker)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 60
    while not marker.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.005)
    time.sleep(rng.uniform(0, window))
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, -signal.SIGKILL), err
    return "committed" in out


@pytest.mark.parametrize("kind", ["large", "small"])
def test_sigkill_at_random_points_leaves_content_before_or_after(filled, tmp_path, kind):
    rng = random.Random(f"induscope-{kind}")
    # how long one such write takes here (commit and close included), so the kills land inside it
    probe = subprocess.run([sys.executable, "-c", WRITER, str(filled.home), kind, "probe",
                            str(tmp_path / "probe.started")], check=True, capture_output=True, text=True)
    window = float(probe.stdout.split()[1]) * 1.3 + 0.01
    _cleanup(filled, "probe")

    outcomes: list[bool] = []
    for k in range(MAX_ROUNDS):
        if k >= ROUNDS and not all(outcomes):
            break
        tag = f"w{k}"
        before = digest(filled)
        committed = _kill_at_random(filled, kind, tag, tmp_path, window, rng)
        outcomes.append(committed)
        if committed or digest(filled) != before:
            # committed (perhaps killed just before it could say so): all of the write is there
            _assert_whole_write(filled, kind, tag, before)
            _cleanup(filled, tag)
        assert digest(filled) == before, f"round {k}: a killed {kind} write changed the workspace"
    # a later write works and sees everything
    with filled.writer() as con:
        con.execute("INSERT INTO datasets (dataset_id, kind, name) VALUES ('after', 'series', 'after')")
    with filled.session() as s:
        assert s.rows("SELECT count(*) FROM series WHERE dataset_id = 'base'")[0][0] == 50_000
        assert s.rows("SELECT count(*) FROM datasets WHERE dataset_id = 'after'")[0][0] == 1
    assert not list(filled.home.glob("*.writing*"))
    assert not all(outcomes), "every kill came after the commit: the kills never hit a write"


def _assert_whole_write(ws: Workspace, kind: str, tag: str, before: dict[str, tuple]) -> None:
    after = digest(ws)
    assert {t: v for t, v in after.items() if t not in ("datasets", "series")} == \
        {t: v for t, v in before.items() if t not in ("datasets", "series")}
    with ws.session() as s:
        assert s.rows("SELECT count(*) FROM datasets WHERE dataset_id = ?", [tag])[0][0] == 1
        if kind == "large":
            assert s.rows("SELECT count(*) FROM series WHERE dataset_id = ?", [tag])[0][0] == 250_000
        else:
            assert s.rows("SELECT name FROM datasets WHERE dataset_id = 'base'")[0][0] == "touched"
    if kind == "large":
        assert digest_without(ws, tag) == before
    else:
        assert after["series"] == before["series"] and after["datasets"][0] == before["datasets"][0] + 1


def _cleanup(ws: Workspace, tag: str) -> None:
    with ws.writer() as con:
        con.execute("DELETE FROM series WHERE dataset_id = ?", [tag])
        con.execute("DELETE FROM datasets WHERE dataset_id = ?", [tag])
        con.execute("UPDATE datasets SET name = 'base' WHERE dataset_id = 'base'")
