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

A restore (:func:`restore`) never leaves a half-written database: the backup is checked, copied to
a temporary file and checked again; a sound database is then replaced *through SQLite*, under an
exclusive lock held from the in-use check to the end, in one transaction (killed midway, SQLite
rolls it back); a damaged or unreadable one is renamed aside and the temporary file renamed into
its place. Either way the file as it was is kept as ``<name>.before-restore-<timestamp>`` (never
deleted), and a small journal (``.<name>.restore.json``) lives beside the database while a
restore runs: :func:`recover_interrupted_restore`, called before the database is opened, finishes
or undoes a restore that was killed and says what happened.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import logging
import os
import re
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tracker.i18n import _
from tracker.model import KIND_ORDER
from tracker.store.sqlite import connect as _db

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
_PAUSE_ENV = "TRACKER_TEST_RESTORE_PAUSE"
_SLOW_ENV = "TRACKER_TEST_RESTORE_SLOW"


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
            if p.name == db_path.name or p.name.endswith(_db.COMPANIONS):
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
        conn = _peek(path) if live else _open_backup(path)
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


def _fsync_dir(folder: Path) -> None:
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


def _open_backup(path: Path) -> sqlite3.Connection:
    """Backups are never written once made: read them immutable (no journal, no side files)."""
    return sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True,
                           isolation_level=None, check_same_thread=False)


def _try_lock(fd: int) -> bool:
    """Take an exclusive ``flock`` on ``fd`` without waiting; False when another open file holds
    one (a backup or restore that is still running). True where there are no flocks."""
    if fcntl is None:  # pragma: no cover - Windows: an open file cannot be deleted there anyway
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _still_linked(fd: int, path: Path) -> bool:
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
        if not (_try_lock(fd) and _still_linked(fd, partial)):  # a cleaner took it just now
            os.close(fd)
            fd = os.open(partial, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
            _try_lock(fd)
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
        _fsync_dir(folder)
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
                stale = _try_lock(fd) and _still_linked(fd, p)
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
            conn = _open_backup(p)
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
        conn = _open_backup(path)
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


# --- restore --------------------------------------------------------------------------------------
#
# The journal of a running restore, ``.<name>.restore.json`` beside the database, is created
# (O_EXCL) and flocked before anything else and removed when the restore is done. It names the
# backup, the temporary copy, the set-aside file and a random token. The temporary copy carries the
# token as its ``user_version`` (a header field the program does not use), so the database carries
# it exactly when the backup was copied in: that is how a later process tells a finished restore
# from one that never got that far. The journal goes before the token is cleared, never after.

def _journal_path(db_path: Path) -> Path:
    from tracker.paths import restore_journal_path

    return restore_journal_path(db_path)


def _pause_point(name: str) -> None:
    """Tests only: with TRACKER_TEST_RESTORE_PAUSE=<name>, stop here until killed."""
    if os.environ.get(_PAUSE_ENV) == name:
        sys.stderr.write(f"paused at {name}\n")
        sys.stderr.flush()
        time.sleep(600)


def _copy(src: sqlite3.Connection, dest: sqlite3.Connection) -> None:
    """SQLite's backup API, every page in one transaction on ``dest`` (killed midway, SQLite rolls
    it back). TRACKER_TEST_RESTORE_SLOW=<seconds> (tests only) copies 8 pages a step with that
    pause between steps; the destination's transaction still spans every step."""
    delay = os.environ.get(_SLOW_ENV)
    if delay:
        src.backup(dest, pages=8, progress=lambda *_a: time.sleep(float(delay)))
    else:
        src.backup(dest)


def _user_version(path: Path, *, recover: bool) -> int | None:
    """``PRAGMA user_version`` of the file at ``path``, None when it cannot be read.

    ``recover=True`` (a sound database overwritten through SQLite) opens it read-write when a
    hot rollback journal is there or a read-only connection cannot read it, so that SQLite rolls
    an unfinished copy back first; never for a damaged file, which nothing may write to. Without
    a ``-wal`` or ``-journal`` nothing is pending: the file is read ``immutable``."""
    if os.path.lexists(f"{path}-wal"):
        uris = [_db.file_uri(path, mode="ro")]
    elif os.path.lexists(f"{path}-journal"):
        uris = [] if recover else [_db.file_uri(path, mode="ro")]
    else:
        uris = [_db.file_uri(path, mode="ro", immutable="1")]
    if recover:
        uris.append(_db.file_uri(path, mode="rw"))
    for uri in uris:
        try:
            conn = sqlite3.connect(uri, uri=True, isolation_level=None,
                                   timeout=_db.BUSY_TIMEOUT_MS / 1000)
            try:
                return int(conn.execute("PRAGMA user_version").fetchone()[0])
            finally:
                conn.close()
        except sqlite3.Error:
            continue
    return None


def _set_user_version(path: Path, value: int) -> None:
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=_db.BUSY_TIMEOUT_MS / 1000)
        try:
            conn.execute(f"PRAGMA user_version = {int(value)}")
        finally:
            conn.close()
    except sqlite3.Error as exc:  # harmless: the program does not read it
        log.warning("could not clear the restore token of %s: %s", path, exc)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _not_a_tracker_database(conn: sqlite3.Connection) -> str | None:
    """Why the (sound) SQLite file is not a Bilateral Tracker database, or None."""
    from tracker.store.sqlite.schema import MIGRATION_SET, names

    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "_sqlite_migrations" not in tables:
        return _("it has none of the program's tables")
    applied = {r[0] for r in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,))}
    missing = [t for t in (*KIND_ORDER, "audit") if t not in tables]
    if names()[0] not in applied or missing:
        return _("it lacks the program's tables ({tables})").format(
            tables=", ".join(missing) or names()[0])
    return None


def _aside_path(db_path: Path, when: _dt.datetime) -> Path:
    """``<name>.before-restore-<time>``, a name no earlier restore used (times to the
    microsecond, one microsecond later while taken)."""
    while True:
        aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp(when)}")
        taken = [Path(f"{aside}{s}") for s in ("", *_db.COMPANIONS)]
        taken.append(aside.with_name(f".{aside.name}.partial"))
        if not any(os.path.lexists(p) for p in taken):
            return aside
        when += _dt.timedelta(microseconds=1)


def _live_state(db_path: Path) -> tuple[str, int | None]:
    """("missing" | "sound" | "unusable", its user_version) for the file a restore replaces.

    "unusable": empty, not an SQLite file, or damaged. Raises BackupError when it is locked."""
    if not db_path.exists():
        return "missing", None
    if db_path.is_dir():
        raise BackupError(_("{path} is a folder, not a database file").format(path=db_path))
    if db_path.stat().st_size == 0:
        return "unusable", None
    try:
        _db.check_header(db_path)
        conn = _db.open_read_only(db_path, snapshot=True)
    except _db.NotADatabase:
        return "unusable", None
    except _db.DatabaseError as exc:
        raise BackupError(str(exc)) from None
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise _in_use(db_path) from None
        return "unusable", None
    except sqlite3.DatabaseError:
        return "unusable", None
    try:
        _db.quick_check(conn, db_path)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    except _db.DamagedDatabase as exc:
        if isinstance(exc.cause, sqlite3.OperationalError) and "locked" in str(exc.cause):
            raise _in_use(db_path) from None
        return "unusable", None
    finally:
        conn.close()
    return "sound", version


def _in_use(db_path: Path) -> BackupError:
    return BackupError(_("{path} is open in another window or program; close it there first. "
                         "Nothing was changed.").format(path=db_path))


def _new_file(path: Path) -> int:
    """Create ``path`` (0600, must not exist); returns its descriptor."""
    return os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)


def _copy_into_new_file(src: sqlite3.Connection, path: Path, *,
                        token: int | None = None) -> None:
    """Copy ``src`` into a new file at ``path`` (a plain rollback-journal file, checked, with
    ``user_version`` = ``token`` if given), synced to disk. Removed again on failure."""
    fd = _new_file(path)
    try:
        dest = sqlite3.connect(path, isolation_level=None)
        try:
            _copy(src, dest)
            dest.execute("PRAGMA journal_mode = DELETE")
            rows = [r[0] for r in dest.execute("PRAGMA quick_check(1)")]
            if rows != ["ok"]:
                raise sqlite3.DatabaseError("; ".join(str(r) for r in rows))
            if token is not None:
                dest.execute(f"PRAGMA user_version = {int(token)}")
        finally:
            dest.close()
        os.fsync(fd)
    except BaseException:
        with contextlib.suppress(OSError):
            path.unlink()
        raise
    finally:
        os.close(fd)


def _lock_unusable(db_path: Path) -> int | None:
    """Hold SQLite's exclusive lock (its lock bytes, taken with POSIX ``fcntl`` as SQLite itself
    does) on a file SQLite cannot open, from the in-use check until it has been renamed aside;
    returns the descriptor to close afterwards (None where there are no POSIX locks).

    No SQLite connection may do this: closing one on a WAL file checkpoints it and deletes
    ``<name>-wal`` by name, which by then would be the restored database's."""
    if fcntl is None:  # pragma: no cover - Windows
        return None
    try:
        fd = os.open(db_path, os.O_RDWR)
    except PermissionError:  # a read-only file (its folder decides whether it can be renamed)
        return None
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 512, 0x40000000)  # PENDING..SHARED bytes
    except OSError:
        os.close(fd)
        raise _in_use(db_path) from None
    return fd


def restore(db_path: str | os.PathLike, backup_file: str | os.PathLike, *,
            now: _dt.datetime | None = None) -> Path | None:
    """Replace the database with ``backup_file``; returns where the file as it was is kept
    (None when there was no file). Close every connection to the database first.

    Refused, changing nothing: a backup that is the database itself (or a link to it), is not
    sound, or is not a Bilateral Tracker database; a database open elsewhere. Otherwise the backup
    is copied to a temporary file beside the database and checked. A sound database is then
    copied aside (``<name>.before-restore-<time>``) and overwritten through SQLite, both under one
    exclusive lock taken by the in-use check and held to the end: another program that opens the
    file meanwhile waits and then sees the restored database. An unusable one (damaged, not a
    database, empty) is renamed aside, with its ``-wal``/``-shm``, and the temporary file is
    renamed into its place. Killed at any moment, the database is whole (as it was, or restored)
    or missing with its set-aside file beside it; :func:`recover_interrupted_restore` settles
    that before the next open."""
    db_path = Path(db_path).expanduser()
    backup_file = Path(backup_file).expanduser()
    earlier = recover_interrupted_restore(db_path)
    if earlier:
        log.warning("%s", earlier)
    if not backup_file.is_file():
        raise BackupError(_("{path}: no such backup file").format(path=backup_file))
    if _same_file(backup_file, db_path):
        raise BackupError(_("{path} is the database itself, not a backup of it; nothing was "
                            "changed. Choose a backup (see the command 'backups').").format(
                                path=backup_file))
    report = check_backup(backup_file)
    if not report.ok:
        raise BackupError(_("{path} is not a sound backup; nothing was changed. {detail}").format(
            path=backup_file, detail=" ".join(report.lines())))
    try:
        src = _open_backup(backup_file)
        try:
            why = _not_a_tracker_database(src)
            backup_version = int(src.execute("PRAGMA user_version").fetchone()[0])
        finally:
            src.close()
    except sqlite3.Error as exc:
        why, backup_version = str(exc), 0
    if why:
        raise BackupError(_("{path} is not a backup of a Bilateral Tracker database ({why}); "
                            "nothing was changed.").format(path=backup_file, why=why))
    state, live_version = _live_state(db_path)

    import secrets

    token = 0
    while token in (0, backup_version, live_version):
        token = secrets.randbelow(2**31 - 1) + 1
    journal = _journal_path(db_path)
    temp = db_path.with_name(f".{db_path.name}.restore-{token}.tmp")
    aside = None if state == "missing" else _aside_path(db_path, now or utcnow())
    entry = {"database": db_path.name, "backup": str(backup_file.resolve()),
             "mode": "copy" if state == "sound" else "rename", "temp": temp.name,
             "aside": aside.name if aside else None, "token": token,
             "user_version": backup_version, "started": stamp(utcnow())}
    fd = _open_journal(journal, entry)
    try:
        try:
            _pause_point("journal")
            src = _open_backup(backup_file)
            try:
                _copy_into_new_file(src, temp, token=token)
            finally:
                src.close()
            _pause_point("temp")
            if state == "sound":
                _replace_in_place(db_path, temp, aside, journal, backup_version)
            else:
                _replace_by_rename(db_path, temp, aside, journal, backup_version)
        except BaseException as exc:
            # Whatever happened, leave things as a later process would: finished or undone.
            restored, _note = _settle(db_path, entry)
            with contextlib.suppress(OSError):
                journal.unlink()
            if restored:
                return aside
            if isinstance(exc, BackupError):
                raise
            if not isinstance(exc, (OSError, sqlite3.Error)):
                raise
            raise BackupError(_("Restoring {backup} failed, the database was left as it was: "
                                "{error}").format(backup=backup_file,
                                                  error=getattr(exc, "strerror", None) or exc)
                              ) from None
    finally:
        os.close(fd)
    _db.make_private(db_path)
    return aside


def _open_journal(journal: Path, entry: dict) -> int:
    """Create the restore journal (refused while another restore of the file runs), flock it,
    write ``entry`` and sync it; returns its descriptor, to keep open to the end."""
    data = json.dumps(entry, ensure_ascii=False, indent=1).encode("utf-8")
    for _attempt in range(3):
        try:
            fd = _new_file(journal)
        except FileExistsError:
            raise BackupError(_("{path} is being restored by another program right now; "
                                "nothing was changed.").format(
                                    path=journal.with_name(entry["database"]))) from None
        except OSError as exc:
            raise BackupError(_("Cannot restore: cannot write in {folder} ({error}); nothing "
                                "was changed.").format(folder=journal.parent,
                                                       error=exc.strerror or exc)) from None
        if _try_lock(fd) and _still_linked(fd, journal):
            try:
                os.write(fd, data)
                os.fsync(fd)
            except OSError as exc:
                os.close(fd)
                with contextlib.suppress(OSError):
                    journal.unlink()
                raise BackupError(_("Cannot restore: cannot write in {folder} ({error}); "
                                    "nothing was changed.").format(
                                        folder=journal.parent, error=exc.strerror or exc)
                                  ) from None
            _fsync_dir(journal.parent)
            return fd
        os.close(fd)  # a process settling "an interrupted restore" took the empty file: again
    raise BackupError(_("{path} is being restored by another program right now; nothing was "
                        "changed.").format(path=journal.with_name(entry["database"])))


def _finish(db_path: Path, journal: Path, token_holder, backup_version: int) -> None:
    """The restore is done: the journal goes first, then the token (see the section's note)."""
    journal.unlink()
    _fsync_dir(journal.parent)
    _pause_point("journal-removed")
    token_holder(backup_version)


def _replace_in_place(db_path: Path, temp: Path, aside: Path, journal: Path,
                      backup_version: int) -> None:
    lock = sqlite3.connect(db_path, isolation_level=None, timeout=LOCK_WAIT_SECONDS,
                           check_same_thread=False)
    try:
        # The in-use check takes the lock that is then held to the end: every open connection
        # keeps a shared lock, so an exclusive one is refused while another program has the
        # file open, and anyone opening it from now on waits until this connection closes.
        lock.execute("PRAGMA locking_mode = EXCLUSIVE")
        try:
            lock.execute("BEGIN EXCLUSIVE")
            lock.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise _in_use(db_path) from None
            raise
        _pause_point("locked")
        partial = aside.with_name(f".{aside.name}.partial")
        _copy_into_new_file(lock, partial)
        os.replace(partial, aside)
        _fsync_dir(db_path.parent)
        _pause_point("aside")
        src = _open_backup(temp)
        try:
            src_size = src.execute("PRAGMA page_size").fetchone()[0]
            if (src_size != lock.execute("PRAGMA page_size").fetchone()[0]
                    and lock.execute("PRAGMA journal_mode").fetchone()[0] == "wal"):
                # The backup API cannot change a WAL file's page size: a rollback journal for
                # this copy (the next open switches back to WAL).
                lock.execute("PRAGMA journal_mode = DELETE")
            _copy(src, lock)
        finally:
            src.close()
        with contextlib.suppress(OSError):
            temp.unlink()
        _pause_point("copied")
        _finish(db_path, journal,
                lambda v: lock.execute(f"PRAGMA user_version = {int(v)}"), backup_version)
    finally:
        lock.close()


def _replace_by_rename(db_path: Path, temp: Path, aside: Path | None, journal: Path,
                       backup_version: int) -> None:
    lock_fd = _lock_unusable(db_path) if aside is not None else None
    try:
        _pause_point("locked")
        if aside is not None:
            moved: list[tuple[Path, Path]] = []
            try:
                for suffix in ("", *_db.COMPANIONS):
                    src = Path(f"{db_path}{suffix}")
                    if src.exists():
                        dst = Path(f"{aside}{suffix}")
                        os.rename(src, dst)
                        moved.append((src, dst))
            except OSError as exc:
                _put_back(moved)
                raise BackupError(_("Cannot set {path} aside, nothing was changed: {error}")
                                  .format(path=db_path, error=exc.strerror or exc)) from None
            _pause_point("aside")
        os.replace(temp, db_path)
        _fsync_dir(db_path.parent)
    finally:
        if lock_fd is not None:
            os.close(lock_fd)
    _pause_point("copied")
    _finish(db_path, journal, lambda v: _set_user_version(db_path, v), backup_version)


def _put_back(moved: list[tuple[Path, Path]]) -> None:
    for src, dst in reversed(moved):
        with contextlib.suppress(OSError):
            os.rename(dst, src)


def _settle(db_path: Path, entry: dict) -> tuple[bool, str]:
    """Finish or undo the restore described by journal ``entry``; returns (restored, what to
    tell the user). Leaves the journal itself to the caller."""
    folder = db_path.parent
    backup_file = entry.get("backup") or "?"
    copy_mode = entry.get("mode") == "copy"
    aside = folder / entry["aside"] if entry.get("aside") else None
    temp = folder / entry["temp"] if entry.get("temp") else None
    leftovers = [p for p in (temp, aside.with_name(f".{aside.name}.partial") if aside else None)
                 if p is not None]
    exists = os.path.lexists(db_path)
    version = _user_version(db_path, recover=copy_mode) if exists else None
    kept = aside is not None and aside.exists()
    if version is not None and version == entry.get("token"):  # the backup is in: finish
        _set_user_version(db_path, int(entry.get("user_version") or 0))
        _remove(leftovers)
        _db.make_private(db_path)
        if kept:
            return True, _(
                "A restore of {path} from {backup} was interrupted after the backup had been "
                "copied in: the restore is complete. The file as it was before is kept as "
                "{aside}.").format(path=db_path, backup=backup_file, aside=aside)
        return True, _("A restore of {path} from {backup} was interrupted after the backup had "
                       "been copied in: the restore is complete.").format(
                           path=db_path, backup=backup_file)
    if not copy_mode and kept and not exists:  # renamed aside, nothing in its place: give back
        _put_back([(Path(f"{db_path}{s}"), Path(f"{aside}{s}")) for s in ("", *_db.COMPANIONS)
                   if os.path.lexists(f"{aside}{s}")])
        _fsync_dir(folder)
        _remove(leftovers)
        if db_path.exists():
            return False, _(
                "A restore of {path} from {backup} was interrupted: {path} was put back as it "
                "was before (from {aside}). Restore again to replace it.").format(
                    path=db_path, backup=backup_file, aside=aside)
    if kept and (version is None or not copy_mode):
        # Cannot tell it was not changed (copy), or the original is aside (rename): keep it all.
        _remove([temp] if temp else [])
        return False, _(
            "A restore of {path} from {backup} was interrupted. The file as it was before is kept "
            "as {aside}.").format(path=db_path, backup=backup_file, aside=aside)
    # It never got as far as changing the database. A copy set aside of it (copy mode) is the
    # database as it still is: removed with the temporary file.
    if copy_mode and kept:
        leftovers.append(aside)
    _remove(leftovers)
    return False, _(
        "A restore of {path} from {backup} was interrupted before it changed anything: {path} is "
        "as it was. Restore again if you still want the backup.").format(
            path=db_path, backup=backup_file)


def _remove(paths) -> None:
    for p in paths:
        for suffix in ("", *_db.COMPANIONS):
            with contextlib.suppress(OSError):
                Path(f"{p}{suffix}").unlink()


def recover_interrupted_restore(db_path: str | os.PathLike) -> str | None:
    """Settle a restore of ``db_path`` that was killed midway; call before opening the file.

    Returns what to tell the user (which file was restored, put back or set aside), or None when
    there was nothing to settle. Raises :class:`BackupError` while a restore of the file is
    running right now (its journal is locked). Costs one ``stat`` when there is nothing to do."""
    db_path = Path(db_path).expanduser()
    journal = _journal_path(db_path)
    if not os.path.lexists(journal):
        return None
    try:
        fd = os.open(journal, os.O_RDONLY)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise BackupError(_("{path}: cannot read {journal} ({error})").format(
            path=db_path, journal=journal, error=exc.strerror or exc)) from None
    try:
        if not _try_lock(fd):
            raise BackupError(_("{path} is being restored from a backup right now; try again "
                                "when that has finished.").format(path=db_path))
        if not _still_linked(fd, journal):
            return None  # settled by another process a moment ago
        with os.fdopen(os.dup(fd), "rb") as fh:
            raw = fh.read(65536)
        try:
            entry = json.loads(raw.decode("utf-8")) if raw.strip() else None
        except (ValueError, UnicodeDecodeError):
            entry = None
        if not isinstance(entry, dict):
            # Killed while writing its journal, before anything else: nothing to settle.
            note = None
        else:
            _restored, note = _settle(db_path, entry)
        journal.unlink()
        _fsync_dir(db_path.parent)
    except OSError as exc:
        raise BackupError(_("{path}: cannot settle the interrupted restore recorded in {journal} "
                            "({error})").format(path=db_path, journal=journal,
                                                error=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    if note:
        log.warning("%s", note)
    return note


def in_use_elsewhere(db_path: str | os.PathLike) -> bool:
    """True when another connection (another window or program) has the WAL database open.

    Every open WAL connection keeps a shared lock on the file; an exclusive lock is refused then.
    Without a ``-shm`` file no WAL connection can be open. (A rollback-journal file, as on a
    network share, holds no lock while idle: there this cannot tell.)"""
    db_path = Path(db_path).expanduser()
    if not db_path.is_file() or not Path(f"{db_path}-shm").exists():
        return False
    conn = None
    try:
        conn = _db.sqlite_connect(db_path, timeout=0)  # counted as open here meanwhile
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        return "locked" in str(exc) or "busy" in str(exc)
    except sqlite3.DatabaseError:  # damaged: cannot tell, and nothing could be using it well
        return False
    finally:
        if conn is not None:
            conn.close()
    return False


def set_aside_files(db_path: str | os.PathLike) -> list[Path]:
    """Files set aside by earlier restores (``<name>.before-restore-*``), newest first."""
    db_path = Path(db_path).expanduser()
    pattern = re.compile(rf"^{re.escape(db_path.name)}\.before-restore-[0-9T.]+Z$")
    if not db_path.parent.is_dir():
        return []
    return sorted((p for p in db_path.parent.iterdir() if pattern.match(p.name)), reverse=True)
