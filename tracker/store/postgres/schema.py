"""The server's schema, as migrations: frozen SQL files run in order, each recorded in
``_tracker_migrations``. They end in the same logical schema as the SQLite migrations
(tests/postgres/test_schema.py compares the two).

Only ``init`` (a database administrator, :mod:`tracker.store.postgres.admin`) migrates: desks'
logins cannot change the schema, so a desk that finds a migration pending is told to ask for it.
Never edit a migration that has shipped; add a new one at the end.
"""

from __future__ import annotations

from pathlib import Path

import psycopg

MIGRATION_SET = "tracker"
#: (name, file) in order
MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0001_initial", "schema_0001.sql"),
    ("0002_attachments", "schema_0002.sql"),
)
LOCK_KEY = 0x7472_6163_6B65_72  # pg_advisory_xact_lock: one migrating session at a time

_HERE = Path(__file__).parent


def names() -> list[str]:
    return [name for name, _file in MIGRATIONS]


def initialised(conn: psycopg.Connection) -> bool:
    """The database has our schema (any login may ask, whatever its privileges)."""
    return conn.execute("SELECT to_regclass('public._tracker_migrations')").fetchone()[0] \
        is not None


def applied(conn: psycopg.Connection) -> list[str] | None:
    """The migrations this database has had, in order; None when it has no schema of ours."""
    if not initialised(conn):
        return None
    return [name for (name,) in conn.execute(
        "SELECT name FROM _tracker_migrations WHERE migration_set = %s ORDER BY applied_at, name",
        (MIGRATION_SET,))]


def migrate(conn: psycopg.Connection) -> list[str]:
    """Apply the pending migrations in one transaction (DDL is transactional), holding an
    advisory lock so that two ``init`` runs cannot race. The caller acts as the schema's owner
    (``SET ROLE tracker_owner``). Returns the names applied."""
    done: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS _tracker_migrations (migration_set text NOT NULL, "
            "name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT clock_timestamp(), "
            "PRIMARY KEY (migration_set, name))")
        conn.execute("GRANT SELECT ON _tracker_migrations TO tracker_public")
        have = set(applied(conn) or [])
        for name, file in MIGRATIONS:
            if name in have:
                continue
            conn.execute((_HERE / file).read_text(encoding="utf-8"))
            conn.execute("INSERT INTO _tracker_migrations (migration_set, name) VALUES (%s, %s)",
                         (MIGRATION_SET, name))
            done.append(name)
    return done
