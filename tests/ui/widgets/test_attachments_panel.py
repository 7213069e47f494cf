"""The files of a record in its form, as a desk officer uses them: dropped on the form (stored
and read off the GUI thread, Ctrl+Z undoes it), opened from a private copy in the system's
viewer (a program is never opened), saved as, removed and brought back; Find… says in which
file and on which page it found the words."""

from __future__ import annotations

import stat

import pytest
from attachment_files import pdf
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog

from ui.widgets import attachments as panel_module

pytestmark = pytest.mark.gui


def open_agreement(window, repo):
    rid = repo.ids("agreements")[0]
    window.go_to("agreements")
    page = window.pages["agreements"]
    assert page.select_record(rid)
    return page, rid


def drop(panel, widget, paths) -> bool:
    """Drag these files over ``widget`` and drop them, through the panel's event filter (Qt
    delivers a drop to a widget's filters only during a real drag, which offscreen has not)."""
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    enter = QDragEnterEvent(QPoint(10, 10), Qt.DropAction.CopyAction, data,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    if not (panel.eventFilter(widget, enter) and enter.isAccepted()):
        return False
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    return panel.eventFilter(widget, event)


def attach_by_drop(qtbot, page, paths):
    files = page.files
    assert drop(files, page.scroll.viewport(), paths)  # dropped on the form itself
    qtbot.waitUntil(lambda: not files.busy and files.list.topLevelItemCount() >= 1,
                    timeout=20000)
    qtbot.waitUntil(lambda: all(a["text_status"] != "pending" for a in files.rows),
                    timeout=30000)
    return files


def test_a_file_dropped_on_the_form_is_attached_read_and_undone(main_window, repo, qtbot,
                                                                tmp_path):
    page, rid = open_agreement(main_window, repo)
    signed = pdf(tmp_path / "signed.pdf", ["Preamble", "The Zhetysu corridor opens"])
    files = attach_by_drop(qtbot, page, [signed])
    assert [a["name"] for a in repo.attachments("agreements", rid)] == ["signed.pdf"]
    assert files.list.topLevelItem(0).text(0) == "signed.pdf"
    assert files.rows[0]["text_status"] == "done"
    assert files.caption.text() == "Files (1)"
    assert not drop(files, page.scroll.viewport(), [tmp_path])  # a folder is not taken
    assert main_window.undo_action.text() == "Undo Attach signed.pdf"
    main_window.undo_action.trigger()
    assert repo.attachments("agreements", rid) == []
    assert files.list.topLevelItemCount() == 0


def test_a_dirty_form_or_a_new_record_takes_no_file(main_window, repo, qtbot, tmp_path,
                                                    dialogs):
    page, rid = open_agreement(main_window, repo)
    (tmp_path / "note.txt").write_text("note")
    page.form.set_dirty(True)
    dialogs.answers = [None]
    page.files.attach_paths([str(tmp_path / "note.txt")])
    assert dialogs.texts() == ["Save or revert the changes in the form first."]
    page.form.set_dirty(False)
    assert repo.attachments("agreements", rid) == []


def test_open_hands_a_private_copy_to_the_viewer_and_never_a_program(
        main_window, repo, qtbot, tmp_path, monkeypatch, dialogs):
    page, rid = open_agreement(main_window, repo)
    signed = pdf(tmp_path / "signed.pdf", ["Text"])
    (tmp_path / "setup.exe").write_bytes(b"MZ\x90\x00" + b"\0" * 100)
    repo.attach("agreements", rid, signed)
    repo.attach("agreements", rid, tmp_path / "setup.exe")
    page.files.show_record()
    opened = []
    monkeypatch.setattr(panel_module, "open_in_viewer", lambda p: opened.append(p) or True)
    page.files.list.setCurrentItem(page.files.list.topLevelItem(0))
    page.files.open_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=10000)
    copy = opened[0]
    assert copy.read_bytes() == signed.read_bytes() and copy.name == "signed.pdf"
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert stat.S_IMODE(copy.parent.stat().st_mode) == 0o700
    page.files.list.setCurrentItem(page.files.list.topLevelItem(1))
    dialogs.answers = [None]
    page.files.open_button.click()
    assert len(opened) == 1 and "setup.exe" in dialogs.texts()[-1]


def test_save_as_writes_the_file_and_remove_is_undone(main_window, repo, qtbot, tmp_path,
                                                      monkeypatch):
    page, rid = open_agreement(main_window, repo)
    (tmp_path / "minutes.txt").write_text("Протокол заседания", encoding="utf-8")
    repo.attach("agreements", rid, tmp_path / "minutes.txt")
    page.refresh(rid)
    files = page.files
    assert files.list.topLevelItemCount() == 1
    target = tmp_path / "out" / "saved.txt"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    files.save_button.click()
    qtbot.waitUntil(target.exists, timeout=10000)
    assert target.read_text(encoding="utf-8") == "Протокол заседания"
    files.remove_button.click()
    assert repo.attachments("agreements", rid) == []
    assert "Ctrl+Z" in files.status.text() and files.list.topLevelItemCount() == 0
    main_window.undo_action.trigger()
    assert [a["name"] for a in repo.attachments("agreements", rid)] == ["minutes.txt"]
    assert files.list.topLevelItemCount() == 1


def test_find_says_which_file_and_page_holds_the_words(main_window, repo, qtbot, tmp_path):
    from tracker.extract import read_pending

    rid = repo.ids("agreements")[0]
    repo.attach("agreements", rid, pdf(tmp_path / "signed.pdf", ["One", "Two", "Zhetysu"]))
    read_pending(repo)
    main_window.find_action.trigger()
    dialog = main_window.search_dialog
    dialog.edit.setText("zhetysu")
    dialog.run_search()
    [item] = dialog.hit_items()
    assert item.text(2).startswith("in signed.pdf, page 3: ")
    assert "Zhetysu" in item.text(2)
