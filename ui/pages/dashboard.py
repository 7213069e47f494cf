"""The dashboard: key figures from ``repo.figures()``, a road-map chart and what needs attention."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import gettext as _
from tracker.i18n import ngettext, short_date
from tracker.model import KINDS, OVERDUE
from tracker.model.figures import (
    DEADLINES_KIND,
    MEETINGS_KIND,
    by_status_key,
    figure_for,
    overdue_by_status_key,
    shown_beside,
    total_key,
)
from tracker.store.errors import DatabaseClosed
from ui.widgets.indicator_tiles import COLUMNS as TILE_COLUMNS
from ui.widgets.indicator_tiles import IndicatorTiles
from ui.widgets.table_models import OVERDUE_COLOR, kind_label, record_caption, utc_to_local
from ui.widgets.welcome import WelcomePanel, is_new

STATUS_COLORS = {
    "done": QColor("#2e7d32"),
    "in_progress": QColor("#1565c0"),
    "planned": QColor("#8d99ae"),
    "cancelled": QColor("#bdbdbd"),
    "overdue": OVERDUE_COLOR,
}

MAX_ROWS = 50  # rows per list; the pages hold the rest


def overdue_key() -> str:
    """The figure counting the deadlines kind's overdue records (all of them, not just listed)."""
    return figure_for(DEADLINES_KIND.name, OVERDUE).key



def overdue_words(n: int) -> str:
    """How many of a status's records are overdue, said beside its count."""
    return ngettext("{n} of them overdue", "{n} of them overdue", n).format(n=n)


class StatusChart(QWidget):
    """Horizontal bars: road-map items per status, the overdue part of each open status drawn
    in red at the start of its bar (painted with QPainter)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.bars: list[tuple[str, str, int]] = []  # (key, label, value)
        self.overdue: dict[str, int] = {}  # status -> how many of its records are overdue
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(_("Road-map status chart"))

    def set_figures(self, figures: dict) -> None:
        kind = DEADLINES_KIND
        by_status = figures.get(by_status_key(kind.name)) or {}
        late = figures.get(overdue_by_status_key(kind.name)) or {}
        self.bars = [(value, _(label), int(by_status.get(value, 0)))
                     for value, label in kind.statuses]
        self.overdue = {value: int(late[value]) for value, _l in kind.statuses if late.get(value)}
        self.setToolTip("\n".join(self.bar_text(key, label, n) for key, label, n in self.bars))
        self.setAccessibleDescription(self.toolTip())
        self.update()

    def number_text(self, key: str, n: int) -> str:
        """A bar's number: its count, and how many of them are overdue when any are."""
        late = self.overdue.get(key, 0)
        return f"{n} ({overdue_words(late)})" if late else str(n)

    def bar_text(self, key: str, label: str, n: int) -> str:
        return f"{label}: {self.number_text(key, n)}"

    def sizeHint(self) -> QSize:  # noqa: N802
        line = self.fontMetrics().height() + 10
        return QSize(360, max(150, line * max(len(self.bars), 5) + 12))

    def paintEvent(self, event) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = self.fontMetrics()
        pal = self.palette()
        text_color = pal.color(QPalette.ColorRole.WindowText)
        if not self.bars:
            p.end()
            return
        label_w = max(fm.horizontalAdvance(label) for _k, label, _n in self.bars) + 12
        number_w = max(fm.horizontalAdvance(self.number_text(k, n)) for k, _l, n in self.bars) + 8
        top = 6
        row_h = max(fm.height() + 10, (self.height() - 12) // len(self.bars))
        bar_h = min(row_h - 8, fm.height() + 6)
        avail = max(10, self.width() - label_w - number_w - 12)
        peak = max((n for _k, _l, n in self.bars), default=0) or 1
        for i, (key, label, n) in enumerate(self.bars):
            y = top + i * row_h
            p.setPen(text_color)
            p.drawText(QRectF(0, y, label_w - 8, row_h), Qt.AlignmentFlag.AlignRight
                       | Qt.AlignmentFlag.AlignVCenter, label)
            w = avail * n / peak
            rect = QRectF(label_w, y + (row_h - bar_h) / 2, max(w, 2 if n else 0), bar_h)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(STATUS_COLORS.get(key, QColor("#607d8b")))
            if n:
                p.drawRoundedRect(rect, 3, 3)
            late = self.overdue.get(key, 0)
            if late:  # the overdue part of this status, in red at the start of its bar
                p.setBrush(OVERDUE_COLOR)
                p.drawRoundedRect(QRectF(rect.x(), rect.y(), max(avail * late / peak, 2),
                                         bar_h), 3, 3)
            p.setPen(OVERDUE_COLOR if late else text_color)
            p.drawText(QRectF(label_w + w + 6, y, number_w, row_h),
                       Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                       self.number_text(key, n))
        p.end()


class _Figure(QFrame):
    clicked = Signal()
    overdueClicked = Signal()  # noqa: N815 - the line saying how many of them are overdue

    def __init__(self, caption: str, parent=None):
        super().__init__(parent)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Tab to it, Enter or Space opens the list
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("figure")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.number = QLabel("0")
        font = self.number.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.number.setFont(font)
        self.caption = QLabel(caption)
        self.caption.setWordWrap(True)
        self.caption.setMinimumHeight(self.caption.fontMetrics().lineSpacing() * 2)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # how many of them are overdue (open statuses of a kind with a deadline), in red
        self.late = QLabel()
        self.late.setStyleSheet(f"color: {OVERDUE_COLOR.name()};")
        self.late.setWordWrap(True)
        self.late.hide()
        layout.addWidget(self.number)
        layout.addWidget(self.caption)
        layout.addWidget(self.late)
        self.setAccessibleName(caption)
        layout.addStretch(1)
        # every tile as tall as the tallest in the row
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            on_late = self.late.isVisible() and self.late.geometry().contains(
                event.position().toPoint())
            (self.overdueClicked if on_late else self.clicked).emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)

    def resizeEvent(self, event) -> None:  # noqa: N802
        """As tall as the wrapped caption needs at this width (three lines in Russian)."""
        super().resizeEvent(event)
        need = max(self.caption.fontMetrics().lineSpacing() * 2,
                   self.caption.heightForWidth(self.caption.width()))
        if need != self.caption.minimumHeight():
            self.caption.setMinimumHeight(need)


def _list(name: str) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setRootIsDecorated(False)
    tree.setAccessibleName(name)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    return tree


def _fit(tree: QTreeWidget, min_rows: int = 2, max_rows: int = 8, *,
         grow: bool = False) -> None:
    """Size a list to its rows (between min_rows and max_rows) so empty lists stay small;
    ``grow``: at least that, and as tall as the page leaves room for."""
    rows = max(min_rows, min(max_rows, tree.topLevelItemCount()))
    line = tree.sizeHintForRow(0) if tree.topLevelItemCount() else tree.fontMetrics().height() + 6
    line = max(line, tree.fontMetrics().height() + 4)
    header = tree.header().sizeHint().height()
    height = header + rows * line + 2 * tree.frameWidth() + 4
    if grow:
        tree.setMinimumHeight(height)
        tree.setMaximumHeight(16777215)
        # its preferred height would count in the page's height (the wrapping captions make the
        # scroll area ask for it) and bring a scroll bar: it takes what is left instead
        tree.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
    else:
        tree.setFixedHeight(height)


def _columns(tree: QTreeWidget, stretch: int) -> None:
    """Every column as wide as its header and cells, the ``stretch`` column takes the rest."""
    header = tree.header()
    header.setStretchLastSection(False)
    for col in range(tree.columnCount()):
        if col == stretch:
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)


class DashboardPage(QWidget):
    openRecord = Signal(str, int)  # noqa: N815
    openList = Signal(str, object)  # noqa: N815 - kind, status filter (None: all)

    def __init__(self, repo, parent=None):
        super().__init__(parent)
        self.repo = repo
        self.figures: dict = {}
        self.today: _dt.date | None = None  # tests fix the date; None = today
        content = QWidget()
        # a tile reached with Tab shows it (a plain panel draws no focus frame)
        content.setStyleSheet("QFrame#figure:focus { border: 2px solid palette(highlight); "
                              "border-radius: 2px; }")
        outer = QVBoxLayout(content)
        outer.setContentsMargins(12, 10, 12, 8)
        outer.setSpacing(10)  # the whole dashboard fits 1280x800 without a scroll bar
        self.title = QLabel()
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        outer.addWidget(self.title)

        grid = QGridLayout()
        grid.setSpacing(8)
        self.figure_widgets: dict[str, _Figure] = {}
        for i, fig in enumerate(shown_beside()):  # a click on a figure opens its list
            w = _Figure(_(fig.label))
            w.clicked.connect(lambda f=fig: self.openList.emit(f.kind, f.status))
            w.overdueClicked.connect(lambda f=fig: self.openList.emit(f.kind, OVERDUE))
            self.figure_widgets[fig.key] = w
            grid.addWidget(w, 0, i)
            grid.setColumnStretch(i, 1)  # tiles of one width
        outer.addLayout(grid)
        self.indicator_tiles = IndicatorTiles()  # the indicators chosen for the dashboard
        self.indicator_tiles.openRecord.connect(self.openRecord)
        self.indicator_tiles.hide()
        outer.addWidget(self.indicator_tiles)

        self._add_lists(outer)

        for tree in (self.overdue, self.deadlines, self.meetings, self.recent):
            tree.itemActivated.connect(self._activated)

        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll)
        # a new, empty database: what to do first, in place of a dashboard of zeros
        self.scroll, self.welcome = scroll, WelcomePanel()
        self.welcome.hide()
        layout.addWidget(self.welcome)
        self.loaded = False
        self._scheduled = False
        for w in self.figure_widgets.values():
            w.number.setText("…")

    def _add_lists(self, outer: QVBoxLayout) -> None:
        """The chart and the lists under the figures: overdue items, deadlines, meetings and
        the latest changes."""
        middle = QHBoxLayout()
        chart_box = QGroupBox(_("Road map by status"))
        chart_layout = QVBoxLayout(chart_box)
        self.chart = StatusChart()
        chart_layout.addWidget(self.chart)
        middle.addWidget(chart_box, 2)
        overdue_box = QGroupBox(_("Overdue road-map items"))
        ol = QVBoxLayout(overdue_box)
        self.overdue = _list(_("Overdue road-map items"))
        self.overdue.setHeaderLabels([_("Due"), _("Item"), _("Progress, %")])
        ol.addWidget(self.overdue)
        ol.addStretch(1)
        middle.addWidget(overdue_box, 3)
        outer.addLayout(middle)

        lower = QHBoxLayout()
        deadlines_box = QGroupBox(_("Deadlines in the next 90 days"))
        dl = QVBoxLayout(deadlines_box)
        self.deadlines = _list(_("Deadlines in the next 90 days"))
        self.deadlines.setHeaderLabels([_("Due"), _("Item"), _("Progress, %")])
        dl.addWidget(self.deadlines)
        dl.addStretch(1)
        lower.addWidget(deadlines_box, 1)
        meetings_box = QGroupBox(_("Upcoming meetings"))
        ml = QVBoxLayout(meetings_box)
        self.meetings = _list(_("Upcoming meetings"))
        self.meetings.setHeaderLabels([_("Date"), _("Meeting"), _("Place")])
        ml.addWidget(self.meetings)
        ml.addStretch(1)
        lower.addWidget(meetings_box, 1)
        from ui.widgets.to_check import ToCheckBox  # records that contradict themselves

        self.to_check = ToCheckBox()
        self.to_check.openRecord.connect(self.openRecord)
        lower.addWidget(self.to_check, 1)
        outer.addLayout(lower)

        recent_box = QGroupBox(_("Recent changes"))
        rl = QVBoxLayout(recent_box)
        self.recent = _list(_("Recent changes"))
        self.recent.setHeaderLabels([_("When"), _("Who"), _("What"), _("Record")])
        rl.addWidget(self.recent)
        outer.addWidget(recent_box, 1)  # takes the height left: no page scroll bar at 1280x800

    def paintEvent(self, event) -> None:  # noqa: N802
        super().paintEvent(event)
        if not self.loaded and not self._scheduled:
            # the window shows at once; the figures (SQL over every table) follow its first paint
            self._scheduled = True
            QTimer.singleShot(0, self.ensure_loaded)

    def ensure_loaded(self) -> None:
        if self.loaded:
            return
        try:
            self.refresh()
        except DatabaseClosed:  # the database was closed before the timer fired
            pass

    def refresh(self) -> None:
        self.loaded = True
        # lists capped in SQL; their full lengths come as counts
        self.figures = self.repo.figures(self.today, limit=MAX_ROWS)
        f = self.figures
        self._welcome_if_new(f)
        home, partner = self.repo.sides()
        title = self.repo.setting("relationship_title") or " – ".join(x for x in (home, partner)
                                                                        if x)
        self.title.setText(title or _("Dashboard"))
        self._fill_figures(f)
        self.chart.set_figures(f)
        self.indicator_tiles.set_indicators(self.repo.shown_indicators(limit=TILE_COLUMNS))
        self._fill_lists(f)

    def _fill_figures(self, f: dict) -> None:
        """The figure tiles: each number, and an open status's overdue part in red."""
        show = _("Click to list them.")
        for fig in shown_beside():
            widget = self.figure_widgets[fig.key]
            widget.number.setText(str(f.get(fig.key, 0)))
            late = (f.get(overdue_by_status_key(fig.kind)) or {}).get(fig.status, 0) \
                if fig.status else 0
            widget.late.setText(overdue_words(late) if late else "")
            widget.late.setVisible(bool(late))
            red = fig.alert and f.get(fig.key, 0)
            widget.number.setStyleSheet(f"color: {OVERDUE_COLOR.name()};" if red else "")
            tip = show if not late else _("Click to list them; click the red line to list "
                                          "the overdue ones.")
            if fig.total_hint:
                tip = _(fig.total_hint).format(n=f.get(fig.total, 0)) + "\n" + tip
            widget.setToolTip(tip)

    def _fill_lists(self, f: dict) -> None:
        """Overdue items, deadlines ahead, meetings ahead and recent changes."""
        deadline = DEADLINES_KIND.deadline
        self.overdue.clear()
        for item in f.get("overdue", [])[:MAX_ROWS]:
            row = QTreeWidgetItem([short_date(item[deadline.field]), item["title"],
                                   str(item.get(deadline.progress) or 0)])
            for c in range(3):
                row.setForeground(c, OVERDUE_COLOR)
            row.setToolTip(1, item["title"])
            row.setData(0, Qt.ItemDataRole.UserRole, (DEADLINES_KIND.name, item["id"]))
            self.overdue.addTopLevelItem(row)
        if not f.get("overdue"):
            self._placeholder(self.overdue, _("Nothing is overdue."))
        self._more(self.overdue, f.get(overdue_key(), len(f.get("overdue", []))))

        self.deadlines.clear()
        for item in f.get("deadlines", [])[:MAX_ROWS]:
            row = QTreeWidgetItem([short_date(item[deadline.field]), item["title"],
                                   str(item.get(deadline.progress) or 0)])
            row.setToolTip(1, item["title"])
            row.setData(0, Qt.ItemDataRole.UserRole, (DEADLINES_KIND.name, item["id"]))
            self.deadlines.addTopLevelItem(row)
        if not f.get("deadlines"):
            self._placeholder(self.deadlines, _("No deadline in the next 90 days."))
        self._more(self.deadlines, f.get("deadlines_total", len(f.get("deadlines", []))))

        self.meetings.clear()
        for item in f.get("upcoming_meetings", [])[:MAX_ROWS]:
            start = item.get(MEETINGS_KIND.occasion.start)
            row = QTreeWidgetItem([short_date(start), item["title"],
                                   item.get("place") or ""])
            row.setToolTip(1, item["title"])
            row.setData(0, Qt.ItemDataRole.UserRole, (MEETINGS_KIND.name, item["id"]))
            self.meetings.addTopLevelItem(row)
        if not f.get("upcoming_meetings"):
            self._placeholder(self.meetings, _("No meeting with a date ahead."))
        self._more(self.meetings, f.get("upcoming_total", len(f.get("upcoming_meetings", []))))

        self.to_check.refresh(self.repo, self.today)
        _fit(self.to_check.tree, 3, 6)

        self.recent.clear()
        for entry in self.repo.history(limit=10):
            caption = record_caption(entry)
            kind = kind_label(entry.get("kind"))
            row = QTreeWidgetItem([utc_to_local(entry["at"]), entry.get("user") or "",
                                   entry.get("label") or "",
                                   f"{kind}: {caption}" if caption and kind else caption or kind])
            row.setToolTip(3, row.text(3))
            if entry.get("record_id") is not None and entry.get("kind") in KINDS:
                row.setData(0, Qt.ItemDataRole.UserRole, (entry["kind"], entry["record_id"]))
            self.recent.addTopLevelItem(row)
        for tree in (self.overdue, self.deadlines, self.meetings, self.recent):
            if tree is self.recent:  # 3 rows at least; as many as the window has room for
                _fit(tree, 3, 3, grow=True)
            else:
                _fit(tree, 3, 6)
            _columns(tree, stretch=3 if tree is self.recent else 1)

    def _welcome_if_new(self, f: dict) -> None:
        """A new database (no record but sources): its first steps instead of the figures."""
        totals = {k: f[total_key(k)] if total_key(k) in f else self.repo.count(k)
                  for k in KINDS}
        self.welcome.setVisible(is_new(totals))
        self.scroll.setHidden(self.welcome.isVisibleTo(self))
        if self.welcome.isVisibleTo(self):
            self.welcome.set_state(self.repo.settings(), totals, read_only=self.repo.read_only)

    def _placeholder(self, tree: QTreeWidget, text: str) -> None:
        """What an empty list says (or how many more there are), across the list's width: a
        column would cut it («Предстоящих встре…»)."""
        row = QTreeWidgetItem([text])
        row.setFlags(Qt.ItemFlag.ItemIsEnabled)
        row.setForeground(0, self.palette().color(QPalette.ColorRole.PlaceholderText))
        tree.addTopLevelItem(row)
        row.setFirstColumnSpanned(True)  # Qt sizes the columns without spanning rows

    def _more(self, tree: QTreeWidget, total: int) -> None:
        if total > MAX_ROWS:
            self._placeholder(tree, _("… and {n} more: see the Road map and Meetings pages")
                              .format(n=total - MAX_ROWS))

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data:
            self.openRecord.emit(data[0], int(data[1]))

    def figure_text(self, key: str) -> str:
        self.ensure_loaded()
        return self.figure_widgets[key].number.text()

