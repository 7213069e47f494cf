"""Wording a desk officer reads: the window title names the file once, Delete says which record
went to the Trash, counts agree with their number in English and Russian (issue 18)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from tests.ui.test_main_window import go, select_row_of

pytestmark = pytest.mark.gui


def title_as_shown(window) -> str:
    """The title the window system shows: Qt adds the application's display name after the
    window's own title unless that title already ends with it (QPlatformWindow's rule)."""
    title = window.windowTitle().replace("[*]", "")
    name = QApplication.applicationDisplayName()
    return title if title.endswith(name) else f"{title} — {name}"


def test_the_window_title_says_the_file_and_the_program_once(main_window, repo, qapp):
    before = QApplication.applicationDisplayName()
    QApplication.setApplicationDisplayName("Bilateral Tracker")  # as ui.app sets it
    try:
        main_window.update_actions()
        assert title_as_shown(main_window) == f"{repo.path.name} — Bilateral Tracker"
    finally:
        QApplication.setApplicationDisplayName(before)


def test_delete_names_the_record_and_says_it_went_to_the_trash(main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    select_row_of(page, 3)
    title = repo.get("roadmap", 3)["title"]
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    said = main_window.statusBar().currentMessage()
    assert "Trash" in said and title[:40] in said and "road-map item" in said


def test_the_duplicate_question_reads_well_for_an_agreement(main_window, repo, qtbot, dialogs):
    page = go(main_window, "agreements")
    existing = repo.get("agreements", 1)["title"]
    main_window.new_action.trigger()
    page.form.editors["title"].edit.setText(existing)
    dialogs.answers.append(QMessageBox.StandardButton.Cancel)
    main_window.save_action.trigger()
    text = dialogs.calls[-1][2]
    assert " a agreement" not in text and " a Agreement" not in text
    assert text == f"“{existing}” is already recorded (Agreement #1). Save another one?"


@pytest.mark.parametrize(("language", "said"), [("en", "1 backup."), ("ru", "1 резервная копия.")])
def test_one_backup_is_counted_as_one(qtbot, repo, language, said, request):
    import datetime as dt

    from tracker.store.sqlite import backup
    from ui.dialogs.backups import BackupsDialog

    if language == "ru":
        request.getfixturevalue("russian")
    backup.create_backup(repo, now=dt.datetime(2026, 1, 10, 9, 30, tzinfo=dt.UTC))
    dialog = BackupsDialog(repo)
    qtbot.addWidget(dialog)
    assert dialog.status.text() == said
