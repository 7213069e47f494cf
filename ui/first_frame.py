"""The main window's first frame: what waits for it, and the window painted before its session.

``ui.app`` makes the window without its session (``MainWindow(None, target=...)``), shows it,
waits for its first frame (:meth:`FirstFrame.wait_for_first_frame`), then opens the file and
gives the window its session (``MainWindow.attach``). The slots given to ``after_first_paint``
(the start page first) run once the frame is painted AND the session attached; work nobody waits
for (``when_settled``) SETTLE_MS later."""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QTimer

log = logging.getLogger(__name__)

SETTLE_MS = 300  # after the first frame: the start page first, then the rest


class FirstFrame:
    """Mixed into ``ui.main_window.MainWindow`` (which sets ``painted``, ``_framed``,
    ``_frame_loop`` and ``_after_paint``, and installs itself as its own event filter)."""

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if obj is self and event.type() == QEvent.Type.Paint and not self.painted:
            self.removeEventFilter(self)
            # the rest of this paint pass (every child) runs before the next loop iteration
            QTimer.singleShot(0, self._first_paint_done)
        return super().eventFilter(obj, event)

    def _first_paint_done(self) -> None:
        if self.painted:
            return
        if self.repo is None:  # painted without its session: the rest waits for attach()
            self._framed = True
            if self._frame_loop is not None:
                self._frame_loop.quit()
            return
        self._framed = self.painted = True
        self.removeEventFilter(self)
        slots, self._after_paint = self._after_paint, []
        for slot in slots:
            try:
                slot()
            except Exception:  # noqa: BLE001 - e.g. a damaged file: the others still run
                log.exception("after the first frame: %r failed", slot)
        self.firstPainted.emit()

    def wait_for_first_frame(self) -> None:
        """Run the event loop until the window, made without its session, has painted its first
        frame (or FIRST_PAINT_FALLBACK_MS has passed): ``ui.app`` opens the session after it."""
        if self._framed or self.repo is not None:
            return
        from PySide6.QtCore import QEventLoop

        self._frame_loop = QEventLoop()
        try:
            self._frame_loop.exec()
        finally:
            self._frame_loop = None

    def discard(self) -> None:
        """The window whose session did not open: hidden and deleted, its settings untouched."""
        stop_timers(self)
        self.hide()
        self.deleteLater()

    def after_first_paint(self, slot) -> None:
        """Call ``slot`` once the window has been painted (at once if it already has)."""
        if self.painted:
            slot()
        else:
            self._after_paint.append(slot)

    def when_settled(self, slot) -> None:
        """Call ``slot`` SETTLE_MS after the first frame: work the start page should not wait
        for (ui.app: the integrity watch, the daily backup, the version)."""
        self.after_first_paint(lambda: self.later(SETTLE_MS, slot))

    def later(self, ms: int, slot) -> QTimer:
        """Call ``slot`` once, ``ms`` from now, unless the window closes first: the timer is the
        window's child, and closing stops every timer under the window (``stop_timers``), so
        no delayed work ever reaches a database that was closed meanwhile."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        timer.timeout.connect(timer.deleteLater)
        timer.start()
        return timer


def stop_timers(root) -> None:
    """Stop every timer under ``root`` (a window closing, or pages being replaced): a timer must
    never outlive the repository its slot reads."""
    for timer in root.findChildren(QTimer):
        timer.stop()
