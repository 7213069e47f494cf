"""Imports: an export (JSON, or CSV in a zip or a folder) applied to a database, all of it or
nothing.

A record whose ``uid`` is known updates it, the others are created. Everything is checked before
anything is written; one invalid record raises :class:`ImportProblem` naming the kind, the record
and the field, and nothing is written. The whole import is one write (``repo.batch``) with one
``import`` audit entry per record it changes. A record the file holds in an older version than the
database (changed here since the export) refuses the import (:class:`ImportConflict`) unless
``skip_older`` leaves it alone.

Three phases, so that the write lock is held only while writing and memory does not grow with
the file:

1. load: every record of the file goes, as read, into the stage (a private temporary database
   beside the database file, :mod:`tracker.store.sqlite.stage`), with its shape, uid and system
   fields checked (:mod:`tracker.exchange.checks`);
2. plan: a batch at a time, each record is checked as the repository would and what it would do
   is decided (:mod:`tracker.exchange.planner`). Nothing is written; a dry run stops here. Any
   problem refuses the whole file;
3. write: one transaction (all or nothing; :mod:`tracker.exchange.writing`). If another program
   wrote in between, the plan is made again inside it.
"""

from __future__ import annotations

import gc
import itertools
import os
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.exchange.checks import Problems, as_uid, record_label, system_values
from tracker.exchange.contents import stage_content
from tracker.exchange.errors import FileProblem, ImportConflict
from tracker.exchange.files import MAX_FILES, FileInfo
from tracker.exchange.history import (
    HISTORY_KEY,
    STAGE_PREFIX,
    carried_history,
    check_entry,
    history_records,
)
from tracker.exchange.json_format import FILES_KEY
from tracker.exchange.planner import Conflict, Planner
from tracker.exchange.reading import read_records
from tracker.exchange.relationship import SETTINGS_KEY, load_setting, settings_plan, write_settings
from tracker.exchange.writing import write_plans
from tracker.i18n import _, ngettext
from tracker.model import KIND_ORDER, KINDS, SOURCE_KIND
from tracker.store.errors import StorageError
from tracker.store.repository import Change, ReadOnlyError, Repository
from tracker.store.sqlite.stage import Stage, UnstorableValue

Progress = Callable[[int, int, str], None]


@dataclass
class ImportResult:
    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    change: Change | None
    older: dict[str, int] = field(default_factory=dict)  # older than ours: skipped, or refused
    conflicts: list[Conflict] = field(default_factory=list)  # the first MAX_LISTED of them
    files: list[FileInfo] = field(default_factory=list)  # what was understood of each file
    history: int = 0  # history entries carried over (--with-history; or that would be)
    history_left: int = 0  # entries of records that were already here (left out)
    settings: dict[str, str] = field(default_factory=dict)  # empty here: set from the file
    settings_kept: dict[str, tuple[str, str]] = field(default_factory=dict)  # {k: (ours, file)}

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    @property
    def older_total(self) -> int:
        return sum(self.older.values())


def import_data(repo: Repository, data: Any, *, label: str | None = None,
                dry_run: bool = False, skip_older: bool = False,
                with_history: bool = False,
                progress: Progress | None = None) -> ImportResult:
    """Apply an export (``{kind: [records]}``) to ``repo``: all of it, or nothing.

    ``dry_run``: check everything and count what the import would do; nothing is written and
    no write lock is taken. Records older than the database's copies (``version`` lower than
    ours: changed here since the export) refuse the import (:class:`ImportConflict`) unless
    ``skip_older``, which leaves them as they are; a dry run lists them in ``conflicts``."""
    if not isinstance(data, dict):
        raise FileProblem(_("not an export: expected an object keyed by kind ({kinds})").format(
            kinds=", ".join(KIND_ORDER)))
    for key, value in data.items():
        if key not in KINDS:
            if isinstance(key, str) and key.startswith("_"):  # room for metadata ("_format")
                continue
            raise FileProblem(_("unknown kind {name!r} in the file; choose one of: {kinds}")
                              .format(name=key, kinds=", ".join(KIND_ORDER)))
        if value is not None and not isinstance(value, list):
            raise FileProblem(_("{kind}: expected a list of records").format(kind=key))
    carried = data.get(SETTINGS_KEY) if isinstance(data.get(SETTINGS_KEY), list) else []
    records = itertools.chain(((name, raw) for name, items in data.items() if name in KINDS
                               for raw in items or []),
                              history_records(data) if with_history else (),
                              ((SETTINGS_KEY, raw) for raw in carried))
    return _import(repo, records, [], label=label, dry_run=dry_run, skip_older=skip_older,
                   what=_("the data"), progress=progress)


def import_file(repo: Repository, path: str | os.PathLike, *, dry_run: bool = False,
                skip_older: bool = False, label: str | None = None,
                with_history: bool = False,
                progress: Progress | None = None) -> ImportResult:
    """Import a JSON export, a zip of CSV files or a folder of them (see :func:`import_data`),
    read as a stream. ``with_history``: a JSON export's history entries of the records this
    import creates are carried over too (:mod:`tracker.exchange.history`).
    ``progress(done, total, stage)``: see :class:`Steps`."""
    files: list[FileInfo] = []
    return _import(repo, read_records(path, files, history=with_history), files, label=label,
                   dry_run=dry_run, skip_older=skip_older, what=Path(path).name,
                   progress=progress, plain=True)


#: Python's cyclic collector while an import runs: its youngest generation collected every
#: 20,000 new containers instead of every 700 (an import makes and drops millions of dicts and
#: lists, holding few: ~10,000 collections and ~1 s of a 180,000-record import's CPU otherwise)
IMPORT_GC_THRESHOLD = (20_000, 20, 100)


_collector = {"imports": 0, "before": None}
_collector_lock = threading.Lock()


@contextmanager
def fewer_collections() -> Iterator[None]:
    """The collector's thresholds raised to IMPORT_GC_THRESHOLD meanwhile (never lowered), put
    back as they were when the last import running ends, also when it fails."""
    with _collector_lock:
        if not _collector["imports"]:
            before = _collector["before"] = gc.get_threshold()
            gc.set_threshold(*(max(a, b) for a, b in zip(before, IMPORT_GC_THRESHOLD,
                                                         strict=True)))
        _collector["imports"] += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector["imports"] -= 1
            if not _collector["imports"]:
                gc.set_threshold(*_collector["before"])


def _import(repo: Repository, records: Iterator[tuple[str, Any]], files: list[FileInfo], *,
            label: str | None, dry_run: bool, skip_older: bool, what: str,
            progress: Progress | None, plain: bool = False) -> ImportResult:
    """``plain``: the records are data as a file reader makes it (the stage keeps them so)."""
    with fewer_collections():
        return _import_collected(repo, records, files, label=label, dry_run=dry_run,
                                 skip_older=skip_older, what=what, progress=progress,
                                 plain=plain)


def _import_collected(repo: Repository, records: Iterator[tuple[str, Any]],
                      files: list[FileInfo], *, label: str | None, dry_run: bool,
                      skip_older: bool, what: str, progress: Progress | None,
                      plain: bool) -> ImportResult:
    if not dry_run and repo.read_only:
        raise ReadOnlyError(repo.path)
    label = label or _("Import")
    steps = Steps(progress)
    carried: dict[str, str] = {}  # the relationship's settings the file gives
    with Stage(repo.path.parent, plain=plain) as stage:
        problems = Problems()
        seen = repo.data_version()  # before the first look at the database
        try:
            load(repo, stage, records, problems, steps, carried)
        except MemoryError:
            raise FileProblem(_("{name} is too large to import").format(name=what)) from None
        problems.raise_any()
        planner = Planner(repo, stage, problems, steps.checking)
        planner.run()
        problems.raise_any()

        fill, kept = settings_plan(repo.settings(), carried)

        def result(change: Change | None = None) -> ImportResult:
            entries, left = carried_history(stage)
            return ImportResult(planner.created, planner.updated, planner.unchanged, change,
                                planner.older, planner.conflicts, files, entries, left,
                                fill, kept)

        if planner.older and not skip_older and not dry_run:
            raise ImportConflict(planner.conflicts, sum(planner.older.values()))
        if dry_run or not (planner.created or planner.updated or fill):
            return result()
        n = sum(info.records for info in files) or sum(planner.created.values()) + sum(
            planner.updated.values())
        activity = ngettext("importing {name} ({n} record)", "importing {name} ({n} records)",
                            n).format(name=what, n=n)
        with repo.batch(activity=activity) as batch:
            if repo.data_version() != seen:  # another program wrote since: plan again
                refresh_existing(repo, stage)
                planner = Planner(repo, stage, problems)
                planner.run()
                problems.raise_any()
                if planner.older and not skip_older:
                    raise ImportConflict(planner.conflicts, sum(planner.older.values()))
            created = dict(planner.created)
            # a table getting more new rows than it holds builds its indexes once at the end
            # (the kinds' and the audit's, which nothing reads while the import writes; not
            # the citations': the audit reads each chunk's back by record, and without them
            # each read scans every citation written so far); SQLite's cache is kept small
            # enough for the import's memory to stay flat
            entries = sum(created.values()) + sum(planner.updated.values())
            with batch.growing({**created, "audit": entries}, cache_mb=IMPORT_CACHE_MB):
                touched = write_plans(repo, stage, batch, label, steps.writing)
            fill, kept = settings_plan(batch.settings(), carried)  # as they are now
            write_settings(batch, fill)
        change = Change("", None, "import", label, None, frozenset(touched)) \
            if touched or fill else None
        return result(change)


# --- 1. load ------------------------------------------------------------------------------------

class Steps:
    """An import's progress, told to ``progress(done, total, stage)``: "reading" (records read
    so far; ``total`` 0, not known yet, until the last report), then "checking" and "writing"
    (records of the file done out of ``total``); a few hundred reports in all."""

    EVERY = 2000  # records read between two reports

    def __init__(self, progress: Progress | None):
        self.progress = progress
        self.total = 0
        self._last = -1

    def reading(self, done: int, *, last: bool = False) -> None:
        """``done`` records read; ``last``: the file is read (its total is known now)."""
        if self.progress is not None and (last or done % self.EVERY == 0):
            self.progress(done, done if last else 0, "reading")

    def _tell(self, stage: str, done: int) -> None:
        step = done * 200 // max(self.total, 1)
        if self.progress is not None and (step != self._last or done == self.total):
            self._last = step
            self.progress(done, self.total, stage)

    def checking(self, done: int) -> None:
        self._tell("checking", done)

    def writing(self, done: int) -> None:
        self._tell("writing", done)


LOAD_CHUNK = 500  # records read before their uids are looked up (at once)
IMPORT_CACHE_MB = 64  # SQLite's cache while an import writes (a million records: < 300 MB in all)


def load(repo: Repository, stage: Stage, records: Iterator[tuple[str, Any]],
         problems: Problems, steps: Steps | None = None,
         settings: dict[str, str] | None = None) -> None:
    """The file's records into the stage, checked; its relationship's settings in ``settings``."""
    steps = steps or Steps(None)
    counters = dict.fromkeys([*KINDS, HISTORY_KEY, SETTINGS_KEY], 0)
    read = 0
    limit, contents = repo.attachment_limit(), 0
    with stage.transaction():
        chunk: list[tuple[str, Any, int]] = []
        for name, raw in records:
            if name == FILES_KEY:  # an attached file's content: into the stage as it is read
                contents += 1
                if contents > MAX_FILES:
                    raise FileProblem(_("the file holds more than {limit} attached files")
                                      .format(limit=MAX_FILES))
                stage_content(stage, raw, limit)
                continue
            counters[name] += 1
            if name == HISTORY_KEY:
                _load_entry(stage, problems, raw, counters[name])
                continue
            if name == SETTINGS_KEY:
                load_setting(problems, raw, counters[name], settings)
                continue
            chunk.append((name, raw, counters[name]))
            if len(chunk) >= LOAD_CHUNK:
                _load_chunk(repo, stage, problems, chunk)
                chunk = []
            read += 1
            steps.reading(read)
        _load_chunk(repo, stage, problems, chunk)
    steps.total = read
    steps.reading(read, last=True)


def _load_entry(stage: Stage, problems: Problems, raw: Any, index: int) -> None:
    """A history entry into the stage, beside (not among) the records of its kind."""
    entry, problem = check_entry(raw)
    where = _("#{n}").format(n=index)
    if problem is not None:
        problems.add(HISTORY_KEY, where, _("(entry)"), problem)
        return
    if problems.count:
        return
    try:
        packed = stage.pack(entry)
    except (RecursionError, UnstorableValue):
        problems.add(HISTORY_KEY, where, _("(entry)"), _("not a history entry"))
        return
    stage.add(STAGE_PREFIX + entry["kind"], where, None, None, packed)




class _Uids:
    """The uids of a chunk of the file's records, looked up at once: which the database holds
    (their ids) and which the stage holds already (the file gives them twice). A chunk whose
    uids cannot all be looked up together is looked up a record at a time."""

    def __init__(self, repo: Repository, stage: Stage, chunk: list[tuple[str, Any, int]]):
        self.repo, self.stage = repo, stage
        self.ids: dict[str, dict[str, int]] | None = {}
        self.staged: dict[str, set[str]] = {}
        self.added: set[tuple[str, str]] = set()
        wanted: dict[str, list[str]] = {}
        for name, raw, _index in chunk:
            uid = as_uid(raw.get("uid")) if isinstance(raw, dict) else None
            if uid is not None and len(uid) <= 100:
                wanted.setdefault(name, []).append(uid)
        try:
            for name, uids in wanted.items():
                self.ids[name] = repo.ids_of_uids(name, uids)
                self.staged[name] = stage.staged_uids(name, uids)
        except (ValueError, UnicodeEncodeError, StorageError):  # a uid no database holds
            self.ids = None

    def existing(self, name: str, uid: str) -> int | None:
        if self.ids is None:
            return self.repo.id_of_uid(name, uid)
        return self.ids.get(name, {}).get(uid)

    def twice(self, name: str, uid: str) -> bool:
        if self.ids is None:
            return self.stage.has_uid(name, uid)
        return uid in self.staged.get(name, ()) or (name, uid) in self.added


def _load_chunk(repo: Repository, stage: Stage, problems: Problems,
                chunk: list[tuple[str, Any, int]]) -> None:
    if chunk:
        uids = _Uids(repo, stage, chunk)
        for name, raw, index in chunk:
            _load_one(uids, stage, problems, name, raw, index)


def _load_one(uids: _Uids, stage: Stage, problems: Problems, name: str, raw: Any,
              index: int) -> None:
    if not isinstance(raw, dict):
        problems.add(name, _("#{n}").format(n=index), _("(record)"),
                     _("expected an object with the record's fields"))
        return
    uid_raw = raw.get("uid")
    uid = as_uid(uid_raw)
    where = record_label(raw, index, uid)
    if uid_raw not in (None, "") and (uid is None or len(uid) > 100):
        problems.add(name, where, "uid", _("expected an identifier of at most 100 characters"))
        return
    system, found = system_values(raw)
    for key, message in found.items():
        problems.add(name, where, key, message)
    sources = raw.get("sources")
    if sources is not None and not isinstance(sources, list):
        problems.add(name, where, "sources", _("expected a list of {{source_uid, source, quote}}"))
        return
    if found:
        return
    try:
        existing = uids.existing(name, uid) if uid else None
        twice = bool(uid) and uids.twice(name, uid)
    except (ValueError, UnicodeEncodeError, StorageError):  # no database holds it
        problems.add(name, where, "uid", _("expected an identifier of at most 100 characters"))
        return
    if twice:
        problems.add(name, where, "uid", _("the file holds this uid twice"))
        return
    try:
        packed = stage.pack((raw, system))
    except RecursionError:
        problems.add(name, where, _("(record)"), _("nested too deeply"))
        return
    except UnstorableValue:
        problems.add(name, where, _("(record)"), _("not a record"))
        return
    if problems.count:  # the file is refused: only count the rest of its problems
        return
    seq = stage.add(name, where, uid, existing, packed)
    if uid:
        uids.added.add((name, uid))
    title = raw.get("title")
    if name == SOURCE_KIND.name and existing is None and isinstance(title, str):
        try:
            stage.add_title(" ".join(title.split()).casefold(), seq)
        except (ValueError, UnicodeEncodeError):
            pass  # such a title is refused when the record is checked


def refresh_existing(repo: Repository, stage: Stage) -> None:
    """Look the file's uids up in the database again (another program may have created some
    since they were read)."""
    with stage.transaction():
        for name in KINDS:
            for seq, uid, existing in stage.uids(name):
                now = repo.id_of_uid(name, uid)
                if now != existing:
                    stage.set_existing(name, seq, uid, now)
