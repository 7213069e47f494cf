"""Opening a database: pick the engine for the target, create and migrate it, and seed a new one
from the article. The CLI and the GUI open their sessions here; the repository knows nothing of
the seed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported when a session opens: the app paints its window first
    from tracker.store.repository import Repository


def default_target() -> Path | str:
    """``TRACKER_DB`` if set (a file's path, or a server's ``postgresql://`` address), else
    ``tracker.db`` in the user data folder."""
    from tracker.store.engines import is_server

    env = os.environ.get("TRACKER_DB", "")
    if is_server(env):
        return env.strip()  # an address, not a path (a Path would fold its "//")
    from tracker.paths import default_db_path

    return default_db_path()


def open_session(target: str | os.PathLike | None = None, *, seed: bool = False,
                 create: bool = True, read_only: bool = False, user: str | None = None,
                 background_check: bool = False) -> Repository:
    """A repository on ``target`` (default: :func:`default_target`). ``seed``: a database this
    call creates is filled from the article (one transaction)."""
    from tracker.store.repository import Repository

    repo = Repository(target if target is not None else default_target(), create=create,
                      read_only=read_only, user=user, background_check=background_check)
    if seed and repo.is_new and not repo.read_only:
        from tracker.seed.article import seed as seed_from_article

        try:
            seed_from_article(repo)
        except BaseException:
            repo.close()
            raise
    return repo


def init_database(target: str | os.PathLike, *, empty: bool = False) -> bool:
    """Create (or upgrade) the database ``target`` names and, unless ``empty``, fill a new one from
    the article. On a server this is the database administrator's set-up: the clearance roles,
    the schema and its grants (``bilateral-tracker-cli --db URL init``); the seed is written as
    the administrator's login. Returns True when this call created the database."""
    from tracker.store.engines import init_database as create
    from tracker.store.repository import Repository

    def seed(where) -> None:
        from tracker.seed.article import seed as seed_from_article

        with Repository(where) as repo:
            seed_from_article(repo)

    return create(target, empty=empty, seed=seed)


def grant_clearance(target: str, login: str, clearance: str) -> None:
    """Give a server login its clearance: public, internal or restricted (a database
    administrator's command: ``bilateral-tracker-cli --db URL grant LOGIN --clearance LEVEL``)."""
    from tracker.store.engines import grant

    grant(target, login, clearance)
