"""The PostgreSQL engine: several desks sharing one database on a server, behind the same
repository (:mod:`tracker.store.backend`) as the SQLite file.

What differs from a file, and where it is handled:

- Who may read what is the server's decision: row-level security on every record table, by the
  login's clearance roles (schema_0001.sql). Every read here passes through the policies; search
  goes through ``search_hits()``/``search_ids()``, which apply the same rule.
- The audit names the login (the server sets it), and stamps come from the server's clock, the
  same for every stamp of one write.
- Writes are explicit transactions on an autocommit connection. A connection the server dropped
  is made again on the next call; a read is retried once, a write never: when the answer to its
  COMMIT was lost, ``pg_xact_status`` tells whether it was saved, so nothing is written twice.
- Another desk's save: a notification at its commit (:mod:`tracker.store.postgres.listen`);
  :meth:`PostgresBackend.data_version` counts them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from tracker.i18n import _
from tracker.model import LINK, MULTILINE, Kind
from tracker.store.errors import ConnectionLost, DatabaseError, ReadOnlyError, StorageError
from tracker.store.postgres import schema
from tracker.store.postgres.attachments import PostgresAttachmentReads
from tracker.store.postgres.audit import AuditReads
from tracker.store.postgres.bulk import BulkReads
from tracker.store.postgres.connect import Link, ServerAddress, describe, first_line, lost
from tracker.store.postgres.kept import KEEP_COUNTS, MAX_IDS, Kept, KeptReads
from tracker.store.postgres.search import tsquery_any, tsquery_literal
from tracker.store.postgres.writer import PostgresWriter
from tracker.store.query import Condition, Filter

NOT_NULL = frozenset({"id", "title", "status", "classification", "created_at", "updated_at"})
SORT_PREFIX = 200  # multiline columns are indexed by their first 200 characters
DEEP_OFFSET = 1000  # from here on a page is found through the index alone, then read
STAMP = ("SELECT pg_current_xact_id()::text, "
         "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
RESOLVE_SECONDS = 10.0  # how long a write whose answer was lost waits to learn its fate


def q(name: str) -> str:
    """A quoted identifier (names come from the declarations, never from users)."""
    return '"' + name.replace('"', '""') + '"'


def columns_of(kind: Kind) -> list[str]:
    """A record's stored columns in table order (never ``SELECT *``: a prepared statement must
    not change its result's shape under a migration)."""
    return ["id", "uid", *(f.name for f in kind.stored_fields), "created_at", "updated_at",
            "created_by", "updated_by", "version", "deleted_at"]


def sort_keys(kind: Kind, col: str, direction: str) -> str:
    """ORDER BY terms for a column; a multiline one goes through its prefix index (under
    COLLATE "C" the order is the same as the column's own)."""
    f = kind.get_field(col)
    if f is not None and f.type == MULTILINE:
        return f"left({q(col)}, {SORT_PREFIX}) {direction}, {q(col)} {direction}"
    return f"{q(col)} {direction}"


class PostgresBackend(BulkReads, KeptReads, PostgresAttachmentReads, AuditReads):
    """A session on one database of a PostgreSQL server."""

    engine = "postgresql"

    def __init__(self, url: str, *, create: bool = True, read_only: bool = False,
                 background_check: bool = False):
        self.link = Link(url)
        self.target = describe(url)
        self.path = ServerAddress(self.target)  # for titles and messages
        self.url = url  # what opens this database again (a worker's own session)
        self.is_new = False  # a server database is created by `init`, never by opening it
        self.warnings: list[str] = []
        self.damage: str | None = None
        self.on_wait = None
        self._listener = None
        self._version = 0
        self._unknown_xid: str | None = None  # a write whose outcome could not be learnt
        self.kept_ids, self.kept_values = Kept(), Kept(KEEP_COUNTS)  # read once (kept.py)
        try:
            self._open(read_only)
        except BaseException:
            self.link.close()
            raise

    def _open(self, read_only: bool) -> None:
        conn = self.link.connection()
        init = _("ask the database administrator to run: bilateral-tracker-cli --db URL init")
        try:
            if not schema.initialised(conn):
                raise DatabaseError(_("{server} holds no Bilateral Tracker database; {init}")
                                    .format(server=self.target, init=init))
            self.login, clearances, can_write = conn.execute(
                "SELECT session_user, tracker_clearances(), "
                "has_table_privilege('audit', 'INSERT')").fetchone()
            self.user = self.login
            self.clearances = tuple(clearances)
            if not self.clearances:
                raise DatabaseError(_(
                    "{server}: the login {login} has no clearance for this database; ask the "
                    "database administrator to grant one (bilateral-tracker-cli --db URL grant "
                    "{login} --clearance internal)").format(server=self.target, login=self.login))
            have = schema.applied(conn) or []
        except psycopg.Error as exc:
            raise self.link.error(exc) from None
        unknown = [n for n in have if n not in schema.names()]
        pending = [n for n in schema.names() if n not in have]
        self.read_only = read_only
        self.read_only_reason: str | None = None
        if unknown:
            self.read_only = True
            self.read_only_reason = _(
                "{server} was set up by a newer version of Bilateral Tracker (its schema has "
                "changes this version does not know: {names}); it is open read-only").format(
                    server=self.target, names=", ".join(unknown[:5]))
        elif pending:
            raise DatabaseError(_("{server} needs an upgrade of its schema; {init}").format(
                server=self.target, init=init))
        elif not can_write and not read_only:
            self.read_only = True
            self.read_only_reason = _("the login {login} may read but not change records").format(
                login=self.login)
        if self.read_only_reason:
            self.warnings.append(self.read_only_reason)

    # -- the session --------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self.link.closed

    def verify(self, timeout: float | None = None) -> Exception | None:
        return None  # the server keeps its own data sound: there is no file to check

    def check_pending(self) -> bool:
        return False

    def file_gone(self) -> bool:
        return False

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
        self.link.close()

    def _execute(self, sql: str, params=()) -> psycopg.Cursor:
        """Run a read; a connection found dropped is made again and the read run once more."""
        for attempt in (0, 1):
            conn = self.link.connection()
            try:
                return conn.execute(sql, params)
            except psycopg.Error as exc:
                if lost(conn) and attempt == 0 and not self.link.in_transaction:
                    continue
                raise self.link.error(exc) from None
        raise AssertionError("unreachable")

    def _rows(self, sql: str, params: list, limit: int | None = None, offset: int = 0
              ) -> list[dict]:
        if limit is not None:
            sql += " LIMIT %s OFFSET %s"
            params = [*params, int(limit), int(offset)]
        cur = self._execute(sql, params)
        names = [d.name for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def _scalar(self, sql: str, params=()) -> Any:
        return self._execute(sql, params).fetchone()[0]

    # -- writing --------------------------------------------------------------------------------

    @contextmanager
    def transaction(self, *, activity: str | None = None) -> Iterator[PostgresWriter]:
        """One write transaction, committed whole when the block ends or not at all. Other desks
        keep reading and writing other records meanwhile (``activity`` is not needed here)."""
        if self.read_only:
            raise ReadOnlyError(self.target, self.read_only_reason)
        self._resolve_unknown()
        conn, xid, at = self._begin()
        self.link.in_transaction = True
        try:
            try:
                yield PostgresWriter(self, conn, at)
            except BaseException as exc:
                self._rollback(conn)
                if isinstance(exc, psycopg.Error):
                    if lost(conn):
                        raise self._not_saved(exc) from None
                    raise self.link.error(exc, writing=True) from None
                raise
            try:
                conn.execute("COMMIT")
            except psycopg.Error as exc:
                if not lost(conn):
                    raise self.link.error(exc, writing=True) from None
                self.link.in_transaction = False
                self._learn_fate(xid, exc)
        finally:
            self.link.in_transaction = False

    def _begin(self) -> tuple[psycopg.Connection, str, str]:
        """BEGIN, and the transaction's id and time; a connection found dropped here (nothing
        sent yet) is made again and the BEGIN tried once more."""
        for attempt in (0, 1):
            conn = self.link.connection()
            try:
                conn.execute("BEGIN")
                xid, at = conn.execute(STAMP).fetchone()
                return conn, xid, at
            except psycopg.Error as exc:
                self._rollback(conn)
                if lost(conn) and attempt == 0:
                    continue
                raise self.link.error(exc, writing=True) from None
        raise AssertionError("unreachable")

    @staticmethod
    def _rollback(conn: psycopg.Connection) -> None:
        if lost(conn) or conn.info.transaction_status == TransactionStatus.IDLE:
            return
        try:
            conn.execute("ROLLBACK")
        except psycopg.Error:
            pass

    def _not_saved(self, exc: BaseException | None) -> ConnectionLost:
        detail = first_line(exc) if exc is not None else ""
        return ConnectionLost(_(
            "the change was not saved: the connection to the database server {server} was lost "
            "({error}); try again when it is back").format(server=self.target, error=detail))

    def _xact_status(self, xid: str) -> str | None:
        """What became of transaction ``xid``: committed, aborted or in progress. After a crash
        a transaction that left no trace in the log is "in the future" of the restarted server:
        it was not saved (said as aborted)."""
        conn = self.link.connection()
        try:
            return conn.execute("SELECT pg_xact_status(%s::xid8)", (xid,)).fetchone()[0]
        except psycopg.errors.InvalidParameterValue as exc:
            if "in the future" in str(exc):
                return "aborted"
            raise

    def _learn_fate(self, xid: str, exc: BaseException) -> None:
        """The answer to COMMIT was lost: return if the write was saved, else raise. Asks the
        server (reconnecting) for the transaction's status; a server that stays away leaves the
        outcome unknown, said so, and checked before this session's next write."""
        deadline = time.monotonic() + RESOLVE_SECONDS
        while time.monotonic() < deadline:
            try:
                status = self._xact_status(xid)
            except (ConnectionLost, psycopg.Error):
                time.sleep(0.2)
                continue
            if status == "committed":
                return
            if status != "in progress":
                raise self._not_saved(exc)
            time.sleep(0.05)  # the old server process has not noticed the cut yet
        self._unknown_xid = xid
        raise ConnectionLost(_(
            "the database server {server} did not answer whether the change was saved; nothing "
            "will be saved twice: reload the record when the server is back").format(
                server=self.target))

    def _resolve_unknown(self) -> None:
        """Before a new write: learn what became of a write whose outcome was unknown."""
        if self._unknown_xid is None:
            return
        try:
            status = self._xact_status(self._unknown_xid)
        except psycopg.Error as exc:
            raise self.link.error(exc) from None
        if status == "in progress":
            raise self._not_saved(None)
        self._unknown_xid = None
        if status == "committed":
            raise StorageError(_(
                "your previous change was saved after all (the server's answer to it was lost); "
                "reload before changing the record again"))

    # -- other sessions' writes -----------------------------------------------------------------

    def data_version(self) -> int:
        """Changes when another session commits a write (counted from the notifications every
        write sends at its commit; the first call starts listening)."""
        from tracker.store.postgres.listen import Listener

        if self._listener is None:
            self._listener = Listener(self.link.url)
            return self._version
        own = self.link.conn.info.backend_pid if not lost(self.link.conn) else None
        for change in self._listener.changes(probe=True):
            if change.pid != own:
                self._version += 1
        return self._version

    def listener(self):
        """A new :class:`~tracker.store.postgres.listen.Listener` on this database (for a
        window: its ``fileno()`` turns readable when another desk saves)."""
        from tracker.store.postgres.listen import Listener

        return Listener(self.link.url)

    def session_pid(self) -> int | None:
        """The server process of this session's connection (None while it is down): the
        notifications of this session's own saves carry it."""
        return None if lost(self.link.conn) else self.link.conn.info.backend_pid

    def last_audit_id(self) -> int:
        return self._scalar("SELECT max(id) FROM audit") or 0

    # -- filters --------------------------------------------------------------------------------

    def where(self, f: Filter, params: list, *, reuse: bool = True) -> str:
        kind = f.kind
        clauses = ["deleted_at IS NOT NULL" if f.trash else "deleted_at IS NULL"]
        if f.overdue_on is not None and kind.deadline is not None:
            due = q(kind.deadline.field)
            clauses.append(f"{due} IS NOT NULL AND {due} < %s AND NOT (status = ANY (%s))")
            params.extend([f.overdue_on, list(kind.deadline.closed)])
        if f.statuses:
            clauses.append("status = ANY (%s)")
            params.append(list(f.statuses))
        if f.levels is not None:
            clauses.append("classification = ANY (%s)")
            params.append(list(f.levels))
        if f.words is not None:
            expr = tsquery_any(f.words)
            ids = self.filtered_ids(f) if reuse and expr is not None else None
            if expr is None:
                clauses.append("FALSE")
            elif ids is not None and len(ids) <= MAX_IDS:
                clauses.append("id = ANY (%s::bigint[])")
                params.append(ids)
            else:
                clauses.append("id IN (SELECT search_ids(%s::tsquery, %s))")
                params.extend([expr, kind.name])
        for c in f.where:
            clauses.append(self._condition(c, params))
        if f.any_of:
            clauses.append("(" + " OR ".join(self._condition(c, params) for c in f.any_of) + ")")
        return " AND ".join(clauses)

    @staticmethod
    def _condition(c: Condition, params: list) -> str:
        col = q(c.field)
        if c.op == "is null":
            return f"{col} IS NULL"
        if c.op == "not null":
            return f"{col} IS NOT NULL"
        if c.op in ("in", "not in"):
            params.append(list(c.value))
            return f"{col} = ANY (%s)" if c.op == "in" else f"NOT ({col} = ANY (%s))"
        params.append(c.value)
        return f"{col} {c.op} %s"

    # -- reads ----------------------------------------------------------------------------------

    def _cols(self, kind: Kind, columns: list[str] | None) -> str:
        names = columns_of(kind) if columns is None else list(dict.fromkeys(["id", *columns]))
        return ", ".join(q(c) for c in names)

    def select(self, f: Filter, *, sort: str, descending: bool = False,
               limit: int | None = None, offset: int = 0,
               columns: list[str] | None = None) -> list[dict]:
        """Records sorted by ``sort``, empty values last either way, id breaking ties: ascending,
        the sort index's own order (a deep page from its nearer end); descending, two segments."""
        kind, table, params = f.kind, q(f.kind.name), []
        where, cols = self.where(f, params), self._cols(kind, columns)
        d, r, rd = ("DESC", "ASC NULLS LAST", "ASC") if descending else \
            ("ASC", "DESC NULLS FIRST", "DESC")
        by = f"{sort_keys(kind, sort, d)}, id {d}"
        if sort in NOT_NULL or not descending:  # ascending, empty values come last anyway
            return self.from_nearer_end(
                lambda by_, n, at: self._page(cols, table, where, by_, params, n, at),
                f"SELECT count(*) FROM {table} WHERE {where}", params,
                (by, f"{sort_keys(kind, sort, r)}, id {rd}"), limit, offset, DEEP_OFFSET)
        filled, empty = f"{where} AND {q(sort)} IS NOT NULL", f"{where} AND {q(sort)} IS NULL"
        if limit is None:
            return (self._page(cols, table, filled, by, params, None, 0)
                    + self._page(cols, table, empty, f"id {d}", params, None, 0))
        rows = self._page(cols, table, filled, by, params, limit, offset)
        if len(rows) < limit:
            n_filled = offset + len(rows) if rows else self._scalar(
                f"SELECT count(*) FROM {table} WHERE {filled}", params)
            rows += self._page(cols, table, empty, f"id {d}", params, limit - len(rows),
                               max(0, offset - n_filled))
        return rows

    def _page(self, cols: str, table: str, where: str, by: str, params: list,
              limit: int | None, offset: int) -> list[dict]:
        if limit is None or offset < DEEP_OFFSET:
            return self._rows(f"SELECT {cols} FROM {table} WHERE {where} ORDER BY {by}", params,
                              limit, offset)
        # deep pages: the ids come from the sort index alone, then only their rows are read
        return self._rows(
            f"SELECT {cols} FROM {table} WHERE id IN (SELECT id FROM {table} WHERE {where} "
            f"ORDER BY {by} LIMIT %s OFFSET %s) ORDER BY {by}", [*params, limit, offset])

    def count(self, f: Filter) -> int:
        if (ids := self.filtered_ids(f)) is not None:  # a text filter: its ids, kept
            return len(ids)
        params: list = []
        where = self.where(f, params)
        return self.kept_scalar(f"SELECT count(*) FROM {q(f.kind.name)} WHERE {where}", params)

    def total(self, f: Filter, field: str) -> int:
        params: list = []
        where = self.where(f, params)
        return self.kept_scalar(f"SELECT sum({q(field)}) FROM {q(f.kind.name)} WHERE {where}",
                                params) or 0

    def count_by(self, f: Filter, field: str) -> dict[Any, int]:
        params: list = []
        where = self.where(f, params)
        return dict(self._execute(
            f"SELECT {q(field)}, count(*) FROM {q(f.kind.name)} WHERE {where} "
            f"GROUP BY {q(field)}", params).fetchall())

    def first(self, f: Filter, *, order: list[tuple[str, bool]], columns: list[str],
              limit: int | None = None) -> list[dict]:
        return self._rows(*self._first_sql(f, order, columns, limit))

    def tuples(self, f: Filter, *, order: list[tuple[str, bool]], columns: list[str]
               ) -> list[tuple]:
        return self._execute(*self._first_sql(f, order, columns, None)).fetchall()

    def _first_sql(self, f: Filter, order: list[tuple[str, bool]], columns: list[str],
                   limit: int | None) -> tuple[str, list]:
        params: list = []
        where = self.where(f, params)
        by = ", ".join(sort_keys(f.kind, c, "DESC" if desc else "ASC") for c, desc in order)
        by = f" ORDER BY {by}" if by else ""  # (no order: the engine reads as it finds best)
        cap = "" if limit is None else f" LIMIT {int(limit)}"
        return (f"SELECT {', '.join(q(c) for c in columns)} FROM {q(f.kind.name)} "
                f"WHERE {where}{by}{cap}", params)

    def position(self, f: Filter, record_id: int, *, sort: str, descending: bool = False
                 ) -> int | None:
        """The 0-based row of ``record_id`` in ``select(f, sort=...)``, or None."""
        params: list = []
        where = self.where(f, params)
        table, col = q(f.kind.name), q(sort)
        if not _is_id(record_id):
            return None
        row = self._execute(f"SELECT {col} FROM {table} WHERE {where} AND id = %s",
                            [*params, record_id]).fetchone()
        if row is None:
            return None
        value, cmp = row[0], (">" if descending else "<")

        def count(clause: str, *args) -> int:
            return self._scalar(f"SELECT count(*) FROM {table} WHERE {where} AND {clause}",
                                [*params, *args])

        if value is None:
            return count(f"{col} IS NOT NULL") + count(f"{col} IS NULL AND id {cmp} %s",
                                                       record_id)
        return count(f"{col} IS NOT NULL AND ({col}, id) {cmp} (%s, %s)", value, record_id)

    def row(self, kind: Kind, record_id: int, columns: list[str] | None = None) -> dict | None:
        if not _is_id(record_id):
            return None
        cur = self._execute(f"SELECT {self._cols(kind, columns)} FROM {q(kind.name)} "
                            "WHERE id = %s", (record_id,))
        found = cur.fetchone()
        if found is None:
            return None
        row = dict(zip([d.name for d in cur.description], found))
        return row if columns is None else {c: row[c] for c in columns}

    def id_of_uid(self, kind: Kind, uid: str) -> int | None:
        found = self._execute(f"SELECT id FROM {q(kind.name)} WHERE uid = %s",
                              (uid,)).fetchone()
        return found[0] if found else None

    def uids(self, kind: Kind) -> dict[int, str]:
        return dict(self._execute(f"SELECT id, uid FROM {q(kind.name)}").fetchall())

    def exists(self, kind: Kind, record_id: Any) -> bool:
        if not _is_id(record_id):
            return False
        return self._execute(f"SELECT 1 FROM {q(kind.name)} WHERE id = %s",
                             (record_id,)).fetchone() is not None

    def link_ids(self, kind: Kind, field: str, record_id: int) -> list[int]:
        target = kind.field(field).target
        return [r[0] for r in self._execute(
            f"SELECT {q(target + '_id')} FROM {q(kind.name + '_' + field)} "
            f"WHERE {q(kind.name + '_id')} = %s ORDER BY 1", (record_id,))]

    def linking(self, kind: Kind, field: str, target_id: int) -> list[tuple[int, str]]:
        f = kind.field(field)
        if f.type == LINK:
            return self._execute(
                f"SELECT id, title FROM {q(kind.name)} WHERE {q(field)} = %s "
                "AND deleted_at IS NULL ORDER BY id", (target_id,)).fetchall()
        return self._execute(
            f"SELECT k.id, k.title FROM {q(kind.name + '_' + field)} j JOIN {q(kind.name)} k "
            f"ON k.id = j.{q(kind.name + '_id')} WHERE j.{q(f.target + '_id')} = %s "
            "AND k.deleted_at IS NULL ORDER BY k.id", (target_id,)).fetchall()

    def citations(self, kind: Kind, record_id: int) -> list[dict]:
        return [
            {"source_id": sid, "source": title, "quote": quote}
            for sid, title, quote in self._execute(
                "SELECT c.source_id, s.title, c.quote FROM citations c "
                "JOIN sources s ON s.id = c.source_id WHERE c.kind = %s AND c.record_id = %s "
                "ORDER BY c.position, c.id", (kind.name, record_id))
        ]

    def search(self, words: list[str], kinds: list[str] | None, limit: int, offset: int = 0
               ) -> list[tuple[str, int, int]]:
        """(kind, record id, part) of live records matching, those holding the typed words in
        their body first, then by ts_rank; ``limit`` of them from ``offset``. A record comes
        once, at its best entry: ``part`` 0 its own text, else the part of an attached file's
        text that matched."""
        return self.search_page(words, kinds, limit, offset)[1]

    def search_page(self, words: list[str], kinds: list[str] | None, limit: int | None,
                    offset: int = 0) -> tuple[int, list[tuple[str, int, int]]]:
        """(:meth:`search_total`, :meth:`search`) in one query: the page's rows count the
        records ranked (``count(*) OVER ()``); a page past the end is counted apart. ``limit``
        None: all of them."""
        expr = tsquery_any(words)
        if expr is None:
            return 0, []
        if limit is not None and limit <= 0:
            return self.search_total(words, kinds), []
        rows = self._execute(
            "SELECT kind, record_id, part, count(*) OVER () FROM (SELECT h.kind, h.record_id, "
            "h.part, h.exact, h.score, row_number() OVER (PARTITION BY h.kind, h.record_id "
            "ORDER BY h.exact DESC, h.score DESC, h.part) AS n "
            "FROM search_matches(%s::tsquery, %s::tsquery, %s, true) "
            f"h WHERE {_live_hit('h')}) b WHERE n = 1 "
            "ORDER BY exact DESC, score DESC, kind, record_id LIMIT %s OFFSET %s",
            (expr, tsquery_literal(words, "A"), list(kinds) if kinds else None, limit,
             offset)).fetchall()
        if rows:
            return rows[0][3], [(k, r, p) for k, r, p, _n in rows]
        return (self.search_total(words, kinds) if offset else 0), []

    def search_total(self, words: list[str], kinds: list[str] | None) -> int:
        expr = tsquery_any(words)
        if expr is None:
            return 0
        return self._scalar(
            "SELECT count(*) FROM (SELECT DISTINCT h.kind, h.record_id "
            "FROM search_matches(%s::tsquery, NULL, %s, false) h "
            f"WHERE {_live_hit('h')}) d", (expr, list(kinds) if kinds else None))

    # -- settings, presets, audit ---------------------------------------------------------------

    def settings(self) -> dict[str, str | None]:
        return dict(self._execute("SELECT key, value FROM settings").fetchall())

    def setting(self, key: str) -> str | None:
        found = self._execute("SELECT value FROM settings WHERE key = %s", (key,)).fetchone()
        return found[0] if found else None

    def presets(self) -> dict[str, str]:
        return dict(self._execute("SELECT name, options FROM presets ORDER BY name").fetchall())


def _is_id(value: Any) -> bool:
    """A value that can be a record id (a bigint): anything else names no record."""
    return isinstance(value, int) and not isinstance(value, bool) and \
        -(2**63) <= value < 2**63


def _live_hit(alias: str) -> str:
    """An SQL condition: the search hit ``alias`` (kind, record_id) is a record not in the
    trash that this login may read (the record tables' policies decide)."""
    from tracker.model import KINDS

    cases = " ".join(
        f"WHEN '{name}' THEN EXISTS (SELECT 1 FROM {q(name)} r WHERE r.id = {alias}.record_id "
        "AND r.deleted_at IS NULL)" for name in KINDS)
    return f"CASE {alias}.kind {cases} ELSE false END"
