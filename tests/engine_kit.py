"""One database for a test, on either engine: the tests that hold for both (the repository's
contract) open it through here, and look at what is stored through :meth:`sql`, which reads
around the repository (a side connection that sees every row), in SQL both engines take."""

from __future__ import annotations

from pathlib import Path

from tracker.session import open_session


class SqliteEngine:
    name = "sqlite"

    def __init__(self, folder: Path):
        self.path = Path(folder) / "tracker.db"
        self._side = None

    def target(self, user: str | None = None):
        return self.path

    def open(self, *, user: str = "tester", seed: bool = False, read_only: bool = False):
        return open_session(self.path, seed=seed, user=user, read_only=read_only)

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """Rows of a query (``?`` placeholders) run beside the repository."""
        from tracker.store.sqlite.connect import sqlite_connect

        if self._side is None:
            self._side = sqlite_connect(self.path)
        return self._side.execute(query, params).fetchall()

    def integrity_ok(self) -> bool:
        return self.sql("PRAGMA integrity_check")[0][0] == "ok"

    @staticmethod
    def break_audit(repo, message: str) -> None:
        """Every audit INSERT of ``repo``'s session fails with ``message``."""
        repo.backend.conn.execute("CREATE TEMP TRIGGER fail BEFORE INSERT ON audit "
                                  f"BEGIN SELECT RAISE(ABORT, '{message}'); END")

    @staticmethod
    def mend_audit(repo) -> None:
        repo.backend.conn.execute("DROP TRIGGER fail")

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


class PostgresEngine:
    name = "postgres"

    def __init__(self, cluster):
        self.cluster = cluster
        self.dbname: str | None = None
        self._side = None

    def _database(self, seed: bool) -> str:
        if self.dbname is None:
            self.dbname = self.cluster.new_database("tracker_seeded" if seed else "tracker_empty")
        return self.dbname

    def target(self, user: str = "tester", *, seed: bool = False) -> str:
        """The address a desk opens as ``user`` (a login made with restricted clearance when
        missing; an existing one keeps its own)."""
        self.cluster.ensure_login(user, if_missing=True)
        return self.url_for(user, seed=seed)

    def url_for(self, user: str, *, seed: bool = False) -> str:
        return self.cluster.url(self._database(seed), user)

    def open(self, *, user: str = "tester", seed: bool = False, read_only: bool = False):
        return open_session(self.target(user, seed=seed), read_only=read_only)

    def sql(self, query: str, params: tuple = ()) -> list[tuple]:
        """Rows of a query (``?`` placeholders) run as the superuser (every row, no policy)."""
        if self._side is not None and not (self._side.closed or self._side.broken):
            try:
                self._side.execute("SELECT 1")
            except Exception:  # noqa: BLE001 - the server was restarted: connect again
                self._side.close()
        if self._side is None or self._side.closed or self._side.broken:
            self._side = self.cluster.connect(self._database(False))
        if params:
            cur = self._side.execute(query.replace("?", "%s"), params)
        else:
            cur = self._side.execute(query)
        return cur.fetchall() if cur.description else []

    def integrity_ok(self) -> bool:
        return True  # the server keeps its own files sound; nothing to ask of it here

    def empty(self) -> None:
        """Every row of every table deleted (as a new empty database; ~100x cheaper than
        making one, for tests that need many)."""
        tables = [t for (t,) in self.sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename NOT LIKE '\\_%'")]
        self.sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY")

    def break_audit(self, repo, message: str) -> None:
        """Every audit INSERT fails with ``message`` (a trigger the superuser adds)."""
        self.sql("CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS "
                 f"$$ BEGIN RAISE EXCEPTION '{message}'; END $$")
        self.sql("CREATE TRIGGER fail BEFORE INSERT ON audit FOR EACH ROW "
                 "EXECUTE FUNCTION fail()")

    def mend_audit(self, repo) -> None:
        self.sql("DROP TRIGGER fail ON audit")

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None
        if self.dbname is not None:
            self.cluster.drop_database(self.dbname)
            self.dbname = None


def make_engine(name: str, folder: Path, request):
    """A new engine for a test (``request`` gives the session's cluster for a server)."""
    if name == "postgres":
        return PostgresEngine(request.getfixturevalue("pg_cluster"))
    return SqliteEngine(folder)
