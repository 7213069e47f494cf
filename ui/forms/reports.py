"""A record's implementation reports in the form: a list under the fields (date, progress, side,
what was done, the source), with Add, Edit and Remove. The list is part of the form's values: it
is saved, reverted and undone with the record. One report is edited in a dialog built from the
core's declarations of a report's fields (``tracker.model.reports.REPORT_FIELDS``) with the
form's own editors."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import N_
from tracker.i18n import gettext as _
from tracker.model import REPORTS_KEY, Field
from tracker.model.reports import (
    REPORT_FIELDS,
    normalize_report,
    report_field,
    report_prefix,
    sort_reports,
)
from ui.forms.base import Editor
from ui.forms.editors import make_editor

#: How the form names the list (a field of the form's own, not a stored one).
REPORTS_FIELD = Field(REPORTS_KEY, N_("Implementation reports"), "reports",
                      help=N_("Dated reports of what was done; the newest one with a progress "
                              "figure sets the progress"))
ERROR_STYLE = "color: #c62828;"


class ReportDialog(QDialog):
    """One report: its fields' editors; OK checks it as the core does (the quote in its
    source's text) before it closes."""

    def __init__(self, repo, report: dict | None = None, parent=None):
        super().__init__(parent)
        self.repo = repo
        self.setWindowTitle(_("Implementation report"))
        self.setObjectName("reportDialog")
        self.editors: dict[str, Editor] = {}
        form = QFormLayout()
        for f in REPORT_FIELDS:
            editor = make_editor(f, repo)
            editor.set_value((report or {}).get(f.name))
            label = QLabel(_(f.label) + (" *" if f.required else ""))
            label.setBuddy(editor.focusProxy() or editor)
            form.addRow(label, editor)
            self.editors[f.name] = editor
        self.problem = QLabel()
        self.problem.setStyleSheet(ERROR_STYLE)
        self.problem.setWordWrap(True)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)
        self.editors["reported_on"].setFocus()

    def values(self) -> dict[str, Any]:
        for editor in self.editors.values():
            editor.commit_text()
        return {name: editor.value() for name, editor in self.editors.items()}

    def report(self) -> tuple[dict | None, str | None]:
        """The report as the core stores it, or what is wrong with it."""
        clean, problem = normalize_report(self.values(), None)
        if problem is None:
            problem = self.repo.report_problem([clean])
            if problem and problem.startswith(report_prefix(1)):  # the only one: not numbered
                problem = problem[len(report_prefix(1)):]
        return clean, problem

    def accept(self) -> None:
        _clean, problem = self.report()
        if problem:
            self.problem.setText(problem)
            self.problem.show()
            return
        super().accept()


class ReportsEditor(Editor):
    """The record's reports as a table with Add / Edit / Remove (``value()``: the list)."""

    COLUMNS = ("reported_on", "progress", "side", "done", "source_id")

    def __init__(self, repo, parent=None):
        super().__init__(REPORTS_FIELD, repo, parent)
        self._reports: list[dict] = []
        self._read_only = False
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setObjectName("reportsTable")
        self.table.setHorizontalHeaderLabels([_(report_field(c).label) for c in self.COLUMNS])
        # What was done gets the room: the progress column is headed "%" (its label a tooltip),
        # who reported it and the source are narrow (their full text in the cells' tooltips).
        progress = self.table.horizontalHeaderItem(self.COLUMNS.index("progress"))
        progress.setText("%")
        progress.setToolTip(_(report_field("progress").label))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # elided
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        narrow = self.table.fontMetrics().horizontalAdvance("M") * 5
        for name in ("side", "source_id"):
            header.setSectionResizeMode(self.COLUMNS.index(name),
                                        QHeaderView.ResizeMode.Interactive)
            header.resizeSection(self.COLUMNS.index(name), narrow)
        header.setSectionResizeMode(self.COLUMNS.index("done"), QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.edit_current())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.add_button = QPushButton(_("Add report…"))
        self.edit_button = QPushButton(_("Edit…"))
        self.remove_button = QPushButton(_("Remove report"))
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_current)
        self.remove_button.clicked.connect(self.remove_current)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table)
        column.addLayout(buttons)
        self.row.addWidget(box)
        self.finish(self.table)
        self._render()

    # -- the Editor API -----------------------------------------------------------------------

    def value(self) -> list[dict]:
        return [dict(r) for r in self._reports]

    def set_value(self, value: Any) -> None:
        self._reports = sort_reports([dict(r) for r in value or [] if isinstance(r, dict)])
        self._render()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._update_buttons()

    # -- editing ------------------------------------------------------------------------------

    def current_row(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def ask(self, report: dict | None = None) -> dict | None:
        """The report dialog (tests replace this); the report as stored, or None."""
        dialog = ReportDialog(self.repo, report, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.report()[0]

    def add(self) -> None:
        if self._read_only:
            return
        new = self.ask()
        if new is not None:
            self._reports = sort_reports([*self._reports, new])
            self._render(select=new)
            self.changed.emit()

    def edit_current(self) -> None:
        row = self.current_row()
        if self._read_only or row is None:
            return
        new = self.ask(self._reports[row])
        if new is not None and new != self._reports[row]:
            others = self._reports[:row] + self._reports[row + 1:]
            self._reports = sort_reports([*others, new])
            self._render(select=new)
            self.changed.emit()

    def remove_current(self) -> None:
        row = self.current_row()
        if self._read_only or row is None:
            return
        del self._reports[row]
        self._render()
        self.changed.emit()

    # -- showing ------------------------------------------------------------------------------

    def _cells(self, report: dict) -> list[str]:
        source = ""
        if report.get("source_id") is not None:
            source = self.repo.titles(report_field("source_id").target, [report["source_id"]]).get(
                report["source_id"], f"#{report['source_id']}")
            if report.get("quote"):
                source = f"{source}: “{' '.join(report['quote'].split())}”"
        progress = report.get("progress")
        return [report.get("reported_on") or "", "" if progress is None else f"{progress} %",
                report_field("side").choice_label(report.get("side")) if report.get("side")
                else "", " ".join(str(report.get("done") or "").split()), source]

    def _render(self, select: dict | None = None) -> None:
        self.table.setRowCount(len(self._reports))
        for i, report in enumerate(self._reports):
            for j, text in enumerate(self._cells(report)):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if self.COLUMNS[j] == "progress":
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(i, j, item)
            if select is not None and report == select:
                self.table.selectRow(i)
        shown = max(2, min(len(self._reports), 6))  # every report up to six, then a scroll bar
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height()
                                  + self.table.verticalHeader().defaultSectionSize() * shown
                                  + 2 * self.table.frameWidth())
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.current_row() is not None
        self.add_button.setEnabled(not self._read_only)
        self.edit_button.setEnabled(not self._read_only and has)
        self.remove_button.setEnabled(not self._read_only and has)
