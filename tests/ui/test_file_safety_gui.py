"""The window's side of the file-safety promises: a newer version's file (or a full disk) opens
read-only with the reason in the banner; a save into a file whose folder was deleted is refused
with a message and the form keeps the text."""

from __future__ import annotations

import shutil
import sqlite3

import pytest
from PySide6.QtCore import Qt

from tracker.session import open_session
from tracker.store.repository import Repository

pytestmark = pytest.mark.gui


def test_a_newer_versions_file_shows_why_it_is_read_only(make_window, tmp_path):
    path = tmp_path / "tracker.db"
    open_session(path, seed=True, user="tester").close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations(migration_set, name, applied_at) "
                 "VALUES ('tracker', '0042_budgets', '2030-01-01T00:00:00')")
    conn.commit()
    conn.close()
    repo = Repository(path, user="tester", background_check=True)  # as the app opens it
    try:
        window = make_window(repo)
        assert window.banner.isVisible()
        text = window.banner.text()
        assert "newer version" in text and "0042_budgets" in text and str(path) in text
        assert "editing is disabled" in text
        assert window.ro_label.text() == "Read-only"
        assert window.go_to("roadmap")
        page = window.pages["roadmap"]
        assert page.model.rowCount() > 0  # reading works
        assert not window.new_action.isEnabled() and not window.save_action.isEnabled()
        assert page.form.editors["title"].edit.isReadOnly()
        window.grab().save(str(tmp_path / "newer-version-banner.png"))
    finally:
        repo.close()


def test_a_save_after_the_folder_was_deleted_is_refused_and_the_form_keeps_the_text(
        make_window, tmp_path, qtbot, dialogs):
    folder = tmp_path / "desk"
    repo = open_session(folder / "tracker.db", seed=True, user="tester")
    try:
        window = make_window(repo)
        assert window.go_to("roadmap")
        page = window.pages["roadmap"]
        before = page.model.rowCount()
        window.new_record()
        qtbot.keyClicks(page.form.editors["title"].edit, "Typed after the folder went")
        shutil.rmtree(folder)
        dialogs.answers.append(None)
        qtbot.keyClick(page.form.editors["title"].edit, Qt.Key.Key_S,
                       Qt.KeyboardModifier.ControlModifier)
        kind, title, text = dialogs.calls[-1]
        assert kind == "critical" and "not saved" in text.lower()
        assert "no longer there" in text and str(folder / "tracker.db") in text
        assert page.form.editors["title"].value() == "Typed after the folder went"
        assert page.form.is_dirty() and page.form.record_id is None
        assert page.model.rowCount() == before
        page.form.set_dirty(False)
    finally:
        repo.close()


def _child_sees_the_file_held(path) -> bool:
    import subprocess
    import sys

    code = ("from tracker.store.sqlite.files import in_use_elsewhere; "
            f"print(in_use_elsewhere({str(path)!r}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip() == "True"


@pytest.mark.parametrize("save", [True, False])
def test_the_file_dialogs_never_open_the_database_they_list(tmp_path, qtbot, save):
    """File › Open, New, Import, Export, Export this list and the briefing's Export open in the
    database's folder. Qt's dialog reads each file it lists to guess its type; reading the open
    database that way dropped SQLite's locks on it (another program then deleted its -wal)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    from ui import messages

    path = tmp_path / "tracker.db"
    repo = Repository(path, user="tester")  # the window's session
    try:
        assert _child_sees_the_file_held(path)
        listed = []

        def look_then_close():
            dialog = next(w for w in QApplication.topLevelWidgets()
                          if isinstance(w, QFileDialog) and w.isVisible())
            listed.append(dialog.directory().entryList())
            dialog.reject()

        def when_listed():  # the listing (and its type guesses) runs in a thread of Qt's
            qtbot.wait(800)
            look_then_close()

        QTimer.singleShot(0, when_listed)
        assert messages.file_dialog(None, "Open database", str(tmp_path),
                                    "Tracker databases (*.db);;All files (*)",
                                    save=save) == ("", "")
        assert listed and "tracker.db" in listed[0]
        assert _child_sees_the_file_held(path)
    finally:
        repo.close()
