"""Which engine holds a database: a path is an SQLite file (the embedded default for one desk)."""

from __future__ import annotations

import os


def open_backend(target: str | os.PathLike, *, create: bool = True, read_only: bool = False,
                 background_check: bool = False):
    """An engine session on ``target`` (a file path)."""
    from tracker.store.sqlite.backend import SqliteBackend

    return SqliteBackend(target, create=create, read_only=read_only,
                         background_check=background_check)
