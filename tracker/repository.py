"""The one way in to the data: reads, validated writes, audit, trash, undo and search.

Every write is one ``BEGIN IMMEDIATE`` transaction that also writes its audit entry. Updates carry
the version the caller loaded; a stale version raises :class:`ConflictError` and overwrites nothing.
Writes return a :class:`Change` saying what changed, so windows refresh only that.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import db as _db
from .errors import TrackerError
from .i18n import _
from .records import (
    CLASSIFICATION_RANK,
    KIND_ORDER,
    KINDS,
    LINK,
    LINKS,
    OVERDUE,
    Kind,
    get_kind,
    has_due_date,
    is_overdue,
    normalize,
    validate,
)
from .search import fold, match_expression, quote_in

SETTING_KEYS = ("home_country", "partner_country", "relationship_title")


# --- errors ---------------------------------------------------------------------------------------

class NotFound(TrackerError):
    def __init__(self, kind: str, record_id: Any):
        self.kind, self.record_id = kind, record_id
        super().__init__(_("{kind} {id}: no such record").format(kind=kind, id=record_id))


class ValidationError(TrackerError):
    """Problems per field; the message names the kind, the record and every field."""

    def __init__(self, kind: str, record: str, problems: dict[str, str]):
        self.kind, self.record, self.problems = kind, record, dict(problems)
        detail = "; ".join(f"{name}: {msg}" for name, msg in problems.items())
        message = _("{kind} {record}: {detail}").format(kind=kind, record=record, detail=detail)
        # input names may hold lone surrogates (JSON "\ud800"): keep the message printable
        super().__init__(message.encode("utf-8", "replace").decode("utf-8"))


class ConflictError(TrackerError):
    """The record changed since the caller loaded it; ``current`` is the record as it is now."""

    def __init__(self, kind: str, record_id: int, expected: int | None, current: dict | None):
        self.kind, self.record_id, self.expected, self.current = kind, record_id, expected, current
        super().__init__(_(
            "{kind} {id} was changed by {who} at {when} since you opened it; "
            "reload it before saving").format(
                kind=kind, id=record_id, who=(current or {}).get("updated_by") or "?",
                when=(current or {}).get("updated_at") or "?"))


class ReadOnlyError(TrackerError):
    def __init__(self, path, reason: str | None = None):
        message = _("{path} is open read-only; changes cannot be saved").format(path=path)
        super().__init__(f"{message}: {reason}" if reason else message)


class StorageError(TrackerError):
    """The disk refused the write (full, I/O error); nothing was written, retrying is safe."""


class NothingToUndo(TrackerError):
    pass


# --- results --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """What one write changed."""
    kind: str
    record_id: int | None
    action: str  # create, update, delete, restore, undo, redo, import, settings, preset
    label: str = ""
    record: dict | None = None
    kinds: frozenset[str] = frozenset()  # every kind touched (imports touch many)


@dataclass
class _UndoStep:
    label: str
    kind: str
    record_id: int
    before: dict | None  # None: the record did not exist (create)
    after: dict
    version_after: int  # the record's version while it is in the ``after`` state (undo checks it)
    version_before: int = 0  # its version while in the ``before`` state after an undo (redo checks)


@dataclass
class SearchHit:
    kind: str
    record_id: int
    title: str
    status: str
    snippet: str = ""


@dataclass
class Page:
    rows: list[dict]
    total: int
    offset: int = 0


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _os_user() -> str:
    import getpass  # only here: a start-up that writes nothing does not pay for it

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in the environment
        return os.environ.get("USERNAME") or "unknown"


def _new_uid() -> str:
    import uuid  # imported on the first new record: ~2 ms a read-only start-up does not need

    return str(uuid.uuid4())


def _q(name: str) -> str:
    return f"[{name}]"


# --- the repository -------------------------------------------------------------------------------

class Repository:
    """A session on one database file."""

    def __init__(self, path: str | os.PathLike, *, create: bool = True, read_only: bool = False,
                 user: str | None = None, seed: bool = False, background_check: bool = False):
        """``background_check=True`` (the GUI): a file that can be read without writing to it
        opens at once and its integrity check runs in a thread; every write waits for that
        check and is refused if it failed, so a damaged file is still never written to."""
        self.path = Path(path).expanduser()
        # A zero-byte file is one we created and never got to fill (e.g. a crash on first run).
        is_new = not self.path.exists() or self.path.stat().st_size == 0
        self.warnings: list[str] = []  # read-only reason, network share: show these to the user
        self._check_thread: threading.Thread | None = None
        self._check_error: Exception | None = None
        self.damage: str | None = None  # what the background integrity check found
        deferred = background_check and not is_new and not read_only and _db.can_defer_check(
            self.path)
        self.conn, self.read_only = _db.connect(self.path, create=create, read_only=read_only,
                                                warnings=self.warnings, defer_check=deferred)
        # Why the file cannot be changed (newer version, full disk, permissions), if it opened
        # read-only by itself; a read-only session the caller asked for has no reason to give.
        self.read_only_reason: str | None = (
            self.warnings[0] if self.read_only and not read_only and self.warnings else None)
        # The file the connection has open: a write is acknowledged only while the path still
        # names it (a deleted or moved folder leaves the connection writing an unlinked file).
        self._identity = _db.file_identity(self.path)
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
        self._user = user or None  # the OS user name is read on the first write
        # Told (once per holder) when a write waits for another program's long write (an
        # import) to end; None: such a write gives up after the busy timeout instead.
        self.on_wait: Callable[[str], None] | None = None
        self._undo: list[_UndoStep] = []
        self._redo: list[_UndoStep] = []
        self.changed = False  # any write in this session (backups on exit look at it)
        if not self.read_only:
            _db.migrate(self.conn)
            if seed and is_new:
                from .seed import seed as _seed

                _seed(self)
        elif is_new:
            self.conn.close()
            raise ReadOnlyError(self.path, self.read_only_reason)

    # -- plumbing -----------------------------------------------------------------------------

    def _run_check(self) -> None:
        try:
            _db.check_file(self.path)
        except _db.DamagedDatabase as exc:
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
        """True while the background integrity check is still running."""
        return self._check_thread is not None and self._check_thread.is_alive()

    def close(self) -> None:
        damaged = self.verify() is not None
        try:
            if not self.read_only and not damaged:
                self.conn.execute("PRAGMA optimize")
        except sqlite3.Error:
            pass
        self.conn.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def user(self) -> str:
        """Who the audit names: the ``user`` given, else the operating-system user."""
        if self._user is None:
            self._user = _os_user()
        return self._user

    @user.setter
    def user(self, value: str | None) -> None:
        self._user = value or None

    @contextmanager
    def transaction(self, *, activity: str | None = None) -> Iterator[sqlite3.Connection]:
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
        note = _write_note(self.path, self.user, activity) if activity else None
        try:
            self._begin()
            try:
                yield self.conn
                self._still_there()
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.OperationalError) and _is_storage_error(exc):
                    raise StorageError(_("the change was not saved: {error}").format(
                        error=exc)) from None
                raise
        finally:
            if note is not None:
                note.unlink(missing_ok=True)
        self.changed = True

    def _begin(self) -> None:
        """``BEGIN IMMEDIATE``, waiting while another program writes. When that program said what
        it is doing (a long import leaves a note beside the file), ``on_wait`` is told once and
        the wait lasts as long as that goes on (the CLI prints it; Ctrl+C gives up); otherwise, or
        without ``on_wait``, the wait ends after the busy timeout with a message saying who holds
        the file, if known. Nothing is written until the lock is ours."""
        import time

        timeout = self.conn.execute("PRAGMA busy_timeout").fetchone()[0]
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
        now = _db.file_identity(self.path)
        if now is None or now != self._identity:
            raise StorageError(self.gone_message())

    def gone_message(self) -> str:
        return _(
            "the change was not saved: {path} is no longer there (the file or its folder was "
            "deleted, moved or replaced while it was open), so nothing can be saved into it. "
            "Put it back, or copy your text and open the file where it is now."
        ).format(path=self.path)

    def file_gone(self) -> bool:
        """True when the path no longer names the file this session has open."""
        return _db.file_identity(self.path) != self._identity

    def data_version(self) -> int:
        """Changes when another connection commits (cheap; poll it to notice outside writes)."""
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def last_audit_id(self) -> int:
        row = self.conn.execute("SELECT max(id) FROM audit").fetchone()
        return row[0] or 0

    # -- settings -----------------------------------------------------------------------------

    def settings(self) -> dict[str, str]:
        values = {k: "" for k in SETTING_KEYS}
        for key, value in self.conn.execute("SELECT key, value FROM settings"):
            values[key] = value or ""
        return values

    def setting(self, key: str, default: str = "") -> str:
        row = self.conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row and row[0] is not None else default

    def set_settings(self, values: dict[str, str]) -> Change:
        before = self.settings()
        with self.transaction() as conn:
            for key, value in values.items():
                conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) "
                             "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                             (key, "" if value is None else str(value)))
            self._audit("settings", None, None, "settings", _("Change settings"), before,
                        self._settings_in(conn))
        return Change("settings", None, "settings", _("Change settings"))

    def _settings_in(self, conn) -> dict:
        return {k: v for k, v in conn.execute("SELECT key, value FROM settings")}

    def sides(self) -> tuple[str, str]:
        s = self.settings()
        return s.get("home_country", ""), s.get("partner_country", "")

    # -- reads --------------------------------------------------------------------------------

    def _where(self, kind: Kind, *, search: str | None, status: str | Iterable | None,
               trash: bool, max_classification: str | None, params: list) -> str:
        clauses = ["deleted_at IS NOT NULL" if trash else "deleted_at IS NULL"]
        if status == OVERDUE and has_due_date(kind):
            # Derived, never stored: the due date has passed and the item is still open.
            clauses.append("due_date IS NOT NULL AND due_date < ? AND status NOT IN "
                           "('done', 'cancelled')")
            params.append(_dt.date.today().isoformat())
        elif status:
            statuses = [status] if isinstance(status, str) else list(status)
            clauses.append(f"status IN ({', '.join('?' for _s in statuses)})")
            params.extend(statuses)
        if max_classification:
            allowed = [c for c, r in CLASSIFICATION_RANK.items()
                       if r <= CLASSIFICATION_RANK.get(max_classification, 1)]
            clauses.append(f"classification IN ({', '.join('?' for _c in allowed)})")
            params.extend(allowed)
        if search is not None and search.strip():
            expr = match_expression(search, [kind.name])
            if expr is None:
                clauses.append("0")
            else:
                clauses.append("id IN (SELECT record_id FROM search WHERE search MATCH ?)")
                params.append(expr)
        return " AND ".join(clauses)

    def list(self, kind_name: str, *, search: str | None = None, status: str | None = None,
             sort: str | None = None, descending: bool = False, limit: int | None = None,
             offset: int = 0, trash: bool = False, max_classification: str | None = None,
             columns: list[str] | None = None, with_links: bool = False) -> list[dict]:
        """Records of one kind, filtered, sorted and paged in SQL."""
        kind = get_kind(kind_name)
        params: list = []
        where = self._where(kind, search=search, status=status, trash=trash,
                            max_classification=max_classification, params=params)
        sort = _sort_field(kind, sort)
        direction = "DESC" if descending else "ASC"
        cols = "*" if columns is None else ", ".join(_q(c) for c in
                                                     dict.fromkeys(["id", *columns]))
        base = f"SELECT {cols} FROM {_q(kind.name)} WHERE {where}"
        # id breaks ties so paging is stable. Empty values sort last in either direction: the
        # filled and the empty part are read as two index-ordered segments (an ORDER BY on
        # "col IS NULL" would sort the whole table for every page).
        if sort in _NOT_NULL:
            rows = self._rows(f"{base} ORDER BY {_q(sort)} {direction}, id {direction}", params,
                              limit, offset)
        else:
            filled = f"{base} AND {_q(sort)} IS NOT NULL ORDER BY {_q(sort)} {direction}, " \
                     f"id {direction}"
            empty = f"{base} AND {_q(sort)} IS NULL ORDER BY id {direction}"
            if limit is None:
                rows = self._rows(filled, params) + self._rows(empty, params)
            else:
                # Only a page past the filled rows needs to know where they end (a partial page
                # tells); all minus empty is two index lookups, "IS NOT NULL" a 30 ms scan.
                rows = self._rows(filled, params, limit, offset)
                if len(rows) < limit:
                    n_filled = offset + len(rows) if rows else sum(
                        sign * self.conn.execute(f"SELECT count(*) FROM {_q(kind.name)} WHERE "
                                                 f"{where}{extra}", params).fetchone()[0]
                        for sign, extra in ((1, ""), (-1, f" AND {_q(sort)} IS NULL")))
                    rows += self._rows(empty, params, limit - len(rows),
                                       max(0, offset - n_filled))
        if with_links:
            for row in rows:
                self._attach_links(kind, row)
        return rows

    def _rows(self, sql: str, params: list, limit: int | None = None, offset: int = 0
              ) -> list[dict]:
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            params = [*params, int(limit), int(offset)]
        cur = self.conn.execute(sql, params)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def count(self, kind_name: str, *, search: str | None = None, status: str | None = None,
              trash: bool = False, max_classification: str | None = None) -> int:
        kind = get_kind(kind_name)
        params: list = []
        where = self._where(kind, search=search, status=status, trash=trash,
                            max_classification=max_classification, params=params)
        return self.conn.execute(f"SELECT count(*) FROM {_q(kind.name)} WHERE {where}",
                                 params).fetchone()[0]

    def position(self, kind_name: str, record_id: int, *, search: str | None = None,
                 status: str | None = None, sort: str | None = None, descending: bool = False,
                 trash: bool = False, max_classification: str | None = None) -> int | None:
        """The 0-based row of ``record_id`` in ``list()`` called with the same arguments, or
        None when the filters leave it out (two counts; the GUI keeps a selection visible)."""
        kind = get_kind(kind_name)
        params: list = []
        where = self._where(kind, search=search, status=status, trash=trash,
                            max_classification=max_classification, params=params)
        sort = _sort_field(kind, sort)
        table, col = _q(kind.name), _q(sort)
        row = self.conn.execute(f"SELECT {col} FROM {table} WHERE {where} AND id = ?",
                                [*params, record_id]).fetchone()
        if row is None:
            return None
        value, cmp = row[0], (">" if descending else "<")

        def count(clause: str, *args) -> int:
            return self.conn.execute(f"SELECT count(*) FROM {table} WHERE {where} AND {clause}",
                                     [*params, *args]).fetchone()[0]

        if value is None:  # empty values come after every filled one, in id order
            return count(f"{col} IS NOT NULL") + count(f"{col} IS NULL AND id {cmp} ?",
                                                       record_id)
        return count(f"{col} IS NOT NULL AND ({col} {cmp} ? OR ({col} = ? AND id {cmp} ?))",
                     value, value, record_id)

    def ids(self, kind_name: str, **filters) -> list[int]:
        return [row["id"] for row in self.list(kind_name, columns=["id"], **filters)]

    def get(self, kind_name: str, record_id: int, *, include_deleted: bool = True) -> dict:
        kind = get_kind(kind_name)
        try:
            cur = self.conn.execute(f"SELECT * FROM {_q(kind.name)} WHERE id = ?", (record_id,))
        except OverflowError:  # an id beyond SQLite's integers: no such record
            raise NotFound(kind.name, record_id) from None
        row = cur.fetchone()
        if row is None:
            raise NotFound(kind.name, record_id)
        record = dict(zip([d[0] for d in cur.description], row))
        if record["deleted_at"] and not include_deleted:
            raise NotFound(kind.name, record_id)
        self._attach_links(kind, record)
        return record

    def get_by_uid(self, kind_name: str, uid: str) -> dict | None:
        kind = get_kind(kind_name)
        row = self.conn.execute(f"SELECT id FROM {_q(kind.name)} WHERE uid = ?", (uid,)).fetchone()
        return self.get(kind.name, row[0]) if row else None

    def _attach_links(self, kind: Kind, record: dict) -> None:
        for f in kind.link_lists:
            record[f.name] = [r[0] for r in self.conn.execute(
                f"SELECT [{f.target}_id] FROM [{kind.name}_{f.name}] WHERE [{kind.name}_id] = ? "
                f"ORDER BY 1", (record["id"],))]
        record["citations"] = self.citations(kind.name, record["id"])

    def citations(self, kind_name: str, record_id: int) -> list[dict]:
        """The sources behind a record: ``[{source_id, source, quote}]`` in the order added."""
        return [
            {"source_id": sid, "source": title, "quote": quote}
            for sid, title, quote in self.conn.execute(
                "SELECT c.source_id, s.title, c.quote FROM citations c "
                "JOIN sources s ON s.id = c.source_id WHERE c.kind = ? AND c.record_id = ? "
                "ORDER BY c.position, c.id", (kind_name, record_id))
        ]

    def titles(self, kind_name: str, ids: list[int]) -> dict[int, str]:
        kind = get_kind(kind_name)
        if not ids:
            return {}
        out: dict[int, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update(self.conn.execute(
                f"SELECT id, title FROM {_q(kind.name)} WHERE id IN "
                f"({', '.join('?' for _x in chunk)})", chunk).fetchall())
        return out

    def same_title(self, kind_name: str, title: str, *, exclude_id: int | None = None,
                   limit: int = 5) -> list[tuple[int, str]]:
        """Live records of the kind titled ``title`` up to case, ё/е and spacing: (id, title).
        For a warning before a duplicate is created, never a refusal."""
        kind = get_kind(kind_name)
        key = " ".join(fold(title or "").split())
        if not key:
            return []
        rows = self.conn.execute(  # the exact title, through the title index
            f"SELECT id, title FROM {_q(kind.name)} WHERE deleted_at IS NULL AND title = ? "
            "ORDER BY id LIMIT ?", (title.strip(), limit + 1)).fetchall()
        found = {rid: t for rid, t in rows}
        # the same words in another case or with ё: every live record holding all the words
        # (a common short title such as "Talks" may match tens of thousands: ~0.1 s at 100k)
        expr = match_expression(title, [kind.name])
        if expr is not None:
            for rid, t in self.conn.execute(
                    f"SELECT k.id, k.title FROM search JOIN {_q(kind.name)} k "
                    "ON k.id = search.record_id WHERE search MATCH ? "
                    "AND k.deleted_at IS NULL", (expr,)):
                if rid not in found and " ".join(fold(t or "").split()) == key:
                    found[rid] = t
        same = [(rid, t) for rid, t in sorted(found.items())
                if rid != exclude_id and " ".join(fold(t or "").split()) == key]
        return same[:limit]

    def choices_for_link(self, target: str, search: str | None = None, limit: int = 200
                         ) -> list[tuple[int, str]]:
        """(id, title) pairs a link field may point at (not trashed), for pickers."""
        rows = self.list(target, search=search, sort="title", limit=limit, columns=["title"])
        return [(r["id"], r["title"]) for r in rows]

    def linked_from(self, kind_name: str, record_id: int) -> list[tuple[str, int, str]]:
        """Records that link to this one: (kind, id, title)."""
        out = []
        for kind in KINDS.values():
            for f in kind.fields:
                if f.target != kind_name:
                    continue
                if f.type == LINK:
                    rows = self.conn.execute(
                        f"SELECT id, title FROM {_q(kind.name)} WHERE {_q(f.name)} = ? "
                        "AND deleted_at IS NULL", (record_id,)).fetchall()
                else:
                    rows = self.conn.execute(
                        f"SELECT k.id, k.title FROM [{kind.name}_{f.name}] j JOIN "
                        f"{_q(kind.name)} k ON k.id = j.[{kind.name}_id] WHERE "
                        f"j.[{f.target}_id] = ? AND k.deleted_at IS NULL", (record_id,)
                    ).fetchall()
                out.extend((kind.name, rid, title) for rid, title in rows)
        if kind_name == "sources":
            for k, rid in self.conn.execute(
                    "SELECT DISTINCT kind, record_id FROM citations WHERE source_id = ?",
                    (record_id,)).fetchall():
                try:
                    out.append((k, rid, self.get(k, rid)["title"]))
                except (NotFound, TrackerError):
                    continue
        return out

    # -- search -------------------------------------------------------------------------------

    def search(self, text: str, *, limit: int = 50, kinds: list[str] | None = None
               ) -> list[SearchHit]:
        """Ranked full-text search across kinds; any text is safe and never raises."""
        kinds = [get_kind(k).name for k in kinds] if kinds else None
        expr = match_expression(text, kinds)
        if expr is None:
            return []
        rows = self.conn.execute(
            "SELECT kind, record_id FROM search WHERE search MATCH ? ORDER BY rank LIMIT ?",
            [expr, limit * 4]).fetchall()
        hits: list[SearchHit] = []
        words = [w for w in fold(text).split() if w]
        for kind_name, rid in rows:
            if kind_name not in KINDS:
                continue
            row = self.conn.execute(
                f"SELECT title, status, deleted_at FROM {_q(kind_name)} WHERE id = ?",
                (rid,)).fetchone()
            if row is None or row[2] is not None:
                continue
            hits.append(SearchHit(kind_name, rid, row[0], row[1],
                                  self._snippet(kind_name, rid, words)))
            if len(hits) >= limit:
                break
        order = {k: i for i, k in enumerate(KIND_ORDER)}
        hits.sort(key=lambda h: order.get(h.kind, 99))  # stable: rank order within a kind
        return hits

    def _snippet(self, kind_name: str, rid: int, words: list[str]) -> str:
        """A line of the record's own text around the first word found (not the folded index):
        its other fields first; the title when only the title has it (a long title is cut short
        where it is listed)."""
        kind = get_kind(kind_name)
        cols = [f.name for f in kind.searchable_fields if f.name != "title"]
        row = self.conn.execute(
            f"SELECT {', '.join(_q(c) for c in ['title', *cols])} FROM {_q(kind_name)} "
            "WHERE id = ?", (rid,)).fetchone() or ("",)
        title = " ".join(str(row[0] or "").split())
        text = " ".join(" ".join(str(v).split()) for v in row[1:] if v)

        def around(line: str) -> str | None:
            folded = fold(line)
            for w in words:
                pos = folded.find(w[:20])
                if pos >= 0:
                    start = max(0, pos - 40)
                    if start and (space := line.find(" ", start, pos)) >= 0:
                        start = space + 1  # from the beginning of a word
                    end = start + 140
                    if end < len(line) and (space := line.rfind(" ", pos, end)) > pos:
                        end = space  # to the end of one
                    return (("…" if start else "") + line[start:end]
                            + ("…" if end < len(line) else ""))
            return None

        found = around(text) if text else None
        if found is None and len(title) > 60:
            found = around(title)
        if found is not None:
            return found
        return text[:140] + ("…" if len(text) > 140 else "")

    def _index(self, conn, kind: Kind, record_id: int, record: dict | None, *,
               new: bool = False) -> None:
        from .search import index_body, search_rowid

        rowid = search_rowid(kind.name, record_id)  # found at once (migration 0003)
        if rowid is not None:
            conn.execute("DELETE FROM search WHERE rowid = ?", (rowid,))
        elif not new:  # this DELETE scans the whole FTS table (record_id is UNINDEXED)
            conn.execute("DELETE FROM search WHERE kind = ? AND record_id = ?",
                         (kind.name, record_id))
        if record is not None:
            conn.execute("INSERT INTO search(rowid, kind, record_id, body) VALUES (?, ?, ?, ?)",
                         (rowid, kind.name, record_id, index_body(kind, record)))

    # -- validation ---------------------------------------------------------------------------

    def check(self, kind_name: str, values: dict[str, Any], *, record_id: int | None = None
              ) -> tuple[dict, dict[str, str]]:
        """Normalise and validate ``values`` as a whole record (merged over the stored one when
        ``record_id`` is given); returns ``(record, problems)`` and writes nothing."""
        kind = get_kind(kind_name)
        clean, problems = normalize(kind, {k: v for k, v in values.items()
                                           if k not in _IGNORED_INPUT})
        if record_id is not None:
            base = self.get(kind.name, record_id)
            merged = {f.name: base.get(f.name) for f in kind.fields}
        else:
            merged = kind.defaults()
        merged.update(clean)
        for name, message in validate(kind, merged).items():
            problems.setdefault(name, message)
        problems.update({k: v for k, v in self._link_problems(kind, merged).items()
                         if k not in problems})
        return merged, problems

    def _link_problems(self, kind: Kind, record: dict) -> dict[str, str]:
        problems = {}
        for f in kind.fields:
            if f.type == LINK and record.get(f.name) is not None:
                if not self._exists(f.target, record[f.name]):
                    problems[f.name] = _("no {kind} with id {id}").format(
                        kind=f.target, id=record[f.name])
            elif f.type == LINKS:
                missing = [i for i in record.get(f.name) or [] if not self._exists(f.target, i)]
                if missing:
                    problems[f.name] = _("no {kind} with id {ids}").format(
                        kind=f.target, ids=", ".join(map(str, missing)))
        return problems

    def _exists(self, kind_name: str, record_id: Any) -> bool:
        return self.conn.execute(f"SELECT 1 FROM {_q(kind_name)} WHERE id = ?",
                                 (record_id,)).fetchone() is not None

    # -- writes -------------------------------------------------------------------------------

    def create(self, kind_name: str, values: dict[str, Any], *,
               citations: list[dict] | None = None, uid: str | None = None,
               label: str | None = None) -> Change:
        kind = get_kind(kind_name)
        record, problems = self.check(kind.name, values)
        if problems:
            raise ValidationError(kind.name, _record_name(record), problems)
        problem = self.citation_problem(citations or [])
        if problem:
            raise ValidationError(kind.name, _record_name(record), {"citations": problem})
        label = label or _("New {kind}").format(kind=_(kind.label).lower())
        with self.transaction() as conn:
            rid = self._insert(conn, kind, record, uid=uid)
            if citations:
                self._set_citations(conn, kind, rid, citations)
            after = self._snapshot(kind, rid)
            self._audit(kind.name, rid, after["uid"], "create", label, None, after)
        self._push_undo(_UndoStep(label, kind.name, rid, None, after, after["version"]))
        return Change(kind.name, rid, "create", label, after, frozenset({kind.name}))

    def _insert(self, conn, kind: Kind, record: dict, *, uid: str | None = None,
                record_id: int | None = None, stamps: dict | None = None) -> int:
        now = _now()
        row = {f.name: record.get(f.name) for f in kind.stored_fields}
        row.update({
            "uid": uid or _new_uid(),
            "created_at": now, "updated_at": now,
            "created_by": self.user, "updated_by": self.user,
            "version": 1, "deleted_at": None,
        })
        if stamps:
            row.update({k: v for k, v in stamps.items() if v is not None})
        if record_id is not None:
            row["id"] = record_id
        cols = list(row)
        cur = conn.execute(
            f"INSERT INTO {_q(kind.name)} ({', '.join(_q(c) for c in cols)}) VALUES "
            f"({', '.join('?' for _c in cols)})", [row[c] for c in cols])
        rid = cur.lastrowid
        self._write_links(conn, kind, rid, record)
        self._index(conn, kind, rid, record, new=True)
        return rid

    def _write_links(self, conn, kind: Kind, rid: int, record: dict) -> None:
        for f in kind.link_lists:
            if f.name not in record:
                continue
            table = f"[{kind.name}_{f.name}]"
            conn.execute(f"DELETE FROM {table} WHERE [{kind.name}_id] = ?", (rid,))
            conn.executemany(
                f"INSERT INTO {table} ([{kind.name}_id], [{f.target}_id]) VALUES (?, ?)",
                [(rid, t) for t in sorted(set(record[f.name] or []))])

    def _set_citations(self, conn, kind: Kind, rid: int, citations: list[dict]) -> None:
        conn.execute("DELETE FROM citations WHERE kind = ? AND record_id = ?", (kind.name, rid))
        for pos, c in enumerate(citations):
            sid = c.get("source_id")
            if sid is None or not self._exists("sources", sid):
                raise ValidationError(kind.name, f"#{rid}", {
                    "citations": _("no source with id {id}").format(id=sid)})
            conn.execute(
                "INSERT INTO citations(kind, record_id, source_id, quote, position) "
                "VALUES (?, ?, ?, ?, ?)", (kind.name, rid, sid, str(c.get("quote") or ""), pos))

    def update(self, kind_name: str, record_id: int, values: dict[str, Any], *,
               expected_version: int | None, label: str | None = None) -> Change:
        """Change some fields; ``expected_version`` is the version the caller loaded (None only
        for tools that deliberately skip the check)."""
        kind = get_kind(kind_name)
        record, problems = self.check(kind.name, values, record_id=record_id)
        if problems:
            raise ValidationError(kind.name, _record_name(record, record_id), problems)
        label = label or _("Edit {kind}").format(kind=_(kind.label).lower())
        with self.transaction() as conn:
            before = self._snapshot(kind, record_id)
            self._check_version(kind, before, expected_version)
            if before["deleted_at"]:
                raise TrackerError(_("{kind} {id} is in the trash; restore it before editing")
                                   .format(kind=kind.name, id=record_id))
            after = self._write_state(conn, kind, record_id, record, before)
            self._audit(kind.name, record_id, before["uid"], "update", label, before, after)
        self._push_undo(_UndoStep(label, kind.name, record_id, before, after, after["version"]))
        return Change(kind.name, record_id, "update", label, after, frozenset({kind.name}))

    def set_citations(self, kind_name: str, record_id: int, citations: list[dict], *,
                      expected_version: int | None, label: str | None = None) -> Change:
        """Replace the sources behind a record (``[{source_id, quote}]``); audited and undoable."""
        kind = get_kind(kind_name)
        label = label or _("Edit sources of {kind}").format(kind=_(kind.label).lower())
        with self.transaction() as conn:
            before = self._snapshot(kind, record_id)
            self._check_version(kind, before, expected_version)
            problem = self.citation_problem(citations, keep=before["citations"])
            if problem:
                raise ValidationError(kind.name, _record_name(before, record_id),
                                      {"citations": problem})
            state = dict(before, citations=citations)
            after = self._write_state(conn, kind, record_id, state, before)
            self._audit(kind.name, record_id, before["uid"], "update", label, before, after)
        self._push_undo(_UndoStep(label, kind.name, record_id, before, after, after["version"]))
        return Change(kind.name, record_id, "update", label, after, frozenset({kind.name}))

    def citation_problem(self, citations: list, *, keep: list[dict] = ()) -> str | None:
        """Why ``citations`` (``[{source_id, quote}]``) cannot be recorded, or None. Each names a
        source that exists; its quote must occur in the source's text (``search.quote_in``:
        white space, quote marks, dashes and case aside) unless the source has no text stored
        or the quote is empty. Citations in ``keep`` (the record's own, recorded before this
        rule) pass as they are."""
        kept = {(c.get("source_id"), str(c.get("quote") or "")) for c in keep}
        for number, c in enumerate(citations, start=1):
            if not isinstance(c, dict):
                return _("source {n}: expected {{source_id, quote}}").format(n=number)
            sid, quote = c.get("source_id"), c.get("quote")
            if quote is not None and not isinstance(quote, str):
                return _("source {n}: the quote must be text").format(n=number)
            if (sid, quote or "") in kept:
                continue
            if isinstance(sid, bool) or not isinstance(sid, int) or not -(2**63) <= sid < 2**63:
                return _("no source with id {id}").format(id=str(sid)[:40])
            row = self.conn.execute("SELECT text FROM sources WHERE id = ?", (sid,)).fetchone()
            if row is None:
                return _("no source with id {id}").format(id=sid)
            problem = quote_problem(row[0], quote)
            if problem:
                return _("source {id}: {problem}").format(id=sid, problem=problem)
        return None

    def _check_version(self, kind: Kind, current: dict, expected: int | None) -> None:
        if expected is not None and current["version"] != expected:
            raise ConflictError(kind.name, current["id"], expected, current)

    def _write_state(self, conn, kind: Kind, rid: int, state: dict, before: dict, *,
                     deleted_at: Any = ...) -> dict:
        """Write stored fields, link lists and citations from ``state``; bump the version."""
        sets = {f.name: state.get(f.name) for f in kind.stored_fields}
        sets["updated_at"] = _now()
        sets["updated_by"] = self.user
        if deleted_at is not ...:
            sets["deleted_at"] = deleted_at
        cur = conn.execute(
            f"UPDATE {_q(kind.name)} SET {', '.join(f'{_q(c)} = ?' for c in sets)}, "
            "version = version + 1 WHERE id = ? AND version = ?",
            [*sets.values(), rid, before["version"]])
        if cur.rowcount != 1:
            raise ConflictError(kind.name, rid, before["version"], self._snapshot(kind, rid))
        self._write_links(conn, kind, rid, state)
        if "citations" in state and state["citations"] != before.get("citations"):
            self._set_citations(conn, kind, rid, state["citations"] or [])
        self._index(conn, kind, rid, state)
        return self._snapshot(kind, rid)

    def delete(self, kind_name: str, record_id: int, *, expected_version: int | None = None,
               label: str | None = None) -> Change:
        """Move a record to the trash (restorable)."""
        kind = get_kind(kind_name)
        label = label or _("Delete {kind}").format(kind=_(kind.label).lower())
        with self.transaction() as conn:
            before = self._snapshot(kind, record_id)
            self._check_version(kind, before, expected_version)
            if before["deleted_at"]:
                raise TrackerError(_("{kind} {id} is already in the trash").format(
                    kind=kind.name, id=record_id))
            after = self._write_state(conn, kind, record_id, before, before, deleted_at=_now())
            self._audit(kind.name, record_id, before["uid"], "delete", label, before, after)
        self._push_undo(_UndoStep(label, kind.name, record_id, before, after, after["version"]))
        return Change(kind.name, record_id, "delete", label, after, frozenset({kind.name}))

    def restore(self, kind_name: str, record_id: int, *, label: str | None = None) -> Change:
        """Bring a record back from the trash."""
        kind = get_kind(kind_name)
        label = label or _("Restore {kind}").format(kind=_(kind.label).lower())
        with self.transaction() as conn:
            before = self._snapshot(kind, record_id)
            if not before["deleted_at"]:
                raise TrackerError(_("{kind} {id} is not in the trash").format(
                    kind=kind.name, id=record_id))
            after = self._write_state(conn, kind, record_id, before, before, deleted_at=None)
            self._audit(kind.name, record_id, before["uid"], "restore", label, before, after)
        self._push_undo(_UndoStep(label, kind.name, record_id, before, after, after["version"]))
        return Change(kind.name, record_id, "restore", label, after, frozenset({kind.name}))

    def _snapshot(self, kind: Kind, rid: int) -> dict:
        return self.get(kind.name, rid)

    # -- undo / redo --------------------------------------------------------------------------

    def _push_undo(self, step: _UndoStep) -> None:
        self._undo.append(step)
        del self._undo[:-200]
        self._redo.clear()

    def undo_label(self) -> str | None:
        return self._undo[-1].label if self._undo else None

    def redo_label(self) -> str | None:
        return self._redo[-1].label if self._redo else None

    def undo(self) -> Change:
        """Undo this session's last change (itself an audited write). A record changed by someone
        else since raises :class:`ConflictError` and the step stays on the stack."""
        if not self._undo:
            raise NothingToUndo(_("nothing to undo"))
        step = self._undo[-1]
        change = self._apply_step(step, step.before, "undo", step.version_after)
        self._undo.pop()
        step.version_before = change.record["version"]
        self._redo.append(step)
        for older in reversed(self._undo):  # the step below now finds the record at this version
            if (older.kind, older.record_id) == (step.kind, step.record_id):
                older.version_after = step.version_before
                break
        return change

    def redo(self) -> Change:
        if not self._redo:
            raise NothingToUndo(_("nothing to redo"))
        step = self._redo[-1]
        change = self._apply_step(step, step.after, "redo", step.version_before)
        self._redo.pop()
        step.version_after = change.record["version"]
        self._undo.append(step)
        for newer in reversed(self._redo):
            if (newer.kind, newer.record_id) == (step.kind, step.record_id):
                newer.version_before = step.version_after
                break
        return change

    def _apply_step(self, step: _UndoStep, target: dict | None, action: str,
                    expected_version: int) -> Change:
        kind = get_kind(step.kind)
        label = (_("Undo {label}") if action == "undo" else _("Redo {label}")).format(
            label=step.label)
        with self.transaction() as conn:
            current = self._snapshot(kind, step.record_id)
            if current["version"] != expected_version:
                raise ConflictError(kind.name, step.record_id, expected_version, current)
            if target is None:  # undoing a create: the record goes to the trash, never lost
                after = self._write_state(conn, kind, step.record_id, current, current,
                                          deleted_at=_now())
            else:
                after = self._write_state(conn, kind, step.record_id, target, current,
                                          deleted_at=target.get("deleted_at"))
            self._audit(kind.name, step.record_id, current["uid"], action, label, current, after)
        return Change(kind.name, step.record_id, action, label, after, frozenset({kind.name}))

    # -- audit --------------------------------------------------------------------------------

    def _audit(self, kind: str, record_id, uid, action: str, label: str, before, after) -> None:
        self.conn.execute(
            "INSERT INTO audit(at, user, kind, record_id, record_uid, action, label, before, after)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (_now(), self.user, kind, record_id, uid, action, label,
             None if before is None else json.dumps(before, ensure_ascii=False, sort_keys=True),
             None if after is None else json.dumps(after, ensure_ascii=False, sort_keys=True)))

    def history(self, kind_name: str | None = None, record_id: int | None = None, *,
                limit: int = 200, offset: int = 0) -> list[dict]:
        """Audit entries, newest first, each with ``changes``: [(field, before, after)]."""
        clauses, params = [], []
        if kind_name:
            clauses.append("kind = ?")
            params.append(kind_name)
        if record_id is not None:
            clauses.append("record_id = ?")
            params.append(record_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        cur = self.conn.execute(
            f"SELECT id, at, user, kind, record_id, record_uid, action, label, before, after "
            f"FROM audit {where} ORDER BY id DESC LIMIT ? OFFSET ?", [*params, limit, offset])
        names = [d[0] for d in cur.description]
        out = []
        for row in cur.fetchall():
            entry = dict(zip(names, row))
            entry["before"] = json.loads(entry["before"]) if entry["before"] else None
            entry["after"] = json.loads(entry["after"]) if entry["after"] else None
            entry["changes"] = diff(entry["before"], entry["after"])
            out.append(entry)
        return out

    def history_count(self, kind_name: str | None = None, record_id: int | None = None) -> int:
        clauses, params = [], []
        if kind_name:
            clauses.append("kind = ?")
            params.append(kind_name)
        if record_id is not None:
            clauses.append("record_id = ?")
            params.append(record_id)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        return self.conn.execute(f"SELECT count(*) FROM audit {where}", params).fetchone()[0]

    # -- presets (briefing options) -----------------------------------------------------------

    def presets(self) -> dict[str, dict]:
        return {name: json.loads(options) for name, options in
                self.conn.execute("SELECT name, options FROM presets ORDER BY name")}

    def save_preset(self, name: str, options: dict) -> Change:
        name = " ".join(str(name).split())
        if not name or len(name) > 100:
            raise ValidationError("presets", repr(name), {"name": _(
                "a preset needs a name of 1 to 100 characters")})
        before = self.presets().get(name)
        with self.transaction() as conn:
            conn.execute("INSERT INTO presets(name, options, updated_at) VALUES (?, ?, ?) "
                         "ON CONFLICT(name) DO UPDATE SET options = excluded.options, "
                         "updated_at = excluded.updated_at",
                         (name, json.dumps(options, ensure_ascii=False, sort_keys=True), _now()))
            self._audit("presets", None, name, "preset", _("Save preset {name}").format(
                name=name), before, options)
        return Change("presets", None, "preset")

    def delete_preset(self, name: str) -> Change:
        before = self.presets().get(name)
        if before is None:
            raise NotFound("presets", name)
        with self.transaction() as conn:
            conn.execute("DELETE FROM presets WHERE name = ?", (name,))
            self._audit("presets", None, name, "preset", _("Delete preset {name}").format(
                name=name), before, None)
        return Change("presets", None, "preset")

    # -- figures (dashboard and briefing summary) ---------------------------------------------

    def figures(self, today: _dt.date | None = None, *, max_classification: str | None = None,
                horizon_days: int = 90, limit: int | None = None) -> dict[str, Any]:
        """The key figures, computed in SQL; the dashboard and the briefing both show these.

        ``limit`` caps the lists (overdue, deadlines, upcoming meetings); their full lengths are
        ``roadmap_overdue``, ``deadlines_total`` and ``upcoming_total`` either way (at 100k items
        the whole overdue list is ~35k rows and 0.3 s; counting it is 5 ms)."""
        today = today or _dt.date.today()
        t = today.isoformat()
        horizon = (today + _dt.timedelta(days=horizon_days)).isoformat()
        cls_params: list = []
        cls = ""
        if max_classification:
            allowed = [c for c, r in CLASSIFICATION_RANK.items()
                       if r <= CLASSIFICATION_RANK[max_classification]]
            cls = f" AND classification IN ({', '.join('?' for _c in allowed)})"
            cls_params = allowed
        live = "deleted_at IS NULL" + cls

        def scalar(sql: str, *params) -> int:
            return self.conn.execute(sql, [*params, *cls_params]).fetchone()[0] or 0

        def by_status(table: str) -> dict[str, int]:
            return dict(self.conn.execute(
                f"SELECT status, count(*) FROM {table} WHERE {live} GROUP BY status",
                cls_params).fetchall())

        roadmap = by_status("roadmap")
        cap = "" if limit is None else f" LIMIT {int(limit)}"

        def listed(columns: tuple[str, ...], where: str, order: str, params: list,
                   list_where: str | None = None) -> tuple[list[dict], int]:
            rows = [dict(zip(columns, r)) for r in self.conn.execute(
                f"SELECT {', '.join(columns)} {list_where or where} ORDER BY {order}{cap}",
                params).fetchall()]
            if limit is None or len(rows) < limit:
                return rows, len(rows)
            return rows, self.conn.execute(f"SELECT count(*) {where}", params).fetchone()[0]

        item = ("id", "title", "due_date", "status", "progress")
        overdue, n_overdue = listed(
            item, f"FROM roadmap WHERE {live} AND due_date IS NOT NULL AND due_date < ? AND "
                  "status NOT IN ('done', 'cancelled')", "due_date, id", [*cls_params, t])
        deadlines, n_deadlines = listed(
            item, f"FROM roadmap WHERE {live} AND due_date >= ? AND due_date <= ? AND status NOT "
                  "IN ('done', 'cancelled')", "due_date, id", [*cls_params, t, horizon])
        # "+status": the start-date index walks the dates in order and stops at the limit
        # (0.1 ms at 100k meetings); the status index would fetch every planned or held meeting
        # and sort them (13-17 ms). Counting is the other way round.
        meeting = ("id", "title", "start_date", "place", "status")
        upcoming, n_upcoming = listed(
            meeting, f"FROM meetings WHERE {live} AND status = 'planned' AND start_date >= ?",
            "start_date, id", [*cls_params, t],
            list_where=f"FROM meetings WHERE {live} AND +status = 'planned' AND start_date >= ?")
        recent_meetings = [dict(zip(meeting, r)) for r in self.conn.execute(
            f"SELECT {', '.join(meeting)} FROM meetings WHERE {live} AND +status = 'held' "
            "AND start_date IS NOT NULL ORDER BY start_date DESC, id DESC LIMIT 10",
            cls_params).fetchall()]
        if len(recent_meetings) < 10:  # then those held without a date, newest first
            recent_meetings += [dict(zip(meeting, r)) for r in self.conn.execute(
                f"SELECT {', '.join(meeting)} FROM meetings WHERE {live} AND status = 'held' "
                f"AND start_date IS NULL ORDER BY id DESC LIMIT {10 - len(recent_meetings)}",
                cls_params).fetchall()]
        return {
            "today": t,
            "agreements_in_force": scalar(
                f"SELECT count(*) FROM agreements WHERE status = 'in_force' AND {live}"),
            "agreements_total": scalar(f"SELECT count(*) FROM agreements WHERE {live}"),
            "plants_total": scalar(f"SELECT count(*) FROM plants WHERE {live}"),
            "plants_operating_sites": scalar(
                f"SELECT sum(count) FROM plants WHERE status = 'operating' AND {live}"),
            "plants_sites_total": scalar(f"SELECT sum(count) FROM plants WHERE {live}"),
            "farms_total": scalar(f"SELECT count(*) FROM farms WHERE {live}"),
            "farms_by_status": by_status("farms"),
            "roadmap_by_status": roadmap,
            "roadmap_total": sum(roadmap.values()),
            "roadmap_done": roadmap.get("done", 0),
            "roadmap_in_progress": roadmap.get("in_progress", 0),
            "roadmap_planned": roadmap.get("planned", 0),
            "roadmap_overdue": n_overdue,
            "overdue": overdue,
            "deadlines": deadlines,
            "deadlines_total": n_deadlines,
            "upcoming_meetings": upcoming,
            "upcoming_total": n_upcoming,
            "next_meeting": upcoming[0] if upcoming else None,
            "recent_meetings": recent_meetings,
            "meetings_total": scalar(f"SELECT count(*) FROM meetings WHERE {live}"),
            "people_total": scalar(f"SELECT count(*) FROM people WHERE {live}"),
            "sources_total": scalar(f"SELECT count(*) FROM sources WHERE {live}"),
        }

    def overdue(self, record: dict, today: _dt.date | None = None) -> bool:
        return is_overdue(record, today)

    def totals(self) -> dict[str, int]:
        return {k: self.count(k) for k in KIND_ORDER}


_NOT_NULL = {"id", "title", "status", "classification", "created_at", "updated_at"}
_IGNORED_INPUT = {"id", "uid", "created_at", "updated_at", "created_by", "updated_by", "version",
                  "deleted_at", "citations", "sources", "overdue"}

def _sort_field(kind: Kind, sort: str | None) -> str:
    """The column to sort by (the kind's default if none), refusing anything not declared."""
    sort = sort or kind.default_sort
    if sort not in kind.sortable:
        raise TrackerError(_("cannot sort {kind} by {field!r}").format(kind=kind.name, field=sort))
    return sort


def _record_name(record: dict, record_id: int | None = None) -> str:
    title = record.get("title") or ""
    short = title if len(title) <= 60 else title[:59] + "…"
    if record_id is not None:
        return f"{record_id} {short!r}" if short else str(record_id)
    return repr(short) if short else _("(untitled)")


def quote_problem(text: str | None, quote: str | None, *, text_key: str | None = None
                  ) -> str | None:
    """Why ``quote`` cannot be cited from a source whose text is ``text`` (or whose
    ``search.quote_key(text)`` is ``text_key``), or None: a quote must occur in the text
    (``search.quote_in``); an empty quote, or a source without text, is not checked."""
    if not quote or not quote.strip() or not (text or text_key):
        return None
    if quote_in(text, quote, text_key=text_key):
        return None
    short = " ".join(quote.split())
    short = short if len(short) <= 60 else short[:59] + "…"
    return _("these words are not in the source's text: “{quote}”").format(quote=short)


# --- the note a long write leaves beside the file ------------------------------------------------

def note_path(path: Path) -> Path:
    return path.with_name(path.name + ".writing")


def _write_note(path: Path, user: str, activity: str) -> Path | None:
    """Say beside the database who is doing what (for writes that wait, see
    ``Repository._begin``); None if the folder refuses it (the write goes on without)."""
    import socket

    note = note_path(path)
    tmp = note.with_name(f".{note.name}.{os.getpid()}.tmp")
    body = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "who": user,
                       "activity": activity,
                       "since": _dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")},
                      ensure_ascii=False)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(body)
        os.replace(tmp, note)
    except OSError:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        return None
    return note


def read_note(path: Path) -> dict | None:
    """The note of a long write in progress on ``path`` ({who, activity, since, ...}), or None
    (none, unreadable, or left by a program that has ended)."""
    import socket

    try:
        note = json.loads(note_path(path).read_text(encoding="utf-8"))
        pid, host = int(note["pid"]), str(note["host"])
        note = {"who": str(note["who"]), "activity": str(note["activity"]),
                "since": str(note["since"]), "pid": pid, "host": host}
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if host == socket.gethostname() and os.name == "posix":  # (os.kill(pid, 0) ends it elsewhere)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except OSError:
            pass
    return note


def _is_storage_error(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return any(s in text for s in ("disk", "full", "i/o", "readonly", "read-only", "locked"))


def diff(before: dict | None, after: dict | None) -> list[tuple[str, Any, Any]]:
    """The fields that differ between two snapshots, in declaration order."""
    before, after = before or {}, after or {}
    skip = {"updated_at", "updated_by", "version"}
    keys = list(dict.fromkeys([*before.keys(), *after.keys()]))
    return [(k, before.get(k), after.get(k)) for k in keys
            if k not in skip and before.get(k) != after.get(k)]


def open_repository(path: str | os.PathLike | None = None, **kwargs) -> Repository:
    """Open (creating and seeding on first use) the database at ``path`` or the default one."""
    from .paths import default_db_path

    kwargs.setdefault("seed", True)
    return Repository(path or default_db_path(), **kwargs)
