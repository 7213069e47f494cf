"""An indicator in the record form: its dated values as an editable table (date, value, source,
quote) over a chart with the target, and the figures computed as the official types."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtWidgets import QAbstractItemView

from tracker.model.values import series_items
from ui.forms.editors import EDITORS, DecimalEditor, PeriodEditor
from ui.forms.measures import DATE, QUOTE, SOURCE, VALUE, SeriesEditor
from ui.forms.record_form import RecordForm

pytestmark = pytest.mark.gui


def plants(repo) -> int:
    return next(r["id"] for r in repo.list("indicators") if r["title"].startswith("Joint"))


def open_form(qtbot, repo) -> tuple[RecordForm, SeriesEditor]:
    form = RecordForm(repo, "indicators")
    qtbot.addWidget(form)
    form.load(plants(repo))
    return form, form.editors["series"]


def type_row(editor: SeriesEditor, date: str, value: str) -> None:
    i = editor.add_row()
    editor.table.item(i, DATE).setText(date)
    editor.table.item(i, VALUE).setText(value)


def test_the_indicator_fields_have_their_editors(qtbot, repo):
    form, editor = open_form(qtbot, repo)
    assert isinstance(editor, SeriesEditor)
    assert isinstance(form.editors["target_value"], DecimalEditor)
    assert isinstance(form.editors["target_on"], PeriodEditor)
    assert {type(e) for e in form.editors.values()} <= set(EDITORS.values())


def test_the_seeded_value_shows_with_its_source_and_quote(qtbot, repo):
    _form, editor = open_form(qtbot, repo)
    t = editor.table
    assert t.rowCount() == 1
    assert (t.item(0, DATE).text(), t.item(0, VALUE).text()) == ("2017", "13")
    assert t.cellWidget(0, SOURCE).currentText().startswith("Presidents of Belarus")
    assert "13 joint assembly plants" in t.item(0, QUOTE).text()
    assert editor.chart.reading.latest.value == 13
    assert editor.facts.text() == "Latest value: 13 (2017)"


def test_a_value_typed_into_the_table_is_charted_then_saved_exactly(qtbot, repo):
    form, editor = open_form(qtbot, repo)
    form.editors["target_value"].edit.setText("20")
    form.editors["target_value"].edit.textEdited.emit("20")
    type_row(editor, "2018-06", "15,5")
    assert form.is_dirty()
    r = editor.chart.reading
    assert [p.value for p in r.points] == [13, Decimal("15.5")] and r.target == 20
    assert editor.facts.text() == ("Latest value: 15.5 (June 2018) · Distance to the target: "
                                   "4.5 below the target (22.5% of it)")
    change = form.save()
    assert change is not None
    items = series_items(repo.get("indicators", plants(repo))["series"])
    assert [(i["date"], i["value"]) for i in items] == [("2017", "13"), ("2018-06", "15.5")]
    assert items[0]["quote"].startswith("13 joint assembly plants")  # kept as it was
    repo.undo()
    form.load(plants(repo))
    assert editor.table.rowCount() == 1


@pytest.mark.parametrize(("date", "value", "says"), [
    ("2018-13", "5", "value 2: '2018-13': no such month"),
    ("2018", "1,500", "value 2: '1,500' can be read two ways"),
    ("2017", "14", "two values for 2017"),
    ("", "14", "value 2: a date is required"),
])
def test_a_bad_row_is_named_and_nothing_is_written(qtbot, repo, date, value, says):
    form, editor = open_form(qtbot, repo)
    before = repo.get("indicators", plants(repo))
    type_row(editor, date, value)
    assert form.save() is None
    assert form.problems_shown()["series"].startswith(says)
    assert editor.chart.reading.latest.value == (14 if date == "2017" else 13)
    assert repo.get("indicators", plants(repo))["version"] == before["version"]


def test_a_quote_not_in_its_source_is_refused(qtbot, repo):
    form, editor = open_form(qtbot, repo)
    editor.table.item(0, QUOTE).setText("14 joint assembly plants")
    editor.table.itemChanged.emit(editor.table.item(0, QUOTE))
    assert form.save() is None
    assert "14 joint assembly plants" in form.problems_shown()["series"]


def test_removing_a_value_and_a_read_only_form(qtbot, repo):
    form, editor = open_form(qtbot, repo)
    editor.table.selectRow(0)
    editor.remove_row()
    assert editor.value() is None and form.is_dirty()
    assert editor.chart.reading.latest is None
    form.revert()
    form.set_read_only(True)
    assert editor.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    assert not editor.add_button.isEnabled() and not editor.table.cellWidget(0, SOURCE).isEnabled()
