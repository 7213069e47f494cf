"""Which engine holds a database: a ``postgresql://`` (or ``postgres://``) address is a server
shared by several desks (:mod:`tracker.store.postgres`); anything else is the path of an SQLite
file (the embedded default for one desk). Each engine's driver is imported only when a database
of its kind is opened, so a desk on a file never loads the server's driver."""

from __future__ import annotations

import os

SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server(target) -> bool:
    """``target`` names a database on a server (not a file)."""
    return isinstance(target, str) and target.strip().lower().startswith(SERVER_SCHEMES)


def without_password(address: str) -> str:
    """A server's address as it may be shown and kept (window titles, the recent list, messages):
    the same address with any password left out, in the user part or as a ``password=``
    parameter. Opening it again finds the password where libpq looks (``~/.pgpass``,
    ``PGPASSWORD``) or asks for it."""
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(address.strip())
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _at, hostport = netloc.rpartition("@")
        netloc = userinfo.split(":", 1)[0] + "@" + hostport
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if k.lower() != "password"]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="/:"),
                       parts.fragment))


def open_backend(target: str | os.PathLike, *, create: bool = True, read_only: bool = False,
                 background_check: bool = False):
    """An engine session on ``target`` (a file path or a server address)."""
    if is_server(target):
        from tracker.store.postgres.backend import PostgresBackend

        return PostgresBackend(target.strip(), create=create, read_only=read_only)
    from tracker.store.sqlite.backend import SqliteBackend

    return SqliteBackend(target, create=create, read_only=read_only,
                         background_check=background_check)


def init_database(target: str | os.PathLike, *, empty: bool = False, seed=None) -> bool:
    """Create (or upgrade) the database ``target`` names; True when this call created it. A new
    one is then filled by ``seed(target)`` unless ``empty``. On a server: the roles, schema and
    grants (a database administrator's login, :func:`tracker.store.postgres.admin.init`)."""
    if is_server(target):
        from tracker.store.postgres import admin

        return admin.init(target.strip(), empty=empty, seed=seed)
    from tracker.store.sqlite.backend import SqliteBackend

    backend = SqliteBackend(target)
    created = backend.is_new
    backend.close()
    if created and not empty and seed is not None:
        seed(target)
    return created


def grant(target: str, login: str, clearance: str) -> None:
    """Give a server login its clearance (public, internal or restricted)."""
    if not is_server(target):
        from tracker.i18n import _
        from tracker.store.errors import StorageError

        raise StorageError(_("clearances are given on a database server (--db postgresql://...); "
                             "a database file has none"))
    from tracker.store.postgres import admin

    admin.grant(target.strip(), login, clearance)
