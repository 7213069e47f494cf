"""The Deadlines page: every kind's open obligations in date order, overdue ones red, Enter or a
double click opens the record; "My items" on it and on the road-map page."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from ui.deadline_prefs import set_my_lead
from ui.pages.deadlines import DeadlinesModel, DeadlinesPage
from ui.widgets.table_models import OVERDUE_COLOR

pytestmark = pytest.mark.gui

TODAY = dt.date(2026, 3, 1)


def fill(repo):
    late = repo.create("roadmap", {"title": "Late item", "due_date": "2026-02-01",
                                   "home_lead": "Ministry of Industry"}).record_id
    soon = repo.create("roadmap", {"title": "Soon item", "due_date": "2026-03-05",
                                   "partner_lead": "KazAgro"}).record_id
    repo.create("meetings", {"title": "Session", "start_date": "2026-03-03"})
    repo.create("farms", {"title": "Farm", "due_on": "2026-12-01"})
    repo.create("agreements", {"title": "Treaty", "in_force_on": "2021-06-15",
                               "term_years": 5, "auto_renewal": "yes", "notice_months": 6})
    return late, soon


def shown(page) -> list[tuple[str, str]]:
    m = page.model
    return [(m.index(r, DeadlinesModel.COL_DATE).data(), m.index(r, DeadlinesModel.COL_TITLE)
             .data()) for r in range(m.rowCount())]


def test_the_page_lists_deadlines_by_date_overdue_in_red(main_window, repo):
    fill(repo)
    assert main_window.go_to("deadlines")
    page = main_window.pages["deadlines"]
    page.today = TODAY
    page.horizon_combo.setCurrentIndex(page.horizon_combo.findData(None))  # everything open
    rows = shown(page)
    assert rows == sorted(rows)
    assert ("2026-02-01", "Late item") in rows and ("2026-03-03", "Session") in rows
    assert ("2030-12-15", "Treaty") in rows  # the next last day to give notice
    row = rows.index(("2026-02-01", "Late item"))
    index = page.model.index(row, DeadlinesModel.COL_TITLE)
    assert index.data(Qt.ItemDataRole.ForegroundRole).color() == OVERDUE_COLOR
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    assert "(overdue)" in index.data(Qt.ItemDataRole.ToolTipRole)
    other = page.model.index(rows.index(("2026-03-03", "Session")), DeadlinesModel.COL_TITLE)
    assert other.data(Qt.ItemDataRole.ForegroundRole) is None
    assert "1 overdue" in page.count_label.text()


def test_horizons_and_one_kind(main_window, repo):
    fill(repo)
    assert main_window.go_to("deadlines")
    page = main_window.pages["deadlines"]
    page.today = TODAY
    page.horizon_combo.setCurrentIndex(page.horizon_combo.findData(-1))
    assert [t for _d, t in shown(page)] == ["Late item"]
    page.horizon_combo.setCurrentIndex(page.horizon_combo.findData(7))
    assert [t for _d, t in shown(page)] == ["Late item", "Session", "Soon item"]
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("meetings"))
    assert [t for _d, t in shown(page)] == ["Session"]


def test_enter_on_a_row_opens_the_record(main_window, repo, qtbot):
    late, _soon = fill(repo)
    assert main_window.go_to("deadlines")
    page = main_window.pages["deadlines"]
    page.today = TODAY
    page.horizon_combo.setCurrentIndex(page.horizon_combo.findData(-1))
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert main_window.current_name() == "roadmap"
    assert main_window.pages["roadmap"].form.record_id == late


def test_my_items_on_the_deadlines_page_and_the_road_map(main_window, repo):
    late, soon = fill(repo)
    set_my_lead("KazAgro")
    assert main_window.go_to("deadlines")
    page = main_window.pages["deadlines"]
    page.today = TODAY
    page.horizon_combo.setCurrentIndex(page.horizon_combo.findData(None))
    page.mine_check.setChecked(True)
    assert [t for _d, t in shown(page)] == ["Soon item"]
    assert main_window.go_to("roadmap")
    road = main_window.pages["roadmap"]
    road.mine_check.setChecked(True)
    assert [road.model.id_at(r) for r in range(road.model.rowCount())] == [soon]
    assert road.count_label.text() == f"1 of {repo.count('roadmap')}"
    hidden = late if road.form.record_id != late else 1
    assert road.select_record(hidden)  # a record "My items" hides: the filter gives way
    assert not road.mine_check.isChecked() and road.model.lead is None


def test_the_page_follows_changes_made_elsewhere(main_window, repo):
    fill(repo)
    page = DeadlinesPage(repo, today=TODAY)
    page.refresh()
    before = page.model.rowCount()
    repo.create("roadmap", {"title": "New item", "due_date": "2026-03-02"})
    page.refresh()
    assert page.model.rowCount() == before + 1


@pytest.mark.parametrize("language", ["en", "ru"])
def test_kind_and_status_show_whole_in_either_language(repo, qtbot, language):
    """In Russian "Пункт дорожной карты" and "Выполняется" were cut to "Пункт доро…"."""
    from tracker import i18n
    from tracker.model import KINDS

    i18n.set_language(language)
    try:
        page = DeadlinesPage(repo, today=TODAY)
        qtbot.addWidget(page)
        table, fm = page.table, page.table.fontMetrics()
        for col, texts in ((DeadlinesModel.COL_KIND, [i18n._(k.label) for k in KINDS.values()]),
                           (DeadlinesModel.COL_STATUS, [k.status_label(v) for k in KINDS.values()
                                                        for v, _l in k.field("status").choices])):
            assert table.columnWidth(col) > max(fm.horizontalAdvance(t) for t in texts), col
    finally:
        i18n.set_language("en")
