"""Opening the database file: private permissions, pragmas, migrations, read-only detection.

What happens when a file is opened, in this order:

1. Anything but a regular file (a folder, a FIFO, a device) raises :class:`DatabaseError` before
   it is opened; a file that does not start with SQLite's header raises :class:`NotADatabase`.
2. An existing file is checked (``PRAGMA quick_check``) through a *read-only* connection, before
   anything could write to it: a damaged file raises :class:`DamagedDatabase` and its bytes are
   left exactly as they were (no journal switch, no checkpoint, no migration).
3. A file we may not write opens read-only: no write permission, a file or folder without any write
   bit (this also catches ``chmod 444`` when running as root, where permission bits are not
   enforced), or read-only media. A WAL file in a read-only folder without its ``-shm`` companion
   is opened ``immutable`` when no ``-wal`` content is pending.
4. A writable file gets WAL (``journal_mode=DELETE`` on a network share, where WAL is unsafe:
   every process must share one host's memory), ``synchronous=FULL``, foreign keys and a busy
   timeout; the file and its ``-wal``/``-shm`` companions are made private (0600).
5. Only an empty file or one of ours is opened: an SQLite file of another program raises
   :class:`ForeignDatabase` (untouched); one written by a newer version (a migration or a column
   this version does not know) opens read-only with the reason.
6. A full disk is said to be full: the file opens read-only (never "damaged").

Locks: POSIX advisory locks belong to the process and the file, so closing *any* descriptor of the
database drops every lock SQLite holds on it. While a connection to a file is open in this
process (the registry below counts them), nothing here opens that file except through SQLite;
its header is read with ``open()`` only while no connection of ours has it open.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import threading
from pathlib import Path

from tracker.filesystems import filesystem_type, is_network_filesystem
from tracker.i18n import _
from tracker.outputs import OPEN_DATABASE_CHECKS
from tracker.store.errors import (
    DamagedDatabase,
    DatabaseError,
    DiskFull,
    ForeignDatabase,
    NotADatabase,
    NotARegularFile,
)

BUSY_TIMEOUT_MS = 15_000
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


def _not_regular(path: Path, mode: int) -> DatabaseError:
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
            raise _not_regular(path, st.st_mode)
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
                raise _not_regular(path, after.st_mode)
            return os.read(fd, 100)
        finally:
            os.close(fd)


# --- permissions and media ------------------------------------------------------------------------

def _make_private_file(path: Path) -> None:
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


# --- opening --------------------------------------------------------------------------------------

def file_uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return path.resolve().as_uri() + ("?" + query if query else "")


def _connect_to(path: Path, **params: str) -> sqlite3.Connection:
    """A connection to ``path`` (URI parameters such as ``mode="ro"`` when given), registered as
    open in this process, with the busy timeout set."""
    if params:
        conn = sqlite_connect(path, file_uri(path, **params), uri=True)
    else:
        conn = sqlite_connect(path, str(path))
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except BaseException:
        conn.close()
        raise
    return conn


def _readable(conn: sqlite3.Connection) -> sqlite3.Connection:
    """``conn`` once it has read the schema (closed if it cannot)."""
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except BaseException:
        conn.close()
        raise
    return conn


def _wal_header(path: Path) -> bool | None:
    """Whether the file's header says WAL; None when that cannot be read safely now (a
    connection of this process has the file open: see :func:`read_header`)."""
    head = read_header(path)
    if head is None:
        return None
    return len(head) >= 20 and head[18] == 2


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


# --- read-only connections ------------------------------------------------------------------------

def open_read_only(path: str | os.PathLike, *, snapshot: bool = False) -> sqlite3.Connection:
    """A read-only connection that writes nothing at all to the database file.

    ``snapshot=True`` (for one-off checks) reads a WAL file that no one has open (no ``-wal``
    beside it) ``immutable``, so not even a ``-shm`` file is created next to it.

    A WAL database in a folder we may not write has no ``-shm`` to share: then it is opened
    ``immutable`` (safe because nobody can be writing it), unless a ``-wal`` with pending
    transactions is there, which SQLite cannot read without its ``-shm``. The same holds on a
    full disk, where SQLite cannot extend the ``-shm`` (:class:`DiskFull` when it cannot read).
    """
    path = Path(path)
    wal = Path(f"{path}-wal")
    if snapshot and not wal.exists() and _wal_header(path):
        return _readable(_connect_to(path, mode="ro", immutable="1"))
    if (not wal.exists() or wal.stat().st_size == 0) and disk_full(path):
        # nothing pending, and no room for a -shm: read the file as it is, creating nothing
        return _readable(_connect_to(path, mode="ro", immutable="1"))
    try:
        return _readable(_connect_to(path, mode="ro"))
    except sqlite3.OperationalError as exc:
        full = disk_full(path, exc)
        if "unable to open" not in str(exc) and "readonly" not in str(exc) and not full:
            raise
        if wal.exists() and wal.stat().st_size > 0:
            if full:
                raise DiskFull(disk_full_message(path, opened=False)) from None
            raise DatabaseError(_(
                "{path} cannot be read here: its journal ({wal}) holds changes that were not yet "
                "written into it, and the folder is read-only. Copy the file together with its "
                "-wal file to a folder you may write to.").format(path=path, wal=wal.name)
            ) from None
    return _readable(_connect_to(path, mode="ro", immutable="1"))


def quick_check(conn: sqlite3.Connection, path: Path, *, limit: int = 1) -> None:
    """Raise :class:`DamagedDatabase` unless ``PRAGMA quick_check`` says ``ok`` (a full disk
    that stops the check is :class:`DiskFull`, not damage)."""
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA quick_check({int(limit)})").fetchall()]
    except sqlite3.DatabaseError as exc:
        if disk_full(path, exc):
            raise DiskFull(disk_full_message(path, opened=False)) from None
        raise DamagedDatabase(path, str(exc), cause=exc) from None
    if rows != ["ok"]:
        raise DamagedDatabase(path, "; ".join(str(r) for r in rows[:3]) or "?")


def can_defer_check(path: Path) -> bool:
    """True when opening ``path`` before its integrity check can write nothing to it: it is
    already in WAL mode (no journal switch) and has no ``-wal`` content (no recovery and no
    checkpoint on close). Only then may the check run after the window is up."""
    try:
        wal = Path(f"{path}-wal")
        return path.stat().st_size > 0 and bool(_wal_header(path)) and (
            not wal.exists() or wal.stat().st_size == 0)
    except (OSError, DatabaseError):
        return False


# --- whose file is it -----------------------------------------------------------------------------

def _identify(conn: sqlite3.Connection, path: Path) -> str | None:
    """Raise :class:`ForeignDatabase` for an SQLite file of another program; return why a file of
    a newer version must stay read-only (a migration or a column this version does not know),
    or None for a file of ours this version knows (or an empty one, which becomes ours).

    Ours means: the sqlite-utils migrations table lists our migration set (every file this
    program ever made has it, from the first release on)."""
    from tracker.model import KINDS, SYSTEM_FIELDS
    from tracker.store.sqlite.schema import MIGRATION_SET, names

    if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
        return None  # no table at all: an empty database becomes ours
    try:
        applied = [row[0] for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY id",
            (MIGRATION_SET,))]
    except sqlite3.OperationalError:  # no such table (or not sqlite-utils' shape)
        applied = []
    if not applied:
        raise ForeignDatabase(_(
            "{path} is an SQLite database of another program, not a Bilateral Tracker "
            "database; it was not opened and not changed.").format(path=path))
    known = set(names())
    unknown = [name for name in applied if name not in known]
    detail = None
    if unknown:
        detail = _("its schema has changes this version does not know: {names}").format(
            names=", ".join(unknown[:5]))
    else:
        for kind in KINDS.values():
            expected = set(SYSTEM_FIELDS) | {f.name for f in kind.stored_fields}
            extra = [row[1] for row in conn.execute(f"PRAGMA table_info([{kind.name}])")
                     if row[1] not in expected]
            if extra:
                detail = _("its {table} table has columns this version does not know: "
                           "{columns}").format(table=kind.name, columns=", ".join(extra[:5]))
                break
    if detail is None:
        return None
    return _(
        "{path} was written by a newer version of Bilateral Tracker ({detail}). It is open "
        "read-only, so that nothing this version does not know is lost; use the newer version "
        "to change it.").format(path=path, detail=detail)


def _identify_immutable(path: Path) -> str | None:
    """:func:`_identify` through an ``immutable`` connection (reads the schema, writes nothing):
    for a file a read-only connection cannot read yet (a hot journal). Anything it cannot read
    is left to the checks that follow."""
    try:
        conn = _readable(_connect_to(path, mode="ro", immutable="1"))
    except sqlite3.Error:
        return None
    try:
        return _identify(conn, path)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


# --- opening for the repository -------------------------------------------------------------------

def connect(path: str | os.PathLike, *, create: bool = True, read_only: bool = False,
            warnings: list[str] | None = None, defer_check: bool = False
            ) -> tuple[sqlite3.Connection, bool]:
    """Open ``path``; returns ``(connection, read_only)``.

    A file we may not write (or on read-only media, or on a full disk, or written by a newer
    version) is opened read-only. A file that is not an SQLite database raises
    :class:`NotADatabase`, another program's :class:`ForeignDatabase`, a damaged one
    :class:`DamagedDatabase`; each is left untouched. Messages the user should see (why the
    file is read-only, a network share) are appended to ``warnings`` when a list is given, the
    read-only reason first.

    ``defer_check=True`` skips the integrity check here when :func:`can_defer_check` allows it;
    the caller must then run :func:`check_file` before its first write (the repository does).
    """
    warnings = warnings if warnings is not None else []
    path = Path(path).expanduser()
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise DatabaseError(_("{path}: cannot read the file ({error})").format(
            path=path, error=exc.strerror or exc)) from None
    if st is None:
        if not create:
            raise DatabaseError(_("{path}: no such database file").format(path=path))
        if read_only:
            raise DatabaseError(_("{path}: cannot create a database read-only").format(path=path))
        try:
            _make_private_file(path)
        except OSError as exc:
            if disk_full(path, exc):
                raise DiskFull(disk_full_message(path, opened=False)) from None
            raise
        exists = False
    elif not stat.S_ISREG(st.st_mode):  # a FIFO would block, a device is not ours to change
        raise _not_regular(path, st.st_mode)
    else:
        check_header(path)
        # A zero-byte file holds nothing to lose (we created it and never got to fill it, or a
        # "new file" dialog did): it becomes a new database, as the repository seeds it.
        exists = st.st_size > 0
    if exists and not read_only:
        reason = read_only_reason(path)
        if reason is None and disk_full(path):  # say so now, not at the first failed save
            reason = disk_full_message(path, opened=True)
        if reason:
            read_only = True
            warnings.append(reason)

    checked, newer = not exists, None
    if exists:
        # Check through a read-only connection first: a damaged or foreign file must not be
        # written to, not even by a journal-mode switch or a checkpoint when the connection
        # closes. A file that may be checked later (the caller does) is only identified here.
        deferred = defer_check and not read_only and can_defer_check(path)
        checked, newer = _check_existing(path, integrity=not deferred)
        if not checked:  # (a hot rollback journal): identified without reading it through
            newer = _identify_immutable(path)
    if newer is not None:
        if not read_only:
            read_only = True
            warnings.insert(0, newer)
        else:
            warnings.append(newer)

    conn: sqlite3.Connection | None = None
    try:
        if not read_only:
            make_private(path)  # before SQLite opens the companions read-write
        conn = open_read_only(path) if read_only else _connect_to(path)
        if not checked:  # (a hot rollback journal): check before anything else is written
            quick_check(conn, path)
            _identify(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            fstype = filesystem_type(path)
            if is_network_filesystem(fstype):
                conn.execute("PRAGMA journal_mode = DELETE")
                warnings.append(network_share_warning(path, fstype or "?"))
            else:
                conn.execute("PRAGMA journal_mode = WAL")
            make_private(path)
        conn.execute("PRAGMA synchronous = FULL")
    except DatabaseError:
        if conn is not None:
            conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        if conn is not None:
            conn.close()
        if disk_full(path, exc):
            if exists and not read_only:  # the file is fine: read it, say why it cannot change
                conn = open_read_only(path)  # DiskFull when even that is impossible
                conn.execute("PRAGMA foreign_keys = ON")
                warnings.insert(0, disk_full_message(path, opened=True))
                return conn, True
            raise DiskFull(disk_full_message(path, opened=False)) from None
        raise NotADatabase(_("{path} is not a usable database ({error})").format(
            path=path, error=exc)) from None
    return conn, read_only


def check_file(path: Path) -> None:
    """The integrity check on a connection of its own (read-only, writing nothing); raises
    :class:`DamagedDatabase` (or :class:`DiskFull`). Safe to run in another thread while the
    file is open."""
    try:
        checker = open_read_only(path)
    except DatabaseError:
        raise
    except sqlite3.DatabaseError as exc:
        if disk_full(path, exc):
            raise DiskFull(disk_full_message(path, opened=False)) from None
        raise DamagedDatabase(path, str(exc)) from None
    try:
        quick_check(checker, path)
    finally:
        checker.close()


def _check_existing(path: Path, *, integrity: bool = True) -> tuple[bool, str | None]:
    """Run ``quick_check`` (unless ``integrity`` is False) on an existing file without writing
    anything next to it, and identify the file (:func:`_identify`).

    A WAL file with no ``-wal`` beside it is not open anywhere: it is read ``immutable`` (no
    ``-shm`` is created). Returns ``(checked, newer)``: ``checked`` is False when a read-only
    connection cannot check it (a hot rollback journal must be rolled back first; the caller
    then checks on its own connection), ``newer`` says why a newer version's file must stay
    read-only.
    """
    try:
        checker = open_read_only(path, snapshot=True)
    except DatabaseError:
        raise
    except sqlite3.OperationalError as exc:
        if _cannot_check_read_only(exc):
            return False, None
        raise DamagedDatabase(path, str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise DamagedDatabase(path, str(exc)) from None
    try:
        if integrity:
            quick_check(checker, path)
        return True, _identify(checker, path)
    except DamagedDatabase as exc:
        if exc.cause is not None and _cannot_check_read_only(exc.cause):
            return False, None
        raise
    except sqlite3.OperationalError as exc:
        if _cannot_check_read_only(exc):
            return False, None
        raise DamagedDatabase(path, str(exc), cause=exc) from None
    except sqlite3.DatabaseError as exc:
        raise DamagedDatabase(path, str(exc), cause=exc) from None
    finally:
        checker.close()


def _cannot_check_read_only(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and any(
        s in text for s in ("readonly", "read-only", "unable to open", "locked"))


def check_header(path: Path) -> None:
    """:class:`NotADatabase` unless the file starts with SQLite's header (or is empty). While a
    connection of this process has the file open its header is not read (that would drop the
    connection's locks): SQLite itself then says whether it is a database."""
    head = read_header(path)
    if head and head[:16] != SQLITE_HEADER:
        raise NotADatabase(_("{path} is not a Bilateral Tracker database (not an SQLite file)")
                           .format(path=path))


def needs_migration(conn: sqlite3.Connection) -> bool:
    """True if a migration is pending (read from the migrations table; ~0.1 s cheaper than
    asking sqlite-utils, which it does not import)."""
    from tracker.store.sqlite.schema import MIGRATION_SET, names

    try:
        applied = {row[0] for row in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,))}
    except sqlite3.OperationalError:  # a new file: no migrations table yet
        applied = set()
    return not applied >= set(names())


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations under one immediate lock, so two processes cannot race."""
    from tracker.store.sqlite.schema import migrations

    if not needs_migration(conn):  # nearly every start: known without importing sqlite_utils
        return []
    from sqlite_utils import Database

    db = Database(conn, execute_plugins=False)
    pending = migrations.pending(db)
    if not pending:
        return []
    conn.execute("BEGIN IMMEDIATE")
    try:
        names = [m.name for m in migrations.pending(db)]
        migrations.apply(db)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return names
