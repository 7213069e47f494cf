"""Issue 18: contradictions warned of beside the field and listed on the dashboard; one date
format (ISO, or DD.MM.YYYY as ru/be/kk desks write) in tables, forms and the dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QSettings

from tracker import i18n

pytestmark = pytest.mark.gui

SCO = "Meeting of the Council of Heads of State of the Shanghai Cooperation Organization"


@pytest.fixture
def dotted():
    i18n.set_date_style("dotted")
    yield
    i18n.set_date_style(None)


def _record_id(repo, kind, title):
    return next(r["id"] for r in repo.list(kind) if r["title"] == title)


def test_the_form_warns_beside_progress_and_still_saves(main_window, repo, qtbot):
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    rid = repo.create("roadmap", {"title": "Joint laboratory"}).record_id
    page.refresh()
    page.select_record(rid)
    form = page.form
    assert form.warnings_shown() == {}
    form.editors["progress"].spin.setValue(40)
    shown = form.warnings_shown()
    assert list(shown) == ["progress"] and "40 %" in shown["progress"]
    assert form.warning_labels["progress"].isVisible()
    main_window.save_action.trigger()  # a warning, not a refusal
    assert repo.get("roadmap", rid)["progress"] == 40
    assert form.problems_shown() == {}
    status = form.editors["status"].combo
    status.setCurrentIndex(status.findData("in_progress"))
    assert form.warnings_shown() == {}
    status.setCurrentIndex(status.findData("done"))
    assert "only 40 %" in form.warnings_shown()["progress"]


def test_the_seeded_meeting_of_2017_warns_beside_its_status(main_window, repo):
    assert main_window.go_to("meetings")
    page = main_window.pages["meetings"]
    page.select_record(_record_id(repo, "meetings", SCO))
    assert "held or cancelled" in page.form.warnings_shown()["status"]


def test_the_dashboard_lists_the_records_to_check(make_window, repo, qtbot):
    repo.create("roadmap", {"title": "Done at 30", "status": "done", "progress": 30})
    window = make_window(repo)
    page = window.pages["dashboard"]
    page.today = dt.date(2026, 3, 1)
    page.refresh()
    shown = dict(page.to_check.shown())
    assert "yet its date (2017-06-09) has passed" in shown["Meeting: " + SCO]
    assert "only 30 %" in shown["Road-map item: Done at 30"]
    opened = []
    page.openRecord.connect(lambda kind, rid: opened.append((kind, rid)))
    tree = page.to_check.tree
    row = next(tree.topLevelItem(i) for i in range(tree.topLevelItemCount())
               if tree.topLevelItem(i).text(0) == "Meeting: " + SCO)
    tree.itemActivated.emit(row, 0)
    assert opened == [("meetings", _record_id(repo, "meetings", SCO))]


def test_tables_forms_and_dashboard_write_dates_in_the_chosen_format(main_window, repo, dotted):
    rid = repo.create("roadmap", {"title": "Joint laboratory", "due_date": "2099-03-31",
                                  "status": "in_progress"}).record_id
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.refresh()
    model = page.model
    column = model.column_names.index("due_date")
    row = next(r for r in range(model.rowCount()) if model.id_at(r) == rid)
    assert model.data(model.index(row, column)) == "31.03.2099"
    page.select_record(rid)
    editor = page.form.editors["due_date"]
    assert editor.edit.text() == "31.03.2099" and editor.value() == "2099-03-31"
    assert editor.edit.placeholderText().startswith("DD.MM.YYYY")
    assert not page.form.is_dirty()
    editor.edit.setText("2099-04-01")  # typed the other way: read, then shown the chosen way
    editor.edit.editingFinished.emit()
    assert editor.edit.text() == "01.04.2099"
    main_window.save_action.trigger()
    assert repo.get("roadmap", rid)["due_date"] == "2099-04-01"
    editor.edit.setText("30.02.2099")
    assert page.save() is None
    assert page.form.problems_shown()["due_date"] == "'30.02.2099': no such day"
    page.form.revert()
    dashboard = main_window.pages["dashboard"]
    dashboard.refresh()
    dates = [dashboard.meetings.topLevelItem(i).text(0)  # what an empty list says spans it
             for i in range(dashboard.meetings.topLevelItemCount())
             if not dashboard.meetings.topLevelItem(i).isFirstColumnSpanned()]
    assert all(d == "" or d[2] == "." for d in dates), dates


def test_russian_desks_get_day_first_dates_by_default_and_iso_when_chosen(qtbot, tmp_path):
    from ui.dialogs.preferences import PreferencesDialog
    from ui.language import install_language, saved_dates

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    try:
        install_language(None, "ru", settings)
        assert i18n.short_date("2017-06-09") == "09.06.2017"
        from tracker.model import KINDS
        from ui.forms.editors import DateEditor

        editor = DateEditor(KINDS["meetings"].field("start_date"))
        qtbot.addWidget(editor)
        assert editor.edit.placeholderText().startswith("ДД.ММ.ГГГГ")
        dialog = PreferencesDialog(settings=settings)
        qtbot.addWidget(dialog)
        dialog.dates_combo.setCurrentIndex(dialog.dates_combo.findData("iso"))
        assert dialog.restart_needed()
        dialog.accept()
        assert saved_dates(settings) == "iso"
        install_language(None, "ru", settings)
        assert i18n.short_date("2017-06-09") == "2017-06-09"
    finally:
        install_language(None, "en")
        i18n.set_date_style(None)


def test_history_trash_and_the_forms_stamp_write_days_in_the_chosen_format(main_window, repo,
                                                                            dotted):
    """When a change was made, as History, the Trash, the dashboard's recent changes and the
    form's "changed ..." line show it: the day in the chosen style, then the local time."""
    import re

    rid = repo.create("roadmap", {"title": "Joint laboratory"}).record_id
    repo.delete("roadmap", rid)
    stamp = re.compile(r"\d\d\.\d\d\.\d{4} \d\d:\d\d")
    assert main_window.go_to("history")
    history = main_window.pages["history"]
    history.refresh()
    assert stamp.fullmatch(history.model.data(history.model.index(0, 0))), \
        history.model.data(history.model.index(0, 0))
    assert main_window.go_to("trash")
    trash = main_window.pages["trash"]
    trash.refresh()
    shown = [trash.model.data(trash.model.index(0, c)) for c in range(trash.model.columnCount())]
    assert any(isinstance(s, str) and stamp.fullmatch(s) for s in shown), shown
    repo.restore("roadmap", rid)
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.refresh()
    page.select_record(rid)
    assert stamp.search(page.form.meta.text()), page.form.meta.text()
