"""Files the user asks us to write (exports, lists, briefings): written to a private temp file
beside the target, then renamed over it; never over a device, a FIFO or a database this process
has open; a symbolic link written through; our own stale temp files cleaned up."""

from __future__ import annotations

import os
from pathlib import Path

from tracker.filesystems import filesystem_type, is_network_filesystem
from tracker.i18n import _

STALE_TEMP_SECONDS = 10  # a temp file nobody holds, untouched this long, is left over
STALE_TEMP_SECONDS_NETWORK = 3600  # where a lock may not hold (network shares): an hour


class OutputError(Exception):
    """An output file that cannot be written; the message names the user's file."""


def output_target(path: str | os.PathLike, error=OutputError) -> Path:
    """The file to write when the user names ``path``: ``path`` itself, or for a symbolic link
    the file it points to (written through, the link kept, as ``>`` in a shell does). A folder,
    a device, a FIFO or a socket is refused (``error(message)``), never replaced; so is the
    database a connection of this process has open, or its ``-wal``/``-shm``/``-journal``."""
    import stat

    path = Path(path).expanduser()
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise error(_("cannot write {path}: {error}").format(
            path=path, error=exc.strerror or exc)) from None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise error(_("{path} is a folder; give a file name").format(path=path))
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise error(_("{path} is not a regular file (a device, pipe or socket); it was not "
                      "written. Give a file name.").format(path=path))
    if is_open_database(target):
        raise error(_("{path} is the database itself; give another file name").format(path=path))
    if not target.parent.is_dir():
        raise error(_("the folder {path} does not exist").format(path=target.parent))
    return target


#: Asked by :func:`is_open_database`: each says whether a path is a database file (or one of its
#: companion files) that this process has open. Storage engines register theirs when imported
#: (tracker.store.sqlite.connect), so this module needs no knowledge of them.
OPEN_DATABASE_CHECKS: list = []


def is_open_database(target: str | os.PathLike) -> bool:
    """True when ``target`` is a database file a connection of this process has open, or its
    ``-wal``/``-shm``/``-journal``: no one here may open (and close) it (POSIX locks)."""
    target = Path(target)
    return any(check(target) for check in OPEN_DATABASE_CHECKS)


def _temp_pattern(target: Path):
    import re

    # tempfile.mkstemp(prefix=".NAME.", suffix=".tmp"): eight of [a-z0-9_] in between
    return re.compile(rf"^\.{re.escape(target.name)}\.[a-z0-9_]{{8}}\.tmp$")


def _lock_held(path: str) -> bool:
    """True while some process holds the ``flock`` a writer takes on its temp file."""
    try:
        import fcntl
    except ImportError:  # (Windows: a file being written cannot be deleted anyway)
        return False
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
    except OSError:
        return True  # cannot look: leave it alone
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def remove_stale_temps(target: str | os.PathLike) -> list[Path]:
    """Delete our own left-over temp files beside ``target`` (a writer killed mid-way leaves
    ``.NAME.xxxxxxxx.tmp``); returns those deleted. Only ours: that exact name pattern, a regular
    file (not a link) owned by this user. Only stale: no writer holds its lock, and untouched for
    :data:`STALE_TEMP_SECONDS` (an hour on a network share, where a lock may not be seen)."""
    import stat
    import time

    target = Path(target)
    pattern = _temp_pattern(target)
    min_age = (STALE_TEMP_SECONDS_NETWORK if is_network_filesystem(filesystem_type(target.parent))
               else STALE_TEMP_SECONDS)
    removed = []
    try:
        entries = list(os.scandir(target.parent))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not pattern.match(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if (not stat.S_ISREG(st.st_mode) or now - st.st_mtime < min_age
                or (hasattr(os, "geteuid") and st.st_uid != os.geteuid())
                or _lock_held(entry.path)):
            continue
        try:
            os.unlink(entry.path)
        except OSError:
            continue
        removed.append(Path(entry.path))
    return removed


class replacing:  # noqa: N801 - used as a context manager, like open()
    """``with replacing(path) as tmp:`` write ``tmp``; on success it atomically replaces the file
    ``path`` names (see :func:`output_target`: a symlink's target, never a device), else it is
    deleted and the file is left as it was. The file written is private (0600); with
    ``keep_mode=True`` a file written over keeps its permissions. Left-over temp files of
    earlier killed runs are removed first.

    A refusal raises ``error(message)``; an ``OSError`` writing the file (a full disk, say) is
    raised again naming the user's ``path``, not our temp file; one about another file is left
    as it is."""

    def __init__(self, path: str | os.PathLike, error=OutputError, *, keep_mode: bool = False):
        self.path, self.error, self.keep_mode = Path(path).expanduser(), error, keep_mode
        self.fd: int | None = None
        self.tmp: Path | None = None

    def _fail(self, exc: OSError) -> OSError:
        if exc.errno is None:
            return OSError(str(exc))
        return OSError(exc.errno, exc.strerror or str(exc), str(self.path))

    def _about_the_output(self, exc: OSError) -> bool:
        """Whether ``exc`` is about the file being written (no file named, or our temp file),
        not about another file the writer read (a template, a font): that one keeps its name."""
        named = getattr(exc, "filename", None)
        return named is None or os.fspath(named) in (str(self.tmp), str(self.path),
                                                     str(self.target))

    def __enter__(self) -> Path:
        import tempfile

        self.target = output_target(self.path, self.error)
        remove_stale_temps(self.target)
        try:
            self.fd, name = tempfile.mkstemp(prefix=f".{self.target.name}.", suffix=".tmp",
                                             dir=self.target.parent)
        except OSError as exc:
            raise self._fail(exc) from None
        self.tmp = Path(name)
        try:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # "being written": not stale
        except (ImportError, OSError):
            pass
        return self.tmp

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None:
                try:
                    if self.keep_mode:
                        try:
                            os.chmod(self.tmp, os.stat(self.target).st_mode & 0o777)
                        except FileNotFoundError:
                            pass
                    os.fsync(self.fd)
                    os.replace(self.tmp, self.target)
                    self.tmp = None
                except OSError as new:
                    raise self._fail(new) from None
            elif issubclass(exc_type, OSError) and self._about_the_output(exc):
                raise self._fail(exc) from None
            return False
        finally:
            if self.tmp is not None:
                try:
                    os.unlink(self.tmp)
                except OSError:
                    pass
            if self.fd is not None:
                os.close(self.fd)
                self.fd = None
