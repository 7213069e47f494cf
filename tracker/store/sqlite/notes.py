"""The note a long write (an import) leaves beside the database file: who is doing what, since
when. A write of another program that finds the file locked reads it, to tell its user what it
waits for instead of failing with "database is locked"."""

from __future__ import annotations

import datetime as _dt
import json
import os
from pathlib import Path


def note_path(path: Path) -> Path:
    return path.with_name(path.name + ".writing")


def write_note(path: Path, user: str, activity: str) -> Path | None:
    """Say beside the database who is doing what; None if the folder refuses it (the write goes
    on without)."""
    import socket

    note = note_path(path)
    tmp = note.with_name(f".{note.name}.{os.getpid()}.tmp")
    body = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "who": user,
                       "activity": activity,
                       "since": _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")},
                      ensure_ascii=False)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.replace(tmp, note)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return None
    return note


def read_note(path: Path) -> dict | None:
    """The note of a long write in progress on ``path`` ({who, activity, since, ...}), or None
    (none, unreadable, or left by a program that has ended)."""
    import socket

    try:
        note = json.loads(note_path(path).read_text(encoding="utf-8"))
        pid, host = int(note["pid"]), str(note["host"])
        note = {"who": str(note["who"]), "activity": str(note["activity"]),
                "since": str(note["since"]), "pid": pid, "host": host}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if host == socket.gethostname() and os.name == "posix":  # (os.kill(pid, 0) ends it elsewhere)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except OSError:
            pass
    return note
