"""Connecting to the server: addresses, the session's settings, reconnecting, and the driver's
errors turned into the store's own.

One connection per session, in autocommit mode: a read runs alone (no snapshot is left open
between reads, holding locks or blocking vacuum), a write opens its own transaction. A connection
the server dropped (a restart, a network cut) is replaced on the next call; a read that met the
drop is run again once on the new connection, a write never is (see
:mod:`tracker.store.postgres.backend`).
"""

from __future__ import annotations

import time
from urllib.parse import unquote, urlsplit

import psycopg
from psycopg import errors as pg_errors

from tracker.i18n import _
from tracker.store.errors import ConnectionLost, DatabaseClosed, ReadOnlyError, StorageError

SCHEMES = ("postgresql://", "postgres://")
LOCK_TIMEOUT = "15s"  # as long as the SQLite engine's busy timeout
RETRY_DELAYS = (0.0, 0.05, 0.1, 0.2, 0.4)  # reconnecting: ~0.75 s in all, then give up for now
#: connection parameters a URL may leave out (a remote desk notices a dead network path)
DEFAULTS = {"connect_timeout": "5", "application_name": "bilateral-tracker",
            "keepalives": "1", "keepalives_idle": "10", "keepalives_interval": "5",
            "keepalives_count": "3"}


def is_server_address(target) -> bool:
    return isinstance(target, str) and target.lower().startswith(SCHEMES)


def describe(url: str) -> str:
    """The address without its password, for titles and messages:
    ``postgresql://alice@db.example/tracker`` (a socket folder shows as the host)."""
    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.hostname or ''}{parts.path}"
    user = info.get("user") or ""
    host = str(info.get("host") or "")
    port = f":{info['port']}" if info.get("port") else ""
    dbname = info.get("dbname") or unquote(urlsplit(url).path.lstrip("/"))
    return f"postgresql://{user + '@' if user else ''}{host}{port}/{dbname}"


class ServerAddress(str):
    """Where a server's data lives, as titles and messages show it (no password). Like a file's
    path it has a ``name`` (the database's); unlike it, no folder: ``parent`` is None, so files
    made "beside the database" (an import's staging) go to the system's temporary folder."""

    @property
    def name(self) -> str:
        return self.rsplit("/", 1)[-1] or self

    @property
    def parent(self) -> None:
        return None


def conninfo(url: str) -> str:
    """The URL with our defaults for what it does not say."""
    try:
        given = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise StorageError(_("{url} is not a valid server address: {error}").format(
            url=describe(url), error=first_line(exc))) from None
    extra = {k: v for k, v in DEFAULTS.items() if k not in given}
    if str(given.get("host") or "").startswith("/"):  # a Unix socket: no TCP keepalives
        extra = {k: v for k, v in extra.items() if not k.startswith("keepalives")}
    return psycopg.conninfo.make_conninfo(url, **extra)


def first_line(exc: BaseException) -> str:
    """The reason an error gives, on one line: the server's message, else libpq's last line."""
    diag = getattr(exc, "diag", None)
    primary = getattr(diag, "message_primary", None) if diag is not None else None
    if primary:
        return " ".join(primary.split())
    text = str(exc).strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # libpq puts the reason last ("connection to server ... failed: FATAL: ...")
    return lines[-1] if lines else type(exc).__name__


def connect(url: str) -> psycopg.Connection:
    """A new connection with the session's settings; :class:`ConnectionLost` if the server
    cannot be reached."""
    try:
        conn = psycopg.connect(conninfo(url), autocommit=True)
    except psycopg.OperationalError as exc:
        raise ConnectionLost(_("cannot reach the database server {server}: {error}").format(
            server=describe(url), error=first_line(exc))) from None
    try:
        conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
    except psycopg.Error as exc:
        conn.close()
        raise ConnectionLost(_("cannot reach the database server {server}: {error}").format(
            server=describe(url), error=first_line(exc))) from None
    return conn


def lost(conn: psycopg.Connection | None) -> bool:
    """The connection is gone (closed by the server or the network), not just refused."""
    return conn is None or conn.closed or conn.broken


class Link:
    """The session's connection, made again after the server dropped it."""

    def __init__(self, url: str):
        self.url = url
        self.server = describe(url)
        self.closed = False
        self.in_transaction = False
        self.conn: psycopg.Connection | None = connect(url)
        self.reconnects = 0

    def connection(self) -> psycopg.Connection:
        """The open connection; a dropped one is made again first (a few quick tries), unless a
        write transaction is under way (it died with the old connection)."""
        if self.closed:
            raise DatabaseClosed()
        if not lost(self.conn):
            return self.conn
        if self.in_transaction:
            raise self.lost_error()
        error: ConnectionLost | None = None
        for delay in RETRY_DELAYS:
            time.sleep(delay)
            try:
                self.conn = connect(self.url)
            except ConnectionLost as exc:
                error = exc
                continue
            self.reconnects += 1
            return self.conn
        raise error

    def lost_error(self, exc: BaseException | None = None) -> ConnectionLost:
        detail = first_line(exc) if exc is not None else _("the server closed the connection")
        return ConnectionLost(_("the connection to the database server {server} was lost "
                                "({error}); it is made again on the next action").format(
                                    server=self.server, error=detail))

    def close(self) -> None:
        self.closed = True
        if self.conn is not None:
            try:
                self.conn.close()
            except psycopg.Error:
                pass

    def error(self, exc: psycopg.Error, *, writing: bool = False) -> Exception:
        """The store's error for a driver error."""
        if lost(self.conn) or isinstance(exc, (pg_errors.AdminShutdown, pg_errors.CrashShutdown,
                                               pg_errors.CannotConnectNow)):
            return self.lost_error(exc)
        if isinstance(exc, pg_errors.InsufficientPrivilege):
            if "row-level security" in str(exc):
                return ClearanceRefused(self.server)
            if writing:
                return ReadOnlyError(self.server, first_line(exc))
            return StorageError(_("{server}: your login may not read this ({error}); ask the "
                                  "database administrator to grant you a clearance").format(
                                      server=self.server, error=first_line(exc)))
        if writing:
            return StorageError(_("the change was not saved: {error}").format(
                error=first_line(exc)))
        return StorageError(_("{server} cannot be read: {error}").format(
            server=self.server, error=first_line(exc)))


class ClearanceRefused(StorageError):
    """A write the server refused because the record's level is above the login's clearance."""

    def __init__(self, server: str):
        super().__init__(_("the change was not saved: your clearance on {server} does not allow "
                           "writing a record at that classification level").format(server=server))
