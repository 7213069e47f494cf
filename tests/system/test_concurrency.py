"""Two processes (or two windows: two Repository objects in threads) writing one file never see
"database is locked" (immediate transactions and a busy timeout), and no update is lost: a save
based on an old version is refused with ConflictError. WAL is not used on network shares."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tracker.session import open_session
from tracker.store.repository import ConflictError, Repository
from tracker.store.sqlite import connect as dbmod

ROOT = Path(__file__).resolve().parents[2]

WORKER = r"""
import json, sys, time
sys.path.insert(0, {root!r})
from tracker.store.repository import ConflictError, Repository

target, name, counter_id, start_at, seconds = sys.argv[1:6]
repo = Repository(target, user=name)
counter_id, start_at, seconds = int(counter_id), float(start_at), float(seconds)
while time.time() < start_at:
    time.sleep(0.001)
created, appended, conflicts = [], 0, 0
end = time.time() + seconds
i = 0
while time.time() < end:
    i += 1
    created.append(repo.create("roadmap", {{"title": f"{{name}} {{i}}"}}).record_id)
    while True:  # read-modify-write of one shared record: retry on conflict, never overwrite
        rec = repo.get("roadmap", counter_id)
        try:
            repo.update("roadmap", counter_id, {{"notes": (rec["notes"] or "") + name[0]}},
                        expected_version=rec["version"])
            appended += 1
            break
        except ConflictError:
            conflicts += 1
repo.close()
print(json.dumps({{"created": created, "appended": appended, "conflicts": conflicts}}))
"""


BOTH_ENGINES = True  # the tests using ``shared`` run on an SQLite file and on a server


@pytest.fixture
def shared(engine):
    with engine.open(user="setup") as repo:
        counter = repo.create("roadmap", {"title": "Shared counter"}).record_id
    return engine, counter


def _check_final(engine, counter, results):
    with engine.open(user="check") as repo:
        titles = {r["title"] for r in repo.list("roadmap", columns=["title"])}
        notes = repo.get("roadmap", counter)["notes"] or ""
        audit = engine.sql("SELECT count(*) FROM audit")[0][0]
        assert engine.integrity_ok()
    made = sum(len(r["created"]) for r in results.values())
    appended = sum(r["appended"] for r in results.values())
    assert made > 20 and appended > 20
    for name, r in results.items():
        assert {f"{name} {i}" for i in range(1, len(r["created"]) + 1)} <= titles
        # every save each writer was told succeeded is in the record: no lost update
        assert notes.count(name[0]) == r["appended"]
    assert len(notes) == appended
    assert audit == 1 + made + appended  # one audit entry per change, none lost or doubled


def test_two_processes_writing_in_tight_loops(shared):
    engine, counter = shared
    targets = {name: str(engine.target(name)) for name in ("Alpha", "Beta")}
    start = time.time() + 1.5  # both start writing at the same moment
    procs = {name: subprocess.Popen(
        [sys.executable, "-c", WORKER.format(root=str(ROOT)), targets[name], name, str(counter),
         str(start), "2.5"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("Alpha", "Beta")}
    results = {}
    for name, proc in procs.items():
        out, err = proc.communicate(timeout=90)
        assert "locked" not in err and proc.returncode == 0, err
        results[name] = json.loads(out)
    _check_final(engine, counter, results)


def test_two_windows_in_threads_writing_in_tight_loops(shared):
    engine, counter = shared
    results, errors = {}, []
    targets = {name: engine.target(name) for name in ("Alpha", "Beta")}

    def work(name: str) -> None:
        try:
            repo = Repository(targets[name], user=name)
            created, appended, conflicts = [], 0, 0
            end = time.time() + 2.0
            i = 0
            while time.time() < end:
                i += 1
                created.append(repo.create("roadmap", {"title": f"{name} {i}"}).record_id)
                while True:
                    rec = repo.get("roadmap", counter)
                    try:
                        repo.update("roadmap", counter, {"notes": (rec["notes"] or "") + name[0]},
                                    expected_version=rec["version"])
                        appended += 1
                        break
                    except ConflictError:
                        conflicts += 1
            repo.close()
            results[name] = {"created": created, "appended": appended, "conflicts": conflicts}
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(f"{name}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=work, args=(n,)) for n in ("Alpha", "Beta")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    _check_final(engine, counter, results)


def test_a_save_based_on_an_old_version_is_refused(shared):
    engine, counter = shared
    first, second = engine.open(user="first"), engine.open(user="second")
    try:
        a = first.get("roadmap", counter)
        b = second.get("roadmap", counter)
        first.update("roadmap", counter, {"progress": 40}, expected_version=a["version"])
        with pytest.raises(ConflictError) as info:
            second.update("roadmap", counter, {"progress": 90}, expected_version=b["version"])
        assert "first" in str(info.value) and "reload" in str(info.value)
        assert info.value.current["progress"] == 40
        assert second.get("roadmap", counter)["progress"] == 40
        with pytest.raises(ConflictError):
            second.delete("roadmap", counter, expected_version=b["version"])
        assert not second.get("roadmap", counter)["deleted_at"]
    finally:
        first.close()
        second.close()


@pytest.mark.sqlite_only
def test_a_writer_holding_the_lock_makes_the_other_wait_not_fail(shared):
    """A save that meets another process's open transaction waits (busy timeout)."""
    engine, _counter = shared
    path = engine.path
    blocker = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    threading.Timer(1.0, lambda: blocker.execute("COMMIT")).start()
    with Repository(path, user="waiter") as repo:
        started = time.monotonic()
        repo.create("roadmap", {"title": "Waited for the lock"})
        assert time.monotonic() - started >= 0.8
    blocker.close()


# --- network shares ------------------------------------------------------------------------------

MOUNTINFO = """\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 253:0 / / rw,relatime - ext4 /dev/vda rw
40 27 0:50 / /srv/share rw,relatime - nfs4 fs:/export rw,vers=4.2
41 27 0:51 / /mnt/office\\040files rw,relatime - cifs //fs/office rw
42 27 0:52 / /home/me/remote rw - fuse.sshfs me@host:/data rw
43 40 0:53 / /srv/share/local rw - ext4 /dev/vdb rw
"""


@pytest.mark.parametrize("path, expected", [
    ("/home/me/tracker.db", "ext4"),
    ("/srv/share/tracker.db", "nfs4"),
    ("/srv/sharedrive/tracker.db", "ext4"),  # a prefix of the name is not the mount
    ("/mnt/office files/desk/tracker.db", "cifs"),
    ("/home/me/remote/tracker.db", "fuse.sshfs"),
    ("/srv/share/local/tracker.db", "ext4"),  # mounted over the share
])
def test_filesystem_type_from_mountinfo(path, expected):
    assert dbmod.filesystem_type(path, MOUNTINFO) == expected


@pytest.mark.parametrize("fstype, network", [
    ("nfs4", True), ("cifs", True), ("smb3", True), ("fuse.sshfs", True), ("9p", True),
    ("ext4", False), ("btrfs", False), ("tmpfs", False), ("fuse.portal", False), (None, False),
])
def test_network_filesystems(fstype, network):
    assert dbmod.is_network_filesystem(fstype) is network


def test_on_a_network_share_the_file_uses_a_rollback_journal_and_warns(tmp_path, monkeypatch):
    monkeypatch.setattr(dbmod, "filesystem_type", lambda path, mountinfo=None: "nfs4")
    path = tmp_path / "tracker.db"
    repo = open_session(path, seed=True, user="tester")
    try:
        assert repo.backend.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert any("network share (nfs4)" in w and "WAL" in w for w in repo.warnings)
        repo.create("roadmap", {"title": "Saved on the share"})
        assert not (tmp_path / "tracker.db-wal").exists()
    finally:
        repo.close()
    # a file that was in WAL mode (copied onto the share) is switched back when opened there
    monkeypatch.setattr(dbmod, "filesystem_type", lambda path, mountinfo=None: "ext4")
    with Repository(path, user="tester") as local:
        assert local.backend.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert local.warnings == []
    monkeypatch.setattr(dbmod, "filesystem_type", lambda path, mountinfo=None: "cifs")
    with Repository(path, user="tester") as again:
        assert again.backend.conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert again.count("roadmap") > 0


# --- a write that waits for another program's long write (an import) ---------------------------

HOLDER = r"""
import sys, time
sys.path.insert(0, {root!r})
from tracker.store.repository import Repository
repo = Repository(sys.argv[1], user="alice")
with repo.batch(activity="importing big.json (250000 records)"):
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
repo.close()
"""


def _cli(db, *args):
    from click.testing import CliRunner

    from tracker.cli.main import main

    return CliRunner().invoke(main, ["--db", str(db), "--language", "en", *args])


@pytest.fixture
def seeded_db(tmp_path):
    db = tmp_path / "seeded.db"
    assert _cli(db, "init").exit_code == 0
    return db


def _hold(db: Path, seconds: float) -> subprocess.Popen:
    """Another program holding the write lock for ``seconds``, having said it is importing."""
    holder = subprocess.Popen([sys.executable, "-c", HOLDER.format(root=str(ROOT)), str(db),
                               str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "holding"
    return holder


def test_add_during_another_programs_import_waits_and_says_for_what(seeded_db, monkeypatch):
    """SQLite's busy timeout (15 s) is shorter than a large import's write: an `add` run meanwhile
    failed with 'database is locked'. It now says what it waits for and saves when it can."""
    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 300)  # stands for a write longer than it
    holder = _hold(seeded_db, 1.5)
    try:
        started = time.monotonic()
        result = _cli(seeded_db, "add", "people", "title=Patient colleague")
        waited = time.monotonic() - started
    finally:
        holder.wait(timeout=30)
    assert result.exit_code == 0, result.stderr
    assert "Waiting: alice is importing big.json (250000 records)" in result.stderr
    assert waited > 0.8
    assert "Patient colleague" in _cli(seeded_db, "list", "people").stdout
    assert not Path(str(seeded_db) + ".writing").exists()  # the note went with the import


def test_without_a_listener_the_wait_ends_with_who_holds_the_file(seeded_db, monkeypatch):
    from tracker.store.repository import StorageError

    monkeypatch.setattr(dbmod, "BUSY_TIMEOUT_MS", 300)
    holder = _hold(seeded_db, 1.2)
    try:
        with Repository(seeded_db, user="gui") as repo, pytest.raises(StorageError) as info:
            repo.create("people", {"title": "Impatient"})
    finally:
        holder.wait(timeout=30)
    assert "alice is importing big.json" in str(info.value)
    assert "Nothing was written" in str(info.value)
    with Repository(seeded_db, user="gui") as repo:
        assert not repo.list("people", search="Impatient")


def test_a_note_left_by_a_program_that_ended_is_ignored(seeded_db):
    from tracker.store.sqlite.notes import note_path, read_note

    note_path(seeded_db).write_text(json.dumps({
        "pid": 2**22 + 12345, "host": __import__("socket").gethostname(), "who": "ghost",
        "activity": "importing nothing", "since": "2020-01-01 00:00:00"}))
    assert read_note(seeded_db) is None  # no such process: the note is stale
    assert _cli(seeded_db, "add", "people", "title=Someone").exit_code == 0
