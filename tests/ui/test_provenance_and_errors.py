"""Finding quotes in source text; a full disk during a save; the history page."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from ui.pages.history import HistoryPage
from ui.widgets.provenance import SourceViewer, find_quote

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(("text", "quote", "found"), [
    ("He said:\u00a0we will\u00a0 study it.", "we will study it", "we will\u00a0 study it"),
    ("Line one\nand two", "one and", "one\nand"),
    ("The “road map” is ready", '"road map"', "“road map”"),
    ("Belarus–Kazakhstan talks", "Belarus-Kazakhstan", "Belarus–Kazakhstan"),
    ("ALZhIR museum", "alzhir MUSEUM", "ALZhIR museum"),
    ("Ёлка и ель", "ёлка", "Ёлка"),
])
def test_find_quote_ignores_white_space_quote_marks_dashes_and_case(text, quote, found):
    span = find_quote(text, quote)
    assert span is not None
    assert text[span[0]:span[1]] == found


@pytest.mark.parametrize("quote", ["", "   ", "not in the text"])
def test_find_quote_reports_absence(quote):
    assert find_quote("Some source text", quote) is None


def test_source_viewer_highlights_every_seeded_quote(qtbot, repo):
    """Every quote the seed records is found in its source (the article has no-break spaces)."""
    checked = 0
    for kind in ("agreements", "plants", "farms", "roadmap", "meetings", "people"):
        for row in repo.list(kind, columns=["id"]):
            for c in repo.citations(kind, row["id"]):
                viewer = SourceViewer(repo, c["source_id"], c["quote"])
                qtbot.addWidget(viewer)
                assert viewer.span is not None, c["quote"]
                assert len(viewer.text.extraSelections()) == 1
                checked += 1
    assert checked >= 10


def test_source_viewer_says_when_a_quote_is_missing(qtbot, repo):
    viewer = SourceViewer(repo, 1, "words that are nowhere in the article <b>")
    qtbot.addWidget(viewer)
    assert viewer.span is None
    assert "not found" in viewer.status.text()
    assert viewer.text.extraSelections() == []


def test_a_full_disk_keeps_the_edit_and_retrying_works(main_window, repo, dialogs):
    page = main_window.pages["roadmap"]
    main_window.go_to("roadmap")
    page.select_record(1)
    pages = repo.backend.conn.execute("PRAGMA page_count").fetchone()[0]
    repo.backend.conn.execute(f"PRAGMA max_page_count = {pages}")
    big = "Long notes. " * 5_000  # within the field limit, beyond the free pages
    page.form.editors["notes"].set_value(big)
    page.form.check_changes()
    version = repo.get("roadmap", 1)["version"]
    dialogs.answers = [QMessageBox.StandardButton.Ok]
    assert main_window.save_record() is None
    kind, _title, text = dialogs.calls[-1]
    assert kind == "critical" and "not saved" in text and "still in the form" in text
    assert repo.get("roadmap", 1)["version"] == version  # nothing written
    assert page.form.is_dirty()
    assert page.form.editors["notes"].value() == big
    repo.backend.conn.execute("PRAGMA max_page_count = 1073741823")
    assert main_window.save_record() is not None
    assert repo.get("roadmap", 1)["notes"] == big.strip()


def test_history_page_filters_by_record_and_shows_what_changed(main_window, repo, qtbot):
    page = main_window.pages["roadmap"]
    main_window.go_to("roadmap")
    page.select_record(2)
    page.form.editors["progress"].spin.setValue(60)
    main_window.save_action.trigger()
    main_window.record_history_action.trigger()
    history: HistoryPage = main_window.pages["history"]
    assert main_window.current_name() == "history"
    assert history.model.rowCount() == repo.history_count("roadmap", 2) == 2
    assert history.kind_combo.currentData() == "roadmap"
    assert history.record_label.text() == f"Record: {repo.get('roadmap', 2)['title']} (#2)"
    rows = [[history.details.topLevelItem(i).text(c) for c in range(3)]
            for i in range(history.details.topLevelItemCount())]
    assert rows == [["Progress, %", "0", "60"]]
    history.set_filter(None, None)
    assert history.model.rowCount() == repo.history_count()
    history.table.selectRow(0)
    history.open_current()
    assert main_window.current_name() == "roadmap"
    assert page.form.record_id == 2


def _quote_dialog_answers(monkeypatch, fill):
    """Replace the quote dialog's exec(): ``fill(dialog)`` plays the user, then OK."""
    from PySide6.QtWidgets import QDialog

    from ui.widgets.provenance import QuoteDialog

    def fake_exec(dialog):
        fill(dialog)
        return QDialog.DialogCode.Accepted if dialog.buttons.button(
            dialog.buttons.StandardButton.Ok).isEnabled() else QDialog.DialogCode.Rejected

    monkeypatch.setattr(QuoteDialog, "exec", fake_exec)


def test_quotes_are_added_and_removed_and_undone(main_window, repo, monkeypatch, qtbot):
    page = main_window.pages["roadmap"]
    main_window.go_to("roadmap")
    page.select_record(4)
    before = [c["quote"] for c in repo.citations("roadmap", 4)]
    words = "Personal meetings of the presidents of Belarus and Kazakhstan"
    _quote_dialog_answers(monkeypatch, lambda d: d.quote.setPlainText(words))
    page.provenance.add_button.click()
    assert [c["quote"] for c in repo.citations("roadmap", 4)] == [*before, words]
    assert page.provenance.list.count() == len(before) + 1
    assert main_window.undo_action.text() == "Undo Edit sources of road-map item"
    assert not page.form.is_dirty()

    page.provenance.list.setCurrentRow(len(before))
    page.provenance.remove_button.click()
    assert [c["quote"] for c in repo.citations("roadmap", 4)] == before
    main_window.undo_action.trigger()  # the removal is undone
    assert [c["quote"] for c in repo.citations("roadmap", 4)] == [*before, words]


def test_a_quote_that_is_not_in_the_source_is_refused(main_window, repo, monkeypatch):
    page = main_window.pages["roadmap"]
    main_window.go_to("roadmap")
    page.select_record(4)
    before = repo.citations("roadmap", 4)
    seen = {}

    def fill(dialog):
        dialog.quote.setPlainText("Words the article never says")
        seen["status"] = dialog.status.text()

    _quote_dialog_answers(monkeypatch, fill)
    page.provenance.add_button.click()
    assert "not in the source" in seen["status"]
    assert repo.citations("roadmap", 4) == before


def test_sources_page_lists_the_records_that_cite_it(main_window, repo):
    page = main_window.pages["sources"]
    main_window.go_to("sources")
    page.select_record(1)
    cited = repo.linked_from("sources", 1)
    assert page.provenance.list.count() == len(cited) > 0
    assert not page.provenance.add_button.isVisible()
    item = page.provenance.list.item(0)
    page.provenance.list.itemActivated.emit(item)
    assert main_window.current_name() == cited[0][0]
    assert main_window.pages[cited[0][0]].form.record_id == cited[0][1]
