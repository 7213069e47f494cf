"""File > Backups...: the list shows the backups, Back up now adds one, Restore asks first and then
hands the (closed) repository back to the main window to reopen; a damaged file on opening is
offered the newest good backup."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from PySide6.QtWidgets import QMessageBox

from tracker.model import KIND_ORDER, KINDS
from tracker.store.repository import Repository
from tracker.store.sqlite import backup
from tracker.store.sqlite import restore as restoring
from ui.dialogs.backups import BackupsDialog, offer_newest_good_backup

pytestmark = pytest.mark.gui

UTC = dt.UTC


@pytest.fixture
def with_backups(repo):
    older = backup.create_backup(repo, now=dt.datetime(2026, 1, 10, 9, 30, tzinfo=UTC))
    repo.create("roadmap", {"title": "Added after the first backup"})
    newer = backup.create_backup(repo, now=dt.datetime(2026, 1, 11, 9, 30, tzinfo=UTC))
    return older, newer


def cell(dialog, row, col) -> str:
    return dialog.table.item(row, col).text()


def test_the_list_shows_every_backup_newest_first_with_counts(qtbot, repo, with_backups):
    older, newer = with_backups
    dialog = BackupsDialog(repo)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 2
    headers = [dialog.table.horizontalHeaderItem(c).text()
               for c in range(dialog.table.columnCount())]
    assert headers[2:] == [KINDS[k].plural for k in KIND_ORDER]
    assert "2026" in cell(dialog, 0, 0) and "11" in cell(dialog, 0, 0)
    roadmap_col = 2 + KIND_ORDER.index("roadmap")
    assert int(cell(dialog, 0, roadmap_col)) == int(cell(dialog, 1, roadmap_col)) + 1
    assert int(cell(dialog, 0, roadmap_col)) == repo.count("roadmap")
    assert dialog.selected().path == newer
    assert dialog.restore_button.isEnabled()


def test_back_up_now_adds_a_row(qtbot, repo, with_backups):
    dialog = BackupsDialog(repo)
    qtbot.addWidget(dialog)
    dialog.create_button.click()
    assert dialog.table.rowCount() == 3
    assert len(backup.list_backups(repo.path)) == 3
    assert dialog.selected().path == backup.list_backups(repo.path)[0].path
    assert "Backup made" in dialog.status.text()


def test_restore_asks_and_declining_changes_nothing(qtbot, repo, with_backups, dialogs):
    dialog = BackupsDialog(repo)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(1)
    dialogs.answers = [QMessageBox.StandardButton.No]
    assert dialog.restore_selected() is False
    assert dialogs.calls[0][0] == "question" and "before-restore" in dialogs.calls[0][2]
    assert repo.count("roadmap") > 0  # still open, nothing replaced
    assert restoring.set_aside_files(repo.path) == []
    assert dialog.result() != BackupsDialog.Reopen


def test_restore_replaces_the_file_and_asks_the_window_to_reopen(qtbot, repo, db_path,
                                                                 with_backups, dialogs):
    older, _newer = with_backups
    titles_later = {r["title"] for r in repo.list("roadmap")}
    dialog = BackupsDialog(repo)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(1)  # the older backup
    assert dialog.selected().path == older
    dialogs.answers = [QMessageBox.StandardButton.Yes]
    with qtbot.waitSignal(dialog.restored, timeout=5000) as signal:
        assert dialog.restore_selected() is True
    assert signal.args == [str(db_path)]
    assert dialog.result() == BackupsDialog.Reopen
    assert dialog.restored_from == older
    assert dialog.set_aside is not None and dialog.set_aside.exists()
    with Repository(db_path, user="tester") as reopened:
        titles_now = {r["title"] for r in reopened.list("roadmap")}
    assert "Added after the first backup" in titles_later - titles_now
    with Repository(dialog.set_aside, user="tester") as aside:  # nothing lost
        assert "Added after the first backup" in {r["title"] for r in aside.list("roadmap")}


def test_a_damaged_backup_cannot_be_restored(qtbot, repo, with_backups, dialogs):
    _older, newer = with_backups
    newer.write_bytes(newer.read_bytes()[:3000])
    dialog = BackupsDialog(repo)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    assert "unreadable" in cell(dialog, 0, 2) or not dialog.restore_button.isEnabled()
    assert dialog.restore_selected() is False
    assert dialogs.calls == []  # not even asked
    assert repo.count("roadmap") > 0


def test_read_only_database_cannot_back_up_or_restore(qtbot, repo, db_path, with_backups):
    repo.close()
    os.chmod(db_path, 0o444)
    ro = Repository(db_path, user="tester")
    try:
        dialog = BackupsDialog(ro)
        qtbot.addWidget(dialog)
        assert not dialog.create_button.isEnabled()
        assert not dialog.restore_button.isEnabled()
    finally:
        ro.close()


def test_no_backups_yet(qtbot, repo):
    dialog = BackupsDialog(repo)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert "No backups yet" in dialog.status.text()
    assert not dialog.restore_button.isEnabled()


def test_a_damaged_database_is_offered_the_newest_good_backup(qtbot, repo, db_path,
                                                             with_backups, dialogs):
    _older, newer = with_backups
    repo.close()
    damaged = db_path.read_bytes()[:8192]
    db_path.write_bytes(damaged)
    with pytest.raises(Exception) as info:
        Repository(db_path, user="tester")
    dialogs.answers = [QMessageBox.StandardButton.Yes]
    assert offer_newest_good_backup(db_path, str(info.value)) is True
    assert "newest good backup" in dialogs.calls[0][2]
    with Repository(db_path, user="tester") as reopened:
        assert reopened.count("roadmap") == backup.list_backups(db_path)[0].counts["roadmap"]
    kept = restoring.set_aside_files(db_path)
    assert len(kept) == 1 and kept[0].read_bytes() == damaged  # the damaged file is kept


def test_no_offer_without_a_good_backup(tmp_path, dialogs):
    path = tmp_path / "tracker.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    assert offer_newest_good_backup(path, "damaged") is False
    assert dialogs.calls == []


def test_the_window_can_keep_an_unsaved_edit_from_a_restore(qtbot, repo, with_backups, dialogs):
    dialog = BackupsDialog(repo)
    qtbot.addWidget(dialog)
    asked = []
    dialog.confirm_leave = lambda: asked.append(True) or False  # the user cancels
    dialogs.answers = [QMessageBox.StandardButton.Yes]
    assert dialog.restore_selected() is False
    assert asked == [True]
    assert repo.count("roadmap") > 0  # still open
    assert restoring.set_aside_files(repo.path) == []
