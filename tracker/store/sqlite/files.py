"""The database file and its companions (``-wal``, ``-shm``, ``-journal``) as files: which ones
this process has open (POSIX locks belong to the process: while a connection is open nothing here
may open and close the file by other means), their header, permissions, media and free space.

Locks: POSIX advisory locks belong to the process and the file, so closing *any* descriptor of the
database drops every lock SQLite holds on it. While a connection to a file is open in this
process (the registry below counts them), nothing opens that file except through SQLite; its
header is read with ``open()`` only while no connection of ours has it open.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import threading
from pathlib import Path

from tracker.i18n import _
from tracker.outputs import OPEN_DATABASE_CHECKS
from tracker.store.errors import DatabaseError, NotARegularFile

BUSY_TIMEOUT_MS = 15_000  # how long a connection waits for another's write lock
SQLITE_HEADER = b"SQLite format 3\x00"
COMPANIONS = ("-wal", "-shm", "-journal")

# --- the database files this process has open -----------------------------------------------------

_OPEN_LOCK = threading.RLock()
_OPEN: dict[tuple[int, int], int] = {}  # (st_dev, st_ino) -> connections open in this process


def file_identity(path: str | os.PathLike) -> tuple[int, int] | None:
    """``(st_dev, st_ino)`` of the file ``path`` names now (``os.stat``: no descriptor is
    opened), or None when there is none."""
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        return None
    return st.st_dev, st.st_ino


def open_in_this_process(path: str | os.PathLike) -> bool:
    """True while a connection of this process (made here) has the file ``path`` names open."""
    key = file_identity(path)
    with _OPEN_LOCK:
        return key is not None and key in _OPEN


def is_open_here(target: Path) -> bool:
    """``target`` is a database file this process has open, or its -wal/-shm/-journal (for
    :func:`tracker.outputs.is_open_database`: outputs are never written over these)."""
    if open_in_this_process(target):
        return True
    return any(target.name.endswith(suffix) and open_in_this_process(
        target.with_name(target.name[: -len(suffix)])) for suffix in COMPANIONS)


OPEN_DATABASE_CHECKS.append(is_open_here)


def _hold(key: tuple[int, int] | None) -> None:
    if key is not None:
        _OPEN[key] = _OPEN.get(key, 0) + 1


def _release(key: tuple[int, int] | None) -> None:
    if key is None:
        return
    with _OPEN_LOCK:
        n = _OPEN.get(key, 0) - 1
        if n > 0:
            _OPEN[key] = n
        else:
            _OPEN.pop(key, None)


class TrackedConnection(sqlite3.Connection):
    """A connection that counts as "open in this process" until it is closed."""

    held_key: tuple[int, int] | None = None

    def close(self) -> None:
        try:
            super().close()
        finally:
            key, self.held_key = self.held_key, None
            _release(key)

    def __del__(self) -> None:  # a connection dropped without close() stops counting too
        key, self.held_key = self.held_key, None
        if key is not None:
            try:
                super().close()
            finally:
                _release(key)


def sqlite_connect(path: str | os.PathLike, target: str | None = None, *, uri: bool = False,
                   timeout: float = BUSY_TIMEOUT_MS / 1000, isolation_level=None
                   ) -> sqlite3.Connection:
    """``sqlite3.connect`` for a database file: the connection is registered as open on the file
    ``path`` names before SQLite opens it, and until it is closed (see :func:`read_header`)."""
    with _OPEN_LOCK:
        key = file_identity(path)
        _hold(key)
        try:
            conn = sqlite3.connect(target if target is not None else path, uri=uri,
                                   isolation_level=isolation_level, check_same_thread=False,
                                   timeout=timeout, factory=TrackedConnection)
        except BaseException:
            _release(key)
            raise
        conn.held_key = key
    return conn


def not_regular(path: Path, mode: int) -> DatabaseError:
    if stat.S_ISDIR(mode):
        return NotARegularFile(_("{path} is a folder, not a database file").format(path=path))
    return NotARegularFile(_(
        "{path} is not a regular file (a device, pipe or socket); give the path of a database "
        "file").format(path=path))


def read_header(path: str | os.PathLike) -> bytes | None:
    """The first 100 bytes of the file, or None while a connection of this process has it open.

    Reading with ``open()`` and closing would drop SQLite's locks on the file (they belong to
    the process, not the descriptor), so it is done only while no connection made here (by
    :func:`sqlite_connect`) has the file open, under the lock that registers new ones. A FIFO or
    a device is never opened (it could block, or be something else entirely)."""
    path = Path(path)
    with _OPEN_LOCK:
        try:
            st = os.stat(path)
        except OSError as exc:
            raise DatabaseError(_("{path}: cannot read the file ({error})").format(
                path=path, error=exc.strerror or exc)) from None
        if not stat.S_ISREG(st.st_mode):
            raise not_regular(path, st.st_mode)
        if (st.st_dev, st.st_ino) in _OPEN:
            return None
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
                         | getattr(os, "O_BINARY", 0))
        except OSError as exc:
            raise DatabaseError(_("{path}: cannot read the file ({error})").format(
                path=path, error=exc.strerror or exc)) from None
        try:
            after = os.fstat(fd)
            if not stat.S_ISREG(after.st_mode):  # swapped for a FIFO or a device meanwhile
                raise not_regular(path, after.st_mode)
            return os.read(fd, 100)
        finally:
            os.close(fd)


# --- permissions and media ------------------------------------------------------------------------

def make_private_file(path: Path) -> None:
    """Create the folder (0700) and an empty file (0600) so SQLite's companions inherit 0600."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:  # another process created it a moment ago: just open it
        return
    os.close(fd)


def make_private(path: str | os.PathLike) -> None:
    """Make a database we may write and its companions 0600 (when we own them).

    This also repairs ``-wal``/``-shm`` files that an earlier read-only open of a read-only file
    left read-only: SQLite gives them the database's mode, and a connection that cannot write its
    ``-shm`` cannot save anything once the file is writable again."""
    path = Path(path)
    for p in (path, *(Path(f"{path}{suffix}") for suffix in COMPANIONS)):
        try:
            st = p.stat()
        except OSError:
            continue
        if st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) != 0o600:
            try:
                os.chmod(p, 0o600)
            except OSError:
                pass


def read_only_reason(path: str | os.PathLike) -> str | None:
    """Why the file at ``path`` must be opened read-only, or None when we may write it.

    ``os.access`` says yes to everything for root, so the permission bits are looked at as well: a
    file or folder with no write bit for anyone is treated as read-only by everybody.
    """
    path = Path(path)
    folder = path.parent
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return _("{path} is on read-only media").format(path=path)
    except (OSError, AttributeError):
        pass
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
        folder_mode = stat.S_IMODE(folder.stat().st_mode)
    except OSError as exc:
        return _("{path}: cannot read the file ({error})").format(path=path,
                                                                 error=exc.strerror or exc)
    if not os.access(path, os.W_OK) or not mode & 0o222:
        return _("{path} is read-only (no permission to write the file)").format(path=path)
    if not os.access(folder, os.W_OK) or not folder_mode & 0o222:
        return _("{path} is in a read-only folder (no permission to write in {folder})").format(
            path=path, folder=folder)
    for suffix in ("-wal", "-shm"):  # companions someone else left that we may not write
        companion = Path(f"{path}{suffix}")
        try:
            st = companion.stat()
        except OSError:
            continue
        if st.st_uid != os.geteuid() and (not os.access(companion, os.W_OK)
                                          or not st.st_mode & 0o222):
            return _("{path} is read-only (no permission to write {name})").format(
                path=path, name=companion.name)
    return None


def network_share_warning(path: Path, fstype: str) -> str:
    return _(
        "{path} is on a network share ({fs}). SQLite's WAL mode is unsafe there, so this file "
        "uses a rollback journal instead; keep it open on one computer at a time, or better, keep "
        "it on a local disk.").format(path=path, fs=fstype)


# --- a full disk ----------------------------------------------------------------------------------

FULL_BELOW = 1 << 20  # less free space than this (1 MB) on the file's disk counts as full


def _free_space(path: Path) -> tuple[int, bool] | None:
    """(bytes free to us, no inode left) on the disk holding ``path``, or None if unknown."""
    folder = Path(path).parent
    try:
        st = os.statvfs(folder)
        return st.f_bavail * st.f_frsize, bool(st.f_files and st.f_favail == 0)
    except (OSError, AttributeError, ValueError):
        return None


def disk_full(path: str | os.PathLike, exc: BaseException | None = None) -> bool:
    """True when the disk holding ``path`` is (nearly) full and ``exc`` (if given) is the kind of
    error a full disk causes: "database or disk is full", "disk I/O error" (SQLite fails to
    extend its ``-shm``), "unable to open" (no inode left for a ``-wal``), ``ENOSPC``."""
    if exc is not None:
        name = str(getattr(exc, "sqlite_errorname", "") or "")
        text = str(exc).lower()
        if not (name in ("SQLITE_FULL", "SQLITE_CANTOPEN") or name.startswith("SQLITE_IOERR")
                or any(s in text for s in ("full", "disk i/o", "unable to open"))
                or getattr(exc, "errno", None) in (errno.ENOSPC, getattr(errno, "EDQUOT", -1))):
            return False
    free = _free_space(Path(path))
    return free is not None and (free[0] < FULL_BELOW or free[1])


def _free_text(path: Path) -> str:
    free = _free_space(path)
    if free is None:
        return "?"
    return _("{n} KB").format(n=free[0] // 1024)


def disk_full_message(path: Path, *, opened: bool) -> str:
    if opened:
        return _(
            "The disk holding {path} is full ({free} free). The file is not damaged; it is open "
            "read-only until you free some space on that disk (then open it again)."
        ).format(path=path, free=_free_text(path))
    return _(
        "The disk holding {path} is full ({free} free). The file is not damaged and has not "
        "been changed, but it cannot be opened until you free some space on that disk."
    ).format(path=path, free=_free_text(path))


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
        conn = sqlite_connect(db_path, timeout=0)  # counted as open here meanwhile
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
