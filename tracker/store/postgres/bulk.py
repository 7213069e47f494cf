"""Reads of many records at once on a server (exports and imports read a page of rows, not a row
at a time): the part of :class:`~tracker.store.postgres.backend.PostgresBackend` that
``tracker.store.backend`` calls ``rows_after``, ``links_between``, ``citations_between``,
``uids_of`` and ``ids_of_uids``. Row-level security applies as to every read."""

from __future__ import annotations

from collections.abc import Iterator

from tracker.model import Kind
from tracker.store.postgres.search import tsquery_literal
from tracker.store.postgres.writer import q


def _ids(values) -> list[int]:
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)
            and -(2**63) <= v < 2**63]


class BulkReads:
    """Mixed into PostgresBackend (its ``_execute`` and ``_cols``)."""

    def rows_after(self, kind: Kind, after_id: int, limit: int) -> list[dict]:
        cur = self._execute(f"SELECT {self._cols(kind, None)} FROM {q(kind.name)} WHERE id > %s "
                            "ORDER BY id LIMIT %s", (after_id, int(limit)))
        names = [d.name for d in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def links_between(self, kind: Kind, field: str, first_id: int, last_id: int
                      ) -> dict[int, list[int]]:
        target = kind.field(field).target
        out: dict[int, list[int]] = {}
        for rid, tid in self._execute(
                f"SELECT {q(kind.name + '_id')}, {q(target + '_id')} "
                f"FROM {q(kind.name + '_' + field)} WHERE {q(kind.name + '_id')} "
                "BETWEEN %s AND %s ORDER BY 1, 2", (first_id, last_id)).fetchall():
            out.setdefault(rid, []).append(tid)
        return out

    def citations_between(self, kind: Kind, first_id: int, last_id: int
                          ) -> dict[int, list[dict]]:
        out: dict[int, list[dict]] = {}
        for rid, sid, title, quote in self._execute(
                "SELECT c.record_id, c.source_id, s.title, c.quote FROM citations c "
                "JOIN sources s ON s.id = c.source_id WHERE c.kind = %s AND c.record_id "
                "BETWEEN %s AND %s ORDER BY c.record_id, c.position, c.id",
                (kind.name, first_id, last_id)).fetchall():
            out.setdefault(rid, []).append({"source_id": sid, "source": title, "quote": quote})
        return out

    def uids_of(self, kind: Kind, ids: list[int]) -> dict[int, str]:
        return dict(self._execute(f"SELECT id, uid FROM {q(kind.name)} WHERE id = ANY (%s)",
                                  (_ids(ids),)).fetchall())

    def ids_of_uids(self, kind: Kind, uids: list[str]) -> dict[str, int]:
        return dict(self._execute(f"SELECT uid, id FROM {q(kind.name)} WHERE uid = ANY (%s)",
                                  (list(uids),)).fetchall())

    def links_of(self, kind: Kind, field: str, ids: list[int]) -> dict[int, list[int]]:
        target = kind.field(field).target
        out: dict[int, list[int]] = {}
        for rid, tid in self._execute(
                f"SELECT {q(kind.name + '_id')}, {q(target + '_id')} "
                f"FROM {q(kind.name + '_' + field)} WHERE {q(kind.name + '_id')} = ANY (%s) "
                "ORDER BY 1, 2", (_ids(ids),)).fetchall():
            out.setdefault(rid, []).append(tid)
        return out

    def reports(self, kind: Kind, record_id: int) -> list[dict]:
        return [{"reported_on": day, "progress": progress, "done": done, "side": side,
                 "source_id": sid, "quote": quote or None}
                for day, progress, done, side, sid, quote in self._execute(
                    "SELECT reported_on, progress, done, side, source_id, quote FROM reports "
                    "WHERE kind = %s AND record_id = %s ORDER BY position, id",
                    (kind.name, record_id))]

    def citing(self, source_id: int) -> list[tuple[str, int]]:
        return self._execute("SELECT DISTINCT kind, record_id FROM citations "
                             "WHERE source_id = %s ORDER BY 1, 2", (source_id,)).fetchall()

    def titles(self, kind: Kind, ids: list[int]) -> dict[int, str]:
        ids = _ids(ids)
        return dict(self._execute(f"SELECT id, title FROM {q(kind.name)} WHERE id = ANY (%s)",
                                  (ids,)).fetchall())

    def titled(self, kind: Kind, title: str, limit: int) -> list[tuple[int, str]]:
        return self._execute(
            f"SELECT id, title FROM {q(kind.name)} WHERE deleted_at IS NULL AND title = %s "
            "ORDER BY id LIMIT %s", (title, limit)).fetchall()

    def matching_titles(self, kind: Kind, words: list[str]) -> Iterator[tuple[int, str]]:
        expr = tsquery_literal(words, "A")
        if expr is None:
            return iter(())
        return iter(self._execute(
            f"SELECT k.id, k.title FROM search_ids(%s::tsquery, %s) h(record_id) "
            f"JOIN {q(kind.name)} k ON k.id = h.record_id WHERE k.deleted_at IS NULL",
            (expr, kind.name)).fetchall())
