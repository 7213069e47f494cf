"""Global search (Ctrl+F): results as you type, grouped by kind; Enter opens the record.

The dialog says how many records the search found in all and shows them a page at a time: the
next page is added when the list is scrolled to its end, or when the arrow keys go past its last
hit (PAGE hits a page).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from tracker.i18n import gettext as _
from tracker.model import KIND_ORDER, get_kind
from tracker.model.attachments import found_in
from tracker.model.text import highlight_spans
from ui.widgets.table_models import OVERDUE_COLOR

HIT_ROLE = Qt.ItemDataRole.UserRole
PAGE = 50  # hits read at a time
MARK_BACKGROUND = QColor("#fff0a8")  # behind matched words (not on the selected row)


class HighlightDelegate(QStyledItemDelegate):
    """Draws a result's title and text with the words the search matched in bold on a light
    marker (``tracker.model.text.highlight_spans``); the rest as the view would, elided at the
    right."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.query = ""

    def segments(self, text: str) -> list[tuple[str, bool]]:
        """``text`` cut into (part, matched) pieces, in order."""
        out: list[tuple[str, bool]] = []
        at = 0
        for start, end in highlight_spans(text, self.query, forms=True) if self.query else []:
            if start > at:
                out.append((text[at:start], False))
            out.append((text[start:end], True))
            at = end
        if at < len(text):
            out.append((text[at:], False))
        return out

    def paint(self, painter, option, index) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        parts = self.segments(text) if isinstance(text, str) and index.parent().isValid() \
            else []
        if not any(matched for _part, matched in parts):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        rect = rect.adjusted(margin, 0, -margin, 0)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        brush = index.data(Qt.ItemDataRole.ForegroundRole)
        color = (opt.palette.color(QPalette.ColorRole.HighlightedText) if selected
                 else brush.color() if isinstance(brush, QBrush)
                 else opt.palette.color(QPalette.ColorRole.Text))
        bold = QFont(opt.font)
        bold.setBold(True)
        painter.save()
        painter.setClipRect(rect)
        x = rect.left()
        for whole, matched in parts:
            font = bold if matched else opt.font
            metrics = QFontMetrics(font)
            room = rect.right() + 1 - x
            part = whole
            width = metrics.horizontalAdvance(part)
            if width > room:
                part = metrics.elidedText(part, Qt.TextElideMode.ElideRight, room)
                width = metrics.horizontalAdvance(part)
            box = QRect(x, rect.top(), width, rect.height())
            if matched and not selected:
                painter.fillRect(box.adjusted(0, 2, 0, -2), MARK_BACKGROUND)
            painter.setFont(font)
            painter.setPen(color)
            painter.drawText(box, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             part)
            x += width
            if x > rect.right():
                break
        painter.restore()


class SearchDialog(QDialog):
    openRecord = Signal(str, int)  # noqa: N815

    def __init__(self, repo, parent=None):
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle(_("Search"))
        self.resize(860, 480)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(_("Search every record…"))
        self.edit.setClearButtonEnabled(True)
        self.edit.setAccessibleName(_("Search text"))
        self.results = QTreeWidget()
        self.results.setAccessibleName(_("Search results"))
        self.results.setHeaderLabels([_("Title"), _("Status"), _("Found in")])
        self.results.setUniformRowHeights(True)
        self.results.setAlternatingRowColors(True)
        self.results.setColumnWidth(0, 330)
        self.results.setColumnWidth(1, 110)
        self.results.itemActivated.connect(self._activated)
        self.results.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.highlighter = HighlightDelegate(self.results)
        for column in (0, 2):  # the title and the text around the match
            self.results.setItemDelegateForColumn(column, self.highlighter)
        self.status = QLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(self.edit)
        layout.addWidget(self.results, 1)
        layout.addWidget(self.status)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.run_search)
        self.edit.textChanged.connect(lambda _t: self._timer.start())
        self.edit.installEventFilter(self)
        self.hits = []  # every hit shown so far, in the order read
        self.total = 0  # how many the search found in all
        self._groups: dict[str, QTreeWidgetItem] = {}
        self.run_search()

    def eventFilter(self, obj, event):  # noqa: N802
        if obj is self.edit and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._timer.stop()
                if self.edit.text() != getattr(self, "_searched", None):
                    self.run_search()
                self.open_current()
                return True
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                self.results.setFocus()
                self._move(1 if key == Qt.Key.Key_Down else -1)
                return True
        return super().eventFilter(obj, event)

    def _move(self, step: int) -> None:
        items = self.hit_items()
        if not items:
            return
        current = self.results.currentItem()
        i = items.index(current) if current in items else -1
        if i + step >= len(items) and self.load_more():  # past the last: the next page
            items = self.hit_items()
        i = max(0, min(len(items) - 1, i + step))
        self.results.setCurrentItem(items[i])

    def hit_items(self) -> list[QTreeWidgetItem]:
        out = []
        for g in range(self.results.topLevelItemCount()):
            group = self.results.topLevelItem(g)
            out.extend(group.child(i) for i in range(group.childCount()))
        return out

    def run_search(self) -> None:
        text = self.edit.text()
        self._searched = text
        self.results.clear()
        self._groups = {}
        self.hits = []
        self.highlighter.query = text
        found = self.repo.search(text, limit=PAGE) if text.strip() else []
        self.total = getattr(found, "total", len(found))
        self._add(found)
        items = self.hit_items()
        if items:
            self.results.setCurrentItem(items[0])
        self._say()

    def load_more(self) -> bool:
        """Add the next page of hits (True when there was one)."""
        if not self._searched.strip() or len(self.hits) >= self.total:
            return False
        found = self.repo.search(self._searched, limit=PAGE, offset=len(self.hits))
        self.total = found.total
        if not found:
            return False
        self._add(found)
        self._say()
        return True

    def _scrolled(self, value: int) -> None:
        bar = self.results.verticalScrollBar()
        if value and value >= bar.maximum():
            self.load_more()

    def _add(self, hits) -> None:
        """Hits under their kind's group (made where the kinds' order puts it)."""
        bold = QFont(self.results.font())
        bold.setBold(True)
        for hit in hits:
            kind = get_kind(hit.kind)
            group = self._groups.get(hit.kind)
            if group is None:
                group = QTreeWidgetItem([_(kind.plural)])
                group.setFont(0, bold)
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                order = KIND_ORDER.index(hit.kind) if hit.kind in KIND_ORDER else 99
                at = sum(1 for k in self._groups
                         if (KIND_ORDER.index(k) if k in KIND_ORDER else 99) <= order)
                self.results.insertTopLevelItem(at, group)
                group.setFirstColumnSpanned(True)
                group.setExpanded(True)
                self._groups[hit.kind] = group
            group.addChild(self._item(kind, hit))
            self.hits.append(hit)
        for name, group in self._groups.items():
            group.setText(0, f"{_(get_kind(name).plural)} ({group.childCount()})")

    def _item(self, kind, hit) -> QTreeWidgetItem:
        text = " ".join((hit.snippet or "").split())
        if hit.attachment:  # found in an attached file: which one, which page
            text = f"{found_in(hit.attachment, hit.page)}: {text}"
        item = QTreeWidgetItem([hit.title, kind.status_label(hit.status), text])
        item.setData(0, HIT_ROLE, (hit.kind, hit.record_id))
        item.setToolTip(0, hit.title)
        item.setToolTip(2, text)
        item.setForeground(2, self.palette().color(QPalette.ColorRole.PlaceholderText))
        if kind.deadline is not None and kind.is_overdue(self.repo.get(hit.kind, hit.record_id)):
            for col in (0, 1):
                item.setForeground(col, OVERDUE_COLOR)
            item.setText(1, _("{status}, overdue").format(status=item.text(1)))
        return item

    def _say(self) -> None:
        if self.hits and len(self.hits) < self.total:
            self.status.setText(_("{n} found, {shown} shown — scroll down for more; Enter opens "
                                  "the selected record").format(n=self.total,
                                                                shown=len(self.hits)))
        elif self.hits:
            self.status.setText(_("{n} found — Enter opens the selected record").format(
                n=self.total))
        elif self._searched.strip():
            self.status.setText(_("Nothing found."))
        else:
            self.status.setText(_("Type to search titles, notes and every text field."))

    def open_current(self) -> bool:
        item = self.results.currentItem()
        if item is None or item.data(0, HIT_ROLE) is None:
            items = self.hit_items()
            if not items:
                return False
            item = items[0]
        kind, rid = item.data(0, HIT_ROLE)
        self.openRecord.emit(kind, int(rid))
        self.accept()
        return True

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        if item.data(0, HIT_ROLE) is not None:
            self.results.setCurrentItem(item)
            self.open_current()

    def keyPressEvent(self, event):  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.results.hasFocus():
            self.open_current()
            return
        super().keyPressEvent(event)
