"""Restoring a backup over the database, and finishing or undoing a restore that was killed.

A restore (:func:`restore`) never leaves a half-written database: the backup is checked, copied to
a temporary file and checked again; a sound database is then replaced *through SQLite*, under an
exclusive lock held from the in-use check to the end, in one transaction (killed midway, SQLite
rolls it back); a damaged or unreadable one is renamed aside and the temporary file renamed into
its place. Either way the file as it was is kept as ``<name>.before-restore-<timestamp>`` (never
deleted), and a small journal (``.<name>.restore.json``) lives beside the database while a
restore runs: :func:`recover_interrupted_restore`, called before the database is opened, finishes
or undoes a restore that was killed and says what happened.

The journal is created (O_EXCL) and flocked before anything else and removed when the restore is
done. It names the backup, the temporary copy, the set-aside file and a random token. The
temporary copy carries the token as its ``user_version`` (a header field the program does not
use), so the database carries it exactly when the backup was copied in: that is how a later
process tells a finished restore from one that never got that far. The journal goes before the
token is cleared, never after.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import os
import re
import sqlite3
import sys
import time
from pathlib import Path

from tracker.i18n import _
from tracker.model import KIND_ORDER
from tracker.store.sqlite import connect as _db
from tracker.store.sqlite import files
from tracker.store.sqlite.backup import (
    LOCK_WAIT_SECONDS,
    BackupError,
    check_backup,
    fsync_dir,
    log,
    open_backup,
    stamp,
    still_linked,
    try_lock,
    utcnow,
)

try:  # POSIX: flock marks files that a running backup or restore is writing
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

_PAUSE_ENV = "TRACKER_TEST_RESTORE_PAUSE"
_SLOW_ENV = "TRACKER_TEST_RESTORE_SLOW"

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
    from tracker.store.sqlite.schema import MIGRATION_SET, first_tables, names

    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "_sqlite_migrations" not in tables:
        return _("it has none of the program's tables")
    applied = {r[0] for r in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,))}
    # A kind added later (briefs) is missing from an older backup: the upgrade adds it.
    missing = [t for t in (*KIND_ORDER, "audit") if t not in tables and t in first_tables()]
    if names()[0] not in applied or missing:
        return _("it lacks the program's tables ({tables})").format(
            tables=", ".join(missing) or names()[0])
    return None


def _aside_path(db_path: Path, when: _dt.datetime) -> Path:
    """``<name>.before-restore-<time>``, a name no earlier restore used (times to the
    microsecond, one microsecond later while taken)."""
    while True:
        aside = db_path.with_name(f"{db_path.name}.before-restore-{stamp(when)}")
        taken = [Path(f"{aside}{s}") for s in ("", *files.COMPANIONS)]
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
    backup_version = _usable_backup(backup_file, db_path)
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
            src = open_backup(backup_file)
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
    files.make_private(db_path)
    return aside


def _usable_backup(backup_file: Path, db_path: Path) -> int:
    """The backup's ``user_version``, once it is known to be a sound backup of a Bilateral
    Tracker database other than the database itself; else :class:`BackupError` (nothing
    changed)."""
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
        src = open_backup(backup_file)
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
    return backup_version


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
        if try_lock(fd) and still_linked(fd, journal):
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
            fsync_dir(journal.parent)
            return fd
        os.close(fd)  # a process settling "an interrupted restore" took the empty file: again
    raise BackupError(_("{path} is being restored by another program right now; nothing was "
                        "changed.").format(path=journal.with_name(entry["database"])))


def _finish(db_path: Path, journal: Path, token_holder, backup_version: int) -> None:
    """The restore is done: the journal goes first, then the token (see the section's note)."""
    journal.unlink()
    fsync_dir(journal.parent)
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
        fsync_dir(db_path.parent)
        _pause_point("aside")
        src = open_backup(temp)
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
                for suffix in ("", *files.COMPANIONS):
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
        fsync_dir(db_path.parent)
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
        files.make_private(db_path)
        if kept:
            return True, _(
                "A restore of {path} from {backup} was interrupted after the backup had been "
                "copied in: the restore is complete. The file as it was before is kept as "
                "{aside}.").format(path=db_path, backup=backup_file, aside=aside)
        return True, _("A restore of {path} from {backup} was interrupted after the backup had "
                       "been copied in: the restore is complete.").format(
                           path=db_path, backup=backup_file)
    if not copy_mode and kept and not exists:  # renamed aside, nothing in its place: give back
        _put_back([(Path(f"{db_path}{s}"), Path(f"{aside}{s}")) for s in ("", *files.COMPANIONS)
                   if os.path.lexists(f"{aside}{s}")])
        fsync_dir(folder)
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
        for suffix in ("", *files.COMPANIONS):
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
        if not try_lock(fd):
            raise BackupError(_("{path} is being restored from a backup right now; try again "
                                "when that has finished.").format(path=db_path))
        if not still_linked(fd, journal):
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
        fsync_dir(db_path.parent)
    except OSError as exc:
        raise BackupError(_("{path}: cannot settle the interrupted restore recorded in {journal} "
                            "({error})").format(path=db_path, journal=journal,
                                                error=exc.strerror or exc)) from None
    finally:
        os.close(fd)
    if note:
        log.warning("%s", note)
    return note


def set_aside_files(db_path: str | os.PathLike) -> list[Path]:
    """Files set aside by earlier restores (``<name>.before-restore-*``), newest first."""
    db_path = Path(db_path).expanduser()
    pattern = re.compile(rf"^{re.escape(db_path.name)}\.before-restore-[0-9T.]+Z$")
    if not db_path.parent.is_dir():
        return []
    return sorted((p for p in db_path.parent.iterdir() if pattern.match(p.name)), reverse=True)
