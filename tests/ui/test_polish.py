"""Details a desk officer notices: readable columns, no empty edits, where the form goes after a
delete, the first problem focused, a trash that restores with Enter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication

from tracker import i18n
from tracker.model import KIND_ORDER

pytestmark = pytest.mark.gui


def settle(qtbot) -> None:
    qtbot.wait(20)
    QApplication.processEvents()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_table_headers_are_readable_and_the_title_fills_the_rest(make_window, repo, qtbot,
                                                                  language):
    i18n.set_language(language)
    try:
        window = make_window(repo, size=(1280, 800))
        for kind in KIND_ORDER:
            assert window.go_to(kind)
            settle(qtbot)
            page = window.pages[kind]
            header = page.table.horizontalHeader()
            fm = header.fontMetrics()
            model = page.model
            title = model.column_of("title")
            for col in range(model.columnCount()):
                if col == title or header.isSectionHidden(col):
                    continue
                text = model.headerData(col, Qt.Orientation.Horizontal)
                # the header text, its margins and the sort arrow fit, a long text on two
                # lines in a header as tall as they are: nothing is cut off
                room = header.sectionSize(col) - 20
                box = fm.boundingRect(QRect(0, 0, room, 10_000), Qt.TextFlag.TextWordWrap, text)
                assert box.width() <= room and box.height() <= header.height() - 4, (kind, text)
            em = fm.horizontalAdvance("M")
            assert header.sectionSize(title) >= em * 12, kind
            others = sum(header.sectionSize(c) for c in range(model.columnCount()) if c != title)
            viewport = page.table.viewport().width()
            if others + em * 13 <= viewport:  # room enough: the title takes all of it
                assert header.length() == viewport, kind
    finally:
        i18n.set_language("en")


def test_narrow_columns_for_dates_and_numbers(main_window, qtbot):
    assert main_window.go_to("roadmap")
    settle(qtbot)
    page = main_window.pages["roadmap"]
    header = page.table.horizontalHeader()
    width = {f.name: header.sectionSize(i) for i, f in enumerate(page.model.fields)}
    assert width["title"] > 2 * max(width["due_date"], width["progress"])
    # the title column follows the window
    before = width["title"]
    main_window.resize(1100, 800)
    settle(qtbot)
    assert header.sectionSize(page.model.column_of("title")) < before
    assert header.length() == page.table.viewport().width()


def test_saving_an_unchanged_record_writes_nothing(main_window, repo, qtbot):
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.select_record(2)
    version = repo.get("roadmap", 2)["version"]
    entries = repo.history_count()
    undo = main_window.undo_action.text()
    assert not main_window.save_action.isEnabled()
    assert not page.save_button.isEnabled()
    qtbot.keyClick(page.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert page.save() is None
    assert repo.get("roadmap", 2)["version"] == version
    assert repo.history_count() == entries
    assert main_window.undo_action.text() == undo
    # an edit turns Save on; a new record can always be saved (or be told what is missing)
    page.form.editors["notes"].edit.setPlainText("checked")
    assert main_window.save_action.isEnabled() and page.save_button.isEnabled()
    page.form.revert()
    assert not main_window.save_action.isEnabled()
    main_window.new_action.trigger()
    assert main_window.save_action.isEnabled()


def test_delete_shows_the_record_that_took_its_place(main_window, repo, qtbot):
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    ids = [page.model.id_at(r) for r in range(page.model.rowCount())]
    page.select_record(ids[1])
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert repo.get("roadmap", ids[1])["deleted_at"]
    assert page.form.record_id == ids[2]
    assert page.table.selectionModel().currentIndex().row() == 1
    # the last row: the one before it is shown
    last = page.model.id_at(page.model.rowCount() - 1)
    page.select_record(last)
    main_window.delete_action.trigger()
    assert page.form.record_id == page.model.id_at(page.model.rowCount() - 1) != last


def test_the_first_problem_in_the_form_gets_the_focus(main_window, repo, qtbot):
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.select_record(1)
    main_window.activateWindow()
    form = page.form
    form.editors["due_date"].edit.setText("2026-13-45")
    form.editors["title"].edit.setText("")
    form.editors["title"].changed.emit()
    assert page.save() is None
    assert set(form.problems_shown()) == {"title", "due_date"}
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.editors["title"].edit,
                    timeout=1000)


def test_trash_restores_with_enter_and_counts_in_words(main_window, repo, qtbot):
    repo.delete("roadmap", 4)
    trash = main_window.pages["trash"]
    assert main_window.go_to("trash")
    trash.refresh()
    assert trash.info.text() == "1 record in the trash"
    assert trash.restore_button.isEnabled()  # the row is selected already
    fm = trash.table.fontMetrics()
    header = trash.table.horizontalHeader()
    for col in range(trash.model.columnCount()):  # one line per row, nothing cut
        text = trash.model.data(trash.model.index(0, col))
        assert header.sectionSize(col) >= fm.horizontalAdvance(text) + 8, text
    trash.table.setFocus()
    qtbot.keyClick(trash.table, Qt.Key.Key_Return)
    assert repo.get("roadmap", 4)["deleted_at"] is None
    repo.delete("roadmap", 4)
    repo.delete("roadmap", 5)
    trash.refresh()
    assert trash.info.text() == "2 records in the trash"


def test_a_long_linked_title_shows_its_beginning(main_window, repo, qtbot):
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.select_record(1)
    editor = page.form.editors["meeting_id"]
    assert editor.value() is not None
    assert editor.combo.lineEdit().cursorPosition() == 0


def test_history_names_linked_records_and_counts_in_words(main_window, repo, qtbot):
    meeting = repo.get("meetings", 3)
    people = [p["id"] for p in repo.list("people", columns=["id"])]
    added = next(p for p in people if p not in meeting["participants"])
    repo.update("meetings", 3, {"participants": [*meeting["participants"], added]},
                expected_version=meeting["version"])
    history = main_window.pages["history"]
    assert main_window.go_to("history")
    history.set_filter("meetings", 3)
    assert history.info.text() == "2 entries"
    history.table.selectRow(0)
    row = history.details.topLevelItem(0)
    assert row.text(0) == "Participants"
    name = repo.get("people", added)["title"]
    assert name in row.text(2) and f"#{added}" in row.text(2)
    assert name not in row.text(1)
    repo.delete("meetings", 4)
    history.set_filter("meetings", 4)
    history.table.selectRow(0)
    assert history.info.text() == "2 entries"
    trashed = history.details.topLevelItem(0)
    assert "T" not in trashed.text(2) and trashed.text(2)[:2] == "20"  # local time, no ISO "T"
    history.set_filter("farms", 1)
    assert history.info.text() == "1 entry"


@pytest.mark.parametrize("language", ["en", "ru"])
def test_dashboard_captions_are_shown_whole(make_window, repo, qtbot, language):
    i18n.set_language(language)
    try:
        window = make_window(repo, size=(1280, 800))
        page = window.pages["dashboard"]
        page.ensure_loaded()
        settle(qtbot)
        heights = set()
        for key, tile in page.figure_widgets.items():
            caption = tile.caption
            assert caption.height() >= caption.heightForWidth(caption.width()), (key,
                                                                                caption.text())
            heights.add(tile.height())
        assert len(heights) == 1  # one row of tiles of one height
    finally:
        i18n.set_language("en")


def test_russian_window_at_1024x768_keeps_its_toolbar_and_whole_labels(make_window, repo,
                                                                        qtbot):
    i18n.set_language("ru")
    try:
        window = make_window(repo, size=(1024, 768))
        assert window.go_to("roadmap")
        page = window.pages["roadmap"]
        page.select_record(1)
        page.form.editors["notes"].edit.setPlainText("Проверено")
        window.save_action.trigger()  # the undo step now has a long name
        assert window.undo_action.text().startswith("Отменить «")
        settle(qtbot)
        for action in window.toolbar.actions():
            if action.isSeparator() or not action.isVisible():
                continue
            button = window.toolbar.widgetForAction(action)
            assert button is not None and button.isVisible(), action.text()
        for name, label in page.form.field_labels.items():
            if label.wordWrap():
                assert label.height() >= label.heightForWidth(label.width()), name
            else:
                assert label.width() >= label.sizeHint().width(), name
    finally:
        i18n.set_language("en")


def test_a_date_typed_day_first_is_understood(main_window, repo, qtbot):
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.select_record(2)
    editor = page.form.editors["due_date"]
    editor.edit.setFocus()
    editor.edit.clear()
    qtbot.keyClicks(editor.edit, "5.03.2027")
    assert editor.value() == "2027-03-05"
    editor.edit.editingFinished.emit()
    assert editor.edit.text() == "2027-03-05"
    main_window.save_action.trigger()
    assert repo.get("roadmap", 2)["due_date"] == "2027-03-05"
    # an impossible day is left as typed, and the form says what is wrong
    editor.edit.setText("31.02.2027")
    editor.edit.editingFinished.emit()
    assert editor.edit.text() == "31.02.2027"
    assert page.save() is None
    assert "due_date" in page.form.problems_shown()
    assert repo.get("roadmap", 2)["due_date"] == "2027-03-05"


def test_the_form_shows_when_a_record_changed_in_local_time(main_window, repo):
    from ui.widgets.table_models import utc_to_local

    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.select_record(1)
    stamp = repo.get("roadmap", 1)["updated_at"]
    assert utc_to_local(stamp) in page.form.meta.text()
    assert "UTC" not in page.form.meta.text()


def test_slashed_dates_stay_ambiguous_and_are_refused(main_window, repo):
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.select_record(2)
    page.form.editors["due_date"].edit.setText("03/05/2027")  # 3 May or March 5?
    assert page.save() is None
    assert "is not a date" in page.form.problems_shown()["due_date"]


def test_the_dashboard_fits_1280x800_without_scrolling(make_window, repo, qtbot):
    from PySide6.QtWidgets import QScrollArea

    window = make_window(repo, size=(1280, 800))
    page = window.pages["dashboard"]
    page.ensure_loaded()
    settle(qtbot)
    area = page.findChild(QScrollArea)
    assert area.verticalScrollBar().maximum() == 0


def test_enter_on_a_focused_button_presses_it(main_window, repo, qtbot):
    repo.delete("roadmap", 4)
    trash = main_window.pages["trash"]
    assert main_window.go_to("trash")
    trash.refresh()
    trash.restore_button.setFocus()
    qtbot.keyClick(trash.restore_button, Qt.Key.Key_Return)
    assert repo.get("roadmap", 4)["deleted_at"] is None
    page = main_window.pages["roadmap"]
    assert main_window.go_to("roadmap")
    qtbot.keyClick(page.new_button, Qt.Key.Key_Return)
    assert page.form.record_id is None and page.form.heading.text().startswith("New ")


def test_road_map_status_filter_offers_overdue(qtbot, repo):
    """The road-map page can show just the overdue items; other kinds have no such filter."""
    from tracker.model import OVERDUE
    from ui.pages.record_page import RecordPage

    repo.create("roadmap", {"title": "Late item", "due_date": "2020-01-01"})
    page = RecordPage(repo, "roadmap")
    qtbot.addWidget(page)
    index = page.status_combo.findData(OVERDUE)
    assert index > 0
    page.status_combo.setCurrentIndex(index)
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert page.model.index(0, 0).data().endswith("Late item")
    people = RecordPage(repo, "people")
    qtbot.addWidget(people)
    assert people.status_combo.findData(OVERDUE) == -1
