"""The History page filtered as a desk officer asks: by a record's title, by who wrote and by
days, never by a numeric id; the count it states is the list it shows, while others write."""

from __future__ import annotations

import datetime as _dt

from PySide6.QtCore import QDate, QPoint, Qt

from tracker.session import open_session


def _shown(history) -> list[str]:
    col = history.model.COL_RECORD
    return [history.model.index(r, col).data() for r in range(history.model.rowCount())]


def test_history_filters_by_title_user_and_days(make_window, tmp_path, qtbot):
    path = tmp_path / "desk.db"
    with open_session(path, user="alice") as alice:
        rid = alice.create("agreements", {"title": "Соглашение о торговле"}).record_id
    repo = open_session(path, user="bob")
    try:
        repo.update("agreements", rid, {"title": "Agreement on trade"}, expected_version=1)
        repo.create("agreements", {"title": "Treaty on transit"})
        window = make_window(repo)
        assert window.go_to("history")
        history = window.pages["history"]
        history.user_combo.showPopup()  # the users in the log, read as the list opens
        assert [history.user_combo.itemText(i) for i in range(history.user_combo.count())] == \
            ["Everyone", "alice", "bob"]
        history.user_combo.hidePopup()
        history.title_edit.setText("соглашение")  # the old title, in lower case
        history.title_edit.editingFinished.emit()
        assert _shown(history) == [f"Agreement on trade (#{rid})",
                                   f"Соглашение о торговле (#{rid})"]
        assert history.info.text() == "2 entries"
        history.user_combo.setCurrentIndex(history.user_combo.findData("alice"))
        assert _shown(history) == [f"Соглашение о торговле (#{rid})"]
        assert history.info.text() == "1 entry"
        history.title_edit.clear()  # cleared: every title again
        assert history.model.rowCount() == repo.history_count(where=history.where()) == 1
        history.user_combo.setCurrentIndex(0)
        tomorrow = QDate.currentDate().addDays(1)
        history.from_date.setDate(tomorrow)
        assert history.model.rowCount() == 0 and history.info.text() == "0 entries"
        history.from_date.setDate(history.from_date.minimumDate())  # "any day" again
        history.to_date.setDate(QDate.fromString(_dt.date.today().isoformat(), "yyyy-MM-dd"))
        assert history.model.rowCount() == repo.history_count() == 3
        assert history.from_date.text() == "any day"
        history.set_filter(None, None)  # Show all
        assert history.title_edit.text() == "" and history.user_combo.currentIndex() == 0
        assert history.to_date.text() == "any day"
    finally:
        repo.close()


def test_the_history_count_is_the_list_while_another_desk_writes(make_window, tmp_path, qtbot):
    path = tmp_path / "desk.db"
    repo = open_session(path, user="bob")
    try:
        for n in range(105):  # more than a page of the list
            repo.create("agreements", {"title": f"Agreement {n}"})
        window = make_window(repo)
        assert window.go_to("history")
        model = window.pages["history"].model
        n = model.rowCount()
        first = model.row_dict(0)["id"]
        with open_session(path, user="alice") as other:
            other.create("agreements", {"title": "Written meanwhile"})
        ids = [model.row_dict(r)["id"] for r in range(n)]  # the second page is read now
        assert len(set(ids)) == n == 105 and ids[0] == first
        assert window.pages["history"].info.text() == "105 entries"
    finally:
        repo.close()


def test_an_open_day_bound_opens_its_calendar_on_this_month(make_window, repo, qtbot):
    window = make_window(repo)
    assert window.go_to("history")
    edit = window.pages["history"].from_date
    assert edit.text() == "any day"
    edit.setFocus()
    qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=QPoint(edit.width() - 6,
                                                                 edit.height() // 2))
    calendar = edit.calendarWidget()
    qtbot.waitUntil(calendar.isVisible)  # the popup
    today = QDate.currentDate()
    assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())
    calendar.window().hide()


def test_a_change_of_reports_is_worded_not_shown_as_json(make_window, repo, qtbot):
    """The History details said "reports" and showed the stored list as JSON
    ([{"done": …, "progress": 20, "quote": null, …}]); they name the list as the form does and
    show each report's date, progress and what was done; dates as the user writes them."""
    from tracker import i18n

    rid = repo.create("roadmap", {"title": "Joint exhibition plan", "due_date": "2026-11-24",
                                  "home_lead": "Ministry of Industry", "reports": [
        {"reported_on": "2026-09-07", "progress": 20, "done": "The working group met.",
         "side": "home"}]}).record_id
    window = make_window(repo)
    for language, label, date, due in (
            ("en", "Implementation reports", "2026-09-07", ("Due date", "2026-11-24")),
            ("ru", "Отчёты об исполнении", "07.09.2026", ("Срок исполнения", "24.11.2026"))):
        i18n.set_language(language)
        try:
            assert window.go_to("history")
            history = window.pages["history"]
            history.set_filter("roadmap", rid)
            history.table.selectRow(0)
            rows = {history.details.topLevelItem(i).text(0): history.details.topLevelItem(i)
                    for i in range(history.details.topLevelItemCount())}
            assert label in rows, list(rows)
            after = rows[label].text(2)
            assert after == f"{date} — 20 % — The working group met.", after
            assert "{" not in after and "null" not in after
            assert rows[due[0]].text(2) == due[1]
            fm, room = history.details.fontMetrics(), history.details.columnWidth(0) - 8
            assert [name for name in rows if fm.horizontalAdvance(name) > room] == []  # not cut
        finally:
            i18n.set_language("en")


def test_the_day_filters_write_dates_as_the_window_does(qtbot, repo):
    """The History's From/To showed 2026-11-29 in the Russian window, where every other date
    reads 29.11.2026."""
    from tracker import i18n
    from ui.pages.history import HistoryPage

    for language, shown in (("en", "2026-11-29"), ("ru", "29.11.2026")):
        i18n.set_language(language)
        try:
            page = HistoryPage(repo)
            qtbot.addWidget(page)
            page.from_date.setDate(QDate(2026, 11, 29))
            assert page.from_date.text() == shown
        finally:
            i18n.set_language("en")
