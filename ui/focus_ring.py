"""A clearly visible focus ring: a 2-pixel frame in the palette's highlight colour around the
widget that has the keyboard focus, in every window of the app.

The styles draw focus faintly or not at all (Fusion: a thin tint on buttons, nothing on a table
or a list), so a user moving with Tab loses the place. The ring is one overlay widget, moved with
the focus (drawn on the window, or on the scrolled content the widget is in) and kept on the
widget when it, or a parent of it, moves or resizes; it takes no mouse events and is not drawn
while nothing has the focus.

Installed once the main window has painted its first frame (it uses the Qt namespace).
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

WIDTH = 2
MARGIN = 3  # around the widget, clear of its own frame
INSTALLED = "focus_ring_installed"


class FocusRing(QWidget):
    """The frame itself (a child of the focused widget's parent, above its siblings)."""

    def __init__(self):
        super().__init__()
        self.setObjectName("focus_ring")
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.target: QWidget | None = None

    def colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.Highlight)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt API
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        pen = QPen(self.colour(), WIDTH)
        pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
        painter.setPen(pen)
        half = WIDTH // 2
        painter.drawRect(self.rect().adjusted(half, half, -half, -half))
        painter.end()

    def place(self) -> None:
        target = self.target
        if target is None or not target.isVisible() or target.parentWidget() is None:
            self.hide()
            return
        host = ring_host(target)
        if self.parentWidget() is not host:
            self.setParent(host)
        top_left = target.mapTo(host, QPoint(0, 0))
        self.setGeometry(QRect(top_left.x() - MARGIN, top_left.y() - MARGIN,
                               target.width() + 2 * MARGIN, target.height() + 2 * MARGIN))
        self.raise_()
        self.show()


class _Follow(QObject):
    """Moves the ring with the focus, and with the focused widget's moves and resizes."""

    def __init__(self):
        super().__init__()
        self._ring = FocusRing()
        self.watched: list[QWidget] = []  # the target and its parents up to the ring's host

    @property
    def ring(self) -> FocusRing:
        # the window the ring was drawn in may have been deleted with it: a new one then
        if not shiboken6.isValid(self._ring):
            self._ring = FocusRing()
        return self._ring

    def focus_moved(self, _old, new) -> None:
        for widget in self.watched:
            if shiboken6.isValid(widget):
                widget.removeEventFilter(self)
        self.watched = []
        ring = self.ring
        ring.target = target = ring_target(new)
        if target is None:
            ring.hide()
            return
        # a layout may move the target's parents (a splitter dragged, a form scrolled), not it
        host, widget = ring_host(target), target
        while widget is not None and widget is not host:
            widget.installEventFilter(self)
            self.watched.append(widget)
            widget = widget.parentWidget()
        ring.place()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        kind = event.type()
        if kind in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show):
            self.ring.place()
        elif kind == QEvent.Type.Hide and obj is self.ring.target:
            self.ring.hide()
        return False


def ring_host(target: QWidget) -> QWidget:
    """Where the ring is drawn: the window, or the scrolled content the target is in (it moves
    with it, and is clipped by the scroll area as the target is). Not the target's own parent:
    that is often a wrapper the target fills, which would clip the ring away."""
    host = target.parentWidget()
    while not host.isWindow():
        parent = host.parentWidget()
        if isinstance(parent, QWidget) and isinstance(parent.parentWidget(),
                                                      QAbstractScrollArea) \
                and parent.parentWidget().viewport() is parent:
            return host
        host = parent
    return host


def ring_target(widget: QWidget | None) -> QWidget | None:
    """The widget the ring goes around: the focused one, or the scroll area its viewport is
    in (a table's cells); none for a window itself (it has no parent to draw on)."""
    if widget is None or widget.isWindow():
        return None
    parent = widget.parentWidget()
    if parent is not None and isinstance(parent.parentWidget(), QAbstractScrollArea) \
            and parent.parentWidget().viewport() is parent:
        return parent.parentWidget()
    return widget


def install() -> FocusRing | None:
    """The app's ring (made once); None without an application."""
    app = QApplication.instance()
    if app is None:
        return None
    existing = app.property(INSTALLED)
    if existing:
        return app.findChild(QObject, "focus_ring_follow").ring
    follow = _Follow()
    follow.setObjectName("focus_ring_follow")
    follow.setParent(app)
    app.focusChanged.connect(follow.focus_moved)
    app.setProperty(INSTALLED, True)
    follow.focus_moved(None, app.focusWidget())
    return follow.ring
