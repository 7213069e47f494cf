"""The audit log as the History page reads it: the part of
:class:`~tracker.store.sqlite.backend.SqliteBackend` that ``tracker.store.backend`` calls
``audit``, ``audit_count`` and ``audit_users``."""

from __future__ import annotations

from tracker.store.audit_filter import AuditFilter, fold
from tracker.store.sqlite.sql import AUDIT_COLUMNS

FOLD = "tracker_fold"  # the SQL function: a title as AuditFilter compares it


def _snapshot_title(column: str) -> str:
    return (f"{FOLD}(CASE WHEN json_valid({column}) AND json_type({column}) = 'object' "
            f"THEN json_extract({column}, '$.title') END)")


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
            self.conn.create_function(FOLD, 1, fold, deterministic=True)
            clauses.append(
                "(kind, record_id) IN (SELECT kind, record_id FROM audit WHERE record_id IS NOT "
                f"NULL AND (instr({_snapshot_title('after')}, ?) > 0 "
                f"OR instr({_snapshot_title('before')}, ?) > 0))")
            params += [title, title]
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
