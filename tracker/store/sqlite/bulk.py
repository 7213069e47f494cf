"""Reads of many records at once (exports and imports read a page of rows, not a row at a time):
the part of :class:`~tracker.store.sqlite.backend.SqliteBackend` that ``tracker.store.backend``
calls ``rows_after``, ``links_between``, ``citations_between``, ``uids_of`` and ``ids_of_uids``."""

from __future__ import annotations

from tracker.model import Kind
from tracker.store.sqlite.sql import q


class BulkReads:
    """Mixed into SqliteBackend (its ``_execute``)."""

    def rows_after(self, kind: Kind, after_id: int, limit: int) -> list[dict]:
        return self._rows(f"SELECT * FROM {q(kind.name)} WHERE id > ? ORDER BY id LIMIT ?",
                          [after_id, int(limit)])

    def links_between(self, kind: Kind, field: str, first_id: int, last_id: int
                      ) -> dict[int, list[int]]:
        target = kind.field(field).target
        out: dict[int, list[int]] = {}
        for rid, tid in self._execute(
                f"SELECT [{kind.name}_id], [{target}_id] FROM [{kind.name}_{field}] "
                f"WHERE [{kind.name}_id] BETWEEN ? AND ? ORDER BY 1, 2", (first_id, last_id)):
            out.setdefault(rid, []).append(tid)
        return out

    def citations_between(self, kind: Kind, first_id: int, last_id: int
                          ) -> dict[int, list[dict]]:
        out: dict[int, list[dict]] = {}
        for rid, sid, title, quote in self._execute(
                "SELECT c.record_id, c.source_id, s.title, c.quote FROM citations c "
                "JOIN sources s ON s.id = c.source_id WHERE c.kind = ? AND c.record_id "
                "BETWEEN ? AND ? ORDER BY c.record_id, c.position, c.id",
                (kind.name, first_id, last_id)):
            out.setdefault(rid, []).append({"source_id": sid, "source": title, "quote": quote})
        return out

    def uids_of(self, kind: Kind, ids: list[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update(self._execute(
                f"SELECT id, uid FROM {q(kind.name)} WHERE id IN "
                f"({', '.join('?' for _x in chunk)})", chunk).fetchall())
        return out

    def ids_of_uids(self, kind: Kind, uids: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for i in range(0, len(uids), 500):
            chunk = uids[i:i + 500]
            out.update(self._execute(
                f"SELECT uid, id FROM {q(kind.name)} WHERE uid IN "
                f"({', '.join('?' for _x in chunk)})", chunk).fetchall())
        return out

    def links_of(self, kind: Kind, field: str, ids: list[int]) -> dict[int, list[int]]:
        target = kind.field(field).target
        out: dict[int, list[int]] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for rid, tid in self._execute(
                    f"SELECT [{kind.name}_id], [{target}_id] FROM [{kind.name}_{field}] "
                    f"WHERE [{kind.name}_id] IN ({', '.join('?' for _x in chunk)}) "
                    "ORDER BY 1, 2", chunk):
                out.setdefault(rid, []).append(tid)
        return out
