"""What the repository needs from a storage engine: the narrow protocol every engine implements.

An engine is a session on one database (:class:`Backend`) and, inside a write transaction, a
:class:`Writer`. Reads take a :class:`~tracker.store.query.Filter` (a kind's records, filtered)
and return plain dicts keyed by field name; writes are told what to store, already validated and
stamped by :mod:`tracker.store.batch`. Engines raise the store's own errors
(:mod:`tracker.store.errors`), never their driver's.

Engines: :mod:`tracker.store.sqlite` (one file; the default) and, for several desks sharing one
record, :mod:`tracker.store.postgres` (a server). Both pass the same repository test suite.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from tracker.model import Kind
from tracker.store.audit_filter import AuditFilter
from tracker.store.query import Filter


class Writer(Protocol):
    """One open write transaction."""

    def now(self) -> str:
        """The time the write is stamped with (``YYYY-MM-DDTHH:MM:SSZ``, UTC), on the engine's
        clock: a server's is shared by every desk."""

    def insert(self, kind: Kind, row: dict) -> int:
        """A new record's row (stored fields and system fields); returns its id."""

    def update(self, kind: Kind, record_id: int, sets: dict, version: int) -> bool:
        """Write ``sets`` and bump the version, if the record is still at ``version``."""

    def touch(self, kind: Kind, record_id: int, at: str, by: str) -> None:
        """A new version of a record whose fields did not change (its citations did)."""

    def set_links(self, kind: Kind, field: str, record_id: int, ids: list[int]) -> None: ...

    def set_citations(self, kind: Kind, record_id: int,
                      citations: list[tuple[int, str]]) -> None:
        """Replace the record's (source id, quote) pairs, in this order."""

    def index(self, kind: Kind, record_id: int, body: str | None, *, new: bool = False,
              trashed: bool = False) -> None:
        """The record's folded search text (None: out of search; the forms are made from it:
        :func:`tracker.model.text.index_forms`); ``trashed``: the record is in the trash (a
        search leaves it out)."""

    def set_reports(self, kind: Kind, record_id: int, reports: list[dict]) -> None:
        """Replace the record's implementation reports (``REPORT_FIELDS`` keys), in this
        order."""

    def report_many(self, rows: list[tuple]) -> None:
        """Bulk reports: (kind, record id, reported_on, progress, done, side, source id, quote,
        position) rows."""

    def audit(self, entry: dict) -> None:
        """One audit row: at, user, kind, record_id, record_uid, action, label, before, after
        (the last two as JSON text)."""

    def audit_many(self, entries: list[dict]) -> None:
        """Many audit rows at once (``audit`` of each)."""

    def put_setting(self, key: str, value: str, *, keep: bool = False) -> None: ...

    def settings(self) -> dict[str, str | None]: ...

    def save_preset(self, name: str, options: str, at: str) -> None: ...

    def delete_preset(self, name: str) -> None: ...

    # bulk (generated data)
    def next_id(self, kind: Kind) -> int: ...

    def insert_many(self, kind: Kind, columns: list[str], rows: list[tuple],
                    bodies: list[tuple[int, str]]) -> None:
        """Rows carrying their ids and system fields (``deleted_at`` among ``columns``), and
        the search texts (id, body) of those to index."""

    def link_many(self, kind: Kind, field: str, pairs: list[tuple[int, int]]) -> None: ...

    def cite_many(self, rows: list[tuple[str, int, int, str, int]]) -> None: ...

    def growing(self, wanted: dict[str, int], *, cache_mb: int = 256
                ) -> AbstractContextManager[None]: ...


class Backend(Protocol):
    """A session on one database."""

    engine: str  # "sqlite", ...
    path: Any  # where the data lives, for messages and titles (a file's Path)
    target: str  # what was opened (a path or a server address, without secrets)
    is_new: bool  # created empty by this session
    read_only: bool
    read_only_reason: str | None
    warnings: list[str]
    damage: str | None
    closed: bool
    on_wait: Callable[[str], None] | None  # told when a write waits for another's long write
    user: str  # who a long write's note names
    login: str | None  # a server's login: who the audit names there (None: a file's session)

    def verify(self, timeout: float | None = None) -> Exception | None: ...

    def check_pending(self) -> bool: ...

    def close(self) -> None: ...

    def file_gone(self) -> bool: ...

    def transaction(self, *, activity: str | None = None) -> AbstractContextManager[Writer]:
        """One write transaction: committed whole when the block ends, rolled back on any
        error."""

    def data_version(self) -> int:
        """Changes when another session commits."""

    def last_audit_id(self) -> int: ...

    # reads of a filter
    def select(self, f: Filter, *, sort: str, descending: bool = False,
               limit: int | None = None, offset: int = 0,
               columns: list[str] | None = None) -> list[dict]:
        """Sorted by ``sort`` with empty values last in either direction, id breaking ties."""

    def count(self, f: Filter) -> int: ...

    def total(self, f: Filter, field: str) -> int: ...

    def count_by(self, f: Filter, field: str) -> dict[Any, int]: ...

    def first(self, f: Filter, *, order: list[tuple[str, bool]], columns: list[str],
              limit: int | None = None) -> list[dict]: ...

    def tuples(self, f: Filter, *, order: list[tuple[str, bool]], columns: list[str]
               ) -> list[tuple]:
        """Every record of a filter in ``order`` as a tuple of ``columns`` (in that order),
        read as ``first`` reads them: for long lists (the deadlines), no dict per row. An empty
        ``order``: in any order (the engine reads as it finds cheapest; the caller sorts)."""

    def position(self, f: Filter, record_id: int, *, sort: str, descending: bool = False
                 ) -> int | None: ...

    # reads of records
    def row(self, kind: Kind, record_id: int, columns: list[str] | None = None
            ) -> dict | None: ...

    def rows_of(self, kind: Kind, ids: list[int], columns: list[str]) -> dict[int, dict]:
        """id -> the stored ``columns`` (and id) of those records, trashed or not (absent ones
        left out): what a page of search hits shows, read at once."""

    def attachment_parts(self, codes: list[int]) -> dict[int, tuple[dict, list[tuple]]]:
        """code -> (attachment, (page, part, text) of its part in page order) of search hits
        on attachments' text (``part_code`` s), in one query; codes of gone attachments left
        out."""

    def id_of_uid(self, kind: Kind, uid: str) -> int | None: ...

    def uids(self, kind: Kind) -> dict[int, str]: ...

    def exists(self, kind: Kind, record_id: Any) -> bool: ...

    def link_ids(self, kind: Kind, field: str, record_id: int) -> list[int]: ...

    def linking(self, kind: Kind, field: str, target_id: int) -> list[tuple[int, str]]: ...

    def citations(self, kind: Kind, record_id: int) -> list[dict]: ...

    def citing(self, source_id: int) -> list[tuple[str, int]]: ...

    def reports(self, kind: Kind, record_id: int) -> list[dict]:
        """The record's implementation reports (``REPORT_FIELDS`` keys; an empty quote is None),
        in their order."""

    def titles(self, kind: Kind, ids: list[int]) -> dict[int, str]: ...

    # reads of many records at once (exports and imports: a page of rows, not a row at a time)
    def rows_after(self, kind: Kind, after_id: int, limit: int) -> list[dict]:
        """Up to ``limit`` records (the trash included) with ids above ``after_id``, in id order,
        with the columns ``row`` gives."""

    def links_between(self, kind: Kind, field: str, first_id: int, last_id: int
                      ) -> dict[int, list[int]]:
        """The link list ``field`` of the records with ids ``first_id``..``last_id``: record id ->
        target ids in ``link_ids`` order (records with none left out)."""

    def links_of(self, kind: Kind, field: str, ids: list[int]) -> dict[int, list[int]]:
        """The link list ``field`` of the records with these ids (a page of a table): record id
        -> target ids in ``link_ids`` order (records with none left out)."""

    def citations_between(self, kind: Kind, first_id: int, last_id: int
                          ) -> dict[int, list[dict]]:
        """The citations of the records with ids ``first_id``..``last_id``: record id -> what
        ``citations`` gives (records with none left out)."""

    def uids_of(self, kind: Kind, ids: list[int]) -> dict[int, str]:
        """id -> uid of the records with these ids (missing ones left out)."""

    def ids_of_uids(self, kind: Kind, uids: list[str]) -> dict[str, int]:
        """uid -> id of the records with these uids (unknown ones left out)."""

    def titled(self, kind: Kind, title: str, limit: int) -> list[tuple[int, str]]: ...

    def matching_titles(self, kind: Kind, words: list[str]) -> Iterator[tuple[int, str]]: ...

    def search(self, words: list[str], kinds: list[str] | None, limit: int, offset: int = 0
               ) -> list[tuple[str, int]]:
        """(kind, record id) of live records (not in the trash) matching every word's group
        (:func:`tracker.model.text.search_groups`: the word or another form of it, as a prefix,
        in the body or the forms); those holding the typed words in their body first, then
        best first; ``limit`` of them from ``offset``."""

    def search_total(self, words: list[str], kinds: list[str] | None) -> int:
        """How many records :meth:`search` finds in all."""

    def search_page(self, words: list[str], kinds: list[str] | None, limit: int | None,
                    offset: int = 0) -> tuple[int, list[tuple[str, int, int]]]:
        """(:meth:`search_total`, :meth:`search`) read together (one pass over the matches
        where the engine can); ``limit`` None: every hit from ``offset``."""

    # settings, presets, audit
    def settings(self) -> dict[str, str | None]: ...

    def setting(self, key: str) -> str | None: ...

    def presets(self) -> dict[str, str]: ...

    def audit(self, kind: str | None, record_id: int | None, *, limit: int, offset: int,
              where: AuditFilter | None = None) -> list[dict]:
        """Audit rows, newest first, of ``kind`` (and ``record_id``) that ``where`` lets
        through (:class:`~tracker.store.audit_filter.AuditFilter`)."""

    def audit_count(self, kind: str | None, record_id: int | None,
                    where: AuditFilter | None = None) -> int:
        """How many rows :meth:`audit` gives in all."""

    def audit_users(self) -> list[str]:
        """Everyone who wrote an audit entry (that this login may read), by name."""
