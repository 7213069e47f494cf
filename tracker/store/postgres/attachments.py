"""Attachments on a server (schema_0005.sql): reads mixed into :class:`PostgresBackend`, writes
into :class:`PostgresWriter`.

Contents are kept once, by SHA-256, in bytea rows of :data:`CHUNK` bytes; the server shows a
content only to a login that may read a record it is attached to (row-level security), and
attaches a stored content again only with its proof. An attachment's text is searched in rows of
the ``search`` table with ``part`` = attachment id << 16 | n, at the record's level.
"""

from __future__ import annotations

from collections.abc import Iterable

from tracker.model.text import attachment_body
from tracker.store.postgres.search import tsvector_literal
from tracker.store.sqlite.attachments import (
    ATTACHMENT_COLUMNS,
    PART_BITS,
    ContentReads,
    gathered_parts,
    part_code,
)

CHUNK = 256 * 1024
_COLS = ", ".join(f"a.{c}" for c in ATTACHMENT_COLUMNS)
_BLOB = f"{_COLS}, b.text_status, b.text_note"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class PostgresAttachmentReads(ContentReads):
    """Reads of attachments and their contents (mixed into PostgresBackend)."""

    _MARK = "%s"

    def attachments(self, kind_name: str, ids: list[int], *, removed: bool = False
                    ) -> list[dict]:
        state = "IS NOT NULL" if removed else "IS NULL"
        return self._rows(
            f"SELECT {_BLOB} FROM attachments a JOIN blobs b ON b.sha256 = a.sha256 "
            f"WHERE a.kind = %s AND a.record_id = ANY (%s) AND a.deleted_at {state} "
            "ORDER BY a.record_id, a.id", [kind_name, [int(i) for i in ids]])

    def attachment(self, attachment_id: int) -> dict | None:
        if not -(2**63) <= attachment_id < 2**63:
            return None
        rows = self._rows(f"SELECT {_BLOB} FROM attachments a JOIN blobs b "
                          "ON b.sha256 = a.sha256 WHERE a.id = %s", [attachment_id])
        return rows[0] if rows else None

    def attachment_parts(self, codes: list[int]) -> dict[int, tuple[dict, list[tuple]]]:
        """As :meth:`SqliteAttachmentReads.attachment_parts`: one query for a page of hits."""
        codes = [c for c in dict.fromkeys(codes) if 0 < c < 2**62]
        if not codes:
            return {}
        cur = self._execute(
            f"SELECT c.code, {_BLOB}, p.page, p.part, p.text FROM unnest(%s::bigint[]) c(code) "
            f"JOIN attachments a ON a.id = c.code >> {PART_BITS} "
            "JOIN blobs b ON b.sha256 = a.sha256 LEFT JOIN blob_pages p "
            f"ON p.sha256 = a.sha256 AND p.part = c.code & {(1 << PART_BITS) - 1} "
            "ORDER BY c.code, p.page", (codes,))
        return gathered_parts(cur.fetchall(), [d.name for d in cur.description][1:-3])

    def rows_of(self, kind, ids: list[int], columns: list[str]) -> dict[int, dict]:
        """As :meth:`tracker.store.sqlite.hits.SearchReads.rows_of`."""
        ids = [i for i in dict.fromkeys(ids) if -(2**63) <= i < 2**63]
        if not ids:
            return {}
        cols = ", ".join(_q(c) for c in dict.fromkeys(["id", *columns]))
        cur = self._execute(f"SELECT {cols} FROM {_q(kind.name)} WHERE id = ANY (%s::bigint[])",
                            (ids,))
        names = [d.name for d in cur.description]
        return {r[0]: dict(zip(names, r)) for r in cur.fetchall()}

    def live_attachments_of_blob(self, sha256: str) -> list[dict]:
        return self._rows(f"SELECT {_COLS} FROM attachments a WHERE a.sha256 = %s "
                          "AND a.deleted_at IS NULL ORDER BY a.id", [sha256])

    def pending_texts(self, limit: int) -> list[str]:
        return [r[0] for r in self._execute(
            "SELECT b.sha256 FROM blobs b WHERE b.text_status = 'pending' AND EXISTS "
            "(SELECT 1 FROM attachments a WHERE a.sha256 = b.sha256 AND a.deleted_at IS NULL) "
            "ORDER BY b.added_at LIMIT %s", (limit,)).fetchall()]

    def unindexed_attachments(self, limit: int) -> list[dict]:
        return self._rows(
            f"SELECT {_COLS} FROM attachments a WHERE a.deleted_at IS NULL "
            "AND EXISTS (SELECT 1 FROM blob_pages p WHERE p.sha256 = a.sha256) "
            "AND NOT EXISTS (SELECT 1 FROM search s WHERE s.kind = a.kind "
            f"AND s.record_id = a.record_id AND s.part >> {PART_BITS} = a.id) "
            "ORDER BY a.id LIMIT %s", [limit])


class PostgresAttachmentWrites:
    """Writes of attachments inside one transaction (mixed into PostgresWriter)."""

    def has_blob(self, sha256: str) -> bool:
        """The content is stored and this login may read it (one stored for records this login
        may not read is sent again: :meth:`put_blob` then adds nothing)."""
        return self.conn.execute("SELECT 1 FROM blobs WHERE sha256 = %s",
                                 (sha256,)).fetchone() is not None

    def put_blob(self, blob: dict, chunks: Iterable[bytes]) -> None:
        if self.has_blob(blob["sha256"]):
            return
        self.conn.execute("INSERT INTO blobs (sha256, size, proof, added_at) "
                          "VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING",
                          (blob["sha256"], blob["size"], blob["proof"], blob["added_at"]))
        for n, data in enumerate(chunks):
            self.conn.execute("INSERT INTO blob_chunks (sha256, n, data) VALUES (%s, %s, %b) "
                              "ON CONFLICT DO NOTHING", (blob["sha256"], n, data))

    def add_attachment(self, row: dict) -> int:
        cols = [c for c in ATTACHMENT_COLUMNS if c != "id" and c in row] + ["proof"]
        return self.conn.execute(
            f"INSERT INTO attachments ({', '.join(cols)}) VALUES "
            f"({', '.join('%s' for _c in cols)}) RETURNING id", [row[c] for c in cols]
        ).fetchone()[0]

    def set_attachment_state(self, attachment_id: int, deleted_at: str | None) -> None:
        self.conn.execute("UPDATE attachments SET deleted_at = %s WHERE id = %s",
                          (deleted_at, attachment_id))

    def index_attachment(self, kind_name: str, record_id: int, attachment_id: int,
                         sha256: str | None) -> None:
        self.conn.execute("DELETE FROM search WHERE kind = %s AND record_id = %s "
                          f"AND part >> {PART_BITS} = %s", (kind_name, record_id, attachment_id))
        if sha256 is None:
            return
        texts: dict[int, list[str]] = {}
        for part, text in self.conn.execute("SELECT part, text FROM blob_pages WHERE sha256 = %s "
                                            "ORDER BY page", (sha256,)):
            texts.setdefault(part, []).append(text)
        for part, pages in texts.items():
            self.conn.execute(
                "INSERT INTO search (kind, record_id, part, classification, tsv) "
                f"SELECT %s, id, %s, classification, %s::tsvector FROM {_q(kind_name)} "
                "WHERE id = %s", (kind_name, part_code(attachment_id, part),
                                  tsvector_literal(attachment_body("\n".join(pages))),
                                  record_id))

    def store_text(self, sha256: str, pages: list[tuple[int, int, str]], status: str,
                   note: str | None) -> list[dict]:
        self.conn.execute("DELETE FROM blob_pages WHERE sha256 = %s", (sha256,))
        if pages:
            with self.conn.cursor() as cur:
                cur.executemany("INSERT INTO blob_pages (sha256, page, part, text) "
                                "VALUES (%s, %s, %s, %s)", [(sha256, *p) for p in pages])
        self.conn.execute("UPDATE blobs SET text_status = %s, text_note = %s WHERE sha256 = %s",
                          (status, note, sha256))
        cur = self.conn.execute(f"SELECT {_COLS} FROM attachments a WHERE a.sha256 = %s "
                                "AND a.deleted_at IS NULL", (sha256,))
        names = [d.name for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
