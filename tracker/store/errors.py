"""The errors the store raises; each ``str()`` is a one-line message a user can act on.

Engines raise these, never their driver's own exceptions, so nothing above the store (exchange,
briefing, CLI, GUI) needs to know which engine holds the data.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tracker.errors import TrackerError
from tracker.i18n import _


class NotFound(TrackerError):
    def __init__(self, kind: str, record_id: Any):
        self.kind, self.record_id = kind, record_id
        super().__init__(_("{kind} {id}: no such record").format(kind=kind, id=record_id))


class ValidationError(TrackerError):
    """Problems per field; the message names the kind, the record and every field."""

    def __init__(self, kind: str, record: str, problems: dict[str, str]):
        self.kind, self.record, self.problems = kind, record, dict(problems)
        detail = "; ".join(f"{name}: {msg}" for name, msg in problems.items())
        message = _("{kind} {record}: {detail}").format(kind=kind, record=record, detail=detail)
        # input names may hold lone surrogates (JSON "\ud800"): keep the message printable
        super().__init__(message.encode("utf-8", "replace").decode("utf-8"))


class ConflictError(TrackerError):
    """The record changed since the caller loaded it; ``current`` is the record as it is now."""

    def __init__(self, kind: str, record_id: int, expected: int | None, current: dict | None):
        self.kind, self.record_id, self.expected, self.current = kind, record_id, expected, current
        super().__init__(_(
            "{kind} {id} was changed by {who} at {when} since you opened it; "
            "reload it before saving").format(
                kind=kind, id=record_id, who=(current or {}).get("updated_by") or "?",
                when=(current or {}).get("updated_at") or "?"))


class ReadOnlyError(TrackerError):
    def __init__(self, path, reason: str | None = None):
        message = _("{path} is open read-only; changes cannot be saved").format(path=path)
        super().__init__(f"{message}: {reason}" if reason else message)


class StorageError(TrackerError):
    """The disk refused the write (full, I/O error); nothing was written, retrying is safe."""


class NothingToUndo(TrackerError):
    pass


class ConnectionLost(StorageError):
    """A database server could not be reached, or dropped the connection: nothing is lost, the
    session connects again on its next action (a write in flight was either saved whole or not
    at all; the message says which when it cannot be known)."""


class DatabaseClosed(StorageError):
    """The session was closed (the window closed, another file was opened)."""

    def __init__(self):
        super().__init__(_("the database is closed"))


# --- opening --------------------------------------------------------------------------------------

class DatabaseError(TrackerError):
    """A database file that cannot be used; the message says why and what to do."""


class NotADatabase(DatabaseError):
    pass


class DamagedDatabase(NotADatabase):
    """An SQLite file whose integrity check failed; it was not opened and not changed."""

    def __init__(self, path: Path, detail: str, cause: BaseException | None = None):
        detail = " ".join(str(detail).replace("*", " ").split())
        detail = detail if len(detail) <= 200 else detail[:199] + "…"
        self.path, self.detail, self.cause = path, detail, cause
        super().__init__(_(
            "{path} is damaged and was not opened ({detail}). The file has not been changed. "
            "Restore the newest good backup (File > Backups..., or the command 'restore')."
        ).format(path=path, detail=detail))


class ForeignDatabase(NotADatabase):
    """An SQLite file of another program: refused, not one byte of it changed."""


class NotARegularFile(DatabaseError):
    """A folder, a FIFO, a device or a socket where a database file was expected."""


class DiskFull(DatabaseError):
    """The disk holding the file is full: the file is fine, it cannot be opened for now."""
