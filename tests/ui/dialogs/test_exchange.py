"""File › Export… and Import… in the main window: the file written, the preview, the backup,
the refusal of a bad file, and nothing lost on the way."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from tracker.exchange import export_data, write_json
from tracker.exchange.relationship import export_settings
from tracker.model import KIND_ORDER
from tracker.session import open_session
from tracker.store.repository import Repository
from ui.dialogs import exchange

pytestmark = pytest.mark.gui

Yes, No = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


def comparable(data):
    local = {"id", "updated_at", "updated_by", "version"}
    return {kind: [{k: v for k, v in r.items() if k not in local} for r in records]
            for kind, records in data.items()}


def save_as(monkeypatch, path: Path, csv: bool = False):
    def answer(parent, caption, start, filters):
        json_filter, csv_filter = filters.split(";;")
        return str(path), csv_filter if csv else json_filter
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(answer))


def open_file(monkeypatch, path: Path):
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))


def outcome(qtbot, window, dialogs, message="Imported", calls=0):
    """Wait for a background import to end: a status message, or a message box beyond the first
    ``calls`` recorded ones (the preview's question is one)."""
    qtbot.waitUntil(lambda: message in window.statusBar().currentMessage()
                    or any(k in ("critical", "information") for k, _t, _x in dialogs.calls)
                    or len(dialogs.calls) > calls, timeout=10000)


def exported(qtbot, window, dialogs):
    """Wait for the background export's outcome: a status message, or a message box."""
    qtbot.waitUntil(lambda: "Exported" in window.statusBar().currentMessage()
                    or any(k == "critical" for k, _t, _x in dialogs.calls), timeout=10000)


def test_export_writes_every_record_as_json(main_window, repo, qtbot, monkeypatch, tmp_path,
                                            dialogs):
    repo.create("roadmap", {"title": 'Hostile <b>"x"</b> & =cmd ёлка 🎉'})
    repo.delete("farms", 1)  # the trash travels too
    save_as(monkeypatch, tmp_path / "desk")  # no ending typed: .json is added
    main_window.export_action.trigger()
    exported(qtbot, main_window, dialogs)
    out = tmp_path / "desk.json"
    data = json.loads(out.read_text(encoding="utf-8"))
    expected = write_json(tmp_path / "expected.json",  # what the core writes
                          {**export_data(repo), "_settings": export_settings(repo)})
    assert comparable(data) == comparable(json.loads(Path(expected).read_text(encoding="utf-8")))
    assert str(out) in main_window.statusBar().currentMessage()


def test_export_to_csv_files_in_a_zip(main_window, repo, qtbot, monkeypatch, tmp_path,
                                      dialogs):
    save_as(monkeypatch, tmp_path / "desk.zip", csv=True)
    main_window.export_action.trigger()
    exported(qtbot, main_window, dialogs)
    with zipfile.ZipFile(tmp_path / "desk.zip") as zf:
        # one file per kind, and the relationship's settings (tracker.exchange.csv_format)
        assert sorted(zf.namelist()) == sorted([f"{k}.csv" for k in KIND_ORDER]
                                               + ["_settings.txt"])


def test_a_failed_export_says_why_and_writes_nothing(main_window, qtbot, monkeypatch, tmp_path,
                                                     dialogs):
    target = tmp_path / "no such folder" / "desk.json"
    save_as(monkeypatch, target)
    dialogs.answers.append(None)
    main_window.export_action.trigger()
    exported(qtbot, main_window, dialogs)
    kind, title, text = dialogs.calls[-1]
    assert kind == "critical" and "not exported" in text and str(target) in text
    assert not target.parent.exists()


def test_export_path_follows_the_chosen_filter():
    assert exchange.export_path("/x/a", "JSON", "CSV") == (Path("/x/a.json"), "json")
    assert exchange.export_path("/x/a.json", "CSV", "CSV") == (Path("/x/a.json.zip"), "csv")
    assert exchange.export_path("/x/a.ZIP", "JSON", "CSV") == (Path("/x/a.ZIP"), "csv")


def test_import_previews_backs_up_and_shows_the_new_records(make_window, repo, qtbot,
                                                           monkeypatch, tmp_path, dialogs):
    from tracker.store.sqlite.backup import list_backups

    other_path = tmp_path / "other.db"
    with open_session(other_path, seed=True) as other:
        other.create("roadmap", {"title": "From the other office"})
        data = export_data(other)
    data["roadmap"][0]["notes"] = "Updated by the other office"
    file = tmp_path / "from-other.json"
    write_json(file, data)
    repo = Repository(repo.path, user="tester")  # a session that has written nothing yet
    window = make_window(repo)
    assert not repo.changed
    backups_before = len(list_backups(repo.path))
    open_file(monkeypatch, file)
    dialogs.answers.append(Yes)
    window.import_action.trigger()
    outcome(qtbot, window, dialogs, calls=1)  # the question, then the import
    kind, _title, text = dialogs.calls[-1]
    assert kind == "question"
    assert "New records: 1\nChanged records: 1\n" in text and "backup" in text
    assert len(list_backups(repo.path)) == backups_before + 1
    found = repo.list("roadmap", search="from the other")
    assert [r["title"] for r in found] == ["From the other office"]
    assert repo.list("roadmap", sort="id")[0]["notes"] == "Updated by the other office"
    entry = repo.history(limit=1)[0]
    assert entry["action"] == "import" and entry["user"] == repo.user  # the window's user
    assert repo.changed  # so the backup on closing counts this session
    assert window.go_to("roadmap")
    page = window.pages["roadmap"]
    assert page.model.rowCount() == repo.count("roadmap")  # the page shows them
    assert "Imported from-other.json: 1 created, 1 updated" in \
        window.statusBar().currentMessage()


def test_declining_the_import_writes_nothing(main_window, repo, qtbot, monkeypatch, tmp_path,
                                             dialogs):
    with open_session(tmp_path / "o.db", seed=True) as other:
        other.create("people", {"title": "Someone new"})
        write_json(tmp_path / "o.json", export_data(other))
    open_file(monkeypatch, tmp_path / "o.json")
    entries = repo.history_count()
    writes = []
    original = exchange.import_work

    def counted(*args, **kwargs):
        writes.append(kwargs["write"])
        return original(*args, **kwargs)

    monkeypatch.setattr(exchange, "import_work", counted)
    dialogs.answers.append(No)
    main_window.import_action.trigger()
    outcome(qtbot, main_window, dialogs)
    assert dialogs.calls[-1][0] == "question"
    qtbot.waitUntil(lambda: not main_window.busy)
    assert writes == [False]  # the preview only: no import was started
    assert repo.history_count() == entries
    assert not repo.list("people", search="Someone new")


def test_a_file_with_bad_records_is_refused_naming_each(main_window, repo, qtbot, monkeypatch,
                                                        tmp_path, dialogs):
    bad = {"roadmap": [{"title": ""}, {"title": "ok", "progress": 250},
                       {"title": "<b>x</b>", "status": "someday"}]}
    (tmp_path / "bad.json").write_text(json.dumps(bad), encoding="utf-8")
    open_file(monkeypatch, tmp_path / "bad.json")
    entries = repo.history_count()
    dialogs.answers.append(None)
    main_window.import_action.trigger()
    outcome(qtbot, main_window, dialogs)
    kind, title, text = dialogs.calls[-1]
    assert kind == "critical" and "bad.json cannot be imported" in text
    assert "title" in text and "progress" in text and "status" in text
    assert "nothing was imported" in text
    assert repo.history_count() == entries


@pytest.mark.parametrize("content", [b"", b"not json at all", b"\xff\xfe\x00", b"[1, 2]",
                                     b'{"spaceships": []}'])
def test_a_file_that_is_no_export_is_refused(main_window, repo, qtbot, monkeypatch, tmp_path,
                                             dialogs, content):
    (tmp_path / "x.json").write_bytes(content)
    open_file(monkeypatch, tmp_path / "x.json")
    dialogs.answers.append(None)
    main_window.import_action.trigger()
    outcome(qtbot, main_window, dialogs)
    assert dialogs.calls[-1][0] == "critical"
    assert "x.json cannot be imported" in dialogs.calls[-1][2]


def test_importing_what_is_already_here_says_so(main_window, repo, qtbot, monkeypatch,
                                                tmp_path, dialogs):
    write_json(tmp_path / "same.json", export_data(repo))
    open_file(monkeypatch, tmp_path / "same.json")
    dialogs.answers.append(None)
    entries = repo.history_count()
    main_window.import_action.trigger()
    outcome(qtbot, main_window, dialogs)
    assert dialogs.calls[-1][0] == "information" and "Nothing to import" in dialogs.calls[-1][2]
    assert repo.history_count() == entries


def test_import_is_disabled_on_a_read_only_file(make_window, db_path):
    with open_session(db_path, seed=True):
        pass
    repo = Repository(db_path, read_only=True)
    try:
        window = make_window(repo)
        assert not window.import_action.isEnabled()
        assert window.export_action.isEnabled()
    finally:
        window.close()
        repo.close()


def test_a_long_job_shows_a_busy_indicator_and_blocks_a_second_one(main_window, qtbot,
                                                                   monkeypatch, tmp_path,
                                                                   dialogs):
    import threading

    from PySide6.QtWidgets import QApplication, QProgressDialog

    release = threading.Event()

    def slow_job(*_args, **_kwargs):
        release.wait(10)
        raise OSError("stopped")

    monkeypatch.setattr(exchange, "import_work", slow_job)
    open_file(monkeypatch, tmp_path / "slow.json")
    main_window.import_action.trigger()
    assert main_window.busy
    assert not main_window.import_action.isEnabled() and not main_window.export_action.isEnabled()

    def indicator_shown():
        return any(isinstance(w, QProgressDialog) and w.isVisible()
                   for w in QApplication.topLevelWidgets())

    qtbot.waitUntil(indicator_shown, timeout=1500)  # within ~300 ms, not Qt's default 4 s
    dialogs.answers.append(None)
    release.set()
    qtbot.waitUntil(lambda: not main_window.busy, timeout=5000)
    assert dialogs.calls[-1][0] == "critical" and "stopped" in dialogs.calls[-1][2]
    assert main_window.import_action.isEnabled() and main_window.export_action.isEnabled()
    assert not indicator_shown()


def test_export_this_list_writes_the_rows_the_page_shows(main_window, repo, qtbot,
                                                        monkeypatch, tmp_path, dialogs):
    import csv

    for i in range(3):
        repo.create("roadmap", {"title": f"Exhibition step {i}", "due_date": f"203{i}-01-01"})
    assert main_window.go_to("roadmap")
    page = main_window.pages["roadmap"]
    page.filter_edit.setText("exhibition")
    page.apply_filter()
    page.model.sort(page.model.column_of("due_date"), Qt.SortOrder.DescendingOrder)
    shown = [page.model.id_at(r) for r in range(page.model.rowCount())]
    assert 3 <= len(shown) < repo.count("roadmap")
    assert main_window.export_list_action.isEnabled()
    target = tmp_path / "list"
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(target), "")))
    main_window.export_list_action.trigger()
    exported(qtbot, main_window, dialogs)
    raw = (tmp_path / "list.csv").read_bytes()
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:2] == ["#", "Title"]
    assert [int(r[0]) for r in rows[1:]] == shown  # the same rows, in the same order
    assert f"Exported {len(shown)} rows" in main_window.statusBar().currentMessage()
    main_window.go_to("dashboard")
    assert not main_window.export_list_action.isEnabled()  # a list page only


def test_an_ending_added_after_the_dialog_does_not_overwrite_silently(main_window, monkeypatch,
                                                                      tmp_path, dialogs):
    existing = tmp_path / "desk.json"
    existing.write_text("keep me", encoding="utf-8")
    save_as(monkeypatch, tmp_path / "desk")  # the dialog saw "desk", not "desk.json"
    dialogs.answers.append(No)
    main_window.export_action.trigger()
    kind, _title, text = dialogs.calls[-1]
    assert kind == "question" and "desk.json already exists" in text
    assert not main_window.busy and existing.read_text(encoding="utf-8") == "keep me"


def test_hidden_columns_stay_hidden_and_out_of_the_list_export(main_window, repo, qtbot,
                                                              monkeypatch, tmp_path, dialogs):
    import csv

    from PySide6.QtCore import QSettings

    page = main_window.pages["roadmap"]
    assert main_window.go_to("roadmap")
    area = page.model.column_of("area")
    menu = page.table.column_menu()
    toggles = {a.text(): a for a in menu.actions() if a.isCheckable()}
    assert not toggles["Title"].isEnabled()  # the title is always shown
    toggles["Area"].trigger()
    assert page.table.horizontalHeader().isSectionHidden(area)
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(tmp_path / "l.csv"), "")))
    main_window.export_list_action.trigger()
    exported(qtbot, main_window, dialogs)
    header = next(csv.reader((tmp_path / "l.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert "Area" not in header and header[:3] == ["#", "Title", "Status"]
    page.save_state(QSettings())  # a later session: the same columns
    from ui.pages.record_page import RecordPage

    again = RecordPage(repo, "roadmap")
    again.restore_state(QSettings())
    assert again.table.horizontalHeader().isSectionHidden(area)
    again.deleteLater()


def test_a_saved_header_of_another_release_or_language_keeps_the_title(make_window, repo,
                                                                       qtbot):
    """A header state with other columns (an older release) is dropped, the title is never
    hidden, and hidden columns go by field name, whatever the interface language."""
    from PySide6.QtCore import QSettings

    from tracker import i18n
    from ui.pages.record_page import RecordPage

    settings = QSettings()
    wide = RecordPage(repo, "meetings")  # six columns, the first hidden
    wide.table.horizontalHeader().setSectionHidden(0, True)
    settings.setValue(f"pages/roadmap/columns-{i18n.current_language()}",
                      wide.table.horizontalHeader().saveState())
    settings.setValue("pages/roadmap/hidden_columns", ["title", "area"])
    wide.deleteLater()
    page = RecordPage(repo, "roadmap")
    page.restore_state(settings)
    header = page.table.horizontalHeader()
    assert header.count() == len(page.model.fields)
    assert not header.isSectionHidden(page.model.column_of("title"))
    assert header.isSectionHidden(page.model.column_of("area"))
    shown = page.table.shown_columns()
    assert shown[0] == "title" and "area" not in shown
    page.table.show_column(page.model.column_of("area"), True)
    page.save_state(settings)
    i18n.set_language("ru")
    try:
        again = RecordPage(repo, "roadmap")
        again.restore_state(settings)
        assert not again.table.horizontalHeader().isSectionHidden(again.model.column_of("area"))
    finally:
        i18n.set_language("en")
    page.deleteLater()
    again.deleteLater()


def test_older_records_are_listed_and_only_skipped_never_overwritten(
        main_window, repo, qtbot, monkeypatch, tmp_path, dialogs):
    from ui import messages

    old = tmp_path / "old.json"
    write_json(old, export_data(repo))
    repo.update("people", 1, {"position": "Edited here"}, expected_version=1)
    repo.delete("plants", 1)
    data = json.loads(old.read_text(encoding="utf-8"))
    data["people"][0]["position"] = "From the old file"
    data["people"].append({"title": "A new contact"})
    write_json(old, data)
    asked = []

    def question(parent, title, text, buttons=None, default=None, labels=None):
        asked.append((text, buttons, default, labels))
        return asked_answer[0]

    monkeypatch.setattr(messages, "question", question)
    open_file(monkeypatch, old)
    entries = repo.history_count()
    asked_answer = [QMessageBox.StandardButton.Cancel]
    main_window.import_action.trigger()
    qtbot.waitUntil(lambda: bool(asked) and not main_window.busy, timeout=10000)
    text, buttons, default, labels = asked[-1]
    assert "people 1 #1 'Alexander Lukashenko': version 1 in the file, 2 here" in text
    assert "plants 1" in text and "(in the trash here)" in text
    assert "New records: 1" in text and "2 records" in text
    assert labels[QMessageBox.StandardButton.Yes] == "Skip older"
    assert default == QMessageBox.StandardButton.Cancel
    assert repo.history_count() == entries  # cancelled: nothing written

    asked_answer[0] = QMessageBox.StandardButton.Yes  # skip the older ones, import the rest
    main_window.import_action.trigger()
    outcome(qtbot, main_window, dialogs, message="Imported")
    qtbot.waitUntil(lambda: not main_window.busy, timeout=10000)
    assert repo.get("people", 1)["position"] == "Edited here"
    assert repo.get("plants", 1)["deleted_at"]
    assert repo.list("people", search="new contact")
    assert "2 older records skipped" in main_window.statusBar().currentMessage()


def test_the_preview_says_how_a_spreadsheets_csv_was_read(main_window, repo, qtbot,
                                                         monkeypatch, tmp_path, dialogs):
    path = tmp_path / "excel.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("people.csv", "title;position\r\nПётр Ёлкин;Посол\r\n".encode("cp1251"))
    open_file(monkeypatch, path)
    dialogs.answers.append(No)
    main_window.import_action.trigger()
    outcome(qtbot, main_window, dialogs)
    kind, _title, text = dialogs.calls[-1]
    assert kind == "question" and "New records: 1" in text
    assert "people.csv: Windows-1251, semicolon-separated, 1 record" in text


def test_an_import_shows_a_bar_and_the_stage_it_is_at(main_window, qtbot, monkeypatch, tmp_path,
                                                      dialogs):
    """A long import's busy box is a bar (not an endless "working…") that says which stage runs:
    here held while it checks the file's records, a third of the way along."""
    import threading

    from PySide6.QtWidgets import QApplication, QProgressDialog

    with open_session(tmp_path / "o.db", seed=True) as other:
        other.create("people", {"title": "Someone new"})
        write_json(tmp_path / "o.json", export_data(other))
    open_file(monkeypatch, tmp_path / "o.json")
    checking, release = threading.Event(), threading.Event()
    original = exchange.import_work

    class HeldWhileChecking:  # the task, its progress reports held once checking has begun
        def __init__(self, task):
            self.task = task

        def progress(self, done, total):
            self.task.progress(done, total)
            if done >= 1000 and not checking.is_set():
                checking.set()
                release.wait(10)

    monkeypatch.setattr(exchange, "import_work", lambda session, task, file, **kwargs: original(
        session, HeldWhileChecking(task), file, **kwargs))

    def bar():
        shown = [w for w in QApplication.topLevelWidgets()
                 if isinstance(w, QProgressDialog) and w.isVisible()]
        return shown[0] if shown else None

    dialogs.answers.append(No)
    main_window.import_action.trigger()
    try:
        qtbot.waitUntil(checking.is_set, timeout=5000)
        qtbot.waitUntil(lambda: bar() is not None and bar().maximum() == 1000
                        and bar().value() >= 333, timeout=3000)
        assert "Checking every record" in bar().labelText()
    finally:
        release.set()
    qtbot.waitUntil(lambda: not main_window.busy, timeout=10000)
    assert dialogs.calls[-1][0] == "question"  # the preview, declined
    assert bar() is None
