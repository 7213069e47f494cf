"""Attachments in an SQLite file (migration 0011): reads mixed into :class:`SqliteBackend`,
writes into :class:`SqliteWriter`.

A content is kept once, by its SHA-256, in rows of :data:`CHUNK` bytes (measured: 100 MB written
in 0.60 s and read in 0.13 s in 256 KiB rows, against 0.77 s and 0.19 s through incremental
blob I/O into one row; either way the file is never held whole in memory). Its text is kept by
page and searched through the ``search`` table: each part of an attachment's text is a row of
rowid ``-(attachment id << 16 | part)`` (negative, apart from the records' own rows) carrying
the record's kind and id, so every search that finds records finds them by their attachments'
text as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from tracker.model.text import attachment_body, index_forms
from tracker.store.sqlite.search import TRASHED

CHUNK = 256 * 1024
PART_BITS = 16  # an attachment's text is searched in at most 2**16 parts
ATTACHMENT_COLUMNS = ("id", "kind", "record_id", "sha256", "name", "size", "media_type",
                      "added_by", "added_at", "deleted_at")
_COLS = ", ".join(f"a.{c}" for c in ATTACHMENT_COLUMNS)
_BLOB = f"{_COLS}, b.text_status, b.text_note"


def part_code(attachment_id: int, part: int) -> int:
    """What names one part of an attachment's text in search results (0: the record's own)."""
    return (attachment_id << PART_BITS) | part


def split_code(code: int) -> tuple[int, int]:
    """(attachment id, part) of a part code."""
    return code >> PART_BITS, code & ((1 << PART_BITS) - 1)


class ContentReads:
    """Reads of a stored content, its chunks and its text's pages: the same SQL on both engines
    but for the parameter mark, ``_MARK`` (mixed into each engine's attachment reads)."""

    _MARK = "?"

    def blob(self, sha256: str) -> dict | None:
        rows = self._rows("SELECT sha256, size, proof, text_status, text_note FROM blobs "
                          f"WHERE sha256 = {self._MARK}", [sha256])
        return rows[0] if rows else None

    def blob_chunks(self, sha256: str) -> Iterator[bytes]:
        """The content, a chunk at a time (one read per chunk: other reads may come between)."""
        m = self._MARK
        n = 0
        while True:
            row = self._execute(f"SELECT data FROM blob_chunks WHERE sha256 = {m} AND n = {m}",
                                (sha256, n)).fetchone()
            if row is None:
                return
            yield bytes(row[0])
            n += 1

    def blob_pages(self, sha256: str, part: int | None = None
                   ) -> Iterator[tuple[int, int, str]]:
        """(page, part, text) of a content's text, in page order (of one part, if given)."""
        m = self._MARK
        extra, params = (f"AND part = {m}", (sha256, part)) if part is not None else ("",
                                                                                     (sha256,))
        last = 0
        while True:
            rows = self._execute(f"SELECT page, part, text FROM blob_pages WHERE sha256 = {m} "
                                 f"{extra} AND page > {m} ORDER BY page LIMIT 50",
                                 (*params, last)).fetchall()
            if not rows:
                return
            yield from (tuple(r) for r in rows)
            last = rows[-1][0]


class SqliteAttachmentReads(ContentReads):
    """Reads of attachments and their contents (mixed into SqliteBackend)."""

    def attachments(self, kind_name: str, ids: list[int], *, removed: bool = False
                    ) -> list[dict]:
        """The attachments of records of a kind (the live ones, or the removed ones), by record
        then in the order added, each with its content's text status."""
        out: list[dict] = []
        state = "IS NOT NULL" if removed else "IS NULL"
        for i in range(0, len(ids), 500):
            chunk = list(ids[i:i + 500])
            out += self._rows(
                f"SELECT {_BLOB} FROM attachments a JOIN blobs b ON b.sha256 = a.sha256 "
                f"WHERE a.kind = ? AND a.record_id IN ({', '.join('?' for _i in chunk)}) "
                f"AND a.deleted_at {state} ORDER BY a.record_id, a.id", [kind_name, *chunk])
        return out

    def attachment(self, attachment_id: int) -> dict | None:
        try:
            rows = self._rows(f"SELECT {_BLOB} FROM attachments a JOIN blobs b "
                              "ON b.sha256 = a.sha256 WHERE a.id = ?", [attachment_id])
        except OverflowError:
            return None
        return rows[0] if rows else None

    def attachment_parts(self, codes: list[int]) -> dict[int, tuple[dict, list[tuple]]]:
        """code -> (attachment, its part's (page, part, text) in page order) of search hits on
        attachments' text (``part_code`` s), in one query for a page of hits; a code whose
        attachment is gone left out."""
        codes = [c for c in dict.fromkeys(codes) if 0 < c < 2**62]
        if not codes:
            return {}
        cur = self._execute(
            f"WITH c(code) AS (VALUES {', '.join('(?)' for _c in codes)}) "
            f"SELECT c.code, {_BLOB}, p.page, p.part, p.text FROM c "
            f"JOIN attachments a ON a.id = c.code >> {PART_BITS} "
            "JOIN blobs b ON b.sha256 = a.sha256 LEFT JOIN blob_pages p "
            f"ON p.sha256 = a.sha256 AND p.part = c.code & {(1 << PART_BITS) - 1} "
            "ORDER BY c.code, p.page", codes)
        return gathered_parts(cur.fetchall(), [d[0] for d in cur.description][1:-3])

    def live_attachments_of_blob(self, sha256: str) -> list[dict]:
        return self._rows(f"SELECT {_COLS} FROM attachments a WHERE a.sha256 = ? "
                          "AND a.deleted_at IS NULL ORDER BY a.id", [sha256])

    def pending_texts(self, limit: int) -> list[str]:
        """Contents attached to live attachments whose text is still to be read."""
        return [r[0] for r in self._execute(
            "SELECT b.sha256 FROM blobs b WHERE b.text_status = 'pending' AND EXISTS "
            "(SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256 AND a.deleted_at IS NULL) "
            "ORDER BY b.added_at LIMIT ?", (limit,))]

    def unindexed_attachments(self, limit: int) -> list[dict]:
        """Live attachments whose content has text but that are not in the search index."""
        return self._rows(
            f"SELECT {_COLS} FROM attachments a WHERE a.deleted_at IS NULL "
            "AND EXISTS (SELECT 1 FROM blob_pages p WHERE p.sha256 = a.sha256) "
            "AND NOT EXISTS (SELECT 1 FROM search s WHERE s.rowid BETWEEN "
            f"-((a.id << {PART_BITS}) | {(1 << PART_BITS) - 1}) AND -(a.id << {PART_BITS})) "
            "ORDER BY a.id LIMIT ?", [limit])


class SqliteAttachmentWrites:
    """Writes of attachments inside one transaction (mixed into SqliteWriter)."""

    def has_blob(self, sha256: str) -> bool:
        return self.conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?",
                                 (sha256,)).fetchone() is not None

    def put_blob(self, blob: dict, chunks: Iterable[bytes]) -> None:
        """A content (``sha256``, ``size``, ``proof``, ``added_at``) and its chunks, in order;
        nothing when it is stored already (the chunks are then not read)."""
        if self.has_blob(blob["sha256"]):
            return
        self.conn.execute("INSERT INTO blobs (sha256, size, proof, added_at) VALUES (?, ?, ?, ?)",
                          (blob["sha256"], blob["size"], blob["proof"], blob["added_at"]))
        for n, data in enumerate(chunks):
            self.conn.execute("INSERT INTO blob_chunks (sha256, n, data) VALUES (?, ?, ?)",
                              (blob["sha256"], n, data))

    def add_attachment(self, row: dict) -> int:
        cols = [c for c in ATTACHMENT_COLUMNS if c != "id" and c in row] + ["proof"]
        return self.conn.execute(
            f"INSERT INTO attachments ({', '.join(cols)}) VALUES "
            f"({', '.join('?' for _c in cols)})", [row[c] for c in cols]).lastrowid

    def set_attachment_state(self, attachment_id: int, deleted_at: str | None) -> None:
        self.conn.execute("UPDATE attachments SET deleted_at = ? WHERE id = ?",
                          (deleted_at, attachment_id))

    def index_attachment(self, kind_name: str, record_id: int, attachment_id: int,
                         sha256: str | None) -> None:
        """The attachment's text in the search index (from its content's stored pages), or out
        of it (``sha256`` None)."""
        top = part_code(attachment_id, (1 << PART_BITS) - 1)
        self.conn.execute("DELETE FROM search WHERE rowid BETWEEN ? AND ?",
                          (-top, -part_code(attachment_id, 0)))
        if sha256 is None:
            return
        trashed = self.conn.execute(f"SELECT deleted_at IS NOT NULL FROM [{kind_name}] "
                                    "WHERE id = ?", (record_id,)).fetchone()
        state = TRASHED if trashed and trashed[0] else None
        for part, text in _parts(self.conn.execute(
                "SELECT part, text FROM blob_pages WHERE sha256 = ? ORDER BY page", (sha256,))):
            body = attachment_body(text)
            self.conn.execute(
                "INSERT INTO search (rowid, kind, record_id, body, forms, state) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (-part_code(attachment_id, part), kind_name, record_id, body,
                 index_forms(body), state))

    def trash_attachment_rows(self, kind_name: str, record_id: int, trashed: bool) -> None:
        """The search rows of a record's files marked as its own row is (``state``: in the trash
        or not), so a search of live records leaves them out with it."""
        state = TRASHED if trashed else None
        for (aid,) in self.conn.execute("SELECT id FROM attachments WHERE kind = ? AND "
                                        "record_id = ? AND deleted_at IS NULL",
                                        (kind_name, record_id)).fetchall():
            self.conn.execute("UPDATE search SET state = ? WHERE rowid BETWEEN ? AND ? "
                              "AND state IS NOT ?",
                              (state, -part_code(aid, (1 << PART_BITS) - 1),
                               -part_code(aid, 0), state))

    def store_text(self, sha256: str, pages: list[tuple[int, int, str]], status: str,
                   note: str | None) -> list[dict]:
        """A content's text by (page, part, text), replacing what was there; returns the live
        attachments of that content (the caller indexes them)."""
        self.conn.execute("DELETE FROM blob_pages WHERE sha256 = ?", (sha256,))
        self.conn.executemany("INSERT INTO blob_pages (sha256, page, part, text) "
                              "VALUES (?, ?, ?, ?)", [(sha256, *p) for p in pages])
        self.conn.execute("UPDATE blobs SET text_status = ?, text_note = ? WHERE sha256 = ?",
                          (status, note, sha256))
        cur = self.conn.execute(f"SELECT {_COLS} FROM attachments a WHERE a.sha256 = ? "
                                "AND a.deleted_at IS NULL", (sha256,))
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]


def _parts(rows) -> Iterator[tuple[int, str]]:
    """(part, its pages' text joined) from (part, text) rows in page order."""
    current, texts = None, []
    for part, text in rows:
        if part != current and texts:
            yield current, "\n".join(texts)
            texts = []
        current = part
        texts.append(text)
    if texts:
        yield current, "\n".join(texts)


def gathered_parts(rows, names: list[str]) -> dict[int, tuple[dict, list[tuple]]]:
    """:meth:`SqliteAttachmentReads.attachment_parts` from its rows (code, the attachment's
    ``names`` columns, page, part, text), ordered by code and page."""
    out: dict[int, tuple[dict, list[tuple]]] = {}
    for row in rows:
        code = row[0]
        if code not in out:
            out[code] = (dict(zip(names, row[1:-3])), [])
        if row[-3] is not None:
            out[code][1].append(tuple(row[-3:]))
    return out
