"""Ctrl+Z after a save undoes the save; undoing a new record, or reverting a new one, leaves the
form on a record, not on a blank new-record form with Save enabled (issue 18)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.ui.test_main_window import go, select_row_of, type_into

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


def test_ctrl_z_in_the_field_just_saved_undoes_the_save(main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    select_row_of(page, 2)
    old_title = repo.get("roadmap", 2)["title"]
    edit = page.form.editors["title"].edit
    type_into(qtbot, page.form.editors["title"], "Renamed item")
    qtbot.keyClick(edit, Qt.Key.Key_S, CTRL)
    assert repo.get("roadmap", 2)["title"] == "Renamed item"
    assert edit.hasFocus() or main_window.focusWidget() is edit
    qtbot.keyClick(edit, Qt.Key.Key_Z, CTRL)  # the cursor still in the field just saved
    assert repo.get("roadmap", 2)["title"] == old_title
    assert page.form.editors["title"].value() == old_title
    assert not page.form.is_dirty()


def test_ctrl_z_while_typing_still_undoes_the_typing(main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    select_row_of(page, 2)
    old_title = repo.get("roadmap", 2)["title"]
    edit = page.form.editors["title"].edit
    edit.setFocus()
    edit.end(False)
    qtbot.keyClicks(edit, "xyz")
    qtbot.keyClick(edit, Qt.Key.Key_Z, CTRL)
    assert edit.text() != old_title + "xyz"  # the text's own undo took it
    assert repo.get("roadmap", 2)["title"] == old_title  # nothing saved, nothing undone
    assert main_window.undo_action.text() == "Undo"


def test_undoing_a_new_record_shows_a_record_with_save_disabled(main_window, repo, qtbot):
    page = go(main_window, "agreements")
    select_row_of(page, 1)
    main_window.new_action.trigger()
    type_into(qtbot, page.form.editors["title"], "Protocol on customs data")
    main_window.save_action.trigger()
    new_id = page.form.record_id
    assert repo.get("agreements", new_id)["title"] == "Protocol on customs data"
    assert main_window.undo_action.text() == "Undo New agreement"
    main_window.undo_action.trigger()
    assert repo.get("agreements", new_id)["deleted_at"]
    assert page.form.record_id == 1  # the record shown before New, not a blank form
    assert not page.save_button.isEnabled()
    assert not main_window.save_action.isEnabled()


def test_revert_on_a_new_record_goes_back_to_the_record_shown_before(main_window, repo,
                                                                     qtbot):
    page = go(main_window, "agreements")
    select_row_of(page, 2)
    main_window.new_action.trigger()
    assert page.form.record_id is None
    type_into(qtbot, page.form.editors["title"], "Half-typed")
    main_window.revert_action.trigger()
    assert page.form.record_id == 2
    assert page.form.editors["title"].value() == repo.get("agreements", 2)["title"]
    assert not page.save_button.isEnabled()
    assert not main_window.save_action.isEnabled()
    assert not page.form.is_dirty()
