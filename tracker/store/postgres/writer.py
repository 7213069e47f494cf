"""One write transaction on the server (:meth:`PostgresBackend.transaction` makes it).

Stamps are the server's time, the same for every stamp of the transaction. The search index
gets the record's FTS5 tokens (:mod:`tracker.store.postgres.search`) and a copy of its level in
the same transaction. Row-level security checks every row written: a record above the login's
clearance is refused by the server, whatever the client sends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg

from tracker.model import Kind
from tracker.store.postgres.attachments import PostgresAttachmentWrites
from tracker.store.postgres.search import tsvector_literal
from tracker.store.results import REPORT_COLUMNS, report_row


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


AUDIT_INSERT = ('INSERT INTO audit (at, "user", kind, record_id, record_uid, action, label, '
                "before, after, wording) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)")
AUDIT_KEYS = ("at", "user", "kind", "record_id", "record_uid", "action", "label", "before",
              "after", "wording")


class PostgresWriter(PostgresAttachmentWrites):
    """What one write transaction may do."""

    def __init__(self, backend, conn: psycopg.Connection, at: str):
        self.backend = backend
        self.conn = conn
        self.at = at

    def now(self) -> str:
        """The transaction's time on the server's clock (``YYYY-MM-DDTHH:MM:SSZ``)."""
        return self.at

    def insert(self, kind: Kind, row: dict) -> int:
        cols = list(row)
        return self.conn.execute(
            f"INSERT INTO {q(kind.name)} ({', '.join(q(c) for c in cols)}) VALUES "
            f"({', '.join('%s' for _c in cols)}) RETURNING id", [row[c] for c in cols]
        ).fetchone()[0]

    def update(self, kind: Kind, record_id: int, sets: dict, version: int) -> bool:
        cur = self.conn.execute(
            f"UPDATE {q(kind.name)} SET {', '.join(f'{q(c)} = %s' for c in sets)}, "
            "version = version + 1 WHERE id = %s AND version = %s",
            [*sets.values(), record_id, version])
        return cur.rowcount == 1

    def touch(self, kind: Kind, record_id: int, at: str, by: str) -> None:
        self.conn.execute(f"UPDATE {q(kind.name)} SET version = version + 1, updated_at = %s, "
                          "updated_by = %s WHERE id = %s", (at, by, record_id))

    def set_links(self, kind: Kind, field: str, record_id: int, ids: list[int]) -> None:
        target = kind.field(field).target
        table = q(f"{kind.name}_{field}")
        own, other = q(f"{kind.name}_id"), q(f"{target}_id")
        self.conn.execute(f"DELETE FROM {table} WHERE {own} = %s", (record_id,))
        rows = [(record_id, t) for t in sorted(set(ids))]
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {table} ({own}, {other}) VALUES (%s, %s)", rows)

    def set_citations(self, kind: Kind, record_id: int, citations: list[tuple[int, str]]
                      ) -> None:
        self.conn.execute("DELETE FROM citations WHERE kind = %s AND record_id = %s",
                          (kind.name, record_id))
        rows = [(kind.name, record_id, sid, quote, pos)
                for pos, (sid, quote) in enumerate(citations)]
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany("INSERT INTO citations (kind, record_id, source_id, quote, "
                                "position) VALUES (%s, %s, %s, %s, %s)", rows)

    def set_reports(self, kind: Kind, record_id: int, reports: list[dict]) -> None:
        self.conn.execute("DELETE FROM reports WHERE kind = %s AND record_id = %s",
                          (kind.name, record_id))
        self.report_many([report_row(kind, record_id, r, pos) for pos, r in enumerate(reports)])

    def report_many(self, rows: list[tuple]) -> None:
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(f"INSERT INTO reports ({REPORT_COLUMNS}) VALUES "
                                "(%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)

    def index(self, kind: Kind, record_id: int, body: str | None, *, new: bool = False,
              trashed: bool = False) -> None:
        """The record's search entry: its tokens and its level (None: out of search). Whether
        it is in the trash a search reads from the record's table (``trashed`` is not kept)."""
        if not new:
            self.conn.execute("DELETE FROM search WHERE kind = %s AND record_id = %s "
                              "AND part = 0", (kind.name, record_id))
            # the record's attachments are searched at the record's level too
            self.conn.execute(f"UPDATE search s SET classification = r.classification FROM "
                              f"{q(kind.name)} r WHERE s.kind = %s AND s.record_id = %s "
                              "AND s.part <> 0 AND r.id = s.record_id "
                              "AND s.classification <> r.classification",
                              (kind.name, record_id))
        if body is not None:
            self.conn.execute(
                "INSERT INTO search (kind, record_id, classification, tsv) "
                f"SELECT %s, id, classification, %s::tsvector FROM {q(kind.name)} WHERE id = %s",
                (kind.name, tsvector_literal(body), record_id))

    def audit(self, entry: dict) -> None:
        """One audit row; the server sets its user (the login) and its level."""
        self.conn.execute(AUDIT_INSERT, [entry.get(k) for k in AUDIT_KEYS])

    def audit_many(self, entries: list[dict]) -> None:
        """Audit rows in one pipeline (an import's)."""
        if entries:
            with self.conn.cursor() as cur:
                cur.executemany(AUDIT_INSERT, [[e.get(k) for k in AUDIT_KEYS] for e in entries])

    def put_setting(self, key: str, value: str, *, keep: bool = False) -> None:
        action = "NOTHING" if keep else "UPDATE SET value = EXCLUDED.value"
        self.conn.execute(f"INSERT INTO settings (key, value) VALUES (%s, %s) "
                          f"ON CONFLICT (key) DO {action}", (key, value))

    def settings(self) -> dict[str, str | None]:
        return dict(self.conn.execute("SELECT key, value FROM settings").fetchall())

    def save_preset(self, name: str, options: str, at: str) -> None:
        self.conn.execute("INSERT INTO presets (name, options, updated_at) VALUES (%s, %s, %s) "
                          "ON CONFLICT (name) DO UPDATE SET options = EXCLUDED.options, "
                          "updated_at = EXCLUDED.updated_at", (name, options, at))

    def delete_preset(self, name: str) -> None:
        self.conn.execute("DELETE FROM presets WHERE name = %s", (name,))

    # -- bulk (generated data) ------------------------------------------------------------------

    def _sequence(self, kind: Kind) -> str:
        return self.conn.execute("SELECT pg_get_serial_sequence(%s, 'id')",
                                 (q(kind.name),)).fetchone()[0]

    def next_id(self, kind: Kind) -> int:
        """An id above every record's (taken from the table's identity sequence)."""
        return self.conn.execute("SELECT nextval(%s)", (self._sequence(kind),)).fetchone()[0]

    def insert_many(self, kind: Kind, columns: list[str], rows: list[tuple],
                    bodies: list[tuple[int, str]]) -> None:
        """Rows carrying their ids, their search entries, and the identity sequence moved past
        the highest id. (No COPY: the server refuses COPY FROM into a table under row-level
        security; executemany sends the rows in one pipeline.)"""
        if not rows:
            return
        at_id, at_level = columns.index("id"), columns.index("classification")
        level = {row[at_id]: row[at_level] for row in rows}
        with self.conn.cursor() as cur:
            cur.executemany(f"INSERT INTO {q(kind.name)} ({', '.join(q(c) for c in columns)}) "
                            f"VALUES ({', '.join('%s' for _c in columns)})", rows)
            cur.executemany("INSERT INTO search (kind, record_id, classification, tsv) "
                            "VALUES (%s, %s, %s, %s::tsvector)",
                            [(kind.name, rid, level[rid], tsvector_literal(body))
                             for rid, body in bodies])
            sequence = self._sequence(kind)
            cur.execute(f"SELECT setval(%s, greatest(%s, (SELECT last_value FROM {sequence})))",
                        (sequence, max(row[at_id] for row in rows)))

    def link_many(self, kind: Kind, field: str, pairs: list[tuple[int, int]]) -> None:
        target = kind.field(field).target
        if pairs:
            with self.conn.cursor() as cur:
                cur.executemany(f"INSERT INTO {q(kind.name + '_' + field)} "
                                f"({q(kind.name + '_id')}, {q(target + '_id')}) "
                                "VALUES (%s, %s)", pairs)

    def cite_many(self, rows: list[tuple[str, int, int, str, int]]) -> None:
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany("INSERT INTO citations (kind, record_id, source_id, quote, "
                                "position) VALUES (%s, %s, %s, %s, %s)", rows)

    @contextmanager
    def growing(self, wanted: dict[str, int], *, cache_mb: int = 256) -> Iterator[None]:
        """The server grows its indexes as rows arrive; nothing to prepare."""
        yield
