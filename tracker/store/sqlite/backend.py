"""The SQLite engine: one file, opened with :mod:`tracker.store.sqlite.connect`, read and written
with SQL tuned for it (partial indexes per sortable column, FTS5, ``BEGIN IMMEDIATE``).

:class:`SqliteBackend` is a session on one file; :class:`SqliteWriter` is one write transaction.
The repository above says *what* to read and write (:mod:`tracker.store.backend`); everything
here is *how*, in SQLite. Driver errors leave this package as the store's own errors.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.i18n import _
from tracker.model import LINK, Kind
from tracker.store.errors import (
    DamagedDatabase,
    DatabaseClosed,
    ReadOnlyError,
    StorageError,
)
from tracker.store.sqlite import connect as _db
from tracker.store.sqlite import files
from tracker.store.sqlite.attachments import SqliteAttachmentReads
from tracker.store.sqlite.audit import AuditReads
from tracker.store.sqlite.bulk import BulkReads
from tracker.store.sqlite.hits import SearchReads
from tracker.store.sqlite.notes import read_note, write_note
from tracker.store.sqlite.search import (
    kind_matches,
    live_kind_counts,
    match_expression,
)
from tracker.store.sqlite.sql import NOT_NULL, q, sql_list
from tracker.store.sqlite.writer import SqliteWriter

if TYPE_CHECKING:  # (the filters arrive made: their module loads with the first read of records)
    from tracker.store.query import Condition, Filter


DEEP_PAGE = 10_000  # rows into a sorted list from where a page asks first where the filled end


class SqliteBackend(BulkReads, SqliteAttachmentReads, SearchReads, AuditReads):
    """A session on one SQLite file."""

    engine = "sqlite"
    login = None  # the audit names the user the repository is given (or the OS user)

    def __init__(self, path, *, create: bool = True, read_only: bool = False,
                 background_check: bool = False):
        """``background_check=True`` (the GUI): a file that can be read without writing to it
        opens at once and its integrity check runs in a thread; every write waits for that
        check and is refused if it failed, so a damaged file is still never written to."""
        self.path = Path(path).expanduser()
        self.target = str(self.path)
        # A zero-byte file is one we created and never got to fill (e.g. a crash on first run).
        self.is_new = not self.path.exists() or self.path.stat().st_size == 0
        self.warnings: list[str] = []  # read-only reason, network share: show these to the user
        self.damage: str | None = None  # what the background integrity check found
        self._check_thread: threading.Thread | None = None
        self._check_error: Exception | None = None
        self.closed = False
        # Told (once per holder) when a write waits for another program's long write (an
        # import) to end; None: such a write gives up after the busy timeout instead.
        self.on_wait = None
        self.user = ""  # who a long write's note names (the repository sets it)
        deferred = background_check and not self.is_new and not read_only and \
            _db.can_defer_check(self.path)
        self.conn, self.read_only = _db.connect(self.path, create=create, read_only=read_only,
                                                warnings=self.warnings, defer_check=deferred)
        # Why the file cannot be changed (newer version, full disk, permissions), if it opened
        # read-only by itself; a read-only session the caller asked for has no reason to give.
        self.read_only_reason: str | None = (
            self.warnings[0] if self.read_only and not read_only and self.warnings else None)
        # The file the connection has open: a write is acknowledged only while the path still
        # names it (a deleted or moved folder leaves the connection writing an unlinked file).
        self._identity = files.file_identity(self.path)
        if deferred and not self.read_only:
            try:
                check_now = _db.needs_migration(self.conn)  # a migration writes: check first
            except sqlite3.DatabaseError:
                check_now = True  # unreadable already: the check says why
            if check_now:
                self._run_check()
                if self._check_error is not None:
                    error = self._check_error
                    self.conn.close()
                    raise error
            else:
                self._check_thread = threading.Thread(target=self._run_check,
                                                      name="integrity-check", daemon=True)
                self._check_thread.start()
        if not self.read_only:
            _db.migrate(self.conn)
        elif self.is_new:
            self.conn.close()
            raise ReadOnlyError(self.path, self.read_only_reason)

    # -- the session --------------------------------------------------------------------------

    def _run_check(self) -> None:
        try:
            _db.check_file(self.path)
        except DamagedDatabase as exc:
            self._check_error = exc
            self.damage = _(
                "{path} is damaged: its integrity check failed ({detail}). Nothing has been "
                "written to it and editing is disabled. Restore the newest good backup (File > "
                "Backups..., or the command 'restore').").format(path=self.path, detail=exc.detail)
        except Exception as exc:  # noqa: BLE001 - kept and raised to every later write
            self._check_error = exc
            self.damage = str(exc)

    def verify(self, timeout: float | None = None) -> Exception | None:
        """Wait for the integrity check of a background-checked file (``None`` if it passed or
        was done on opening). A failure turns the session read-only with the reason in
        ``warnings``; writes are refused with it."""
        thread = self._check_thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                return None
            self._check_thread = None
            if self._check_error is not None and not self.read_only:
                self.read_only = True
                self.warnings.append(self.damage)
        return self._check_error

    def check_pending(self) -> bool:
        return self._check_thread is not None and self._check_thread.is_alive()

    def close(self) -> None:
        if self.closed:
            return
        damaged = self.verify() is not None
        try:
            if not self.read_only and not damaged:
                self.conn.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass
        self.conn.close()
        self.closed = True

    def _execute(self, sql: str, params=()) -> sqlite3.Cursor:
        try:
            return self.conn.execute(sql, params)
        except sqlite3.ProgrammingError:
            if self.closed:
                raise DatabaseClosed() from None
            raise
        except sqlite3.DatabaseError as exc:  # locked, I/O, damage found while reading
            raise StorageError(_("{path} cannot be read: {error}").format(
                path=self.path, error=exc)) from None

    def _rows(self, sql: str, params: list, limit: int | None = None, offset: int = 0
              ) -> list[dict]:
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, int(limit), int(offset)]
        cur = self._execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def _scalar(self, sql: str, params=()) -> Any:
        return self._execute(sql, params).fetchone()[0]

    @contextmanager
    def transaction(self, *, activity: str | None = None) -> Iterator[SqliteWriter]:
        """One immediate write transaction; rolled back whole on any error.

        ``activity`` (a long write, such as "importing x.json (250,000 records)"): said in a note
        beside the file while the transaction lasts, so that another program's write waiting for
        the lock can tell its user what it waits for (:meth:`_begin`)."""
        if self._check_thread is not None or self._check_error is not None:
            error = self.verify()  # a background-checked file: no write before its check
            if error is not None:
                raise StorageError(_("the change was not saved: {error}").format(
                    error=self.damage))
        if self.read_only:
            raise ReadOnlyError(self.path, self.read_only_reason)
        note = write_note(self.path, self.user, activity) if activity else None
        try:
            self._begin()
            try:
                yield SqliteWriter(self)
                self._still_there()
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise StorageError(_("the change was not saved: {error}").format(
                        error=exc)) from None
                raise
        finally:
            if note is not None:
                note.unlink(missing_ok=True)

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``, waiting while another program writes. When that program said what
        it is doing (a long import leaves a note beside the file), ``on_wait`` is told once and
        the wait lasts as long as that goes on (the CLI prints it; Ctrl+C gives up); otherwise, or
        without ``on_wait``, the wait ends after the busy timeout with a message saying who holds
        the file, if known. Nothing is written until the lock is ours."""
        import time

        timeout = self._scalar("PRAGMA busy_timeout")
        started = time.monotonic()
        step, told = min(timeout, 1000), None
        try:
            while True:
                self.conn.execute(f"PRAGMA busy_timeout = {int(step)}")
                try:
                    self.conn.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if not any(w in str(exc).lower() for w in ("locked", "busy")):
                        raise StorageError(_("cannot start a write: {error}").format(
                            error=exc)) from None
                    note = read_note(self.path)
                    if note is not None and self.on_wait is not None:
                        if note != told:
                            self.on_wait(_("Waiting: {who} is {activity} (since {since}); this "
                                           "change is saved when that ends. Ctrl+C stops "
                                           "waiting (nothing is saved).").format(**note))
                            told = note
                        step = timeout
                        continue
                    waited = (time.monotonic() - started) * 1000
                    if waited < timeout:
                        step = max(1, timeout - waited)
                        continue
                    if note is not None:
                        raise StorageError(_("cannot save now: {who} is {activity} (since "
                                             "{since}); try again when that ends. Nothing was "
                                             "written.").format(**note)) from None
                    raise StorageError(_("cannot start a write: {error}").format(
                        error=exc)) from None
        finally:
            self.conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")

    def _still_there(self) -> None:
        """Raise :class:`StorageError` unless the path still names the file this session has
        open (``os.stat``, no descriptor): after its folder was deleted, or the file moved or
        replaced, a write would go into a file nobody will ever open again."""
        if self.file_gone():
            raise StorageError(self.gone_message())

    def gone_message(self) -> str:
        return _(
            "the change was not saved: {path} is no longer there (the file or its folder was "
            "deleted, moved or replaced while it was open), so nothing can be saved into it. "
            "Put it back, or copy your text and open the file where it is now."
        ).format(path=self.path)

    def file_gone(self) -> bool:
        """True when the path no longer names the file this session has open."""
        return files.file_identity(self.path) != self._identity

    def data_version(self) -> int:
        """Changes when another connection commits (cheap; poll it to notice outside writes)."""
        return self._scalar("PRAGMA data_version")

    def last_audit_id(self) -> int:
        return self._scalar("SELECT max(id) FROM audit") or 0

    # -- filters ------------------------------------------------------------------------------

    def where(self, f: Filter, params: list, *, walk: bool = False) -> str:
        """The WHERE clause of a filter (its values appended to ``params``). ``walk``: the rows
        are read in the order of a date column's index, so status tests must not pick the
        status index instead ("+status": 0.1 ms instead of 13-17 ms at 100k meetings)."""
        kind = f.kind
        status = "+status" if walk else "status"
        clauses = ["deleted_at IS NOT NULL" if f.trash else "deleted_at IS NULL"]
        if f.overdue_on is not None and kind.deadline is not None:
            # Derived, never stored: the deadline has passed and the record is still open.
            due, closed = q(kind.deadline.field), sql_list(kind.deadline.closed)
            clauses.append(f"{due} IS NOT NULL AND {due} < ? AND {status} NOT IN {closed}")
            params.append(f.overdue_on)
        if f.statuses:
            if len(f.statuses) == 1 and walk:
                clauses.append(f"{status} = ?")
            else:
                clauses.append(f"{status} IN ({', '.join('?' for _s in f.statuses)})")
            params.extend(f.statuses)
        if f.levels is not None:
            clauses.append(f"classification IN ({', '.join('?' for _c in f.levels)})")
            params.extend(f.levels)
        if f.words is not None:
            found = kind_matches(f.words, kind.name, self._scalar(
                f"SELECT max(id) FROM {q(kind.name)}"))
            clauses.append("0" if found is None else found[0])
            params.extend([] if found is None else found[1])
        for c in f.where:
            clauses.append(self._condition(c, params, walk))
        if f.any_of:
            clauses.append("(" + " OR ".join(self._condition(c, params, walk)
                                             for c in f.any_of) + ")")
        return " AND ".join(clauses)

    @staticmethod
    def _condition(c: Condition, params: list, walk: bool) -> str:
        col = q(c.field)
        if c.field == "status" and walk:
            col = "+status"
        if c.op == "is null":
            return f"{col} IS NULL"
        if c.op == "not null":
            return f"{col} IS NOT NULL"
        if c.op in ("in", "not in"):
            values = list(c.value)
            params.extend(values)
            return f"{col} {c.op.upper()} ({', '.join('?' for _v in values)})"
        params.append(c.value)
        return f"{col} {c.op} ?"

    # -- reads --------------------------------------------------------------------------------

    def select(self, f: Filter, *, sort: str, descending: bool = False,
               limit: int | None = None, offset: int = 0,
               columns: list[str] | None = None) -> list[dict]:
        """Records of a filter sorted by ``sort`` (empty values last in either direction; id
        breaks ties so paging is stable), one page of them when ``limit`` is given."""
        kind = f.kind
        params: list = []
        where = self.where(f, params)
        direction = "DESC" if descending else "ASC"
        cols = "*" if columns is None else ", ".join(q(c) for c in
                                                     dict.fromkeys(["id", *columns]))
        base = f"SELECT {cols} FROM {q(kind.name)} WHERE {where}"
        # The filled and the empty part are read as two index-ordered segments (an ORDER BY on
        # "col IS NULL" would sort the whole table for every page).
        if sort in NOT_NULL:
            return self._rows(f"{base} ORDER BY {q(sort)} {direction}, id {direction}", params,
                              limit, offset)
        filled = f"{base} AND {q(sort)} IS NOT NULL ORDER BY {q(sort)} {direction}, " \
                 f"id {direction}"
        empty = f"{base} AND {q(sort)} IS NULL ORDER BY id {direction}"
        if limit is None:
            return self._rows(filled, params) + self._rows(empty, params)

        def filled_count() -> int:  # all minus empty: two index reads ("IS NOT NULL" scans)
            return self.count(f) - self._scalar(
                f"SELECT count(*) FROM {q(kind.name)} WHERE {where} AND {q(sort)} IS NULL",
                params)

        # Only a page past the filled rows needs to know where they end (a partial page
        # tells); a deep page asks first, so that a page of empty values does not skip every
        # filled row to find none (the last page of 1,000,000: 13 ms instead of 160 ms).
        n_filled = filled_count() if offset >= DEEP_PAGE else None
        rows = [] if n_filled is not None and offset >= n_filled else \
            self._rows(filled, params, limit, offset)
        if len(rows) < limit:
            if n_filled is None:
                n_filled = offset + len(rows) if rows else filled_count()
            rows += self._rows(empty, params, limit - len(rows), max(0, offset - n_filled))
        return rows

    def count(self, f: Filter) -> int:
        table = q(f.kind.name)
        if not (f.trash or f.statuses or f.overdue_on or f.levels is not None
                or f.words is not None or f.where or f.any_of):
            # Every live record (a page's table unfiltered): every row less the trash, two
            # index reads (1,000,000 rows: 12 ms; the planner may scan the table instead: 125 ms)
            return self._scalar(f"SELECT count(*) FROM {table}") - self._scalar(
                f"SELECT count(*) FROM {table} WHERE deleted_at IS NOT NULL")
        if f.words is not None and not (f.trash or f.statuses or f.overdue_on or f.where
                                        or f.any_of or f.levels is not None):
            # a table's text filter alone: counted in the search index (live_kind_counts)
            found = live_kind_counts(f.words, f.kind.name, self._scalar(
                f"SELECT max(id) FROM {table}"))
            if found is not None and self._execute(*found[1]).fetchone() is None:
                return self._scalar(*found[0])
        params: list = []
        where = self.where(f, params)
        return self._scalar(f"SELECT count(*) FROM {table} WHERE {where}", params)

    def total(self, f: Filter, field: str) -> int:
        """The sum of an integer field over a filter's records (0 when there are none)."""
        params: list = []
        where = self.where(f, params)
        return self._scalar(f"SELECT sum({q(field)}) FROM {q(f.kind.name)} WHERE {where}",
                            params) or 0

    def count_by(self, f: Filter, field: str) -> dict[Any, int]:
        params: list = []
        where = self.where(f, params)
        table = q(f.kind.name)
        if f.overdue_on is not None:
            return self._overdue_count_by(table, where, params, f.kind, field)
        return dict(self._execute(
            f"SELECT {q(field)}, count(*) FROM {table} WHERE {where} GROUP BY {q(field)}",
            params).fetchall())

    def _overdue_count_by(self, table: str, where: str, params: list, kind: Kind,
                          field: str) -> dict[Any, int]:
        """Overdue records (the dashboard's overdue by status) are found along the due date's
        index, which holds the status too: SQLite reads that index alone, not the status index
        with a look-up of each row (1,000,000 road-map items: 973 ms). A field with declared
        choices is counted in that one pass, a sum a choice (68 ms instead of 95 ms grouped
        through a temporary B-tree); a value outside them, never written by the app, makes it
        group instead."""
        col = q(field)
        choices = [v for v, _label in kind.field(field).choices] if kind.has_field(field) else []
        if choices:
            sums = ", ".join(f"sum({col} = ?)" for _c in choices)
            total, *each = self._execute(f"SELECT count(*), {sums} FROM {table} WHERE {where}",
                                         [*choices, *params]).fetchone()
            if sum(n or 0 for n in each) == total:
                return {c: n for c, n in zip(choices, each, strict=True) if n}
        return dict(self._execute(f"SELECT {col}, count(*) FROM {table} WHERE {where} "
                                  f"GROUP BY +{col}", params).fetchall())

    def first(self, f: Filter, *, order: list[tuple[str, bool]], columns: list[str],
              limit: int | None = None) -> list[dict]:
        """The first ``limit`` records of a filter in ``order`` ((field, descending) pairs): for
        the dashboard's lists, read along the first field's index."""
        return self._rows(*self._first_sql(f, order, columns, limit))

    def tuples(self, f: Filter, *, order: list[tuple[str, bool]], columns: list[str]
               ) -> list[tuple]:
        return self._execute(*self._first_sql(f, order, columns, None)).fetchall()

    def _first_sql(self, f: Filter, order: list[tuple[str, bool]], columns: list[str],
                   limit: int | None) -> tuple[str, list]:
        params: list = []
        walk = bool(order) and order[0][0] != "id"
        where = self.where(f, params, walk=walk)
        by = ", ".join(f"{c} DESC" if desc else c for c, desc in order)
        by = f" ORDER BY {by}" if by else ""  # (no order: the engine reads as it finds best)
        cap = "" if limit is None else f" LIMIT {int(limit)}"
        return (f"SELECT {', '.join(columns)} FROM {q(f.kind.name)} WHERE {where}{by}{cap}",
                params)

    def position(self, f: Filter, record_id: int, *, sort: str, descending: bool = False
                 ) -> int | None:
        """The 0-based row of ``record_id`` in ``select(f, sort=...)``, or None when the filter
        leaves it out (two counts)."""
        params: list = []
        where = self.where(f, params)
        table, col = q(f.kind.name), q(sort)
        row = self._execute(f"SELECT {col} FROM {table} WHERE {where} AND id = ?",
                            [*params, record_id]).fetchone()
        if row is None:
            return None
        value, cmp = row[0], (">" if descending else "<")

        def count(clause: str, *args) -> int:
            return self._scalar(f"SELECT count(*) FROM {table} WHERE {where} AND {clause}",
                                [*params, *args])

        if value is None:  # empty values come after every filled one, in id order
            return count(f"{col} IS NOT NULL") + count(f"{col} IS NULL AND id {cmp} ?",
                                                       record_id)
        return count(f"{col} IS NOT NULL AND ({col} {cmp} ? OR ({col} = ? AND id {cmp} ?))",
                     value, value, record_id)

    def row(self, kind: Kind, record_id: int, columns: list[str] | None = None) -> dict | None:
        """One record's stored columns (all, or ``columns``), trashed or not; None if absent."""
        cols = "*" if columns is None else ", ".join(q(c) for c in columns)
        try:
            cur = self._execute(f"SELECT {cols} FROM {q(kind.name)} WHERE id = ?", (record_id,))
        except OverflowError:  # an id beyond SQLite's integers: no such record
            return None
        found = cur.fetchone()
        return None if found is None else dict(zip([d[0] for d in cur.description], found))

    def id_of_uid(self, kind: Kind, uid: str) -> int | None:
        found = self._execute(f"SELECT id FROM {q(kind.name)} WHERE uid = ?", (uid,)).fetchone()
        return found[0] if found else None

    def uids(self, kind: Kind) -> dict[int, str]:
        """id -> uid of every record of a kind (the trash included)."""
        return dict(self._execute(f"SELECT id, uid FROM {q(kind.name)}"))

    def exists(self, kind: Kind, record_id: Any) -> bool:
        try:
            return self._execute(f"SELECT 1 FROM {q(kind.name)} WHERE id = ?",
                                 (record_id,)).fetchone() is not None
        except OverflowError:
            return False

    def link_ids(self, kind: Kind, field: str, record_id: int) -> list[int]:
        target = kind.field(field).target
        return [r[0] for r in self._execute(
            f"SELECT [{target}_id] FROM [{kind.name}_{field}] WHERE [{kind.name}_id] = ? "
            f"ORDER BY 1", (record_id,))]

    def linking(self, kind: Kind, field: str, target_id: int) -> list[tuple[int, str]]:
        """Live records of ``kind`` whose link (or link list) ``field`` holds ``target_id``."""
        f = kind.field(field)
        if f.type == LINK:
            return self._execute(
                f"SELECT id, title FROM {q(kind.name)} WHERE {q(field)} = ? "
                "AND deleted_at IS NULL", (target_id,)).fetchall()
        return self._execute(
            f"SELECT k.id, k.title FROM [{kind.name}_{field}] j JOIN {q(kind.name)} k "
            f"ON k.id = j.[{kind.name}_id] WHERE j.[{f.target}_id] = ? AND k.deleted_at IS NULL",
            (target_id,)).fetchall()

    def citations(self, kind: Kind, record_id: int) -> list[dict]:
        """The sources behind a record: ``[{source_id, source, quote}]`` in the order added."""
        return [
            {"source_id": sid, "source": title, "quote": quote}
            for sid, title, quote in self._execute(
                "SELECT c.source_id, s.title, c.quote FROM citations c "
                "JOIN sources s ON s.id = c.source_id WHERE c.kind = ? AND c.record_id = ? "
                "ORDER BY c.position, c.id", (kind.name, record_id))
        ]

    def reports(self, kind: Kind, record_id: int) -> list[dict]:
        return [{"reported_on": day, "progress": progress, "done": done, "side": side,
                 "source_id": sid, "quote": quote or None}
                for day, progress, done, side, sid, quote in self._execute(
                    "SELECT reported_on, progress, done, side, source_id, quote FROM reports "
                    "WHERE kind = ? AND record_id = ? ORDER BY position, id",
                    (kind.name, record_id))]

    def citing(self, source_id: int) -> list[tuple[str, int]]:
        """(kind, record id) of every record citing a source."""
        return self._execute("SELECT DISTINCT kind, record_id FROM citations WHERE source_id = ?",
                             (source_id,)).fetchall()

    def titles(self, kind: Kind, ids: list[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update(self._execute(
                f"SELECT id, title FROM {q(kind.name)} WHERE id IN "
                f"({', '.join('?' for _x in chunk)})", chunk).fetchall())
        return out

    def titled(self, kind: Kind, title: str, limit: int) -> list[tuple[int, str]]:
        """Live records titled exactly ``title`` (through the title index)."""
        return self._execute(
            f"SELECT id, title FROM {q(kind.name)} WHERE deleted_at IS NULL AND title = ? "
            "ORDER BY id LIMIT ?", (title, limit)).fetchall()

    def matching_titles(self, kind: Kind, words: list[str]) -> Iterator[tuple[int, str]]:
        """(id, title) of live records holding every word (prefixes), in no particular order."""
        expr = match_expression(" ".join(words), [kind.name])
        if expr is None:
            return iter(())
        return iter(self._execute(
            f"SELECT k.id, k.title FROM search JOIN {q(kind.name)} k "
            "ON k.id = search.record_id WHERE search MATCH ? AND k.deleted_at IS NULL", (expr,)))

    def settings(self) -> dict[str, str | None]:
        return dict(self._execute("SELECT key, value FROM settings").fetchall())

    def setting(self, key: str) -> str | None:
        found = self._execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return found[0] if found else None

    def presets(self) -> dict[str, str]:
        """name -> the options as JSON text, by name."""
        return dict(self._execute("SELECT name, options FROM presets ORDER BY name").fetchall())
