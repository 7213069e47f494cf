"""One write transaction on an SQLite file: what :meth:`SqliteBackend.transaction` hands the
repository's :class:`~tracker.store.batch.Batch` (rows, link tables, citations, the search index,
audit rows, settings and presets, and bulk rows for generated data)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from tracker.model import KINDS, Kind
from tracker.model.text import index_forms
from tracker.store.results import REPORT_COLUMNS, now, report_row
from tracker.store.sqlite.attachments import SqliteAttachmentWrites
from tracker.store.sqlite.search import FREE_ROWIDS, TRASHED, search_rowid
from tracker.store.sqlite.sql import AUDIT_COLUMNS, q

FTS5_AUTOMERGE = 4  # FTS5's own default, for an index whose config names none


class SqliteWriter(SqliteAttachmentWrites):
    """What one write transaction may do. Made by :meth:`SqliteBackend.transaction` only."""

    def __init__(self, backend):  # the SqliteBackend whose connection is in the transaction
        self.backend = backend
        self.conn = backend.conn

    @staticmethod
    def now() -> str:
        """The time a write is stamped with (this machine's clock)."""
        return now()

    def insert(self, kind: Kind, row: dict) -> int:
        """A new record's row (stored fields and system fields); returns its id."""
        cols = list(row)
        cur = self.conn.execute(
            f"INSERT INTO {q(kind.name)} ({', '.join(q(c) for c in cols)}) VALUES "
            f"({', '.join('?' for _c in cols)})", [row[c] for c in cols])
        return cur.lastrowid

    def update(self, kind: Kind, record_id: int, sets: dict, version: int) -> bool:
        """Write ``sets`` and bump the version, if the record is still at ``version``."""
        cur = self.conn.execute(
            f"UPDATE {q(kind.name)} SET {', '.join(f'{q(c)} = ?' for c in sets)}, "
            "version = version + 1 WHERE id = ? AND version = ?",
            [*sets.values(), record_id, version])
        return cur.rowcount == 1

    def touch(self, kind: Kind, record_id: int, at: str, by: str) -> None:
        """A new version of a record whose fields did not change (its citations did)."""
        self.conn.execute(f"UPDATE {q(kind.name)} SET version = version + 1, updated_at = ?, "
                          "updated_by = ? WHERE id = ?", (at, by, record_id))

    def set_links(self, kind: Kind, field: str, record_id: int, ids: list[int]) -> None:
        target = kind.field(field).target
        table = f"[{kind.name}_{field}]"
        self.conn.execute(f"DELETE FROM {table} WHERE [{kind.name}_id] = ?", (record_id,))
        self.conn.executemany(
            f"INSERT INTO {table} ([{kind.name}_id], [{target}_id]) VALUES (?, ?)",
            [(record_id, t) for t in sorted(set(ids))])

    def set_citations(self, kind: Kind, record_id: int, citations: list[tuple[int, str]]
                      ) -> None:
        self.conn.execute("DELETE FROM citations WHERE kind = ? AND record_id = ?",
                          (kind.name, record_id))
        self.conn.executemany(
            "INSERT INTO citations(kind, record_id, source_id, quote, position) "
            "VALUES (?, ?, ?, ?, ?)",
            [(kind.name, record_id, sid, quote, pos)
             for pos, (sid, quote) in enumerate(citations)])

    def set_reports(self, kind: Kind, record_id: int, reports: list[dict]) -> None:
        self.conn.execute("DELETE FROM reports WHERE kind = ? AND record_id = ?",
                          (kind.name, record_id))
        self.report_many([report_row(kind, record_id, r, pos) for pos, r in enumerate(reports)])

    def report_many(self, rows: list[tuple]) -> None:
        self.conn.executemany(f"INSERT INTO reports ({REPORT_COLUMNS}) VALUES "
                              "(?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def index(self, kind: Kind, record_id: int, body: str | None, *, new: bool = False,
              trashed: bool = False) -> None:
        """The record's search text (None: remove it from search); a record in the trash
        carries the token TRASHED in the ``state`` column (a search leaves it out)."""
        rowid = search_rowid(kind.name, record_id)  # found at once (migration 0003)
        if rowid is not None:
            self.conn.execute("DELETE FROM search WHERE rowid = ?", (rowid,))
        elif not new:  # this DELETE scans the whole FTS table (record_id is UNINDEXED)
            self.conn.execute("DELETE FROM search WHERE kind = ? AND record_id = ? AND rowid <= ?",
                              (kind.name, record_id, FREE_ROWIDS))  # not its files' rows
        if body is not None:
            self.conn.execute(
                "INSERT INTO search(rowid, kind, record_id, body, forms, state) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (rowid if rowid is not None else free_rowid(self.conn), kind.name, record_id,
                 body, index_forms(body), TRASHED if trashed else None))
        if not new:  # the text of its files is found or left out with the record
            self.trash_attachment_rows(kind.name, record_id, trashed)

    # an audit row: its level (tracker.store.batch.audit_level) and its record's folded titles
    # (title_fold: tracker.store.audit_filter.snapshot_titles, what History's title filter reads)
    _AUDIT_INSERT = [c for c in AUDIT_COLUMNS if c != "id"] + ["classification", "title_fold"]

    def _audit_values(self, entry: dict) -> list:
        return [entry.get(c) for c in self._AUDIT_INSERT]

    def audit(self, entry: dict) -> None:
        """One audit row, with its level and its record's folded titles."""
        cols = self._AUDIT_INSERT
        self.conn.execute(f"INSERT INTO audit({', '.join(cols)}) VALUES "
                          f"({', '.join('?' for _c in cols)})", self._audit_values(entry))

    def audit_many(self, entries: list[dict]) -> None:
        """Audit rows (an import's), as ``audit`` writes each."""
        cols = self._AUDIT_INSERT
        self.conn.executemany(f"INSERT INTO audit({', '.join(cols)}) VALUES "
                              f"({', '.join('?' for _c in cols)})",
                              [self._audit_values(e) for e in entries])

    def put_setting(self, key: str, value: str, *, keep: bool = False) -> None:
        """Set a setting (``keep``: only when it is not set yet)."""
        action = "NOTHING" if keep else "UPDATE SET value = excluded.value"
        self.conn.execute(f"INSERT INTO settings(key, value) VALUES (?, ?) "
                          f"ON CONFLICT(key) DO {action}", (key, value))

    def settings(self) -> dict[str, str | None]:
        return dict(self.conn.execute("SELECT key, value FROM settings").fetchall())

    def save_preset(self, name: str, options: str, at: str) -> None:
        self.conn.execute("INSERT INTO presets(name, options, updated_at) VALUES (?, ?, ?) "
                          "ON CONFLICT(name) DO UPDATE SET options = excluded.options, "
                          "updated_at = excluded.updated_at", (name, options, at))

    def delete_preset(self, name: str) -> None:
        self.conn.execute("DELETE FROM presets WHERE name = ?", (name,))

    # -- bulk (generated data) ----------------------------------------------------------------

    def next_id(self, kind: Kind) -> int:
        return (self.conn.execute(f"SELECT max(id) FROM {q(kind.name)}").fetchone()[0] or 0) + 1

    def insert_many(self, kind: Kind, columns: list[str], rows: list[tuple],
                    bodies: list[tuple[int, str]]) -> None:
        """Rows of one kind with their ids and system fields; ``bodies``: (id, search text)."""
        self.conn.executemany(
            f"INSERT INTO {q(kind.name)} ({', '.join(q(c) for c in columns)}) VALUES "
            f"({', '.join('?' for _c in columns)})", rows)
        conn = self.conn
        at_id, at_deleted = columns.index("id"), columns.index("deleted_at")
        trashed = {row[at_id] for row in rows if row[at_deleted] is not None}
        conn.executemany(
            "INSERT INTO search(rowid, kind, record_id, body, forms, state) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [(search_rowid(kind.name, rid) or free_rowid(conn), kind.name, rid, body,
              index_forms(body), TRASHED if rid in trashed else None) for rid, body in bodies])

    def link_many(self, kind: Kind, field: str, pairs: list[tuple[int, int]]) -> None:
        target = kind.field(field).target
        self.conn.executemany(f"INSERT INTO [{kind.name}_{field}] ([{kind.name}_id], "
                              f"[{target}_id]) VALUES (?, ?)", pairs)

    def cite_many(self, rows: list[tuple[str, int, int, str, int]]) -> None:
        """(kind, record id, source id, quote, position) rows."""
        self.conn.executemany("INSERT INTO citations (kind, record_id, source_id, quote, "
                              "position) VALUES (?, ?, ?, ?, ?)", rows)

    @contextmanager
    def growing(self, wanted: dict[str, int], *, cache_mb: int = 256) -> Iterator[None]:
        """Around a bulk insert of ``wanted`` rows per table: a bigger cache (``cache_mb``) while
        the indexes grow, and a table's indexes dropped and built again once at the end when it
        gets more new rows than it had (faster than growing them row by row)."""
        old_cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {-1024 * int(cache_mb)}")
        try:
            rebuild = [sql for table, n in wanted.items()
                       if self.conn.execute(f"SELECT count(*) FROM [{table}]").fetchone()[0] < n
                       for sql in self._drop_indexes(table)]
            with self._search_growing(sum(n for t, n in wanted.items() if t in KINDS)):
                yield
            for sql in rebuild:
                self.conn.execute(sql)
        finally:
            self.conn.execute(f"PRAGMA cache_size = {old_cache}")

    @contextmanager
    def _search_growing(self, new_rows: int) -> Iterator[None]:
        """The search index getting more new rows than it holds: its segments merged once at
        the end (``optimize``) instead of as they pile up (``automerge``, put back as it was:
        FTS5 keeps it in the index's config)."""
        held = self.conn.execute("SELECT count(*) FROM search_docsize").fetchone()[0]
        if new_rows <= held:
            yield
            return
        row = self.conn.execute("SELECT v FROM search_config WHERE k = 'automerge'").fetchone()
        self.conn.execute("INSERT INTO search(search, rank) VALUES ('automerge', 0)")
        yield
        self.conn.execute("INSERT INTO search(search) VALUES ('optimize')")
        self.conn.execute("INSERT INTO search(search, rank) VALUES ('automerge', ?)",
                          (FTS5_AUTOMERGE if row is None else row[0],))

    def _drop_indexes(self, table: str) -> list[str]:
        """Drop the table's explicit indexes; returns the statements that create them again."""
        found = self.conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND "
                                  "tbl_name = ? AND sql IS NOT NULL ORDER BY name",
                                  (table,)).fetchall()
        for name, _sql in found:
            self.conn.execute(f"DROP INDEX [{name}]")
        return [sql for _name, sql in found]



def free_rowid(conn) -> int:
    """A search rowid for a record whose id is too large for :func:`search_rowid`: below every
    one in use and at or below ``FREE_ROWIDS``, where no computed rowid and no attached file's
    row ever comes (a rowid SQLite picked, one above the largest, would be the computed rowid of
    another kind's next record)."""
    lowest = conn.execute("SELECT rowid FROM search WHERE rowid <= ? ORDER BY rowid LIMIT 1",
                          (FREE_ROWIDS,)).fetchone()
    return lowest[0] - 1 if lowest else FREE_ROWIDS
