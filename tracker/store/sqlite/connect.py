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

Locks: see :mod:`tracker.store.sqlite.files` (while a connection is open, the file is opened
database drops every lock SQLite holds on it. While a connection to a file is open in this
process (the registry below counts them), nothing here opens that file except through SQLite;
its header is read with ``open()`` only while no connection of ours has it open.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from tracker.filesystems import filesystem_type, is_network_filesystem
from tracker.i18n import _
from tracker.store.errors import (
    DamagedDatabase,
    DatabaseError,
    DiskFull,
    ForeignDatabase,
    NotADatabase,
)
from tracker.store.sqlite.files import (  # (re-exported: the rest of the engine names them here)
    BUSY_TIMEOUT_MS,
    SQLITE_HEADER,
    disk_full,
    disk_full_message,
    make_private,
    make_private_file,
    network_share_warning,
    not_regular,
    read_header,
    read_only_reason,
    sqlite_connect,
)

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
    try:  # read the table itself: a damaged page of its index must not make a file of ours
        # look like another program's (the integrity check then says it is damaged)
        applied = [row[0] for row in conn.execute(
            "SELECT name FROM _sqlite_migrations NOT INDEXED WHERE migration_set = ? ORDER BY id",
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

def _prepare_file(path: Path, *, create: bool, read_only: bool) -> bool:
    """True when ``path`` holds a database to open; False when it is new (created here, 0600,
    or an empty file). Anything but a regular SQLite file is refused before it is opened."""
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
            make_private_file(path)
        except OSError as exc:
            if disk_full(path, exc):
                raise DiskFull(disk_full_message(path, opened=False)) from None
            raise
        exists = False
    elif not stat.S_ISREG(st.st_mode):  # a FIFO would block, a device is not ours to change
        raise not_regular(path, st.st_mode)
    else:
        check_header(path)
        # A zero-byte file holds nothing to lose (we created it and never got to fill it, or a
        # "new file" dialog did): it becomes a new database, as the repository seeds it.
        exists = st.st_size > 0
    return exists


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
    exists = _prepare_file(path, create=create, read_only=read_only)
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
        _configure(conn, path, read_only, warnings)
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


def _configure(conn: sqlite3.Connection, path: Path, read_only: bool, warnings: list[str]
               ) -> None:
    """Foreign keys on; a file we write gets WAL (a rollback journal on a network share, where
    WAL is unsafe) and private companions; every commit is synced."""
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
