"""Damaged, truncated and foreign files are refused with a clear message and never changed; the
``check`` command; read-only files, folders and media; a full disk during a save.

Running as root (as CI does) ignores permission bits, and ``os.access`` says yes to everything:
``tracker.db`` therefore also treats a file or folder with no write bit as read-only, which these
tests use; a real unprivileged user is exercised in a subprocess that drops to ``nobody`` when the
tests run as root (skipped where that is not allowed).
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from clirun import run_cli

from tracker.session import open_session
from tracker.store.repository import ReadOnlyError, Repository, StorageError
from tracker.store.sqlite import backup
from tracker.store.sqlite import connect as dbmod

ROOT = Path(__file__).resolve().parents[2]


IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _seeded(path: Path, journal: str = "wal") -> Path:
    with open_session(path, seed=True, user="tester"):
        pass
    if journal == "delete":
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
    return path


def _damage_page(data: bytes, page: int = 3) -> bytes:
    out = bytearray(data)
    out[4096 * (page - 1) + 8: 4096 * (page - 1) + 2008] = bytes(range(250)) * 8
    return bytes(out)


DAMAGES = {
    "truncated to half": lambda d: d[: len(d) // 2],
    "truncated to one page": lambda d: d[:4096],
    "truncated inside the header": lambda d: d[:10],
    "a damaged page": _damage_page,
    "not sqlite": lambda d: b"name,title\n1,Expo\n" * 50,
    "sqlite header then garbage": lambda d: d[:100] + os.urandom(8192),
}


@pytest.mark.parametrize("journal", ["wal", "delete"])
@pytest.mark.parametrize("damage", list(DAMAGES))
def test_a_damaged_file_is_refused_and_left_byte_for_byte(tmp_path, damage, journal):
    good = _seeded(tmp_path / "good" / "tracker.db", journal)
    folder = tmp_path / "desk"
    folder.mkdir()
    path = folder / "tracker.db"
    path.write_bytes(DAMAGES[damage](good.read_bytes()))
    before = snapshot(folder)
    with pytest.raises(dbmod.NotADatabase) as info:
        open_session(path, seed=True, user="tester")
    message = str(info.value)
    assert str(path) in message
    assert "\n" not in message and "Traceback" not in message
    assert any(w in message for w in ("damaged", "not a Bilateral Tracker database"))
    # not one byte changed (no WAL switch, no migration, no checkpoint), no file added beside it
    assert snapshot(folder) == before


def test_an_empty_file_becomes_a_new_database(tmp_path):
    """Zero bytes hold nothing to lose (a first run that crashed, a "new file" dialog)."""
    path = tmp_path / "tracker.db"
    path.write_bytes(b"")
    with open_session(path, seed=True, user="tester") as repo:
        assert not repo.read_only and repo.count("agreements") > 0


def test_a_damaged_page_is_caught_by_the_check_on_open(tmp_path):
    """quick_check reports this damage as a row, not an exception: opening must look at it."""
    path = _seeded(tmp_path / "tracker.db")
    path.write_bytes(_damage_page(path.read_bytes()))
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA quick_check(1)").fetchone()[0] != "ok"
    conn.close()
    with pytest.raises(dbmod.DamagedDatabase, match="damaged and was not opened"):
        Repository(path, user="tester")


def test_the_damage_message_names_the_way_back(tmp_path):
    path = _seeded(tmp_path / "tracker.db")
    path.write_bytes(path.read_bytes()[:4096])
    with pytest.raises(dbmod.DamagedDatabase) as info:
        dbmod.connect(path)
    assert "has not been changed" in str(info.value)
    assert "Backups" in str(info.value) and "restore" in str(info.value)


def test_check_cli_exit_status(tmp_path):
    path = _seeded(tmp_path / "tracker.db")
    env = {"TRACKER_DB": str(path)}
    clean = run_cli("check", env=env)
    assert clean.returncode == 0, clean.stderr
    assert "Integrity check: ok" in clean.stdout and "Links between records: ok" in clean.stdout

    # a broken link (written behind the program's back, foreign keys off)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE roadmap SET agreement_id = 9999 WHERE id = (SELECT min(id) FROM roadmap)")
    conn.commit()
    conn.close()
    broken = run_cli("check", env=env)
    assert broken.returncode == 1
    assert "Integrity check: ok" in broken.stdout
    assert "1 broken" in broken.stdout and "roadmap" in broken.stdout


def test_check_cli_on_a_damaged_file_fails_changes_nothing_and_names_a_good_backup(tmp_path):
    path = _seeded(tmp_path / "tracker.db")
    good = backup.create_backup(path)
    path.write_bytes(_damage_page(path.read_bytes()))
    before = snapshot(tmp_path)
    result = run_cli("check", env={"TRACKER_DB": str(path)})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "problem" in result.stdout
    assert good.name in result.stderr
    assert snapshot(tmp_path) == before
    assert dbmod.DamagedDatabase  # and the GUI offers the same file:
    assert backup.newest_good_backup(path) == good


def test_check_report_sees_foreign_key_problems(tmp_path):
    path = _seeded(tmp_path / "tracker.db")
    assert backup.check(path).ok
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO citations(kind, record_id, source_id) VALUES ('roadmap', 1, 4242)")
    conn.commit()
    conn.close()
    report = backup.check(path)
    assert report.integrity == ["ok"]  # integrity_check alone does not see it
    assert not report.ok and report.foreign_keys[0][0] == "citations"


# --- read-only -----------------------------------------------------------------------------------

def test_a_read_only_file_opens_read_only_and_refuses_writes(tmp_path):
    path = _seeded(tmp_path / "tracker.db")
    os.chmod(path, 0o444)
    before = path.read_bytes()
    repo = Repository(path, user="tester")
    try:
        assert repo.read_only
        assert any("read-only" in w for w in repo.warnings)
        assert repo.count("roadmap") > 0  # reading works
        with pytest.raises(ReadOnlyError, match="open read-only; changes cannot be saved"):
            repo.create("roadmap", {"title": "x"})
        with pytest.raises(ReadOnlyError):
            repo.update("roadmap", 1, {"progress": 5}, expected_version=None)
    finally:
        repo.close()
    assert path.read_bytes() == before
    assert backup.backup_on_exit(repo) is None


def test_a_file_in_a_read_only_folder_opens_read_only(tmp_path):
    folder = tmp_path / "media"
    path = _seeded(folder / "tracker.db")
    os.chmod(folder, 0o555)
    try:
        repo = Repository(path, user="tester")
        try:
            assert repo.read_only and "read-only folder" in " ".join(repo.warnings)
            assert repo.count("agreements") > 0
            with pytest.raises(ReadOnlyError):
                repo.delete("roadmap", 1)
        finally:
            repo.close()
        assert backup.auto_backup_on_open(repo) is None
        assert not (folder / "backups").exists()
    finally:
        os.chmod(folder, 0o755)


def test_read_only_media_opens_read_only(tmp_path, monkeypatch):
    path = _seeded(tmp_path / "tracker.db")
    real = os.statvfs

    class Flags:
        def __init__(self, st):
            self.f_flag = st.f_flag | os.ST_RDONLY

    monkeypatch.setattr(os, "statvfs", lambda p: Flags(real(p)))
    repo = Repository(path, user="tester")
    try:
        assert repo.read_only and "read-only media" in repo.warnings[0]
    finally:
        repo.close()


def test_asking_for_read_only_writes_nothing(tmp_path):
    path = _seeded(tmp_path / "tracker.db", journal="delete")
    before = snapshot(tmp_path)
    repo = Repository(path, read_only=True, user="tester")
    try:
        assert repo.read_only
        with pytest.raises(ReadOnlyError):
            repo.set_settings({"home_country": "X"})
    finally:
        repo.close()
    assert snapshot(tmp_path) == before  # not even the switch to WAL


_AS_USER = r"""
import os, sys
sys.path.insert(0, {root!r})
from tracker.store.repository import Repository, ReadOnlyError
import tracker.store.sqlite.backend  # noqa: F401 - imported before the privileges are dropped
if os.geteuid() == 0:
    os.setgid(65534)
    os.setuid(65534)
repo = Repository({path!r}, user="reader")
print("read_only", repo.read_only)
print("count", repo.count("agreements"))
try:
    repo.create("roadmap", {{"title": "x"}})
except ReadOnlyError:
    print("refused")
repo.close()
"""


def _run_as_unprivileged(path: Path) -> subprocess.CompletedProcess:
    code = _AS_USER.format(root=str(ROOT), path=str(path))
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)


@pytest.fixture
def public_tmp():
    """A folder an unprivileged user can reach (pytest's tmp_path is private to root)."""
    folder = Path(tempfile.mkdtemp(prefix="tracker-ro-"))
    os.chmod(folder, 0o755)
    yield folder
    for p in folder.rglob("*"):
        if p.is_dir():
            os.chmod(p, 0o755)
    shutil.rmtree(folder)


@pytest.mark.parametrize("case", ["read-only file", "WAL file in a read-only folder"])
def test_permissions_enforced_by_the_system(public_tmp, case):
    """As a user the kernel holds to the permission bits (root drops to nobody here). A WAL file
    in a folder the user cannot write has no -shm to share: it must still open, read-only."""
    folder = public_tmp / "media"
    path = _seeded(folder / "tracker.db")
    assert not Path(f"{path}-shm").exists() and not Path(f"{path}-wal").exists()
    if IS_ROOT:
        os.chown(path, 65534, 65534)
        if case == "read-only file":
            os.chown(folder, 65534, 65534)
            os.chmod(path, 0o400)
        else:  # the folder stays root's: nobody may not create tracker.db-shm in it
            os.chmod(folder, 0o755)
    else:
        os.chmod(path if case == "read-only file" else folder, 0o555 if case != "read-only file"
                 else 0o444)
    before = path.read_bytes()
    result = _run_as_unprivileged(path)
    if IS_ROOT and "Operation not permitted" in result.stderr:
        pytest.skip("cannot drop root privileges here")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "read_only True" in lines and "refused" in lines
    assert int(lines[1].split()[1]) > 0
    assert path.read_bytes() == before


_READ_ONLY_THEN_WRITABLE = r"""
import os, sys
sys.path.insert(0, {root!r})
from tracker.store.repository import Repository
import tracker.store.sqlite.backend  # noqa: F401 - imported before the privileges are dropped
if os.geteuid() == 0:
    # the tracker imports these on first use; here the interpreter's library lives under /root,
    # which the unprivileged user cannot read
    import getpass, hashlib, uuid  # noqa: E401,F401
    # and a first write indexes the labels of choices in every language (the catalogues are
    # read then) and the stems of words (the stemmers are loaded then)
    from tracker.model import get_kind
    from tracker.model.text import index_body, index_forms
    index_forms(index_body(get_kind("roadmap"), {{"title": "word слово", "status": "planned"}}))
    os.setgid(65534)
    os.setuid(65534)
path = {path!r}
os.chmod(path, 0o444)
repo = Repository(path, user="reader")
print("read_only", repo.read_only)
repo.close()
os.chmod(path, 0o600)  # the user makes it writable again
repo = Repository(path, user="writer")
print("read_only", repo.read_only)
repo.create("roadmap", {{"title": "Saved after all"}})
print("saved")
repo.close()
"""


def test_a_file_made_writable_again_can_be_saved(public_tmp):
    """A read-only open leaves -wal/-shm with the file's read-only mode; once the file is
    writable again those must not make every save fail ("attempt to write a readonly
    database")."""
    folder = public_tmp / "desk"
    path = _seeded(folder / "tracker.db")
    if IS_ROOT:
        os.chown(folder, 65534, 65534)
        os.chown(path, 65534, 65534)
    code = _READ_ONLY_THEN_WRITABLE.format(root=str(ROOT), path=str(path))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    if IS_ROOT and "Operation not permitted" in result.stderr:
        pytest.skip("cannot drop root privileges here")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["read_only", "True", "read_only", "False", "saved"]


# --- a full disk ---------------------------------------------------------------------------------

def _audit_count(repo) -> int:
    return repo.backend.conn.execute("SELECT count(*) FROM audit").fetchone()[0]


def test_a_full_disk_rolls_the_save_back_and_retrying_works(repo):
    roadmap_before = repo.count("roadmap")
    audit_before = _audit_count(repo)
    item = repo.get("roadmap", repo.ids("roadmap")[0])
    pages = repo.backend.conn.execute("PRAGMA page_count").fetchone()[0]
    repo.backend.conn.execute(f"PRAGMA max_page_count = {pages}")
    big = "Long minutes. " * 6000  # needs new pages
    with pytest.raises(StorageError) as info:
        repo.create("roadmap", {"title": "Does not fit", "notes": big})
    assert "not saved" in str(info.value) and "full" in str(info.value)
    with pytest.raises(StorageError):
        repo.update("roadmap", item["id"], {"notes": big}, expected_version=item["version"])
    # everything as it was: no record, no audit entry, no half update, no undo step
    assert repo.count("roadmap") == roadmap_before
    assert _audit_count(repo) == audit_before
    assert repo.get("roadmap", item["id"]) == item
    assert repo.search("Does not fit") == []
    assert repo.backend.conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert not repo.backend.conn.in_transaction
    # room again: the same saves now work
    repo.backend.conn.execute(f"PRAGMA max_page_count = {pages * 100}")
    made = repo.create("roadmap", {"title": "Does not fit", "notes": big})
    repo.update("roadmap", item["id"], {"notes": big}, expected_version=item["version"])
    assert repo.get("roadmap", made.record_id)["notes"] == big.strip()
    assert repo.undo_label() is not None
    assert _audit_count(repo) == audit_before + 2


class _FailingDisk:
    """The repository's connection, with the disk failing on chosen statements."""

    def __init__(self, real, fail_on):
        self.real, self.fail_on = real, fail_on

    def execute(self, sql, *args):
        if self.fail_on(sql):
            raise sqlite3.OperationalError("disk I/O error")
        return self.real.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.real, name)


@pytest.mark.parametrize("failing", ["INSERT INTO audit", "COMMIT"])
def test_an_io_error_during_a_save_rolls_it_back_and_retrying_works(repo, failing):
    """The record row is already written when the audit entry (or the commit) fails."""
    real = repo.backend.conn
    before = (repo.count("roadmap"), _audit_count(repo), repo.undo_label())
    repo.backend.conn = _FailingDisk(real, lambda sql: sql.startswith(failing))
    try:
        with pytest.raises(StorageError, match="not saved: disk I/O error"):
            repo.create("roadmap", {"title": "Half written?"})
    finally:
        repo.backend.conn = real
    assert not real.in_transaction
    assert (repo.count("roadmap"), _audit_count(repo), repo.undo_label()) == before
    assert repo.search("Half written") == []
    made = repo.create("roadmap", {"title": "Half written?"})
    assert repo.get("roadmap", made.record_id)["title"] == "Half written?"
