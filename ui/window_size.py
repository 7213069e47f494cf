"""The main window's size and place: restored from the settings, and always inside the screen.

A geometry saved on another screen or at another display scale (a window of 1800x1000 saved at
100 % comes back on a screen of 1280x720 logical pixels at 150 %) is shrunk and moved onto the
screen's available area; one Qt cannot restore at all gives the default size, fitted and centred.
The minimum size never exceeds the screen either, so the window's bottom (the Save button) and
its right edge stay in view and the record form scrolls inside its own scroll area.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication

DEFAULT_SIZE = (1280, 800)
MIN_SIZE = (900, 600)
#: Room kept for the window's frame (title bar, borders) before it is shown and measured.
FRAME_ALLOWANCE = (8, 40)


def available_area(window) -> QRect:
    """The available geometry (without panels and task bars) of the screen the window is on."""
    screen = (QGuiApplication.screenAt(window.frameGeometry().center()) or window.screen()
              or QGuiApplication.primaryScreen())
    return screen.availableGeometry()


def _frame_extra(window) -> tuple[int, int]:
    frame, inner = window.frameGeometry(), window.geometry()
    extra = (frame.width() - inner.width(), frame.height() - inner.height())
    if window.isVisible() and (extra[0] or extra[1]):
        return extra
    return FRAME_ALLOWANCE


def fit_to_screen(window) -> None:
    """Shrink the window to its screen's available area and move it fully onto it (a maximised
    or full-screen window is left alone: the window system places it)."""
    area = available_area(window)
    extra_w, extra_h = _frame_extra(window)
    room_w, room_h = max(area.width() - extra_w, 1), max(area.height() - extra_h, 1)
    window.setMinimumSize(min(MIN_SIZE[0], room_w), min(MIN_SIZE[1], room_h))
    if window.isMaximized() or window.isFullScreen():
        return
    width, height = min(window.width(), room_w), min(window.height(), room_h)
    window.resize(width, height)
    frame = window.frameGeometry()
    x = min(max(frame.x(), area.x()), area.x() + area.width() - (width + extra_w))
    y = min(max(frame.y(), area.y()), area.y() + area.height() - (height + extra_h))
    window.move(max(x, area.x()), max(y, area.y()))


def restore(window, saved) -> None:
    """Restore the saved geometry (QSettings' ``window/geometry``, or None), falling back to the
    default size centred on the screen when there is none or Qt refuses it; then fit it."""
    restored = saved is not None and bool(window.restoreGeometry(saved))
    if not restored:
        area = available_area(window)
        window.setMinimumSize(1, 1)  # the default size may be smaller than the minimum
        window.resize(*DEFAULT_SIZE)
        fit_to_screen(window)
        extra_w, extra_h = _frame_extra(window)
        window.move(area.x() + max((area.width() - window.width() - extra_w) // 2, 0),
                    area.y() + max((area.height() - window.height() - extra_h) // 2, 0))
        return
    fit_to_screen(window)


def fit_dialog(dialog) -> None:
    """Shrink a large dialog to its screen's available area (less the frame) and move it onto
    it: at 150 % a 1920x1080 screen is 1280x720, smaller than the Briefing dialog's 1280x760."""
    area = available_area(dialog)
    extra_w, extra_h = _frame_extra(dialog)
    width = min(dialog.width(), max(area.width() - extra_w, 1))
    height = min(dialog.height(), max(area.height() - extra_h, 1))
    if (width, height) != (dialog.width(), dialog.height()):
        dialog.resize(width, height)
    frame = dialog.frameGeometry()
    x = min(max(frame.x(), area.x()), area.x() + area.width() - (width + extra_w))
    y = min(max(frame.y(), area.y()), area.y() + area.height() - (height + extra_h))
    dialog.move(max(x, area.x()), max(y, area.y()))
