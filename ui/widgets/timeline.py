"""The timeline view: one row per record under its group's row, a bar from its start to the end
of its due day filled to its progress, a today line, the axis' months and years on top and the
titles on the left (both stay in place while the rest scrolls).

Painting costs what is visible, not what is loaded: the rows on screen are found from the
scroll position (rows are of equal height), and each of them draws at most one bar, clipped to
the chart. The arithmetic (positions, marks, groups, overdue) is the core's
(:mod:`tracker.model.timeline`); the view only multiplies by pixels per day.

Keys: Up/Down, Page Up/Down, Home/End move between records (group rows are passed over),
Enter opens the record, Left/Right scroll in time, Ctrl++ / Ctrl+- zoom, Ctrl+wheel zooms
around the mouse, Shift+wheel scrolls in time. A click on a record's row opens it.
"""

from __future__ import annotations

import datetime as _dt
import math

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette, QPen, QPolygonF
from PySide6.QtWidgets import QAbstractScrollArea, QToolTip

from tracker.i18n import format_date, ngettext
from tracker.i18n import gettext as _
from tracker.model import Kind
from tracker.model import timeline as tl

MIN_PER_DAY, MAX_PER_DAY = 0.01, 40.0  # pixels a day: about 30 years to a few days on screen
ZOOM_STEP = 1.25


class TimelineView(QAbstractScrollArea):
    """Groups of items (:class:`tracker.model.timeline.Group`) on an :class:`Axis`."""

    #: A record's row was clicked, or Enter pressed on it: its id.
    openRecord = Signal(int)
    #: The record with the keyboard focus changed (its Item, or None).
    currentChanged = Signal(object)
    #: Pixels a day changed (a zoom).
    zoomed = Signal(float)

    def __init__(self, kind: Kind, parent=None):
        super().__init__(parent)
        self.kind = kind
        self.rows: list[tl.Group | tl.Item] = []
        self._labels: dict[int, str] = {}  # row -> its label, made when first painted
        self.row_of: dict[int, int] = {}  # record id -> row
        today = _dt.date.today()
        self.today = today
        self.axis = tl.axis_for([], today)
        self.per_day = 1.0
        self.current = -1
        self._pressed = -1
        self.fitted = False  # the whole axis in view: kept so when the view is resized
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(_("Road-map timeline"))
        self.viewport().setAutoFillBackground(False)
        fm = self.fontMetrics()
        self.row_height = fm.height() + 8
        self.header_height = 2 * (fm.height() + 6)
        self.label_width = 280
        self.label_room = fm.horizontalAdvance("0000.") + 14  # a month's or a year's label
        self.colours: dict[str, QColor] = {}
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)

    # -- data -----------------------------------------------------------------------------------

    def set_groups(self, groups: list[tl.Group], axis: tl.Axis, today: _dt.date) -> None:
        """Show ``groups`` on ``axis``; the record that had the focus keeps it if still there."""
        keep = self.current_item()
        self.today, self.axis = today, axis
        self.rows, self._labels, self.row_of = [], {}, {}
        for group in groups:
            self.rows.append(group)
            for item in group.items:
                self.row_of[item.id] = len(self.rows)
                self.rows.append(item)
        self.current = -1
        if keep is not None and keep.id in self.row_of:
            self.current = self.row_of[keep.id]
        self._update_scrollbars()
        if self.fitted:
            self.fit()
        self.viewport().update()
        self.currentChanged.emit(self.current_item())

    def label_of(self, row: int) -> str:
        """The row's label as painted: a record's title, a group's label and count (one line,
        nothing that reorders it; made when first needed: 10,000 titles cost 30 ms)."""
        text = self._labels.get(row)
        if text is None:
            entry = self.rows[row]
            text = tl.label(f"{entry.label} ({len(entry.items)})"
                            if isinstance(entry, tl.Group) else entry.title)
            self._labels[row] = text
        return text

    def current_item(self) -> tl.Item | None:
        if 0 <= self.current < len(self.rows):
            row = self.rows[self.current]
            return row if isinstance(row, tl.Item) else None
        return None

    def item_count(self) -> int:
        return len(self.row_of)

    # -- geometry -------------------------------------------------------------------------------

    def chart_width(self) -> int:
        return max(1, self.viewport().width() - self.label_width)

    def end_room(self) -> int:
        """Room after the axis' last day: a mark due on that day is drawn whole."""
        return self.row_height // 2 + 2

    def _update_scrollbars(self) -> None:
        body = max(1, self.viewport().height() - self.header_height)
        v = self.verticalScrollBar()
        v.setRange(0, max(0, len(self.rows) * self.row_height - body))
        v.setPageStep(body)
        v.setSingleStep(self.row_height)
        h = self.horizontalScrollBar()
        width = self.chart_width()
        h.setRange(0, max(0, math.ceil(self.axis.days * self.per_day) + self.end_room() - width))
        h.setPageStep(width)
        h.setSingleStep(max(1, width // 10))

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.label_width = max(160, min(360, self.viewport().width() // 3))
        self._update_scrollbars()
        if self.fitted:
            self.fit()

    def x_of(self, n: float) -> float:
        """The viewport x where day ``n`` starts."""
        return self.label_width + self.axis.x(n, self.per_day) - self.horizontalScrollBar().value()

    def row_at(self, y: int) -> int:
        """The row under viewport y (-1: the axis or below the last row)."""
        if y < self.header_height:
            return -1
        row = (y - self.header_height + self.verticalScrollBar().value()) // self.row_height
        return row if 0 <= row < len(self.rows) else -1

    def visible_rows(self) -> range:
        top = self.verticalScrollBar().value()
        first = top // self.row_height
        shown = math.ceil((self.viewport().height() - self.header_height) / self.row_height) + 1
        return range(first, min(len(self.rows), first + shown))

    def visible_days(self) -> tuple[int, int]:
        left = self.horizontalScrollBar().value() / self.per_day + self.axis.first
        return (math.floor(left), math.ceil(left + self.chart_width() / self.per_day) + 1)

    # -- zoom and scrolling -------------------------------------------------------------------

    def set_per_day(self, per_day: float, anchor_x: float | None = None) -> None:
        """Zoom to ``per_day`` pixels a day, keeping the day under ``anchor_x`` (viewport x;
        default: the middle of the chart) where it is."""
        per_day = min(MAX_PER_DAY, max(MIN_PER_DAY, per_day))
        self.fitted = False
        if anchor_x is None:
            anchor_x = self.label_width + self.chart_width() / 2
        chart_x = anchor_x - self.label_width
        day = (self.horizontalScrollBar().value() + chart_x) / self.per_day
        self.per_day = per_day
        self._update_scrollbars()
        self.horizontalScrollBar().setValue(round(day * per_day - chart_x))
        self.viewport().update()
        self.zoomed.emit(per_day)

    def fit(self) -> None:
        """The whole axis in the chart's width (kept so when the view is resized)."""
        self.set_per_day((self.chart_width() - self.end_room()) / max(1, self.axis.days))
        self.horizontalScrollBar().setValue(0)
        self.fitted = True

    def show_day(self, n: float, at: float = 0.25) -> None:
        """Scroll so that day ``n`` is ``at`` of the chart's width from its left."""
        self.horizontalScrollBar().setValue(
            round(self.axis.x(n, self.per_day) - at * self.chart_width()))

    def show_today(self) -> None:
        self.show_day(tl.today_at(self.today))

    def set_current(self, row: int, *, show_bar: bool = True) -> None:
        """Give the focus mark to ``row`` (a record's row), scrolled into view; its bar too."""
        if not (0 <= row < len(self.rows)) or not isinstance(self.rows[row], tl.Item):
            return
        self.current = row
        v = self.verticalScrollBar()
        top, body = row * self.row_height, self.viewport().height() - self.header_height
        if top < v.value():
            v.setValue(top)
        elif top + self.row_height > v.value() + body:
            v.setValue(top + self.row_height - body)
        item = self.rows[row]
        if show_bar and item.first is not None:
            lo, hi = self.visible_days()
            if item.stop <= lo or item.first >= hi:
                self.show_day(item.first, 0.1)
        self.viewport().update()
        self.setAccessibleDescription(self.describe(item))
        self.currentChanged.emit(item)

    def select_record(self, record_id: int) -> bool:
        row = self.row_of.get(record_id)
        if row is None:
            return False
        self.set_current(row)
        return True

    def _step(self, rows: int) -> None:
        """Move the focus mark by ``rows`` (negative: up) to a record's row."""
        n = len(self.rows)
        if not n:
            return
        start = self.current if self.current >= 0 else (-1 if rows > 0 else n)
        target = min(n - 1, max(0, start + rows))
        direction = 1 if rows > 0 else -1
        probe = target
        while 0 <= probe < n and not isinstance(self.rows[probe], tl.Item):
            probe += direction
        if not (0 <= probe < n):  # past the end: the nearest record the other way
            probe = target
            while 0 <= probe < n and not isinstance(self.rows[probe], tl.Item):
                probe -= direction
        if 0 <= probe < n:
            self.set_current(probe)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        key, mods = event.key(), event.modifiers()
        page = max(1, (self.viewport().height() - self.header_height) // self.row_height - 1)
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        h = self.horizontalScrollBar()
        if key == Qt.Key.Key_Down:
            self._step(1)
        elif key == Qt.Key.Key_Up:
            self._step(-1)
        elif key == Qt.Key.Key_PageDown:
            self._step(page)
        elif key == Qt.Key.Key_PageUp:
            self._step(-page)
        elif key == Qt.Key.Key_Home:
            self.current = -1
            self._step(1)
        elif key == Qt.Key.Key_End:
            self.current = len(self.rows)
            self._step(-1)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            item = self.current_item()
            if item is not None:
                self.openRecord.emit(item.id)
        elif key == Qt.Key.Key_Right:
            h.setValue(h.value() + h.singleStep())
        elif key == Qt.Key.Key_Left:
            h.setValue(h.value() - h.singleStep())
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal) and ctrl:
            self.set_per_day(self.per_day * ZOOM_STEP)
        elif key == Qt.Key.Key_Minus and ctrl:
            self.set_per_day(self.per_day / ZOOM_STEP)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def wheelEvent(self, event) -> None:  # noqa: N802
        mods = event.modifiers()
        delta = event.angleDelta()
        if mods & Qt.KeyboardModifier.ControlModifier and delta.y():
            factor = ZOOM_STEP ** (delta.y() / 120)
            self.set_per_day(self.per_day * factor, event.position().x())
            event.accept()
            return
        if mods & Qt.KeyboardModifier.ShiftModifier and delta.y():
            h = self.horizontalScrollBar()
            h.setValue(h.value() - delta.y())
            event.accept()
            return
        super().wheelEvent(event)

    def scrollContentsBy(self, dx: int, dy: int) -> None:  # noqa: N802
        self.viewport().update()

    # -- the mouse ----------------------------------------------------------------------------

    def mousePressEvent(self, event) -> None:  # noqa: N802
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        row = self.row_at(int(event.position().y()))
        self._pressed = row
        if row >= 0 and isinstance(self.rows[row], tl.Item):
            self.set_current(row, show_bar=False)
        event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        row = self.row_at(int(event.position().y()))
        if (event.button() == Qt.MouseButton.LeftButton and row == self._pressed and row >= 0
                and isinstance(self.rows[row], tl.Item)):
            self.openRecord.emit(self.rows[row].id)
        self._pressed = -1
        event.accept()

    def viewportEvent(self, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.ToolTip:
            row = self.row_at(event.pos().y())
            if row >= 0:
                QToolTip.showText(event.globalPos(), self.describe(self.rows[row], long=True),
                                  self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def describe(self, row, *, long: bool = False) -> str:
        """A row in words: a record's title, dates, progress and status (overdue said);
        a group's label and count."""
        if isinstance(row, tl.Group):
            return ngettext("{group}: {n} item", "{group}: {n} items", len(row.items)).format(
                group=tl.label(row.label), n=len(row.items))
        title = tl.label(row.title, 300 if long else 120)
        parts = [title, dates_text(self.kind, row)]
        f = self.kind.field("status")
        state = f.choice_label(row.status) if row.status else ""
        if self.kind.timeline.progress:
            state = _("{status}; done: {progress}%").format(status=state,
                                                          progress=row.progress)
        parts.append(state)
        if row.overdue:
            parts.append(_("Overdue"))
        return "\n".join(p for p in parts if p) if long else " — ".join(p for p in parts if p)

    # -- painting -------------------------------------------------------------------------------

    def colour(self, item: tl.Item) -> QColor:
        name = tl.colour(self.kind, item)
        c = self.colours.get(name)
        if c is None:
            c = self.colours[name] = QColor(name)
        return c

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self.viewport())
        pal = self.palette()
        w, h = self.viewport().width(), self.viewport().height()
        p.fillRect(0, 0, w, h, pal.color(QPalette.ColorRole.Base))
        lo, hi = self.visible_days()
        marks = tl.ticks(self.axis, self.per_day, label_room=self.label_room,
                         shown=(lo, hi))
        chart = QRect(self.label_width, self.header_height, w - self.label_width,
                      h - self.header_height)
        self._paint_grid(p, marks, chart)
        self._paint_rows(p, chart)
        self._paint_today(p, chart, h)
        self._paint_axis(p, marks, w)
        p.setPen(pal.color(QPalette.ColorRole.Mid))
        p.drawLine(self.label_width, 0, self.label_width, h)
        p.end()

    def _paint_grid(self, p: QPainter, marks: tl.Ticks, chart: QRect) -> None:
        light = self.palette().color(QPalette.ColorRole.Midlight)
        strong = self.palette().color(QPalette.ColorRole.Mid)
        for ticks, colour in ((marks.lower, light), (marks.upper, strong)):
            p.setPen(colour)
            for t in ticks:
                x = round(self.x_of(t.at))
                if x >= chart.left():
                    p.drawLine(x, chart.top(), x, chart.bottom())

    def _paint_rows(self, p: QPainter, chart: QRect) -> None:
        pal = self.palette()
        top = self.header_height - self.verticalScrollBar().value()
        rh = self.row_height
        text = pal.color(QPalette.ColorRole.Text)
        fm = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        band = pal.color(QPalette.ColorRole.AlternateBase)
        highlight = QColor(pal.color(QPalette.ColorRole.Highlight))
        highlight.setAlpha(60)
        p.save()
        p.setClipRect(QRect(0, self.header_height, self.viewport().width(), chart.height()))
        for row in self.visible_rows():
            y = top + row * rh
            entry = self.rows[row]
            if isinstance(entry, tl.Group):
                p.fillRect(0, y, self.viewport().width(), rh, band)
                p.setFont(bold)
                p.setPen(text)
                p.drawText(QRect(6, y, self.viewport().width() - 12, rh),
                           Qt.AlignmentFlag.AlignVCenter, self.label_of(row))
                p.setFont(self.font())
                continue
            if row == self.current:
                p.fillRect(0, y, self.viewport().width(), rh, highlight)
            p.setPen(self.colour(entry) if entry.overdue else text)
            label = fm.elidedText(self.label_of(row), Qt.TextElideMode.ElideRight,
                                  self.label_width - 26)
            p.drawText(QRect(18, y, self.label_width - 22, rh), Qt.AlignmentFlag.AlignVCenter,
                       label)
            self.paint_item(p, entry, y, chart)
            if row == self.current and self.hasFocus():
                pen = QPen(pal.color(QPalette.ColorRole.Highlight))
                pen.setStyle(Qt.PenStyle.DotLine)
                p.setPen(pen)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawRect(1, y, self.viewport().width() - 3, rh - 1)
        p.restore()

    def paint_item(self, p: QPainter, item: tl.Item, y: int, chart: QRect) -> None:
        shape = item.shape
        if shape == tl.UNDATED:  # on the plain ground: the grid's lines would cross the words
            words = _("No dates")
            width = self.fontMetrics().horizontalAdvance(words)
            ground = QRect(chart.left() + 4, y + 2, width + 8, self.row_height - 4)
            p.fillRect(ground, self.palette().color(QPalette.ColorRole.Base))
            if self.current_item() is item:  # the row's highlight, as under its label
                highlight = QColor(self.palette().color(QPalette.ColorRole.Highlight))
                highlight.setAlpha(60)
                p.fillRect(ground, highlight)
            p.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            p.drawText(QRect(chart.left() + 8, y, chart.width() - 16, self.row_height),
                       Qt.AlignmentFlag.AlignVCenter, words)
            return
        colour = self.colour(item)
        x0, x1 = self.x_of(item.first), self.x_of(item.stop)
        if x1 < chart.left() or x0 > chart.right():  # off screen: an arrow says which way
            left = x1 < chart.left()
            tip = chart.left() + 2 if left else chart.right() - 2
            back = tip + (1.4 if left else -1.4) * (self.row_height - 8) / 2
            cy, r = y + self.row_height / 2, (self.row_height - 8) / 2
            p.save()
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(colour)
            p.drawPolygon(QPolygonF([QPointF(back, cy - r), QPointF(tip, cy),
                                     QPointF(back, cy + r)]))
            p.restore()
            return
        p.save()
        p.setClipRect(QRect(chart.left(), y, chart.width(), self.row_height))
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pad = 4
        bar = QRectF(x0, y + pad, max(2.0, x1 - x0), self.row_height - 2 * pad)
        if shape == tl.BAR:
            pale = QColor(colour)
            pale.setAlpha(70)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(pale)
            p.drawRect(bar)
            if item.progress:
                done = QRectF(bar)
                done.setWidth(bar.width() * item.progress / 100)
                p.setBrush(colour)
                p.drawRect(done)
            pen = QPen(colour)
            pen.setWidthF(2.0 if item.overdue else 1.0)
            p.setPen(pen)
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawRect(bar)
        else:
            size = (self.row_height - 2 * pad) / 2
            cx = x0 + (x1 - x0) / 2 if shape == tl.DUE else x0
            cy = y + self.row_height / 2
            if shape == tl.DUE:  # a diamond on the day it is due
                points = [QPointF(cx, cy - size), QPointF(cx + size, cy),
                          QPointF(cx, cy + size), QPointF(cx - size, cy)]
            else:  # a start with no due date: a mark pointing on
                points = [QPointF(cx, cy - size), QPointF(cx + 1.6 * size, cy),
                          QPointF(cx, cy + size)]
            p.setPen(QPen(colour))
            p.setBrush(colour)
            p.drawPolygon(QPolygonF(points))
        p.restore()

    def _paint_today(self, p: QPainter, chart: QRect, height: int) -> None:
        x = self.x_of(tl.today_at(self.today))
        if chart.left() <= x <= chart.right():
            pen = QPen(QColor(tl.OVERDUE_COLOUR))
            pen.setWidthF(1.5)
            pen.setStyle(Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(x, self.header_height // 2), QPointF(x, height))

    def _paint_axis(self, p: QPainter, marks: tl.Ticks, width: int) -> None:
        pal = self.palette()
        half = self.header_height // 2
        p.fillRect(0, 0, width, self.header_height, pal.color(QPalette.ColorRole.Button))
        p.setPen(pal.color(QPalette.ColorRole.ButtonText))
        bold = QFont(self.font())
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QRect(6, 0, self.label_width - 12, self.header_height),
                   Qt.AlignmentFlag.AlignVCenter, _(self.kind.label))
        p.setClipRect(QRect(self.label_width, 0, width - self.label_width, self.header_height))
        for ticks, y, font in ((marks.upper, 0, bold), (marks.lower, half, self.font())):
            p.setFont(font)
            for i, t in enumerate(ticks):
                x = self.x_of(t.at)
                end = self.x_of(ticks[i + 1].at) if i + 1 < len(ticks) else width
                left = max(x, float(self.label_width))  # a span begun off screen: label kept
                p.setPen(pal.color(QPalette.ColorRole.Mid))
                p.drawLine(QPointF(x, y + 2), QPointF(x, y + half))
                room = min(end, float(width)) - left - 6
                if QFontMetrics(font).horizontalAdvance(t.label) > room:
                    continue  # no room for the whole label: none (a cut year misleads)
                p.setPen(pal.color(QPalette.ColorRole.ButtonText))
                p.drawText(QRectF(left + 4, y, room, half), Qt.AlignmentFlag.AlignVCenter,
                           t.label)
        x = self.x_of(tl.today_at(self.today))
        if x >= self.label_width:  # "Today" in a box over the marks it may cover
            p.setFont(self.font())
            text = _("Today")
            box = QRectF(x + 2, half + 2, self.fontMetrics().horizontalAdvance(text) + 8,
                         half - 4)
            p.fillRect(box, pal.color(QPalette.ColorRole.Base))
            p.setPen(QColor(tl.OVERDUE_COLOUR))
            p.drawRect(box)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        p.setClipping(False)
        p.setPen(pal.color(QPalette.ColorRole.Mid))
        p.drawLine(0, self.header_height - 1, width, self.header_height - 1)


def dates_text(kind: Kind, item: tl.Item) -> str:
    """An item's dates in words: "1 March 2026 – 31 December 2026", "Due date: 31 December
    2026", "Planned start: 1 March 2026; Due date: —", "No dates"."""
    span = kind.timeline

    def text(n: int) -> str:
        return format_date(_dt.date.fromordinal(n))

    shape = item.shape
    if shape == tl.BAR:
        return f"{text(item.start)} – {text(item.end)}"
    end_label = _(kind.field(span.end).label)
    if shape == tl.DUE:
        return f"{end_label}: {text(item.end)}"
    if shape == tl.START:
        return f"{_(kind.field(span.start).label)}: {text(item.start)}; {end_label}: —"
    return _("No dates")
