"""Writes inside one transaction: the repository's own writes and the bulk writers (import, the
seed, generated data) go through a :class:`Batch`, never through an engine's connection.

A batch stamps what it writes (who, when, version), keeps the search index and link tables in
step with each record, and writes audit entries; it does not validate (the repository does,
before it opens the batch) nor push undo steps.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tracker.i18n import _
from tracker.model import REPORTS_KEY, SOURCE_KIND, Kind
from tracker.model.text import index_body
from tracker.store.audit_filter import snapshot_titles
from tracker.store.errors import ConflictError, ValidationError
from tracker.store.results import new_uid
from tracker.store.wording import Wording, from_label, stored


class Batch:
    """One open write transaction of a repository."""

    def __init__(self, repo, writer):
        self.repo = repo
        self.writer = writer

    @property
    def user(self) -> str:
        return self.repo.user

    def now(self) -> str:
        """The time this write is stamped with, on the engine's clock (a server's, shared by
        every desk; the same for every stamp of one transaction there)."""
        return self.writer.now()

    # -- records ------------------------------------------------------------------------------

    def insert(self, kind: Kind, record: dict, *, uid: str | None = None,
               stamps: dict | None = None, citations: list[dict] | None = None) -> int:
        """A new record from a normalised, valid ``record``; ``stamps`` may carry an imported
        record's ``created_at``/``created_by``/``updated_at``/``updated_by``/``version``/
        ``deleted_at``. Returns its id."""
        at = self.now()
        row = {f.name: record.get(f.name) for f in kind.stored_fields}
        row.update({
            "uid": uid or new_uid(),
            "created_at": at, "updated_at": at,
            "created_by": self.user, "updated_by": self.user,
            "version": 1, "deleted_at": None,
        })
        if stamps:
            row.update({k: v for k, v in stamps.items() if v is not None})
        rid = self.writer.insert(kind, row)
        self._write_links(kind, rid, record)
        if kind.reports is not None and record.get(REPORTS_KEY):
            self.writer.set_reports(kind, rid, record[REPORTS_KEY])
        self.writer.index(kind, rid, index_body(kind, record), new=True,
                          trashed=row["deleted_at"] is not None)
        if citations:
            self.set_citations(kind, rid, citations)
        return rid

    def _write_links(self, kind: Kind, rid: int, record: dict) -> None:
        for f in kind.link_lists:
            if f.name in record:
                self.writer.set_links(kind, f.name, rid, record[f.name] or [])

    def set_citations(self, kind: Kind, rid: int, citations: list[dict]) -> None:
        """Replace the sources behind a record (``[{source_id, quote}]``)."""
        rows = []
        for c in citations:
            sid = c.get("source_id")
            if sid is None or not self.repo.backend.exists(SOURCE_KIND, sid):
                raise ValidationError(kind.name, f"#{rid}", {
                    "citations": _("no source with id {id}").format(id=sid)})
            rows.append((sid, str(c.get("quote") or "")))
        self.writer.set_citations(kind, rid, rows)

    def write_state(self, kind: Kind, rid: int, state: dict, before: dict, *,
                    deleted_at: Any = ...) -> dict:
        """Write stored fields, link lists and citations from ``state`` over ``before`` (the
        record as read in this transaction); bump the version. Returns the record after."""
        sets = {f.name: state.get(f.name) for f in kind.stored_fields}
        sets["updated_at"] = self.now()
        sets["updated_by"] = self.user
        if deleted_at is not ...:
            sets["deleted_at"] = deleted_at
        if not self.writer.update(kind, rid, sets, before["version"]):
            raise ConflictError(kind.name, rid, before["version"], self.repo.get(kind.name, rid))
        self._write_links(kind, rid, state)
        if "citations" in state and state["citations"] != before.get("citations"):
            self.set_citations(kind, rid, state["citations"] or [])
        if kind.reports is not None and REPORTS_KEY in state \
                and state[REPORTS_KEY] != before.get(REPORTS_KEY):
            self.writer.set_reports(kind, rid, state[REPORTS_KEY] or [])
        trashed = (before.get("deleted_at") if deleted_at is ... else deleted_at) is not None
        self.writer.index(kind, rid, index_body(kind, state if REPORTS_KEY in state else
                                                dict(state, reports=before.get(REPORTS_KEY))),
                          trashed=trashed)
        if "attachments" in state and state["attachments"] != before.get("attachments"):
            self.set_attachments(kind, rid, [a["id"] for a in state["attachments"] or []])
        return self.repo.get(kind.name, rid)

    def set_reports(self, kind: Kind, rid: int, reports: list[dict]) -> None:
        """Replace a record's implementation reports (an import's, once every source exists),
        its search entry following."""
        self.writer.set_reports(kind, rid, reports)
        self.writer.index(kind, rid, index_body(kind, self.repo.get(kind.name, rid)))

    def touch(self, kind: Kind, rid: int) -> None:
        """A new version of a record whose fields did not change (its sources did)."""
        self.writer.touch(kind, rid, self.now(), self.user)

    def audit(self, kind: str, record_id: int | None, uid: str | None, action: str,
              label: str | Wording, before: Any, after: Any) -> None:
        """One audit entry (``audit_entry``)."""
        self.writer.audit(self.audit_entry(kind, record_id, uid, action, label, before, after))

    def audit_rows(self, entries: list[dict]) -> None:
        """Many audit entries (``audit_entry`` each) at once."""
        self.writer.audit_many(entries)

    def audit_entry(self, kind: str, record_id: int | None, uid: str | None, action: str,
                    label: str | Wording, before: Any, after: Any) -> dict:
        """The audit row ``audit`` writes. ``label`` says what happened: a :class:`Wording`
        (stored as it is, worded in the reader's language when shown), or words (read back to a
        wording when they are one of ours in any language, e.g. the seed's; else kept as they
        are). The ``label`` column gets the English words."""
        return self.audit_entries(kind, action, label, [(record_id, uid, before, after)])[0]

    def audit_entries(self, kind: str, action: str, label: str | Wording,
                      items: list[tuple[int | None, str | None, Any, Any]]) -> list[dict]:
        """The rows ``audit_entry`` gives for ``items`` (record id, uid, before, after) of one
        kind, action and label (an import's chunk): worded and stamped once."""
        english, code = _worded(label, kind)
        at, user = self.now(), self.user
        dumps = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
        return [{
            "classification": audit_level(before, after),
            "at": at, "user": user, "kind": kind, "record_id": record_id,
            "record_uid": uid, "action": action, "label": english, "wording": code,
            "title_fold": snapshot_titles(before, after),
            "before": None if before is None else dumps(before),
            "after": None if after is None else dumps(after)}
            for record_id, uid, before, after in items]

    def carry_audit(self, kind: str, record_id: int, uid: str, action: str, label: str, *,
                    at: str, user: str, before: Any, after: Any) -> None:
        """An audit entry carried over from another database (an import with its history),
        with its time and author as recorded there. A server names the login that writes it
        instead (it enforces that for every entry)."""
        english, code = _worded(label, kind)
        self.writer.audit({
            "classification": audit_level(before, after),
            "at": at or self.now(), "user": user or self.user, "kind": kind,
            "record_id": record_id, "record_uid": uid, "action": action,
            "label": english, "wording": code, "title_fold": snapshot_titles(before, after),
            "before": None if before is None else json.dumps(before, ensure_ascii=False,
                                                             sort_keys=True),
            "after": None if after is None else json.dumps(after, ensure_ascii=False,
                                                           sort_keys=True)})

    # -- attached files (tracker.store.attachments) --------------------------------------------

    def attach_file(self, kind: Kind, rid: int, file, progress=None) -> int:
        """A checked file (``attachments.Incoming``) stored (its content once) and attached to
        the record, which gets a new version; returns the attachment's id."""
        self.put_blob({"sha256": file.sha256, "size": file.size, "proof": file.proof},
                      lambda: file.chunks(progress))
        aid = self.add_attachment(kind, rid, {
            "sha256": file.sha256, "proof": file.proof, "name": file.name, "size": file.size,
            "media_type": file.media_type})
        self.touch(kind, rid)
        return aid

    def put_blob(self, blob: dict, chunks) -> None:
        """A content (sha256, size, proof) unless stored already; ``chunks()`` gives its bytes
        (called only when they are needed)."""
        if not self.writer.has_blob(blob["sha256"]):
            self.writer.put_blob(dict(blob, added_at=blob.get("added_at") or self.now()),
                                 chunks())

    def add_attachment(self, kind: Kind, rid: int, row: dict) -> int:
        """An attachment of a stored content (sha256, proof, name, size, media_type; added_by and
        added_at default to this write's), indexed when its content's text is known."""
        row = {"added_by": self.user, "added_at": self.now(), **row, "kind": kind.name,
               "record_id": rid}
        aid = self.writer.add_attachment(row)
        self.writer.index_attachment(kind.name, rid, aid, row["sha256"])
        return aid

    def set_attachments(self, kind: Kind, rid: int, live: list[int]) -> None:
        """The record's attachments with these ids live, its others removed (kept, marked)."""
        now = self.now()
        for removed in (False, True):
            for a in self.repo.backend.attachments(kind.name, [rid], removed=removed):
                if (a["id"] in live) == removed:  # removed and wanted, or live and not
                    self.writer.set_attachment_state(a["id"], None if removed else now)
                    self.writer.index_attachment(kind.name, rid, a["id"],
                                                 a["sha256"] if removed else None)

    def sync_attachments(self, kind: Kind, rid: int, wanted: list[dict], content_of,
                         chunks_of) -> None:
        """An import's files for a record (sha256, name, size, media_type, ...): the record's own
        attachment of the same content and name kept (or brought back), the others added, its
        other attachments removed. A content missing here comes from ``content_of(sha256)``
        (the stage's: id, size, proof) and ``chunks_of(id)``."""
        existing: dict[tuple[str, str], dict] = {}
        for removed in (True, False):  # a live one wins over a removed one
            for a in self.repo.backend.attachments(kind.name, [rid], removed=removed):
                existing[(a["sha256"], a["name"])] = a
        live = []
        for w in wanted:
            a = existing.get((w["sha256"], w["name"]))
            if a is not None:
                live.append(a["id"])
                continue
            content = content_of(w["sha256"])
            if content is not None:
                self.put_blob({"sha256": w["sha256"], "size": content["size"],
                               "proof": content["proof"]},
                              lambda content=content: chunks_of(content["id"]))
                proof = content["proof"]
            else:
                proof = self.repo.backend.blob(w["sha256"])["proof"]
            live.append(self.add_attachment(kind, rid, {**w, "proof": proof}))
        self.set_attachments(kind, rid, live)

    # -- settings -----------------------------------------------------------------------------

    def put_setting(self, key: str, value: str, *, keep: bool = False) -> None:
        """Set a setting (``keep``: only when it is not set yet)."""
        self.writer.put_setting(key, value, keep=keep)

    def settings(self) -> dict[str, str | None]:
        return self.writer.settings()

    # -- bulk (generated data) ----------------------------------------------------------------

    def next_id(self, kind: Kind) -> int:
        return self.writer.next_id(kind)

    def insert_rows(self, kind: Kind, columns: list[str], rows: list[tuple],
                    bodies: list[tuple[int, str]]) -> None:
        """Rows carrying their ids and system fields, with their search texts (id, text)."""
        self.writer.insert_many(kind, columns, rows, bodies)

    def link_rows(self, kind: Kind, field: str, pairs: list[tuple[int, int]]) -> None:
        self.writer.link_many(kind, field, pairs)

    def citation_rows(self, rows: list[tuple[str, int, int, str, int]]) -> None:
        """(kind, record id, source id, quote, position) rows."""
        self.writer.cite_many(rows)

    def report_rows(self, rows: list[tuple]) -> None:
        """Reports as ``tracker.store.results.report_row`` makes them (their records' search
        entries are the caller's)."""
        self.writer.report_many(rows)

    @contextmanager
    def growing(self, wanted: dict[str, int], *, cache_mb: int = 256) -> Iterator[None]:
        """Around a bulk insert of ``wanted`` new rows per table (the engine may rebuild its
        indexes once at the end instead of growing them row by row, and keep up to
        ``cache_mb`` of the file in memory meanwhile)."""
        with self.writer.growing(wanted, cache_mb=cache_mb):
            yield


def audit_level(before: Any, after: Any) -> str:
    """How secret an audit entry is: the higher classification of its two snapshots (public
    when neither has one, as for settings; a level we do not know counts as the highest). A
    server computes the same from the stored JSON itself (schema_0001.sql, ``audit_stamp``)."""
    def rank(snapshot: Any) -> int:
        level = snapshot.get("classification") if isinstance(snapshot, dict) else None
        return {None: 0, "": 0, "public": 0, "internal": 1}.get(level, 2) \
            if isinstance(level, (str, type(None))) else 2

    return ("public", "internal", "restricted")[max(rank(before), rank(after))]


def _worded(label: str | Wording, kind: str) -> tuple[str, str | None]:
    """(the English words, the wording's code or None) an audit row stores for ``label``."""
    wording = label if isinstance(label, Wording) else from_label(label, kind)
    return stored(wording) if wording is not None else (label, None)
