"""ONE generic record form, built from the core's field declarations (``kind.fields``).

Each field type gets one editor class; nothing here knows a particular kind. Validation is the
repository's (``repo.check``): problems are shown in red under their field and nothing is saved
until they are fixed.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from PySide6.QtCore import QDate, QModelIndex, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from tracker.i18n import _
from tracker.model import CHOICE, DATE, INTEGER, LINK, LINKS, MULTILINE, Field, get_kind
from tracker.store.repository import (
    ConflictError,
    NotFound,
    StorageError,
    TrackerError,
    ValidationError,
)
from ui import messages
from ui.widgets.table_models import _utc_to_local

ERROR_STYLE = "color: #c62828;"
NONE_TEXT = "—"
TITLE_ROLE = Qt.ItemDataRole.UserRole + 1


# --- editors: one per field type ------------------------------------------------------------------

class _Editor(QWidget):
    """A field editor: ``value()``, ``set_value(v)``, ``set_read_only(b)``, signal ``changed``."""

    changed = Signal()

    def __init__(self, field: Field, parent=None):
        super().__init__(parent)
        self.field = field
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def focus_widget(self) -> QWidget:
        return self

    def _finish(self, widget: QWidget) -> None:
        name = _(self.field.label)
        widget.setAccessibleName(name)
        if self.field.help:
            widget.setToolTip(_(self.field.help))
            widget.setAccessibleDescription(_(self.field.help))
        self.setFocusProxy(widget)


class TextEditor(_Editor):
    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.edit = QLineEdit()
        limit = field.limit()
        if limit:
            self.edit.setMaxLength(limit)
        self.edit.textEdited.connect(self.changed)
        self._layout.addWidget(self.edit)
        self._finish(self.edit)

    def value(self) -> str:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))
        self.edit.setCursorPosition(0)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


class MultilineEditor(_Editor):
    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        line = self.edit.fontMetrics().lineSpacing()
        self.edit.setMinimumHeight(line * 3 + 12)
        self.edit.setMaximumHeight(line * (5 if field.name != "text" else 14) + 12)
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.edit.textChanged.connect(self._emit)
        self._loading = False
        self._layout.addWidget(self.edit)
        self._finish(self.edit)

    def _emit(self) -> None:
        if not self._loading:
            self.changed.emit()

    def value(self) -> str:
        return self.edit.toPlainText()

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self.edit.setPlainText("" if value is None else str(value))
        finally:
            self._loading = False

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


class DateEditor(_Editor):
    """A date as YYYY-MM-DD text with a calendar button; empty means "no date"."""

    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(_("YYYY-MM-DD (empty: no date)"))
        self.edit.setClearButtonEnabled(True)
        self.edit.setMaxLength(40)
        self.edit.textChanged.connect(self._on_text)
        self.edit.editingFinished.connect(self._tidy)
        self._loading = False
        self.button = QToolButton()
        self.button.setArrowType(Qt.ArrowType.DownArrow)
        self.button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0px; }")
        self.button.setToolTip(_("Pick a date from a calendar (Alt+Down)"))
        self.button.setAccessibleName(_("Calendar for {field}").format(field=_(field.label)))
        self.button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(True)
        self.calendar.clicked.connect(self._picked)
        self.calendar.activated.connect(self._picked)
        menu = QMenu(self.button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._sync_calendar)
        self.menu = menu
        self.button.setMenu(menu)
        self._layout.addWidget(self.edit, 1)
        self._layout.addWidget(self.button)
        self._finish(self.edit)
        self.edit.installEventFilter(self)

    def eventFilter(self, obj, event):  # noqa: N802 - Qt API
        from PySide6.QtCore import QEvent

        if (obj is self.edit and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Down
                and event.modifiers() & Qt.KeyboardModifier.AltModifier):
            self.button.showMenu()
            return True
        return super().eventFilter(obj, event)

    def _on_text(self) -> None:
        if not self._loading:
            self.changed.emit()

    def _sync_calendar(self) -> None:
        text = normalise_date(self.edit.text())
        try:
            d = _dt.date.fromisoformat(text)
            self.calendar.setSelectedDate(QDate(d.year, d.month, d.day))
        except ValueError:
            self.calendar.setSelectedDate(QDate.currentDate())

    def _picked(self, qdate: QDate) -> None:
        self.edit.setText(qdate.toString("yyyy-MM-dd"))
        self.menu.close()
        self.edit.setFocus()

    def value(self) -> str:
        return normalise_date(self.edit.text())

    def _tidy(self) -> None:
        """Leaving the field: a date written 15.01.2025 shows as 2025-01-15."""
        tidy = normalise_date(self.edit.text())
        if tidy != self.edit.text():
            self.edit.setText(tidy)

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self.edit.setText("" if value is None else str(value))
        finally:
            self._loading = False

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.button.setEnabled(not read_only)


_DAY_FIRST = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")


def normalise_date(text: str) -> str:
    """ISO text for a date typed DD.MM.YYYY (as written in Russia, Belarus and Kazakhstan; dots
    are day-first wherever they are used, unlike slashes); anything else is returned stripped,
    for the core to accept or explain."""
    text = text.strip()
    m = _DAY_FIRST.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        try:
            return _dt.date(year, month, day).isoformat()
        except ValueError:
            return text
    return text


class ChoiceEditor(_Editor):
    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.combo = QComboBox()
        # long choice labels (in Russian) must not force the form wider than the window
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(10)
        if not field.required:
            self.combo.addItem(NONE_TEXT, None)
        for value, label in field.choices:
            self.combo.addItem(_(label), value)
        self.combo.currentIndexChanged.connect(self._changed)
        self._loading = False
        self._layout.addWidget(self.combo)
        self._finish(self.combo)

    def _changed(self) -> None:
        if not self._loading:
            self.changed.emit()

    def value(self) -> str | None:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            i = self.combo.findData(value)
            if i < 0 and value is not None:  # a value this version does not know: keep it
                self.combo.addItem(str(value), value)
                i = self.combo.count() - 1
            self.combo.setCurrentIndex(max(i, 0))
        finally:
            self._loading = False

    def set_read_only(self, read_only: bool) -> None:
        self.combo.setEnabled(not read_only)


class IntegerEditor(_Editor):
    """A spin box with the field's range; a field that may be empty shows "—" below its minimum."""

    def __init__(self, field: Field, parent=None):
        super().__init__(field, parent)
        self.spin = QSpinBox()
        low = field.minimum if field.minimum is not None else -1_000_000_000
        high = field.maximum if field.maximum is not None else 1_000_000_000
        self._empty = None if field.required else low - 1
        self.spin.setRange(low if self._empty is None else self._empty, high)
        if self._empty is not None:
            self.spin.setSpecialValueText(NONE_TEXT)
        self.spin.setAccelerated(True)
        self.spin.valueChanged.connect(self._changed)
        self._loading = False
        self._layout.addWidget(self.spin)
        self._layout.addStretch(1)
        self._finish(self.spin)

    def _changed(self) -> None:
        if not self._loading:
            self.changed.emit()

    def value(self) -> int | None:
        v = self.spin.value()
        return None if self._empty is not None and v == self._empty else v

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            if value is None:
                self.spin.setValue(self._empty if self._empty is not None
                                   else self.spin.minimum())
            else:
                self.spin.setValue(int(value))
        finally:
            self._loading = False

    def set_read_only(self, read_only: bool) -> None:
        self.spin.setReadOnly(read_only)


class LinkEditor(_Editor):
    """One record of another kind (or none). The combo lists the first titles; typing in it asks
    the repository (``choices_for_link(target, search=text)``) and offers the matches in a popup,
    so the right record is findable among 100,000. The button beside it opens the linked record.
    """

    openRecord = Signal(str, int)  # noqa: N815
    LIST_LIMIT = 200  # titles in the drop-down list (typing searches them all)
    MATCH_LIMIT = 50  # matches offered while typing

    def __init__(self, field: Field, repo, parent=None):
        super().__init__(field, parent)
        self.repo = repo
        self.combo = QComboBox()
        self.combo.setEditable(True)
        self.combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        self.combo.setMaxVisibleItems(15)
        self.combo.setCompleter(None)  # ours asks the repository instead
        edit = self.combo.lineEdit()
        edit.setPlaceholderText(NONE_TEXT)
        edit.setClearButtonEnabled(True)
        self.matches = QStandardItemModel(self)
        self.completer = QCompleter(self.matches, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setMaxVisibleItems(12)
        self.completer.popup().setTextElideMode(Qt.TextElideMode.ElideMiddle)  # keeps the #id
        self.completer.setCompletionRole(TITLE_ROLE)  # the popup shows "title  #id"
        edit.setCompleter(self.completer)
        # after the line edit's own handler, which puts the title in the field
        self.completer.activated[QModelIndex].connect(self._match_chosen)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(150)
        self._search_timer.timeout.connect(self.search_now)
        edit.textEdited.connect(self._edited)
        edit.editingFinished.connect(self.commit_text)
        self.combo.currentIndexChanged.connect(self._changed)
        self.open_button = QToolButton()
        self.open_button.setArrowType(Qt.ArrowType.RightArrow)
        self.open_button.setToolTip(_("Open the linked {kind}").format(
            kind=_(get_kind(field.target).label).lower()))
        self.open_button.setAccessibleName(_("Open {field}").format(field=_(field.label)))
        self.open_button.clicked.connect(self._open)
        self._loading = False
        self._layout.addWidget(self.combo, 1)
        self._layout.addWidget(self.open_button)
        self._finish(self.combo)
        self.reload_choices()

    def _open(self) -> None:
        value = self.value()
        if value is not None:
            self.openRecord.emit(self.field.target, int(value))

    def reload_choices(self) -> None:
        current = self.value() if self.combo.count() else None
        self._loading = True
        try:
            self.combo.clear()
            self.combo.addItem(NONE_TEXT, None)
            for rid, title in self.repo.choices_for_link(self.field.target,
                                                         limit=self.LIST_LIMIT):
                self._add_item(rid, title)
        finally:
            self._loading = False
        self.set_value(current)

    def _add_item(self, rid: int, title: str) -> int:
        self.combo.addItem(title, rid)
        i = self.combo.count() - 1
        self.combo.setItemData(i, f"{title} (#{rid})", Qt.ItemDataRole.ToolTipRole)
        return i

    # -- typing to find a record --------------------------------------------------------------

    def _edited(self, text: str) -> None:
        if not text.strip():  # emptied (or the clear button): no link, at once
            self._search_timer.stop()
            self.matches.clear()
            if self.value() is not None:
                self.choose(None)
            return
        self._search_timer.start()
        if not self._loading:
            self.changed.emit()  # typing may name another record: Save becomes possible

    def has_pending_text(self) -> bool:
        """Text typed in the field that is not yet the linked record's title (Save or leaving
        the field decides what it names: ``commit_text``)."""
        text = self.combo.lineEdit().text().strip()
        current = self.combo.currentIndex()
        return bool(text) and text != NONE_TEXT and text != (
            self.combo.itemText(current) if current > 0 else "")

    def search_now(self) -> list[tuple[int, str]]:
        """Offer the records matching the typed text (any text is safe)."""
        self._search_timer.stop()
        text = self.combo.lineEdit().text().strip()
        found = self.repo.choices_for_link(self.field.target, search=text,
                                           limit=self.MATCH_LIMIT) if text else []
        self.matches.clear()
        for rid, title in found:
            item = QStandardItem(f"{title}  #{rid}")
            item.setData(rid, Qt.ItemDataRole.UserRole)
            item.setData(title, TITLE_ROLE)
            item.setToolTip(f"{title} (#{rid})")
            item.setEditable(False)
            self.matches.appendRow(item)
        if found and self.combo.lineEdit().hasFocus():
            self.completer.complete()
        return found

    def _match_chosen(self, index: QModelIndex) -> None:
        rid = index.data(Qt.ItemDataRole.UserRole)
        if rid is not None:
            self.choose(int(rid))

    def choose(self, record_id: int | None) -> None:
        """Link ``record_id`` (None: no link), as if the user picked it."""
        i = self.combo.findData(record_id)
        if i < 0 and record_id is not None:
            title = self.repo.titles(self.field.target, [int(record_id)]).get(int(record_id))
            i = self._add_item(int(record_id), title or f"#{record_id}")
        if i == self.combo.currentIndex():  # same record: still show its title, not the typing
            self.combo.setEditText(self.combo.itemText(i))
        self.combo.setCurrentIndex(max(i, 0))

    def commit_text(self) -> None:
        """Leaving the field (or saving): empty text unlinks; a title typed in full links that
        record; anything else goes back to the linked record's title (nothing is guessed)."""
        if self.completer.popup().isVisible():
            return
        pending = self.has_pending_text()
        try:
            self._commit_text()
        finally:
            if pending and not self._loading:
                self.changed.emit()  # the typing is settled: the form counts what is left

    def _commit_text(self) -> None:
        text = self.combo.lineEdit().text().strip()
        current = self.combo.currentIndex()
        if text == (self.combo.itemText(current) if current > 0 else ""):
            return
        if not text or text == NONE_TEXT:
            self.choose(None)
            return
        i = self.combo.findText(text, Qt.MatchFlag.MatchFixedString)
        if i > 0:
            self.choose(self.combo.itemData(i))
            return
        exact = [rid for rid, title in self.repo.choices_for_link(
            self.field.target, search=text, limit=self.MATCH_LIMIT)
            if title.casefold() == text.casefold()]
        if len(exact) == 1:
            self.choose(exact[0])
        else:
            self.combo.setEditText(self.combo.itemText(current) if current > 0 else "")
            self.combo.lineEdit().setCursorPosition(0)

    # -- value --------------------------------------------------------------------------------

    def value(self) -> int | None:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self.choose(None if value is None else int(value))
            self.combo.setToolTip(self.combo.currentText())
        finally:
            self._loading = False
        self._sync()

    def _sync(self) -> None:
        if self.combo.currentIndex() <= 0:
            self.combo.setEditText("")
        if not self.combo.lineEdit().hasFocus():  # a long title shows its beginning
            self.combo.lineEdit().setCursorPosition(0)
        self.open_button.setEnabled(self.value() is not None)

    def _changed(self) -> None:
        self._sync()
        self.combo.setToolTip(self.combo.currentText() if self.value() is not None else "")
        if not self._loading:
            self.changed.emit()

    def set_read_only(self, read_only: bool) -> None:
        self.combo.setEnabled(not read_only)


class LinksEditor(_Editor):
    """Several records of another kind: a checkable list under a filter box. The filter asks the
    repository (any text is safe); the linked records stay listed, checked, at the top."""

    LIST_LIMIT = 200  # unchecked titles listed at a time (the filter finds the others)

    def __init__(self, field: Field, repo, parent=None):
        super().__init__(field, parent)
        self.repo = repo
        self._checked: set[int] = set()
        self._titles: dict[int, str] = {}
        self._found: list[tuple[int, str]] = []
        self._total = 0
        self.filter_edit = QLineEdit()
        kinds = _(get_kind(field.target).plural).lower()
        self.filter_edit.setPlaceholderText(_("Filter {kinds}…").format(kinds=kinds))
        self.filter_edit.setAccessibleName(_("Filter {kinds}").format(kinds=kinds))
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setMaxLength(200)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(150)
        self._filter_timer.timeout.connect(self.reload_choices)
        self.filter_edit.textChanged.connect(lambda _t: self._filter_timer.start())
        self.filter_edit.returnPressed.connect(self.reload_choices)
        self.shown_label = QLabel()
        self.shown_label.setStyleSheet("color: palette(mid);")
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        self.list.itemChanged.connect(self._changed)
        self._loading = False
        self._read_only = False
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.shown_label)
        column.addLayout(top)
        column.addWidget(self.list)
        self._layout.addLayout(column)
        self._finish(self.list)
        self.setTabOrder(self.filter_edit, self.list)
        self.reload_choices()

    def reload_choices(self) -> None:
        """Ask the repository again for the titles matching the filter, then list them."""
        self._filter_timer.stop()
        text = self.filter_edit.text().strip() or None
        self._found = self.repo.choices_for_link(self.field.target, search=text,
                                                 limit=self.LIST_LIMIT)
        self._total = self.repo.count(self.field.target, search=text) \
            if len(self._found) >= self.LIST_LIMIT else len(self._found)
        self._titles = dict(self._found)
        self._render()

    def _render(self) -> None:
        """The checked records first (whatever the filter), then the other matches."""
        missing = sorted(rid for rid in self._checked if rid not in self._titles)
        if missing:
            self._titles.update(self.repo.titles(self.field.target, missing))
        self._loading = True
        try:
            self.list.clear()
            for rid in sorted(self._checked,
                              key=lambda r: ((self._titles.get(r) or "").casefold(), r)):
                self._add(rid, self._titles.get(rid) or f"#{rid}")
            for rid, title in self._found:
                if rid not in self._checked:
                    self._add(rid, title)
        finally:
            self._loading = False
        self.set_read_only(self._read_only)
        if self._total > len(self._found):
            self.shown_label.setText(_("{shown} of {total}").format(shown=len(self._found),
                                                                    total=self._total))
        else:
            self.shown_label.clear()
        self.shown_label.setVisible(bool(self.shown_label.text()))
        self._fit()

    def _fit(self) -> None:
        """As tall as its rows, between 2 and 6 of them (then it scrolls)."""
        line = self.list.sizeHintForRow(0) if self.list.count() else \
            self.list.fontMetrics().height() + 4
        rows = max(2, min(6, self.list.count()))
        self.list.setFixedHeight(rows * line + 2 * self.list.frameWidth() + 4)

    def _add(self, rid: int, title: str) -> QListWidgetItem:
        item = QListWidgetItem(title)
        item.setData(Qt.ItemDataRole.UserRole, rid)
        item.setToolTip(f"{title} (#{rid})")
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable
                      | Qt.ItemFlag.ItemIsSelectable)
        item.setCheckState(Qt.CheckState.Checked if rid in self._checked
                           else Qt.CheckState.Unchecked)
        self.list.addItem(item)
        return item

    def _changed(self, item: QListWidgetItem | None = None) -> None:
        if self._loading or item is None:
            return
        rid = int(item.data(Qt.ItemDataRole.UserRole))
        if item.checkState() == Qt.CheckState.Checked:
            self._checked.add(rid)
        else:
            self._checked.discard(rid)
        self.changed.emit()

    def items(self) -> list[QListWidgetItem]:
        return [self.list.item(i) for i in range(self.list.count())]

    def value(self) -> list[int]:
        return sorted(self._checked)

    def set_value(self, value: Any) -> None:
        self._checked = {int(v) for v in (value or [])}
        if self.filter_edit.text():  # another record: the whole list again
            with QSignalBlocker(self.filter_edit):
                self.filter_edit.clear()
            self.reload_choices()
        else:
            self._render()

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self._loading = True
        try:
            for it in self.items():
                flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                if not read_only:
                    flags |= Qt.ItemFlag.ItemIsUserCheckable
                it.setFlags(flags)
        finally:
            self._loading = False


def make_editor(field: Field, repo) -> _Editor:
    if field.type == MULTILINE:
        return MultilineEditor(field)
    if field.type == DATE:
        return DateEditor(field)
    if field.type == CHOICE:
        return ChoiceEditor(field)
    if field.type == INTEGER:
        return IntegerEditor(field)
    if field.type == LINK:
        return LinkEditor(field, repo)
    if field.type == LINKS:
        return LinksEditor(field, repo)
    return TextEditor(field)


# --- dialogs (module functions so tests can patch QMessageBox) -----------------------------------

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


def ask_unsaved(parent, what: str) -> str:
    """Save / Discard / Cancel for a form with unsaved changes."""
    answer = messages.question(
        parent, _("Unsaved changes"),
        _("{what} has unsaved changes. Save them?").format(what=what),
        QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
    if answer == QMessageBox.StandardButton.Save:
        return SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return DISCARD
    return CANCEL


# --- the form -------------------------------------------------------------------------------------

class RecordForm(QWidget):
    """Shows and edits one record of one kind; ``save()`` goes through the repository."""

    dirtyChanged = Signal(bool)  # noqa: N815 - Qt naming
    saved = Signal(object)  # the Change
    openRecord = Signal(str, int)  # noqa: N815 - a linked record, to be shown

    def __init__(self, repo, kind_name: str, parent=None):
        super().__init__(parent)
        self.repo = repo
        self.kind = get_kind(kind_name)
        self.record_id: int | None = None
        self.loaded_version: int | None = None
        self.record: dict | None = None
        self._baseline: dict = {}
        self._dirty = False
        self._read_only = False
        self.editors: dict[str, _Editor] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.field_labels: dict[str, QLabel] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setAccessibleName(_("Record heading"))
        outer.addWidget(self.heading)
        self.meta = QLabel()
        self.meta.setTextFormat(Qt.TextFormat.PlainText)
        self.meta.setWordWrap(True)
        self.meta.setStyleSheet("color: palette(mid);")
        outer.addWidget(self.meta)
        self.overdue_label = QLabel(_("Overdue: the due date has passed and the item is not done"))
        self.overdue_label.setStyleSheet(ERROR_STYLE + " font-weight: bold;")
        self.overdue_label.setWordWrap(True)
        self.overdue_label.hide()
        outer.addWidget(self.overdue_label)
        self.form_problem = QLabel()
        self.form_problem.setStyleSheet(ERROR_STYLE)
        self.form_problem.setWordWrap(True)
        self.form_problem.setTextFormat(Qt.TextFormat.PlainText)
        self.form_problem.hide()
        outer.addWidget(self.form_problem)

        layout = QFormLayout()
        layout.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        layout.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        layout.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        for f in self.kind.fields:
            editor = make_editor(f, repo)
            editor.changed.connect(self._on_edit)
            if isinstance(editor, LinkEditor):
                editor.openRecord.connect(self.openRecord)
            error = QLabel()
            error.setStyleSheet(ERROR_STYLE)
            error.setWordWrap(True)
            error.setTextFormat(Qt.TextFormat.PlainText)
            error.setAccessibleName(_("Problem with {field}").format(field=_(f.label)))
            error.hide()
            cell = QWidget()
            cell_layout = QVBoxLayout(cell)
            cell_layout.setContentsMargins(0, 0, 0, 0)
            cell_layout.setSpacing(2)
            cell_layout.addWidget(editor)
            cell_layout.addWidget(error)
            label = QLabel(_(f.label) + (" *" if f.required else ""))
            label.setBuddy(editor.focusProxy() or editor)
            widest = label.fontMetrics().horizontalAdvance("M") * 12
            if label.sizeHint().width() > widest:  # long labels (Russian) wrap, fields keep room
                label.setWordWrap(True)
                label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
                label.setFixedWidth(widest)
                label.setMinimumHeight(label.heightForWidth(widest))  # every line shown
            if f.help:
                label.setToolTip(_(f.help))
            layout.addRow(label, cell)
            self.editors[f.name] = editor
            self.error_labels[f.name] = error
            self.field_labels[f.name] = label
        outer.addLayout(layout)
        hint = QLabel(_("* required"))
        hint.setStyleSheet("color: palette(mid);")
        outer.addWidget(hint)
        outer.addStretch(1)
        self.load(None)

    # -- loading ------------------------------------------------------------------------------

    def load(self, record_id: int | None) -> None:
        """Show a stored record (or a new one with defaults when ``record_id`` is None)."""
        if record_id is None:
            self._show(None, self.kind.defaults())
            return
        try:
            record = self.repo.get(self.kind.name, record_id)
        except NotFound:
            self._show(None, self.kind.defaults())
            return
        self._show(record, record)

    def load_record(self, record: dict) -> None:
        self._show(record, record)

    def _show(self, record: dict | None, values: dict) -> None:
        self.record = record
        self.record_id = record["id"] if record else None
        self.loaded_version = record["version"] if record else None
        for f in self.kind.fields:
            with QSignalBlocker(self.editors[f.name]):
                self.editors[f.name].set_value(values.get(f.name))
        self.clear_problems()
        self._baseline = self.values()
        self._set_dirty(False)
        self._update_heading()
        self.set_read_only(self._read_only)

    def _update_heading(self) -> None:
        if self.record is None:
            self.overdue_label.hide()
            self.heading.setText(_("New {kind}").format(kind=_(self.kind.label).lower()))
            self.meta.setText(_("Not saved yet. Fill in the fields and press Save (Ctrl+S)."))
            return
        r = self.record
        self.heading.setText(r.get("title") or "")
        when = _utc_to_local(r.get("updated_at"))  # local time, as in the tables and History
        meta = _("#{id} · version {version} · changed {when} by {who}").format(
            id=r["id"], version=r["version"], when=when, who=r.get("updated_by") or "?")
        if r.get("deleted_at"):
            meta += " · " + _("in the trash")
        self.meta.setText(meta)
        overdue = self.kind.is_overdue(r)
        self.overdue_label.setVisible(overdue)

    def reload_choices(self) -> None:
        """Link pickers read their targets again (after records of another kind changed)."""
        for editor in self.editors.values():
            if isinstance(editor, (LinkEditor, LinksEditor)):
                with QSignalBlocker(editor):
                    editor.reload_choices()

    # -- state --------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {name: editor.value() for name, editor in self.editors.items()}

    def is_dirty(self) -> bool:
        return self._dirty

    def _on_edit(self) -> None:
        self._set_dirty(self.values() != self._baseline or any(
            isinstance(e, LinkEditor) and e.has_pending_text() for e in self.editors.values()))

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self.dirtyChanged.emit(dirty)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        deleted = bool(self.record and self.record.get("deleted_at"))
        for editor in self.editors.values():
            editor.set_read_only(read_only or deleted)

    def is_read_only(self) -> bool:
        return self._read_only

    def describe(self) -> str:
        if self.record is None:
            return _("The new {kind}").format(kind=_(self.kind.label).lower())
        return _("{kind} “{title}”").format(kind=_(self.kind.label),
                                            title=self.record.get("title") or "")

    # -- problems -----------------------------------------------------------------------------

    def clear_problems(self) -> None:
        for label in self.error_labels.values():
            label.clear()
            label.hide()
        self.form_problem.clear()
        self.form_problem.hide()

    def show_problems(self, problems: dict[str, str]) -> None:
        self.clear_problems()
        first = None
        other = []
        order = {name: i for i, name in enumerate(self.editors)}  # the form's order
        for name, message in sorted(problems.items(),
                                    key=lambda p: order.get(p[0], len(order))):
            label = self.error_labels.get(name)
            if label is None:
                other.append(f"{name}: {message}")
                continue
            label.setText(message)
            label.show()
            if first is None:
                first = name
        if other:
            self.form_problem.setText("; ".join(other))
            self.form_problem.show()
        if first is not None:
            self.editors[first].setFocus(Qt.FocusReason.OtherFocusReason)

    def problems_shown(self) -> dict[str, str]:
        return {name: label.text() for name, label in self.error_labels.items() if label.text()}

    # -- saving -------------------------------------------------------------------------------

    def revert(self) -> None:
        if self.record_id is None:
            self.load(None)
        else:
            self.load(self.record_id)

    def validate(self) -> dict[str, str]:
        _record, problems = self.repo.check(self.kind.name, self.values(),
                                            record_id=self.record_id)
        return problems

    def save(self):
        """Validate and write; returns the Change, or None when nothing was saved."""
        if self._read_only:
            messages.information(self, _("Read-only"),
                                    _("This database is open read-only; changes cannot be saved."))
            return None
        for editor in self.editors.values():  # a title typed but not yet confirmed counts
            if isinstance(editor, LinkEditor):
                editor.commit_text()
        self._on_edit()  # text that named no record went back to the linked title
        if self.record_id is not None and not self._dirty:
            return None  # nothing changed: no empty edit in the history and the undo list
        values = self.values()
        try:
            problems = self.validate()
        except NotFound:
            problems = {}
        if problems:
            self.show_problems(problems)
            return None
        if self.record_id is None and not self._confirm_not_a_duplicate(values):
            return None
        try:
            if self.record_id is None:
                change = self.repo.create(self.kind.name, values)
            else:
                change = self.repo.update(self.kind.name, self.record_id, values,
                                          expected_version=self.loaded_version)
        except ValidationError as exc:
            self.show_problems(exc.problems)
            return None
        except ConflictError as exc:
            self._conflict(exc)
            return None
        except (StorageError, TrackerError) as exc:
            messages.critical(self, _("Not saved"), _(
                "{what} was not saved: {error}\n\nYour edit is still in the form; "
                "try again when the problem is solved.").format(what=self.describe(),
                                                                 error=str(exc)))
            return None
        self._show(change.record, change.record)
        self.saved.emit(change)
        return change

    def _confirm_not_a_duplicate(self, values: dict[str, Any]) -> bool:
        """A new record titled like one that exists: ask before saving a second (the official
        may have missed the first; two desks may enter the same meeting)."""
        same = self.repo.same_title(self.kind.name, values.get("title") or "")
        if not same:
            return True
        rid, title = same[0]
        answer = messages.question(
            self, _("Already recorded?"),
            _("There is already a {kind} titled “{title}” (#{id}). Save another one?").format(
                kind=_(self.kind.label).lower(), title=title, id=rid),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Save

    def _conflict(self, exc: ConflictError) -> None:
        answer = messages.question(
            self, _("Changed by someone else"),
            _("{error}\n\nNothing was overwritten. Reload the record now? "
              "Your edits in the form will be lost; copy anything you need first.").format(
                error=str(exc)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        if answer == QMessageBox.StandardButton.Yes:
            self.load(exc.record_id)
