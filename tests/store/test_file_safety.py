"""What we open: only an empty file or one of ours, never a FIFO or a device; a newer version's
file read-only with the reason; a file whose folder was deleted refuses saves and says so; a full
disk is called full, never "damaged".

(Locks on the file while it is open: tests/test_locks.py; output files: tests/test_outputs.py.)
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import run_cli

from tracker.session import open_session
from tracker.store.repository import ReadOnlyError, Repository, StorageError
from tracker.store.sqlite import backup
from tracker.store.sqlite import connect as dbmod

ROOT = Path(__file__).resolve().parents[2]
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def files(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file in ``folder``: its bytes and its permission bits."""
    return {p.name: (p.read_bytes(), stat.S_IMODE(p.stat().st_mode))
            for p in sorted(folder.iterdir()) if p.is_file()}


def _seeded(path: Path) -> Path:
    with open_session(path, seed=True, user="tester"):
        pass
    return path


# --- another program's SQLite file ---------------------------------------------------------------

def _places_sqlite(path: Path, journal: str) -> Path:
    """An SQLite file of another program, as a browser keeps its history: WAL mode, 0644."""
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA journal_mode = {journal}")
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT, title TEXT)")
    conn.execute("CREATE TABLE moz_historyvisits (id INTEGER PRIMARY KEY, place_id INTEGER)")
    conn.executemany("INSERT INTO moz_places(url, title) VALUES (?, ?)",
                     [(f"https://example.org/{i}", f"Page {i}") for i in range(200)])
    conn.commit()
    conn.close()
    os.chmod(path, 0o644)
    return path


@pytest.mark.parametrize("journal", ["wal", "delete"])
@pytest.mark.parametrize("how", ["repository", "read-only", "app", "cli"])
def test_another_programs_sqlite_file_is_refused_and_not_one_byte_changes(tmp_path, journal, how):
    folder = tmp_path / "profile"
    folder.mkdir()
    path = _places_sqlite(folder / "places.sqlite", journal)
    before = files(folder)
    if how == "cli":
        result = run_cli("--db", str(path), "add", "roadmap", "title=x")
        assert result.returncode == 1 and "Traceback" not in result.stderr
        message = result.stderr.strip()
    else:
        with pytest.raises(dbmod.ForeignDatabase) as info:
            open_session(path, seed=True, user="tester", read_only=how == "read-only",
                       background_check=how == "app")
        message = str(info.value)
    assert str(path) in message and "another program" in message and "\n" not in message
    # not one byte, no journal switch, no chmod, no -wal/-shm left behind
    assert files(folder) == before


def test_an_empty_sqlite_file_becomes_ours(tmp_path):
    """A database with no table at all (made by another tool's "new file") holds nothing to
    lose: it is taken as a new, empty tracker file."""
    path = tmp_path / "new.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 0")
    conn.execute("VACUUM")  # writes the header page
    conn.close()
    assert path.stat().st_size > 0
    with open_session(path, seed=True, user="tester") as repo:
        assert not repo.read_only and repo.count("agreements") == 0
        repo.create("agreements", {"title": "The first one"})
    with Repository(path, user="tester") as repo:
        assert repo.count("agreements") == 1


def test_our_files_from_every_release_are_still_ours(tmp_path):
    from test_migrations import make_first_schema_file

    path = tmp_path / "old.db"
    make_first_schema_file(path)
    with Repository(path, user="tester") as repo:
        assert not repo.read_only and repo.count("agreements") == 1


# --- a newer version's file -----------------------------------------------------------------------

def _from_a_newer_version(path: Path, change: str) -> None:
    conn = sqlite3.connect(path)
    if change == "migration":
        conn.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
                     "VALUES ('tracker', '0042_budgets', '2030-01-01T00:00:00')")
    conn.execute("ALTER TABLE roadmap ADD COLUMN budget TEXT")
    conn.execute("UPDATE roadmap SET budget = '1.5 mln'")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("change", ["migration", "column"])
def test_a_newer_versions_file_opens_read_only_and_says_why(tmp_path, change):
    path = _seeded(tmp_path / "tracker.db")
    _from_a_newer_version(path, change)
    before = path.read_bytes()
    repo = Repository(path, user="tester")
    try:
        assert repo.read_only
        reason = repo.read_only_reason
        assert reason and "newer version" in reason and str(path) in reason
        assert ("0042_budgets" if change == "migration" else "budget") in reason
        assert repo.count("roadmap") > 0  # reading works
        with pytest.raises(ReadOnlyError, match="newer version"):
            repo.create("roadmap", {"title": "x"})
    finally:
        repo.close()
    assert path.read_bytes() == before
    conn = sqlite3.connect(path)
    assert {r[0] for r in conn.execute("SELECT budget FROM roadmap")} == {"1.5 mln"}
    conn.close()
    env = {"TRACKER_DB": str(path)}
    added = run_cli("add", "roadmap", "title=x", env=env)
    assert added.returncode == 1 and "newer version" in added.stderr
    assert len(added.stderr.strip().splitlines()) == 1
    listed = run_cli("list", "roadmap", "--json", env=env)
    assert listed.returncode == 0 and '"title"' in listed.stdout, listed.stderr
    assert path.read_bytes() == before


# --- FIFOs and devices ----------------------------------------------------------------------------

def test_a_fifo_given_as_the_database_is_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    code = (f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
            "from tracker.store.repository import Repository\n"
            "from tracker.store.sqlite.connect import DatabaseError\n"
            f"try:\n    Repository({str(fifo)!r})\nexcept DatabaseError as exc:\n    print(exc)\n")
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=20)
    except subprocess.TimeoutExpired:
        pytest.fail("opening a FIFO as the database hangs")
    assert "not a regular file" in out.stdout and str(fifo) in out.stdout, out.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe.db"]


@pytest.mark.skipif(not IS_ROOT, reason="making a device node needs root")
def test_a_device_given_as_the_database_is_refused_and_left_alone(tmp_path):
    device = tmp_path / "null.db"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # as /dev/null
    except PermissionError:
        pytest.skip("no device nodes here")
    mode = stat.S_IMODE(device.stat().st_mode)
    with pytest.raises(dbmod.DatabaseError, match="not a regular file"):
        open_session(device, seed=True, user="tester")
    assert stat.S_ISCHR(device.stat().st_mode)
    assert stat.S_IMODE(device.stat().st_mode) == mode != 0o600  # not made "private"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null.db"]  # no -journal beside it
    result = run_cli("--db", str(device), "list", "roadmap")
    assert result.returncode == 1 and "not a regular file" in result.stderr


# --- the folder deleted while the file is open ----------------------------------------------------

@pytest.mark.parametrize("what", ["folder deleted", "folder moved", "file replaced"])
def test_a_save_after_the_file_went_away_is_refused_and_says_so(tmp_path, what):
    folder = tmp_path / "desk"
    path = folder / "tracker.db"
    repo = Repository(path, user="tester")
    try:
        kept = repo.create("roadmap", {"title": "Saved while it was there"}).record_id
        audit = repo.backend.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
        undo = repo.undo_label()
        if what == "folder deleted":
            shutil.rmtree(folder)
        elif what == "folder moved":
            folder.rename(tmp_path / "elsewhere")
        else:
            shutil.copytree(folder, tmp_path / "copy")
            os.replace(tmp_path / "copy" / "tracker.db", path)
        with pytest.raises(StorageError) as info:
            repo.create("roadmap", {"title": "Acknowledged into nowhere?"})
        assert "not saved" in str(info.value) and str(path) in str(info.value)
        assert "no longer there" in str(info.value)
        with pytest.raises(StorageError):
            repo.update("roadmap", kept, {"progress": 50}, expected_version=1)
        # nothing was written, not even into the lost file
        assert repo.backend.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == audit
        assert repo.undo_label() == undo
        if what == "folder moved":  # put back where it was: saving works again
            (tmp_path / "elsewhere").rename(folder)
            repo.create("roadmap", {"title": "Saved once it was back"})
    finally:
        repo.close()


# --- a full disk ----------------------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB file system of its own (tmpfs; needs root), to fill up for real."""
    folder = tmp_path / "small"
    folder.mkdir()
    if not IS_ROOT or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs",
                           str(folder)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def _fill(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    try:
        while True:
            os.write(fd, b"\0")
    except OSError:
        pass
    os.close(fd)
    return filler


def test_a_full_disk_is_called_full_and_the_file_still_reads(small_disk):
    """On a full disk SQLite cannot build the -shm a WAL file needs (it leaves a 3-byte one):
    opening said "disk I/O error", then "damaged ... restore the newest good backup" although
    the file was fine. It is read-only now, says the disk is full, and everything reads."""
    path = _seeded(small_disk / "tracker.db")
    with Repository(path, user="tester") as repo:
        titles = sorted(r["title"] for r in repo.list("roadmap", columns=["title"]))
    filler = _fill(small_disk)
    before = {p.name for p in small_disk.iterdir()}
    env = {"TRACKER_DB": str(path)}
    for attempt in (1, 2):
        if attempt == 2:  # a program opening it for writing leaves a 3-byte -shm (and -wal)
            other = sqlite3.connect(path)
            with pytest.raises(sqlite3.OperationalError, match="disk I/O error"):
                other.execute("SELECT count(*) FROM roadmap")
            other.close()
            assert Path(f"{path}-shm").stat().st_size == 3
        listed = run_cli("list", "roadmap", "--json", env=env)
        assert listed.returncode == 0, (attempt, listed.stderr)
        assert sorted(r["title"] for r in json.loads(listed.stdout)) == titles
        assert "is damaged" not in listed.stderr and "restore" not in listed.stderr
        added = run_cli("add", "roadmap", "title=Does not fit", env=env)
        assert added.returncode == 1
        assert "disk" in added.stderr and "full" in added.stderr, added.stderr
        assert "is damaged" not in added.stderr and "restore" not in added.stderr.lower()
        checked = run_cli("check", env=env)
        assert checked.returncode == 0 and "Integrity check: ok" in checked.stdout, (
            checked.stdout + checked.stderr)
        if attempt == 1:  # reading on a full disk left nothing beside the file
            assert {p.name for p in small_disk.iterdir()} == before
    repo = Repository(path, user="tester", background_check=True)  # as the app opens it
    try:
        assert repo.read_only and "full" in repo.read_only_reason
        assert "not damaged" in repo.read_only_reason
        assert sorted(r["title"] for r in repo.list("roadmap", columns=["title"])) == titles
        assert repo.verify() is None
    finally:
        repo.close()
    filler.unlink()  # room again: the same file opens for writing, nothing lost
    with Repository(path, user="tester") as repo:
        assert not repo.read_only
        repo.create("roadmap", {"title": "Fits now"})
        assert len(repo.list("roadmap")) == len(titles) + 1
    assert backup.check(path).ok


def test_a_full_disk_for_a_new_file_says_so(small_disk):
    filler = _fill(small_disk)
    with pytest.raises(dbmod.DatabaseError) as info:
        open_session(small_disk / "new.db", seed=True, user="tester")
    assert "disk holding" in str(info.value) and "is damaged" not in str(info.value)
    filler.unlink()
