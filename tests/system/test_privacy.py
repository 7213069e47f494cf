"""Privacy: the database, its -wal and -shm, every backup and every set-aside file are readable by
their owner only (0600), the folders we create 0700 -- even under the usual umask 022."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tracker.session import open_session
from tracker.store.repository import Repository
from tracker.store.sqlite import backup
from tracker.store.sqlite import restore as restoring


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(autouse=True)
def umask022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_a_new_database_and_its_companions_are_private(tmp_path):
    folder = tmp_path / "data" / "bilateral-tracker"
    path = folder / "tracker.db"
    repo = open_session(path, seed=True, user="tester")
    try:
        repo.create("roadmap", {"title": "Private"})
        assert Path(f"{path}-wal").exists() and Path(f"{path}-shm").exists()
        assert mode(path) == 0o600
        assert mode(f"{path}-wal") == 0o600
        assert mode(f"{path}-shm") == 0o600
        assert mode(folder) == 0o700
    finally:
        repo.close()


def test_an_existing_world_readable_database_is_made_private_on_open(tmp_path):
    path = tmp_path / "old.db"
    Repository(path, user="tester").close()
    os.chmod(path, 0o644)  # as an older version (or a copy with umask 022) left it
    assert mode(path) == 0o644
    with Repository(path, user="tester") as repo:
        repo.create("roadmap", {"title": "x"})
        assert mode(path) == 0o600
        assert mode(f"{path}-wal") == 0o600 and mode(f"{path}-shm") == 0o600


def test_backups_and_set_aside_files_are_private(tmp_path):
    path = tmp_path / "tracker.db"
    repo = open_session(path, seed=True, user="tester")
    made = backup.create_backup(repo)
    auto = backup.auto_backup_on_open(repo, now=backup.utcnow() + backup.AUTO_INTERVAL * 2)
    repo.create("roadmap", {"title": "x"})
    on_exit = backup.backup_on_exit(repo)
    repo.close()
    folder = tmp_path / "backups"
    assert mode(folder) == 0o700
    for p in (made, auto, on_exit):
        assert p is not None and mode(p) == 0o600
    aside = restoring.restore(path, made)
    assert mode(aside) == 0o600
    assert mode(path) == 0o600
    for p in tmp_path.rglob("*"):
        assert mode(p) & 0o077 == 0, p


def test_a_world_readable_backups_folder_is_tightened(tmp_path):
    path = tmp_path / "tracker.db"
    (tmp_path / "backups").mkdir(mode=0o755)
    with open_session(path, seed=True, user="tester") as repo:
        backup.create_backup(repo)
    assert mode(tmp_path / "backups") == 0o700
