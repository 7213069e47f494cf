"""Issue 18, Russian terms: the briefing was called «Справка», which a Russian reader takes for
Help (Windows and Office call their Help menu «Справка»). The document is named as desks name it,
«Информационная справка»; help is «Помощь» in the window and «описание» in --help; nothing is
called a bare «Справка» any more."""

from __future__ import annotations

import pytest

from tracker import i18n
from ui.mnemonics import plain

pytestmark = pytest.mark.gui


def test_the_briefing_is_not_read_as_help(russian, main_window):
    bar = main_window.menuBar()
    help_title = plain(bar.actions()[-1].text())
    briefing = plain(main_window.briefing_action.text())
    assert help_title == "Помощь"
    assert briefing == "Информационная справка…"
    shown = [plain(a.text()) for menu_action in bar.actions()
             for a in [menu_action, *menu_action.menu().actions()] if a.text()]
    shown += [a.iconText() for a in main_window.toolbar.actions() if a.text()]
    assert not [t for t in shown if t.split()[0].strip("…") == "Справка"], shown


def test_the_briefing_dialog_and_document_are_named_alike(russian, main_window):
    from ui.dialogs.briefing import BriefingDialog

    dialog = BriefingDialog(main_window.repo, main_window)
    try:
        assert dialog.windowTitle() == "Информационная справка"
    finally:
        dialog.deleteLater()
    assert i18n.gettext("Briefing: {sides}").startswith("Информационная справка")


def test_help_texts_never_say_spravka():
    with i18n.language("ru"):
        for text in ("show this help and exit", "Show this message and exit.",
                     "Try '{command} {option}' for help.", "&Help"):
            assert "справк" not in i18n.gettext(text).casefold(), text
