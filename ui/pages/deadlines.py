"""The Deadlines page: every kind's open dated obligations in one table, sorted by date, overdue
ones in red as everywhere else; Enter or a double click opens the record. Filters: how far ahead
(overdue only, days, everything), one kind, and "My items" (the lead set in the preferences)."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import gettext as _
from tracker.i18n import ngettext, short_date
from tracker.model import KIND_ORDER, KINDS
from tracker.store.errors import StorageError
from ui.deadline_prefs import horizon_days, my_lead
from ui.widgets.table_models import IdRole, KindRole, overdue_brush, overdue_icon

OVERDUE_ONLY = -1
EVERYTHING = None
_INVALID = QModelIndex()


class DeadlinesModel(QAbstractTableModel):
    """A list of ``tracker.store.deadlines.Due`` as rows (already in date order)."""

    COL_DATE, COL_WHAT, COL_KIND, COL_TITLE, COL_STATUS, COL_LEADS = range(6)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.rows: list = []

    def set_rows(self, rows: list) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent=_INVALID) -> int:  # noqa: N802 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_INVALID) -> int:  # noqa: N802
        return 0 if parent.isValid() else 6

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < 6:
            return (_("Date"), _("What"), _("Kind"), _("Title"), _("Status"),
                    _("Leads"))[section]
        return None

    def text(self, due, col: int) -> str:
        kind = KINDS[due.kind]
        return (short_date(due.date), _(due.label), _(kind.label), due.title,
                kind.status_label(due.status), "; ".join(due.leads))[col]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        due, col = self.rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text(due, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            text = self.text(due, col)
            return _("{title} (overdue)").format(title=text) if due.overdue and \
                col == self.COL_TITLE else text or None
        if role == Qt.ItemDataRole.ForegroundRole:
            return overdue_brush() if due.overdue else None
        if role == Qt.ItemDataRole.DecorationRole:
            return overdue_icon() if due.overdue and col == self.COL_TITLE else None
        if role == IdRole:
            return due.record_id
        if role == KindRole:
            return due.kind
        return None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | \
            Qt.ItemFlag.ItemNeverHasChildren


class DeadlinesPage(QWidget):
    openRecord = Signal(str, int)  # noqa: N815

    HORIZONS = (7, 14, 30, 90, 365)

    def __init__(self, repo, parent=None, *, today: _dt.date | None = None):
        super().__init__(parent)
        self.repo = repo
        self.today = today  # None: the day the page is refreshed
        self.model = DeadlinesModel(self)
        self._bar()
        self.table = QTableView()
        self.table.setObjectName("deadlinesTable")
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Deadlines"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        fm = self.table.fontMetrics()
        header.resizeSection(DeadlinesModel.COL_DATE, fm.horizontalAdvance("0000-00-00") + 30)
        header.resizeSection(DeadlinesModel.COL_WHAT, fm.horizontalAdvance("M") * 16)
        pad = fm.horizontalAdvance("MM")  # the longest label a column can show, in this language
        header.resizeSection(DeadlinesModel.COL_KIND, pad + max(
            fm.horizontalAdvance(_(k.label)) for k in KINDS.values()))
        header.resizeSection(DeadlinesModel.COL_STATUS, pad + max(
            fm.horizontalAdvance(k.status_label(value)) for k in KINDS.values()
            for value, _label in k.field("status").choices))
        header.resizeSection(DeadlinesModel.COL_LEADS, fm.horizontalAdvance("M") * 12)
        header.setSectionResizeMode(DeadlinesModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        self.table.activated.connect(self._open)  # Enter, or a double click
        explain = QLabel(_("Every open dated obligation in date order: road-map due dates, "
                           "agreements' notice days and expiries, meetings, farm and plant "
                           "milestones. Overdue ones are red. Enter opens the record."))
        explain.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(explain)
        layout.addLayout(self.bar)
        layout.addWidget(self.table, 1)
        self.loaded = False

    def _bar(self) -> None:
        self.horizon_combo = QComboBox()
        self.horizon_combo.setObjectName("horizon")
        self.horizon_combo.setAccessibleName(_("How far ahead"))
        self.horizon_combo.addItem(_("Overdue only"), OVERDUE_ONLY)
        for days in self.HORIZONS:
            self.horizon_combo.addItem(ngettext("Due within {n} day", "Due within {n} days",
                                                days).format(n=days), days)
        self.horizon_combo.addItem(_("Everything open"), EVERYTHING)
        preferred = self.horizon_combo.findData(horizon_days())
        self.horizon_combo.setCurrentIndex(preferred if preferred >= 0 else 2)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName(_("Kind"))
        self.kind_combo.addItem(_("All kinds"), None)
        for name in KIND_ORDER:
            if KINDS[name].obligations:
                self.kind_combo.addItem(_(KINDS[name].plural), name)
        self.mine_check = QCheckBox(_("My items"))
        self.mine_check.setObjectName("myItems")
        self.count_label = QLabel()
        for signal in (self.horizon_combo.currentIndexChanged,
                       self.kind_combo.currentIndexChanged):
            signal.connect(lambda _i: self.refresh())
        self.mine_check.toggled.connect(lambda _on: self.refresh())
        self.bar = QHBoxLayout()
        self.bar.addWidget(self.horizon_combo)
        self.bar.addWidget(self.kind_combo)
        self.bar.addWidget(self.mine_check)
        self.bar.addStretch(1)
        self.bar.addWidget(self.count_label)

    # -- the list -----------------------------------------------------------------------------

    def query(self) -> dict:
        """What ``repo.deadlines`` is asked for the filters chosen."""
        horizon = self.horizon_combo.currentData()
        kind = self.kind_combo.currentData()
        lead = my_lead() if self.mine_check.isChecked() else None
        self.mine_check.setToolTip(_("Only the items whose lead is {lead}").format(lead=my_lead())
                                   if my_lead() else _("Set your lead in File › Preferences to "
                                                       "list your items"))
        return {"within": horizon if horizon not in (OVERDUE_ONLY, EVERYTHING) else None,
                "overdue": horizon == OVERDUE_ONLY, "lead": lead or None,
                "kinds": [kind] if kind else None}

    def refresh(self) -> None:
        q = self.query()
        if self.mine_check.isChecked() and not q["lead"]:
            rows = []
        else:
            try:
                rows = self.repo.deadlines(self.today or _dt.date.today(), **q)
            except StorageError:
                return
        self.model.set_rows(rows)
        late = sum(d.overdue for d in rows)
        self.count_label.setText(ngettext("{n} deadline", "{n} deadlines", len(rows)).format(
            n=len(rows)) + (" · " + ngettext("{n} overdue", "{n} overdue", late).format(n=late)
                            if late else ""))
        self.loaded = True

    def ensure_loaded(self) -> None:
        if not self.loaded:
            self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        self.ensure_loaded()

    def _open(self, index) -> None:
        if index.isValid():
            due = self.model.rows[index.row()]
            self.openRecord.emit(due.kind, due.record_id)

    # -- kept between sessions ----------------------------------------------------------------

    def save_state(self, settings: QSettings) -> None:
        settings.setValue("pages/deadlines/kind", self.kind_combo.currentData() or "")
        settings.setValue("pages/deadlines/mine", self.mine_check.isChecked())

    def restore_state(self, settings: QSettings) -> None:
        i = self.kind_combo.findData(settings.value("pages/deadlines/kind") or None)
        self.kind_combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(max(i, 0))
        self.kind_combo.blockSignals(False)
        self.mine_check.blockSignals(True)
        self.mine_check.setChecked(str(settings.value("pages/deadlines/mine")).lower() == "true")
        self.mine_check.blockSignals(False)
