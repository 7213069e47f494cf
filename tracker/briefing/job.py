"""One briefing build: options -> :func:`~tracker.briefing.gather.gather` (the repository) ->
:func:`~tracker.briefing.sections.compose` (a renderer-neutral document) -> a renderer -> the
file, written to a temporary file in the same folder and renamed at the end (a failure or a
cancel never leaves a broken file over an older one)."""

from __future__ import annotations

import datetime as _dt
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from tracker.briefing.blocks import Document
from tracker.briefing.errors import BriefingError, BriefingOptionsError
from tracker.briefing.gather import gather
from tracker.briefing.options import BriefingOptions
from tracker.briefing.progress import Progress
from tracker.briefing.sections import compose
from tracker.i18n import _, language


class Renderer(Protocol):
    """What a renderer offers the job (a module will do: ``tracker.briefing.pdf.render``)."""

    def prepare(self) -> None:
        """Ready to render (e.g. fonts registered): called before any data is read."""

    def write(self, document: Document, filename: str, progress: Progress) -> int:
        """Lay ``document`` out into ``filename``; the number of pages."""


@dataclass
class BriefingResult:
    path: Path
    pages: int
    classification: str  # the highest level actually included (the page marking)
    records: int  # records printed in the per-kind sections
    seconds: float = 0.0


def build_briefing(repo, options: BriefingOptions, out_path: str | os.PathLike, *,
                   progress: Callable[[int, int], Any] | None = None,
                   cancel: Callable[[], bool] | None = None,
                   today: _dt.date | None = None) -> BriefingResult:
    """Write the briefing PDF to ``out_path`` (via a temporary file in the same folder, renamed
    at the end: a failure or a cancel never leaves a broken PDF over an older one).

    ``progress(done, total)`` is called as the build advances; ``cancel()`` returning True stops
    it with :class:`BriefingCancelled`. ``today`` fixes the date the briefing is "as of" (and the
    PDF's creation date), so the same data and options give byte-identical output.
    """
    started = time.perf_counter()
    if not isinstance(options, BriefingOptions):
        raise BriefingOptionsError("options", _("expected briefing options"))
    options.validate()
    today = today or _dt.date.today()
    out = Path(out_path).expanduser()
    if out.is_dir():
        raise BriefingError(_("{path} is a folder; give a file name ending in .pdf").format(
            path=out))
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise BriefingError(_("the folder {path} does not exist").format(path=folder))

    from tracker.briefing.pdf import render  # reportlab loads here, not at import

    # The briefing's language in this thread only: a GUI worker leaves the interface alone.
    with language(options.language):
        result = _write(repo, options, out, folder, today, Progress(progress, cancel), render)
    result.seconds = time.perf_counter() - started
    return result


def _write(repo, options: BriefingOptions, out: Path, folder: Path, today: _dt.date,
           progress: Progress, renderer: Renderer) -> BriefingResult:
    """Gather, compose and render into a temporary file, then put it in place."""
    from tracker.outputs import output_target, replacing

    output_target(out, BriefingError)  # a device or the database itself: refused before the work
    try:
        renderer.prepare()
        data = gather(repo, options, today, progress)
        document = compose(data, options, progress)
        # Written to a temp file beside the file, renamed over it at the end: a new briefing is
        # private to its owner (0600, like the database); one written over an older file keeps
        # that file's permissions; a symlink is written through, a device never replaced.
        with replacing(out, error=BriefingError, keep_mode=True) as tmp:
            pages = renderer.write(document, str(tmp), progress)
        progress.report(final=True)
        return BriefingResult(out, pages, data.level, data.record_count)
    except OSError as exc:
        raise BriefingError(_("cannot write {path}: {error}").format(
            path=out, error=exc.strerror or exc)) from None
