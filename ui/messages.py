"""Message boxes that show their text literally.

QMessageBox's static functions guess whether a text is rich text, and a record title, a file name
or an error holding ``<b>``, ``<img …>`` or ``&amp;`` would be rendered as markup. These take the
same arguments and return the same buttons, but always show plain text, and cut a very long text
(a 1 MB title quoted in a message) to a readable length. The GUI calls these, never the static
functions (tests/ui/conftest.py answers them). Importing this module builds no Qt namespace
(start-up: see DEVELOPERS.md).
"""

from __future__ import annotations

from PySide6 import QtCore
from PySide6.QtWidgets import QMessageBox

from tracker.i18n import gettext as _

MAX_CHARS = 3000
_Button = QMessageBox.StandardButton


def clip(text: str, limit: int = MAX_CHARS) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def make_box(icon, parent, title: str, text: str, buttons, default,
             labels: dict | None = None) -> QMessageBox:
    box = QMessageBox(icon, title, clip(text), buttons, parent)
    box.setTextFormat(QtCore.Qt.TextFormat.PlainText)  # Qt is looked up here, not at import
    if default != _Button.NoButton:
        box.setDefaultButton(default)
    for button, label in (labels or {}).items():  # say what a button does ("Skip older")
        if box.button(button) is not None:
            box.button(button).setText(label)
    return box


def _box(icon, parent, title: str, text: str, buttons, default,
         labels: dict | None = None) -> QMessageBox.StandardButton:
    return _Button(make_box(icon, parent, title, text, buttons, default, labels).exec())


def question(parent, title: str, text: str, buttons=_Button.Yes | _Button.No,
             default=_Button.NoButton, labels: dict | None = None
             ) -> QMessageBox.StandardButton:
    """``labels``: text for some of the buttons ({StandardButton: text})."""
    return _box(QMessageBox.Icon.Question, parent, title, text, buttons, default, labels)


def information(parent, title: str, text: str, buttons=_Button.Ok,
                default=_Button.NoButton) -> QMessageBox.StandardButton:
    return _box(QMessageBox.Icon.Information, parent, title, text, buttons, default)


def warning(parent, title: str, text: str, buttons=_Button.Ok,
            default=_Button.NoButton) -> QMessageBox.StandardButton:
    return _box(QMessageBox.Icon.Warning, parent, title, text, buttons, default)


def critical(parent, title: str, text: str, buttons=_Button.Ok,
             default=_Button.NoButton) -> QMessageBox.StandardButton:
    return _box(QMessageBox.Icon.Critical, parent, title, text, buttons, default)


# --- file dialogs ---------------------------------------------------------------------------------
#
# The database's own folder is where these dialogs open. Qt's file dialog (and a desktop's dialog
# running inside this process) reads the first bytes of every file it lists to guess its type and
# icon; opening and closing the open database file that way drops every lock SQLite holds on it
# (POSIX locks belong to the process, see tracker.db), and another program then deletes the -wal
# this window is still writing. So these dialogs are Qt's own, with icons and types taken from the
# names alone. They take the static functions' arguments and return the same (path, filter).

_provider = None


def _icon_provider():
    """A QFileIconProvider that never opens a file (made once, on the first dialog)."""
    global _provider
    if _provider is None:
        from PySide6.QtCore import QFileInfo
        from PySide6.QtWidgets import QFileIconProvider

        from tracker.i18n import gettext as _

        class NamesOnly(QFileIconProvider):
            def icon(self, what):
                if isinstance(what, QFileInfo):
                    what = (QFileIconProvider.IconType.Folder if what.isDir()
                            else QFileIconProvider.IconType.File)
                return super().icon(what)

            def type(self, info):
                if info.isDir():
                    return _("Folder")
                suffix = info.suffix()
                return _("{ext} file").format(ext=suffix.upper()) if suffix else _("File")

        _provider = NamesOnly()
    return _provider


def file_dialog(parent, caption: str, directory: str, filters: str, *, save: bool
                ) -> tuple[str, str]:
    from PySide6.QtWidgets import QDialog, QFileDialog

    dialog = QFileDialog(parent, caption, directory, filters)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setIconProvider(_icon_provider())
    if save:
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return "", ""
    files = dialog.selectedFiles()
    return (files[0] if files else ""), dialog.selectedNameFilter()


def get_save_file_name(parent=None, caption: str = "", directory: str = "",
                       filters: str = "") -> tuple[str, str]:
    return file_dialog(parent, caption, directory, filters, save=True)


def get_open_file_name(parent=None, caption: str = "", directory: str = "",
                       filters: str = "") -> tuple[str, str]:
    return file_dialog(parent, caption, directory, filters, save=False)


def read_only_text(repo) -> str:
    """Why a database is open read-only, for the banner: its damage, a newer version's file or
    a full disk, else a file or folder that cannot be written."""
    if repo.damage:
        return repo.damage
    if repo.read_only_reason:
        return _("{reason} You can read and search; editing is disabled.").format(
            reason=repo.read_only_reason)
    return _("{path} is open read-only (the file or its folder cannot be written). You can "
             "read and search; editing is disabled.").format(path=repo.path)
