"""The server's schema, as migrations: frozen SQL files run in order, each recorded in
``_tracker_migrations``. They end in the same logical schema as the SQLite migrations
(tests/postgres/test_schema.py compares the two).

Only ``init`` (a database administrator, :mod:`tracker.store.postgres.admin`) migrates: desks'
logins cannot change the schema, so a desk that finds a migration pending is told to ask for it.
Never edit a migration that has shipped; add a new one at the end. A migration whose data must
be made in Python (the search index: its tokens come from SQLite's tokenizer) names a step in
``AFTER``, run in the same transaction right after its file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg

MIGRATION_SET = "tracker"
#: (name, file) in order
MIGRATIONS: tuple[tuple[str, str], ...] = (
    ("0001_initial", "schema_0001.sql"),
    ("0002_audit_wording", "schema_0002.sql"),
    ("0003_commitments", "schema_0003.sql"),
    ("0004_indicators", "schema_0004.sql"),
    ("0005_attachments", "schema_0005.sql"),
    ("0006_briefs_and_biographies", "schema_0006.sql"),
    ("0007_search_forms", "schema_0007.sql"),
    ("0008_search_by_kind", "schema_0008.sql"),
    ("0009_audit_titles", "schema_0009.sql"),
    ("0010_search_kind_apart", "schema_0010.sql"),
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
            step = AFTER.get(name)
            if step is not None:
                step(conn)
            conn.execute("INSERT INTO _tracker_migrations (migration_set, name) VALUES (%s, %s)",
                         (MIGRATION_SET, name))
            done.append(name)
    return done


def reindex(conn: psycopg.Connection) -> int:
    """Make every search entry again from the records (the trash included), as the writer makes
    them: after a change of what is indexed. Runs as the schema's owner inside ``migrate``'s
    transaction; the record tables' policies are lifted for it (the administrator running
    ``init`` may hold no clearance) and put back before the transaction ends, so no other
    session ever sees them lifted. Returns how many entries were made."""
    from tracker.model import KINDS
    from tracker.model.text import index_body
    from tracker.store.postgres.search import tsvector_literal

    def q(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    done = 0
    for kind in KINDS.values():
        conn.execute(f"ALTER TABLE {q(kind.name)} NO FORCE ROW LEVEL SECURITY")
    conn.execute("DELETE FROM search WHERE part = 0")  # attachments' parts stay as they are
    for kind in KINDS.values():
        cols = [f.name for f in (*kind.searchable_fields, *kind.labelled_fields)]
        with conn.cursor(name=f"reindex_{kind.name}") as cur:
            cur.execute(f"SELECT id, classification, {', '.join(q(c) for c in cols)} "
                        f"FROM {q(kind.name)}")
            while rows := cur.fetchmany(2000):
                with conn.cursor() as out:
                    out.executemany(
                        "INSERT INTO search (kind, record_id, classification, tsv) "
                        "VALUES (%s, %s, %s, %s::tsvector)",
                        [(kind.name, row[0], row[1],
                          tsvector_literal(index_body(kind, dict(zip(cols, row[2:])))))
                         for row in rows])
                done += len(rows)
    for kind in KINDS.values():
        conn.execute(f"ALTER TABLE {q(kind.name)} FORCE ROW LEVEL SECURITY")
    return done


#: name -> a step run right after that migration's file
AFTER: dict[str, Callable[[psycopg.Connection], object]] = {
    "0007_search_forms": reindex,
}
