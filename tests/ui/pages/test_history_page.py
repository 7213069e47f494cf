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
