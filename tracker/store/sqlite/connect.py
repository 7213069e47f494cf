"""Opening the database file: private permissions, pragmas, migrations, read-only detection.

What happens when a file is opened, in this order:

1. A file that does not start with SQLite's header raises :class:`NotADatabase`.
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
"""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

from tracker.i18n import _
from tracker.store.errors import DamagedDatabase, DatabaseError, NotADatabase

BUSY_TIMEOUT_MS = 15_000
SQLITE_HEADER = b"SQLite format 3\x00"
COMPANIONS = ("-wal", "-shm", "-journal")

# File systems on which SQLite's WAL mode is unsafe (its shared memory does not cross hosts).
NETWORK_FILESYSTEMS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "smb", "ncpfs", "afs", "9p", "ceph", "glusterfs",
    "lustre", "gpfs", "davfs", "fuse.sshfs", "sshfs", "fuse.glusterfs", "fuse.rclone",
    "fuse.s3fs", "fuse.gvfsd-fuse", "fuse.davfs2", "fuse.smbnetfs", "fuse.cephfs",
})


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


def filesystem_type(path: str | os.PathLike, mountinfo: str | None = None) -> str | None:
    """The file-system type holding ``path`` (from ``/proc/self/mountinfo``), or None if unknown."""
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
        except OSError:
            return None
    target = Path(path)
    try:
        target = target.resolve()
    except OSError:
        target = Path(os.path.abspath(target))
    best, best_len = None, -1
    for line in mountinfo.splitlines():
        head, sep, tail = line.partition(" - ")
        fields = head.split()
        if not sep or len(fields) < 5 or not tail.split():
            continue
        mount_point = _unescape_mount(fields[4])
        if mount_point != "/" and not (str(target) == mount_point
                                       or str(target).startswith(mount_point.rstrip("/") + "/")):
            continue
        if len(mount_point) >= best_len:  # later lines (mounted over) win on a tie
            best, best_len = tail.split()[0], len(mount_point)
    return best


def _unescape_mount(text: str) -> str:
    for code, char in (("\\040", " "), ("\\011", "\t"), ("\\012", "\n"), ("\\134", "\\")):
        text = text.replace(code, char)
    return text


def is_network_filesystem(fstype: str | None) -> bool:
    if not fstype:
        return False
    fstype = fstype.lower()
    return fstype in NETWORK_FILESYSTEMS or fstype.startswith(("nfs", "smb", "cifs"))


def network_share_warning(path: Path, fstype: str) -> str:
    return _(
        "{path} is on a network share ({fs}). SQLite's WAL mode is unsafe there, so this file "
        "uses a rollback journal instead; keep it open on one computer at a time, or better, keep "
        "it on a local disk.").format(path=path, fs=fstype)


# --- opening --------------------------------------------------------------------------------------

def _uri(path: Path, **params: str) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return path.resolve().as_uri() + ("?" + query if query else "")


def _raw_connect(target: str, *, uri: bool) -> sqlite3.Connection:
    conn = sqlite3.connect(target, uri=uri, isolation_level=None, check_same_thread=False,
                           timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def _wal_header(path: Path) -> bool:
    with open(path, "rb") as fh:
        header = fh.read(20)
    return len(header) >= 20 and header[18] == 2


def open_read_only(path: str | os.PathLike, *, snapshot: bool = False) -> sqlite3.Connection:
    """A read-only connection that writes nothing at all to the database file.

    ``snapshot=True`` (for one-off checks) reads a WAL file that no one has open (no ``-wal``
    beside it) ``immutable``, so not even a ``-shm`` file is created next to it.

    A WAL database in a folder we may not write has no ``-shm`` to share: then it is opened
    ``immutable`` (safe because nobody can be writing it), unless a ``-wal`` with pending
    transactions is there, which SQLite cannot read without its ``-shm``.
    """
    path = Path(path)
    if snapshot and _wal_header(path) and not Path(f"{path}-wal").exists():
        conn = _raw_connect(_uri(path, mode="ro", immutable="1"), uri=True)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    conn = _raw_connect(_uri(path, mode="ro"), uri=True)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if "unable to open" not in str(exc) and "readonly" not in str(exc):
            raise
        wal = Path(f"{path}-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise DatabaseError(_(
                "{path} cannot be read here: its journal ({wal}) holds changes that were not yet "
                "written into it, and the folder is read-only. Copy the file together with its "
                "-wal file to a folder you may write to.").format(path=path, wal=wal.name)
            ) from None
    conn = _raw_connect(_uri(path, mode="ro", immutable="1"), uri=True)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def quick_check(conn: sqlite3.Connection, path: Path, *, limit: int = 1) -> None:
    """Raise :class:`DamagedDatabase` unless ``PRAGMA quick_check`` says ``ok``."""
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA quick_check({int(limit)})").fetchall()]
    except sqlite3.DatabaseError as exc:
        raise DamagedDatabase(path, str(exc), cause=exc) from None
    if rows != ["ok"]:
        raise DamagedDatabase(path, "; ".join(str(r) for r in rows[:3]) or "?")


def can_defer_check(path: Path) -> bool:
    """True when opening ``path`` before its integrity check can write nothing to it: it is
    already in WAL mode (no journal switch) and has no ``-wal`` content (no recovery and no
    checkpoint on close). Only then may the check run after the window is up."""
    try:
        wal = Path(f"{path}-wal")
        return path.stat().st_size > 0 and _wal_header(path) and (
            not wal.exists() or wal.stat().st_size == 0)
    except OSError:
        return False


def connect(path: str | os.PathLike, *, create: bool = True, read_only: bool = False,
            warnings: list[str] | None = None, defer_check: bool = False
            ) -> tuple[sqlite3.Connection, bool]:
    """Open ``path``; returns ``(connection, read_only)``.

    A file we may not write (or on read-only media) is opened read-only. A file that is not an
    SQLite database raises :class:`NotADatabase`, a damaged one :class:`DamagedDatabase`; either
    is left untouched. Messages the user should see (read-only, network share) are appended to
    ``warnings`` when a list is given.

    ``defer_check=True`` skips the integrity check here when :func:`can_defer_check` allows it;
    the caller must then run :func:`check_file` before its first write (the repository does).
    """
    warnings = warnings if warnings is not None else []
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
        # A zero-byte file holds nothing to lose (we created it and never got to fill it, or a
        # "new file" dialog did): it becomes a new database, as the repository seeds it.
        exists = path.stat().st_size > 0
    if exists and not read_only:
        reason = read_only_reason(path)
        if reason:
            read_only = True
            warnings.append(reason)

    conn: sqlite3.Connection | None = None
    try:
        checked = not exists
        if exists and defer_check and not read_only and can_defer_check(path):
            checked = True  # the caller checks before any write (Repository.verify)
        elif exists:
            # Check through a read-only connection first: a damaged file must not be written to,
            # not even by a journal-mode switch or a checkpoint when the connection closes.
            checked = _check_existing(path)
        if not read_only:
            make_private(path)  # before SQLite opens the companions read-write
        conn = open_read_only(path) if read_only else _raw_connect(str(path), uri=False)
        if not checked:  # (a hot rollback journal): check before anything else is written
            quick_check(conn, path)
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
        raise NotADatabase(_("{path} is not a usable database ({error})").format(
            path=path, error=exc)) from None
    return conn, read_only


def check_file(path: Path) -> None:
    """The integrity check on a connection of its own (read-only, writing nothing); raises
    :class:`DamagedDatabase`. Safe to run in another thread while the file is open."""
    try:
        checker = open_read_only(path)
    except sqlite3.DatabaseError as exc:
        raise DamagedDatabase(path, str(exc)) from None
    try:
        quick_check(checker, path)
    finally:
        checker.close()


def _check_existing(path: Path) -> bool:
    """Run ``quick_check`` on an existing file without writing anything next to it.

    A WAL file with no ``-wal`` beside it is not open anywhere: it is read ``immutable`` (no
    ``-shm`` is created). Returns False when a read-only connection cannot check it (a hot rollback
    journal must be rolled back first); the caller then checks on its own connection.
    """
    try:
        checker = open_read_only(path, snapshot=True)
    except sqlite3.OperationalError as exc:
        if _cannot_check_read_only(exc):
            return False
        raise DamagedDatabase(path, str(exc)) from None
    except sqlite3.DatabaseError as exc:
        raise DamagedDatabase(path, str(exc)) from None
    try:
        quick_check(checker, path)
    except DamagedDatabase as exc:
        if exc.cause is not None and _cannot_check_read_only(exc.cause):
            return False
        raise
    finally:
        checker.close()
    return True


def _cannot_check_read_only(exc: BaseException) -> bool:
    text = str(exc).lower()
    return isinstance(exc, sqlite3.OperationalError) and any(
        s in text for s in ("readonly", "read-only", "unable to open", "locked"))


def _check_header(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        raise DatabaseError(_("{path}: cannot read the file ({error})").format(
            path=path, error=exc.strerror or exc)) from None
    if head and head != SQLITE_HEADER:
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
