"""Opening the database file: private permissions, pragmas, migrations, read-only detection."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from sqlite_utils import Database

from .i18n import _

BUSY_TIMEOUT_MS = 15_000


class DatabaseError(Exception):
    """A database file that cannot be used; the message says why and what to do."""


class NotADatabase(DatabaseError):
    pass


def _make_private_file(path: Path) -> None:
    """Create the folder (0700) and an empty file (0600) so SQLite's companions inherit 0600."""
    folder = path.parent
    if not folder.exists():
        folder.mkdir(parents=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def connect(path: str | os.PathLike, *, create: bool = True, read_only: bool = False
            ) -> tuple[sqlite3.Connection, bool]:
    """Open ``path``; returns ``(connection, read_only)``.

    A file we may not write (or on read-only media) is opened read-only. A file that is not an
    SQLite database raises :class:`NotADatabase` and is left untouched.
    """
    path = Path(path).expanduser()
    exists = path.exists()
    if not exists:
        if not create:
            raise DatabaseError(_("{path}: no such database file").format(path=path))
        if read_only:
            raise DatabaseError(_("{path}: cannot create a database read-only").format(path=path))
        _make_private_file(path)
    elif path.is_dir():
        raise DatabaseError(_("{path} is a folder, not a database file").format(path=path))
    else:
        _check_header(path)
    if exists and not _writable(path):
        read_only = True
    if read_only:
        uri = path.resolve().as_uri() + "?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    else:
        conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False,
                               timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA quick_check(1)").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise NotADatabase(_("{path} is not a usable database ({error})").format(
            path=path, error=exc)) from None
    return conn, read_only


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DatabaseError(_("{path}: cannot read the file ({error})").format(
            path=path, error=exc.strerror or exc)) from None
    if head and head != b"SQLite format 3\x00":
        raise NotADatabase(_("{path} is not a Bilateral Tracker database (not an SQLite file)")
                           .format(path=path))


def migrate(conn: sqlite3.Connection) -> list[str]:
    """Apply pending migrations under one immediate lock, so two processes cannot race."""
    from .schema import migrations

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
