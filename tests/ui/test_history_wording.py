"""History and Recent changes word each entry in the reader's language (what was stored in
English reads Russian in the Russian window); a Save that changes nothing writes nothing and
says so."""

from __future__ import annotations

import pytest

from tracker import i18n

pytestmark = pytest.mark.gui


def test_history_and_recent_changes_are_worded_in_the_windows_language(make_window, repo,
                                                                         russian):
    i18n.set_language("en")  # written by an English session...
    rid = repo.list("agreements")[0]["id"]
    repo.delete("agreements", rid)
    i18n.set_language("ru")  # ...read in a Russian window
    window = make_window(repo)
    assert window.go_to("dashboard")
    dashboard = window.pages["dashboard"]
    recent = [dashboard.recent.topLevelItem(i).text(2)
              for i in range(dashboard.recent.topLevelItemCount())]
    assert recent[0] == "Удаление записи: соглашение"
    assert "Заполнение по материалам статьи" in recent
    assert not {"Delete agreement", "Seed from the article"} & set(recent)
    assert window.go_to("history")
    model = window.pages["history"].model
    actions = [model.data(model.index(r, model.COL_ACTION)) for r in range(model.rowCount())]
    assert actions[0] == "Удаление записи: соглашение"
    assert set(actions[1:]) == {"Заполнение по материалам статьи"}
    # the longer Russian words are not cut short in the "What" column
    table = window.pages["history"].table
    assert table.columnWidth(model.COL_ACTION) > table.fontMetrics().horizontalAdvance(
        "Заполнение по материалам статьи")


def test_saving_a_form_whose_values_are_unchanged_writes_nothing_and_says_so(main_window,
                                                                              repo):
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.select_record(2)
    title = page.form.editors["title"].edit
    version, entries = repo.get("roadmap", 2)["version"], repo.history_count()
    undo = main_window.undo_action.text()
    title.setText(title.text() + "  ")  # the form differs; the value saved would not
    page.form.editors["title"].changed.emit()
    assert main_window.save_action.isEnabled()
    main_window.save_action.trigger()
    assert repo.get("roadmap", 2)["version"] == version
    assert repo.history_count() == entries and main_window.undo_action.text() == undo
    assert main_window.statusBar().currentMessage() == "Nothing changed"
    assert not page.form.is_dirty() and not main_window.save_action.isEnabled()


def test_a_records_reports_read_as_one_line_without_a_full_stop_before_a_semicolon(
        language):
    from tracker.model import REPORTS_KEY
    from ui.pages.history import shown_value

    reports = [{"reported_on": "2026-03-01", "progress": 40, "done": "Foundations laid."},
               {"reported_on": "2026-05-02", "progress": None, "done": "Walls\nup,  roof next."}]
    line = shown_value("roadmap", REPORTS_KEY, reports)
    assert ".;" not in line and ";;" not in line
    parts = line.split("; ")
    assert len(parts) == 2
    assert parts[0].endswith("40 % — Foundations laid")
    assert parts[1].endswith("Walls up, roof next.")  # the last keeps its full stop
