"""The Briefing dialog's live preview: after each edit (once typing pauses) the first pages of
the briefing are built off the GUI thread (``ui.tasks``, on a read-only session of its own) into
a private temporary folder, and shown. An export in progress, or one just finished, has the
view; the next edit brings the preview back."""

from __future__ import annotations

import datetime as _dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtPdf import QPdfDocument

from tracker import briefing as core
from ui.tasks import Cancelled, Task, Tasks

DELAY_MS = 700  # a pause in typing before the preview is built again


class LivePreview(QObject):
    """``make()`` gives (options, brief) or raises the error to show; ``shown(document)`` puts
    a loaded preview in the view; ``problem(text)`` says why there is none."""

    def __init__(self, owner, repo_of: Callable, make: Callable,
                 shown: Callable[[QPdfDocument], None], problem: Callable[[str], None]):
        super().__init__(owner)
        self.make, self.shown, self.problem = make, shown, problem
        self.tasks = Tasks(owner, repo_of)
        self.task: Task | None = None
        self.document = QPdfDocument(owner)
        self.folder = Path(tempfile.mkdtemp(prefix="briefing-preview-"))
        self.turn = 0  # the file written next (two, so the one shown is never rewritten)
        self.today: _dt.date | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(DELAY_MS)
        self.timer.timeout.connect(self.build)
        self.paused = False  # an export runs: no preview meanwhile

    def schedule(self) -> None:
        """Something changed: build again once the edits pause."""
        if not self.paused:
            self.timer.start()

    def pause(self) -> None:
        """An export starts: no preview is built or shown until the next edit after it."""
        self.paused = True
        self.timer.stop()
        if self.task is not None:
            self.task.cancel()

    def resume(self) -> None:
        self.paused = False

    def build(self) -> bool:
        """Build the preview now (False: nothing started)."""
        if self.paused:
            return False
        try:
            options, brief = self.make()
        except core.BriefingError as exc:
            self.problem(" ".join(str(exc).split()))
            return False
        if self.task is not None:  # a newer edit: the running build is of no use
            self.task.cancel()
            self.timer.start()
            return False
        self.turn = 1 - self.turn
        out, today = self.folder / f"preview-{self.turn}.pdf", self.today

        def work(session, task):
            try:
                return core.build_briefing(session, options, out, brief=brief, preview=True,
                                           today=today, cancel=task.is_cancelled)
            except core.BriefingCancelled:
                raise Cancelled from None

        self.task = self.tasks.run(work, done=self._built, failed=self.problem,
                                   ended=self._ended)
        return True

    def is_building(self) -> bool:
        return self.task is not None

    def _built(self, result: core.BriefingResult) -> None:
        if self.paused:
            return
        self.document.close()
        if self.document.load(str(result.path)) == QPdfDocument.Error.None_:
            self.shown(self.document)
        else:
            self.problem("")

    def _ended(self) -> None:
        self.task = None

    def close(self) -> None:
        self.timer.stop()
        self.tasks.stop()
        self.document.close()
        shutil.rmtree(self.folder, ignore_errors=True)
