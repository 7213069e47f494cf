"""Link pickers on a big database: the record wanted is found by typing, never by scrolling."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tracker.seed.synthetic import generate
from ui.forms.links import LinkEditor, LinksEditor

pytestmark = pytest.mark.gui

HOSTILE = ('"x', "x AND", "OPS-306", "title : x", "*", "(", "'; DROP TABLE agreements; --",
           "Ёлка", "\u0000", " ")


@pytest.fixture
def big_repo(repo):
    """More agreements and people than a picker lists at once, plus one of each to find."""
    generate(repo, per_kind=1, sizes={"agreements": 400, "people": 400})
    hidden = repo.create("agreements", {"title": "Zzyzx memorandum on lift production"})
    person = repo.create("people", {"title": "Zoltan Quixwright"})
    repo.hidden_agreement = hidden.record_id
    repo.hidden_person = person.record_id
    return repo


def road_form(window):
    page = window.pages["roadmap"]
    assert window.go_to("roadmap")
    page.select_record(1)
    return page


def meeting_participants(window):
    """The first meeting on the Meetings page: (page, its participants editor)."""
    assert window.go_to("meetings")
    page = window.pages["meetings"]
    page.select_record(1)
    return page, page.form.editors["participants"]


def type_into_agreement(qtbot, window, text: str):
    """Type ``text`` over the first road-map item's agreement field; (page, editor, line edit)."""
    page = road_form(window)
    editor = page.form.editors["agreement_id"]
    edit = editor.combo.lineEdit()
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    return page, editor, edit


def test_link_combo_finds_a_record_beyond_the_listed_titles(make_window, big_repo, qtbot):
    window = make_window(big_repo)
    page = road_form(window)
    editor = page.form.editors["agreement_id"]
    assert isinstance(editor, LinkEditor)
    rid = big_repo.hidden_agreement
    assert editor.combo.findData(rid) == -1  # not among the titles listed in the drop-down
    assert editor.combo.isEditable()

    edit = editor.combo.lineEdit()
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "zzyzx")
    # the search runs shortly after typing stops, and offers the repository's matches
    qtbot.waitUntil(lambda: editor.matches.rowCount() == 1, timeout=2000)
    assert editor.matches.item(0).data(Qt.ItemDataRole.UserRole) == rid
    assert f"#{rid}" in editor.matches.item(0).text()  # same titles stay distinguishable
    popup = editor.completer.popup()
    qtbot.waitUntil(popup.isVisible, timeout=2000)
    qtbot.keyClick(popup, Qt.Key.Key_Down)
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert editor.value() == rid
    assert edit.text() == "Zzyzx memorandum on lift production"
    assert page.form.is_dirty()
    window.save_action.trigger()
    assert big_repo.get("roadmap", 1)["agreement_id"] == rid


def test_link_combo_text_that_names_no_record_changes_nothing(make_window, big_repo, qtbot):
    window = make_window(big_repo)
    page = road_form(window)
    editor = page.form.editors["agreement_id"]
    before = editor.value()
    assert before is not None
    title = editor.combo.currentText()
    edit = editor.combo.lineEdit()
    for text in HOSTILE:
        if not text.strip():
            continue  # blank means "no link" (below)
        edit.setText(text)
        editor.search_now()  # any text is safe to search
        edit.editingFinished.emit()  # leaving the field: nothing guessed
        assert editor.value() == before, text
        assert edit.text() == title
    assert not page.form.is_dirty()

    # a title typed in full (any case) links that record; empty text removes the link
    edit.setText("zzyzx MEMORANDUM on lift production")
    edit.editingFinished.emit()
    assert editor.value() == big_repo.hidden_agreement
    edit.clear()
    edit.editingFinished.emit()
    assert editor.value() is None
    window.save_action.trigger()
    assert big_repo.get("roadmap", 1)["agreement_id"] is None


def test_a_title_typed_in_full_can_be_saved_at_once(make_window, big_repo, qtbot):
    """Typing the exact title of another record enables Save, and Ctrl+S links it, without
    leaving the field first; typing text that names nothing saves nothing."""
    window = make_window(big_repo)
    page, editor, edit = type_into_agreement(qtbot, window, "Zzyzx memorandum on lift production")
    assert page.form.is_dirty() and window.save_action.isEnabled()
    qtbot.keyClick(edit, Qt.Key.Key_Escape)  # close the matches popup if it opened
    before = big_repo.get("roadmap", 1)["version"]
    qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = big_repo.get("roadmap", 1)
    assert saved["agreement_id"] == big_repo.hidden_agreement
    assert saved["version"] == before + 1

    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "no record has this title")
    assert window.save_action.isEnabled()
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    window.save_action.trigger()
    assert big_repo.get("roadmap", 1)["version"] == before + 1  # nothing written
    assert editor.value() == big_repo.hidden_agreement
    assert edit.text() == "Zzyzx memorandum on lift production"
    assert not page.form.is_dirty()


def test_leaving_a_link_field_whose_text_names_nothing_leaves_the_form_clean(
        make_window, big_repo, qtbot, dialogs):
    window = make_window(big_repo)
    page, _editor, edit = type_into_agreement(qtbot, window, "no record has this title")
    assert page.form.is_dirty()
    qtbot.keyClick(edit, Qt.Key.Key_Escape)  # close the matches popup if it opened
    page.form.editors["title"].setFocus()  # leave the field: the old title comes back
    qtbot.waitUntil(lambda: not edit.hasFocus())
    assert not page.form.is_dirty() and not window.save_action.isEnabled()
    page.select_record(2)  # another record: nothing to ask about
    assert page.form.record_id == 2 and dialogs.calls == []


def test_links_list_filter_finds_checks_and_keeps_linked_records(make_window, big_repo, qtbot):
    window = make_window(big_repo)
    page, editor = meeting_participants(window)
    assert isinstance(editor, LinksEditor)
    linked = big_repo.get("meetings", 1)["participants"]
    assert linked
    shown = [it.data(Qt.ItemDataRole.UserRole) for it in editor.items()]
    assert len(shown) <= editor.LIST_LIMIT + len(linked)
    assert big_repo.hidden_person not in shown
    assert set(shown[:len(linked)]) == set(linked)  # the linked people come first
    assert editor.shown_label.text()  # "200 of 4xx": the list is not everything

    editor.filter_edit.setFocus()
    qtbot.keyClicks(editor.filter_edit, "Quixwright")
    qtbot.waitUntil(lambda: big_repo.hidden_person in
                    [it.data(Qt.ItemDataRole.UserRole) for it in editor.items()], timeout=2000)
    items = {it.data(Qt.ItemDataRole.UserRole): it for it in editor.items()}
    # the linked people stay listed and checked although the filter does not match them
    assert set(linked) <= set(items)
    assert all(items[r].checkState() == Qt.CheckState.Checked for r in linked)
    items[big_repo.hidden_person].setCheckState(Qt.CheckState.Checked)
    assert page.form.is_dirty()
    assert editor.value() == sorted({*linked, big_repo.hidden_person})

    editor.filter_edit.clear()
    editor.reload_choices()
    items = {it.data(Qt.ItemDataRole.UserRole): it for it in editor.items()}
    assert items[big_repo.hidden_person].checkState() == Qt.CheckState.Checked

    window.save_action.trigger()
    assert set(big_repo.get("meetings", 1)["participants"]) == {*linked, big_repo.hidden_person}


def test_links_filter_accepts_any_text(make_window, big_repo, qtbot):
    window = make_window(big_repo)
    page, editor = meeting_participants(window)
    linked = editor.value()
    for text in HOSTILE:
        editor.filter_edit.setText(text)
        editor.reload_choices()
        assert editor.value() == linked, text
        checked = [it.data(Qt.ItemDataRole.UserRole) for it in editor.items()
                   if it.checkState() == Qt.CheckState.Checked]
        assert sorted(checked) == linked
    assert not page.form.is_dirty()


def test_another_record_clears_the_links_filter(make_window, big_repo, qtbot):
    window = make_window(big_repo)
    page, editor = meeting_participants(window)
    editor.filter_edit.setText("Quixwright")
    editor.reload_choices()
    page.select_record(2)
    assert editor.filter_edit.text() == ""
    assert editor.value() == sorted(big_repo.get("meetings", 2)["participants"])
    assert len(editor.items()) > 2


def test_clearing_the_link_field_unlinks_at_once(make_window, big_repo, qtbot):
    window = make_window(big_repo)
    page = road_form(window)
    editor = page.form.editors["agreement_id"]
    assert editor.value() is not None
    edit = editor.combo.lineEdit()
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)  # still in the field, Save saves "no link"
    assert editor.value() is None
    assert page.form.is_dirty()
    window.save_action.trigger()
    assert big_repo.get("roadmap", 1)["agreement_id"] is None


def test_read_only_pickers_can_be_filtered_but_not_changed(make_window, repo, db_path):
    from tracker.store.repository import Repository

    repo.close()
    ro = Repository(db_path, read_only=True)
    try:
        window = make_window(ro)
        page, editor = meeting_participants(window)
        linked = editor.value()
        editor.filter_edit.setText("Nazarbayev")
        editor.reload_choices()  # reading is allowed
        for item in editor.items():
            assert not item.flags() & Qt.ItemFlag.ItemIsUserCheckable
        assert editor.value() == linked
        assert window.go_to("roadmap")
        link = window.pages["roadmap"].form.editors["agreement_id"]
        assert not link.combo.isEnabled()
    finally:
        ro.close()


def test_a_search_pending_when_the_window_closes_never_reaches_the_closed_database(
        make_window, big_repo, qtbot, dialogs):
    """Typing starts a delayed search; closing the window (and then its database, as quitting
    or opening another file does) stops it: the search never runs on a closed database."""
    window = make_window(big_repo)
    _page, editor, _edit = type_into_agreement(qtbot, window, "zzyz")
    assert editor.search_timer.isActive()  # the search is pending
    dialogs.answers = [QMessageBox.StandardButton.Discard]  # the typing is not kept
    assert window.close()
    big_repo.close()
    qtbot.wait(editor.search_timer.interval() + 150)  # an exception in a slot fails the test
    assert not editor.search_timer.isActive()
