"""The table models: Qt's model contract, SQL sorting/filtering, and bounded fetching. Tested
without widgets (Vorta's rule), except where a real view's painting is what is checked."""

from __future__ import annotations

import datetime as _dt

import pytest
from bulk_rows import add_roadmap_rows
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from tracker.model import KIND_ORDER, get_kind
from ui.widgets.table_models import (
    OVERDUE_COLOR,
    HistoryModel,
    IdRole,
    RecordTableModel,
    SortRole,
    TrashModel,
)

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("kind", KIND_ORDER)
def test_record_model_passes_the_model_testers(qtmodeltester, repo, kind):
    if not repo.count(kind):  # a kind the seed leaves empty (the desk's briefs)
        repo.create(kind, {"title": f"A record of {kind}"})
    model = RecordTableModel(repo, kind)
    assert model.rowCount() == repo.count(kind) > 0
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)


def test_record_model_passes_when_filtered_to_nothing(qtmodeltester, repo):
    model = RecordTableModel(repo, "roadmap")
    model.set_filter("no-such-word-anywhere", None)
    assert model.rowCount() == 0
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)


def test_trash_model_passes_the_model_testers(qtmodeltester, repo):
    model = TrashModel(repo)
    assert model.rowCount() == 0
    qtmodeltester.check(model, force_py=True)
    repo.delete("roadmap", 1)
    repo.delete("people", 2)
    model.reload()
    assert model.rowCount() == 2
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)
    kinds = {model.data(model.index(r, 0), Qt.ItemDataRole.UserRole + 3) for r in range(2)}
    assert kinds == {"roadmap", "people"}


def test_history_model_passes_the_model_testers(qtmodeltester, repo):
    repo.update("roadmap", 1, {"progress": 40}, expected_version=1)
    model = HistoryModel(repo)
    assert model.rowCount() == repo.history_count()
    qtmodeltester.check(model)
    qtmodeltester.check(model, force_py=True)
    # newest first: the edit, naming the field that changed
    assert model.data(model.index(0, HistoryModel.COL_ACTION)) == "Edit road-map item"
    assert model.data(model.index(0, HistoryModel.COL_CHANGES)) == "Progress, %"
    model.set_filter("roadmap", 1)
    assert model.rowCount() == repo.history_count("roadmap", 1) == 2
    qtmodeltester.check(model, force_py=True)


def test_columns_and_labels_come_from_the_declarations(repo):
    model = RecordTableModel(repo, "roadmap")
    kind = get_kind("roadmap")
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    # the listed columns first (shown at first), then every other declared field
    assert headers[:len(kind.columns)] == [f.label for f in kind.columns]
    assert sorted(headers) == sorted(f.label for f in kind.fields)
    status_col = model.column_of("status")
    rid = model.data(model.index(0, 0), IdRole)
    assert model.data(model.index(0, status_col)) == kind.status_label(
        repo.get("roadmap", rid)["status"])
    assert model.data(model.index(0, status_col), SortRole) == repo.get("roadmap", rid)["status"]


def test_sorting_and_filtering_run_in_sql(repo):
    add_roadmap_rows(repo, 300)
    model = RecordTableModel(repo, "roadmap")
    col = model.column_of("due_date")
    model.sort(col, Qt.SortOrder.DescendingOrder)
    expected = repo.list("roadmap", sort="due_date", descending=True, limit=3, columns=["id"])
    assert [model.data(model.index(r, 0), IdRole) for r in range(3)] == \
        [r["id"] for r in expected]
    model.set_filter("", "done")
    assert model.rowCount() == repo.count("roadmap", status="done") == 75
    assert {model.data(model.index(r, model.column_of("status")), SortRole)
            for r in range(model.rowCount())} == {"done"}
    model.set_filter("expo", None)
    assert model.rowCount() == repo.count("roadmap", search="expo") >= 1


def test_the_model_never_loads_a_whole_table(qtbot, repo, monkeypatch):
    add_roadmap_rows(repo, 5000)
    total = repo.count("roadmap")
    calls = []
    real_list = repo.list

    def spy(kind, **kwargs):
        calls.append(kwargs.get("limit"))
        return real_list(kind, **kwargs)

    monkeypatch.setattr(repo, "list", spy)
    model = RecordTableModel(repo, "roadmap")
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(1024, 768)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: model.rows_fetched > 0, timeout=2000)
    assert model.rowCount() == total
    first_paint = model.rows_fetched
    assert 0 < first_paint <= 2 * model.PAGE_SIZE
    view.scrollToBottom()
    qtbot.wait(20)
    view.viewport().repaint()
    assert model.data(model.index(total - 1, 0), IdRole) is not None
    for row in range(0, total, 97):  # touching every part of the table keeps memory flat
        model.data(model.index(row, 0))
    assert model.cached_rows() <= model.MAX_PAGES * model.PAGE_SIZE
    assert calls and all(limit is not None and limit <= model.PAGE_SIZE for limit in calls)
    model.sort(model.column_of("title"), Qt.SortOrder.DescendingOrder)
    view.viewport().repaint()
    assert model.cached_rows() <= model.MAX_PAGES * model.PAGE_SIZE
    top = repo.list("roadmap", sort="title", descending=True, limit=1, columns=["title"])
    assert model.data(model.index(0, model.column_of("title"))) == top[0]["title"]


def test_row_of_id_finds_rows_beyond_the_cache(repo):
    add_roadmap_rows(repo, 1200)
    model = RecordTableModel(repo, "roadmap")
    model.sort(model.column_of("title"), Qt.SortOrder.AscendingOrder)
    last = repo.list("roadmap", sort="title", limit=1, offset=model.rowCount() - 1,
                     columns=["id"])[0]["id"]
    row = model.row_of_id(last)
    assert row == model.rowCount() - 1
    assert model.data(model.index(row, 0), IdRole) == last
    assert model.row_of_id(10**9) is None


def test_overdue_road_map_rows_are_red(repo):
    today = _dt.date.today()
    late = repo.create("roadmap", {"title": "Late item", "due_date": (
        today - _dt.timedelta(days=3)).isoformat(), "status": "in_progress"}).record_id
    done = repo.create("roadmap", {"title": "Done late", "due_date": (
        today - _dt.timedelta(days=3)).isoformat(), "status": "done"}).record_id
    model = RecordTableModel(repo, "roadmap")
    rows = {model.data(model.index(r, 0), IdRole): r for r in range(model.rowCount())}
    brush = model.data(model.index(rows[late], 0), Qt.ItemDataRole.ForegroundRole)
    assert brush is not None and brush.color() == OVERDUE_COLOR
    assert "overdue" in model.data(model.index(rows[late], 0), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(rows[done], 0), Qt.ItemDataRole.ForegroundRole) is None
    # a mark beside the title too: it shows on a selected row and without colour vision
    title = model.column_of("title")
    icon = model.data(model.index(rows[late], title), Qt.ItemDataRole.DecorationRole)
    assert icon is not None and not icon.isNull()
    assert model.data(model.index(rows[done], title), Qt.ItemDataRole.DecorationRole) is None
    status = model.column_of("status")
    assert model.data(model.index(rows[late], status), Qt.ItemDataRole.DecorationRole) is None


@pytest.mark.parametrize("sort", ["title", "status", "due_date", "progress", "area"])
@pytest.mark.parametrize("descending", [False, True])
def test_row_of_id_agrees_with_the_listing(repo, sort, descending):
    add_roadmap_rows(repo, 250)
    repo.create("roadmap", {"title": "No due date, no area", "progress": None})
    model = RecordTableModel(repo, "roadmap")
    model.sort_field, model.descending = sort, descending
    listed = [r["id"] for r in repo.list("roadmap", sort=sort, descending=descending,
                                         columns=["id"])]
    for row in (0, 1, 57, len(listed) // 2, len(listed) - 2, len(listed) - 1):
        model.reload()  # nothing cached: the row is counted in SQL
        assert model.row_of_id(listed[row]) == row
    model.set_filter("", "done")
    not_done = next(i for i in listed if repo.get("roadmap", i)["status"] != "done")
    assert model.row_of_id(not_done) is None  # filtered out


def test_a_view_paints_every_cell_from_one_call_that_gives_what_data_gives(qtbot, repo):
    """A view's delegate asks seven roles of each cell it paints: they come in one call a cell
    (``multiData``; the first screen of the Road map: ~130 calls instead of ~900), each value
    what ``data()`` gives for that role -- overdue colour and mark included."""
    from PySide6.QtCore import QModelRoleData

    today = _dt.date.today()
    repo.create("roadmap", {"title": "Late item", "due_date": (
        today - _dt.timedelta(days=3)).isoformat(), "status": "in_progress"})
    asked = {"data": 0, "multiData": 0}

    class Counting(RecordTableModel):
        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            asked["data"] += 1
            return super().data(index, role)

        def multiData(self, index, span):  # noqa: N802 - Qt API
            asked["multiData"] += 1
            return super().multiData(index, span)

    model = Counting(repo, "roadmap")
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 500)
    view.grab()
    assert asked["multiData"] > 10 and asked["data"] == 0, asked
    roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole,
             Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.TextAlignmentRole,
             Qt.ItemDataRole.FontRole, Qt.ItemDataRole.BackgroundRole,
             Qt.ItemDataRole.CheckStateRole, Qt.ItemDataRole.ToolTipRole, IdRole, SortRole]
    overdue = 0
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            for role in roles:
                one = QModelRoleData(role)
                model.multiData(index, one)
                expected, got = model.data(index, role), one.data()
                if role == Qt.ItemDataRole.ForegroundRole and expected is not None:
                    overdue += 1
                    assert got.color() == expected.color() == OVERDUE_COLOR
                    assert got.style() == Qt.BrushStyle.SolidPattern
                elif role == Qt.ItemDataRole.DecorationRole and expected is not None:
                    assert not got.isNull()
                else:
                    assert got == expected, (row, column, role, got, expected)
    assert overdue
