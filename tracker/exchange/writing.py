"""The third phase of an import (:mod:`tracker.exchange.importer`): the plans the stage holds
carried out inside the one write transaction, targets before the records linking to them."""

from __future__ import annotations

from array import array
from collections.abc import Callable
from typing import Any

from tracker.exchange.history import STAGE_PREFIX, carried_label, created_seq, restore_snapshot
from tracker.exchange.planner import Plan, kind_order, series_with_sources
from tracker.model import KINDS, REPORTS_KEY
from tracker.model.text import index_body
from tracker.store.batch import Batch
from tracker.store.errors import StorageError
from tracker.store.repository import ConflictError, Repository
from tracker.store.results import new_uid, report_row
from tracker.store.sqlite.stage import Stage

_WRITES = ("create", "update")
#: columns of the rows written at once (``Batch.insert_rows``), around a kind's stored fields
_SYSTEM_BEFORE = ("id", "uid")
_SYSTEM_AFTER = ("created_at", "updated_at", "created_by", "updated_by", "version", "deleted_at")


class _Writer:
    """The plans carried out inside the write, targets before the records linking to them.

    New records go in a chunk at a time (``Stage.BATCH``): their ids given out first (the
    engine's next ids), then their rows, search texts, link lists, citations and reports in one
    call each (``Batch.insert_rows``, ``link_rows``, ``citation_rows``, ``report_rows``); the
    citations and reports of a record whose sources are not all written yet (a source citing a
    later one), and its attached files, once every record is written (``cite_and_audit``). The
    audit entries of a kind go in a chunk at a time once every record is written, each entry's
    snapshot read back as ``get`` reads it (``records_after``). Updates go a record at a
    time."""

    def __init__(self, repo: Repository, stage: Stage, batch: Batch, label: str,
                 tell: Callable[[int], None] | None = None):
        self.repo, self.stage, self.batch, self.label = repo, stage, batch, label
        # by seq: the id of the file's record once written (0: not yet); 8 bytes per record
        self.ids = array("q", bytes(8 * (stage.last_seq() + 1)))
        # by seq: 1 for a new record whose citations, reports or files wait for cite_and_audit
        self.pending = bytearray(stage.last_seq() + 1)
        self.tell = tell
        self.done = 0

    def ident(self, target: Any) -> int | None:
        return (self.ids[target[1]] or None) if isinstance(target, tuple) else target

    def _resolved(self, plan: Plan) -> dict:
        record = dict(plan.values)
        if plan.reports is not None:  # written once every source exists (cite_and_audit)
            record.pop(REPORTS_KEY, None)
        for fname, items in plan.series.items():  # every source exists by now
            record[fname] = series_with_sources(items, self.ident)
        for fname, target in plan.links.items():
            if isinstance(target, list):
                record[fname] = sorted({i for i in map(self.ident, target) if i is not None})
            else:
                record[fname] = self.ident(target)
        return record

    def write_records(self, name: str) -> None:
        """One kind's records created or updated (their citations wait for every record)."""
        kind = KINDS[name]
        befores: list[tuple[int, dict]] = []
        creates: list[tuple[int, str | None, Plan]] = []
        for seq, uid, action, data, existing_id in self.stage.plans(name, _WRITES):
            plan = Plan.of(data)
            if action == "create":
                creates.append((seq, uid, plan))
                if len(creates) >= self.stage.BATCH:
                    self._create(kind, creates)
                    creates = []
                continue
            self.ids[seq] = existing_id
            befores.append((seq, self._update(name, existing_id, plan, self._resolved(plan))))
            self._advance(1)
            if len(befores) >= self.stage.BATCH:
                self.stage.add_befores(befores)
                befores.clear()
        self._create(kind, creates)
        self.stage.add_befores(befores)

    def _create(self, kind, creates: list[tuple[int, str | None, Plan]]) -> None:
        """New records of one kind, at once: ids first (so that links between them resolve),
        then rows, search texts and link lists."""
        if not creates:
            return
        first = self.batch.next_id(kind)
        for offset, (seq, _uid, _plan) in enumerate(creates):
            self.ids[seq] = first + offset
        at, user = self.batch.now(), self.batch.user
        stored = [f.name for f in kind.stored_fields]
        rows, bodies, cited, reported = [], [], [], []
        pairs: dict[str, list[tuple[int, int]]] = {f.name: [] for f in kind.link_lists}
        for offset, (seq, uid, plan) in enumerate(creates):
            rid = first + offset
            record = self._resolved(plan)
            if not self._at_once(kind, rid, plan, record, cited, reported):
                self.pending[seq] = 1
            # the record as the file has it: its version and last change too (a record moved
            # from another database is the same record, a later export of it older)
            stamps = plan.system
            rows.append((rid, uid or new_uid(), *map(record.get, stored),
                         stamps.get("created_at") or at, stamps.get("updated_at") or at,
                         stamps.get("created_by") or user, stamps.get("updated_by") or user,
                         stamps.get("version") or 1, stamps.get("deleted_at")))
            body = index_body(kind, record)
            if body is not None:
                bodies.append((rid, body))
            for fname, found in pairs.items():
                if fname in record:
                    found.extend((rid, t) for t in sorted(set(record[fname] or [])))
        self.batch.insert_rows(kind, [*_SYSTEM_BEFORE, *stored, *_SYSTEM_AFTER], rows, bodies)
        for fname, found in pairs.items():
            if found:
                self.batch.link_rows(kind, fname, found)
        if cited:
            self.batch.citation_rows(cited)
        if reported:
            self.batch.report_rows(reported)
        self._advance(len(creates))

    def _at_once(self, kind, rid: int, plan: Plan, record: dict, cited: list,
                 reported: list) -> bool:
        """A new record's citations and reports into ``cited`` and ``reported`` (its reports
        into ``record`` too, for its search text) when every source they name is written;
        False when something waits for ``cite_and_audit`` (a source not yet written, files)."""
        if plan.attach:
            return False
        cites = [(kind.name, rid, self.ident(target), quote, position)
                 for position, (target, quote) in enumerate(plan.citations or ())] \
            if plan.cite else []
        reports = [(dict(r, source_id=self.ident(t), quote=q or None), t)
                   for r, t, q in plan.reports] if plan.report else []
        if any(c[2] is None for c in cites) or any(
                t is not None and r["source_id"] is None for r, t in reports):
            return False
        cited += cites
        reports = [r for r, _t in reports]
        if reports:
            record[REPORTS_KEY] = reports
            reported += [report_row(kind, rid, r, pos) for pos, r in enumerate(reports)]
        return True

    def _advance(self, n: int) -> None:
        self.done += n
        if self.tell is not None:
            self.tell(self.done)

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

    def resolve(self, kind: str, uid: Any) -> int | None:
        """This database's id of the record ``uid`` names (the file's, once written)."""
        if not isinstance(uid, str) or not uid:
            return None
        staged = self.stage.by_uid(kind, uid)
        if staged is not None:
            return self.ids[staged[0]] or staged[1]
        try:
            return self.repo.id_of_uid(kind, uid)
        except (ValueError, StorageError):
            return None

    def carry_history(self, name: str) -> None:
        """The history entries of the kind's records this import creates, oldest first."""
        login = getattr(self.repo.backend, "login", None)
        for _seq, _where, entry, _existing in self.stage.records(STAGE_PREFIX + name):
            seq = created_seq(self.stage, name, entry["record_uid"])
            if seq is None:
                continue
            rid = self.ids[seq]
            self.batch.carry_audit(
                name, rid, entry["record_uid"], entry["action"], carried_label(entry, login),
                at=entry["at"], user=entry["user"],
                before=restore_snapshot(name, entry["before"], rid, self.resolve),
                after=restore_snapshot(name, entry["after"], rid, self.resolve))

    def cite_and_audit(self, name: str) -> bool:
        """One kind's citations (every record and every source exists now), then its audit
        entries; True if the kind has any."""
        kind = KINDS[name]
        touched = False
        chunk: list[tuple[int, str, Plan | None]] = []
        for seq, action in self.stage.actions(name, _WRITES):
            # a new record written whole at once needs no more than its audit entry
            plan = Plan.of(self.stage.plan(seq)[1]) \
                if action != "create" or self.pending[seq] else None
            chunk.append((seq, action, plan))
            touched = True
            if len(chunk) >= self.stage.BATCH:
                self._cite_and_audit(kind, chunk)
                chunk = []
        self._cite_and_audit(kind, chunk)
        return touched

    def _cite_and_audit(self, kind, chunk: list[tuple[int, str, Plan | None]]) -> None:
        cited = []
        for seq, action, plan in chunk:
            if plan is None:
                continue
            rid = self.ids[seq]
            if plan.report:  # implementation reports, now that every source exists
                self.batch.set_reports(kind, rid, [
                    dict(r, source_id=self.ident(t), quote=q or None) for r, t, q in plan.reports])
            if plan.cite and action == "create":  # a new record: its citations at once
                cited += [(kind.name, rid, self.ident(target), quote, position)
                          for position, (target, quote) in enumerate(plan.citations)]
            elif plan.cite:
                wanted = [{"source_id": self.ident(target), "quote": quote}
                          for target, quote in plan.citations]
                self.batch.set_citations(kind, rid, wanted)
            if plan.attach:  # the files (their contents staged as the file was read)
                self.batch.sync_attachments(kind, rid, plan.attachments, self.stage.file,
                                            self.stage.file_chunks)
            if action == "update" and not plan.rewrite and (plan.cite or plan.report
                                                            or plan.attach):
                self.batch.touch(kind, rid)  # a new version all the same
        if cited:
            self.batch.citation_rows(cited)
        updated = {seq for seq, action, _plan in chunk if action == "update"}
        self.batch.audit_rows(self.batch.audit_entries(kind.name, "import", self.label, [
            (after["id"], after["uid"], self.stage.before(seq) if seq in updated else None, after)
            for seq, after in self._afters(kind, chunk)]))

    def _afters(self, kind, chunk: list[tuple[int, str, Plan | None]]
                ) -> list[tuple[int, dict]]:
        """(seq, the record as ``get`` reads it now) for the chunk's records: runs of
        consecutive ids read a page at a time."""
        wanted = sorted((self.ids[seq], seq) for seq, _action, _plan in chunk)
        out: list[tuple[int, dict]] = []
        i = 0
        while i < len(wanted):
            j = i + 1
            while j < len(wanted) and wanted[j][0] == wanted[j - 1][0] + 1:
                j += 1
            rows = self.repo.records_after(kind.name, wanted[i][0] - 1, j - i)
            out += [(seq, row) for (_rid, seq), row in zip(wanted[i:j], rows, strict=True)]
            i = j
        order = {seq: n for n, (seq, _action, _plan) in enumerate(chunk)}
        out.sort(key=lambda pair: order[pair[0]])
        return out


def write_plans(repo: Repository, stage: Stage, batch: Batch, label: str,
                tell: Callable[[int], None] | None = None) -> set[str]:
    """Carry out the plans inside the write; returns the kinds it changed. ``tell(done)``:
    records written so far."""
    writer = _Writer(repo, stage, batch, label, tell)
    touched: set[str] = set()
    order = kind_order()
    for name in order:  # every record first: carried history may link to any of them
        writer.write_records(name)
    for name in order:
        writer.carry_history(name)  # before the import's own entry of each record
    for name in order:
        if writer.cite_and_audit(name):
            touched.add(name)
    return touched
