"""ui.tasks: work off the GUI thread, each task on a session of its own, its change routed, its
failure one plain-text message, and none outliving its window."""

from __future__ import annotations

import threading
import time

import pytest

from tracker.store.errors import DatabaseClosed
from ui import tasks as tasks_module
from ui.tasks import Cancelled

pytestmark = pytest.mark.gui


def test_a_task_runs_off_the_gui_thread_on_a_read_only_session_of_its_own(main_window, repo,
                                                                          qtbot):
    seen = {}
    results = []

    def work(session, task):
        seen.update(thread=threading.get_ident(), session=session, read_only=session.read_only,
                    path=session.path, count=session.count("roadmap"))
        return "result"

    def done(result):
        seen["done_thread"] = threading.get_ident()
        results.append(result)

    main_window.tasks.run(work, done=done)
    assert main_window.busy
    qtbot.waitUntil(lambda: not main_window.busy, timeout=10000)
    assert results == ["result"]
    assert seen["thread"] != threading.get_ident()  # the work: another thread
    assert seen["done_thread"] == threading.get_ident()  # its outcome: the GUI thread
    assert seen["session"] is not repo and seen["path"] == repo.path
    assert seen["read_only"] is True and seen["count"] == repo.count("roadmap")
    assert seen["session"].closed  # closed by the task when the work returned


def test_a_writing_task_routes_its_change_to_the_pages_it_names(make_window, repo, qtbot):
    from tracker.store.repository import Repository

    repo = Repository(repo.path, user="tester")  # a session that has written nothing yet
    main_window = make_window(repo)
    page = main_window.pages["roadmap"]
    assert main_window.go_to("roadmap")
    before = page.model.rowCount()
    users = []

    def work(session, task):
        users.append(session.user)
        return session.create("roadmap", {"title": "Written by a task"})

    assert not repo.changed
    main_window.tasks.run(work, writes=True)
    qtbot.waitUntil(lambda: not main_window.busy, timeout=10000)
    assert users == ["tester"]  # written as the window's user
    assert page.model.rowCount() == before + 1  # the page it touched shows it
    assert main_window.statusBar().currentMessage() == "New road-map item"
    assert repo.changed  # the backup on closing counts it


def test_a_change_is_not_routed_to_another_database_opened_meanwhile(main_window, repo, qtbot,
                                                                     tmp_path):
    release = threading.Event()
    routed = []
    main_window.tasks.route = routed.append

    def work(session, task):
        release.wait(10)
        return session.create("roadmap", {"title": "For the first file"})

    main_window.tasks.run(work, writes=True)
    assert main_window.open_database(str(tmp_path / "other.db"), seed=True)
    release.set()
    qtbot.waitUntil(lambda: not main_window.busy, timeout=10000)
    assert routed == []
    assert not main_window.repo.ids("roadmap", search="For the first file")
    assert repo.closed  # (the first file's session was closed when the other was opened)


def test_a_failure_becomes_one_plain_text_message(main_window, qtbot, dialogs):
    done, ended = [], []

    def work(session, task):
        raise ValueError("the file\n   is <b>not</b> &amp; an export")

    dialogs.answers.append(None)
    main_window.tasks.run(work, done=done.append, failed_title="Not imported",
                          ended=lambda: ended.append(True))
    qtbot.waitUntil(lambda: bool(ended), timeout=10000)
    assert dialogs.calls == [("critical", "Not imported", "the file is <b>not</b> &amp; an export")]
    assert done == [] and not main_window.busy


def test_describe_says_why_in_the_tasks_own_words(main_window, qtbot):
    failed = []
    main_window.tasks.run(lambda session, task: 1 / 0, failed=failed.append,
                          describe=lambda exc: f"nothing was written ({type(exc).__name__})")
    qtbot.waitUntil(lambda: bool(failed), timeout=10000)
    assert failed == ["nothing was written (ZeroDivisionError)"]


def test_progress_reaches_the_gui_in_order_and_at_most_a_thousand_times(main_window, qtbot):
    reports, ended = [], []

    def work(session, task):
        for i in range(1, 20001):
            task.progress(i, 20000)

    main_window.tasks.run(work, progress=lambda d, t: reports.append(d),
                          ended=lambda: ended.append(True))
    qtbot.waitUntil(lambda: bool(ended), timeout=10000)
    assert 0 < len(reports) <= tasks_module.PROGRESS_STEPS + 1
    assert reports == sorted(reports) and reports[-1] == 20000


def test_cancel_stops_work_that_asks(main_window, qtbot):
    started, cancelled, done = threading.Event(), [], []

    def work(session, task):
        started.set()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if task.is_cancelled():
                raise Cancelled
            time.sleep(0.005)
        return "finished"

    task = main_window.tasks.run(work, done=done.append,
                                 cancelled=lambda: cancelled.append(True))
    assert started.wait(10)
    task.cancel()
    qtbot.waitUntil(lambda: bool(cancelled), timeout=5000)
    assert done == []


def test_closing_the_window_cancels_and_waits_for_its_tasks(make_window, repo, qtbot):
    window = make_window(repo)
    started = threading.Event()
    seen, outcomes = {}, []

    def work(session, task):
        seen["session"] = session
        started.set()
        while not task.is_cancelled():
            time.sleep(0.005)
        seen["cancelled_at"] = time.monotonic()
        raise Cancelled

    window.tasks.run(work, done=outcomes.append, cancelled=lambda: outcomes.append("cancelled"),
                     ended=lambda: outcomes.append("ended"))
    assert started.wait(10)
    window.close()  # returns once the task has ended
    assert "cancelled_at" in seen and seen["session"].closed
    assert not window.busy
    qtbot.wait(50)  # the outcome already posted to the GUI thread goes nowhere
    assert outcomes == []


def test_a_task_never_touches_a_database_closed_after_its_window(make_window, repo, qtbot):
    """Work that does not look at cancel is waited for; its outcome, which would read the
    window's session, is dropped: the window and its session are gone by then."""
    window = make_window(repo)
    started = threading.Event()
    errors = []

    def done(result):
        try:
            window.repo.count("roadmap")
        except DatabaseClosed as exc:  # what reaching the closed session would do
            errors.append(exc)

    def work(session, task):
        started.set()
        time.sleep(0.2)
        return session.count("roadmap")

    task = window.tasks.run(work, done=done)
    assert started.wait(10)
    window.close()
    assert task.isFinished()
    repo.close()  # the session the window had
    qtbot.wait(100)
    assert errors == []


def test_a_dialogs_tasks_end_with_the_window_too(main_window, qtbot):
    """Every task under the window (a dialog's too) is stopped when it closes."""
    from PySide6.QtWidgets import QDialog

    from ui.tasks import Tasks

    dialog = QDialog(main_window)
    dialog_tasks = Tasks(dialog, lambda: main_window.repo)
    started = threading.Event()

    def work(session, task):
        started.set()
        while not task.is_cancelled():
            time.sleep(0.005)
        raise Cancelled

    task = dialog_tasks.run(work)
    assert started.wait(10)
    main_window.close()
    assert task.isFinished() and not dialog_tasks


def test_a_busy_indicator_shows_while_a_long_task_runs(main_window, qtbot):
    from PySide6.QtWidgets import QApplication, QProgressDialog

    release = threading.Event()
    main_window.tasks.run(lambda session, task: release.wait(10), busy=("Import", "Checking…"))

    def shown():
        return [w for w in QApplication.topLevelWidgets()
                if isinstance(w, QProgressDialog) and w.isVisible()]

    qtbot.waitUntil(lambda: bool(shown()), timeout=1500)
    assert shown()[0].labelText() == "Checking…" and shown()[0].windowTitle() == "Import"
    release.set()
    qtbot.waitUntil(lambda: not main_window.busy, timeout=5000)
    assert not shown()
