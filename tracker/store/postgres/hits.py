"""A text filter's records, found once per filter on a server.

The Road-map page asks for a filter's count and then for its pages; on a server each of those
reads would search again (``search_ids()``, then a look-up of every hit on the record table).
Instead the ids a filter matches are read once, with the server's snapshot they were read in
(``pg_current_snapshot()``), and kept for the next reads of the same filter: the count is their
number, a page reads ``id = ANY (ids)`` through the sort index.

They are used again only while nothing was committed on the server since they were read: the
snapshot's text (``xmin:xmax:xip``) changes whenever any transaction commits (another desk's
save, this session's own, a grant), so each reuse first asks the server for the current snapshot
(one round trip of a few hundred microseconds, no table read). Inside a write transaction
nothing is reused (its own changes do not show in the snapshot). Every read still goes through
the record tables' row-level-security policies: the ids only narrow what the server lets this
login see, they never widen it.
"""

from __future__ import annotations

from collections import OrderedDict

SNAPSHOT = "SELECT pg_current_snapshot()::text"
KEEP = 4  # filters kept (the page's current one, a few it just had)
MAX_IDS = 20_000  # more hits than this are matched by the search itself in each read


def filter_key(f) -> tuple:
    """What makes two filters match the same records (a Condition's value may be a list)."""
    return (f.kind.name, f.trash, f.statuses, f.overdue_on, f.levels, f.words,
            repr(f.where), repr(f.any_of))


class FilteredIds:
    """Filter key -> (snapshot, ids) for the last few text filters of a session."""

    def __init__(self):
        self.entries: OrderedDict[tuple, tuple[str, list[int]]] = OrderedDict()
        self.evaluations = 0  # how many times a filter's ids were read (tests)

    def get(self, key: tuple, snapshot: str) -> list[int] | None:
        found = self.entries.get(key)
        if found is None or found[0] != snapshot:
            return None
        self.entries.move_to_end(key)
        return found[1]

    def put(self, key: tuple, snapshot: str, ids: list[int]) -> None:
        self.evaluations += 1
        self.entries[key] = (snapshot, ids)
        self.entries.move_to_end(key)
        while len(self.entries) > KEEP:
            self.entries.popitem(last=False)

    def clear(self) -> None:
        self.entries.clear()


class TextFilters:
    """Mixed into PostgresBackend (its ``link``, ``_execute``, ``where`` and ``hits``)."""

    def filtered_ids(self, f) -> list[int] | None:
        """The ids of the records ``f`` matches, read once per filter while nothing changes on
        the server; None when ``f`` has no search words or a write transaction is open."""
        if f.words is None or self.link.in_transaction:
            return None
        key = filter_key(f)
        snapshot = self._execute(SNAPSHOT).fetchone()[0]
        ids = self.hits.get(key, snapshot)
        if ids is None:
            params: list = []
            where = self.where(f, params, reuse=False)
            table = '"' + f.kind.name.replace('"', '""') + '"'
            snapshot, ids = self._execute(
                f"SELECT pg_current_snapshot()::text, ARRAY(SELECT id FROM {table} "
                f"WHERE {where})", params).fetchone()
            self.hits.put(key, snapshot, ids)
        return ids
