"""One briefing build: options -> :func:`~tracker.briefing.gather.gather` (the repository) ->
:func:`~tracker.briefing.sections.compose` (a renderer-neutral document) -> a renderer (PDF or
Word, by the file's suffix or ``format``) -> the file, written to a temporary file in the same
folder and renamed at the end (a failure or a cancel never leaves a broken file over an older
one)."""

from __future__ import annotations

import datetime as _dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tracker.briefing import templates
from tracker.briefing.blocks import Document
from tracker.briefing.brief import Brief
from tracker.briefing.errors import BriefingError, BriefingOptionsError
from tracker.briefing.options import BriefingOptions
from tracker.briefing.progress import Progress
from tracker.briefing.templates import make_document
from tracker.i18n import _, language

#: The formats a briefing is written in: the suffix of a file's name says which.
FORMATS = ("pdf", "docx")


class Renderer(Protocol):
    """What a renderer offers the job (a module will do: ``tracker.briefing.pdf.render``)."""

    def prepare(self) -> None:
        """Ready to render (e.g. fonts registered, a letterhead checked): called before any
        data is read."""

    def write(self, document: Document, filename: str, progress: Progress) -> int | None:
        """Lay ``document`` out into ``filename``; the number of pages (None: the reader
        paginates, as Word does)."""


@dataclass
class BriefingResult:
    path: Path
    pages: int | None  # None for a Word file: Word lays the pages out when it opens it
    classification: str  # the highest level actually included (the page marking)
    records: int  # records printed in the per-kind sections
    seconds: float = 0.0


def build_briefing(repo, options: BriefingOptions, out_path: str | os.PathLike, *,
                   brief: Brief | None = None,
                   format: str | None = None,  # noqa: A002 - the CLI's --format
                   docx_template: str | os.PathLike | None = None,
                   progress: Callable[[int, int], Any] | None = None,
                   cancel: Callable[[], bool] | None = None,
                   today: _dt.date | None = None, preview: bool = False) -> BriefingResult:
    """Write the briefing to ``out_path`` (via a temporary file in the same folder, renamed
    at the end: a failure or a cancel never leaves a broken file over an older one).

    ``options.template`` says what it is: a briefing note, a visit brief for
    ``options.meeting_id``, or the full data briefing (the annex). ``brief`` is the desk's
    text (a saved brief: :func:`tracker.briefing.brief.brief_of`); ``preview`` cuts the
    document to its first pages (the dialog's live preview).

    The file's suffix says the format (``.pdf``, ``.docx``); ``format`` ("pdf" or "docx")
    names it for a file whose suffix says neither (a PDF when neither says). ``docx_template``:
    a letterhead (.docx or .dotx) a Word briefing is written into.

    ``progress(done, total)`` is called as the build advances; ``cancel()`` returning True stops
    it with :class:`BriefingCancelled`. ``today`` fixes the date the briefing is "as of" (and the
    file's creation date), so the same data and options give byte-identical output.
    """
    started = time.perf_counter()
    if not isinstance(options, BriefingOptions):
        raise BriefingOptionsError("options", _("expected briefing options"))
    if brief is not None and not isinstance(brief, Brief):
        raise BriefingOptionsError("brief", _("expected a brief"))
    options.validate()
    today = today or _dt.date.today()
    out = Path(out_path).expanduser()
    if out.is_dir():
        raise BriefingError(_("{path} is a folder; give a file name ending in .pdf or .docx")
                            .format(path=out))
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise BriefingError(_("the folder {path} does not exist").format(path=folder))
    if docx_template is not None and _same_file(out, Path(docx_template).expanduser()):
        raise BriefingOptionsError("docx_template", _(
            "the letterhead {path} would be replaced by the briefing; choose another file "
            "name").format(path=docx_template))
    renderer = _renderer(output_format(out, format), docx_template)

    # The briefing's language in this thread only: a GUI worker leaves the interface alone.
    with language(options.language):
        result = _write(repo, options, brief, out, today, Progress(progress, cancel), renderer,
                        preview)
    result.seconds = time.perf_counter() - started
    return result


def output_format(out: str | os.PathLike, format: str | None = None) -> str:  # noqa: A002
    """The format of the file ``out``: its suffix's, else ``format``'s, else "pdf". A suffix
    and a ``format`` that disagree are an error."""
    suffix = Path(out).suffix.lower().lstrip(".")
    if format is not None:
        chosen = str(format).strip().lower()
        if chosen not in FORMATS:
            raise BriefingOptionsError("format", _("{value!r} is not one of: {choices}").format(
                value=format, choices=", ".join(FORMATS)))
        if suffix in FORMATS and suffix != chosen:
            raise BriefingOptionsError("format", _(
                "{name} ends in .{suffix}, not .{format}").format(
                    name=Path(out).name, suffix=suffix, format=chosen))
        return chosen
    return suffix if suffix in FORMATS else "pdf"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (a.exists() and b.exists() and a.samefile(b))
    except OSError:
        return False


def _renderer(fmt: str, docx_template: str | os.PathLike | None) -> Renderer:
    """The renderer of ``fmt``; its library (reportlab, python-docx) loads here, not at
    import."""
    if fmt == "docx":
        from tracker.briefing.docx.render import DocxRenderer

        return DocxRenderer(letterhead=docx_template)
    if docx_template is not None:
        raise BriefingOptionsError("docx_template", _("a letterhead is used by Word (.docx) "
                                                      "briefings only"))
    from tracker.briefing.pdf import render

    return render


def _write(repo, options: BriefingOptions, brief: Brief | None, out: Path, today: _dt.date,
           progress: Progress, renderer: Renderer, preview: bool) -> BriefingResult:
    """Gather, compose and render into a temporary file, then put it in place."""
    from tracker.outputs import output_target, replacing

    output_target(out, BriefingError)  # a device or the database itself: refused before the work
    try:
        renderer.prepare()
        made = make_document(repo, options, brief, today, progress)
        document = templates.preview(made.document) if preview else made.document
        # Written to a temp file beside the file, renamed over it at the end: a new briefing is
        # private to its owner (0600, like the database); one written over an older file keeps
        # that file's permissions; a symlink is written through, a device never replaced.
        with replacing(out, error=BriefingError, keep_mode=True) as tmp:
            pages = renderer.write(document, str(tmp), progress)
        progress.report(final=True)
        return BriefingResult(out, pages, made.level, made.records)
    except OSError as exc:
        raise BriefingError(_os_error_message(exc, out)) from None


def _os_error_message(exc: OSError, out: Path) -> str:
    """The briefing's file could not be written, or another file (a letterhead, a font, a
    template of the Word library) could not be read: the message names the file concerned."""
    error = exc.strerror or exc
    named = getattr(exc, "filename", None)
    if named is not None and Path(os.fspath(named)) != Path(out):
        return _("cannot build the briefing: cannot read {path}: {error}").format(
            path=os.fspath(named), error=error)
    return _("cannot write {path}: {error}").format(path=out, error=error)
