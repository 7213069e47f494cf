"""A database administrator's work on the server: set a database up (:func:`init`) and give a
login its clearance (:func:`grant`). The CLI's ``init`` and ``grant`` commands call these.

Roles (cluster-wide, made by :func:`init` when missing):

- ``tracker_owner`` (NOLOGIN) owns every table, function and policy; nobody logs in as it, so
  row-level security (FORCEd on the record tables) binds every login.
- ``tracker_public`` ⊂ ``tracker_internal`` ⊂ ``tracker_restricted`` (NOLOGIN, nested): one
  GRANT gives a login its level; the policies decide on ``pg_has_role(session_user, ...)``.

Backups of a server database are the administrator's (``pg_dump``); a desk's ``export`` is the
portable copy.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from tracker.i18n import _
from tracker.model import CLASSIFICATIONS
from tracker.store.errors import StorageError
from tracker.store.postgres import schema
from tracker.store.postgres.connect import conninfo, describe, first_line

OWNER = "tracker_owner"
#: clearance role of each level, lowest first; each is a member of the one before
LEVEL_ROLES = tuple((level, f"tracker_{level}") for level, _label in CLASSIFICATIONS)
IDLE_IN_TRANSACTION = "5min"


def _connect(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(conninfo(url), autocommit=True)
    except psycopg.OperationalError as exc:
        raise StorageError(_("cannot reach the database server {server}: {error}").format(
            server=describe(url), error=first_line(exc))) from None


def _failed(url: str, exc: psycopg.Error) -> StorageError:
    return StorageError(_("{server}: {error}").format(server=describe(url),
                                                      error=first_line(exc)))


def _role_exists(conn: psycopg.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() \
        is not None


def ensure_roles(conn: psycopg.Connection) -> None:
    """The owner and the clearance roles, nested (made when missing; cluster-wide)."""
    below = None
    for name in (OWNER, *(role for _level, role in LEVEL_ROLES)):
        if not _role_exists(conn, name):
            try:
                conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateObject:  # another init made it meanwhile
                pass
        if name != OWNER:
            if below is not None and not conn.execute(
                    "SELECT pg_has_role(%s, %s, 'MEMBER')", (name, below)).fetchone()[0]:
                conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(below),
                                                              sql.Identifier(name)))
            below = name


def init(url: str, *, empty: bool = False, seed=None) -> bool:
    """Set up the database ``url`` names (it must exist; the login must be a superuser or a
    CREATEROLE administrator owning it): the roles, then the schema as ``tracker_owner``, then
    pending migrations. Safe to run again (it upgrades). Returns True when this call created the
    schema; then, unless ``empty``, ``seed(url)`` fills it (the session layer passes the seed:
    :func:`tracker.session.init_database`)."""
    created = _init(url)
    if created and not empty and seed is not None:
        seed(url)
    return created


def _init(url: str) -> bool:
    conn = _connect(url)
    try:
        ensure_roles(conn)
        me, owner, db, superuser = conn.execute(
            "SELECT current_user, pg_get_userbyid(d.datdba), current_database(), "
            "(SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
            "FROM pg_database d WHERE d.datname = current_database()").fetchone()
        if not superuser and not conn.execute(
                "SELECT pg_has_role(current_user, %s, 'MEMBER')", (OWNER,)).fetchone()[0]:
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(OWNER),
                                                          sql.Identifier(me)))
        if owner != OWNER:  # public (owned by the database's owner) must take our objects
            conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                sql.Identifier(db), sql.Identifier(OWNER)))
        conn.execute(sql.SQL("SET ROLE {}").format(sql.Identifier(OWNER)))
        done = schema.migrate(conn)
        conn.execute(sql.SQL("ALTER DATABASE {} SET idle_in_transaction_session_timeout = {}")
                     .format(sql.Identifier(db), sql.Literal(IDLE_IN_TRANSACTION)))
        conn.execute("RESET ROLE")
        return schema.names()[0] in done
    except psycopg.Error as exc:
        raise _failed(url, exc) from None
    finally:
        conn.close()


def grant(url: str, login: str, clearance: str) -> None:
    """Give ``login`` (made as a LOGIN role when missing; it sets its own password, or the
    administrator does) the clearance ``clearance`` (public, internal or restricted), replacing
    any it had. Sessions already open see the change from their next statement."""
    roles = dict(LEVEL_ROLES)
    if clearance not in roles:
        raise StorageError(_("unknown clearance {level!r}: choose one of {levels}").format(
            level=clearance, levels=", ".join(roles)))
    if not login or "\x00" in login:
        raise StorageError(_("a login needs a name"))
    conn = _connect(url)
    who = sql.Identifier(login)
    try:
        with conn.transaction():
            if not _role_exists(conn, login):
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(who))
            conn.execute(sql.SQL("REVOKE {} FROM {}").format(
                sql.SQL(", ").join(sql.Identifier(r) for r in roles.values()), who))
            conn.execute(sql.SQL("GRANT {} TO {}").format(sql.Identifier(roles[clearance]), who))
    except psycopg.Error as exc:
        raise _failed(url, exc) from None
    finally:
        conn.close()
