"""Help › Keyboard shortcuts: every key of the window's commands (``ui.menus.COMMANDS``, as the
window bound them on this platform), the pages' keys (Go menu), and how to reach the rest with
Alt and the underlined letter, in the interface language."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.i18n import gettext as _
from ui import menus
from ui.mnemonics import plain


def shortcut_rows(window) -> list[tuple[str, str]]:
    """(where the command is, its key as this platform writes it): the commands of the menus'
    table in menu order, then the pages of the Go menu."""
    native = QKeySequence.SequenceFormat.NativeText
    rows = []
    for title, entries in menus.MENUS:
        menu = plain(_(title))
        for entry in entries:
            if entry == menus.GO:
                for action in getattr(window, "go_actions", []):
                    if not action.shortcut().isEmpty():
                        rows.append((f"{menu} › {plain(action.text())}",
                                     action.shortcut().toString(native)))
                continue
            action = window.actions_by_name.get(entry)
            if action is None or action.shortcut().isEmpty():
                continue
            command = next(c for c in menus.COMMANDS if c.name == entry)
            # the command's own name ("Undo", not the step it would undo now)
            rows.append((f"{menu} › {plain(_(command.text))}",
                         action.shortcut().toString(native)))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(parent or window)
        self.setWindowTitle(_("Keyboard shortcuts"))
        self.setObjectName("shortcuts_dialog")
        rows = shortcut_rows(window)
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels([_("Command"), _("Keys")])
        self.table.setAccessibleName(_("Keyboard shortcuts"))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        for r, (where, keys) in enumerate(rows):
            self.table.setItem(r, 0, QTableWidgetItem(where))
            self.table.setItem(r, 1, QTableWidgetItem(keys))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.note = QLabel(_(
            "Every menu and button also answers to Alt and its underlined letter; in an open "
            "menu, the underlined letter alone. Tab moves between fields."))
        self.note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("&Close"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self.resize(560, 620)
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
