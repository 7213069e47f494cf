"""The editor of an indicator's series of dated values: a small editable table (date, value,
source, quote) over a line chart with the target, and the figures computed from the form as it
stands (``tracker.model.indicators``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import format_compact, format_period
from tracker.i18n import gettext as _
from tracker.model import SOURCE_KIND, Field, Kind
from tracker.model.indicators import (
    Reading,
    axis_ticks,
    distance_text,
    latest_text,
    reading,
    target_text,
)
from tracker.model.values import decimal_text, period_start, period_text, series_items, series_text
from ui.forms.base import NONE_TEXT, Editor

LINE, TARGET, MET, GRID, GREY = "#2f6fb3", "#b86e00", "#2e8b57", "#e1e5ea", "#5b6573"
DATE, VALUE, SOURCE, QUOTE = range(4)


class SeriesChart(QWidget):
    """The values as a line over time, the target as a dashed level (green once met)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.reading: Reading | None = None
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(_("Chart of the values"))

    def show_reading(self, r: Reading | None) -> None:
        self.reading = r
        self.update()

    def paintEvent(self, event):  # noqa: N802 - Qt API
        r = self.reading
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor("white"))
        if r is None or not r.points:
            p.setPen(QColor(GREY))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, _("No values yet"))
            return
        levels = [x.value for x in r.points] + ([r.target] if r.target is not None else [])
        ticks = axis_ticks(levels)
        metrics = QFontMetrics(self.font())
        left = max(metrics.horizontalAdvance(format_compact(t)) for t in ticks) + 10
        plot = QRectF(left, 22, self.width() - left - 14, self.height() - 44)
        days = [period_start(x.date).toordinal() for x in r.points]
        if r.target_on:
            days.append(period_start(r.target_on).toordinal())
        pad = max(182, (max(days) - min(days)) // 12)
        first, last = min(days) - pad, max(days) + pad
        lo, hi = float(ticks[0]), float(ticks[-1])

        def at(day: int, value: Decimal) -> QPointF:
            return QPointF(plot.left() + plot.width() * (day - first) / (last - first),
                           plot.bottom() - plot.height() * (float(value) - lo) / (hi - lo))

        for t in ticks:
            y = at(first, t).y()
            p.setPen(QPen(QColor(GRID), 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(QColor(GREY))
            p.drawText(QRectF(0, y - 8, left - 5, 16), Qt.AlignmentFlag.AlignRight
                       | Qt.AlignmentFlag.AlignVCenter, format_compact(t))
        if r.target is not None:
            y = at(first, r.target).y()
            p.setPen(QPen(QColor(MET if r.met else TARGET), 1.5, Qt.PenStyle.DashLine))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.drawText(QRectF(plot.left(), y - 17, plot.width(), 14),
                       Qt.AlignmentFlag.AlignRight,
                       _("Target: {value}").format(value=target_text(r)))
            if r.target_on:  # a diamond at the target's date
                c = at(period_start(r.target_on).toordinal(), r.target)
                p.setBrush(QColor(MET if r.met else TARGET))
                p.setPen(Qt.PenStyle.NoPen)
                p.drawPolygon([QPointF(c.x(), c.y() - 5), QPointF(c.x() + 5, c.y()),
                               QPointF(c.x(), c.y() + 5), QPointF(c.x() - 5, c.y())])
                p.setBrush(Qt.BrushStyle.NoBrush)
        path = QPainterPath()
        points = [at(d, x.value) for d, x in zip(days, r.points, strict=False)]
        path.moveTo(points[0])
        for point in points[1:]:
            path.lineTo(point)
        p.setPen(QPen(QColor(LINE), 2))
        p.drawPath(path)
        p.setBrush(QColor(LINE))
        for point, x in zip(points, r.points, strict=True):
            p.drawRect(QRectF(point.x() - 3, point.y() - 3, 6, 6))
            p.setPen(QColor(GREY))
            p.drawText(QRectF(point.x() - 40, plot.bottom() + 4, 80, 16),
                       Qt.AlignmentFlag.AlignHCenter, format_period(x.date))
            p.setPen(QPen(QColor(LINE), 2))
        p.end()


class SeriesEditor(Editor):
    """The dated values of an indicator as a table (date, value, source, quote; Add value and
    Remove value), with a chart of them and its target and the figures computed from the form:
    the newest value and the distance to the target. The core checks every row on Save and
    names the one at fault; a quote must be found in its source's text."""

    def __init__(self, field: Field, repo=None, parent=None):
        super().__init__(field, repo, parent)
        self._loading = False
        self._read_only = False
        self.sources: list[tuple[int, str]] = []
        box = QVBoxLayout()
        box.setContentsMargins(0, 0, 0, 0)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([_("Date"), _("Value"), _("Source"), _("Quote")])
        header = self.table.horizontalHeader()
        for column, mode in ((DATE, QHeaderView.ResizeMode.ResizeToContents),
                             (VALUE, QHeaderView.ResizeMode.ResizeToContents),
                             (SOURCE, QHeaderView.ResizeMode.Interactive),
                             (QUOTE, QHeaderView.ResizeMode.Stretch)):
            header.setSectionResizeMode(column, mode)
        self.table.setColumnWidth(SOURCE, 130)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.itemChanged.connect(self._edited)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(_("Add value"))
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton(_("Remove value"))
        self.remove_button.clicked.connect(self.remove_row)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.chart = SeriesChart()
        self.facts = QLabel()
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.facts.setWordWrap(True)
        self.facts.setStyleSheet(f"color: {GREY};")
        box.addWidget(self.table)
        box.addLayout(buttons)
        box.addWidget(self.chart)
        box.addWidget(self.facts)
        self.row.addLayout(box)
        self.finish(self.table)
        self.reload_choices()

    # -- the table ---------------------------------------------------------------------------

    def reload_choices(self) -> None:
        if self.repo is None:
            return
        rows = self.repo.list(SOURCE_KIND.name, columns=["id", "title"])
        self.sources = [(r["id"], r["title"]) for r in rows]
        for i in range(self.table.rowCount()):
            combo = self.table.cellWidget(i, SOURCE)
            self._fill_sources(combo, combo.currentData())

    def _fill_sources(self, combo: QComboBox, current: int | None) -> None:
        combo.blockSignals(True)
        combo.clear()
        combo.addItem(NONE_TEXT, None)
        for sid, title in self.sources:
            combo.addItem(title, sid)
        if current is not None and combo.findData(current) < 0:  # not visible to this user
            combo.addItem(_("Source {id}").format(id=current), current)
        combo.setCurrentIndex(max(0, combo.findData(current)))
        combo.blockSignals(False)

    def add_row(self, item: dict | None = None) -> int:
        """A row for ``item`` (or an empty one, its date cell being edited when added by the
        button); returns its index."""
        item = item if isinstance(item, dict) else {}
        i = self.table.rowCount()
        was = self._loading
        self._loading = True
        try:
            self.table.insertRow(i)
            self.table.setItem(i, DATE, QTableWidgetItem(item.get("date") or ""))
            self.table.setItem(i, VALUE, QTableWidgetItem(item.get("value") or ""))
            self.table.item(i, VALUE).setTextAlignment(Qt.AlignmentFlag.AlignRight
                                                       | Qt.AlignmentFlag.AlignVCenter)
            quote = QTableWidgetItem(item.get("quote") or "")
            quote.setToolTip(item.get("quote") or "")
            self.table.setItem(i, QUOTE, quote)
            combo = QComboBox()
            combo.setAccessibleName(_("Source"))
            self._fill_sources(combo, item.get("source_id"))
            combo.currentIndexChanged.connect(self._edited)
            combo.setEnabled(not self._read_only)
            self.table.setCellWidget(i, SOURCE, combo)
        finally:
            self._loading = was
        if not was:
            self.table.setCurrentCell(i, DATE)
            self.table.editItem(self.table.item(i, DATE))
            self._edited()
        return i

    def _fit(self) -> None:
        """The table as tall as its rows (three to eight of them shown)."""
        rows = min(max(self.table.rowCount(), 3), 8)
        height = self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + rows * height + 2 * self.table.frameWidth())

    def remove_row(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for i in rows:
            self.table.removeRow(i)
        if rows:
            self._edited()

    def _edited(self, *_args) -> None:
        self._fit()
        if not self._loading:
            self.changed.emit()

    def _cell(self, i: int, column: int) -> str:
        item = self.table.item(i, column)
        return item.text().strip() if item is not None else ""

    # -- Editor ------------------------------------------------------------------------------

    def value(self) -> list[dict] | None:
        """The rows as typed ({date, value, source_id, quote}); empty rows left out, None for
        none. The core reads, sorts and checks them."""
        out = []
        for i in range(self.table.rowCount()):
            combo = self.table.cellWidget(i, SOURCE)
            item = {"date": self._cell(i, DATE), "value": self._cell(i, VALUE),
                    "source_id": combo.currentData() if combo is not None else None,
                    "quote": self._cell(i, QUOTE) or None}
            if item["date"] or item["value"] or item["source_id"] is not None or item["quote"]:
                out.append(item)
        return out or None

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self.table.setRowCount(0)
            items = series_items(value) if isinstance(value, str) else (value or [])
            for item in items:
                self.add_row(item)
        finally:
            self._loading = False
        self._fit()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        triggers = (QAbstractItemView.EditTrigger.NoEditTriggers if read_only else
                    QAbstractItemView.EditTrigger.AllEditTriggers)
        self.table.setEditTriggers(triggers)
        for i in range(self.table.rowCount()):
            self.table.cellWidget(i, SOURCE).setEnabled(not read_only)
        self.add_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only)

    def form_changed(self, kind: Kind, values: dict[str, Any]) -> None:
        """Chart the form as it stands: what of it reads as numbers and periods."""
        m = kind.measure
        if m is None:
            return
        record = {m.unit: values.get(m.unit), m.series: None}
        try:
            record[m.series] = series_text(self.value())
        except ValueError:  # a row being typed: chart the rows that read (one per date)
            readable = {period_text(i["date"]): {**i, "source_id": None, "quote": None}
                        for i in self.value() or [] if _reads(i)}
            record[m.series] = series_text(list(readable.values()))
        for name, read in ((m.target_value, decimal_text), (m.target_on, period_text),
                           (m.baseline_value, decimal_text), (m.baseline_on, period_text)):
            try:
                record[name] = read(values.get(name)) if values.get(name) else None
            except ValueError:
                record[name] = None
        r = reading(record, m)
        self.chart.show_reading(r)
        facts = [_("Latest value: {text}").format(text=latest_text(r))]
        if r.target is not None:
            facts.append(_("Distance to the target: {text}").format(text=distance_text(r)))
        self.facts.setText(" · ".join(facts))


def _reads(item: dict) -> bool:
    try:
        series_text([{**item, "source_id": None, "quote": None}])
        period_start(period_text(item["date"]))
    except (ValueError, KeyError, TypeError):
        return False
    return True

