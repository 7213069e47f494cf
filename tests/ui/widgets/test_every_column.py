"""Every declared field can be a table column: leads, links (the linked record's title, read for
a whole page at once), long texts (their first line). The model is tested without widgets
(Vorta's rule); the header's menu with its table."""

from __future__ import annotations

import pytest
from bulk_rows import add_roadmap_rows
from PySide6.QtCore import QSettings, Qt

from tracker.model import KIND_ORDER, get_kind
from ui.widgets.record_table import RecordTable
from ui.widgets.table_models import IdRole, RecordTableModel

pytestmark = pytest.mark.gui


@pytest.mark.parametrize("kind_name", KIND_ORDER)
def test_every_declared_field_is_offered_and_the_listed_ones_are_shown_first(repo, kind_name):
    kind = get_kind(kind_name)
    if not repo.count(kind_name):  # a kind the article seeds nothing of (briefs): one record
        repo.create(kind_name, {"title": "A record of its own"})
    model = RecordTableModel(repo, kind_name)
    names = model.column_names
    assert set(f.name for f in kind.fields) <= set(names)
    assert names[:len(kind.columns)] == [f.name for f in kind.columns]
    # shown at first: the listed fields; the computed ones (treaty dates) follow them, offered
    assert model.default_shown == {f.name for f in kind.columns}
    assert names[len(kind.columns):len(kind.columns) + len(kind.computed)] == [
        c.name for c in kind.computed]
    # a column shown later reads its field: every column has a value for a seeded record
    model.set_shown(names)
    rid = model.data(model.index(0, 0), IdRole)
    record = repo.get(kind_name, rid)
    for col, f in enumerate(model.fields):
        shown = model.data(model.index(0, col))
        assert isinstance(shown, str)
        if kind.has_field(f.name) and f.type in ("text", "choice", "date", "integer") \
                and record.get(f.name) not in (None, ""):
            assert shown, (kind_name, f.name)


def _linked_items(repo, n: int) -> tuple[list[int], int, int, int]:
    """``n`` bulk road-map items, every one linked to an agreement, a meeting and two
    meetings it was reviewed at."""
    add_roadmap_rows(repo, n)
    agreement = repo.list("agreements", limit=1, columns=["title"])[0]
    meetings = repo.list("meetings", limit=2, sort="id", columns=["title"])
    ids = repo.ids("roadmap")
    with repo.batch() as b:
        conn = b.writer.conn
        conn.execute("UPDATE roadmap SET agreement_id = ?, meeting_id = ?, home_lead = ?",
                     (agreement["id"], meetings[0]["id"], "Ministry of Agriculture"))
        conn.executemany("INSERT OR IGNORE INTO roadmap_reviewed_at (roadmap_id, meetings_id) "
                         "VALUES (?, ?)", [(i, m["id"]) for i in ids for m in meetings])
    return ids, agreement["id"], meetings[0]["id"], meetings[1]["id"]


def test_link_columns_show_titles_read_once_a_page_not_once_a_row(repo, monkeypatch):
    _ids, agreement, met, other = _linked_items(repo, 700)
    titles = repo.titles("meetings", [met, other])
    calls = {"titles": 0, "links_of": 0}
    for name in calls:
        real = getattr(repo.backend, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)
        monkeypatch.setattr(repo.backend, name, spy)
    model = RecordTableModel(repo, "roadmap")
    model.set_shown([*model.default_shown, "agreement_id", "meeting_id", "reviewed_at",
                     "home_lead"])
    col = {name: model.column_of(name) for name in ("agreement_id", "meeting_id",
                                                     "reviewed_at", "home_lead")}
    rows = model.rowCount()
    assert rows > 3 * model.PAGE_SIZE
    for row in range(rows):
        for c in col.values():
            model.data(model.index(row, c))
    pages = -(-rows // model.PAGE_SIZE)
    # two link columns (one titles query each) and a link list (its ids, then their titles)
    assert calls["titles"] <= 3 * pages and calls["links_of"] <= pages, (calls, pages)
    bulk = next(r for r in range(rows) if model.data(model.index(r, 0)).startswith("Bulk"))
    assert model.data(model.index(bulk, col["agreement_id"])) == \
        repo.titles("agreements", [agreement])[agreement]
    assert model.data(model.index(bulk, col["meeting_id"])) == titles[met]
    assert model.data(model.index(bulk, col["reviewed_at"])) == "; ".join(
        titles[m] for m in sorted((met, other)))
    assert model.data(model.index(bulk, col["home_lead"])) == "Ministry of Agriculture"
    # links are not sorted by their stored ids (which mean nothing to a reader)
    before = model.sort_field
    model.sort(col["agreement_id"], Qt.SortOrder.AscendingOrder)
    assert model.sort_field == before


def test_a_long_text_column_shows_its_first_line(repo):
    rid = repo.list("roadmap", limit=1, columns=["title"])[0]["id"]
    rec = repo.get("roadmap", rid)
    repo.update("roadmap", rid, {"notes": "First line\nsecond " + "x" * 5000},
                expected_version=rec["version"])
    model = RecordTableModel(repo, "roadmap")
    model.set_shown([*model.default_shown, "notes"])
    row = model.row_of_id(rid)
    text = model.data(model.index(row, model.column_of("notes")))
    assert text == "First line…"


def test_the_column_menu_offers_every_field_and_showing_one_reads_it(qtbot, repo):
    _linked_items(repo, 5)
    model = RecordTableModel(repo, "roadmap")
    table = RecordTable(model)
    qtbot.addWidget(table)
    table.resize(1200, 600)
    table.show()
    qtbot.waitExposed(table)
    kind = get_kind("roadmap")
    menu = table.column_menu()
    labels = [a.text() for a in menu.actions() if a.isCheckable()]
    assert set(labels) >= {f.label for f in kind.fields}
    assert {"Home-side lead", "Partner-side lead", "Agreement", "Reviewed at meetings"} <= \
        set(labels)
    # new fields are hidden at first; showing one from the menu reads and shows it
    col = model.column_of("agreement_id")
    assert table.horizontalHeader().isSectionHidden(col)
    next(a for a in menu.actions() if a.text() == "Agreement").setChecked(True)
    assert not table.horizontalHeader().isSectionHidden(col)
    assert "agreement_id" in table.shown_columns()
    row = next(r for r in range(model.rowCount())
               if model.data(model.index(r, 0)).startswith("Bulk"))
    assert model.data(model.index(row, col))  # an agreement's title
    menu.close()


def test_settings_of_a_release_with_fewer_columns_keep_new_fields_hidden(qtbot, repo):
    settings = QSettings()
    settings.setValue("pages/roadmap/hidden_columns", ["area"])
    model = RecordTableModel(repo, "roadmap")
    table = RecordTable(model)
    qtbot.addWidget(table)
    table.restore_state(settings, "pages/roadmap/")
    shown = set(table.shown_columns())
    assert shown == model.default_shown - {"area"}
    table.show_column(model.column_of("home_lead"), True)
    table.save_state(settings, "pages/roadmap/")
    again = RecordTable(RecordTableModel(repo, "roadmap"))
    qtbot.addWidget(again)
    again.restore_state(settings, "pages/roadmap/")
    assert set(again.shown_columns()) == shown | {"home_lead"}
