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
3. write: one transaction (all or nothing). If another program wrote in between, the plan is
   made again inside it.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.exchange.checks import Problems, as_uid, record_label, system_values
from tracker.exchange.contents import stage_content
from tracker.exchange.errors import FileProblem, ImportConflict
from tracker.exchange.files import MAX_FILES, FileInfo
from tracker.exchange.json_format import FILES_KEY
from tracker.exchange.planner import Conflict, Plan, Planner, kind_order
from tracker.exchange.reading import read_records
from tracker.i18n import _, ngettext
from tracker.model import KIND_ORDER, KINDS, SOURCE_KIND
from tracker.store.batch import Batch
from tracker.store.errors import StorageError
from tracker.store.repository import Change, ConflictError, ReadOnlyError, Repository
from tracker.store.sqlite.stage import Stage, UnstorableValue


@dataclass
class ImportResult:
    created: dict[str, int]
    updated: dict[str, int]
    unchanged: dict[str, int]
    change: Change | None
    older: dict[str, int] = field(default_factory=dict)  # older than ours: skipped, or refused
    conflicts: list[Conflict] = field(default_factory=list)  # the first MAX_LISTED of them
    files: list[FileInfo] = field(default_factory=list)  # what was understood of each file

    @property
    def total(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    @property
    def older_total(self) -> int:
        return sum(self.older.values())


def import_data(repo: Repository, data: Any, *, label: str | None = None,
                dry_run: bool = False, skip_older: bool = False) -> ImportResult:
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
    records = ((name, raw) for name, items in data.items() if name in KINDS
               for raw in items or [])
    return _import(repo, records, [], label=label, dry_run=dry_run, skip_older=skip_older,
                   what=_("the data"))


def import_file(repo: Repository, path: str | os.PathLike, *, dry_run: bool = False,
                skip_older: bool = False, label: str | None = None) -> ImportResult:
    """Import a JSON export, a zip of CSV files or a folder of them (see :func:`import_data`),
    read as a stream."""
    files: list[FileInfo] = []
    return _import(repo, read_records(path, files), files, label=label, dry_run=dry_run,
                   skip_older=skip_older, what=Path(path).name)


def _import(repo: Repository, records: Iterator[tuple[str, Any]], files: list[FileInfo], *,
            label: str | None, dry_run: bool, skip_older: bool, what: str) -> ImportResult:
    if not dry_run and repo.read_only:
        raise ReadOnlyError(repo.path)
    label = label or _("Import")
    with Stage(repo.path.parent) as stage:
        problems = Problems()
        seen = repo.data_version()  # before the first look at the database
        try:
            load(repo, stage, records, problems)
        except MemoryError:
            raise FileProblem(_("{name} is too large to import").format(name=what)) from None
        problems.raise_any()
        planner = Planner(repo, stage, problems)
        planner.run()
        problems.raise_any()

        def result(change: Change | None = None) -> ImportResult:
            return ImportResult(planner.created, planner.updated, planner.unchanged, change,
                                planner.older, planner.conflicts, files)

        if planner.older and not skip_older and not dry_run:
            raise ImportConflict(planner.conflicts, sum(planner.older.values()))
        if dry_run or not (planner.created or planner.updated):
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
            touched = write_plans(repo, stage, batch, label)
        change = Change("", None, "import", label, None, frozenset(touched)) if touched else None
        return result(change)


# --- 1. load ------------------------------------------------------------------------------------

def load(repo: Repository, stage: Stage, records: Iterator[tuple[str, Any]],
         problems: Problems) -> None:
    """The file's records into the stage, their shapes, uids and system fields checked."""
    counters = dict.fromkeys(KINDS, 0)
    limit, contents = repo.attachment_limit(), 0
    with stage.transaction():
        for name, raw in records:
            if name == FILES_KEY:  # an attached file's content: into the stage as it is read
                contents += 1
                if contents > MAX_FILES:
                    raise FileProblem(_("the file holds more than {limit} attached files")
                                      .format(limit=MAX_FILES))
                stage_content(stage, raw, limit)
                continue
            counters[name] += 1
            _load_one(repo, stage, problems, name, raw, counters[name])


def _load_one(repo: Repository, stage: Stage, problems: Problems, name: str, raw: Any,
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
        existing = repo.id_of_uid(name, uid) if uid else None
        twice = bool(uid) and stage.has_uid(name, uid)
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


# --- 3. write -----------------------------------------------------------------------------------

_WRITES = ("create", "update")


class _Writer:
    """The plans carried out inside the write, targets before the records linking to them."""

    def __init__(self, repo: Repository, stage: Stage, batch: Batch, label: str):
        self.repo, self.stage, self.batch, self.label = repo, stage, batch, label
        # by seq: the id of the file's record once written (0: not yet); 8 bytes per record
        self.ids = array("q", bytes(8 * (stage.last_seq() + 1)))

    def ident(self, target: Any) -> int | None:
        return (self.ids[target[1]] or None) if isinstance(target, tuple) else target

    def write_records(self, name: str) -> None:
        """One kind's records created or updated (their citations wait for every record)."""
        kind = KINDS[name]
        befores: list[tuple[int, dict]] = []
        for seq, uid, action, plan, existing_id in self.stage.plans(name, _WRITES):
            record = dict(plan.values)
            for fname, target in plan.links.items():
                if isinstance(target, list):
                    record[fname] = sorted({i for i in map(self.ident, target) if i is not None})
                else:
                    record[fname] = self.ident(target)
            if action == "create":
                stamps = {k: plan.system[k] for k in ("created_at", "created_by", "deleted_at")
                          if plan.system.get(k) is not None}
                self.ids[seq] = self.batch.insert(kind, record, uid=uid, stamps=stamps)
                continue
            self.ids[seq] = existing_id
            befores.append((seq, self._update(name, existing_id, plan, record)))
            if len(befores) >= self.stage.BATCH:
                self.stage.add_befores(befores)
                befores.clear()
        self.stage.add_befores(befores)

    def _update(self, name: str, existing_id: int, plan: Plan, record: dict) -> dict:
        before = self.repo.get(name, existing_id)
        if before["version"] != plan.before_version:  # the plan was made on this state
            raise ConflictError(name, existing_id, plan.before_version, before)
        if plan.rewrite:
            deleted = plan.system.get("deleted_at", before["deleted_at"])
            if bool(deleted) == bool(before["deleted_at"]):
                deleted = before["deleted_at"]
            self.batch.write_state(KINDS[name], existing_id, record, before, deleted_at=deleted)
        return before

    def cite_and_audit(self, name: str) -> bool:
        """One kind's citations (every record and every source exists now), then its audit
        entries; True if the kind has any."""
        kind = KINDS[name]
        touched = False
        for seq, _uid, action, plan, _existing in self.stage.plans(name, _WRITES):
            rid = self.ids[seq]
            before = self.stage.before(seq) if action == "update" else None
            if plan.cite:
                wanted = [{"source_id": self.ident(target), "quote": quote}
                          for target, quote in plan.citations]
                self.batch.set_citations(kind, rid, wanted)
            if plan.attach:
                self.batch.sync_attachments(kind, rid, plan.attachments, self.stage.file,
                                            self.stage.file_chunks)
            if (plan.cite or plan.attach) and before is not None and not plan.rewrite:
                self.batch.touch(kind, rid)  # a new version all the same
            after = self.repo.get(name, rid)
            self.batch.audit(name, rid, after["uid"], "import", self.label, before, after)
            touched = True
        return touched


def write_plans(repo: Repository, stage: Stage, batch: Batch, label: str) -> set[str]:
    """Carry out the plans inside the write; returns the kinds it changed."""
    writer = _Writer(repo, stage, batch, label)
    touched: set[str] = set()
    for name in kind_order():
        writer.write_records(name)
        if writer.cite_and_audit(name):
            touched.add(name)
    return touched
