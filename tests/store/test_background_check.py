"""A large file opens at once and is checked in the background, and still no write ever reaches a
damaged file: every write waits for the check and is refused when it failed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tracker.session import open_session
from tracker.store.repository import Repository, StorageError


def _seeded(path: Path) -> Path:
    with open_session(path, seed=True, user="tester"):
        pass
    return path


def test_damage_found_while_opening_is_refused_at_once(tmp_path):
    path = _seeded(tmp_path / "tracker.db")
    _damage_page(path, page=3)
    before = path.read_bytes()
    with pytest.raises(Exception, match="damaged"):
        Repository(path, user="tester", background_check=True)
    assert path.read_bytes() == before


def _damage_page(path: Path, page: int = 3) -> None:
    data = bytearray(path.read_bytes())
    data[4096 * (page - 1) + 8: 4096 * (page - 1) + 2008] = bytes(range(250)) * 8
    path.write_bytes(bytes(data))


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_sound_file_opens_checks_in_the_background_and_saves(tmp_path):
    path = _seeded(tmp_path / "tracker.db")
    repo = Repository(path, user="tester", background_check=True)
    assert repo.verify() is None and not repo.read_only
    rid = repo.create("people", {"title": "New colleague"}).record_id
    assert repo.get("people", rid)["title"] == "New colleague"
    repo.close()


def test_a_damaged_file_opens_for_reading_but_no_write_reaches_it(tmp_path):
    path = _seeded(tmp_path / "tracker.db")
    _damage_page(path, page=path.stat().st_size // 4096 - 1)  # a data page, not the schema
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok"
    conn.close()
    before = _files(tmp_path)["tracker.db"]
    repo = Repository(path, user="tester", background_check=True)
    with pytest.raises(StorageError, match="damaged"):
        repo.set_settings({"partner_country": "X"})
    assert repo.read_only and any("damaged" in w for w in repo.warnings)
    with pytest.raises(StorageError):
        repo.set_settings({"partner_country": "Y"})
    repo.close()
    assert _files(tmp_path)["tracker.db"] == before
    # without the background option the same file is refused at once, as before
    with pytest.raises(Exception, match="damaged"):
        Repository(path, user="tester")


def test_files_that_opening_could_change_are_checked_at_once(tmp_path):
    """A rollback-journal file (opening switches it to WAL) is never opened unchecked."""
    path = _seeded(tmp_path / "tracker.db")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    _damage_page(path)
    before = path.read_bytes()
    with pytest.raises(Exception, match="damaged"):
        Repository(path, user="tester", background_check=True)
    assert path.read_bytes() == before
