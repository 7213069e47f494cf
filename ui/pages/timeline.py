"""The Timeline page: the road map (the kind declaring a ``timeline``) as bars in time, grouped
by area or by agreement, with its scale, a Today button, a legend and the record under the
keyboard focus in words. A record's row clicked (or Enter) opens it on its own page.

The records are read in one query of the columns the timeline needs (and the linked records'
titles when grouped by a link); the view paints only what is on screen."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.model import LINK
from tracker.model import timeline as tl
from tracker.store.errors import DatabaseClosed
from ui.widgets.timeline import TimelineView

#: The scales offered, in pixels a day (Ctrl+wheel and Ctrl++/- zoom in between).
SCALES = (("weeks", 14.0), ("months", 3.0), ("quarters", 1.0), ("years", 0.25))
DEFAULT_SCALE = "quarters"


def scale_label(name: str) -> str:
    return {"weeks": _("Weeks"), "months": _("Months"), "quarters": _("Quarters"),
            "years": _("Years"), "fit": _("Whole timeline")}[name]


class TimelinePage(QWidget):
    #: (kind name, record id): open the record on its page.
    openRecord = Signal(str, int)

    def __init__(self, repo, parent=None, *, today: _dt.date | None = None):
        super().__init__(parent)
        self.repo = repo
        self.kind = tl.TIMELINE_KIND
        self.fixed_today = today  # tests: a day of their own; else the day it is
        self.loaded = False
        self.view = TimelineView(self.kind)
        self.view.setObjectName("timeline_view")
        self.view.openRecord.connect(lambda rid: self.openRecord.emit(self.kind.name, rid))
        self.view.currentChanged.connect(self._show_current)
        self.view.zoomed.connect(self._zoomed)

        self.group_combo = QComboBox()
        self.group_combo.setObjectName("timeline_group")
        for g in self.kind.timeline.groups:
            self.group_combo.addItem(_(self.kind.field(g.field).label), g.name)
        self.group_combo.setAccessibleName(_("Group by"))
        group_label = QLabel(_("&Group by:"))
        group_label.setBuddy(self.group_combo)
        self.scale_combo = QComboBox()
        self.scale_combo.setObjectName("timeline_scale")
        for name, _per_day in SCALES:
            self.scale_combo.addItem(scale_label(name), name)
        self.scale_combo.addItem(scale_label("fit"), "fit")
        self.scale_combo.setCurrentIndex(self.scale_combo.findData(DEFAULT_SCALE))
        self.scale_combo.setAccessibleName(_("Scale"))
        scale_label_widget = QLabel(_("&Scale:"))
        scale_label_widget.setBuddy(self.scale_combo)
        self.today_button = QPushButton(_("&Today"))
        self.today_button.setToolTip(_("Scroll to today"))
        self.today_button.clicked.connect(self.view.show_today)

        bar = QHBoxLayout()
        bar.addWidget(group_label)
        bar.addWidget(self.group_combo)
        bar.addSpacing(12)
        bar.addWidget(scale_label_widget)
        bar.addWidget(self.scale_combo)
        bar.addWidget(self.today_button)
        bar.addStretch(1)
        legend = QHBoxLayout()  # a row of its own: Russian labels need the width
        legend.addWidget(self._legend())
        legend.addStretch(1)

        self.info = QLabel()
        self.info.setObjectName("timeline_info")
        self.current_label = QLabel()
        self.current_label.setObjectName("timeline_current")
        self.current_label.setTextFormat(Qt.TextFormat.PlainText)
        self.current_label.setAccessibleName(_("Selected record"))
        hint = QLabel(_("Click a row or press Enter to open the record. Ctrl+wheel or Ctrl++ / "
                        "Ctrl+- zooms; Shift+wheel or Left / Right scrolls in time."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(mid);")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addLayout(legend)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.current_label)
        foot = QHBoxLayout()
        foot.addWidget(self.info)
        foot.addStretch(1)
        layout.addLayout(foot)
        layout.addWidget(hint)

        self.group_combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.scale_combo.currentIndexChanged.connect(lambda _i: self._apply_scale())
        self.refresh()
        self._apply_scale()
        self.view.show_today()

    def _legend(self) -> QWidget:
        """The status colours, overdue, and the two marks, in words beside their samples."""
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        entries = [(tl.STATUS_COLOURS[i % len(tl.STATUS_COLOURS)], _(label), "bar")
                   for i, (_v, label) in enumerate(self.kind.statuses)]
        entries.append((tl.OVERDUE_COLOUR, _("Overdue"), "bar"))
        entries.append(("#55606e", _("Due date only"), "diamond"))
        entries.append(("#55606e", _("No due date"), "start"))
        size = self.fontMetrics().height()
        for colour, text, shape in entries:
            sample = QLabel()
            sample.setPixmap(_sample(QColor(colour), size, shape))
            label = QLabel(text)
            row.addWidget(sample)
            row.addWidget(label)
            row.addSpacing(6)
        box.setAccessibleName(_("Legend"))
        return box

    # -- data -----------------------------------------------------------------------------------

    def today(self) -> _dt.date:
        return self.fixed_today or _dt.date.today()

    def grouping(self):
        return tl.grouping(self.kind, self.group_combo.currentData())

    def load(self) -> tuple[list[tl.Group], tl.Axis]:
        """The groups and the axis, read in one query of the needed columns (and, grouped by a
        link, one more for the linked records' titles)."""
        today, by = self.today(), self.grouping()
        rows = self.repo.list(self.kind.name, columns=tl.columns(self.kind, by), sort="id")
        found = tl.items(self.kind, rows, today, by)
        titles = None
        f = self.kind.field(by.field)
        if f.type == LINK:
            ids = sorted({i.group for i in found if i.group is not None})
            titles = self.repo.titles(f.target, ids)
        return tl.group_items(self.kind, found, by, titles), tl.axis_for(found, today)

    def refresh(self, _record_id=None) -> None:
        try:
            groups, axis = self.load()
        except DatabaseClosed:
            return
        self.view.set_groups(groups, axis, self.today())
        self.loaded = True
        n = self.view.item_count()
        undated = sum(len(g.items) for g in groups if g.undated)
        overdue = sum(1 for g in groups for i in g.items if i.overdue)
        text = ngettext("{n} item", "{n} items", n).format(n=n)
        if overdue:
            text += " · " + ngettext("{n} overdue", "{n} overdue", overdue).format(n=overdue)
        if undated:
            text += " · " + ngettext("{n} without dates (listed last, under “No dates”)",
                                     "{n} without dates (listed last, under “No dates”)",
                                     undated).format(n=undated)
        self.info.setText(text)

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.refresh()

    # -- scale ----------------------------------------------------------------------------------

    def _apply_scale(self) -> None:
        name = self.scale_combo.currentData()
        if name == "fit":
            self.view.fit()
            return
        self.view.set_per_day(dict(SCALES)[name])

    def _zoomed(self, per_day: float) -> None:
        """A zoom by the wheel or the keys: the scale list says the nearest scale, or none."""
        name = next((n for n, v in SCALES if abs(v - per_day) < 1e-9), None)
        index = self.scale_combo.findData(name) if name else -1
        if index >= 0 and index != self.scale_combo.currentIndex():
            self.scale_combo.blockSignals(True)
            self.scale_combo.setCurrentIndex(index)
            self.scale_combo.blockSignals(False)

    def _show_current(self, item) -> None:
        self.current_label.setText(self.view.describe(item) if item is not None else "")

    def select_record(self, record_id: int) -> bool:
        return self.view.select_record(record_id)

    # -- state ----------------------------------------------------------------------------------

    def save_state(self, s: QSettings) -> None:
        s.setValue("timeline/group", self.group_combo.currentData())
        s.setValue("timeline/scale", self.scale_combo.currentData())

    def restore_state(self, s: QSettings) -> None:
        for combo, key in ((self.group_combo, "timeline/group"),
                           (self.scale_combo, "timeline/scale")):
            index = combo.findData(s.value(key))
            if index >= 0:
                combo.setCurrentIndex(index)


def _sample(colour: QColor, size: int, shape: str) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(colour)
    p.setBrush(colour)
    if shape in ("diamond", "start"):
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QPolygonF

        h = size / 2
        points = ([QPointF(h, 1), QPointF(size - 1, h), QPointF(h, size - 1), QPointF(1, h)]
                  if shape == "diamond" else  # a start with no due date: a mark pointing on
                  [QPointF(2, 2), QPointF(size - 2, h), QPointF(2, size - 2)])
        p.drawPolygon(QPolygonF(points))
    else:
        p.drawRect(1, size // 4, size - 2, size // 2)
    p.end()
    return pixmap
