"""The record form's implementation reports and an agreement's computed treaty dates, driven
through the form and the window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tracker.model import REPORTS_KEY
from tracker.model.reports import normalize_report
from ui.forms.reports import ReportDialog, ReportsEditor

pytestmark = pytest.mark.gui

QUOTE = "There is an agreement on annual meetings."


def answer_with(monkeypatch, *reports):
    """The report dialog answers with these reports, one per Add / Edit."""
    queue = list(reports)

    def ask(self, report=None):
        raw = queue.pop(0)
        return None if raw is None else normalize_report(raw, 1)[0]

    monkeypatch.setattr(ReportsEditor, "ask", ask)


def test_a_report_added_in_the_form_is_saved_sets_the_progress_and_is_undone(
        main_window, repo, monkeypatch):
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.select_record(1)
    editor = page.form.editors[REPORTS_KEY]
    progress = page.form.editors["progress"]
    assert editor.table.rowCount() == 0 and not progress.spin.isReadOnly()
    answer_with(monkeypatch, {"reported_on": "2026-01-15", "progress": 35, "side": "home",
                              "done": "Фундамент залит; «этап» 1", "source_id": 1,
                              "quote": QUOTE})
    editor.add_button.click()
    assert page.form.is_dirty()
    assert progress.value() == 35 and progress.spin.isReadOnly()  # the report sets it
    assert editor.table.item(0, 3).text() == "Фундамент залит; «этап» 1"
    assert editor.table.item(0, 1).text() == "35 %"
    assert QUOTE in editor.table.item(0, 4).text()
    assert page.save() is not None
    saved = repo.get("roadmap", 1)
    assert saved["progress"] == 35 and saved["reports"][0]["quote"] == QUOTE
    # Ctrl+Z takes the report away again
    main_window.undo_action.trigger()
    assert repo.get("roadmap", 1)["reports"] == [] and repo.get("roadmap", 1)["progress"] == 0
    assert main_window.pages["roadmap"].form.editors[REPORTS_KEY].table.rowCount() == 0


def test_edit_and_remove_a_report(main_window, repo, monkeypatch):
    rec = repo.get("roadmap", 1)
    repo.update("roadmap", 1, {"reports": [
        {"reported_on": "2026-01-01", "done": "First", "progress": 10},
        {"reported_on": "2026-02-01", "done": "Second", "progress": 20}]},
        expected_version=rec["version"])
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.select_record(1)
    editor = page.form.editors[REPORTS_KEY]
    editor.table.selectRow(1)
    answer_with(monkeypatch, {"reported_on": "2025-12-01", "done": "Second, earlier",
                              "progress": 5})
    editor.edit_button.click()  # now the oldest: the list stays in date order
    assert [editor.table.item(i, 3).text() for i in range(2)] == ["Second, earlier", "First"]
    assert page.form.editors["progress"].value() == 10
    editor.table.selectRow(1)
    editor.remove_button.click()
    assert editor.table.rowCount() == 1 and page.form.editors["progress"].value() == 5
    page.save()
    assert [r["done"] for r in repo.get("roadmap", 1)["reports"]] == ["Second, earlier"]


def test_the_report_dialog_refuses_a_quote_not_in_its_source(repo, qtbot):
    dialog = ReportDialog(repo, {"reported_on": "2026-01-01", "done": "x", "source_id": 1,
                                 "quote": "words the article never says"})
    qtbot.addWidget(dialog)
    dialog.accept()
    assert dialog.problem.isVisible() or dialog.problem.text()
    assert "not in the source's text" in dialog.problem.text()
    assert dialog.result() != dialog.DialogCode.Accepted
    dialog.editors["quote"].set_value(QUOTE)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.report()[0]["quote"] == QUOTE


def test_reports_are_read_only_in_a_read_only_form(main_window, repo):
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.select_record(1)
    page.form.set_read_only(True)
    editor = page.form.editors[REPORTS_KEY]
    assert not editor.add_button.isEnabled()


def test_an_agreements_treaty_dates_are_computed_in_the_form_as_it_is_edited(main_window):
    assert main_window.go_to("agreements")
    page = main_window.pages["agreements"]
    page.new_record()
    form = page.form
    assert set(form.computed_labels) == {"entry_into_force", "expiry", "notice_by"}
    form.editors["title"].set_value("Treaty")
    form.editors["home_notified_on"].set_value("2021-03-01")
    form.editors["partner_notified_on"].set_value("2021-06-15")
    form.editors["term_years"].set_value(50)
    form.editors["auto_renewal"].set_value("yes")
    form.editors["notice_months"].set_value(6)
    form.check_changes()
    assert form.computed_labels["entry_into_force"].text() == "2021-06-15"  # the date format
    assert form.computed_labels["expiry"].text() == "2071-06-15"
    assert form.computed_labels["notice_by"].text() == "2070-12-15"
    form.editors["notice_months"].set_value(601)
    form.check_changes()
    assert page.save() is None  # a clear error under the field, nothing saved
    assert "longer than the term" in form.problems_shown()["notice_months"]


def test_the_agreements_table_shows_the_computed_dates_as_columns(main_window, repo):
    repo.create("agreements", {"title": "AAA treaty", "in_force_on": "2021-06-15",
                               "term_years": 50, "auto_renewal": "yes", "notice_months": 6})
    assert main_window.go_to("agreements")
    page = main_window.pages["agreements"]
    model = page.model
    col = model.column_of("notice_by")
    # offered by the column menu, not shown at first (the list fits 1280 px in Russian)
    assert page.table.horizontalHeader().isSectionHidden(col)
    page.table.show_column(col, True)
    row = next(r for r in range(model.rowCount())
               if model.row_dict(r)["title"] == "AAA treaty")
    assert model.index(row, col).data() == "2070-12-15"
    assert model.headerData(col, Qt.Orientation.Horizontal) == "Last day to give notice"
    before = model.sort_field
    page.table.horizontalHeader().setSortIndicator(col, Qt.SortOrder.AscendingOrder)
    assert model.sort_field == before  # a computed column does not sort the list
    assert page.table.horizontalHeader().sortIndicatorSection() == model.sort_column()


def test_every_report_up_to_six_is_shown_without_scrolling(repo, qtbot):
    """The list once showed a report and a half: the height counted shorter rows than Qt's."""
    editor = ReportsEditor(repo)
    qtbot.addWidget(editor)
    editor.resize(420, 300)
    for n in (1, 3, 6):
        editor.set_value([{"reported_on": f"2026-01-0{i + 1}", "done": "x" * 300}
                          for i in range(n)])
        editor.show()
        qtbot.waitExposed(editor)
        table = editor.table
        last = n - 1
        assert table.rowViewportPosition(last) + table.rowHeight(last) \
            <= table.viewport().height(), n
        assert not table.horizontalScrollBar().isVisible()
    editor.set_value([{"reported_on": f"2026-01-{i + 10}", "done": "x"} for i in range(8)])
    qtbot.waitUntil(lambda: editor.table.verticalScrollBar().maximum() > 0)  # more: it scrolls


def test_what_was_done_keeps_room_in_a_narrow_form(repo, qtbot):
    """In Russian the other columns' headers once pushed "What was done" out of sight."""
    editor = ReportsEditor(repo)
    qtbot.addWidget(editor)
    editor.resize(330, 200)
    editor.set_value([{"reported_on": "2026-01-01", "progress": 60, "side": "partner",
                       "done": "Рабочая группа провела заседание и подготовила проект плана."}])
    editor.show()
    qtbot.waitExposed(editor)
    table, done = editor.table, ReportsEditor.COLUMNS.index("done")
    visible = table.viewport().width() - table.columnViewportPosition(done)
    assert min(table.columnWidth(done), visible) >= 0.3 * table.viewport().width()
