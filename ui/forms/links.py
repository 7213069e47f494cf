"""The editors of links to other records: one record (:class:`LinkEditor`, a combo box that
searches as you type) or several (:class:`LinksEditor`, a checkable list under a filter box). Both
ask the repository, so the right record is findable among 100,000."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
)

from tracker.i18n import gettext as _
from tracker.model import Field, get_kind
from ui.forms.base import NONE_TEXT, Editor

TITLE_ROLE = Qt.ItemDataRole.UserRole + 1

class LinkEditor(Editor):
    """One record of another kind (or none). The combo lists the first titles; typing in it asks
    the repository (``choices_for_link(target, search=text)``) and offers the matches in a popup,
    so the right record is findable among 100,000. The button beside it opens the linked record.
    """

    LIST_LIMIT = 200  # titles in the drop-down list (typing searches them all)
    MATCH_LIMIT = 50  # matches offered while typing

    def __init__(self, field: Field, repo, parent=None):
        super().__init__(field, repo, parent)
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
        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(150)
        self.search_timer.timeout.connect(self.search_now)
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
        self.row.addWidget(self.combo, 1)
        self.row.addWidget(self.open_button)
        self.finish(self.combo)
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
            self.search_timer.stop()
            self.matches.clear()
            if self.value() is not None:
                self.choose(None)
            return
        self.search_timer.start()
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
        self.search_timer.stop()
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


class LinksEditor(Editor):
    """Several records of another kind: a checkable list under a filter box. The filter asks the
    repository (any text is safe); the linked records stay listed, checked, at the top."""

    LIST_LIMIT = 200  # unchecked titles listed at a time (the filter finds the others)

    def __init__(self, field: Field, repo, parent=None):
        super().__init__(field, repo, parent)
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
        self.row.addLayout(column)
        self.finish(self.list)
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
