"""The audit log as the History page reads it: the part of
:class:`~tracker.store.postgres.backend.PostgresBackend` that ``tracker.store.backend`` calls
``audit``, ``audit_count`` and ``audit_users``. The row-level policies decide which entries a
login reads, for the list, its count and the names alike."""

from __future__ import annotations

from typing import Any

from tracker.store.audit_filter import AuditFilter

AUDIT_COLUMNS = ("id", "at", '"user"', "kind", "record_id", "record_uid", "action", "label",
                 "before", "after", "wording")


def _is_id(value: Any) -> bool:
    """A value that can be a record id (a bigint): anything else names no record."""
    return isinstance(value, int) and not isinstance(value, bool) and \
        -(2**63) <= value < 2**63


class AuditReads:
    """Mixed into PostgresBackend (its ``_rows``, ``_scalar`` and ``_execute``)."""

    def audit(self, kind: str | None, record_id: int | None, *, limit: int, offset: int,
              where: AuditFilter | None = None) -> list[dict]:
        sql, params = audit_where(kind, record_id, where)
        return self._rows(f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit {sql} "
                          "ORDER BY id DESC LIMIT %s OFFSET %s", [*params, limit, offset])

    def audit_count(self, kind: str | None, record_id: int | None,
                    where: AuditFilter | None = None) -> int:
        sql, params = audit_where(kind, record_id, where)
        return self._scalar(f"SELECT count(*) FROM audit {sql}", params)

    def audit_users(self) -> list[str]:
        return [row[0] for row in self._execute(
            'SELECT DISTINCT "user" FROM audit ORDER BY "user"').fetchall()]


def audit_where(kind: str | None, record_id: int | None, where: AuditFilter | None
                ) -> tuple[str, list]:
    clauses, params = [], []
    if kind:
        clauses.append("kind = %s")
        params.append(kind)
    if record_id is not None:
        if not _is_id(record_id):
            return "WHERE FALSE", []
        clauses.append("record_id = %s")
        params.append(record_id)
    where = where or AuditFilter()
    if where.upto is not None and not _is_id(where.upto):
        return "WHERE FALSE", []
    for clause, value in (('"user" = %s', where.user or None), ("at >= %s", where.since),
                          ("at < %s", where.until), ("id <= %s", where.upto)):
        if value is not None:
            clauses.append(clause)
            params.append(value.replace("\x00", "") if isinstance(value, str) else value)
    title = where.folded_title()
    if title:
        bound = "AND id <= %s " if where.upto is not None else ""
        # the folded titles each entry keeps (title_fold: schema_0009.sql, set by the server)
        clauses.append(
            "(kind, record_id) IN (SELECT kind, record_id FROM audit WHERE record_id IS NOT NULL "
            f"{bound}AND strpos(title_fold, %s) > 0)")
        params += [*([where.upto] if where.upto is not None else []), title]
    return ("WHERE " + " AND ".join(clauses)) if clauses else "", params
