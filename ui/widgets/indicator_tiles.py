"""The dashboard's indicators: a tile for each indicator chosen for it ("Show on the dashboard"),
with its newest value, a sparkline of its values and its target, and the distance to the target
(``tracker.model.indicators``). A click, Enter or Space opens the indicator."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from tracker.model import get_kind
from tracker.model.indicators import Reading, distance_text, latest_text, reading
from tracker.model.values import period_start

COLUMNS = 4
LINE, TARGET, MET, ALERT = "#2f6fb3", "#b86e00", "#2e8b57", "#b3261e"


class Sparkline(QWidget):
    """The values as a small line, the target as a dashed level."""

    def __init__(self, r: Reading, parent=None):
        super().__init__(parent)
        self.reading = r
        self.setFixedHeight(22)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def paintEvent(self, event):  # noqa: N802 - Qt API
        r = self.reading
        if not r.points:
            return
        levels = [float(x.value) for x in r.points]
        if r.target is not None:
            levels.append(float(r.target))
        lo, hi = min(levels), max(levels)
        if hi == lo:
            lo, hi = lo - 1, hi + 1
        days = [period_start(x.date).toordinal() for x in r.points]
        first, last = min(days), max(days)
        box = QRectF(4, 3, self.width() - 8, self.height() - 6)

        def y(value: float) -> float:
            return box.bottom() - box.height() * (value - lo) / (hi - lo)

        def x(day: int) -> float:
            if last == first:
                return box.center().x()
            return box.left() + box.width() * (day - first) / (last - first)

        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if r.target is not None:
            p.setPen(QPen(QColor(MET if r.met else TARGET), 1.2, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(box.left(), y(float(r.target))),
                       QPointF(box.right(), y(float(r.target))))
        points = [QPointF(x(d), y(float(v.value))) for d, v in zip(days, r.points, strict=True)]
        path = QPainterPath(points[0])
        for point in points[1:]:
            path.lineTo(point)
        p.setPen(QPen(QColor(LINE), 1.8))
        p.drawPath(path)
        p.setBrush(QColor(LINE))
        p.drawEllipse(points[-1], 2.6, 2.6)
        p.end()


class Elided(QLabel):
    """One line of plain text, cut with "…" to the width it has (the whole in its tooltip)."""

    def __init__(self, text: str, parent=None):
        super().__init__(parent)
        self.full = text
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setToolTip(text)
        self.setMinimumWidth(40)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setText(text)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().resizeEvent(event)
        self.setText(self.fontMetrics().elidedText(self.full, Qt.TextElideMode.ElideRight,
                                                   self.width()))


class IndicatorTile(QFrame):
    """Three lines: the newest value beside the sparkline, the indicator's name, the distance
    to its target (red while short of it, green once met)."""

    clicked = Signal()

    def __init__(self, title: str, r: Reading, parent=None):
        super().__init__(parent)
        self.reading = r
        self.setObjectName("figure")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(1)
        top = QHBoxLayout()
        self.value = QLabel(latest_text(r))
        self.value.setTextFormat(Qt.TextFormat.PlainText)
        font = self.value.font()
        font.setBold(True)
        self.value.setFont(font)
        self.sparkline = Sparkline(r)
        top.addWidget(self.value)
        top.addWidget(self.sparkline, 1)
        self.title = Elided(title)
        self.distance = Elided(distance_text(r) if r.target is not None else "")
        colour = {True: MET, False: ALERT}.get(r.met, "palette(mid)")
        self.distance.setStyleSheet(f"color: {colour};")
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.distance)
        self.setAccessibleName(title)
        self.setAccessibleDescription(" ".join(t for t in (self.value.text(),
                                                           self.distance.full) if t))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


class IndicatorTiles(QWidget):
    """The tiles of the indicators chosen for the dashboard (hidden when there are none)."""

    openRecord = Signal(str, int)  # noqa: N815

    def __init__(self, parent=None):
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(8)
        self.tiles: list[IndicatorTile] = []
        for i in range(COLUMNS):
            self.grid.setColumnStretch(i, 1)

    def set_indicators(self, shown: list[tuple[str, dict]]) -> None:
        """Show ``repo.shown_indicators()``: (kind, record) pairs."""
        for tile in self.tiles:
            self.grid.removeWidget(tile)
            tile.hide()  # gone at once, not when the event loop deletes it
            tile.deleteLater()
        self.tiles = []
        for i, (kind_name, row) in enumerate(shown):
            tile = IndicatorTile(row.get("title") or "", reading(row, get_kind(kind_name).measure))
            tile.clicked.connect(lambda k=kind_name, rid=row["id"]: self.openRecord.emit(k, rid))
            self.grid.addWidget(tile, i // COLUMNS, i % COLUMNS)
            self.tiles.append(tile)
        self.setVisible(bool(shown))
