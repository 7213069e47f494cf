"""Backups: online (backup API), private, automatic, pruned by the retention rule, restorable
without ever destroying the current file; the CLI commands backup, backups, restore."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clirun import run_cli

from tracker.model import KIND_ORDER
from tracker.session import open_session
from tracker.store.repository import Repository
from tracker.store.sqlite import backup, files
from tracker.store.sqlite import restore as restoring

ROOT = Path(__file__).resolve().parents[2]


UTC = dt.UTC
NAME = re.compile(r"^tracker\.db-\d{8}T\d{6}\.\d{6}Z\.db$")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def titles(path) -> set[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {r[0] for r in conn.execute("SELECT title FROM roadmap WHERE deleted_at IS NULL")}
    except sqlite3.OperationalError:  # no roadmap table at all
        return set()
    finally:
        conn.close()


@pytest.fixture
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_backup_holds_saves_still_in_the_wal(repo, db_path):
    """A plain copy of tracker.db misses what is still in tracker.db-wal; the backup API not."""
    repo.backend.conn.execute("PRAGMA wal_autocheckpoint = 0")  # keep the save in the WAL
    repo.create("roadmap", {"title": "Only in the WAL"})
    assert os.path.getsize(f"{db_path}-wal") > 0
    target = backup.create_backup(repo)
    assert "Only in the WAL" in titles(target)
    assert backup.check_backup(target).ok
    # what a file copy would have saved: the main file alone does not have it
    copy = db_path.parent / "copy.db"
    copy.write_bytes(db_path.read_bytes())
    assert "Only in the WAL" not in titles(copy)


def test_backups_are_private_and_named_by_utc_time(repo, db_path, umask022):
    first = backup.create_backup(repo)
    second = backup.create_backup(repo)
    folder = db_path.parent / "backups"
    assert first.parent == folder
    assert mode(folder) == 0o700
    assert mode(first) == 0o600 and mode(second) == 0o600
    assert NAME.match(first.name) and NAME.match(second.name)
    assert sorted([second.name, first.name]) == [first.name, second.name]  # names sort by age
    assert not [p for p in folder.iterdir() if p.name.endswith(".partial")]
    assert not [p for p in folder.iterdir() if p.name.endswith(("-wal", "-shm", "-journal"))]


def test_list_backups_gives_date_size_and_counts_per_kind(repo, db_path):
    older = backup.create_backup(repo, now=dt.datetime(2026, 1, 1, 9, tzinfo=UTC))
    repo.create("roadmap", {"title": "Later"})
    newer = backup.create_backup(repo, now=dt.datetime(2026, 1, 2, 9, tzinfo=UTC))
    infos = backup.list_backups(db_path)
    assert [i.path for i in infos] == [newer, older]
    assert infos[0].created == dt.datetime(2026, 1, 2, 9, tzinfo=UTC)
    assert infos[0].size == newer.stat().st_size > 0
    assert set(infos[0].counts) == set(KIND_ORDER)
    assert infos[0].counts["roadmap"] == infos[1].counts["roadmap"] + 1 == repo.count("roadmap")
    assert infos[0].counts["agreements"] == repo.count("agreements")


def test_auto_backup_on_open_only_when_the_newest_is_over_a_day_old(repo, db_path):
    t0 = dt.datetime(2026, 3, 1, 8, tzinfo=UTC)
    made = backup.auto_backup_on_open(repo, now=t0)
    assert made is not None and made.exists()  # no backup yet: make one
    assert backup.auto_backup_on_open(repo, now=t0 + dt.timedelta(hours=23)) is None
    later = backup.auto_backup_on_open(repo, now=t0 + dt.timedelta(days=1, minutes=1))
    assert later is not None and later != made
    assert len(backup.list_backups(db_path)) == 2


def test_backup_on_exit_only_when_something_changed(repo, db_path):
    fresh = Repository(db_path, user="other")
    try:
        assert backup.backup_on_exit(fresh) is None
        assert backup.list_backups(db_path) == []
        fresh.create("roadmap", {"title": "Changed"})
        made = backup.backup_on_exit(fresh)
        assert made is not None and "Changed" in titles(made)
    finally:
        fresh.close()


def test_a_failed_automatic_backup_is_a_warning_not_a_crash(repo, db_path):
    (db_path.parent / "backups").write_text("a file where the folder should be")
    assert backup.auto_backup_on_open(repo) is None
    assert any("No backup made" in w for w in repo.warnings)
    with pytest.raises(backup.BackupError):
        backup.create_backup(repo)


def test_a_backup_that_fails_midway_leaves_no_file(repo, db_path):
    backup.create_backup(repo)
    broken = Repository(db_path, user="x")
    broken.backend.conn.close()  # the backup API call fails on it
    with pytest.raises(backup.BackupError):
        backup.create_backup(broken)
    assert len(list((db_path.parent / "backups").iterdir())) == 1


def test_retention_keeps_the_last_ten_and_one_a_day_for_a_month(repo, db_path):
    now = dt.datetime(2026, 6, 30, 12, tzinfo=UTC)
    made = []
    for day in range(45):  # three backups a day for 45 days
        for hour in (2, 6, 10):
            made.append(backup.create_backup(
                repo, now=now - dt.timedelta(days=day, hours=hour), prune=False))
    removed = backup.prune_backups(db_path, now=now)
    kept = [i.path for i in backup.list_backups(db_path)]
    newest_first = sorted(made, key=lambda p: p.name, reverse=True)
    assert set(newest_first[:10]) <= set(kept)  # the last ten
    horizon = now - dt.timedelta(days=30)
    for day in range(31):  # the newest of each of the last 30 days
        date = (now - dt.timedelta(days=day)).date()
        of_day = [p for p in newest_first if backup.backup_time(db_path, p.name).date() == date
                  and backup.backup_time(db_path, p.name) >= horizon]
        if of_day:
            assert of_day[0] in kept
    assert all(backup.backup_time(db_path, p.name) >= horizon for p in kept)  # nothing older
    # the window starts May 31 12:00: days 0-29 (June 30 back to June 1) have a backup in it;
    # the last ten cover days 0-3, so one more for each of days 4-29
    assert len(kept) == 10 + 26
    assert len(removed) == len(made) - len(kept)
    assert all(not p.exists() for p in removed)


def test_creating_a_backup_prunes_old_ones(repo, db_path):
    now = dt.datetime(2026, 6, 30, 12, tzinfo=UTC)
    for minute in range(15):
        backup.create_backup(repo, now=now + dt.timedelta(minutes=minute))
    assert len(backup.list_backups(db_path)) == 10


def test_restore_sets_the_current_file_aside_and_brings_the_backup_back(repo, db_path):
    repo.create("roadmap", {"title": "Before the backup"})
    target = backup.create_backup(repo)
    repo.create("roadmap", {"title": "After the backup"})
    repo.close()
    aside = restoring.restore(db_path, target)
    assert aside is not None and aside.name.startswith("tracker.db.before-restore-")
    assert titles(db_path) >= {"Before the backup"}
    assert "After the backup" not in titles(db_path)
    # nothing is destroyed: the file as it was, with its WAL, still has the later save
    assert "After the backup" in titles(aside)
    assert restoring.set_aside_files(db_path) == [aside]
    assert mode(db_path) == 0o600
    reopened = Repository(db_path, user="x")
    try:
        assert reopened.get("roadmap", reopened.ids("roadmap", search="Before")[0])
        assert backup.check(db_path).ok
    finally:
        reopened.close()


def test_restore_refuses_a_damaged_backup_and_changes_nothing(repo, db_path):
    target = backup.create_backup(repo)
    repo.close()
    data = bytearray(target.read_bytes())
    data[4096 * 2: 4096 * 2 + 3000] = os.urandom(3000)
    target.write_bytes(bytes(data))
    before = db_path.read_bytes()
    with pytest.raises(backup.BackupError, match="not a sound backup"):
        restoring.restore(db_path, target)
    assert db_path.read_bytes() == before
    assert restoring.set_aside_files(db_path) == []


def test_newest_good_backup_skips_damaged_ones(repo, db_path):
    good = backup.create_backup(repo, now=dt.datetime(2026, 1, 1, tzinfo=UTC))
    bad = backup.create_backup(repo, now=dt.datetime(2026, 1, 2, tzinfo=UTC))
    bad.write_bytes(bad.read_bytes()[:5000])
    assert backup.newest_good_backup(db_path) == good
    assert [i.ok for i in backup.list_backups(db_path)] == [False, True]


def test_cli_backup_backups_restore(repo, db_path):
    repo.create("roadmap", {"title": "Saved before the backup"})
    repo.close()
    env = {"TRACKER_DB": str(db_path)}
    made = run_cli("backup", env=env)
    assert made.returncode == 0, made.stderr
    path = made.stdout.strip()
    assert os.path.exists(path) and NAME.match(os.path.basename(path))

    listed = run_cli("backups", env=env)
    assert listed.returncode == 0, listed.stderr
    assert os.path.basename(path) in listed.stdout
    assert "roadmap" in listed.stdout

    with Repository(db_path, user="x") as again:
        again.delete("roadmap", again.ids("roadmap", search="Saved before")[0])
    restored = run_cli("restore", os.path.basename(path), env=env)
    assert restored.returncode == 0, restored.stderr
    assert "before-restore" in restored.stdout
    assert "Saved before the backup" in titles(db_path)
    assert len(restoring.set_aside_files(db_path)) == 1


def test_cli_restore_of_a_file_that_is_no_backup_fails_cleanly(repo, db_path, tmp_path):
    repo.close()
    junk = tmp_path / "junk.db"
    junk.write_text("not a database")
    before = db_path.read_bytes()
    result = run_cli("restore", str(junk), env={"TRACKER_DB": str(db_path)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "not a sound backup" in result.stderr
    assert db_path.read_bytes() == before


def test_cli_backup_of_a_missing_database_fails_cleanly(tmp_path):
    result = run_cli("backup", env={"TRACKER_DB": str(tmp_path / "none.db")})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "no such database file" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_cli_backups_json(repo, db_path):
    made = backup.create_backup(repo, now=dt.datetime(2026, 2, 3, 4, 5, 6, tzinfo=UTC))
    repo.close()
    result = run_cli("backups", "--json", env={"TRACKER_DB": str(db_path)})
    assert result.returncode == 0, result.stderr
    listed = json.loads(result.stdout)
    assert [b["file"] for b in listed] == [str(made)]
    assert listed[0]["created"] == "2026-02-03T04:05:06Z"
    assert listed[0]["counts"]["agreements"] > 0 and listed[0]["error"] is None


HOLDER = r"""
import sys, time
sys.path.insert(0, {root!r})
from tracker.store.repository import Repository
repo = Repository({path!r}, user="other window")
repo.count("roadmap")
print("open", flush=True)
sys.stdin.readline()
repo.close()
"""


def test_restore_refuses_while_another_program_has_the_file_open(repo, db_path):
    target = backup.create_backup(repo)
    repo.create("roadmap", {"title": "After the backup"})
    repo.close()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(root=str(ROOT), path=str(db_path))],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        assert files.in_use_elsewhere(db_path)
        with pytest.raises(backup.BackupError, match="open in another window"):
            restoring.restore(db_path, target)
        assert restoring.set_aside_files(db_path) == []
        assert "After the backup" in titles(db_path)
    finally:
        holder.communicate("\n", timeout=30)
    assert not files.in_use_elsewhere(db_path)
    restoring.restore(db_path, target)
    assert "After the backup" not in titles(db_path)


# --- names of their own, future dates, what killed backups left ---------------------------------

def test_desk_db_and_desk_sqlite_keep_their_own_backups(tmp_path):
    """Two databases with one stem in one folder share the backups folder, never the backups."""
    now = dt.datetime(2026, 6, 30, 12, tzinfo=UTC)
    made = {}
    for name in ("desk.db", "desk.sqlite"):
        with open_session(tmp_path / name, seed=True, user="tester") as repo:
            repo.create("roadmap", {"title": f"Only in {name}"})
            made[name] = [backup.create_backup(repo, now=now + dt.timedelta(minutes=m))
                          for m in range(12)]
    for name in ("desk.db", "desk.sqlite"):
        listed = backup.list_backups(tmp_path / name)
        assert [i.path for i in listed] == sorted(made[name], reverse=True)[:10]
        assert all(f"Only in {name}" in titles(i.path) for i in listed)
        assert backup.newest_good_backup(tmp_path / name) == listed[0].path
    assert len(list((tmp_path / "backups").iterdir())) == 20


def _old_style(made: Path, stem: str, when: dt.datetime) -> Path:
    """A backup named the way older versions named them: <stem>-<time>.db."""
    old = made.with_name(f"{stem}-{backup.stamp(when)}.db")
    made.rename(old)
    return old


def test_old_style_backup_names_stay_with_the_file_they_belong_to(tmp_path):
    desk_db, desk_sqlite = tmp_path / "desk.db", tmp_path / "desk.sqlite"
    day = dt.datetime(2026, 1, 1, 9, tzinfo=UTC)
    with open_session(desk_db, seed=True, user="tester") as repo:
        old_db = [_old_style(backup.create_backup(repo, now=day, prune=False), "desk",
                             day + dt.timedelta(days=d)) for d in range(3)]
    # alone in its folder, desk.db owns every old-style desk-*.db (they are listed and dated)
    assert [i.path for i in backup.list_backups(desk_db)] == old_db[::-1]
    assert backup.newest_backup_time(desk_db) == day + dt.timedelta(days=2)
    with open_session(desk_sqlite, seed=True, user="tester") as repo:
        old_sqlite = _old_style(backup.create_backup(repo, now=day, prune=False), "desk",
                                day + dt.timedelta(days=5))
    unknown = (tmp_path / "backups" / f"desk-{backup.stamp(day + dt.timedelta(days=9))}.db")
    unknown.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)  # cannot be told apart
    # with a rival in the folder each keeps its own (the birth certificate decides), and the
    # one that cannot be attributed is shown to both and deleted by neither
    assert [i.path for i in backup.list_backups(desk_db)] == [unknown, *old_db[::-1]]
    assert [i.path for i in backup.list_backups(desk_sqlite)] == [unknown, old_sqlite]
    later = day + dt.timedelta(days=400)  # every old one is past the retention window
    for path in (desk_db, desk_sqlite):
        with Repository(path, user="tester") as repo:
            for minute in range(11):
                backup.create_backup(repo, now=later + dt.timedelta(minutes=minute))
    assert not any(p.exists() for p in old_db) and not old_sqlite.exists()
    assert unknown.exists()
    assert len(backup.list_backups(desk_db)) == len(backup.list_backups(desk_sqlite)) == 11


def test_a_backup_dated_in_the_future_does_not_stop_automatic_backups(repo, db_path):
    now = dt.datetime(2026, 3, 1, 8, tzinfo=UTC)
    backup.create_backup(repo, now=dt.datetime(2099, 1, 1, tzinfo=UTC))  # a clock gone wrong
    made = backup.auto_backup_on_open(repo, now=now)
    assert made is not None and backup.backup_time(db_path, made.name) == now
    assert not backup.backup_due(db_path, now=now)
    assert backup.auto_backup_on_open(repo, now=now + dt.timedelta(hours=2)) is None
    assert backup.auto_backup_on_open(repo, now=now + dt.timedelta(days=2)) is not None


def test_backups_dated_in_the_future_do_not_push_out_the_newest_real_ones(repo, db_path):
    future = [backup.create_backup(repo, now=dt.datetime(2099, 1, 1, h, tzinfo=UTC))
              for h in range(10)]
    now = dt.datetime(2026, 6, 30, 12, tzinfo=UTC)
    real = [backup.create_backup(repo, now=now + dt.timedelta(minutes=m)) for m in range(12)]
    kept = {i.path for i in backup.list_backups(db_path)}
    assert set(real[-10:]) <= kept  # the newest ten real ones
    assert set(future) <= kept  # and the misdated ones, never deleted by the rule
    assert not (set(real[:2]) & kept)


KILLED_BACKUP = r"""
import sys
sys.path.insert(0, {root!r})
from tracker.store.sqlite import backup
print("ready", flush=True)
while True:
    backup.create_backup({path!r}, prune=False)
"""


def test_the_next_backup_removes_what_killed_backups_left_and_only_that(tmp_path):
    from tracker.seed.synthetic import generate

    path = tmp_path / "tracker.db"
    with open_session(path, seed=True, user="tester") as repo:
        generate(repo, 300, seed=1)
    folder = tmp_path / "backups"
    for _kill in range(3):  # a process backing up again and again, killed mid-way
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED_BACKUP.format(root=str(ROOT), path=str(path))],
            stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        deadline = time.monotonic() + 30
        while not (folder.is_dir()
                   and any(p.name.endswith(".partial") for p in folder.iterdir())):
            assert time.monotonic() < deadline and proc.poll() is None  # until it writes one
        proc.kill()
        proc.communicate(timeout=30)
    partials = [p for p in folder.iterdir() if p.name.endswith(".partial")]
    assert partials  # left behind: database-sized, hidden
    mine = folder / "notes.partial"  # not ours: a name no backup has
    mine.write_text("keep me")
    busy = folder / f".tracker.db-{backup.stamp(backup.utcnow())}.db.partial"
    holder = subprocess.Popen(  # a backup another process is writing right now
        [sys.executable, "-c", "import fcntl, os, sys\n"
         f"fd = os.open({str(busy)!r}, os.O_CREAT | os.O_RDWR, 0o600)\n"
         "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('held', flush=True)\nsys.stdin.readline()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        result = run_cli("backup", env={"TRACKER_DB": str(path)})
        assert result.returncode == 0, result.stderr
        assert not any(p.exists() for p in partials)
        assert mine.exists() and busy.exists()
    finally:
        holder.communicate("\n", timeout=30)
