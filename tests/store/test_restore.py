"""Restore: never a half-written database, whatever moment the process is killed at; the next
command finishes or undoes an interrupted restore and says where the file set aside is; a backup
that is the database itself, or no tracker database at all, is refused; set-aside files never
overwrite each other; a program writing while a restore runs waits, and its save is kept."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clirun import run_cli

from tracker.seed.synthetic import generate
from tracker.session import open_session
from tracker.store.repository import Repository
from tracker.store.sqlite import backup
from tracker.store.sqlite import restore as restoring

ROOT = Path(__file__).resolve().parents[2]
UTC = dt.UTC


def titles(path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT title FROM roadmap WHERE deleted_at IS NULL")}
    finally:
        conn.close()


def listed_titles(db_path) -> tuple[set[str], str]:
    """What the next command (the CLI) sees: the road map's titles, and what it said."""
    result = run_cli("list", "roadmap", "--json", env={"TRACKER_DB": str(db_path)})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return {r["title"] for r in json.loads(result.stdout)}, result.stderr


def leftovers(folder: Path) -> list[str]:
    """Hidden files a restore works with: none may stay once the next command has run."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def two_states(tmp_path):
    """A database and a backup of it that differ by one road-map item."""
    db = tmp_path / "desk.db"
    with open_session(db, seed=True, user="tester") as repo:
        repo.create("roadmap", {"title": "In the backup"})
        made = backup.create_backup(repo)
        repo.create("roadmap", {"title": "After the backup"})
    return db, made, titles(db), titles(made)


def start_restore(db: Path, source: Path, **env) -> subprocess.Popen:
    full = dict(os.environ, TRACKER_DB=str(db), **env)
    return subprocess.Popen([sys.executable, "-m", "tracker", "restore", str(source)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=full,
                            cwd=ROOT)


def stop_at(db: Path, source: Path, point: str) -> None:
    """Run a restore until it reaches ``point``, then kill it there (SIGKILL)."""
    proc = start_restore(db, source, TRACKER_TEST_RESTORE_PAUSE=point)
    try:
        line = proc.stderr.readline()
        assert line.strip() == f"paused at {point}", line + proc.stderr.read()
    finally:
        proc.kill()
        proc.communicate(timeout=30)
    assert proc.returncode == -signal.SIGKILL


# (point, whether the backup is in once the next command has settled it)
IN_PLACE_POINTS = [("journal", False), ("temp", False), ("locked", False), ("aside", False),
                   ("copied", True), ("journal-removed", True)]


@pytest.mark.parametrize("point,restored", IN_PLACE_POINTS)
def test_a_restore_killed_at_any_step_is_settled_by_the_next_command(two_states, point,
                                                                      restored):
    db, made, before, in_backup = two_states
    stop_at(db, made, point)
    seen, said = listed_titles(db)
    assert seen == (in_backup if restored else before)
    aside = restoring.set_aside_files(db)
    if restored:
        assert len(aside) == 1 and titles(aside[0]) == before  # nothing lost
        if point == "copied":  # the next command says so, and where the file as it was is
            assert "restore is complete" in said and str(aside[0]) in said
    else:
        assert aside == []  # nothing was changed: no copy of it lies around
        assert "before it changed anything" in said and "is as it was" in said
    assert leftovers(db.parent) == []
    assert backup.check(db).ok


@pytest.fixture
def damaged_state(tmp_path):
    db = tmp_path / "desk.db"
    with open_session(db, seed=True, user="tester") as repo:
        made = backup.create_backup(repo)
    data = bytearray(db.read_bytes())
    data[:16] = b"garbage garbage!"  # not a database any more: replaced by renaming
    db.write_bytes(bytes(data))
    return db, made, bytes(data), titles(made)


@pytest.mark.parametrize("point", ["locked", "aside", "copied"])
def test_a_restore_over_a_damaged_file_killed_midway_gives_it_back_or_finishes(damaged_state,
                                                                               point):
    db, made, damaged, in_backup = damaged_state
    stop_at(db, made, point)
    if point == "aside":  # killed between the two renames: no database at its path at all
        assert not db.exists()
    result = run_cli("check", env={"TRACKER_DB": str(db)})
    assert "Traceback" not in result.stderr
    if point == "copied":
        assert result.returncode == 0, result.stderr
        assert titles(db) == in_backup
        assert "restore is complete" in result.stderr
        (aside,) = restoring.set_aside_files(db)
        assert aside.read_bytes() == damaged and str(aside) in result.stderr
    else:  # given back exactly as it was (never an empty new database in its place)
        assert db.read_bytes() == damaged
        assert restoring.set_aside_files(db) == []
        if point == "aside":
            assert "was put back as it was" in result.stderr
    assert leftovers(db.parent) == []


def test_while_a_restore_runs_the_next_command_waits_its_turn(two_states):
    db, made, before, _in_backup = two_states
    proc = start_restore(db, made, TRACKER_TEST_RESTORE_PAUSE="aside")
    try:
        assert proc.stderr.readline().strip() == "paused at aside"
        result = run_cli("list", "roadmap", env={"TRACKER_DB": str(db)})
        assert result.returncode == 1
        assert "being restored" in result.stderr and "Traceback" not in result.stderr
    finally:
        proc.kill()
        proc.communicate(timeout=30)
    assert listed_titles(db)[0] == before


@pytest.mark.slow
def test_a_restore_killed_at_random_moments_never_leaves_a_broken_database(tmp_path):
    """SIGKILL at moments spread over a whole restore of a 10 MB file, many times: the next
    command always opens a whole database, either as it was or restored, and nothing is left."""
    db = tmp_path / "desk.db"
    with open_session(db, seed=True, user="tester") as repo:
        generate(repo, 800, seed=3)
        repo.create("roadmap", {"title": "Only in A"})
        a = backup.create_backup(repo)
        repo.delete("roadmap", repo.ids("roadmap", search="Only in A")[0])
        repo.create("roadmap", {"title": "Only in B"})
        b = backup.create_backup(repo)
    content = {a: titles(a), b: titles(b)}
    t0 = time.monotonic()  # one whole restore, to spread the kills over
    assert run_cli("restore", str(a), env={"TRACKER_DB": str(db)}).returncode == 0
    duration = time.monotonic() - t0
    current = content[a]
    for aside in restoring.set_aside_files(db):
        aside.unlink()
    notes = []
    for n in range(8):
        target = b if current == content[a] else a
        proc = start_restore(db, target)
        time.sleep(duration * (0.2 + n / 7))
        proc.kill()
        proc.communicate(timeout=30)
        seen, said = listed_titles(db)
        assert seen in (current, content[target]), f"kill {n}: a mixed or empty database"
        notes.append(said)
        for aside in restoring.set_aside_files(db):
            assert titles(aside) == current  # the file as it was, whole
            aside.unlink()
        current = seen
        assert leftovers(db.parent) == [], said
    assert backup.check(db).ok
    assert any("was interrupted" in note for note in notes)  # kills fell inside restores


def test_restoring_the_database_onto_itself_is_refused(two_states, tmp_path):
    db, _made, before, _in_backup = two_states
    link = tmp_path / "link.db"
    os.link(db, link)
    symlink = tmp_path / "symlink.db"
    symlink.symlink_to(db)
    for same in (db, link, symlink):
        with pytest.raises(backup.BackupError, match="is the database itself"):
            restoring.restore(db, same)
        assert titles(db) == before
    assert restoring.set_aside_files(db) == []
    result = run_cli("restore", str(symlink), env={"TRACKER_DB": str(db)})
    assert result.returncode == 1 and "is the database itself" in result.stderr
    assert titles(db) == before


def test_a_foreign_sqlite_file_is_not_accepted_as_a_backup(two_states, tmp_path):
    db, _made, before, _in_backup = two_states
    foreign = tmp_path / "contacts.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE contacts (name TEXT)")
    conn.execute("INSERT INTO contacts VALUES ('someone')")
    conn.commit()
    conn.close()
    with pytest.raises(backup.BackupError, match="not a backup of a Bilateral Tracker database"):
        restoring.restore(db, foreign)
    assert titles(db) == before
    assert restoring.set_aside_files(db) == [] and leftovers(db.parent) == []


def test_restores_in_the_same_instant_keep_every_set_aside_file(two_states):
    db, made, before, in_backup = two_states
    now = dt.datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
    first = restoring.restore(db, made, now=now)
    with Repository(db, user="tester") as repo:
        repo.create("roadmap", {"title": "Between the restores"})
    second = restoring.restore(db, made, now=now)
    assert first != second and first.exists() and second.exists()
    assert titles(first) == before
    assert titles(second) == in_backup | {"Between the restores"}
    assert titles(db) == in_backup


WRITER = r"""
import sys
sys.path.insert(0, {root!r})
from tracker.store.repository import Repository
with Repository({path!r}, user="other window") as repo:
    repo.create("roadmap", {{"title": "Saved during the restore"}})
print("saved", flush=True)
"""


def test_a_save_made_while_a_restore_runs_waits_and_is_kept(two_states, monkeypatch):
    """Another program saves just after the in-use check: it must not land in the file that is
    being set aside (where the user would never look for it)."""
    db, made, _before, in_backup = two_states
    writers = []

    def other_program_saves(point):
        if point != "locked" or writers:
            return
        writers.append(subprocess.Popen(
            [sys.executable, "-c", WRITER.format(root=str(ROOT), path=str(db))],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        time.sleep(1.0)  # long enough for it to save, were it not kept waiting

    monkeypatch.setattr(restoring, "_pause_point", other_program_saves)
    aside = restoring.restore(db, made)
    assert writers, "the restore passed its in-use check"
    out, err = writers[0].communicate(timeout=60)
    assert writers[0].returncode == 0 and out.strip() == "saved", err
    assert titles(db) == in_backup | {"Saved during the restore"}  # after the restore
    assert "Saved during the restore" not in titles(aside)


def test_a_backup_with_another_page_size_is_restored(two_states, tmp_path):
    db, made, _before, in_backup = two_states
    other = tmp_path / "other-page-size.db"
    conn = sqlite3.connect(made)
    conn.execute("PRAGMA page_size = 8192")
    conn.execute(f"VACUUM INTO '{other}'")
    conn.close()
    restoring.restore(db, other)
    assert titles(db) == in_backup and backup.check(db).ok
    with Repository(db, user="tester") as repo:  # and it opens as usual (WAL again)
        assert repo.backend.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_restore_with_another_page_size_killed_mid_copy_is_rolled_back(two_states, tmp_path):
    """A backup with another page size is copied in under a rollback journal (the backup API
    cannot change a WAL file's page size): killed midway, SQLite rolls it back."""
    db, made, before, _in_backup = two_states
    other = tmp_path / "other-page-size.db"
    conn = sqlite3.connect(made)
    conn.execute("PRAGMA page_size = 8192")
    conn.execute(f"VACUUM INTO '{other}'")
    conn.close()
    proc = start_restore(db, other, TRACKER_TEST_RESTORE_SLOW="0.02")
    try:
        deadline = time.monotonic() + 60
        while not Path(f"{db}-journal").exists():  # copying into the database itself
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
            time.sleep(0.005)
    finally:
        proc.kill()
        proc.communicate(timeout=30)
    seen, said = listed_titles(db)
    assert seen == before and "before it changed anything" in said
    assert restoring.set_aside_files(db) == [] and leftovers(db.parent) == []
