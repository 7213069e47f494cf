"""The trash: deleted records of every kind, restorable."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from tracker.errors import TrackerError
from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.model import KIND_ORDER, get_kind
from ui import messages
from ui.widgets.table_models import IdRole, KindRole, TrashModel


class TrashPage(QWidget):
    changed = Signal(object)

    def __init__(self, repo, parent=None):
        super().__init__(parent)
        self.repo = repo
        self.model = TrashModel(repo, self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Deleted records"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setHighlightSections(False)
        fm = self.table.fontMetrics()
        pad = fm.horizontalAdvance("M") + 16

        def widest(texts) -> int:
            return max(fm.horizontalAdvance(t) for t in texts) + pad

        kinds = [_(get_kind(k).label) for k in KIND_ORDER]
        statuses = [_(label) for k in KIND_ORDER for _v, label in get_kind(k).statuses]
        for col, width in ((TrashModel.COL_KIND, widest([*kinds, _("Kind")])),
                           (TrashModel.COL_STATUS, widest([*statuses, _("Status")])),
                           (TrashModel.COL_DELETED, widest(["0000-00-00 00:00",
                                                            _("Deleted at")]))):
            header.resizeSection(col, width)
        header.setSectionResizeMode(TrashModel.COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.table.activated.connect(lambda _i: self.restore_selected())
        self.info = QLabel()
        self.restore_button = QPushButton(_("Restore"))
        self.restore_button.setAccessibleName(_("Restore the selected record"))
        self.restore_button.setToolTip(_("Bring the selected record back (Enter)"))
        self.restore_button.clicked.connect(self.restore_selected)
        bar = QHBoxLayout()
        bar.addWidget(self.info, 1)
        bar.addWidget(self.restore_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        explain = QLabel(_("Deleted records stay here until restored. Restoring brings a record "
                           "back with everything it had."))
        explain.setWordWrap(True)
        layout.addWidget(explain)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.setTabOrder(self.table, self.restore_button)  # Tab lands on the list first
        self.restore_button.setAutoDefault(True)  # Enter on the focused button restores
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update())
        self.read_only = False
        self._update()

    def refresh(self) -> None:
        self.model.reload()
        if self.model.rowCount():  # Restore (Enter) works at once, without a click first
            self.select_row(0)
        self._update()

    def showEvent(self, event) -> None:  # noqa: N802
        super().showEvent(event)
        if self.model.rowCount() and not self.table.selectionModel().currentIndex().isValid():
            self.select_row(0)
            self._update()

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self._update()

    def _update(self) -> None:
        n = self.model.rowCount()
        self.info.setText(ngettext("{n} record in the trash", "{n} records in the trash", n)
                          .format(n=n) if n else _("The trash is empty."))
        self.restore_button.setEnabled(not self.read_only and
                                       self.table.selectionModel().currentIndex().isValid())

    def selected(self) -> tuple[str, int] | None:
        index = self.table.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.model.data(index, KindRole), self.model.data(index, IdRole)

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.setCurrentIndex(self.model.index(row, 0))

    def restore_selected(self):
        sel = self.selected()
        if sel is None or self.read_only:
            return None
        kind, rid = sel
        try:
            change = self.repo.restore(kind, rid)
        except TrackerError as exc:
            messages.critical(self, _("Not restored"), str(exc))
            return None
        self.changed.emit(change)
        return change

    def row_count(self) -> int:
        return self.model.rowCount()
