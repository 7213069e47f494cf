"""One editor class per field type, and the registry the record form reads: a new field type is
a new editor registered in :data:`EDITORS`, nothing else changes. Links to other records have
their editors in :mod:`ui.forms.links`."""

from __future__ import annotations

import datetime as _dt
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCalendarWidget,
    QComboBox,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QWidgetAction,
)

from tracker.i18n import date_pattern, parse_date, short_date
from tracker.i18n import gettext as _
from tracker.model import (
    CHOICE,
    DATE,
    DECIMAL,
    INTEGER,
    LINK,
    LINKS,
    MULTILINE,
    PERIOD,
    SERIES,
    TEXT,
    Field,
)
from ui.forms.base import NONE_TEXT, Editor
from ui.forms.links import LinkEditor, LinksEditor
from ui.forms.measures import SeriesEditor


class TextEditor(Editor):
    def __init__(self, field: Field, repo=None, parent=None):
        super().__init__(field, repo, parent)
        self.edit = QLineEdit()
        limit = field.limit()
        if limit:
            self.edit.setMaxLength(limit)
        self.edit.textEdited.connect(self.changed)
        self.row.addWidget(self.edit)
        self.finish(self.edit)

    def value(self) -> str:
        return self.edit.text()

    def set_value(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))
        self.edit.setCursorPosition(0)

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)


class MultilineEditor(Editor):
    def __init__(self, field: Field, repo=None, parent=None):
        super().__init__(field, repo, parent)
        self.edit = QPlainTextEdit()
        self.edit.setTabChangesFocus(True)
        line = self.edit.fontMetrics().lineSpacing()
        self.edit.setMinimumHeight(line * 3 + 12)
        self.edit.setMaximumHeight(line * (5 if field.name != "text" else 14) + 12)
        self.edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.edit.textChanged.connect(self._emit)
        self._loading = False
        self.row.addWidget(self.edit)
        self.finish(self.edit)

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


class DecimalEditor(TextEditor):
    """An exact number typed as a person writes it (3 000 000 000, 12,5); stored as text."""

    def __init__(self, field: Field, repo=None, parent=None):
        super().__init__(field, repo, parent)
        self.edit.setPlaceholderText(_("A number, e.g. 3 000 000 000 or 12.5"))


class PeriodEditor(TextEditor):
    """A year, a month or a day (2017, 2017-06, 2017-06-09): only what the source says."""

    def __init__(self, field: Field, repo=None, parent=None):
        super().__init__(field, repo, parent)
        self.edit.setPlaceholderText(_("2017, 2017-06 or 2017-06-09"))


class DateEditor(Editor):
    """A date typed (2026-03-31 or 31.03.2026) or picked from a calendar; empty means "no date"."""

    def __init__(self, field: Field, repo=None, parent=None):
        super().__init__(field, repo, parent)
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(_("{pattern} (empty: no date)").format(
            pattern=date_pattern()))
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
        self.row.addWidget(self.edit, 1)
        self.row.addWidget(self.button)
        self.finish(self.edit)
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
        self.edit.setText(short_date(_dt.date(qdate.year(), qdate.month(), qdate.day())))
        self.menu.close()
        self.edit.setFocus()

    def value(self) -> str:
        return normalise_date(self.edit.text())

    def _tidy(self) -> None:
        """Leaving the field: a date typed either way shows in the user's format (15.01.2025
        or 2025-01-15: ``tracker.i18n.short_date``)."""
        tidy = short_date(normalise_date(self.edit.text()))
        if tidy != self.edit.text():
            self.edit.setText(tidy)

    def set_value(self, value: Any) -> None:
        self._loading = True
        try:
            self.edit.setText("" if value is None else short_date(str(value)))
        finally:
            self._loading = False

    def set_read_only(self, read_only: bool) -> None:
        self.edit.setReadOnly(read_only)
        self.button.setEnabled(not read_only)


def normalise_date(text: str) -> str:
    """ISO text for a date typed as the core reads dates (2026-03-31, or 31.03.2026 as written in
    Russia, Belarus and Kazakhstan: ``tracker.i18n.parse_date``); anything else is returned
    stripped, for the core to explain."""
    text = text.strip()
    try:
        return parse_date(text).isoformat()
    except ValueError:
        return text


class ChoiceEditor(Editor):
    def __init__(self, field: Field, repo=None, parent=None):
        super().__init__(field, repo, parent)
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
        self.row.addWidget(self.combo)
        self.finish(self.combo)

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


class IntegerEditor(Editor):
    """A spin box with the field's range; a field that may be empty shows "—" below its minimum."""

    def __init__(self, field: Field, repo=None, parent=None):
        super().__init__(field, repo, parent)
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
        self.row.addWidget(self.spin)
        self.row.addStretch(1)
        self.finish(self.spin)

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


#: field type -> its editor class (the form builds one editor per field from this)
EDITORS: dict[str, type[Editor]] = {
    TEXT: TextEditor,
    MULTILINE: MultilineEditor,
    DATE: DateEditor,
    CHOICE: ChoiceEditor,
    INTEGER: IntegerEditor,
    LINK: LinkEditor,
    LINKS: LinksEditor,
    DECIMAL: DecimalEditor,
    PERIOD: PeriodEditor,
    SERIES: SeriesEditor,
}


def make_editor(field: Field, repo) -> Editor:
    """The editor for ``field`` (a type nobody registered is edited as text)."""
    return EDITORS.get(field.type, TextEditor)(field, repo)
