"""What a server read found, kept while nothing changes on the server.

The Road-map page asks for a filter's count and then for its pages; on a server each of those
reads would search again (``search_ids()``, then a look-up of every hit on the record table), and
the same count of a big table is asked again and again (the dashboard's totals, the page's count,
again after each sort). Instead a text filter's ids are read once, and a count once, each with
the server's snapshot it was read in (``pg_current_snapshot()``, in the same statement), and kept
for the next reads: a filter's count is the number of its ids, a page reads ``id = ANY (ids)``
through the sort index.

They are used again only while nothing was committed on the server since they were read: the
snapshot's text (``xmin:xmax:xip``) changes whenever any transaction commits or ends (another
desk's save, this session's own, a grant of a clearance), so each reuse first asks the server for
the current snapshot (one round trip of a few hundred microseconds, no table read). Inside a
write transaction nothing is kept or reused (its own changes do not show in the snapshot). Every
read still goes through the record tables' row-level-security policies: the ids only narrow what
the server lets this login see, they never widen it, and they belong to this session's login.
A connection made again (the server restarted, say) starts afresh.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

SNAPSHOT = "SELECT pg_current_snapshot()::text"
KEEP = 4  # text filters kept (the page's current one, a few it just had)
KEEP_COUNTS = 32  # counts kept (every kind's, a few filters')
MAX_IDS = 20_000  # more hits than this are matched by the search itself in each read


def filter_key(f) -> tuple:
    """What makes two filters match the same records (a Condition's value may be a list)."""
    return (f.kind.name, f.trash, f.statuses, f.overdue_on, f.levels, f.words,
            repr(f.where), repr(f.any_of))


class Kept:
    """Key -> (snapshot, value) for the last few reads of a session."""

    def __init__(self, size: int = KEEP):
        self.size = size
        self.entries: OrderedDict[tuple, tuple[str, Any]] = OrderedDict()

    def get(self, key: tuple, snapshot: str) -> Any:
        found = self.entries.get(key)
        if found is None or found[0] != snapshot:
            return None
        self.entries.move_to_end(key)
        return found[1]

    def put(self, key: tuple, snapshot: str, value: Any) -> None:
        self.entries[key] = (snapshot, value)
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)

    def clear(self) -> None:
        self.entries.clear()


class KeptReads:
    """Mixed into PostgresBackend (its ``link``, ``_execute`` and ``where``)."""

    def _kept(self, kept: Kept, key: tuple, sql: str, params: list) -> Any:
        """The value of ``SELECT ARRAY(sql)`` or ``SELECT (sql)``, as last read when nothing was
        committed since; else read now, with its snapshot (in one statement)."""
        if key in kept.entries:
            value = kept.get(key, self._stamp(self._execute(SNAPSHOT).fetchone()[0]))
            if value is not None:
                return value
        snapshot, value = self._execute(f"SELECT pg_current_snapshot()::text, {sql}",
                                        params).fetchone()
        kept.put(key, self._stamp(snapshot), value)
        return value

    def _stamp(self, snapshot: str) -> str:
        """A snapshot on this connection: one made again (after a server restart, say) never
        matches what was read on the one before."""
        return f"{self.link.reconnects}/{snapshot}"

    def filtered_ids(self, f) -> list[int] | None:
        """The ids of the records ``f`` matches, read once per filter while nothing changes on
        the server; None when ``f`` has no search words or a write transaction is open."""
        if f.words is None or self.link.in_transaction:
            return None
        params: list = []
        where = self.where(f, params, reuse=False)
        table = '"' + f.kind.name.replace('"', '""') + '"'
        return self._kept(self.kept_ids, filter_key(f),
                          f"ARRAY(SELECT id FROM {table} WHERE {where})", params)

    def kept_scalar(self, sql: str, params: list) -> Any:
        """``SELECT sql``'s one value (a count), read again only after a commit on the server."""
        if self.link.in_transaction:
            return self._execute(sql, params).fetchone()[0]
        return self._kept(self.kept_values, (sql, repr(params)), f"({sql})", params)

    def from_nearer_end(self, page, count_sql: str, params: list, orders: tuple[str, str],
                        limit: int | None, offset: int, deep: int) -> list[dict]:
        """``page(order, limit, offset)`` in the first of ``orders``; a deep page past the middle
        is read in the second (the same index backwards) from the end, counted by the kept
        count of ``count_sql``, and turned round: the last page is as quick as the first."""
        if limit is not None and offset >= deep:
            total = self.kept_scalar(count_sql, params)
            if offset > total // 2:
                n = min(limit, total - offset)
                return page(orders[1], n, total - offset - n)[::-1] if n > 0 else []
        return page(orders[0], limit, offset)
