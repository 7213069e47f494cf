"""The dashboard's "To check" list: records that contradict themselves (``Kind.checks``, found
by ``repo.contradictions``), such as a meeting whose date has passed still "Planned". A
double-click or Enter opens the record; the warning shows beside the field there too."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QGroupBox, QHeaderView, QTreeWidget, QTreeWidgetItem, QVBoxLayout

from tracker.i18n import gettext as _
from ui.widgets.table_models import kind_label

MAX_ROWS = 50
WARNING_COLOR = QColor("#9a5b00")


class ToCheckBox(QGroupBox):
    """A titled list of the records to check: "Kind: title" and what contradicts."""

    openRecord = Signal(str, int)  # noqa: N815

    def __init__(self, parent=None):
        super().__init__(_("To check"), parent)
        self.setToolTip(_("Records whose fields contradict each other: open one to see the "
                          "warning beside the field"))
        layout = QVBoxLayout(self)
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setAccessibleName(_("To check"))
        self.tree.setHeaderLabels([_("Record"), _("What contradicts")])
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.tree.itemActivated.connect(self._activated)
        layout.addWidget(self.tree)
        layout.addStretch(1)
        self.total = 0

    def refresh(self, repo, today: _dt.date | None = None) -> None:
        rows, self.total = repo.contradictions(today, limit=MAX_ROWS)
        self.tree.clear()
        for r in rows:
            record = f"{kind_label(r['kind'])}: {r['title']}"
            item = QTreeWidgetItem([record, r["message"]])
            item.setToolTip(0, record)
            item.setToolTip(1, r["message"])
            item.setForeground(1, WARNING_COLOR)
            item.setData(0, Qt.ItemDataRole.UserRole, (r["kind"], r["id"]))
            self.tree.addTopLevelItem(item)
        if not rows:
            self._note(_("No record contradicts itself."))
        elif self.total > len(rows):
            self._note(_("… and {n} more").format(n=self.total - len(rows)))
        self.tree.setColumnWidth(0, self.tree.fontMetrics().horizontalAdvance("M") * 16)

    def _note(self, text: str) -> None:
        item = QTreeWidgetItem([text, ""])
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setForeground(0, self.palette().color(QPalette.ColorRole.PlaceholderText))
        self.tree.addTopLevelItem(item)

    def shown(self) -> list[tuple[str, str]]:
        """(record, warning) of each row listed (the notes aside)."""
        out = []
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.data(0, Qt.ItemDataRole.UserRole):
                out.append((item.text(0), item.text(1)))
        return out

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if data:
            self.openRecord.emit(data[0], int(data[1]))
