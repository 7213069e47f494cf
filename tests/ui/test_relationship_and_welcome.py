"""A new database asks which relationship it records and greets the user with what to do first
(name it, add a source, import a colleague's export) instead of a dashboard of zeros; File ›
Relationship… renames it, audited, and the dashboard follows at once."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QFileDialog

from tracker.model import SOURCE_KIND
from tracker.session import open_session
from ui.dialogs.relationship import RelationshipDialog


def _answer(monkeypatch, values: dict | None):
    """The Relationship dialog, when it opens, filled with ``values`` and OK pressed (None:
    Cancel); returns the list of dialogs opened."""
    opened = []

    def exec_(dialog):
        opened.append(dialog)
        if values is None:
            dialog.reject()
            return QDialog.DialogCode.Rejected
        dialog.home_edit.setText(values.get("home_country", ""))
        dialog.partner_edit.setText(values.get("partner_country", ""))
        dialog.title_edit.setText(values.get("relationship_title", ""))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(RelationshipDialog, "exec", exec_)
    return opened


def test_a_new_database_asks_for_the_relationship_and_greets_with_first_steps(
        make_window, repo, tmp_path, monkeypatch, qtbot):
    window = make_window(repo)
    assert not window.pages["dashboard"].welcome.isVisibleTo(window)  # the seeded file
    new = tmp_path / "new.db"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(new), ""))
    opened = _answer(monkeypatch, {"home_country": "Belarus", "partner_country": "Казахстан"})
    window.new_db_action.trigger()
    assert window.repo.path == new and len(opened) == 1
    assert opened[0].intro.text().startswith("This database is new.")
    assert window.repo.sides() == ("Belarus", "Казахстан")
    assert window.repo.history("settings", limit=1)[0]["after"]["partner_country"] == "Казахстан"
    dashboard = window.pages["dashboard"]
    dashboard.ensure_loaded()
    welcome = dashboard.welcome
    assert welcome.isVisibleTo(window) and not dashboard.scroll.isVisibleTo(window)
    assert welcome.heading.text() == "Belarus – Казахстан"
    assert welcome.marks[0].text() == "✓" and welcome.marks[1].text() == "2."
    # 2: Add a source opens the Sources page on a new record
    welcome.source_button.click()
    assert window.current_name() == SOURCE_KIND.name
    page = window.record_page()
    assert page.form.record_id is None and page.form.isEnabled()
    # 3: Import asks for a colleague's file (cancelled here: nothing happens)
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: asked.append(a) or ("", ""))
    window.go_to("dashboard")
    welcome.import_button.click()
    assert asked
    # a record (not a source) makes it a dashboard
    window.repo.create("agreements", {"title": "Treaty"})
    dashboard.refresh()
    assert not welcome.isVisibleTo(window) and dashboard.scroll.isVisibleTo(window)
    assert dashboard.title.text() == "Belarus – Казахстан"


def test_file_relationship_renames_it_audited_and_the_dashboard_follows(
        make_window, repo, monkeypatch, qtbot):
    window = make_window(repo)
    window.go_to("dashboard")
    window.pages["dashboard"].ensure_loaded()
    entries = repo.history_count("settings")
    _answer(monkeypatch, {"home_country": "Belarus", "partner_country": "Uzbekistan",
                          "relationship_title": "Belarus – Uzbekistan\x07 <b>cooperation</b>"})
    window.relationship_action.trigger()
    assert repo.settings()["relationship_title"] == "Belarus – Uzbekistan <b>cooperation</b>"
    assert window.pages["dashboard"].title.text() == "Belarus – Uzbekistan <b>cooperation</b>"
    assert repo.history_count("settings") == entries + 1
    window.relationship_action.trigger()  # OK without a change writes nothing
    assert repo.history_count("settings") == entries + 1
    _answer(monkeypatch, None)
    window.relationship_action.trigger()  # Cancel
    assert repo.history_count("settings") == entries + 1


def test_a_read_only_database_shows_the_relationship_but_cannot_change_it(
        make_window, tmp_path, qtbot):
    path = tmp_path / "empty.db"
    open_session(path, seed=False).close()
    repo = open_session(path, read_only=True)
    try:
        window = make_window(repo)
        assert not window.relationship_action.isEnabled()
        dialog = RelationshipDialog(repo, window)
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
        dashboard = window.pages["dashboard"]
        dashboard.ensure_loaded()
        assert dashboard.welcome.isVisibleTo(window)
        assert not dashboard.welcome.name_button.isEnabled()
        assert dashboard.welcome.read_only_note.isVisibleTo(window)
    finally:
        repo.close()


def test_importing_a_colleagues_export_names_the_relationship_on_a_new_desk(
        make_window, tmp_path, monkeypatch, qtbot, dialogs):
    import json

    from PySide6.QtWidgets import QMessageBox

    file = tmp_path / "colleague.json"
    file.write_text(json.dumps({"_settings": [
        {"key": "home_country", "value": "Belarus"},
        {"key": "partner_country", "value": "Kazakhstan"}]}), encoding="utf-8")
    path = tmp_path / "new.db"
    open_session(path, seed=False, user="me").close()
    repo = open_session(path, user="me")
    try:
        repo.set_settings({"partner_country": "Uzbekistan"})
        window = make_window(repo)
        monkeypatch.setattr(QFileDialog, "getOpenFileName",
                            staticmethod(lambda *a, **k: (str(file), "")))
        dialogs.answers.append(QMessageBox.StandardButton.Yes)
        window.pages["dashboard"].welcome.import_button.click()
        qtbot.waitUntil(lambda: "Imported" in window.statusBar().currentMessage(),
                        timeout=10000)
        kind, _title, text = dialogs.calls[0]
        assert kind == "question"
        assert "Home country: Belarus (not set here: taken from the file)" in text
        assert "Partner country: Uzbekistan kept (the file says Kazakhstan" in text
        assert repo.sides() == ("Belarus", "Uzbekistan")
        assert window.pages["dashboard"].welcome.heading.text() == "Belarus – Uzbekistan"
    finally:
        repo.close()
