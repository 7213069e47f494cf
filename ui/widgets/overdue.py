"""What marks an overdue record in the tables and lists: its colour, the brush its text is
painted with and the mark beside its title."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap

OVERDUE_COLOR = QColor("#c62828")


_OVERDUE_BRUSH: list[QBrush] = []


def overdue_brush() -> QBrush:
    """The overdue rows' text colour (made once: a view copies what it is given). Made empty,
    then coloured: ``QBrush(QColor)`` looks through every constructor (gradients, images) and
    makes their Python enums on first use, ~1.7 ms of a table's first screen."""
    if not _OVERDUE_BRUSH:
        brush = QBrush()
        brush.setColor(OVERDUE_COLOR)
        brush.setStyle(Qt.BrushStyle.SolidPattern)
        _OVERDUE_BRUSH.append(brush)
    return _OVERDUE_BRUSH[0]


_OVERDUE_ICON: list[QIcon] = []


def overdue_icon() -> QIcon:
    """A red disc with a white "!" (drawn once, at 4x for high-DPI screens)."""
    if not _OVERDUE_ICON:
        size = 64
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        p = QPainter(pixmap)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(OVERDUE_COLOR)
        p.drawEllipse(4, 4, size - 8, size - 8)
        p.setBrush(QColor("white"))
        p.drawRoundedRect(28, 14, 8, 24, 3, 3)
        p.drawEllipse(28, 42, 8, 8)
        p.end()
        _OVERDUE_ICON.append(QIcon(pixmap))
    return _OVERDUE_ICON[0]
