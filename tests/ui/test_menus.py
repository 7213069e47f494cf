"""The commands of the main window (ui.menus): each with its shortcut, every dialog of the File
menu present and opening, every command in the table running something."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.gui


def test_every_command_has_its_shortcut(main_window):
    from PySide6.QtGui import QKeySequence

    shortcuts = {name: getattr(main_window, f"{name}_action").shortcut().toString(
        QKeySequence.SequenceFormat.PortableText) for name in
        ("undo", "redo", "new", "save", "find", "briefing", "record_history", "quit")}
    assert shortcuts == {"undo": "Ctrl+Z", "redo": "Ctrl+Shift+Z", "new": "Ctrl+N",
                         "save": "Ctrl+S", "find": "Ctrl+F", "briefing": "Ctrl+E",
                         "record_history": "Ctrl+H", "quit": "Ctrl+Q"}
    assert main_window.delete_action.shortcut().toString() == "Del"


@pytest.mark.parametrize(("action", "module", "cls"), [
    ("backups_action", "ui.dialogs.backups", "BackupsDialog"),
    ("briefing_action", "ui.dialogs.briefing", "BriefingDialog"),
    ("prefs_action", "ui.dialogs.preferences", "PreferencesDialog"),
])
def test_optional_dialogs_open_from_the_file_menu(main_window, monkeypatch, action, module,
                                                  cls):
    import importlib

    from PySide6.QtWidgets import QDialog

    present = importlib.import_module(module) is not None  # every dialog is part of the app
    assert getattr(main_window, action).isVisible() == present
    opened = []
    monkeypatch.setattr(QDialog, "exec", lambda self: opened.append(type(self).__name__) or 0)
    getattr(main_window, action).trigger()
    assert opened == [cls]


def test_every_command_in_the_table_runs_something(main_window):
    """Each command of ui.menus names a window method or a function of ui.commands."""
    from ui import commands, menus

    for command in menus.COMMANDS:
        module, _dot, name = command.run.rpartition(".")
        target = commands if module == "commands" else main_window
        assert callable(getattr(target, name, None)), command.name
        assert getattr(main_window, f"{command.attr}_action").objectName() == command.name
