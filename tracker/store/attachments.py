"""Files attached to records: the repository's part (mixed into
:class:`~tracker.store.repository.Repository`).

A file is read twice, never held whole: once to learn its SHA-256 (before the write, so the
write lock waits for nothing) and once, inside the write, to store it in chunks, hashed again so
that a file changed in between is refused. A content is kept once however often it is attached.
Attaching and removing are changes of the record (a new version, an audit entry naming the
file's name, size and SHA-256, an undo step); a removed attachment stays in the database,
marked removed, and undo brings it back. Whatever reads a content back checks its hash.

The text of a file is read by :mod:`tracker.extract` (another process, within bounds) and handed
to :meth:`Attachments.store_text`: kept by page, searched with the record.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import TrackerError
from tracker.i18n import _
from tracker.model import SOURCE_KIND, get_kind
from tracker.model.attachments import (
    LIMIT_SETTING,
    clean_file_name,
    format_size,
    limit_bytes,
    media_type,
    text_with_pages,
)
from tracker.model.text import page_snippet, words_in
from tracker.store.errors import ConflictError, NotFound, StorageError, ValidationError
from tracker.store.results import Change, record_name
from tracker.store.undo import UndoStep
from tracker.store.wording import Wording, words

CHUNK = 256 * 1024  # bytes read and stored at a time
PART_CHARS = 200_000  # an attachment's text is searched in parts of about this many characters
PART_BITS = 16
#: What a record's snapshot (``get``, the audit, undo) says of each of its attachments.
SNAPSHOT_KEYS = ("id", "name", "size", "sha256", "media_type", "added_at", "added_by")
PROOF_SALT = b"bilateral-tracker attachment proof\0"  # the proof: sha256(salt + content)


class AttachmentError(TrackerError):
    """A file that cannot be attached, read back or saved; the message names it."""


@dataclass
class Incoming:
    """A file to attach, hashed and checked (:func:`incoming`)."""
    path: Path
    name: str
    size: int
    sha256: str
    proof: str
    media_type: str

    def chunks(self, progress: Callable[[int, int], None] | None = None) -> Iterator[bytes]:
        """The file's content again, a chunk at a time; refused if it is not the content that
        was hashed (changed since)."""
        import hashlib  # (~2 ms to import: not before the window's first frame)

        digest, done = hashlib.sha256(), 0
        with _open_regular(self.path, self.name) as fh:
            while chunk := fh.read(CHUNK):
                done += len(chunk)
                if done > self.size:
                    break
                digest.update(chunk)
                yield chunk
                if progress is not None:
                    progress(done, self.size)
        if done != self.size or digest.hexdigest() != self.sha256:
            raise AttachmentError(_("{name} changed while it was being attached; nothing was "
                                    "saved. Try again.").format(name=self.name))


def _open_regular(path: Path, name: str):
    """``path`` opened for reading if it is a regular file (never blocking on a pipe)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise AttachmentError(_("{name}: no such file").format(name=name)) from None
    except IsADirectoryError:
        raise AttachmentError(_("{name} is a folder; choose a file").format(name=name)) from None
    except OSError as exc:
        raise AttachmentError(_("{name} cannot be read: {error}").format(
            name=name, error=exc.strerror or exc)) from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise AttachmentError(_("{name} is not a regular file (a folder, device or pipe); "
                                "choose a file").format(name=name))
    return os.fdopen(fd, "rb")


def incoming(path: str | os.PathLike, limit: int, name: str | None = None,
             cancelled: Callable[[], bool] | None = None) -> Incoming:
    """Check and hash a file to attach: a regular file, not the open database, at most
    ``limit`` bytes. ``name``: what to call it (default: the file's own name), sanitised."""
    from tracker.outputs import is_open_database

    path = Path(path).expanduser()
    shown = clean_file_name(name if name is not None else path.name)
    if is_open_database(path) or is_open_database(Path(os.path.realpath(path))):
        raise AttachmentError(_("{name} is the database itself; choose another file").format(
            name=shown))
    import hashlib

    sha, proof, size, head = hashlib.sha256(), hashlib.sha256(PROOF_SALT), 0, b""
    with _open_regular(path, shown) as fh:
        declared = os.fstat(fh.fileno()).st_size
        if declared > limit:
            raise _too_large(shown, declared, limit)
        while chunk := fh.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise _too_large(shown, size, limit)
            if len(head) < 8192:
                head += chunk[:8192 - len(head)]
            sha.update(chunk)
            proof.update(chunk)
            if cancelled is not None and cancelled():
                raise AttachmentError(_("attaching {name} was stopped").format(name=shown))
    return Incoming(path, shown, size, sha.hexdigest(), proof.hexdigest(),
                    media_type(shown, head))


def _too_large(name: str, size: int, limit: int) -> AttachmentError:
    return AttachmentError(_(
        "{name} is {size}; files of at most {limit} can be attached (the setting {setting})"
    ).format(name=name, size=format_size(size), limit=format_size(limit),
             setting=LIMIT_SETTING))


def snapshot(row: dict) -> dict:
    """An attachment as a record's snapshot holds it."""
    return {k: row[k] for k in SNAPSHOT_KEYS}


def pages_in_parts(pages: list[tuple[int, str]]) -> list[tuple[int, int, str]]:
    """(page, part, text): consecutive pages grouped into parts of about PART_CHARS characters
    (each part is one row of the search index), empty pages left out."""
    out, part, size = [], 0, 0
    for page, text in pages:
        if not text.strip():
            continue
        if size and size + len(text) > PART_CHARS:
            part, size = part + 1, 0
        out.append((page, min(part, (1 << PART_BITS) - 1), text))
        size += len(text)
    return out


class Attachments:
    """The repository's attachment methods; needs its ``backend``, ``batch``, ``get`` and
    ``_write``."""

    # -- reading ------------------------------------------------------------------------------

    def attachment_limit(self) -> int:
        """The largest file one may attach, in bytes (the setting ``attachment_limit_mb``)."""
        return limit_bytes(self.backend.setting(LIMIT_SETTING))

    def attachments(self, kind_name: str, record_id: int, *, removed: bool = False
                    ) -> list[dict]:
        """A record's files (or those removed from it), in the order added: id, name, size,
        sha256, media_type, added_by, added_at, text_status, text_note."""
        return self.backend.attachments(get_kind(kind_name).name, [record_id], removed=removed)

    def attachments_of(self, kind_name: str, ids: list[int]) -> dict[int, list[dict]]:
        """The files of many records of a kind: record id -> its attachments."""
        out: dict[int, list[dict]] = {}
        for row in self.backend.attachments(get_kind(kind_name).name, list(ids)):
            out.setdefault(row["record_id"], []).append(row)
        return out

    def attachment(self, attachment_id: int) -> dict:
        found = self.backend.attachment(attachment_id)
        if found is None:
            raise NotFound("attachments", attachment_id)
        return found

    def blob_chunks(self, sha256: str, size: int, name: str) -> Iterator[bytes]:
        """A stored content, a chunk at a time, checked against its hash at the end."""
        import hashlib  # (~2 ms to import: not before the window's first frame)

        digest, done = hashlib.sha256(), 0
        for chunk in self.backend.blob_chunks(sha256):
            digest.update(chunk)
            done += len(chunk)
            yield chunk
        if done != size or digest.hexdigest() != sha256:
            raise StorageError(_("the stored content of {name} is damaged (it does not match "
                                 "its SHA-256); restore a backup").format(name=name))

    def attachment_chunks(self, attachment_id: int) -> Iterator[bytes]:
        a = self.attachment(attachment_id)
        return self.blob_chunks(a["sha256"], a["size"], a["name"])

    def save_attachment(self, attachment_id: int, path: str | os.PathLike) -> Path:
        """Write an attached file to ``path`` (temp then rename: a damaged content leaves
        nothing behind)."""
        from tracker.outputs import replacing

        with replacing(path, error=AttachmentError) as tmp, open(tmp, "wb") as fh:
            for chunk in self.attachment_chunks(attachment_id):
                fh.write(chunk)
        return Path(path)

    def copy_attachment(self, attachment_id: int, folder: str | os.PathLike) -> Path:
        """A private copy (0600) of an attached file in ``folder`` (the caller's own private
        folder), under its name: for the system's viewer, never run by us."""
        a = self.attachment(attachment_id)
        folder = Path(folder)
        stem, dot, ext = a["name"].rpartition(".")
        target, n = folder / a["name"], 1
        while target.exists():
            n += 1
            target = folder / (f"{stem} ({n}).{ext}" if dot and stem else f"{a['name']} ({n})")
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                for chunk in self.blob_chunks(a["sha256"], a["size"], a["name"]):
                    fh.write(chunk)
        except BaseException:
            target.unlink(missing_ok=True)
            raise
        return target

    def attachment_pages(self, attachment_id: int) -> list[tuple[int, str]]:
        """The text read from an attached file: (page, text) of its pages that have text."""
        a = self.attachment(attachment_id)
        return [(page, text) for page, _part, text in self.backend.blob_pages(a["sha256"])]

    def pending_texts(self, limit: int = 20) -> list[str]:
        """Contents of live attachments whose text is still to be read (oldest first)."""
        return self.backend.pending_texts(limit)

    # -- writing ------------------------------------------------------------------------------

    def attach(self, kind_name: str, record_id: int, path: str | os.PathLike, *,
               name: str | None = None, expected_version: int | None = None,
               label: str | None = None, cancelled: Callable[[], bool] | None = None,
               progress: Callable[[int, int], None] | None = None) -> Change:
        """Attach the file at ``path`` to a record (a new version of it, audited, undoable).
        Refused with a message naming the file when it is too large, not a regular file, the
        database itself, or changed while it is read."""
        kind = get_kind(kind_name)
        self.get(kind.name, record_id)  # NotFound before the file is read
        file = incoming(path, self.attachment_limit(), name, cancelled)
        label = words(label) if label else Wording("attach", name=file.name)

        def write(b):
            before = self._current(kind, record_id, expected_version)
            same = [a["name"] for a in before["attachments"] if a["sha256"] == file.sha256]
            if same:
                raise AttachmentError(_("{name} is already attached to {kind} {id} (as {same})")
                                      .format(name=file.name, kind=kind.name, id=record_id,
                                              same=same[0]))
            b.attach_file(kind, record_id, file, progress)
            return before, self.get(kind.name, record_id)

        return self._write(kind, record_id, "update", label, _same, write)

    def remove_attachment(self, kind_name: str, record_id: int, attachment_id: int, *,
                          expected_version: int | None = None, label: str | None = None
                          ) -> Change:
        """Remove a file from a record (kept in the database, marked removed: undo brings it
        back); audited with the file's name, size and SHA-256."""
        kind = get_kind(kind_name)
        found = [a for a in self.attachments(kind.name, record_id) if a["id"] == attachment_id]
        if not found:
            raise NotFound("attachments", attachment_id)
        label = words(label) if label else Wording("detach", name=found[0]["name"])

        def write(b):
            before = self._current(kind, record_id, expected_version)
            state = dict(before, attachments=[a for a in before["attachments"]
                                              if a["id"] != attachment_id])
            return before, b.write_state(kind, record_id, state, before)

        return self._write(kind, record_id, "update", label, _same, write)

    def _current(self, kind, record_id: int, expected_version: int | None) -> dict:
        current = self.get(kind.name, record_id)
        if expected_version is not None and current["version"] != expected_version:
            raise ConflictError(kind.name, record_id, expected_version, current)
        if current["deleted_at"]:
            raise TrackerError(_("{kind} {id} is in the trash; restore it before changing its "
                                 "files").format(kind=kind.name, id=record_id))
        return current

    def adopt_step(self, step: UndoStep | None) -> None:
        """Put an undo step made by another session of this user (a background task that
        attached a file) on this session's undo list."""
        if step is not None:
            self._steps.push(step)

    def last_step(self) -> UndoStep | None:
        """This session's newest undo step (a background task hands it to the window's)."""
        return self._steps.undo[-1] if self._steps.undo else None

    def store_text(self, sha256: str, pages: list[tuple[int, str]], status: str,
                   note: str | None = None) -> int:
        """The text read from a content, by page; indexed for every live attachment of it that
        this session may see. Derived data (no record changes): no audit entry, no undo.
        Returns how many attachments were indexed."""
        rows = pages_in_parts(pages)
        with self.batch() as b:
            live = b.writer.store_text(sha256, rows, status, note)
            for a in live:
                b.writer.index_attachment(a["kind"], a["record_id"], a["id"],
                                          sha256 if rows else None)
        return len(live)

    def index_missing(self, limit: int = 100) -> int:
        """Index live attachments whose content's text another desk read (their rows are
        missing from the search index); returns how many."""
        missing = self.backend.unindexed_attachments(limit)
        if missing:
            with self.batch() as b:
                for a in missing:
                    b.writer.index_attachment(a["kind"], a["record_id"], a["id"], a["sha256"])
        return len(missing)

    def source_from_attachment(self, kind_name: str, record_id: int, attachment_id: int, *,
                               title: str | None = None) -> Change:
        """A source whose text is an attached file's, page by page (each page under a line with
        its number), so that records can quote it; as secret as the record."""
        kind = get_kind(kind_name)
        record = self.get(kind.name, record_id)
        a = self.attachment(attachment_id)
        if (a["kind"], a["record_id"]) != (kind.name, record_id):
            raise NotFound("attachments", attachment_id)
        if a["text_status"] == "pending":
            raise AttachmentError(_("the text of {name} has not been read yet; try again in a "
                                    "moment").format(name=a["name"]))
        pages = self.attachment_pages(attachment_id)
        if not pages:
            raise AttachmentError(_("no text could be read from {name}{note}").format(
                name=a["name"], note=f" ({a['text_note']})" if a["text_note"] else ""))
        text = text_with_pages(pages)
        limit = SOURCE_KIND.field("text").limit()
        if len(text) > limit:
            raise ValidationError(SOURCE_KIND.name, repr(a["name"]), {"text": _(
                "the text of {name} is {n} characters; a source holds at most {limit}").format(
                    name=a["name"], n=len(text), limit=limit)})
        notes = _("The text of the file {name} (SHA-256 {sha}, {size}) attached to {kind} "
                  "{record}, page by page.").format(
            name=a["name"], sha=a["sha256"], size=format_size(a["size"]),
            kind=_(kind.label).lower(), record=record_name(record, record_id))
        return self.create(SOURCE_KIND.name, {
            "title": title or a["name"], "text": text, "notes": notes,
            "classification": record.get("classification") or "internal"})

    def attachment_hits(self, codes: list[int], words: list[str], shown: list[str]
                        ) -> dict[int, tuple[dict, int | None, str]]:
        """Which file and page search hits on attachments' text (``codes``: the parts that
        matched) are on: code -> (attachment, page, a line around the words), read for a page
        of hits at once; a code whose attachment is gone or removed left out."""
        out: dict[int, tuple[dict, int | None, str]] = {}
        for code, (a, pages) in self.backend.attachment_parts(list(codes)).items():
            if a["deleted_at"] is not None:
                continue
            if not pages:
                out[code] = (a, None, "")
                continue
            # the part matched: its only page holds the words; of several, the first that does
            page, _part, text = next(
                (p for p in pages if len(pages) == 1 or words_in(p[2], words)), pages[0])
            out[code] = (a, page, page_snippet(text, shown))
        return out


def _same(before):
    return before
