"""Ctrl+Z in a form field undoes the typing while there is typing to undo, and the window's last
step (a save) once there is none: a text field would otherwise take every Ctrl+Z as its own, and
the save just made with Ctrl+S could not be undone from the keyboard without leaving the field.

Loading a record into the form (after a save, a revert, an undo) sets each field's text afresh,
which clears the field's own undo history (``QLineEdit.setText``, ``QPlainTextEdit.setPlainText``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

TEXT_WIDGETS = (QLineEdit, QPlainTextEdit, QTextEdit, QComboBox, QAbstractSpinBox)


def text_step_available(widget: QObject, *, redo: bool) -> bool:
    """Whether ``widget`` holds typing of its own to undo (``redo``: to redo)."""
    if isinstance(widget, (QComboBox, QAbstractSpinBox)):
        widget = widget.findChild(QLineEdit)
        if widget is None:
            return False
    if isinstance(widget, QLineEdit):
        return widget.isRedoAvailable() if redo else widget.isUndoAvailable()
    if isinstance(widget, (QPlainTextEdit, QTextEdit)):
        document = widget.document()
        return document.isRedoAvailable() if redo else document.isUndoAvailable()
    return False


class UndoKeys(QObject):
    """Lets Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y) reach the window's Undo / Redo when the field has no
    typing of its own to undo or redo."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() != QEvent.Type.ShortcutOverride:
            return False
        for key, redo in ((QKeySequence.StandardKey.Undo, False),
                          (QKeySequence.StandardKey.Redo, True)):
            if event.matches(key):
                if text_step_available(watched, redo=redo):
                    return False  # the field's own undo
                event.ignore()  # not the field's: the window's shortcut takes the key
                return True
        return False


def install(form: QWidget) -> UndoKeys:
    """Watch every text field of ``form`` (kept alive by ``form``)."""
    keys = UndoKeys(form)
    for widget in form.findChildren(QWidget):
        if isinstance(widget, TEXT_WIDGETS):
            widget.installEventFilter(keys)
    return keys
