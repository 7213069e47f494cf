"""Many records at once, for tests of large tables (tests/ui is on sys.path: its conftest)."""

from __future__ import annotations


def add_roadmap_rows(repo, n: int) -> None:
    """Insert ``n`` road-map items in one SQL statement (creating them one by one with audit
    entries would take minutes); dates spread over years, statuses mixed."""
    with repo.batch() as batch:
        batch.writer.conn.execute(
            """
            WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?)
            INSERT INTO roadmap (uid, title, status, area, due_date, progress, classification,
                                 created_at, updated_at, created_by, updated_by, version)
            SELECT 'bulk-' || i, 'Bulk item ' || printf('%05d', i),
                   CASE i % 4 WHEN 0 THEN 'planned' WHEN 1 THEN 'in_progress'
                              WHEN 2 THEN 'done' ELSE 'cancelled' END,
                   'trade', date('2015-01-01', '+' || (i % 4000) || ' days'), i % 101, 'internal',
                   '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 'bulk', 'bulk', 1
            FROM seq
            """, (n,))
