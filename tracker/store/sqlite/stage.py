"""The stage of an import: the file's records in a private temporary SQLite database.

An import (``tracker.exchange.importer``) reads its file once into the stage, then checks and
writes the records from here a batch at a time, so that memory does not grow with the file. The
stage keeps Python values (pickled, or marshalled when they are plain data) under a sequence
number in file order:

* records: ``add(kind, label, uid, existing_id, packed)`` (``pack`` first: it says whether a
  value can be kept at all), ``records(kind)``, ``record(seq)``, ``by_uid``, ``has_uid``;
* the titles of sources the file creates (``add_title``, ``titles``), for citations that name
  their source by title;
* the plan of each record (``add_plan``, ``plans(kind, actions)``, ``plan(seq)``);
* the records as they were before the write (``add_befores``, ``before(seq)``), for the audit;
* the contents of attached files the file holds (``new_file``, ``add_file_chunk``, ``end_file``,
  ``file(sha256)``, ``file_chunks``), kept a chunk at a time.

The database lives in a private folder beside the database file (its disk takes the records
anyway; /tmp may be in memory) and is deleted when the stage is closed. SQLite's errors reach the
caller as :class:`~tracker.store.errors.StorageError`.
"""

from __future__ import annotations

import functools
import marshal
import pickle
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tracker.i18n import _
from tracker.store.errors import StorageError

_DUMP = pickle.HIGHEST_PROTOCOL
_MARSHALLED, _PICKLED = b"m", b"p"


def _plain_dumps(value: Any) -> bytes:
    """A value the program made (a plan) as the stage keeps it: with marshal (several times
    faster both ways) when it is plain data of the built-in types, else pickled; tagged
    (``_plain_loads`` reads either)."""
    try:
        return _MARSHALLED + marshal.dumps(value)
    except ValueError:  # not built-in plain data (a dataclass, a Decimal), or nested deeply
        return _PICKLED + pickle.dumps(value, _DUMP)


def _plain_loads(blob: bytes) -> Any:
    data = memoryview(blob)[1:]
    return marshal.loads(data) if blob[:1] == _MARSHALLED else pickle.loads(data)

_SCHEMA = """
    CREATE TABLE r (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT,
                    uid TEXT, existing_id INTEGER, raw BLOB);
    CREATE INDEX r_kind ON r(kind, seq);
    CREATE INDEX r_existing ON r(kind, existing_id) WHERE existing_id IS NOT NULL;
    CREATE TABLE u (kind TEXT, uid TEXT, seq INTEGER, existing_id INTEGER,
                    PRIMARY KEY (kind, uid)) WITHOUT ROWID;
    CREATE TABLE t (title_key TEXT, seq INTEGER);
    CREATE INDEX t_key ON t(title_key);
    CREATE TABLE p (seq INTEGER PRIMARY KEY, kind TEXT, action TEXT, uid TEXT,
                    existing_id INTEGER, plan BLOB);
    CREATE INDEX p_kind ON p(kind, seq);
    CREATE TABLE b (seq INTEGER PRIMARY KEY, before BLOB);
    CREATE TABLE f (id INTEGER PRIMARY KEY, place TEXT, declared TEXT, size INTEGER,
                    sha256 TEXT, proof TEXT, too_large INTEGER);
    CREATE INDEX f_declared ON f(declared);
    CREATE TABLE fc (f INTEGER, n INTEGER, data BLOB, PRIMARY KEY (f, n));
"""


class UnstorableValue(ValueError):
    """A value the stage cannot keep (not plain data)."""


def _storage_error(exc: sqlite3.Error) -> StorageError:
    return StorageError(_("the import's working copy cannot be written: {error}").format(
        error=exc))


@contextmanager
def _storage_errors() -> Iterator[None]:
    try:
        yield
    except sqlite3.Error as exc:
        raise _storage_error(exc) from None


def _store_errors(method: Callable) -> Callable:
    """SQLite's errors in ``method`` raised as StorageError (a plain try: no cost per call)."""
    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise _storage_error(exc) from None
    return wrapper


class Stage:
    """A private temporary database of an import's records, deleted when closed."""

    BATCH = 500  # records read back at a time
    FOUND = 50_000  # answers of by_uid kept (a few MB)

    def __init__(self, near: Path, *, plain: bool = False):
        """``plain``: the records are data as a file reader makes it (dicts, lists, text,
        numbers, booleans, None), kept with marshal (``pack``)."""
        self.plain = plain
        try:  # beside the database: its disk takes the records anyway (/tmp may be in memory)
            self.folder = Path(tempfile.mkdtemp(prefix=".import-", dir=near))
        except OSError:
            self.folder = Path(tempfile.mkdtemp(prefix="bilateral-tracker-import-"))
        self._db: sqlite3.Connection | None = None
        # rows not written yet (``BATCH`` at a time, in one ``executemany``): every read writes
        # them first, and ``has_uid`` looks at them too
        self._records: list[tuple] = []
        self._uids: dict[tuple[str, str], tuple] = {}
        # by_uid's answers (links and citations name the same records again and again); up to
        # FOUND entries, forgotten when a record is added or changed
        self._found: dict[tuple[str, str], tuple | None] = {}
        self._plans: list[tuple] = []
        self._seq = 0
        try:
            with _storage_errors():
                self._db = sqlite3.connect(self.folder / "stage.db", isolation_level=None)
                for pragma in ("journal_mode = OFF", "synchronous = OFF", "cache_size = -16384",
                               "temp_store = FILE"):
                    self._db.execute(f"PRAGMA {pragma}")
                self._db.executescript(_SCHEMA)
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        self._records.clear()
        self._uids.clear()
        self._found.clear()
        self._plans.clear()
        if self._db is not None:
            self._db.close()
            self._db = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Stage:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Many changes in one go (the stage is private: nothing else reads it meanwhile)."""
        with _storage_errors():
            self._db.execute("BEGIN")
        try:
            yield
        finally:
            with _storage_errors():
                if self._db.in_transaction:
                    self.flush()
                self._db.execute("COMMIT")

    @_store_errors
    def flush(self) -> None:
        """Write the rows kept back (records and plans); every read calls this first."""
        if self._records:
            self._db.executemany("INSERT INTO r (seq, kind, name, uid, existing_id, raw) "
                                 "VALUES (?, ?, ?, ?, ?, ?)", self._records)
            self._db.executemany("INSERT INTO u (kind, uid, seq, existing_id) "
                                 "VALUES (?, ?, ?, ?)", list(self._uids.values()))
            self._records.clear()
            self._uids.clear()
        if self._plans:
            self._db.executemany("INSERT INTO p (seq, kind, action, uid, existing_id, plan) "
                                 "VALUES (?, ?, ?, ?, ?, ?)", self._plans)
            self._plans.clear()

    # -- records --

    def pack(self, value: Any) -> bytes:
        """``value`` as the stage keeps it (tagged: marshalled when the stage is ``plain`` and
        marshal takes it, several times faster both ways; else pickled). RecursionError for a
        value nested too deeply, :class:`UnstorableValue` for one that is not plain data."""
        if self.plain:
            try:
                return _MARSHALLED + marshal.dumps(value)
            except ValueError:  # not plain data after all, or nested deeply: as pickle says
                pass
        try:
            return _PICKLED + pickle.dumps(value, _DUMP)
        except RecursionError:
            raise
        except (pickle.PicklingError, TypeError, ValueError, AttributeError) as exc:
            raise UnstorableValue(str(exc)) from None

    def add(self, kind: str, label: str, uid: str | None, existing_id: int | None,
            packed: bytes) -> int:
        """Keep a record (``pack``-ed) in file order; returns its sequence number. (Written
        ``BATCH`` at a time; reads see it at once.)"""
        if not self._seq:
            self._seq = self.last_seq()
        self._seq += 1
        self._records.append((self._seq, kind, label, uid, existing_id, packed))
        self._found.clear()
        if uid:
            self._uids[(kind, uid)] = (kind, uid, self._seq, existing_id)
        if len(self._records) >= self.BATCH:
            self.flush()
        return self._seq

    @_store_errors
    def has_uid(self, kind: str, uid: str) -> bool:
        if (kind, uid) in self._uids:
            return True
        return self._db.execute("SELECT 1 FROM u WHERE kind = ? AND uid = ?",
                                (kind, uid)).fetchone() is not None

    @_store_errors
    def staged_uids(self, kind: str, uids: list[str]) -> set[str]:
        """Those of ``uids`` the stage holds for ``kind`` already."""
        found = {uid for uid in uids if (kind, uid) in self._uids}
        for i in range(0, len(uids), self.BATCH):
            chunk = uids[i:i + self.BATCH]
            found.update(uid for (uid,) in self._db.execute(
                f"SELECT uid FROM u WHERE kind = ? AND uid IN ({', '.join('?' * len(chunk))})",
                (kind, *chunk)))
        return found

    @_store_errors
    def by_uid(self, kind: str, uid: str) -> tuple[int, int | None] | None:
        """(seq, the database's id of the record or None) of the file's record with ``uid``."""
        key = (kind, uid)
        if key in self._found:
            return self._found[key]
        self.flush()
        found = self._db.execute("SELECT seq, existing_id FROM u WHERE kind = ? AND uid = ?",
                                 (kind, uid)).fetchone()
        if len(self._found) >= self.FOUND:
            self._found.clear()
        self._found[key] = found
        return found

    @_store_errors
    def record(self, seq: int) -> Any:
        self.flush()
        return _plain_loads(self._db.execute("SELECT raw FROM r WHERE seq = ?",
                                             (seq,)).fetchone()[0])

    @_store_errors
    def seq_of(self, kind: str, existing_id: int) -> int | None:
        """The file's record that updates the database's record ``existing_id``, if any."""
        self.flush()
        row = self._db.execute("SELECT seq FROM r WHERE kind = ? AND existing_id = ?",
                               (kind, existing_id)).fetchone()
        return row[0] if row else None

    def records(self, kind: str) -> Iterator[tuple[int, str, Any, int | None]]:
        """(seq, label, record, existing_id) of one kind in file order."""
        for seq, label, raw, existing_id in self._rows("r", kind, "name, raw, existing_id"):
            yield seq, label, _plain_loads(raw), existing_id

    def uids(self, kind: str) -> Iterator[tuple[int, str, int | None]]:
        """(seq, uid, existing_id) of one kind's records that have a uid, in file order."""
        yield from self._rows("r", kind, "uid, existing_id", "AND uid IS NOT NULL")

    @_store_errors
    def set_existing(self, kind: str, seq: int, uid: str, existing_id: int | None) -> None:
        """The database holds (or no longer holds) the record with ``uid`` as ``existing_id``
        (another program wrote since the file was read)."""
        self.flush()
        self._found.clear()
        self._db.execute("UPDATE u SET existing_id = ? WHERE kind = ? AND uid = ?",
                         (existing_id, kind, uid))
        self._db.execute("UPDATE r SET existing_id = ? WHERE seq = ?", (existing_id, seq))
        if existing_id is not None:
            self._db.execute("DELETE FROM t WHERE seq = ?", (seq,))

    @_store_errors
    def last_seq(self) -> int:
        if self._records:
            return self._records[-1][0]
        return self._db.execute("SELECT max(seq) FROM r").fetchone()[0] or 0

    # -- titles of the sources the file creates --

    @_store_errors
    def add_title(self, title_key: str, seq: int) -> None:
        self._db.execute("INSERT INTO t (title_key, seq) VALUES (?, ?)", (title_key, seq))

    def titles(self) -> Iterator[tuple[int, str]]:
        """(seq, title_key) in file order."""
        with _storage_errors():
            self.flush()
            rows = self._db.execute("SELECT seq, title_key FROM t ORDER BY seq").fetchall()
        yield from rows

    # -- plans --

    @_store_errors
    def clear_plans(self) -> None:
        self.flush()
        self._db.execute("DELETE FROM p")

    @_store_errors
    def add_plan(self, seq: int, kind: str, action: str, uid: str | None,
                 existing_id: int | None, plan: Any) -> None:
        self._plans.append((seq, kind, action, uid, existing_id, _plain_dumps(plan)))
        if len(self._plans) >= self.BATCH:
            self.flush()

    @_store_errors
    def plan(self, seq: int) -> tuple[str, Any] | None:
        """(action, plan) of the file's record ``seq``, None if it has none (yet)."""
        self.flush()
        row = self._db.execute("SELECT action, plan FROM p WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else (row[0], _plain_loads(row[1]))

    def plans(self, kind: str, actions: tuple[str, ...]
              ) -> Iterator[tuple[int, str | None, str, Any, int | None]]:
        """(seq, uid, action, plan, existing_id) of one kind's records planned to do one of
        ``actions``, in file order."""
        marks = ", ".join("?" * len(actions))
        for seq, uid, action, plan, existing_id in self._rows(
                "p", kind, "uid, action, plan, existing_id", f"AND action IN ({marks})", actions):
            yield seq, uid, action, _plain_loads(plan), existing_id

    def actions(self, kind: str, actions: tuple[str, ...]) -> Iterator[tuple[int, str]]:
        """(seq, action) of one kind's records planned to do one of ``actions``, in file order
        (their plans left unread: ``plan(seq)``)."""
        marks = ", ".join("?" * len(actions))
        yield from self._rows("p", kind, "action", f"AND action IN ({marks})", actions)

    # -- the records as they were before the write --

    @_store_errors
    def add_befores(self, befores: Iterable[tuple[int, dict]]) -> None:
        self._db.executemany("INSERT INTO b (seq, before) VALUES (?, ?)",
                             [(seq, pickle.dumps(before, _DUMP)) for seq, before in befores])

    @_store_errors
    def before(self, seq: int) -> dict:
        return pickle.loads(self._db.execute("SELECT before FROM b WHERE seq = ?",
                                             (seq,)).fetchone()[0])

    # -- contents of attached files --

    @_store_errors
    def new_file(self, place: str) -> int:
        return self._db.execute("INSERT INTO f (place) VALUES (?)", (place,)).lastrowid

    @_store_errors
    def add_file_chunk(self, fid: int, n: int, data: bytes) -> None:
        self._db.execute("INSERT INTO fc (f, n, data) VALUES (?, ?, ?)", (fid, n, data))

    @_store_errors
    def end_file(self, fid: int, declared: str, size: int, sha256: str, proof: str,
                 too_large: bool) -> None:
        self._db.execute("UPDATE f SET declared = ?, size = ?, sha256 = ?, proof = ?, "
                         "too_large = ? WHERE id = ?",
                         (declared, size, sha256, proof, int(too_large), fid))

    @_store_errors
    def file(self, sha256: str) -> dict | None:
        """The content the file gives for ``sha256`` (one that matches it first): id, place,
        size, sha256 (as computed), proof, too_large."""
        row = self._db.execute(
            "SELECT id, place, size, sha256, proof, too_large FROM f WHERE declared = ? "
            "ORDER BY sha256 = declared DESC, id LIMIT 1", (sha256,)).fetchone()
        if row is None:
            return None
        return dict(zip(("id", "place", "size", "sha256", "proof", "too_large"), row))

    def file_chunks(self, fid: int) -> Iterator[bytes]:
        n = 0
        while True:
            with _storage_errors():
                row = self._db.execute("SELECT data FROM fc WHERE f = ? AND n = ?",
                                       (fid, n)).fetchone()
            if row is None:
                return
            yield row[0]
            n += 1

    def _rows(self, table: str, kind: str, columns: str, where: str = "",
              params: tuple = ()) -> Iterator[tuple]:
        """A table's rows of one kind in file order, a batch at a time (other tables may be
        written between batches)."""
        last = 0
        while True:
            with _storage_errors():
                self.flush()
                batch = self._db.execute(
                    f"SELECT seq, {columns} FROM {table} WHERE kind = ? AND seq > ? {where} "
                    f"ORDER BY seq LIMIT {self.BATCH}", (kind, last, *params)).fetchall()
            if not batch:
                return
            yield from batch
            last = batch[-1][0]
