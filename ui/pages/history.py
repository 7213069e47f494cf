"""The audit log: who changed what and when, filterable by kind, record title, user and days."""

from __future__ import annotations

import json
from dataclasses import replace

from PySide6.QtCore import QDate, QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import gettext as _
from tracker.i18n import ngettext, short_date
from tracker.model import DATE, KIND_ORDER, LINK, LINKS, REPORTS_KEY, get_kind
from tracker.store.audit_filter import AuditFilter, local_days
from tracker.store.wording import Wording
from ui.forms.base import day_format
from ui.widgets.table_models import (
    HistoryModel,
    RecordRole,
    field_label,
    utc_to_local,
    visible_changes,
)


def shown_value(kind_name: str | None, field: str, value, titles=None) -> str:
    """A stored value as the form shows it: choice labels, linked records by title (``titles``
    maps (kind, ids) to {id: title}), times in local time."""
    if value is None:
        return ""
    try:
        f = get_kind(kind_name or "").field(field)
    except KeyError:
        f = None
    if f is not None and f.type in (LINK, LINKS) and titles is not None:
        ids = value if isinstance(value, list) else [value]
        try:
            names = titles(f.target, [int(i) for i in ids])
        except (TypeError, ValueError):
            names = {}
        return "; ".join(f"{names.get(int(i)) or ''} (#{i})".strip() for i in ids) \
            if names else json.dumps(value, ensure_ascii=False)
    if field == REPORTS_KEY and isinstance(value, list):
        lines = [_report(r) for r in value if isinstance(r, dict)]
        # joined by "; ": a report's closing full stop is left out, but the last one's
        return "; ".join([line.rstrip(" .;") for line in lines[:-1]] + lines[-1:])
    if isinstance(value, (list, dict)):
        if field == "citations":
            return "; ".join(f"“{c.get('quote', '')}”" for c in value if isinstance(c, dict))
        return json.dumps(value, ensure_ascii=False)
    if f is not None and f.choices:
        return f.choice_label(value)
    if f is not None and f.type == DATE:
        return short_date(value)
    if field in ("deleted_at", "created_at", "updated_at") and isinstance(value, str):
        return utc_to_local(value)
    return str(value)


def _report(report: dict) -> str:
    """An implementation report as one line: its date, progress and what was done."""
    parts = [short_date(report.get("reported_on"))]
    if report.get("progress") not in (None, ""):
        parts.append(f"{report['progress']} %")
    parts.append(" ".join(str(report.get("done") or "").split()))
    return " — ".join(p for p in parts if p)


def _size_columns(table: QTableView) -> None:
    """The log's columns as wide as what they usually hold; the record's title takes the rest."""
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setHighlightSections(False)
    fm = table.fontMetrics()
    em = fm.horizontalAdvance("M")
    pad = em + 12
    kinds_w = max(fm.horizontalAdvance(_(get_kind(k).label)) for k in KIND_ORDER)
    # "What": as wide as the usual entries read in this language ("Изменение записи: пункт
    # дорожной карты"), up to 24 em
    what_w = max(fm.horizontalAdvance(str(Wording(code, kind=k))) for k in KIND_ORDER
                 for code in ("create", "update", "delete", "seed"))
    for col, width in enumerate((fm.horizontalAdvance("0000-00-00 00:00") + pad, em * 6,
                                 min(em * 24, max(em * 14, what_w + pad)), kinds_w + pad,
                                 em * 22, em * 24)):
        header.resizeSection(col, width)
    header.setStretchLastSection(False)
    # the record's title takes the width left; the other columns keep theirs
    header.setSectionResizeMode(HistoryModel.COL_RECORD, QHeaderView.ResizeMode.Stretch)


class _UserCombo(QComboBox):
    """The users to choose from, read from the log when the list is opened or the box is
    entered (not at every refresh of the page: that reads the whole log)."""

    def __init__(self, fill, parent=None):
        super().__init__(parent)
        self.fill = fill

    def showPopup(self) -> None:  # noqa: N802 - Qt API
        self.fill()
        super().showPopup()

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.fill()
        super().focusInEvent(event)


class _DayEdit(QDateEdit):
    """A day picker whose first value (shown as "any day") means no bound; its calendar opens
    on this month then, not on the first day there is."""

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.calendarWidget().installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt API
        if obj is self.calendarWidget() and event.type() == QEvent.Type.Show and \
                self.date() == self.minimumDate():
            today = QDate.currentDate()
            obj.setCurrentPage(today.year(), today.month())
        return super().eventFilter(obj, event)


def _day_edit(accessible: str) -> QDateEdit:
    """A day picker whose first value (shown as "any day") means no bound."""
    edit = _DayEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(day_format())
    edit.setMinimumDate(QDate(1900, 1, 1))
    edit.setSpecialValueText(_("any day"))
    edit.setDate(edit.minimumDate())
    edit.setAccessibleName(accessible)
    return edit


class HistoryPage(QWidget):
    openRecord = Signal(str, int)  # noqa: N815

    def __init__(self, repo, parent=None):
        super().__init__(parent)
        self.repo = repo
        self.model = HistoryModel(repo, self)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName(_("Kind filter"))
        self.kind_combo.addItem(_("All kinds"), None)
        for k in KIND_ORDER:
            self.kind_combo.addItem(_(get_kind(k).plural), k)
        self.kind_combo.addItem(_("Settings"), "settings")
        self.kind_combo.addItem(_("Briefing presets"), "presets")
        bar, days = self._filters()

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("History"))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        _size_columns(self.table)
        em = self.table.fontMetrics().horizontalAdvance("M")
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated.connect(lambda _i: self.open_current())

        self.details = QTreeWidget()
        self.details.setAccessibleName(_("What changed"))
        self.details.setHeaderLabels([_("Field"), _("Before"), _("After")])
        self.details.setRootIsDecorated(False)
        self.details.setWordWrap(True)
        self.details.setAlternatingRowColors(True)
        self.details.setColumnWidth(0, em * 12)
        self.details.setColumnWidth(1, em * 24)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(bar)
        layout.addLayout(days)
        layout.addWidget(self.splitter, 1)
        self._update_info()

    def _filters(self) -> tuple[QHBoxLayout, QHBoxLayout]:
        """The filters' two rows: what to look for (kind, record title, user), then the days
        and what was found."""
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("Record title"))
        self.title_edit.setClearButtonEnabled(True)
        self.title_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 12)
        self.title_edit.setAccessibleName(_("Record title filter"))
        self.title_edit.setToolTip(_("The history of the records whose title, now or before, "
                                     "holds this text (Enter applies)"))
        self.user_combo = _UserCombo(self._fill_users)
        self.user_combo.setAccessibleName(_("User filter"))
        self.from_date, self.to_date = _day_edit(_("From (any day)")), _day_edit(_("To (any day)"))
        self.record_label = QLabel()  # the record the list is narrowed to (History of a record)
        self.record_label.hide()
        self.clear_button = QPushButton(_("Show all"))
        self.clear_button.clicked.connect(lambda: self.set_filter(None, None))
        self.open_button = QPushButton(_("Open record"))
        self.open_button.clicked.connect(self.open_current)
        for button in (self.clear_button, self.open_button):
            button.setAutoDefault(True)  # Enter on a focused button presses it
        self.info = QLabel()
        self.kind_combo.currentIndexChanged.connect(lambda _i: self._apply())
        self.user_combo.currentIndexChanged.connect(lambda _i: self._apply())
        self.title_edit.editingFinished.connect(self._apply)
        self.title_edit.textChanged.connect(lambda text: text or self._apply())  # cleared
        for edit in (self.from_date, self.to_date):
            edit.dateChanged.connect(lambda _d: self._apply())
        self._fill_users(everyone_only=True)  # the others when the list is opened
        bar, days = QHBoxLayout(), QHBoxLayout()
        for row, label, widget in ((bar, _("Kind:"), self.kind_combo),
                                   (bar, _("Record title:"), self.title_edit),
                                   (bar, _("By:"), self.user_combo),
                                   (days, _("From:"), self.from_date),
                                   (days, _("To:"), self.to_date)):
            caption = QLabel(label)
            caption.setBuddy(widget)
            row.addWidget(caption)
            row.addWidget(widget, 1 if widget is self.title_edit else 0)
        for combo in (self.kind_combo, self.user_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        days.addWidget(self.record_label)
        days.addWidget(self.clear_button)
        days.addWidget(self.info, 1)
        days.addWidget(self.open_button)
        return bar, days

    def set_filter(self, kind: str | None, record_id: int | None) -> None:
        """Every entry of ``kind`` (None: all kinds), or of one record of it; the title, user
        and days filters cleared."""
        widgets = (self.kind_combo, self.user_combo, self.title_edit, self.from_date,
                   self.to_date)
        for widget in widgets:
            widget.blockSignals(True)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self.user_combo.setCurrentIndex(0)
        self.title_edit.clear()
        for edit in (self.from_date, self.to_date):
            edit.setDate(edit.minimumDate())
        for widget in widgets:
            widget.blockSignals(False)
        self.model.set_filter(kind, record_id)
        self._show_record(kind, record_id)
        self._after_reload()

    def _show_record(self, kind: str | None, record_id: int | None) -> None:
        if record_id is None or not kind:
            self.record_label.hide()
            return
        title = (self.repo.titles(kind, [record_id]) or {}).get(record_id) \
            if kind in KIND_ORDER else None
        self.record_label.setText(_("Record: {title} (#{id})").format(
            title=title or "", id=record_id) if title else _("Record #{id}").format(id=record_id))
        self.record_label.show()

    def where(self) -> AuditFilter:
        """The title, user and days the bar asks for."""
        first, last = (None if e.date() == e.minimumDate() else e.date().toPython()
                       for e in (self.from_date, self.to_date))
        since, until = local_days(first, last)
        return AuditFilter(title=self.title_edit.text(), user=self.user_combo.currentData() or "",
                           since=since, until=until)

    def _apply(self) -> None:
        kind = self.kind_combo.currentData()
        # a record other than the kind chosen: the record filter goes
        record_id = self.model.record_filter if kind == self.model.kind_filter else None
        where = self.where()
        if kind == self.model.kind_filter and record_id == self.model.record_filter and \
                replace(where, upto=None) == replace(self.model.where, upto=None):
            return
        self.model.set_filter(kind, record_id, where)
        self._show_record(kind, record_id)
        self._after_reload()

    def _fill_users(self, *, everyone_only: bool = False) -> None:
        chosen = self.user_combo.currentData()
        users = [] if everyone_only else self.repo.history_users()
        self.user_combo.blockSignals(True)
        self.user_combo.clear()
        self.user_combo.addItem(_("Everyone"), None)
        for user in sorted({*users, *([chosen] if chosen else [])}):
            self.user_combo.addItem(user, user)
        self.user_combo.setCurrentIndex(max(0, self.user_combo.findData(chosen)))
        self.user_combo.blockSignals(False)

    def refresh(self) -> None:
        self.model.reload()
        self._after_reload()

    def _after_reload(self) -> None:
        self._update_info()
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self.details.clear()

    def _update_info(self) -> None:
        n = self.model.rowCount()
        self.info.setText(ngettext("{n} entry", "{n} entries", n).format(n=n))

    def _row_changed(self, current, _previous) -> None:
        self.details.clear()
        if not current.isValid():
            return
        entry = self.model.data(current, RecordRole)
        if not entry:
            return
        for name, before, after in visible_changes(entry):
            item = QTreeWidgetItem([field_label(entry.get("kind"), name),
                                    shown_value(entry.get("kind"), name, before, self.repo.titles),
                                    shown_value(entry.get("kind"), name, after, self.repo.titles)])
            for c in range(3):
                item.setToolTip(c, item.text(c))
            self.details.addTopLevelItem(item)
        # the field names in full (Russian ones are long), up to a third of the width
        em = self.details.fontMetrics().horizontalAdvance("M")
        widest = max((self.details.fontMetrics().horizontalAdvance(
            self.details.topLevelItem(i).text(0)) for i in range(
                self.details.topLevelItemCount())), default=0) + 16
        self.details.setColumnWidth(0, max(em * 12, min(widest, self.details.width() // 3)))

    def current_entry(self) -> dict | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.data(index, RecordRole) if index.isValid() else None

    def open_current(self) -> None:
        entry = self.current_entry()
        if entry and entry.get("record_id") is not None and entry.get("kind") in KIND_ORDER:
            self.openRecord.emit(entry["kind"], int(entry["record_id"]))

    def save_state(self, settings) -> None:
        settings.setValue("pages/history/splitter", self.splitter.saveState())
        settings.setValue("pages/history/columns", self.table.horizontalHeader().saveState())

    def restore_state(self, settings) -> None:
        state = settings.value("pages/history/splitter")
        if state is not None:
            self.splitter.restoreState(state)
        state = settings.value("pages/history/columns")
        if state is not None:
            self.table.horizontalHeader().restoreState(state)
