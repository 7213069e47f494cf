"""The main window, driven the way an official drives it: keyboard, form widgets, actions."""

from __future__ import annotations

import datetime as _dt

import pytest
from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

import tracker
from tracker.model import KIND_ORDER
from tracker.model.figures import DEADLINES_KIND
from tracker.store.repository import Repository
from ui.main_window import PAGES, MainWindow
from ui.pages.record_page import RecordPage

pytestmark = pytest.mark.gui

Yes = QMessageBox.StandardButton.Yes
No = QMessageBox.StandardButton.No
Save = QMessageBox.StandardButton.Save
Discard = QMessageBox.StandardButton.Discard
Cancel = QMessageBox.StandardButton.Cancel

HOSTILE = '"Quoted" <b>tags</b> & =cmd() Кириллица Ёлка '


def go(window, name) -> RecordPage:
    assert window.go_to(name)
    return window.pages[name]


def type_text(qtbot, widget, text: str) -> None:
    """Key presses for ``text``; QTest types only ASCII, so other characters (Cyrillic, emoji)
    arrive as key events carrying their text, as from a Russian keyboard or an input method."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier,
                                                     ch))


def type_into(qtbot, editor, text: str, *, replace: bool = True) -> None:
    """Type into a line edit like a user: select what is there, then type over it."""
    widget = editor.edit
    widget.setFocus()
    if replace:
        widget.selectAll()
        if widget.selectedText():
            qtbot.keyClick(widget, Qt.Key.Key_Backspace)
    type_text(qtbot, widget, text)


def select_row_of(page: RecordPage, record_id: int) -> None:
    row = page.model.row_of_id(record_id)
    assert row is not None
    page.table.setFocus()
    page.table.selectRow(row)
    assert page.form.record_id == record_id


def records(n: int) -> str:
    return "1 record" if n == 1 else f"{n} records"


def audit_count(repo) -> int:
    return repo.history_count()


# --- pages ----------------------------------------------------------------------------------------

def test_every_page_opens(main_window, repo):
    for name in PAGES:
        assert main_window.go_to(name)
        assert main_window.stack.currentWidget() is main_window.pages[name]
        assert main_window.nav.currentRow() == PAGES.index(name)
        page = main_window.pages[name]
        assert page.isVisible()
        if isinstance(page, RecordPage):
            assert page.model.rowCount() == repo.count(name)
            assert main_window.count_label.text() == records(repo.count(name))
            # a page opens on its first record
            assert page.form.record_id == page.model.id_at(0)


def test_pages_by_keyboard(main_window, qtbot):
    qtbot.keyClick(main_window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_name() == "roadmap"
    qtbot.keyClick(main_window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert main_window.current_name() == "dashboard"
    main_window.nav.setFocus()
    qtbot.keyClick(main_window.nav, Qt.Key.Key_Down)
    assert main_window.current_name() == "agreements"


@pytest.mark.parametrize("last", ["roadmap", "trash", "history", "dashboard"])
def test_the_last_sessions_page_is_built_after_the_first_frame(make_window, repo, qtbot, last):
    from PySide6.QtCore import QSettings

    from ui.main_window import MainWindow

    QSettings().setValue("window/page", last)
    window = MainWindow(repo, poll_ms=0)  # not shown yet: no frame painted
    try:
        assert window.current_name() == last and window.nav.currentRow() == PAGES.index(last)
        assert last not in window.pages and window.stack.count() == 0
        window.resize(1280, 800)
        window.show()
        qtbot.waitUntil(lambda: window.painted)
        assert window.stack.currentWidget() is window.pages[last]
        expected = {"roadmap": records(repo.count("roadmap")), "trash": "0 in the trash"}.get(
            last, records(sum(repo.count(k) for k in KIND_ORDER)))
        assert window.count_label.text() == expected
        if last == "roadmap":
            assert window.save_action.isEnabled() is False and window.delete_action.isEnabled()
    finally:
        window.close()
        window.deleteLater()


def test_a_record_opened_before_the_first_frame_is_shown_after_it(make_window, repo, qtbot):
    from ui.main_window import MainWindow

    window = MainWindow(repo, poll_ms=0)
    try:
        assert window.open_record("roadmap", 2)  # e.g. asked for at start-up: no crash
        window.show()
        qtbot.waitUntil(lambda: window.painted)
        assert window.current_name() == "roadmap"
        assert window.pages["roadmap"].form.record_id == 2
    finally:
        window.close()
        window.deleteLater()


def test_a_failing_step_after_the_first_frame_does_not_stop_the_others(make_window, repo,
                                                                        qtbot, caplog):
    from ui.main_window import MainWindow

    window = MainWindow(repo, poll_ms=0)
    ran = []
    window.after_first_paint(lambda: 1 / 0)
    window.after_first_paint(lambda: ran.append("next"))
    try:
        window.show()
        qtbot.waitUntil(lambda: window.painted)
        assert ran == ["next"]
        assert window.stack.currentWidget() is window.pages["dashboard"]
        assert "ZeroDivisionError" in caplog.text
    finally:
        window.close()
        window.deleteLater()

def test_status_bar_shows_path_count_and_state(main_window, repo):
    assert main_window.current_name() == "dashboard"
    assert main_window.count_label.text() == records(sum(repo.count(k) for k in KIND_ORDER))
    assert main_window.path_label.text() == str(repo.path)
    assert main_window.path_label.textFormat() == Qt.TextFormat.PlainText
    assert main_window.ro_label.text() == "Editable"
    assert not main_window.banner.isVisible()
    main_window.go_to("people")
    assert main_window.count_label.text() == records(repo.count("people"))


def test_main_controls_have_accessible_names(main_window):
    page = go(main_window, "roadmap")
    for widget in (main_window.nav, page.table, page.filter_edit, page.status_combo,
                   page.save_button):
        assert widget.accessibleName()
    for name, editor in page.form.editors.items():
        assert editor.focusProxy().accessibleName(), name


# --- create, edit, delete, restore, undo, redo ----------------------------------------------------

def test_create_through_the_form(main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    before = repo.count("roadmap")
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert page.form.record_id is None
    assert page.form.editors["title"].edit.hasFocus()
    qtbot.keyClicks(page.form.editors["title"].edit, "Joint exhibition in Minsk")
    type_into(qtbot, page.form.editors["due_date"], "2031-05-20")
    page.form.editors["area"].combo.setCurrentIndex(
        page.form.editors["area"].combo.findData("exhibitions"))
    page.form.editors["progress"].spin.setValue(15)
    assert page.form.is_dirty()
    assert main_window.isWindowModified()
    qtbot.keyClick(page.form.editors["title"].edit, Qt.Key.Key_S,
                   Qt.KeyboardModifier.ControlModifier)
    assert repo.count("roadmap") == before + 1
    rid = page.form.record_id
    stored = repo.get("roadmap", rid)
    assert (stored["title"], stored["due_date"], stored["area"], stored["progress"]) == \
        ("Joint exhibition in Minsk", "2031-05-20", "exhibitions", 15)
    assert not page.form.is_dirty()
    assert page.table.selectionModel().currentIndex().row() == page.model.row_of_id(rid)
    assert main_window.undo_action.text() == "Undo New road-map item"
    assert main_window.count_label.text() == records(before + 1)


def test_edit_undo_and_redo_through_the_gui(main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    select_row_of(page, 2)
    old_title = repo.get("roadmap", 2)["title"]
    type_into(qtbot, page.form.editors["title"], "Renamed item")
    main_window.save_action.trigger()
    assert repo.get("roadmap", 2)["title"] == "Renamed item"
    assert main_window.undo_action.text() == "Undo Edit road-map item"
    assert main_window.undo_action.isEnabled()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert repo.get("roadmap", 2)["title"] == old_title
    assert page.form.editors["title"].value() == old_title
    assert main_window.redo_action.text() == "Redo Edit road-map item"
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert repo.get("roadmap", 2)["title"] == "Renamed item"
    assert page.form.editors["title"].value() == "Renamed item"
    actions = [e["action"] for e in repo.history("roadmap", 2, limit=3)]
    assert actions == ["redo", "undo", "update"]


def test_delete_restore_and_undo(main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    select_row_of(page, 3)
    title = repo.get("roadmap", 3)["title"]
    count = repo.count("roadmap")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert repo.get("roadmap", 3)["deleted_at"]
    assert page.model.rowCount() == count - 1
    assert main_window.undo_action.text() == "Undo Delete road-map item"

    trash = main_window.pages["trash"]
    main_window.go_to("trash")
    assert trash.row_count() == 1
    assert trash.model.data(trash.model.index(0, 1)) == title
    trash.select_row(0)
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    assert repo.get("roadmap", 3)["deleted_at"] is None
    assert trash.row_count() == 0
    assert main_window.undo_action.text() == "Undo Restore road-map item"

    main_window.undo_action.trigger()  # back to the trash
    assert repo.get("roadmap", 3)["deleted_at"]
    main_window.go_to("trash")
    assert trash.row_count() == 1
    main_window.undo_action.trigger()  # undo the delete: the record is back and shown
    assert repo.get("roadmap", 3)["deleted_at"] is None
    assert main_window.current_name() == "roadmap"
    assert page.form.record_id == 3
    assert page.model.rowCount() == count


def test_links_and_participants_are_edited_in_the_generic_form(main_window, repo, qtbot):
    page = go(main_window, "meetings")
    select_row_of(page, 1)
    participants = page.form.editors["participants"]
    people = {it.data(Qt.ItemDataRole.UserRole): it for it in participants.items()}
    assert set(people) == {p["id"] for p in repo.list("people", columns=["id"])}
    target = next(pid for pid in people if pid not in repo.get("meetings", 1)["participants"])
    people[target].setCheckState(Qt.CheckState.Checked)
    assert page.form.is_dirty()
    main_window.save_action.trigger()
    assert target in repo.get("meetings", 1)["participants"]

    road = go(main_window, "roadmap")
    select_row_of(road, 1)
    agreement = road.form.editors["agreement_id"].combo
    agreement.setCurrentIndex(agreement.findData(None))
    main_window.save_action.trigger()
    assert repo.get("roadmap", 1)["agreement_id"] is None


# --- validation, conflicts, unsaved changes -------------------------------------------------------

def test_validation_problems_appear_beside_their_fields_and_nothing_is_saved(
        main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    select_row_of(page, 1)
    before = repo.get("roadmap", 1)
    audits = audit_count(repo)
    type_into(qtbot, page.form.editors["title"], "")
    type_into(qtbot, page.form.editors["planned_start"], "2030-06-01")
    type_into(qtbot, page.form.editors["due_date"], "2030-01-01")
    type_into(qtbot, page.form.editors["completed_on"], "31/12/2030")
    main_window.save_action.trigger()
    shown = page.form.problems_shown()
    assert shown["title"] == "Title is required"
    assert shown["due_date"] == "Due date is before Planned start"
    assert "is not a date" in shown["completed_on"]
    for name in shown:
        assert page.form.error_labels[name].isVisible()
        # the message sits directly under its field's editor
        assert page.form.error_labels[name].parent() is page.form.editors[name].parent()
    assert repo.get("roadmap", 1) == before
    assert audit_count(repo) == audits
    assert page.form.is_dirty()  # the user's edit is kept

    type_into(qtbot, page.form.editors["title"], "Fixed title")
    type_into(qtbot, page.form.editors["completed_on"], "")
    type_into(qtbot, page.form.editors["due_date"], "2030-12-31")
    main_window.save_action.trigger()
    assert page.form.problems_shown() == {}
    assert not page.form.error_labels["title"].isVisible()
    stored = repo.get("roadmap", 1)
    assert (stored["title"], stored["due_date"]) == ("Fixed title", "2030-12-31")


def test_conflict_dialog_when_someone_else_saved_first(main_window, repo, db_path, qtbot,
                                                       dialogs):
    page = go(main_window, "agreements")
    select_row_of(page, 1)
    other = Repository(db_path, user="colleague")
    try:
        other.update("agreements", 1, {"reference": "THEIRS-1"},
                     expected_version=other.get("agreements", 1)["version"])
        type_into(qtbot, page.form.editors["reference"], "MINE-2")
        dialogs.answers = [No]
        main_window.save_action.trigger()
        kind, title, text = dialogs.calls[-1]
        assert kind == "question" and "colleague" in text and "reload" in text.lower()
        assert repo.get("agreements", 1)["reference"] == "THEIRS-1"  # nothing overwritten
        assert page.form.editors["reference"].value() == "MINE-2"  # the edit is kept
        dialogs.answers = [Yes]  # now reload
        main_window.save_action.trigger()
        assert page.form.editors["reference"].value() == "THEIRS-1"
        assert not page.form.is_dirty()
        assert repo.get("agreements", 1)["reference"] == "THEIRS-1"
    finally:
        other.close()


def test_unsaved_changes_ask_save_discard_or_cancel(main_window, repo, qtbot, dialogs):
    page = go(main_window, "people")
    select_row_of(page, 1)
    type_into(qtbot, page.form.editors["position"], "Ambassador")

    dialogs.answers = [Cancel]  # another row: stay
    page.table.selectRow(page.model.row_of_id(2))
    assert page.form.record_id == 1 and page.form.is_dirty()
    assert page.table.selectionModel().currentIndex().row() == page.model.row_of_id(1)
    assert "unsaved changes" in dialogs.texts()[-1]

    dialogs.answers = [Cancel]  # another page: stay
    assert not main_window.go_to("farms")
    assert main_window.current_name() == "people"
    assert main_window.nav.currentRow() == PAGES.index("people")

    dialogs.answers = [Cancel]  # closing the window: stay open
    main_window.close()
    assert main_window.isVisible()

    dialogs.answers = [Discard]
    page.table.selectRow(page.model.row_of_id(2))
    assert page.form.record_id == 2
    assert repo.get("people", 1)["position"] != "Ambassador"

    type_into(qtbot, page.form.editors["position"], "Consul")
    dialogs.answers = [Save]
    assert main_window.go_to("farms")
    assert repo.get("people", 2)["position"] == "Consul"
    assert len(dialogs.calls) == 5

# --- hostile text ---------------------------------------------------------------------------------

def test_hostile_text_is_stored_and_shown_literally(main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    main_window.new_action.trigger()
    type_text(qtbot, page.form.editors["title"].edit, HOSTILE + "🎉")
    page.form.editors["notes"].edit.setFocus()
    type_text(qtbot, page.form.editors["notes"].edit, "<script>alert(1)</script> @SUM(A1) +1")
    main_window.save_action.trigger()
    rid = page.form.record_id
    assert rid is not None
    stored = repo.get("roadmap", rid)
    assert stored["title"] == " ".join((HOSTILE + "🎉").split())
    assert stored["notes"] == "<script>alert(1)</script> @SUM(A1) +1"
    assert page.form.heading.text() == stored["title"]
    assert page.form.heading.textFormat() == Qt.TextFormat.PlainText
    row = page.model.row_of_id(rid)
    assert page.model.data(page.model.index(row, 0)) == stored["title"]
    # the filter box and the global search find it by its odd words
    page.filter_edit.setText("<b>tags</b> Ёлка")
    page.apply_filter()
    assert page.model.rowCount() == 1
    assert [h.record_id for h in repo.search("кириллица")] == [rid]


# --- dashboard ------------------------------------------------------------------------------------

def test_dashboard_figures_equal_the_core_queries(make_window, repo, qtbot):
    today = _dt.date.today()
    repo.create("roadmap", {"title": "Overdue thing", "status": "in_progress",
                            "due_date": (today - _dt.timedelta(days=10)).isoformat()})
    repo.create("roadmap", {"title": "Soon thing", "status": "planned",
                            "due_date": (today + _dt.timedelta(days=10)).isoformat()})
    repo.create("roadmap", {"title": "Finished", "status": "done"})
    repo.create("meetings", {"title": "Next session", "status": "planned",
                             "start_date": (today + _dt.timedelta(days=30)).isoformat()})
    window = make_window(repo)
    dash = window.pages["dashboard"]
    qtbot.waitUntil(lambda: dash.loaded, timeout=2000)  # filled right after the first paint
    figures = repo.figures()
    for key in ("agreements_in_force", "plants_operating_sites", "farms_total", "roadmap_done",
                "roadmap_in_progress", "roadmap_planned"):
        assert dash.figure_text(key) == str(figures[key]), key
    assert figures["roadmap_overdue"] == 1
    assert [b[2] for b in dash.chart.bars] == [
        figures["roadmap_by_status"].get(s, 0) for s in ("planned", "in_progress", "done",
                                                           "cancelled")]
    assert dash.chart.overdue == {"in_progress": 1}
    assert dash.overdue.topLevelItem(0).text(1) == "Overdue thing"
    assert dash.overdue.topLevelItem(0).foreground(1).color().name() == "#c62828"
    assert dash.deadlines.topLevelItem(0).text(1) == "Soon thing"
    assert dash.meetings.topLevelItem(0).text(1) == "Next session"
    assert dash.recent.topLevelItemCount() == 10
    assert dash.recent.topLevelItem(0).text(2) == "New meeting"
    # a figure follows a change made in the window
    dash.overdue.setCurrentItem(dash.overdue.topLevelItem(0))
    dash.overdue.itemActivated.emit(dash.overdue.topLevelItem(0), 0)
    page = window.pages["roadmap"]
    assert window.current_name() == "roadmap"
    page.form.editors["status"].combo.setCurrentIndex(
        page.form.editors["status"].combo.findData("done"))
    window.save_action.trigger()
    window.go_to("dashboard")
    assert dash.chart.overdue == {} and repo.figures()["roadmap_overdue"] == 0
    assert dash.figure_widgets["roadmap_in_progress"].late.isHidden()
    assert dash.figure_text("roadmap_done") == str(repo.figures()["roadmap_done"])


# --- provenance -----------------------------------------------------------------------------------

def test_provenance_shows_quotes_and_opens_the_source(main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    select_row_of(page, 1)
    citations = repo.get("roadmap", 1)["citations"]
    assert page.provenance.list.count() == len(citations) > 0
    item = page.provenance.list.item(0)
    assert citations[0]["source"] in item.text()
    page.provenance.list.itemActivated.emit(item)
    viewer = page.viewer
    assert viewer.isVisible()
    assert viewer.span is not None
    assert " ".join(viewer.highlighted_text().split()).casefold() == \
        " ".join(citations[0]["quote"].split()).casefold()
    assert len(viewer.text.extraSelections()) == 1
    viewer.reject()


# --- other windows and processes ------------------------------------------------------------------

def test_outside_writes_are_noticed(main_window, repo, db_path):
    page = go(main_window, "people")
    count = page.model.rowCount()
    other = Repository(db_path, user="colleague")
    try:
        other.create("people", {"title": "New Colleague"})
    finally:
        other.close()
    main_window.poll()
    assert page.model.rowCount() == count + 1


def test_read_only_database_shows_a_banner_and_disables_editing(make_window, repo, db_path):
    repo.close()
    ro = Repository(db_path, read_only=True)
    try:
        window = make_window(ro)
        assert window.banner.isVisible() and "read-only" in window.banner.text()
        assert window.ro_label.text() == "Read-only"
        page = go(window, "roadmap")
        assert not window.save_action.isEnabled()
        assert not window.new_action.isEnabled()
        assert not window.delete_action.isEnabled()
        assert page.form.editors["title"].edit.isReadOnly()
        assert not page.form.editors["area"].combo.isEnabled()
    finally:
        ro.close()


def test_window_state_and_last_page_are_remembered(make_window, repo, qtbot):
    window = make_window(repo, size=(1100, 700))
    window.go_to("meetings")
    page = window.pages["meetings"]
    place = page.model.column_of("place")
    page.table.horizontalHeader().resizeSection(place, 233)
    window.close()
    assert QSettings().value("window/page") == "meetings"
    again = make_window(repo, size=None)  # as restored from the settings
    assert again.current_name() == "meetings"
    assert again.pages["meetings"].table.horizontalHeader().sectionSize(place) == 233
    assert QSettings().value("window/geometry") is not None
    # (the offscreen test screen is 800x600, so restoreGeometry clamps the width)
    assert again.size().height() == 700


def test_about_names_version_database_and_licences(main_window, repo, dialogs):
    main_window.about_action.trigger()
    kind, _title, text = dialogs.calls[-1]
    assert kind == "about"
    assert tracker.__version__ in text
    assert str(repo.path) in text
    from ui.commands import bundled_licences

    for path in bundled_licences():  # e.g. fonts/DejaVu-LICENSE.txt
        assert path.name in text


def test_recent_databases_and_open(main_window, repo, tmp_path):
    other_path = tmp_path / "second.db"
    assert main_window.open_database(str(other_path), seed=True)
    assert main_window.repo.path == other_path
    assert main_window.path_label.text() == str(other_path)
    from ui.menus import recent_files

    assert recent_files()[:2] == [str(other_path), str(repo.path)]
    assert main_window.pages["dashboard"].isVisible()  # the new pages are shown
    page = go(main_window, "agreements")
    assert page.isVisible()
    assert page.model.rowCount() == main_window.repo.count("agreements")


def test_layout_holds_at_1024x768(make_window, repo):
    window = make_window(repo, size=(1024, 768))
    assert window.minimumSizeHint().width() <= 1024
    assert window.minimumSizeHint().height() <= 768
    for name in PAGES:
        window.go_to(name)
        QApplication.processEvents()
        assert window.size().width() == 1024 and window.size().height() == 768
        page = window.pages[name]
        if isinstance(page, RecordPage):
            assert page.table.width() > 300
            assert page.scroll.width() > 300
            for label in page.form.findChildren(QLabel):
                if label.isVisible() and label.text() and label in page.form.field_labels.values():
                    # labels are never cut off
                    assert label.width() >= label.sizeHint().width(), label.text()


def test_pages_are_built_when_first_needed(main_window):
    assert isinstance(main_window, MainWindow)
    assert "sources" not in main_window.pages  # nothing built before it is shown
    for kind in KIND_ORDER:
        assert isinstance(main_window.pages[kind], RecordPage)
    assert main_window.pages["sources"] is main_window.pages["sources"]


def test_overdue_items_are_marked_in_the_form_and_in_search(main_window, repo, qtbot):
    late = (_dt.date.today() - _dt.timedelta(days=5)).isoformat()
    rid = repo.create("roadmap", {"title": "Quarterly fisheries report", "due_date": late,
                                  "status": "planned"}).record_id
    main_window.open_record("roadmap", rid)
    form = main_window.pages["roadmap"].form
    assert form.overdue_label.isVisible()
    main_window.open_record("roadmap", 1)
    assert not form.overdue_label.isVisible()
    main_window.find_action.trigger()
    dialog = main_window.search_dialog
    dialog.edit.setText("fisheries")
    dialog.run_search()
    item = dialog.results.topLevelItem(0).child(0)
    assert item.text(0) == "Quarterly fisheries report"
    assert "overdue" in item.text(1)
    assert item.foreground(0).color().name() == "#c62828"
    dialog.reject()


def test_delete_key_in_a_text_field_edits_the_text_not_the_record(main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    select_row_of(page, 1)
    edit = page.form.editors["title"].edit
    edit.setFocus()
    edit.setCursorPosition(0)
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    assert repo.get("roadmap", 1)["deleted_at"] is None
    assert edit.text() == repo.get("roadmap", 1)["title"][1:]
    page.filter_edit.setFocus()
    qtbot.keyClick(page.filter_edit, Qt.Key.Key_Delete)
    assert repo.get("roadmap", 1)["deleted_at"] is None


def test_a_linked_record_opens_from_the_form(main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    select_row_of(page, 1)
    link = page.form.editors["agreement_id"]
    target = repo.get("roadmap", 1)["agreement_id"]
    assert target is not None and link.open_button.isEnabled()
    qtbot.mouseClick(link.open_button, Qt.MouseButton.LeftButton)
    assert main_window.current_name() == "agreements"
    assert main_window.pages["agreements"].form.record_id == target


def test_overdue_is_shown_as_part_of_its_status_not_beside_it(make_window, repo, qtbot):
    """Issue 18: 5 planned items of which 1 overdue showed "Planned 5" and "Overdue 1" side by
    side (tiles and chart), as if they were 6."""
    repo.create("roadmap", {"title": "Late", "due_date": "2020-01-01"})  # planned, overdue
    figures = repo.figures()
    dash = make_window(repo).pages["dashboard"]
    qtbot.waitUntil(lambda: dash.loaded, timeout=2000)
    assert "roadmap_overdue" not in dash.figure_widgets  # no tile beside the statuses
    planned = dash.figure_widgets["roadmap_planned"]
    assert planned.number.text() == str(figures["roadmap_planned"]) == "6"
    assert planned.late.isVisibleTo(dash) and planned.late.text() == "1 of them overdue"
    assert dash.figure_widgets["roadmap_done"].late.isHidden()
    assert [key for key, _label, _n in dash.chart.bars] == [v for v, _l in
                                                          DEADLINES_KIND.statuses]
    assert sum(n for _k, _l, n in dash.chart.bars) == figures["roadmap_total"]
    assert dash.chart.overdue == {"planned": 1}
    assert "Planned: 6 (1 of them overdue)" in dash.chart.toolTip().splitlines()


def test_dashboard_lists_stay_short_on_a_big_database(make_window, repo, qtbot):
    from bulk_rows import add_roadmap_rows

    from ui.pages.dashboard import MAX_ROWS

    add_roadmap_rows(repo, 600)
    window = make_window(repo)
    dash = window.pages["dashboard"]
    n = repo.figures()["roadmap_overdue"]
    assert n > MAX_ROWS
    assert sum(dash.chart.overdue.values()) == n
    assert dash.overdue.topLevelItemCount() == MAX_ROWS + 1
    assert str(n - MAX_ROWS) in dash.overdue.topLevelItem(MAX_ROWS).text(0)  # spans the list


def test_sorting_and_filtering_keep_the_record_in_the_form(main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    select_row_of(page, 3)
    header = page.table.horizontalHeader()
    header.setSortIndicator(page.model.column_of("title"), Qt.SortOrder.DescendingOrder)
    titles = [page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())]
    assert titles == sorted(titles, reverse=True)
    assert page.form.record_id == 3
    current = page.table.selectionModel().currentIndex()
    assert page.model.id_at(current.row()) == 3  # still selected, at its new row
    page.filter_edit.setText("ALZhIR")
    page.apply_filter()
    assert page.model.rowCount() == repo.count("roadmap", search="ALZhIR")
    assert page.form.record_id == 3 and not page.form.is_dirty()


def test_restoring_a_backup_reopens_the_database(main_window, repo, db_path, monkeypatch,
                                                 dialogs):
    from tracker.store.sqlite import backup
    from ui.dialogs import backups as dialog_module

    backup.create_backup(repo)
    page = go(main_window, "roadmap")
    select_row_of(page, 1)
    old_title = repo.get("roadmap", 1)["title"]
    repo.update("roadmap", 1, {"title": "Changed after the backup"}, expected_version=1)
    main_window.poll()

    def fake_exec(dialog):  # what the user does in the dialog: pick the backup, Restore, Yes
        dialog.table.selectRow(0)
        dialog.restore_selected()
        return dialog.result()

    monkeypatch.setattr(dialog_module.BackupsDialog, "exec", fake_exec)
    dialogs.answers = [Yes]
    main_window.backups_action.trigger()
    assert main_window.repo is not repo  # the window opened the restored file again
    assert main_window.repo.path == db_path
    assert main_window.repo.get("roadmap", 1)["title"] == old_title
    assert main_window.current_name() == "roadmap"
    assert main_window.pages["roadmap"].form.editors["title"].value() == old_title
    assert list(db_path.parent.glob(f"{db_path.name}.before-restore-*"))


def test_keyboard_only_edit(main_window, repo, qtbot):
    """Go to a page, pick a row, edit, save: keys only."""
    keys = next(a for a in main_window.go_actions if a.objectName() == "go_people").shortcut()
    assert keys.toString() == "Ctrl+8"  # the Go menu's shortcut for People (Indicators at 6)
    qtbot.keyClick(main_window, Qt.Key.Key_8, Qt.KeyboardModifier.ControlModifier)  # People
    page = main_window.pages["people"]
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    rid = page.form.record_id
    assert rid == page.model.id_at(1)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    title = page.form.editors["title"].edit
    assert title.hasFocus()
    qtbot.keyClick(title, Qt.Key.Key_End)
    qtbot.keyClicks(title, " Jr")
    qtbot.keyClick(title, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert repo.get("people", rid)["title"].endswith(" Jr")


def test_copy_as_text_puts_the_record_and_its_sources_on_the_clipboard(main_window, repo, qtbot):
    from PySide6.QtGui import QGuiApplication

    page = go(main_window, "meetings")
    page.select_record(3)
    qtbot.keyClick(main_window, Qt.Key.Key_C,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    text = QGuiApplication.clipboard().text()
    record = repo.get("meetings", 3)
    lines = text.splitlines()
    assert lines[0] == f"Meeting: {record['title']}"
    assert "Start date: 9 June 2017" in lines  # dates written out
    assert "Participants: Alexander Lukashenko" in lines  # links by title, no ids
    assert not any(line.startswith("End date") for line in lines)  # empty fields left out
    assert "Sources:" in lines and any("SCO summit in Astana" in line for line in lines)
    assert "to the clipboard" in main_window.statusBar().currentMessage()
    main_window.go_to("dashboard")
    assert not main_window.copy_text_action.isEnabled()


def test_ctrl_l_goes_to_the_filter_of_the_list(main_window, qtbot):
    page = go(main_window, "roadmap")
    page.table.setFocus()
    qtbot.keyClick(main_window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert page.filter_edit.hasFocus()
    qtbot.keyClicks(main_window.focusWidget(), "expo")  # typing goes into the filter
    assert page.filter_edit.text() == "expo"


def test_a_new_record_titled_like_an_existing_one_is_saved_only_if_confirmed(main_window, repo,
                                                                          qtbot, dialogs):
    page = go(main_window, "roadmap")
    existing = repo.get("roadmap", 1)["title"]
    before = repo.count("roadmap")
    main_window.new_action.trigger()
    page.form.editors["title"].edit.setText(existing.upper())
    dialogs.answers.append(QMessageBox.StandardButton.Cancel)
    main_window.save_action.trigger()
    kind, title, text = dialogs.calls[-1]
    assert kind == "question" and existing in text and "#1" in text
    assert repo.count("roadmap") == before  # nothing saved; the form keeps the edit
    assert page.form.editors["title"].edit.text() == existing.upper()
    dialogs.answers.append(QMessageBox.StandardButton.Save)
    main_window.save_action.trigger()
    assert repo.count("roadmap") == before + 1


def test_message_boxes_show_titles_literally_and_cut_huge_ones(qapp):
    from PySide6.QtWidgets import QLabel

    from ui import messages

    hostile = '<img src="x"> <b>Fair</b> & =SUM(A1) ' + "ё" * 1_000_000
    box = messages.make_box(QMessageBox.Icon.Question, None, "t",
                            f"Save “{hostile}”?", Yes | No, No)
    try:
        assert box.textFormat() == Qt.TextFormat.PlainText
        assert box.text().startswith('Save “<img src="x"> <b>Fair</b> & =SUM(A1) ')
        assert len(box.text()) == messages.MAX_CHARS and box.text().endswith("…")
        shown = [w.text() for w in box.findChildren(QLabel) if "Fair" in w.text()]
        assert shown and all(w.textFormat() == Qt.TextFormat.PlainText
                             for w in box.findChildren(QLabel) if "Fair" in w.text())
        assert box.defaultButton() is box.button(No)
    finally:
        box.deleteLater()


def test_a_figure_on_the_dashboard_opens_its_list(main_window, repo, qtbot):
    from tracker.model import OVERDUE

    repo.create("roadmap", {"title": "Late", "due_date": "2020-01-01"})
    repo.create("roadmap", {"title": "Later", "due_date": "2021-01-01", "status": "in_progress"})
    main_window.apply_change(repo.create("farms", {"title": "Second farm"}))
    dashboard = main_window.pages["dashboard"]
    dashboard.refresh()
    tile = dashboard.figure_widgets["roadmap_planned"]
    assert tile.late.text() == "1 of them overdue"
    # the red line opens the overdue ones (the planned and the one in progress)
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=tile.late.geometry().center())
    page = main_window.pages["roadmap"]
    assert main_window.current_name() == "roadmap"
    assert page.status_combo.currentData() == OVERDUE
    assert page.model.rowCount() == 2 == repo.count("roadmap", status=OVERDUE)
    assert page.form.record_id in {r["id"] for r in repo.list("roadmap", status=OVERDUE)}
    assert page.table.hasFocus()
    farms_page = go(main_window, "farms")  # a filtered farms list, left that way
    farms_page.filter_edit.setText("second")
    farms_page.status_combo.setCurrentIndex(1)
    farms_page.apply_filter()
    main_window.go_to("dashboard")
    farms = dashboard.figure_widgets["farms_total"]
    farms.setFocus()
    qtbot.keyClick(farms, Qt.Key.Key_Return)  # from the keyboard too
    assert main_window.current_name() == "farms"
    assert farms_page.filter_edit.text() == "" and farms_page.status_combo.currentData() is None
    assert farms_page.model.rowCount() == repo.count("farms") == 2


def test_the_list_opened_from_a_figure_shows_one_of_its_records(main_window, repo, qtbot):
    page = go(main_window, "roadmap")
    page.select_record(1)  # not overdue
    late = repo.create("roadmap", {"title": "Late", "due_date": "2020-01-01"}).record_id
    main_window.go_to("dashboard")
    main_window.pages["dashboard"].refresh()
    tile = main_window.pages["dashboard"].figure_widgets["roadmap_planned"]
    qtbot.mouseClick(tile, Qt.MouseButton.LeftButton, pos=tile.late.geometry().center())
    assert page.model.rowCount() == 1 and page.form.record_id == late
