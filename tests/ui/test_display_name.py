"""The name the history ("changed by") and a briefing's "Prepared by" give is the one set in
Preferences, not the computer's account; on a shared server the history names the login, which
the server sets, and the Preferences say so (issue 18)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.test_main_window import go, select_row_of, type_into
from tracker.store.repository import Repository
from ui.audit_name import MAX_NAME, display_name, set_display_name
from ui.dialogs.preferences import PreferencesDialog

pytestmark = pytest.mark.gui

NAME = "Айгуль Нурланқызы"


def set_in_preferences(window, qtbot, name: str) -> PreferencesDialog:
    dialog = PreferencesDialog(window)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText(name)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    return dialog


def test_the_name_set_in_preferences_is_the_one_the_history_names(main_window, repo, qtbot):
    set_in_preferences(main_window, qtbot, NAME)
    page = go(main_window, "roadmap")
    select_row_of(page, 2)
    type_into(qtbot, page.form.editors["title"], "Renamed item")
    main_window.save_action.trigger()
    assert repo.history("roadmap", 2, limit=1)[0]["user"] == NAME
    assert repo.get("roadmap", 2)["updated_by"] == NAME
    assert f"by {NAME}" in page.form.meta.text()
    from ui.dialogs.briefing import BriefingDialog

    briefing = BriefingDialog(repo, main_window)
    qtbot.addWidget(briefing)
    assert briefing.panel.prepared_edit.text() == NAME


def test_the_name_is_kept_for_the_next_start_and_cleared_back_to_the_account(
        make_window, db_path, qtbot):
    from tracker.store.results import os_user

    set_display_name(NAME)
    with Repository(db_path) as repo:  # a session opened as at start-up, no user given
        window = make_window(repo)
        assert repo.user == NAME
        set_in_preferences(window, qtbot, "   ")
        assert repo.user == os_user()
        window.close()  # before its session closes


def test_a_hostile_name_is_kept_as_one_short_line(qtbot, tmp_path):
    set_display_name("=cmd()\n<b>x</b>\x00\t" + "Ё" * 1_000_000)
    name = display_name()
    assert name.startswith("=cmd() <b>x</b>")
    assert "\n" not in name and "\x00" not in name and len(name) <= MAX_NAME


@pytest.mark.postgres
def test_on_a_server_the_history_names_the_login_and_preferences_say_so(
        pg_cluster, make_window, qtbot):
    from engine_kit import PostgresEngine

    engine = PostgresEngine(pg_cluster)
    try:
        engine.target("tester", seed=True)
        set_display_name(NAME)
        with Repository(engine.target("tester")) as repo:
            window = make_window(repo)
            dialog = PreferencesDialog(window)
            qtbot.addWidget(dialog)
            assert "tester" in dialog.name_note.text()
            assert "login" in dialog.name_note.text()
            page = go(window, "roadmap")
            select_row_of(page, 2)
            type_into(qtbot, page.form.editors["title"], "Renamed on the server")
            window.save_action.trigger()
            assert repo.history("roadmap", 2, limit=1)[0]["user"] == "tester"
            window.close()  # before its session closes
    finally:
        engine.close()
