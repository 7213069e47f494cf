"""Full-text search over the ``search`` table: the part of
:class:`~tracker.store.sqlite.backend.SqliteBackend` that ``tracker.store.backend`` calls
``search`` and ``search_total`` (the MATCH expressions are :mod:`tracker.store.sqlite.search`'s).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.store.sqlite.attachments import PART_BITS
from tracker.store.sqlite.search import (
    FREE_ROWIDS,
    ROWID_BITS,
    kind_of_code,
    match_any,
    match_expression,
    search_rowid,
)
from tracker.store.sqlite.sql import q

if TYPE_CHECKING:
    from tracker.model import Kind

#: The matches of a search in an index holding attached files' text (parameters: the kinds'
#: rowid codes and names, the whole expression, the exact one, then as :func:`_file_hits_params`
#: gives them): each record's best row (``n`` = 1), the typed words themselves first, then by
#: rank; ``part`` as :meth:`SearchReads.search` gives it. Only rowids and ranks are read from
#: FTS5: a record's kind and id come from its computed rowid (``search_rowid``) or from the
#: attachment its row is a part of (reading them from the index reads each row's stored text:
#: 1.7 ms against 1.0 ms for 300 matches); the row itself only for an id beyond both.
_FILE_HITS = (
    "m AS (SELECT rowid AS r, rank AS score FROM search WHERE search MATCH ?), "
    "x AS (SELECT rowid AS r FROM search WHERE search MATCH ?), "
    "hits AS (SELECT coalesce(c.kind, a.kind, (SELECT s.kind FROM search s "
    "WHERE s.rowid = m.r)) AS kind, coalesce(CASE WHEN c.kind IS NOT NULL THEN m.r & ? END, "
    "a.record_id, (SELECT s.record_id FROM search s WHERE s.rowid = m.r)) AS record_id, "
    "CASE WHEN m.r < 0 AND m.r > ? THEN -m.r ELSE 0 END AS part, "
    "m.r IN (SELECT r FROM x) AS exact, m.score AS score FROM m "
    "LEFT JOIN codes c ON m.r > 0 AND c.code = m.r >> ? "
    f"LEFT JOIN attachments a ON m.r < 0 AND m.r > ? AND a.id = (-m.r) >> {PART_BITS}), "
    "best AS (SELECT *, row_number() OVER (PARTITION BY kind, record_id "
    "ORDER BY exact DESC, score, part) AS n FROM hits)")


def _file_hits(expr: str, exact: str) -> tuple[str, list]:
    """The ``WITH`` clause of :data:`_FILE_HITS` and its parameters."""
    from tracker.model import KINDS

    codes = [(search_rowid(name, 1) >> ROWID_BITS, name) for name in KINDS]
    values = ", ".join("(?, ?)" for _c in codes)
    return (f"WITH codes(code, kind) AS (VALUES {values}), {_FILE_HITS}",
            [p for c in codes for p in c] + [expr, exact, (1 << ROWID_BITS) - 1, FREE_ROWIDS,
                                             ROWID_BITS, FREE_ROWIDS])


class SearchReads:
    """Mixed into SqliteBackend (its ``_execute`` and ``_scalar``)."""

    def search(self, words: list[str], kinds: list[str] | None, limit: int, offset: int = 0
               ) -> list[tuple[str, int, int]]:
        """(kind, record id, part) of live records matching ``words``, those holding the typed
        words themselves in their body first (a Latin word may match nothing but the
        transliterations of a Cyrillic name), each part by rank (bm25); ``limit`` of them from
        ``offset``. ``part`` 0: the record's own text matched; else the part of an attached
        file's text that did (``attachments.part_code``; a record once, at its best row).

        Only rowids are read until the page is known (FTS5 reads a row's stored text to give its
        other columns: 13 ms for 5,000 matches, against 1 ms for their rowids). The exact part
        is asked first: a page it fills costs what a plain ranked query costs."""
        expr = match_any(words, kinds, live=True)
        if expr is None or limit <= 0:
            return []
        exact = match_expression(" ".join(words), kinds, live=True)
        if self._file_text_indexed():
            return self._file_page(expr, exact, limit, offset)[1]
        ranked = "SELECT rowid FROM search WHERE search MATCH ?"
        rowids = [r for (r,) in self._execute(f"{ranked} ORDER BY rank LIMIT ? OFFSET ?",
                                              [exact, int(limit), int(offset)])]
        if len(rowids) < limit:  # the page goes past the exact matches: the others follow
            exact_total = offset + len(rowids) if rowids else self._scalar(
                "SELECT count(*) FROM search WHERE search MATCH ?", [exact])
            rowids += [r for (r,) in self._execute(
                f"{ranked} AND rowid NOT IN (SELECT rowid FROM search WHERE search MATCH ?) "
                "ORDER BY rank LIMIT ? OFFSET ?",
                [expr, exact, int(limit) - len(rowids), max(0, offset - exact_total)])]
        return self._hits_of(rowids)

    def search_page(self, words: list[str], kinds: list[str] | None, limit: int | None,
                    offset: int = 0) -> tuple[int, list[tuple[str, int, int]]]:
        """(:meth:`search_total`, :meth:`search`) in one pass over the matches where a record
        may match in several rows (its files' text): the page's query counts the records it
        ranks (``count(*) OVER ()``) instead of a second MATCH with ``DISTINCT``. ``limit``
        None: all of them."""
        expr = match_any(words, kinds, live=True)
        if expr is None or (limit is not None and limit <= 0):
            return (self.search_total(words, kinds) if expr is not None else 0), []
        if not self._file_text_indexed():
            total = self.search_total(words, kinds)
            return total, (self.search(words, kinds, total if limit is None else limit, offset)
                           if total > offset else [])
        exact = match_expression(" ".join(words), kinds, live=True)
        return self._file_page(expr, exact, -1 if limit is None else limit, offset)

    def _file_page(self, expr: str, exact: str, limit: int, offset: int
                   ) -> tuple[int, list[tuple[str, int, int]]]:
        """(how many records match, the page of them) over an index holding files' text
        (:data:`_FILE_HITS`); the count read from the page's own rows (a page past the end has
        none: then counted apart)."""
        with_clause, params = _file_hits(expr, exact)
        rows = self._execute(
            f"{with_clause} SELECT kind, record_id, part, count(*) OVER () FROM best "
            "WHERE n = 1 ORDER BY exact DESC, score, kind, record_id LIMIT ? OFFSET ?",
            [*params, int(limit), int(offset)]).fetchall()
        if rows:
            return rows[0][3], [(k, r, p) for k, r, p, _n in rows]
        return (self._scalar("SELECT count(*) FROM (SELECT DISTINCT kind, record_id FROM "
                             "search WHERE search MATCH ?)", [expr]) if offset else 0), []

    def search_total(self, words: list[str], kinds: list[str] | None) -> int:
        """How many live records :meth:`search` finds in all."""
        expr = match_any(words, kinds, live=True)
        if expr is None:
            return 0
        if self._file_text_indexed():  # a record found in its files' text counted once
            return self._scalar("SELECT count(*) FROM (SELECT DISTINCT kind, record_id "
                                "FROM search WHERE search MATCH ?)", [expr])
        return self._scalar("SELECT count(*) FROM search WHERE search MATCH ?", [expr])

    def rows_of(self, kind: Kind, ids: list[int], columns: list[str]) -> dict[int, dict]:
        """id -> the stored ``columns`` of those records (trashed or not; absent ones left out),
        in one query per 500: what a page of search hits shows."""
        ids = [i for i in dict.fromkeys(ids) if -(2**63) <= i < 2**63]
        cols = ", ".join(q(c) for c in dict.fromkeys(["id", *columns]))
        out: dict[int, dict] = {}
        for n in range(0, len(ids), 500):
            chunk = ids[n:n + 500]
            cur = self._execute(f"SELECT {cols} FROM {q(kind.name)} WHERE id IN "
                                f"({', '.join('?' for _i in chunk)})", chunk)
            names = [d[0] for d in cur.description]
            out.update((r[0], dict(zip(names, r))) for r in cur.fetchall())
        return out

    def _file_text_indexed(self) -> bool:
        """Whether any attached file's text is in the search index (its rows' rowids lie
        between ``FREE_ROWIDS`` and zero): then a record may match in several rows."""
        return self._execute("SELECT 1 FROM search WHERE rowid > ? AND rowid < 0 LIMIT 1",
                             [FREE_ROWIDS]).fetchone() is not None

    def _hits_of(self, rowids: list[int]) -> list[tuple[str, int, int]]:
        """(kind, record id, 0) of search rowids of records' own text, in their order: computed
        rowids decoded, others read."""
        out: list[tuple[str, int, int]] = []
        for rowid in rowids:
            kind = kind_of_code(rowid >> ROWID_BITS) if rowid > 0 else None
            if kind is not None:
                out.append((kind, rowid & ((1 << ROWID_BITS) - 1), 0))
            else:
                row = self._execute("SELECT kind, record_id FROM search WHERE rowid = ?",
                                    (rowid,)).fetchone()
                if row is not None:
                    out.append((row[0], row[1], 0))
        return out

    # -- settings, presets, audit -------------------------------------------------------------
