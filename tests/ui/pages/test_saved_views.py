"""Saved views of a record page: filter, sort and columns under a name, brought back; kept per
database and login in the user's settings."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt

from tracker.model import OVERDUE
from tracker.session import open_session
from ui.pages.record_page import RecordPage
from ui.widgets import saved_views
from ui.widgets.saved_views import ViewStore, default_view, view_of

pytestmark = pytest.mark.gui


def make_page(qtbot, repo, kind="roadmap") -> RecordPage:
    page = RecordPage(repo, kind)
    qtbot.addWidget(page)
    page.resize(1280, 700)
    page.show()
    qtbot.waitExposed(page)
    return page


def action(menu, text: str):
    return next(a for a in menu.actions() if a.text().replace("&", "") == text)


def test_a_saved_view_brings_back_its_filter_sort_and_columns(qtbot, repo, monkeypatch):
    page = make_page(qtbot, repo)
    header = page.table.horizontalHeader()
    model = page.model
    # an officer's own list: overdue items, latest due first, with the leads, without the area
    page.status_combo.setCurrentIndex(page.status_combo.findData(OVERDUE))
    header.setSortIndicator(model.column_of("due_date"), Qt.SortOrder.DescendingOrder)
    page.table.show_column(model.column_of("home_lead"), True)
    page.table.show_column(model.column_of("area"), False)
    header.moveSection(header.visualIndex(model.column_of("home_lead")), 1)
    wanted = view_of(page)
    assert wanted["columns"][:2] == ["title", "home_lead"] and "area" not in wanted["columns"]
    # saved from the Views menu under a Russian name
    monkeypatch.setattr(saved_views, "ask_name", lambda parent: ("  Мои\tпросроченные ", True))
    menu = page.views_button.menu()
    menu.aboutToShow.emit()
    action(menu, "Save view as…").trigger()
    assert ViewStore(repo, "roadmap").names() == ["Мои просроченные"]
    # back to the default view: everything changes
    menu.aboutToShow.emit()
    action(menu, "Default view").trigger()
    assert (model.status, model.sort_field, model.descending) == (
        None, model.kind.default_sort, False)
    assert "home_lead" not in page.table.shown_columns()
    assert "area" in page.table.shown_columns()
    # the saved view brings it all back, the table read again
    menu.aboutToShow.emit()
    action(menu, "Мои просроченные").trigger()
    assert view_of(page) == wanted
    assert (model.status, model.sort_field, model.descending) == (OVERDUE, "due_date", True)
    assert model.rowCount() == repo.count("roadmap", status=OVERDUE)
    assert header.sortIndicatorSection() == model.column_of("due_date")
    # and a later session on the same database offers it
    again = make_page(qtbot, repo)
    assert again.views_button.show_view("Мои просроченные")
    assert view_of(again) == wanted


def test_views_belong_to_their_database_and_login(qtbot, repo, tmp_path):
    page = make_page(qtbot, repo)
    page.filter_edit.setText("expo")
    page.apply_filter()
    assert page.views_button.save("Expo") == "Expo"
    other = open_session(tmp_path / "other.db", seed=True, user="tester")
    try:
        assert ViewStore(other, "roadmap").names() == []
        assert ViewStore(repo, "meetings").names() == []  # views are a page's own
        assert ViewStore(repo, "roadmap").names() == ["Expo"]
    finally:
        other.close()

    class Login:  # a server's session: the same address, another login
        def __init__(self, login):
            self.path = "postgresql://db.example/tracker"
            self.backend = type("B", (), {"login": login})()

    assert saved_views.database_key(Login("anna")) != saved_views.database_key(Login("berik"))
    assert saved_views.database_key(Login("anna")) == saved_views.database_key(Login("anna"))


def test_bad_names_and_damaged_settings_are_refused_in_words(qtbot, repo, dialogs):
    page = make_page(qtbot, repo)
    dialogs.default = True  # each warning is acknowledged
    assert page.views_button.save("\x00\x07 ") is None
    assert page.views_button.save("x" * 1_000_000) is None
    assert [t for _k, t, _x in dialogs.calls] == ["View not saved", "View not saved"]
    assert "name" in dialogs.calls[0][2]
    store = ViewStore(repo, "roadmap")
    QSettings().setValue(store.key, "{not json")
    assert store.names() == []
    QSettings().setValue(store.key, '{"Odd": {"columns": ["no_such_field", 5], '
                                    '"sort": "drop table", "status": "nonsense"}}')
    assert page.views_button.show_view("Odd")  # nothing it cannot use is applied
    assert view_of(page) == default_view(page)
    # a view with markup or an ampersand in its name is shown literally in the menu
    page.views_button.save("<b>R&D</b>")
    menu = page.views_button.menu()
    menu.aboutToShow.emit()
    assert action(menu, "<b>RD</b>").text() == "<b>R&&D</b>"
