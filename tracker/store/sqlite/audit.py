"""The audit log as the History page reads it: the part of
:class:`~tracker.store.sqlite.backend.SqliteBackend` that ``tracker.store.backend`` calls
``audit``, ``audit_count`` and ``audit_users``."""

from __future__ import annotations

import json

from tracker.store.audit_filter import AuditFilter, fold
from tracker.store.sqlite.sql import AUDIT_COLUMNS

TITLED = "tracker_titled"  # the SQL function: a snapshot's title holds the filter's text


def _title(column: str) -> str:
    """A snapshot's title, read by SQLite's JSON functions (None for anything else)."""
    return (f"CASE WHEN json_valid({column}) THEN json_extract({column}, '$.title') END")


def titled(after: object, before: object, needle: str) -> int:
    """1 if either title (text), folded as ``AuditFilter`` folds, holds ``needle``."""
    return 1 if needle in fold(after) or needle in fold(before) else 0


class AuditReads:
    """Mixed into SqliteBackend (its ``conn``, ``_rows`` and ``_scalar``)."""

    def audit(self, kind: str | None, record_id: int | None, *, limit: int, offset: int,
              where: AuditFilter | None = None) -> list[dict]:
        """Audit rows, newest first (``before``/``after`` as stored JSON text)."""
        sql, params = self._audit_where(kind, record_id, where)
        return self._rows(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit {sql} "
                          "ORDER BY id DESC LIMIT ? OFFSET ?", [*params, limit, offset])

    def audit_count(self, kind: str | None, record_id: int | None,
                    where: AuditFilter | None = None) -> int:
        sql, params = self._audit_where(kind, record_id, where)
        return self._scalar(f"SELECT count(*) FROM audit {sql}", params)

    def audit_users(self) -> list[str]:
        """Everyone who wrote an audit entry, by name."""
        return [row[0] for row in self._execute(
            "SELECT DISTINCT user FROM audit ORDER BY user").fetchall()]

    def _titled_records(self, title: str, upto: int | None) -> str:
        """The records (kind, id) of the entries whose snapshot's title holds ``title``, as a
        JSON list: the log is read once for a list's count and its pages alike (the last
        answer is kept for the same title and the same newest entry)."""
        key = (title, upto)
        kept = getattr(self, "_titled_cache", None)
        if upto is not None and kept is not None and kept[0] == key:
            return kept[1]
        self.conn.create_function(TITLED, 3, titled, deterministic=True)
        bound, params = ("AND id <= ?", [upto]) if upto is not None else ("", [])
        # the folded titles each entry keeps (title_fold, migration 0014); an entry written
        # without them (by a program that did not know the column) is read from its snapshots
        pairs = self._execute(
            f"SELECT DISTINCT kind, record_id FROM audit WHERE record_id IS NOT NULL {bound} "
            f"AND CASE WHEN title_fold IS NULL "
            f"THEN {TITLED}({_title('after')}, {_title('before')}, ?) "
            f"ELSE instr(title_fold, ?) > 0 END",
            (*params, title, title)).fetchall()
        found = json.dumps(pairs)
        self._titled_cache = (key, found)
        return found

    def _audit_where(self, kind: str | None, record_id: int | None,
                     where: AuditFilter | None) -> tuple[str, list]:
        clauses, params = [], []
        if kind:
            clauses.append("kind = ?")
            params.append(kind)
        if record_id is not None:
            clauses.append("record_id = ?")
            params.append(record_id)
        where = where or AuditFilter()
        for clause, value in (("user = ?", where.user or None), ("at >= ?", where.since),
                              ("at < ?", where.until), ("id <= ?", where.upto)):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        title = where.folded_title()
        if title:
            # the found records' entries through the (kind, record_id) index, record by record
            # (a row-value IN made SQLite test every entry of the log against the list)
            clauses.append("id IN (SELECT a.id FROM json_each(?) AS p CROSS JOIN audit AS a "
                           "ON a.kind = json_extract(p.value, '$[0]') "
                           "AND a.record_id = json_extract(p.value, '$[1]'))")
            params.append(self._titled_records(title, where.upto))
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
