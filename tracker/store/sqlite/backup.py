"""Backups, retention, restore and integrity checks.

Backups are made with SQLite's online backup API (``sqlite3.Connection.backup``), never by copying
the file, so a backup taken while the database is open (and its WAL holds recent saves) is a
consistent snapshot. They live in ``backups/`` beside the database (folder 0700, files 0600),
named ``<database file name>-<UTC timestamp>.db`` (``desk.db-20260101T120000.000000Z.db``): the
full name, so that ``desk.db`` and ``desk.sqlite`` in one folder never take each other's backups,
and names sort by age. Older versions named them ``<stem>-<timestamp>.db``; :func:`_attributed`
says how those are still found. A backup is written to a hidden ``.partial`` name first (under an
``flock`` while it is written), so a crash never leaves a half file that looks like a backup;
partial files that no backup is writing any more are removed on the next run.

Retention keeps the newest :data:`KEEP_LAST` backups plus the newest one of each day for
:data:`KEEP_DAYS` days. Backups dated in the future (made while the clock was wrong) are kept and
left out: they neither count as the newest backup (so automatic backups go on) nor take the place
of real ones in the retention rule.

Restoring lives in :mod:`tracker.store.sqlite.restore`.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import logging
import os
import re
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from tracker.i18n import _
from tracker.model import KIND_ORDER
from tracker.store.sqlite import connect as _db
from tracker.store.sqlite import files

try:  # POSIX: flock marks files that a running backup or restore is writing
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

log = logging.getLogger(__name__)

BACKUP_DIR = "backups"
KEEP_LAST = 10
KEEP_DAYS = 30
AUTO_INTERVAL = _dt.timedelta(days=1)
# A backup dated more than this after the clock was made while the clock was wrong (or by a
# computer whose clock is): it is kept, but it neither stops automatic backups nor counts among
# the newest ones that retention keeps.
FUTURE_SLACK = _dt.timedelta(minutes=5)
# How long ``restore`` waits for another connection to let go before it says the file is in use.
LOCK_WAIT_SECONDS = 1.0
_STAMP = "%Y%m%dT%H%M%S"
_STAMP_RX = r"(\d{8}T\d{6})\.(\d{6})Z"
_BACKUP_NAME = re.compile(rf"^(?P<key>.+)-{_STAMP_RX}\.db$")
_PARTIAL_NAME = re.compile(rf"^\..+-{_STAMP_RX}\.db\.partial$")
# Tests only (tests/test_restore.py): stop a restore at a named point, or copy slowly, so that a
# test can kill the process exactly there.


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why. Nothing was lost."""


@dataclass
class BackupInfo:
    path: Path
    created: _dt.datetime  # UTC, from the name
    size: int
    counts: dict[str, int] = field(default_factory=dict)  # live records per kind
    error: str | None = None  # the backup could not be read

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class CheckReport:
    path: Path
    integrity: list[str]  # "ok" alone when sound
    foreign_keys: list[tuple]  # (table, rowid, parent table, fk index) per broken reference
    error: str | None = None  # the file could not be opened at all

    @property
    def ok(self) -> bool:
        return self.error is None and self.integrity == ["ok"] and not self.foreign_keys

    def lines(self) -> list[str]:
        """What to tell the user, one line each."""
        if self.error:
            return [self.error]
        out = []
        if self.integrity == ["ok"]:
            out.append(_("Integrity check: ok"))
        else:
            out.append(_("Integrity check: {n} problem(s)").format(n=len(self.integrity)))
            out.extend("  " + line for line in self.integrity[:20])
        if not self.foreign_keys:
            out.append(_("Links between records: ok"))
        else:
            out.append(_("Links between records: {n} broken").format(n=len(self.foreign_keys)))
            out.extend(_("  {table} row {row} points to a missing {parent}").format(
                table=t, row=r, parent=p) for t, r, p, *_rest in self.foreign_keys[:20])
        return out


# --- names and places -----------------------------------------------------------------------------

def backup_dir(db_path: str | os.PathLike) -> Path:
    return Path(db_path).expanduser().parent / BACKUP_DIR


def utcnow() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC)


def stamp(when: _dt.datetime) -> str:
    when = when.astimezone(_dt.UTC)
    return f"{when.strftime(_STAMP)}.{when.microsecond:06d}Z"


def _when(match: re.Match) -> _dt.datetime:
    when = _dt.datetime.strptime(match.group(2), _STAMP).replace(tzinfo=_dt.UTC)
    return when.replace(microsecond=int(match.group(3)))


def _backup_name(db_path: Path, when: _dt.datetime) -> str:
    return f"{db_path.name}-{stamp(when)}.db"


def backup_time(db_path: Path, name: str) -> _dt.datetime | None:
    """The time in ``name`` if it is a backup name of ``db_path`` (new or old style), else None."""
    m = _BACKUP_NAME.match(name)
    if not m or m.group("key") not in (db_path.name, db_path.stem):
        return None
    return _when(m)


def _rivals(db_path: Path) -> list[Path]:
    """Other files beside ``db_path`` that an old-style backup name (``<stem>-<time>.db``) could
    belong to: the same stem with another suffix or none (``desk.sqlite``, ``desk``)."""
    stem = db_path.stem
    out = []
    with contextlib.suppress(OSError):
        for p in db_path.parent.iterdir():
            if p.name == db_path.name or p.name.endswith(files.COMPANIONS):
                continue
            if (p.name == stem or (p.stem == stem and p.suffix)) and p.is_file():
                out.append(p)
    return out


def _peek(path: Path) -> sqlite3.Connection:
    """A read-only connection to a database that may be open anywhere, in this process too.

    Only SQLite touches the file (never ``open()``: closing another descriptor of the file would
    drop this process's SQLite locks on it). With a ``-wal`` beside it the file is (or was) open
    in WAL mode: read it normally. Without one nobody has it open in WAL mode: read it
    ``immutable``, which creates nothing beside it."""
    if Path(f"{path}-wal").exists():
        uri = _db.file_uri(path, mode="ro")
    else:
        uri = _db.file_uri(path, mode="ro", immutable="1")
    return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)


def _birth(path: Path, *, live: bool = False) -> str | None:
    """When migration 0001 created the database (every backup of it carries the same row), or
    None if that cannot be read: a database's birth certificate."""
    from tracker.store.sqlite.schema import MIGRATION_SET, names

    try:
        conn = _peek(path) if live else open_backup(path)
        try:
            row = conn.execute(
                "SELECT applied_at FROM _sqlite_migrations WHERE migration_set = ? AND name = ?",
                (MIGRATION_SET, names()[0])).fetchone()
        finally:
            conn.close()
    except (sqlite3.Error, OSError):
        return None
    return str(row[0]) if row else None


def _attributed(db_path: Path) -> list[tuple[_dt.datetime, Path, bool]]:
    """``(time, file, prunable)`` for each backup of ``db_path``, newest first.

    A name holding the database's full file name (``desk.db-<time>.db``) is its own. An old-style
    name (``desk-<time>.db``, made by older versions; also the new name of a file without a
    suffix) is its own too unless another file beside it has the same stem (``desk.sqlite``):
    then the backup's birth certificate (:func:`_birth`) decides. One that matches this database
    only is its own; one that matches another file only is left out; one that cannot be told apart
    (a copy of the same database, or unreadable) is listed but never deleted by retention."""
    folder = backup_dir(db_path)
    own: list[tuple[_dt.datetime, Path]] = []
    old: list[tuple[_dt.datetime, Path]] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return []
    for p in entries:
        m = _BACKUP_NAME.match(p.name)
        if not m:
            continue
        key = m.group("key")
        if key == db_path.name and db_path.suffix:
            bucket = own
        elif key == db_path.stem:
            bucket = old
        else:
            continue
        if p.is_file():
            bucket.append((_when(m), p))
    out = [(when, p, True) for when, p in own]
    if old:
        rivals = _rivals(db_path)
        if not rivals:
            out += [(when, p, True) for when, p in old]
        else:
            mine = _birth(db_path, live=True)
            theirs = {_birth(r, live=True) for r in rivals} - {None}
            for when, p in old:
                born = _birth(p)
                if born is not None and born == mine and born not in theirs:
                    out.append((when, p, True))
                elif born is None or born == mine or born not in theirs:
                    out.append((when, p, False))
                # else: another database's backup
    out.sort(key=lambda t: (t[0], t[1].name), reverse=True)
    return out


def _backup_files(db_path: Path) -> list[tuple[_dt.datetime, Path]]:
    """The backups of ``db_path`` (:func:`_attributed`), newest first."""
    return [(when, p) for when, p, _prunable in _attributed(db_path)]


def _private_dir(folder: Path) -> None:
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    with contextlib.suppress(OSError):
        if folder.stat().st_mode & 0o077:
            os.chmod(folder, 0o700)


def fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def open_backup(path: Path) -> sqlite3.Connection:
    """Backups are never written once made: read them immutable (no journal, no side files)."""
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True,
                           isolation_level=None, check_same_thread=False)


def try_lock(fd: int) -> bool:
    """Take an exclusive ``flock`` on ``fd`` without waiting; False when another open file holds
    one (a backup or restore that is still running). True where there are no flocks."""
    if fcntl is None:  # pragma: no cover - Windows: an open file cannot be deleted there anyway
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def still_linked(fd: int, path: Path) -> bool:
    """True while ``path`` is the file open as ``fd`` (nobody removed or replaced it)."""
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


# --- making backups -------------------------------------------------------------------------------

def create_backup(source, *, now: _dt.datetime | None = None, prune: bool = True,
                  live: bool = False) -> Path:
    """Back up ``source`` (a :class:`~tracker.store.repository.Repository`, an engine session or
    a database path) into its ``backups/`` folder; returns the new file. Raises
    :class:`BackupError`.

    ``live=True``: the path is open in this process (e.g. the window's repository, backed up from
    another thread). The file is then read through SQLite only: reading its header with
    ``open()`` would drop the repository's locks when that descriptor is closed."""
    backend = getattr(source, "backend", source)  # a repository, an engine session or a path
    conn = getattr(backend, "conn", None)
    db_path = Path(backend.path if conn is not None else source).expanduser()
    own = conn is None
    if own:
        if not db_path.is_file():
            raise BackupError(_("No backup made: {path}: no such database file").format(
                path=db_path))
        try:
            if live or Path(f"{db_path}-wal").exists():  # open somewhere, maybe here
                conn = _db.open_read_only(db_path)
            else:  # read-only; a file no one has open is read as it is, creating no -wal/-shm
                _db.check_header(db_path)
                conn = _db.open_read_only(db_path, snapshot=True)
        except _db.DatabaseError as exc:
            raise BackupError(_("No backup made: {error}").format(error=exc)) from None
        except sqlite3.DatabaseError as exc:
            raise BackupError(_("No backup made: {error}").format(
                error=_db.DamagedDatabase(db_path, str(exc)))) from None
        try:
            _db.quick_check(conn, db_path)
        except _db.DatabaseError as exc:
            conn.close()
            raise BackupError(_("No backup made: {error}").format(error=exc)) from None
    try:
        return _write_backup(conn, db_path, now or utcnow(), prune)
    finally:
        if own:
            conn.close()


def _write_backup(conn: sqlite3.Connection, db_path: Path, now: _dt.datetime,
                  prune: bool) -> Path:
    folder = backup_dir(db_path)
    try:
        _private_dir(folder)
    except OSError as exc:
        raise BackupError(_("No backup made: cannot write in {folder} ({error})").format(
            folder=folder, error=exc.strerror or exc)) from None
    clean_partials(db_path)  # what killed backups left (never the one another process writes)
    try:
        while True:
            target = folder / _backup_name(db_path, now)
            partial = folder / f".{target.name}.partial"
            if not target.exists() and not partial.exists():
                break
            now += _dt.timedelta(microseconds=1)
        # Held open (and flocked) until the backup has its name: the mark of work in progress.
        fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        if not (try_lock(fd) and still_linked(fd, partial)):  # a cleaner took it just now
            os.close(fd)
            fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
            try_lock(fd)
    except OSError as exc:
        raise BackupError(_("No backup made: cannot write in {folder} ({error})").format(
            folder=folder, error=exc.strerror or exc)) from None
    try:
        dest = sqlite3.connect(partial, isolation_level=None)
        try:
            conn.backup(dest)
            # A backup is a plain rollback-journal file: reading it later creates no -wal/-shm.
            dest.execute("PRAGMA journal_mode = DELETE")
            rows = [r[0] for r in dest.execute("PRAGMA quick_check(1)")]
            if rows != ["ok"]:
                raise sqlite3.DatabaseError("; ".join(rows))
        finally:
            dest.close()
        os.fsync(fd)
        os.replace(partial, target)
        fsync_dir(folder)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise BackupError(_("No backup made of {path}: {error}").format(
            path=db_path, error=getattr(exc, "strerror", None) or exc)) from None
    finally:
        os.close(fd)
    if prune:
        try:
            prune_backups(db_path, now=now)
        except OSError as exc:  # a backup was made; failing to tidy up loses nothing
            log.warning("could not prune old backups: %s", exc)
    return target


def clean_partials(db_path: str | os.PathLike) -> list[Path]:
    """Remove the ``.partial`` files that killed backups left in ``db_path``'s backups folder:
    only files named as our partial backups are, and only those that no backup is writing (a
    backup holds an ``flock`` on its partial file until it is renamed). Returns what was removed;
    never raises."""
    folder = backup_dir(Path(db_path).expanduser())
    removed: list[Path] = []
    try:
        entries = [p for p in folder.iterdir() if _PARTIAL_NAME.match(p.name)]
    except OSError:
        return removed
    for p in entries:
        try:
            fd = os.open(p, os.O_RDONLY)
        except OSError:
            continue
        try:
            if fcntl is None:  # pragma: no cover - only a day-old one is surely abandoned
                stale = time.time() - os.fstat(fd).st_mtime > 86400
            else:
                stale = try_lock(fd) and still_linked(fd, p)
            if stale:
                p.unlink()
                removed.append(p)
        except OSError:
            pass
        finally:
            os.close(fd)
    if removed:
        log.info("removed %d unfinished backup file(s) in %s", len(removed), folder)
    return removed


def prune_backups(db_path: str | os.PathLike, *, now: _dt.datetime | None = None,
                  keep_last: int = KEEP_LAST, keep_days: int = KEEP_DAYS) -> list[Path]:
    """Delete backups beyond the retention rule; returns the files deleted.

    Only backups that surely belong to ``db_path`` are candidates (:func:`_attributed`); those
    dated in the future (beyond :data:`FUTURE_SLACK`) are kept and do not count."""
    db_path = Path(db_path).expanduser()
    now = now or utcnow()
    latest = now + FUTURE_SLACK
    files = [(when, p) for when, p, prunable in _attributed(db_path)
             if prunable and when <= latest]  # newest first
    keep = {p for _w, p in files[:keep_last]}
    horizon = now - _dt.timedelta(days=keep_days)
    seen_days: set[_dt.date] = set()
    for when, p in files:
        if when >= horizon and when.date() not in seen_days:
            seen_days.add(when.date())
            keep.add(p)
    removed = []
    for _w, p in files:
        if p not in keep:
            p.unlink()
            removed.append(p)
    return removed


def newest_backup_time(db_path: str | os.PathLike, *,
                       now: _dt.datetime | None = None) -> _dt.datetime | None:
    """The time of the newest backup of ``db_path``, leaving out backups dated in the future (a
    clock that was wrong must not stop automatic backups until that date)."""
    latest = (now or utcnow()) + FUTURE_SLACK
    for when, _p, prunable in _attributed(Path(db_path).expanduser()):
        if prunable and when <= latest:
            return when
    return None


def backup_due(db_path: str | os.PathLike, *, now: _dt.datetime | None = None) -> bool:
    """True when the newest backup (:func:`newest_backup_time`) is over a day old, or none."""
    now = now or utcnow()
    newest = newest_backup_time(db_path, now=now)
    return newest is None or now - newest > AUTO_INTERVAL


def _record(repo, message: str) -> None:
    log.warning("%s", message)
    warnings = getattr(repo, "warnings", None)
    if isinstance(warnings, list):
        warnings.append(message)


def auto_backup_on_open(repo, *, now: _dt.datetime | None = None) -> Path | None:
    """Back up when the newest backup is more than a day old (or there is none); remove what
    killed backups left either way.

    Never raises: a failure is logged and appended to ``repo.warnings``. Read-only files are not
    backed up (nothing can change them)."""
    if repo.read_only:
        return None
    now = now or utcnow()
    clean_partials(repo.path)
    if not backup_due(repo.path, now=now):
        return None
    try:
        return create_backup(repo, now=now)
    except BackupError as exc:
        _record(repo, str(exc))
        return None


def backup_on_exit(repo, *, now: _dt.datetime | None = None) -> Path | None:
    """Back up when this session changed something; call before ``repo.close()``.

    Never raises: a failure is logged and appended to ``repo.warnings``."""
    if repo.read_only or not getattr(repo, "changed", False):
        return None
    try:
        return create_backup(repo, now=now)
    except BackupError as exc:
        _record(repo, str(exc))
        return None


# --- reading backups ------------------------------------------------------------------------------

def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    counts = {}
    for kind in KIND_ORDER:
        try:
            counts[kind] = conn.execute(
                f"SELECT count(*) FROM [{kind}] WHERE deleted_at IS NULL").fetchone()[0]
        except sqlite3.OperationalError:  # an older file without this kind
            counts[kind] = 0
    return counts


def list_backups(db_path: str | os.PathLike) -> list[BackupInfo]:
    """The backups of ``db_path``, newest first, with live record counts per kind (each backup is
    opened read-only; one that cannot be read carries ``error``)."""
    db_path = Path(db_path).expanduser()
    out = []
    for when, p in _backup_files(db_path):
        try:
            size = p.stat().st_size
        except OSError:
            continue
        info = BackupInfo(p, when, size)
        try:
            conn = open_backup(p)
            try:
                info.counts = _counts(conn)
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            info.error = str(exc)
        out.append(info)
    return out


# --- integrity ------------------------------------------------------------------------------------

def check(db_path: str | os.PathLike) -> CheckReport:
    """``integrity_check`` and ``foreign_key_check`` on a file, read-only; writes nothing."""
    path = Path(db_path).expanduser()
    if not path.is_file():
        return CheckReport(path, [], [], _("{path}: no such database file").format(path=path))
    try:
        _db.check_header(path)
        conn = _db.open_read_only(path, snapshot=True)
    except _db.DatabaseError as exc:
        return CheckReport(path, [], [], str(exc))
    except sqlite3.DatabaseError as exc:
        return CheckReport(path, [], [], _("{path} cannot be read: {error}").format(
            path=path, error=exc))
    try:
        return _check_conn(conn, path)
    finally:
        conn.close()


def _check_conn(conn: sqlite3.Connection, path: Path) -> CheckReport:
    try:
        integrity = [str(r[0]) for r in conn.execute("PRAGMA integrity_check(100)")]
    except sqlite3.DatabaseError as exc:
        return CheckReport(path, [str(exc)], [])
    try:
        fks = [tuple(r) for r in conn.execute("PRAGMA foreign_key_check")]
    except sqlite3.DatabaseError as exc:
        fks = [(str(exc), None, None, None)]
    return CheckReport(path, integrity, fks)


def check_backup(backup_file: str | os.PathLike) -> CheckReport:
    path = Path(backup_file).expanduser()
    try:
        _db.check_header(path)
        conn = open_backup(path)
    except (_db.DatabaseError, OSError) as exc:
        return CheckReport(path, [], [], str(exc))
    except sqlite3.DatabaseError as exc:
        return CheckReport(path, [], [], str(exc))
    try:
        return _check_conn(conn, path)
    finally:
        conn.close()


def newest_good_backup(db_path: str | os.PathLike) -> Path | None:
    """The newest backup whose integrity and foreign-key checks pass, or None."""
    for _when, p, own in _attributed(Path(db_path).expanduser()):
        if own and check_backup(p).ok:
            return p
    return None
