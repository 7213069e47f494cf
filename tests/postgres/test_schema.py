"""Set-up and upgrades on a server: ``init`` makes the roles, the schema and its grants (and is
safe to run again); the migrations of both engines end in the same logical schema; a desk is told
what to ask for when a database is not set up or needs an upgrade."""

from __future__ import annotations

import psycopg
import pytest

from tracker.store.errors import DatabaseError, StorageError
from tracker.store.repository import Repository

pytestmark = pytest.mark.postgres

TYPES = {"INTEGER": "int", "TEXT": "text", "bigint": "int", "integer": "int", "text": "text",
         "BLOB": "bytes", "bytea": "bytes"}
LEFT_OUT = ("search", "_")  # FTS5's tables and the migrations' bookkeeping differ by nature


def sqlite_schema(path) -> dict:
    import sqlite3

    c = sqlite3.connect(path)
    out = {}
    for (t,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                          "AND name NOT LIKE 'sqlite%' ORDER BY 1"):
        if t.startswith(LEFT_OUT):
            continue
        cols = {name: (TYPES[typ.upper()], bool(notnull or pk), bool(pk))
                for _cid, name, typ, notnull, _default, pk in c.execute(
                    f"PRAGMA table_info([{t}])")}
        indexes = set()
        for _seq, name, unique, _origin, _partial in c.execute(f"PRAGMA index_list([{t}])"):
            indexes.add((tuple(r[2] for r in c.execute(f"PRAGMA index_info([{name}])")),
                         bool(unique)))
        fks = {(r[3], r[2], r[4]) for r in c.execute(f"PRAGMA foreign_key_list([{t}])")}
        out[t] = (cols, indexes, fks)
    c.close()
    return out


def postgres_schema(conn) -> dict:
    out = {}
    for (t,) in conn.execute("SELECT relname FROM pg_class WHERE relnamespace = "
                             "'public'::regnamespace AND relkind = 'r' ORDER BY 1"):
        if t.startswith(LEFT_OUT):
            continue
        pk = {r[0] for r in conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
            "AND a.attnum = ANY (i.indkey) WHERE i.indrelid = %s::regclass AND i.indisprimary",
            (f'"{t}"',))}
        cols = {name: (TYPES[typ], bool(notnull), name in pk) for name, typ, notnull in
                conn.execute("SELECT attname, format_type(atttypid, atttypmod), attnotnull "
                             "FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                             "AND NOT attisdropped", (f'"{t}"',))}
        indexes = set()
        for found, unique, primary, first_key in conn.execute(
                "SELECT (SELECT array_agg(coalesce(a.attname, 'expr') ORDER BY k.ord) "
                "FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord) LEFT JOIN pg_attribute a "
                "ON a.attrelid = i.indrelid AND a.attnum = k.attnum WHERE k.ord <= i.indnkeyatts),"
                " i.indisunique, i.indisprimary, pg_get_indexdef(i.indexrelid, 1, true) "
                "FROM pg_index i WHERE i.indrelid = %s::regclass", (f'"{t}"',)):
            keys = list(found)
            if primary and keys == ["id"]:
                continue  # SQLite's rowid has no index of its own
            if keys[0] == "expr":  # a multiline sort index, on left(column, 200)
                function, argument = first_key.replace('"', "").split("(", 1)
                assert function == "left" and argument.endswith(", 200)"), first_key
                keys[0] = argument.split(",", 1)[0].strip()
            indexes.add((tuple(keys), unique))
        fks = {(r[0], r[1], r[2]) for r in conn.execute(
            "SELECT a.attname, trim(both '\"' from confrelid::regclass::text), fa.attname "
            "FROM pg_constraint k JOIN pg_attribute a ON a.attrelid = k.conrelid "
            "AND a.attnum = k.conkey[1] JOIN pg_attribute fa ON fa.attrelid = k.confrelid "
            "AND fa.attnum = k.confkey[1] WHERE k.conrelid = %s::regclass AND k.contype = 'f'",
            (f'"{t}"',))}
        out[t] = (cols, indexes, fks)
    return out


def test_both_engines_end_in_the_same_logical_schema(tmp_path, pg_cluster):
    path = tmp_path / "t.db"
    Repository(path).close()
    lite = sqlite_schema(path)
    pg_cluster.admin().execute("CREATE DATABASE schema_check TEMPLATE tracker_empty")
    try:
        with pg_cluster.connect("schema_check") as conn:
            server = postgres_schema(conn)
    finally:
        pg_cluster.drop_database("schema_check")
    assert sorted(lite) == sorted(server)
    for table in lite:
        assert lite[table] == server[table], table


def test_init_makes_roles_schema_and_grants_and_runs_again_as_an_upgrade(pg_cluster):
    from tracker.session import init_database

    admin = pg_cluster.admin()
    admin.execute("CREATE DATABASE fresh_desks")
    url = pg_cluster.url("fresh_desks", "postgres")
    try:
        assert init_database(url) is True  # made and seeded
        assert init_database(url) is False  # already there: nothing to do
        roles = {r for (r,) in admin.execute(
            "SELECT rolname FROM pg_roles WHERE rolname LIKE 'tracker\\_%'")}
        assert roles >= {"tracker_owner", "tracker_public", "tracker_internal",
                         "tracker_restricted"}
        assert admin.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = "
                             "'tracker_owner'").fetchone() == (False,)
        pg_cluster.ensure_login("tester", "restricted")
        with Repository(pg_cluster.url("fresh_desks", "tester")) as repo:
            assert repo.count("roadmap") == 5  # seeded from the article, once
            assert repo.search("Nazarbayev")
        with pg_cluster.connect("fresh_desks") as conn:
            owners = {r for (r,) in conn.execute(
                "SELECT DISTINCT pg_get_userbyid(relowner) FROM pg_class "
                "WHERE relnamespace = 'public'::regnamespace")}
            assert owners == {"tracker_owner"}
            forced = {r for (r,) in conn.execute(
                "SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relkind = 'r' AND NOT relforcerowsecurity")}
            assert forced == {"settings", "presets", "search", "_tracker_migrations"}
    finally:
        pg_cluster.drop_database("fresh_desks")


def test_init_empty_seeds_nothing(pg_cluster):
    from tracker.session import init_database

    pg_cluster.admin().execute("CREATE DATABASE empty_desks")
    try:
        assert init_database(pg_cluster.url("empty_desks", "postgres"), empty=True) is True
        with Repository(pg_cluster.url("empty_desks", "tester")) as repo:
            assert repo.totals() == dict.fromkeys(repo.totals(), 0)
    finally:
        pg_cluster.drop_database("empty_desks")


def test_a_database_without_our_schema_or_pending_an_upgrade_says_ask_the_dba(pg_cluster):
    admin = pg_cluster.admin()
    admin.execute("CREATE DATABASE bare")
    try:
        with pytest.raises(DatabaseError, match="holds no Bilateral Tracker database.*init"):
            Repository(pg_cluster.url("bare", "tester"))
    finally:
        pg_cluster.drop_database("bare")
    admin.execute("CREATE DATABASE behind TEMPLATE tracker_empty")
    try:
        with pg_cluster.connect("behind") as conn:
            conn.execute("DELETE FROM _tracker_migrations")
        with pytest.raises(DatabaseError, match="upgrade.*init"):
            Repository(pg_cluster.url("behind", "tester"))
        with pg_cluster.connect("behind") as conn:
            conn.execute("INSERT INTO _tracker_migrations (migration_set, name) VALUES "
                         "('tracker', '0001_initial'), ('tracker', '0099_from_the_future')")
        with Repository(pg_cluster.url("behind", "tester")) as repo:
            assert repo.read_only and "newer version" in repo.read_only_reason
            assert repo.count("roadmap") == 0
    finally:
        pg_cluster.drop_database("behind")


def test_an_address_that_reaches_no_server_is_one_clear_line(tmp_path):
    from tracker.store.errors import ConnectionLost

    url = f"postgresql://nobody:secret@/nowhere?host={tmp_path}"
    with pytest.raises(ConnectionLost) as info:
        Repository(url)
    message = str(info.value)
    assert "cannot reach" in message and "\n" not in message and "secret" not in message


def test_grant_needs_a_server(tmp_path):
    from tracker.session import grant_clearance
    from tracker.store.errors import StorageError

    with pytest.raises(StorageError, match="server"):
        grant_clearance(str(tmp_path / "t.db"), "alice", "internal")


def test_a_login_that_may_read_but_not_write_opens_read_only(pg_cluster):
    from engine_kit import PostgresEngine

    engine = PostgresEngine(pg_cluster)
    try:
        engine.target("tester")
        pg_cluster.ensure_login("reader", "internal")
        with Repository(engine.url_for("reader")) as writer:  # writable when opened...
            engine.sql("REVOKE INSERT ON roadmap FROM tracker_public")
            from tracker.store.errors import ReadOnlyError

            with pytest.raises(ReadOnlyError, match="permission denied"):  # ...then no longer
                writer.create("roadmap", {"title": "X"})
            assert writer.count("roadmap") == 0
        engine.sql("REVOKE INSERT ON audit FROM tracker_public")
        with Repository(engine.url_for("reader")) as repo:
            assert repo.read_only and "may read but not change" in repo.read_only_reason
            from tracker.store.errors import ReadOnlyError

            with pytest.raises(ReadOnlyError):
                repo.create("people", {"title": "X"})
    finally:
        engine.close()


def test_driver_errors_never_leave_the_engine(pg_cluster):
    """What the engine raises on a server is the store's own error, never the driver's."""
    from engine_kit import PostgresEngine

    from tracker.model import get_kind
    from tracker.store.errors import StorageError
    from tracker.store.query import Filter

    engine = PostgresEngine(pg_cluster)
    try:
        with engine.open(seed=True) as repo:
            repo.backend.link.conn.close()  # the connection is gone: made again for the read
            assert repo.count("roadmap") == 5
            with pytest.raises(StorageError) as info:
                repo.backend.count_by(Filter(get_kind("roadmap")), "no_such_column")
            assert not isinstance(info.value, psycopg.Error)
            assert "no_such_column" in str(info.value) and "\n" not in str(info.value)
    finally:
        engine.close()


def test_a_dba_who_is_not_a_superuser_can_init_and_grant(pg_cluster):
    """The administrator needs CREATEROLE and a database of their own, not superuser rights."""
    from tracker.session import grant_clearance, init_database

    admin = pg_cluster.admin()
    if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = 'dba'").fetchone():
        admin.execute("CREATE ROLE dba LOGIN CREATEROLE CREATEDB")
    with pg_cluster.connect(user="dba") as dba:
        dba.execute("CREATE DATABASE dba_desks")
    try:
        url = pg_cluster.url("dba_desks", "dba")
        assert init_database(url, empty=True) is True
        grant_clearance(url, "desk_of_dba", "internal")
        with Repository(pg_cluster.url("dba_desks", "desk_of_dba")) as desk:
            assert desk.user == "desk_of_dba"
            desk.create("people", {"title": "Made by a desk", "classification": "internal"})
            with pytest.raises(StorageError, match="clearance"):
                desk.create("people", {"title": "Too secret", "classification": "restricted"})
    finally:
        pg_cluster.drop_database("dba_desks")
