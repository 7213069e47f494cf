"""The daily reminder: shown once a day on opening (what became overdue, what falls due within the
horizon), quietly (a panel, never a dialog), dismissed for the day per database and user."""

from __future__ import annotations

import datetime as dt

import pytest

from ui.deadline_prefs import database_key, dismissed_on, set_horizon_days
from ui.widgets.reminders import check_reminders, dismiss_reminder, panel_of

pytestmark = pytest.mark.gui

DAY = dt.date(2026, 3, 1)


def fill(repo):
    repo.create("roadmap", {"title": "Late item", "due_date": "2026-02-20"})
    repo.create("roadmap", {"title": "Old late item", "due_date": "2025-01-01"})
    repo.create("roadmap", {"title": "Soon item", "due_date": "2026-03-10"})
    repo.create("roadmap", {"title": "Later item", "due_date": "2026-05-01"})


def shown_on(window, qtbot, day) -> bool:
    """Ask for the day's reminder; True when the panel came up."""
    task = check_reminders(window, day)
    if task is None:
        return False
    qtbot.waitUntil(lambda: not window.busy, timeout=10000)
    return panel_of(window).isVisible()


def test_the_reminder_shows_once_a_day_until_dismissed(make_window, repo, qtbot, dialogs):
    fill(repo)
    window = make_window(repo)
    assert shown_on(window, qtbot, DAY)
    text = panel_of(window).body.text()
    assert "2 items are overdue" in text and "Late item" in text and "Old late item" in text
    assert "1 falls due within 14 days" in text and "Soon item" in text
    assert "Later item" not in text
    dismiss_reminder(window)
    assert not panel_of(window).isVisible() and dismissed_on(repo) == DAY
    assert not shown_on(window, qtbot, DAY)  # the same day: not again
    again = make_window(repo)  # opened again that day
    assert not shown_on(again, qtbot, DAY)
    assert shown_on(again, qtbot, DAY + dt.timedelta(days=1))  # the next day it is back
    assert dialogs.calls == []  # never a message box


def test_what_became_overdue_since_the_last_reminder_comes_first(make_window, repo, qtbot):
    fill(repo)
    window = make_window(repo)
    assert shown_on(window, qtbot, DAY)
    dismiss_reminder(window)
    repo.create("roadmap", {"title": "Newly late", "due_date": "2026-03-02"})
    assert shown_on(window, qtbot, dt.date(2026, 3, 5))
    text = panel_of(window).body.text()
    assert "3 items are overdue (1 became overdue since the last reminder)" in text
    assert "Newly late" in text and "Old late item" not in text


def test_the_horizon_is_a_preference(make_window, repo, qtbot):
    fill(repo)
    set_horizon_days(90)
    window = make_window(repo)
    assert shown_on(window, qtbot, DAY)
    assert "2 fall due within 90 days" in panel_of(window).body.text()


def test_nothing_to_say_shows_nothing(make_window, empty_repo, qtbot):
    window = make_window(empty_repo)
    shown_on(window, qtbot, DAY)
    assert not panel_of(window).isVisible()


def test_show_deadlines_goes_to_the_page(make_window, repo, qtbot):
    fill(repo)
    window = make_window(repo)
    assert shown_on(window, qtbot, DAY)
    panel_of(window).show_button.click()
    assert window.current_name() == "deadlines"


def test_dismissal_is_kept_per_database_and_user(repo, tmp_path):
    from tracker.session import open_session

    other = open_session(tmp_path / "other.db", seed=False, user="someone")
    try:
        assert database_key(repo) != database_key(other)
        same_file_other_user = open_session(repo.path, user="another")
        try:
            assert database_key(same_file_other_user) != database_key(repo)
        finally:
            same_file_other_user.close()
    finally:
        other.close()


def test_the_reminder_writes_dates_as_the_language_does(make_window, repo, qtbot):
    """Like the dashboard: "20 February 2026", not the stored 2026-02-20."""
    fill(repo)
    window = make_window(repo)
    assert shown_on(window, qtbot, DAY)
    panel = panel_of(window)
    assert panel.title.text() == "Reminders for 1 March 2026"
    assert "20 February 2026 · Due · Late item" in panel.body.text()
    assert "2026-02-20" not in panel.body.text()
