"""The one way in to the data: reads, validated writes, audit, trash, undo and search.

Every write is one transaction that also writes its audit entry. Updates carry the version the
caller loaded; a stale version raises :class:`ConflictError` and overwrites nothing. Writes return
a :class:`Change` saying what changed, so windows refresh only that.

The repository holds no SQL: it says what to read and write in terms of the declarations
(:mod:`tracker.model`) and :class:`~tracker.store.query.Filter` s, and an engine
(:mod:`tracker.store.backend`) does it.
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tracker.errors import TrackerError
from tracker.i18n import _
from tracker.model import (
    KIND_ORDER,
    KINDS,
    LINK,
    LINKS,
    REPORTS_KEY,
    Kind,
    get_kind,
    normalize,
)
from tracker.model import validate as validate_record
from tracker.model.text import fold, labels_found, query_forms, snippet, terms
from tracker.store.attachments import Attachments, snapshot
from tracker.store.commitments import Commitments
from tracker.store.errors import (
    ConflictError,
    NotFound,
    NothingToUndo,
    ReadOnlyError,
    StorageError,
    ValidationError,
)
from tracker.store.lookups import Lookups
from tracker.store.results import (
    Change,
    SearchHit,
    SearchHits,
    diff,
    os_user,
    record_name,
    same_citations,
    same_values,
    unchanged,
)
from tracker.store.series import series_problems, shown_measures
from tracker.store.settings import SETTING_KEYS, SettingsAndHistory
from tracker.store.undo import UndoStack, UndoStep
from tracker.store.wording import Wording, words

if TYPE_CHECKING:
    from tracker.store.batch import Batch

# Keys a caller may hand in with a record that are not fields the user edits.
IGNORED_INPUT = frozenset({"id", "uid", "created_at", "updated_at", "created_by", "updated_by",
                           "version", "deleted_at", "citations", "sources", "overdue",
                           "attachments"})

__all__ = ["SETTING_KEYS", "Change", "ConflictError", "NotFound", "NothingToUndo",
           "ReadOnlyError", "Repository", "SearchHit", "SearchHits", "StorageError",
           "TrackerError", "ValidationError", "diff"]


class Repository(SettingsAndHistory, Commitments, Lookups, Attachments):
    """A session on one database: a file (SQLite) or a server's (PostgreSQL)."""

    def __init__(self, target, *, create: bool = True, read_only: bool = False,
                 user: str | None = None, background_check: bool = False):
        """``target``: an engine (``tracker.store.backend``) or what to open one on (a path).
        ``background_check=True`` (the GUI): a large file opens at once and its integrity check
        runs in a thread; every write waits for it (see ``SqliteBackend``)."""
        if isinstance(target, (str, os.PathLike)):
            from tracker.store.engines import open_backend

            target = open_backend(target, create=create, read_only=read_only,
                                  background_check=background_check)
        self.backend = target
        self._user = user or None  # the OS user name is read on the first write
        self._steps = UndoStack()
        self.changed = False  # any write in this session (backups on exit look at it)

    # -- the session --------------------------------------------------------------------------

    @property
    def path(self):
        """Where the data lives (a file's path), for messages, backups and window titles."""
        return self.backend.path

    @property
    def read_only(self) -> bool:
        return self.backend.read_only

    @property
    def warnings(self) -> list[str]:
        """Read-only reason, network share, damage found: show these to the user."""
        return self.backend.warnings

    @property
    def damage(self) -> str | None:
        return self.backend.damage

    @property
    def read_only_reason(self) -> str | None:
        """Why the database could not be opened for writing (None when it could, or when the
        caller asked for a read-only session)."""
        return self.backend.read_only_reason

    def file_gone(self) -> bool:
        """True when the database is no longer where it was opened (its file or folder was
        deleted, moved or replaced); nothing can be saved then."""
        return self.backend.file_gone()

    @property
    def is_new(self) -> bool:
        """The database was created empty by this session (the seed fills it)."""
        return self.backend.is_new

    def verify(self, timeout: float | None = None) -> Exception | None:
        """Wait for a background integrity check (``None`` if it passed or none ran)."""
        return self.backend.verify(timeout)

    def check_pending(self) -> bool:
        return self.backend.check_pending()

    def close(self) -> None:
        self.backend.close()

    @property
    def closed(self) -> bool:
        return self.backend.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @property
    def user(self) -> str:
        """Who the audit names: on a server the database login (the server enforces it); on a
        file the ``user`` given, else the operating-system user."""
        login = getattr(self.backend, "login", None)
        if login:
            return login
        if self._user is None:
            self._user = os_user()
        return self._user

    @user.setter
    def user(self, value: str | None) -> None:
        self._user = value or None

    @contextmanager
    def batch(self, *, activity: str | None = None) -> Iterator[Batch]:
        """One write transaction for many records (import, the seed, generated data): all of it
        is kept, or none of it. No undo steps; the caller writes its audit entries.
        ``activity``: what a long write is doing, told to other programs' writes that wait."""
        from tracker.store.batch import Batch  # (writes only: not loaded before the first frame)

        self.backend.user = self.user
        with self.backend.transaction(activity=activity) as writer:
            yield Batch(self, writer)
        self.changed = True

    @property
    def on_wait(self):
        """Told (once per holder) when a write waits for another program's long write (an
        import) to end; None: such a write gives up after the busy timeout instead."""
        return self.backend.on_wait

    @on_wait.setter
    def on_wait(self, value) -> None:
        self.backend.on_wait = value

    def data_version(self) -> int:
        """Changes when another session commits (cheap; poll it to notice outside writes)."""
        return self.backend.data_version()

    def last_audit_id(self) -> int:
        return self.backend.last_audit_id()

    # -- reads --------------------------------------------------------------------------------

    def list(self, kind_name: str, *, search: str | None = None, status: str | None = None,
             sort: str | None = None, descending: bool = False, limit: int | None = None,
             offset: int = 0, trash: bool = False, max_classification: str | None = None,
             columns: list[str] | None = None, with_links: bool = False,
             lead: str | None = None) -> list[dict]:
        """Records of one kind, filtered, sorted (empty values last) and paged by the engine;
        ``lead``: only those naming it in a lead field ("My items")."""
        kind = get_kind(kind_name)
        f = _filter()(kind, search=search, status=status, trash=trash,
                        max_classification=max_classification, lead=lead)
        rows = self.backend.select(f, sort=_sort_field(kind, sort), descending=descending,
                                   limit=limit, offset=offset, columns=columns)
        if with_links:
            for row in rows:
                self._attach_links(kind, row)
        return rows

    def count(self, kind_name: str, *, search: str | None = None, status: str | None = None,
              trash: bool = False, max_classification: str | None = None,
              lead: str | None = None) -> int:
        kind = get_kind(kind_name)
        return self.backend.count(_filter()(kind, search=search, status=status, trash=trash,
                                            max_classification=max_classification, lead=lead))

    def position(self, kind_name: str, record_id: int, *, search: str | None = None,
                 status: str | None = None, sort: str | None = None, descending: bool = False,
                 trash: bool = False, max_classification: str | None = None,
                 lead: str | None = None) -> int | None:
        """The 0-based row of ``record_id`` in ``list()`` called with the same arguments, or
        None when the filters leave it out (the GUI keeps a selection visible)."""
        kind = get_kind(kind_name)
        f = _filter()(kind, search=search, status=status, trash=trash,
                        max_classification=max_classification, lead=lead)
        return self.backend.position(f, record_id, sort=_sort_field(kind, sort),
                                     descending=descending)

    def ids(self, kind_name: str, **filters) -> list[int]:
        return [row["id"] for row in self.list(kind_name, columns=["id"], **filters)]

    def totals(self) -> dict[str, int]:
        return {k: self.count(k) for k in KIND_ORDER}

    def get(self, kind_name: str, record_id: int, *, include_deleted: bool = True) -> dict:
        kind = get_kind(kind_name)
        record = self.backend.row(kind, record_id)
        if record is None or (record["deleted_at"] and not include_deleted):
            raise NotFound(kind.name, record_id)
        self._attach_links(kind, record)
        return record

    def get_by_uid(self, kind_name: str, uid: str) -> dict | None:
        kind = get_kind(kind_name)
        rid = self.backend.id_of_uid(kind, uid)
        return self.get(kind.name, rid) if rid is not None else None

    def id_of_uid(self, kind_name: str, uid: str) -> int | None:
        """The id of the record of the kind with this uid (in the trash or not), or None."""
        return self.backend.id_of_uid(get_kind(kind_name), uid)

    def stored(self, kind_name: str, record_id: int, columns: list[str]) -> dict | None:
        """Some stored fields of a record (trashed or not), without its links and sources; None
        when there is no such record. Cheaper than ``get`` for one field of many records."""
        kind = get_kind(kind_name)
        for name in columns:
            kind.field(name)  # only declared fields: KeyError otherwise
        return self.backend.row(kind, record_id, list(columns))

    def uids(self, kind_name: str) -> dict[int, str]:
        """id -> uid of every record of a kind (the trash included)."""
        return self.backend.uids(get_kind(kind_name))

    def exists(self, kind_name: str, record_id: Any) -> bool:
        """A record of the kind with this id exists (in the trash or not)."""
        return self.backend.exists(get_kind(kind_name), record_id)

    def _attach_links(self, kind: Kind, record: dict) -> None:
        for f in kind.link_lists:
            record[f.name] = self.backend.link_ids(kind, f.name, record["id"])
        record["citations"] = self.backend.citations(kind, record["id"])
        if kind.reports is not None:
            record[REPORTS_KEY] = self.backend.reports(kind, record["id"])
        record["attachments"] = [snapshot(a) for a in
                                 self.backend.attachments(kind.name, [record["id"]])]

    def citations(self, kind_name: str, record_id: int) -> list[dict]:
        """The sources behind a record: ``[{source_id, source, quote}]`` in the order added."""
        return self.backend.citations(get_kind(kind_name), record_id)

    def titles(self, kind_name: str, ids: list[int]) -> dict[int, str]:
        kind = get_kind(kind_name)
        return self.backend.titles(kind, list(ids)) if ids else {}

    def choices_for_link(self, target: str, search: str | None = None, limit: int = 200
                         ) -> list[tuple[int, str]]:
        """(id, title) pairs a link field may point at (not trashed), for pickers."""
        rows = self.list(target, search=search, sort="title", limit=limit, columns=["title"])
        return [(r["id"], r["title"]) for r in rows]

    def search(self, text: str, *, limit: int | None = 50, offset: int = 0,
               kinds: list[str] | None = None) -> SearchHits:
        """Full-text search across kinds; any text is safe and never raises.

        Finds records (not in the trash) holding each typed word, or another form of it (its
        stem, its transliteration: :mod:`tracker.model.text`), in their text, the labels of
        their choices or the text of their attached files (the hit then names the file and the
        page). Those holding the typed words themselves come first, then by rank. Returns
        ``limit`` hits from ``offset`` (None: all of them), grouped by kind (stable: the best
        first within a kind), with ``total``: how many there are in all."""
        kinds = [get_kind(k).name for k in kinds] if kinds else None
        words = terms(text)
        if not words:
            return SearchHits()
        offset = max(0, int(offset))
        total, page = self.backend.search_page(words, kinds, limit, offset)
        shown = [w for w in fold(text).split() if w]
        shown += [f for w in words for f in query_forms(w)]
        hits = SearchHits(total=total, offset=offset)
        rows, files = self._hit_rows(page), self.attachment_hits(
            [part for _k, _r, part in page if part], words, shown)
        for kind_name, rid, part in page:
            kind, row = KINDS.get(kind_name), rows.get((kind_name, rid))
            if kind is None or row is None or row["deleted_at"] is not None:
                continue  # gone since the page was read
            found = files.get(part) if part else None
            if found is not None:  # a word in an attached file: which file, which page
                hits.append(SearchHit(kind_name, rid, row["title"], row["status"], found[2],
                                      found[0]["name"], found[1], found[0]["id"]))
                continue
            cols = [f.name for f in kind.searchable_fields if f.name != "title"]
            text_of = " ".join(" ".join(str(row[c]).split()) for c in cols if row[c])
            hits.append(SearchHit(kind_name, rid, row["title"], row["status"],
                                  snippet(row["title"], text_of, shown,
                                          labels_found(kind, row, shown))))
        order = {k: i for i, k in enumerate(KIND_ORDER)}
        hits.sort(key=lambda h: order.get(h.kind, 99))  # stable: rank order within a kind
        return hits

    def _hit_rows(self, page: list[tuple[str, int, int]]) -> dict[tuple[str, int], dict]:
        """(kind, id) -> what a search hit shows of each record of a page of hits (its title,
        status, text and labelled choices), in one read per kind."""
        ids: dict[str, list[int]] = {}
        for kind_name, rid, _part in page:
            if kind_name in KINDS:
                ids.setdefault(kind_name, []).append(rid)
        out: dict[tuple[str, int], dict] = {}
        for kind_name, wanted in ids.items():
            kind = KINDS[kind_name]
            cols = [f.name for f in kind.searchable_fields if f.name != "title"]
            labelled = [f.name for f in kind.labelled_fields if f.name != "status"]
            out.update(((kind_name, rid), row) for rid, row in self.backend.rows_of(
                kind, wanted, ["title", "status", "deleted_at", *cols, *labelled]).items())
        return out

    # -- validation ---------------------------------------------------------------------------

    def check(self, kind_name: str, values: dict[str, Any], *, record_id: int | None = None
              ) -> tuple[dict, dict[str, str]]:
        """Normalise and validate ``values`` as a whole record (merged over the stored one when
        ``record_id`` is given); returns ``(record, problems)`` and writes nothing."""
        kind = get_kind(kind_name)
        return self._checked(kind, values,
                             self.get(kind.name, record_id) if record_id is not None else None)

    def _checked(self, kind: Kind, values: dict[str, Any], base: dict | None
                 ) -> tuple[dict, dict[str, str]]:
        """``check`` over the stored record ``base`` (None: a new record)."""
        clean, problems = normalize(kind, {k: v for k, v in values.items()
                                           if k not in IGNORED_INPUT and not (
                                               k == REPORTS_KEY and kind.reports)})
        if base is not None:
            merged = {f.name: base.get(f.name) for f in kind.fields}
        else:
            merged = kind.defaults()
        merged.update(clean)
        self.merge_reports(kind, values, merged, base, problems)
        for name, message in validate_record(kind, merged).items():
            problems.setdefault(name, message)
        problems.update({k: v for k, v in self._link_problems(kind, merged).items()
                         if k not in problems})
        problems.update({k: v for k, v in series_problems(self, kind, merged, base).items()
                         if k not in problems})
        return merged, problems

    def _link_problems(self, kind: Kind, record: dict) -> dict[str, str]:
        problems = {}
        for f in kind.fields:
            if f.type == LINK and record.get(f.name) is not None:
                if not self.exists(f.target, record[f.name]):
                    problems[f.name] = _("no {kind} with id {id}").format(
                        kind=f.target, id=record[f.name])
            elif f.type == LINKS:
                missing = [i for i in record.get(f.name) or [] if not self.exists(f.target, i)]
                if missing:
                    problems[f.name] = _("no {kind} with id {ids}").format(
                        kind=f.target, ids=", ".join(map(str, missing)))
        return problems

    # -- writes -------------------------------------------------------------------------------

    def _write(self, kind: Kind, rid: int, action: str, label: Wording, step_before,
               write) -> Change:
        """Run ``write(batch) -> (before, after)`` in one transaction with its audit entry, push
        the undo step and say what changed."""
        with self.batch() as b:
            before, after = write(b)
            b.audit(kind.name, rid if rid is not None else after["id"], after["uid"], action,
                    label, before, after)
        rid = after["id"]
        self._steps.push(UndoStep(label, kind.name, rid, step_before(before), after,
                                  after["version"]))
        return Change(kind.name, rid, action, str(label), after, frozenset({kind.name}))

    def create(self, kind_name: str, values: dict[str, Any], *,
               citations: list[dict] | None = None, uid: str | None = None,
               label: str | None = None) -> Change:
        kind = get_kind(kind_name)
        record, problems = self.check(kind.name, values)
        if problems:
            raise ValidationError(kind.name, record_name(record), problems)
        problem = self.citation_problem(citations or [])
        if problem:
            raise ValidationError(kind.name, record_name(record), {"citations": problem})
        label = words(label) if label else Wording("create", kind=kind.name)

        def write(b: Batch):
            rid = b.insert(kind, record, uid=uid, citations=citations or None)
            return None, self.get(kind.name, rid)

        return self._write(kind, None, "create", label, lambda _before: None, write)

    def update(self, kind_name: str, record_id: int, values: dict[str, Any], *,
               expected_version: int | None, label: str | None = None) -> Change:
        """Change some fields; ``expected_version`` is the version the caller loaded (None only
        for tools that deliberately skip the check). Values the record already has change
        nothing: no write, no new version, no audit entry, no undo step; the Change says so
        (action "unchanged")."""
        kind = get_kind(kind_name)
        base = self.get(kind.name, record_id)
        record, problems = self._checked(kind, values, base)
        if problems:
            raise ValidationError(kind.name, record_name(record, record_id), problems)
        if not base["deleted_at"] and same_values(kind, record, base):
            return unchanged(kind, base)
        label = words(label) if label else Wording("update", kind=kind.name)

        def write(b: Batch):
            before = self.get(kind.name, record_id)
            _check_version(kind, before, expected_version)
            if before["deleted_at"]:
                raise TrackerError(_("{kind} {id} is in the trash; restore it before editing")
                                   .format(kind=kind.name, id=record_id))
            return before, b.write_state(kind, record_id, record, before)

        return self._write(kind, record_id, "update", label, _same, write)

    def set_citations(self, kind_name: str, record_id: int, citations: list[dict], *,
                      expected_version: int | None, label: str | None = None) -> Change:
        """Replace the sources behind a record (``[{source_id, quote}]``); audited and undoable.
        The sources it already has, in that order, change nothing (action "unchanged")."""
        kind = get_kind(kind_name)
        if isinstance(citations, list) and all(isinstance(c, dict) for c in citations):
            base = self.get(kind.name, record_id)
            if not base["deleted_at"] and same_citations(citations, base["citations"]):
                return unchanged(kind, base)
        label = words(label) if label else Wording("cite", kind=kind.name)

        def write(b: Batch):
            before = self.get(kind.name, record_id)
            _check_version(kind, before, expected_version)
            problem = self.citation_problem(citations, keep=before["citations"])
            if problem:
                raise ValidationError(kind.name, record_name(before, record_id),
                                      {"citations": problem})
            return before, b.write_state(kind, record_id, dict(before, citations=citations),
                                         before)

        return self._write(kind, record_id, "update", label, _same, write)

    def delete(self, kind_name: str, record_id: int, *, expected_version: int | None = None,
               label: str | None = None) -> Change:
        """Move a record to the trash (restorable)."""
        kind = get_kind(kind_name)
        label = words(label) if label else Wording("delete", kind=kind.name)

        def write(b: Batch):
            before = self.get(kind.name, record_id)
            _check_version(kind, before, expected_version)
            if before["deleted_at"]:
                raise TrackerError(_("{kind} {id} is already in the trash").format(
                    kind=kind.name, id=record_id))
            return before, b.write_state(kind, record_id, before, before,
                                         deleted_at=b.now())

        return self._write(kind, record_id, "delete", label, _same, write)

    def restore(self, kind_name: str, record_id: int, *, label: str | None = None) -> Change:
        """Bring a record back from the trash."""
        kind = get_kind(kind_name)
        label = words(label) if label else Wording("restore", kind=kind.name)

        def write(b: Batch):
            before = self.get(kind.name, record_id)
            if not before["deleted_at"]:
                raise TrackerError(_("{kind} {id} is not in the trash").format(
                    kind=kind.name, id=record_id))
            return before, b.write_state(kind, record_id, before, before, deleted_at=None)

        return self._write(kind, record_id, "restore", label, _same, write)

    # -- undo / redo --------------------------------------------------------------------------

    def undo_label(self) -> str | None:
        return self._steps.undo_label()

    def redo_label(self) -> str | None:
        return self._steps.redo_label()

    def undo(self) -> Change:
        """Undo this session's last change (itself an audited write). A record changed by someone
        else since raises :class:`ConflictError` and the step stays on the stack."""
        if not self._steps.undo:
            raise NothingToUndo(_("nothing to undo"))
        step = self._steps.undo[-1]
        change = self._apply_step(step, step.before, "undo", step.version_after)
        self._steps.undone(change.record["version"])
        return change

    def redo(self) -> Change:
        if not self._steps.redo:
            raise NothingToUndo(_("nothing to redo"))
        step = self._steps.redo[-1]
        change = self._apply_step(step, step.after, "redo", step.version_before)
        self._steps.redone(change.record["version"])
        return change

    def _apply_step(self, step: UndoStep, target: dict | None, action: str,
                    expected_version: int) -> Change:
        kind = get_kind(step.kind)
        label = Wording(action, kind=kind.name, step=step.label)
        with self.batch() as b:
            current = self.get(kind.name, step.record_id)
            if current["version"] != expected_version:
                raise ConflictError(kind.name, step.record_id, expected_version, current)
            if target is None:  # undoing a create: the record goes to the trash, never lost
                after = b.write_state(kind, step.record_id, current, current,
                                      deleted_at=b.now())
            else:
                after = b.write_state(kind, step.record_id, target, current,
                                      deleted_at=target.get("deleted_at"))
            b.audit(kind.name, step.record_id, current["uid"], action, label, current, after)
        return Change(kind.name, step.record_id, action, str(label), after,
                      frozenset({kind.name}))

    # -- figures (dashboard and briefing summary) ---------------------------------------------

    def figures(self, today: _dt.date | None = None, *, max_classification: str | None = None,
                horizon_days: int = 90, limit: int | None = None) -> dict[str, Any]:
        """The key figures (``tracker.model.figures``); the dashboard and the briefing both show
        these. ``limit`` caps the lists; their full lengths are counted either way."""
        from tracker.store import figures as _figures

        return _figures.compute(self.backend, today, max_classification=max_classification,
                                horizon_days=horizon_days, limit=limit)

    def contradictions(self, today: _dt.date | None = None, *,
                       max_classification: str | None = None,
                       limit: int | None = None) -> tuple[list[dict[str, Any]], int]:
        """Live records holding a contradiction their kind declares (``Kind.checks``): rows
        ``{"kind", "id", "title", "field", "message"}`` and how many in all."""
        from tracker.store.checks import contradictions

        return contradictions(self.backend, today, max_classification=max_classification,
                              limit=limit)

    def shown_indicators(self, *, limit: int = 12) -> list[tuple[str, dict]]:
        """(kind, record) of the indicators chosen for the dashboard ("Show on the dashboard"),
        by title, with the fields their figures are computed from."""
        return shown_measures(self.backend, limit=limit)


def _filter():
    """``tracker.store.query.make_filter``, loaded by the first read of records (after the
    window's first frame: reading the settings before it does not need it)."""
    from tracker.store.query import make_filter

    return make_filter


def _same(before):
    return before


def _check_version(kind: Kind, current: dict, expected: int | None) -> None:
    if expected is not None and current["version"] != expected:
        raise ConflictError(kind.name, current["id"], expected, current)


def _sort_field(kind: Kind, sort: str | None) -> str:
    """The column to sort by (the kind's default if none), refusing anything not declared."""
    sort = sort or kind.default_sort
    if sort not in kind.sortable:
        raise TrackerError(_("cannot sort {kind} by {field!r}").format(kind=kind.name, field=sort))
    return sort

