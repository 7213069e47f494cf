"""Crashes: a writing process killed with SIGKILL at random moments, many times over. After each
kill the file passes ``integrity_check``, every save the writer reported done (it prints after the
commit returned) is there, and no multi-record write (an import, a record with its citations and
audit entry) is half applied."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tracker.store.repository import Repository

ROOT = Path(__file__).resolve().parents[2]

BATCH = 5
CITES = 2

WRITER = r"""
import random, sys
sys.path.insert(0, {root!r})
from tracker.store.repository import Repository
try:
    from tracker.exchange import import_data
except ImportError:
    import_data = None

path, tag, source_id = sys.argv[1], sys.argv[2], int(sys.argv[3])
rng = random.Random(tag)
repo = Repository(path, user="writer")
mine = []
print("ready", flush=True)
n = 0
while True:
    n += 1
    op = rng.random()
    if op < 0.35 or not mine:
        values = {{"title": f"{{tag}} made {{n}}", "notes": "x" * rng.randint(0, 20000)}}
        cites = [{{"source_id": source_id, "quote": f"q{{i}}"}} for i in range({cites})]
        rid = repo.create("roadmap", values, citations=cites).record_id
        mine.append(rid)
        print(f"create {{rid}} {{tag}} made {{n}}", flush=True)
    elif op < 0.7:
        rid = rng.choice(mine)
        rec = repo.get("roadmap", rid)
        token = f"<{{tag}}.{{n}}>"
        repo.update("roadmap", rid, {{"notes": (rec["notes"] or "")[-2000:] + token}},
                    expected_version=rec["version"])
        print(f"update {{rid}} {{token}}", flush=True)
    elif import_data is not None:
        batch = f"{{tag}}-{{n}}"
        import_data(repo, {{"roadmap": [{{"title": f"batch {{batch}} item {{j}}", "notes": batch}}
                                      for j in range({batch_size})]}})
        print(f"import {{batch}}", flush=True)
    else:
        rid = rng.choice(mine)
        repo.delete("roadmap", rid)
        repo.restore("roadmap", rid)
        print(f"trash {{rid}}", flush=True)
"""


def _check(path, reported: dict) -> None:
    conn = sqlite3.connect(path, isolation_level=None)  # a fresh open recovers from the WAL
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        rows = {rid: (title, notes) for rid, title, notes in
                conn.execute("SELECT id, title, notes FROM roadmap")}
        for rid, title in reported["create"].items():
            assert rows.get(rid, (None,))[0] == title, f"reported create {rid} is missing"
        for rid, token in reported["update"].items():
            assert token in (rows[rid][1] or ""), f"reported update {token} on {rid} is missing"
        # imports: all of a batch or none of it
        batches = Counter(notes for title, notes in rows.values()
                          if title and title.startswith("batch "))
        assert all(count == BATCH for count in batches.values()), batches
        assert set(reported["import"]) <= set(batches)
        # a record never lacks its citations, its search entry or its audit entry
        cites = Counter(r for (r,) in conn.execute(
            "SELECT record_id FROM citations WHERE kind = 'roadmap'"))
        audited = {r for (r,) in conn.execute(
            "SELECT record_id FROM audit WHERE kind = 'roadmap' AND action IN "
            "('create', 'import')")}
        indexed = Counter(r for (r,) in conn.execute(
            "SELECT record_id FROM search WHERE kind = 'roadmap'"))
        for rid, (title, _notes) in rows.items():
            if " made " in (title or ""):
                assert cites[rid] == CITES, f"record {rid} has {cites[rid]} citations"
            assert rid in audited, f"record {rid} has no audit entry"
            assert indexed[rid] == 1, f"record {rid} has {indexed[rid]} search entries"
    finally:
        conn.close()


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_reported_save(tmp_path):
    path = tmp_path / "tracker.db"
    with Repository(path, user="setup") as repo:
        source = repo.create("sources", {"title": "Article"}).record_id
        repo.create("roadmap", {"title": "Before the crashes"})
    rng = random.Random(20261127)
    reported: dict = {"create": {}, "update": {}, "import": []}
    started = time.monotonic()
    kills = 0
    for round_no in range(30):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER.format(root=str(ROOT), cites=CITES, batch_size=BATCH),
             str(path), f"w{round_no}", str(source)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.02, 0.5))
        os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL, err
        kills += 1
        for line in out.splitlines(keepends=True):
            if not line.endswith("\n"):
                continue  # cut off mid-line: not reported
            op, rest = line.split(" ", 1)
            if op == "create":
                rid, title = rest.strip().split(" ", 1)
                reported["create"][int(rid)] = title
            elif op == "update":
                rid, token = rest.split()
                reported["update"][int(rid)] = token  # later tokens keep the earlier ones
            elif op == "import":
                reported["import"].append(rest.strip())
        _check(path, reported)
        if time.monotonic() - started > 50:
            break
    assert kills >= 20
    assert len(reported["create"]) > 30 and len(reported["update"]) > 10
    with Repository(path, user="after") as repo:  # and the program opens it normally
        assert repo.count("roadmap") >= len(reported["create"])
