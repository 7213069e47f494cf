"""Issue 18, keyboard: every menu entry and every button answers to its own underlined letter
(none shared within a menu, a dialog or a page, none taking a menu title's Alt+letter), in
English and in Russian; Help › Keyboard shortcuts lists every key of the command table."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QCalendarWidget,
    QDialog,
    QMenu,
    QMessageBox,
    QToolButton,
)

from tracker import i18n
from ui import menus
from ui.mnemonics import assign, mnemonic, plain

pytestmark = pytest.mark.gui


def check_unique(texts: list[str], where: str, taken: set[str] = frozenset()) -> set[str]:
    letters = [mnemonic(t) for t in texts]
    assert None not in letters, (where, [t for t in texts if mnemonic(t) is None])
    assert all(letter.isalnum() for letter in letters), (where, texts)
    assert len(set(letters)) == len(letters), (where, texts)
    assert not set(letters) & taken, (where, texts, taken)
    # the letter is one of the text's own (not a lone "&" at its end)
    for text, letter in zip(texts, letters, strict=True):
        assert letter in plain(text).casefold(), (where, text)
    return set(letters)


def test_a_path_with_an_ampersand_shows_literally_in_open_recent(main_window, qtbot):
    menus.add_recent("/tmp/other & older.db")
    menus.fill_recent(main_window)
    texts = [a.text() for a in main_window.recent_menu.actions()]
    walk_menu(qtbot, main_window.recent_menu, "Open Recent")
    shown = [plain(a.text()).replace("&&", "&") for a in main_window.recent_menu.actions()]
    assert "/tmp/other & older.db" in shown, (texts, shown)


def walk_menu(qtbot, menu: QMenu, where: str) -> None:
    menu.popup(QPoint(0, 0))  # as the user opens it (its entries may be renamed then)
    qtbot.waitUntil(menu.isVisible)
    actions = [a for a in menu.actions() if not a.isSeparator() and a.text()]
    check_unique([a.text() for a in actions], where)
    for action in actions:
        if action.menu() is not None:
            walk_menu(qtbot, action.menu(), f"{where} › {plain(action.text())}")
    menu.close()


def test_every_menu_and_entry_has_its_own_mnemonic(make_window, repo, qtbot, language):
    menus.add_recent("/tmp/other & older.db")  # Open Recent with entries to walk
    menus.add_recent("/tmp/another.db")
    window = make_window(repo)
    window.repo.update("agreements", 1, {"title": "Renamed for the test"},
                       expected_version=None)  # Undo names a step
    window.update_actions()
    bar = window.menuBar()
    titles = [a.text() for a in bar.actions()]
    check_unique(titles, "menu bar")
    for action in bar.actions():
        walk_menu(qtbot, action.menu(), plain(action.text()))
    # (walked above while it named the step to undo: "Undo Edit agreement")
    assert plain(window.undo_action.text()) != i18n.gettext("Undo")


def test_a_typed_letter_in_an_open_menu_runs_its_own_entry_only(main_window, qtbot,
                                                                 monkeypatch):
    opened = []
    monkeypatch.setattr("ui.commands.show_shortcuts", lambda w: opened.append("shortcuts"))
    monkeypatch.setattr("ui.commands.show_about", lambda w: opened.append("about"))
    help_menu = main_window.menuBar().actions()[-1].menu()
    help_menu.popup(QPoint(0, 0))
    qtbot.waitUntil(help_menu.isVisible)
    letter = mnemonic(main_window.shortcuts_action.text())
    qtbot.keyClick(help_menu, letter)
    qtbot.waitUntil(lambda: opened == ["shortcuts"])
    assert not help_menu.isVisible()


def page_buttons(page) -> list[QAbstractButton]:
    """What a user reaches by a button's text (not a toolbar's, nor a calendar's month)."""
    return [b for b in page.findChildren(QAbstractButton)
            if b.text() and not (isinstance(b, QToolButton) and b.defaultAction() is not None)
            and not in_calendar(b)]


def in_calendar(widget) -> bool:
    while widget is not None:
        if isinstance(widget, QCalendarWidget):
            return True
        widget = widget.parentWidget()
    return False


def test_every_button_of_every_page_has_its_own_mnemonic(make_window, repo, qtbot, language):
    from ui.pages import PAGES

    window = make_window(repo)
    bar_letters = {mnemonic(a.text()) for a in window.menuBar().actions()}
    for name in PAGES:
        assert window.go_to(name)
        page = window.pages[name]
        texts = [b.text() for b in page_buttons(page)]
        check_unique(texts, name, bar_letters)


def dialogs_of(window, repo):
    from ui import messages
    from ui.dialogs.backups import BackupsDialog
    from ui.dialogs.briefing import BriefingDialog
    from ui.dialogs.open_shared import OpenSharedDialog
    from ui.dialogs.preferences import PreferencesDialog
    from ui.dialogs.search import SearchDialog
    from ui.dialogs.shortcuts import ShortcutsDialog
    from ui.forms.reports import ReportDialog
    from ui.widgets.provenance import QuoteDialog, SourceViewer

    yield BackupsDialog(repo, window)
    yield BriefingDialog(repo, window)
    yield OpenSharedDialog(window)
    yield PreferencesDialog(window)
    yield SearchDialog(repo, window)
    yield ShortcutsDialog(window)
    yield ReportDialog(repo, None, window)
    yield QuoteDialog(repo, window)
    yield SourceViewer(repo, 1, "", window)
    buttons = QMessageBox.StandardButton
    yield messages.make_box(QMessageBox.Icon.Question, window, "t", "Unsaved changes",
                            buttons.Save | buttons.Discard | buttons.Cancel, buttons.Save)


def test_every_dialog_button_has_its_own_mnemonic(make_window, repo, qtbot, language):
    window = make_window(repo)
    for dialog in dialogs_of(window, repo):
        assert isinstance(dialog, QDialog)
        dialog.show()  # labelled as it takes the focus
        qtbot.waitUntil(lambda d=dialog: bool(d.property("mnemonics_labelled")))
        check_unique([b.text() for b in page_buttons(dialog)], type(dialog).__name__)
        dialog.done(0)
        dialog.deleteLater()


def test_keyboard_shortcuts_lists_every_key_of_the_command_table(main_window, qtbot, language):
    from ui.dialogs.shortcuts import ShortcutsDialog

    dialog = ShortcutsDialog(main_window)
    qtbot.addWidget(dialog)
    shown = {(dialog.table.item(r, 0).text(), dialog.table.item(r, 1).text())
             for r in range(dialog.table.rowCount())}
    native = QKeySequence.SequenceFormat.NativeText
    for command in menus.COMMANDS:
        key = main_window.actions_by_name[command.name].shortcut()
        if key.isEmpty():
            continue
        rows = [r for r in shown if r[1] == key.toString(native)
                and r[0].endswith(plain(i18n.gettext(command.text)))]
        assert rows, (command.name, key.toString(native))
    for action in main_window.go_actions:  # the pages' Ctrl+digits
        if not action.shortcut().isEmpty():
            assert any(r[1] == action.shortcut().toString(native) for r in shown)
    assert main_window.shortcuts_action.shortcut().toString() == "F1"
    if language == "ru":
        assert dialog.windowTitle() == "Сочетания клавиш"
        assert all("&" not in r[0] for r in shown)


def test_help_keyboard_shortcuts_opens_from_the_help_menu(main_window, monkeypatch):
    opened = []
    monkeypatch.setattr(QDialog, "exec", lambda self: opened.append(type(self).__name__) or 0)
    help_menu = main_window.menuBar().actions()[-1].menu()
    assert main_window.shortcuts_action in help_menu.actions()
    main_window.shortcuts_action.trigger()
    assert opened == ["ShortcutsDialog"]


@pytest.mark.parametrize(("texts", "taken", "want"), [
    (["&File", "&Edit", "Find"], set(), ["&File", "&Edit", "F&ind"]),
    (["Save", "Search", "Show all"], {"s"}, ["S&ave", "S&earch", "S&how all"]),
    (["A && B", "Another"], set(), ["&A && B", "A&nother"]),
    (["Открыть", "Отменить"], set(), ["&Открыть", "О&тменить"]),
])
def test_assign_keeps_own_mnemonics_and_finds_free_letters(texts, taken, want):
    assert assign(texts, taken) == want


def ring_pixels(window, widget) -> list:
    """The colours 2 px outside the widget's left, right, top and bottom edges, mid-way."""
    from PySide6.QtCore import QPoint

    image = window.grab().toImage()
    ratio = image.devicePixelRatio()
    at = widget.mapTo(window, QPoint(0, 0))
    w, h = widget.width(), widget.height()
    points = [(at.x() - 2, at.y() + h // 2), (at.x() + w + 1, at.y() + h // 2),
              (at.x() + w // 2, at.y() - 2), (at.x() + w // 2, at.y() + h + 1)]
    return [image.pixelColor(int(x * ratio), int(y * ratio)) for x, y in points]


def test_the_focused_widget_has_a_clearly_visible_ring(main_window, qtbot):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    main_window.activateWindow()
    highlight = main_window.palette().color(QPalette.ColorRole.Highlight)
    button = page.new_button
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is button)
    qtbot.waitUntil(lambda: all(c == highlight for c in ring_pixels(main_window, button)))
    # the splitter dragged: the button's pane moves (the button, in it, does not): the ring
    # stays on the button
    sizes = page.splitter.sizes()
    page.splitter.setSizes([sizes[0] - 120, sizes[1] + 120])
    qtbot.waitUntil(lambda: all(c == highlight for c in ring_pixels(main_window, button)))
    # Tab: the ring goes with the focus, and leaves the button
    qtbot.keyClick(button, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not button)
    now = QApplication.focusWidget()
    qtbot.waitUntil(lambda: all(c == highlight for c in ring_pixels(main_window, now)))
    assert not any(c == highlight for c in ring_pixels(main_window, button))
