"""The Briefing dialog: export off the GUI thread with progress, Cancel, preview, print, presets."""

from __future__ import annotations

import datetime as dt
import threading
import time

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QMessageBox

from tracker import briefing as core
from tracker.store.repository import Repository
from ui import tasks
from ui.dialogs.briefing import BriefingDialog

TODAY = dt.date(2026, 11, 27)


@pytest.fixture
def dialog(qtbot, repo):
    d = BriefingDialog(repo)
    d.today = TODAY
    qtbot.addWidget(d)
    d.show()
    yield d
    if d.is_busy():
        d.cancel_export()
        qtbot.waitUntil(lambda: not d.is_busy(), timeout=30000)


def wait_done(qtbot, d, timeout=60000):
    qtbot.waitUntil(lambda: not d.is_busy(), timeout=timeout)


def test_export_reports_progress_and_shows_the_preview(qtbot, dialog, tmp_path):
    values = []
    dialog.progress.valueChanged.connect(values.append)
    dialog.panel.title_edit.setText("Talks in Astana")
    out = tmp_path / "briefing.pdf"
    assert dialog.export_to(out)
    assert dialog.is_busy() and not dialog.export_button.isEnabled()
    assert dialog.cancel_button.isEnabled()
    wait_done(qtbot, dialog)
    assert out.exists()
    assert "Saved" in dialog.status_label.text() and str(out) in dialog.status_label.text()
    assert len(values) >= 3 and values[-1] == 1000
    assert values == sorted(values)
    assert dialog.pdf_document.pageCount() == len(PdfReader(out).pages) > 0
    assert dialog.pdf_view.document() is dialog.pdf_document
    assert dialog.print_button.isEnabled() and dialog.open_button.isEnabled()
    assert dialog.export_button.isEnabled() and not dialog.cancel_button.isEnabled()
    assert "Talks in Astana" in PdfReader(out).pages[0].extract_text()


def test_the_worker_uses_its_own_read_only_connection(qtbot, dialog, tmp_path, monkeypatch):
    opened = []
    real = tasks.open_session  # the build runs as a task (ui.tasks), on a session of its own

    def spy(path, **kwargs):
        opened.append((path, kwargs, threading.get_ident()))
        return real(path, **kwargs)

    monkeypatch.setattr(tasks, "open_session", spy)
    assert dialog.export_to(tmp_path / "b.pdf")
    wait_done(qtbot, dialog)
    assert len(opened) == 1
    path, kwargs, thread = opened[0]
    assert path == dialog.repo.path and kwargs.get("read_only") is True
    assert thread != threading.get_ident()
    assert (tmp_path / "b.pdf").exists()


def test_cancel_stops_the_export_and_writes_nothing(qtbot, dialog, tmp_path, monkeypatch):
    for i in range(300):
        dialog.repo.create("roadmap", {"title": f"Row {i}", "due_date": "2027-01-01"})
    real = tasks.Task.progress

    def slow(self, done, total):  # a slow machine: every progress report takes a while
        time.sleep(0.01)
        real(self, done, total)

    monkeypatch.setattr(tasks.Task, "progress", slow)
    out = tmp_path / "briefing.pdf"
    out.write_bytes(b"%PDF-older")
    assert dialog.export_to(out)
    qtbot.waitUntil(lambda: dialog.progress.value() > 0, timeout=30000)
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, dialog)
    assert "Cancelled" in dialog.status_label.text()
    assert out.read_bytes() == b"%PDF-older"
    assert sorted(p.name for p in tmp_path.iterdir() if p.parent == tmp_path
                  and p.suffix in (".pdf", ".tmp")) == ["briefing.pdf"]
    assert dialog.pdf_document.pageCount() == 0
    assert dialog.export_button.isEnabled()


def test_closing_during_an_export_cancels_it(qtbot, repo, tmp_path, monkeypatch):
    real = tasks.Task.progress
    monkeypatch.setattr(tasks.Task, "progress",
                        lambda self, d, t: (time.sleep(0.02), real(self, d, t)))
    d = BriefingDialog(repo)
    qtbot.addWidget(d)
    assert d.export_to(tmp_path / "b.pdf")
    d.reject()
    assert not d.is_busy()
    assert not (tmp_path / "b.pdf").exists()
    assert not list(tmp_path.glob(".b.pdf.*"))


def test_print_renders_every_page_in_order_at_300_dpi(qtbot, dialog, tmp_path):
    assert dialog.export_to(tmp_path / "b.pdf")
    wait_done(qtbot, dialog)
    pages = dialog.pdf_document.pageCount()
    printer = dialog.make_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dialog.print_to(printer) == pages
    printed = PdfReader(tmp_path / "printed.pdf")
    assert len(printed.pages) == pages
    for page in printed.pages:
        images = list(page.images)
        assert len(images) == 1
        width_in = float(page.mediabox.width) / 72
        assert images[0].image.width / width_in >= 299  # >= 300 dpi on paper


def test_bad_options_are_reported_not_exported(qtbot, dialog, tmp_path):
    for child in dialog.panel.status_items["roadmap"].values():
        child.setCheckState(0, Qt.CheckState.Unchecked)
    assert not dialog.export_to(tmp_path / "b.pdf")
    assert "Road map" in dialog.status_label.text()
    assert not (tmp_path / "b.pdf").exists()


def test_options_round_trip_through_the_widgets(dialog):
    options = core.BriefingOptions(
        sections=("summary", "roadmap", "meetings"), statuses={"roadmap": ["planned", "done"]},
        date_from="2017-01-01", date_to="2017-12-31", max_classification="public",
        paper="letter", title="Weekly", prepared_by="Desk", include_sources=False,
        language="ru", purpose="Talking points for the Minister's visit to Astana",
        include_notes=False)
    dialog.set_options(options)
    assert dialog.options() == options
    assert not dialog.panel.notes_check.isChecked()
    assert dialog.panel.purpose_edit.toPlainText() == options.purpose
    dialog.set_options(core.BriefingOptions(language="en"))
    assert dialog.options() == core.BriefingOptions(language="en")
    assert not dialog.panel.from_edit.isEnabled()


def test_purpose_and_notes_controls_reach_the_pdf(qtbot, dialog, tmp_path):
    dialog.brief_panel.select(dialog.brief_panel.template_combo, "annex")  # the data briefing
    assert dialog.panel.notes_check.isChecked() and not dialog.panel.purpose_edit.toPlainText()
    dialog.panel.purpose_edit.setFocus()
    qtbot.keyClicks(dialog.panel.purpose_edit, "Talking points <b>for</b> the visit")
    qtbot.keyClick(dialog.panel.purpose_edit, Qt.Key.Key_Tab)  # Tab leaves the field, types nothing
    assert dialog.panel.purpose_edit.toPlainText() == "Talking points <b>for</b> the visit"
    assert dialog.options().purpose == "Talking points <b>for</b> the visit"
    out = tmp_path / "with.pdf"
    assert dialog.export_to(out)
    wait_done(qtbot, dialog)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "Purpose Talking points <b>for</b> the visit" in text
    assert "The year 2017 is inferred" in text

    qtbot.mouseClick(dialog.panel.notes_check, Qt.MouseButton.LeftButton)
    assert dialog.options().include_notes is False
    out = tmp_path / "without.pdf"
    assert dialog.export_to(out)
    wait_done(qtbot, dialog)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(out).pages).split())
    assert "inferred" not in text and "Talking points" in text


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_options_fit_the_default_size_without_scrolling(qtbot, repo, language):
    from tracker import i18n

    i18n.set_language(language)
    d = BriefingDialog(repo)
    qtbot.addWidget(d)
    d.resize(1180, 760)
    d.show()
    d.panel.section_items["roadmap"].setExpanded(True)
    qtbot.waitExposed(d)
    scroll = d.splitter.widget(0)
    qtbot.waitUntil(lambda: scroll.widget().height() > 0)
    assert scroll.verticalScrollBar().maximum() == 0  # every option in view, nothing cut
    panel = d.panel
    for widget in (panel.purpose_edit, panel.notes_check, panel.sources_check,
                   panel.section_tree):
        assert widget.isVisible() and widget.visibleRegion().boundingRect().height() == \
            widget.height(), widget.objectName()
    assert d.panel.section_tree.height() >= 160


def test_a_too_long_purpose_is_reported_not_exported(qtbot, dialog, tmp_path):
    # The data briefing's purpose paragraph (a note or a visit brief prints the brief's whole).
    dialog.brief_panel.select(dialog.brief_panel.template_combo, "annex")
    dialog.panel.purpose_edit.setPlainText("x" * 2001)
    dialog.panel.title_edit.setFocus()
    assert not dialog.export_to(tmp_path / "b.pdf")
    # Named as the form labels it, with the limit; the cursor goes to the field to shorten it.
    assert dialog.status_label.text() == \
        "Purpose: too long (2001 characters; at most 2000)"
    qtbot.waitUntil(dialog.panel.purpose_edit.hasFocus)
    assert not (tmp_path / "b.pdf").exists()
    dialog.panel.purpose_edit.setPlainText("x" * 2000)
    assert dialog.export_to(tmp_path / "b.pdf")
    wait_done(qtbot, dialog)
    assert (tmp_path / "b.pdf").exists()


def test_presets_save_load_and_delete(qtbot, dialog, dialogs):
    dialog.panel.title_edit.setText("Weekly pack")
    dialog.panel.purpose_edit.setPlainText("Weekly round-up")
    dialog.panel.notes_check.setChecked(False)
    dialog.panel.section_items["people"].setCheckState(0, Qt.CheckState.Unchecked)
    assert dialog.save_preset("  weekly  ")
    assert "weekly" in dialog.repo.presets()
    assert dialog.panel.preset_combo.currentData() == "weekly"
    saved = dialog.options()

    dialog.set_options(core.BriefingOptions(language="en"))
    assert dialog.options() != saved
    assert dialog.apply_preset("weekly")
    assert dialog.options() == saved
    assert dialog.panel.purpose_edit.toPlainText() == "Weekly round-up"
    assert not dialog.panel.notes_check.isChecked()

    dialogs.answers = [QMessageBox.StandardButton.Yes]
    dialog.delete_preset()
    assert "weekly" not in dialog.repo.presets()
    assert dialog.panel.preset_combo.findData("weekly") == -1


def test_options_are_remembered_between_sessions(qtbot, repo, tmp_path):
    d = BriefingDialog(repo)
    qtbot.addWidget(d)
    d.panel.prepared_edit.setText("Desk officer")
    d.panel.paper_combo.setCurrentIndex(d.panel.paper_combo.findData("letter"))
    d.accept()
    again = BriefingDialog(repo)
    qtbot.addWidget(again)
    assert again.panel.prepared_edit.text() == "Desk officer"
    assert again.options().paper == "letter"


def test_a_read_only_database_still_exports(qtbot, repo, tmp_path):
    ro = Repository(repo.path, read_only=True)
    try:
        d = BriefingDialog(ro)
        qtbot.addWidget(d)
        assert not d.panel.save_preset_button.isEnabled()
        assert d.export_to(tmp_path / "ro.pdf")
        wait_done(qtbot, d)
        assert d.pdf_document.pageCount() > 0
        d.reject()
    finally:
        ro.close()


def test_the_timelines_grouping_list_follows_its_section(dialog):
    combo = dialog.panel.timeline_group_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["Area", "Agreement"]
    options = core.BriefingOptions(sections=("summary", "timeline"), timeline_group="agreement",
                                   language="en")
    dialog.set_options(options)
    assert combo.isEnabled() and combo.currentData() == "agreement"
    assert dialog.options() == options
    dialog.panel.section_items["timeline"].setCheckState(0, Qt.CheckState.Unchecked)
    assert not combo.isEnabled()  # no timeline section: nothing to group
    dialog.panel.section_items["timeline"].setCheckState(0, Qt.CheckState.Checked)
    assert combo.isEnabled()


def test_a_briefing_of_thousands_of_pages_is_built_only_when_confirmed(
        qtbot, dialog, dialogs, tmp_path, monkeypatch):
    """Before a briefing the estimate puts at WARN_PAGES or more, the dialog says about how many
    pages it will run to and asks; No builds nothing (not even a file name is asked), Yes builds
    it, and a shorter one is built without asking."""
    from PySide6.QtWidgets import QFileDialog

    from tracker.briefing.estimate import estimate_pages
    from ui.dialogs import briefing as briefing_dialog

    pages = estimate_pages(dialog.repo, dialog.options(), TODAY)
    out = tmp_path / "long.pdf"
    asked = []

    def save_name(*args):
        asked.append(args)
        return str(out), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    monkeypatch.setattr(briefing_dialog, "WARN_PAGES", pages)  # this one is "long"
    dialogs.answers.append(QMessageBox.StandardButton.No)
    dialog.export_button.click()
    kind, title, text = dialogs.calls[-1]
    assert kind == "question" and title == "Long briefing"
    assert f"about {pages} page" in text
    assert not dialog.is_busy() and not asked and not out.exists()

    dialogs.answers.append(QMessageBox.StandardButton.Yes)
    dialog.export_button.click()
    assert len(dialogs.calls) == 2 and asked
    wait_done(qtbot, dialog)
    assert out.exists()

    out.unlink()
    monkeypatch.setattr(briefing_dialog, "WARN_PAGES", pages + 1)  # shorter than "long"
    dialog.export_button.click()
    assert len(dialogs.calls) == 2  # no question this time
    wait_done(qtbot, dialog)
    assert out.exists()


def _proposed_name(dialog, button, monkeypatch) -> str:
    """The file name Export PDF…/Export Word… propose (the save dialog is cancelled)."""
    from pathlib import Path

    from PySide6.QtWidgets import QFileDialog

    asked = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(
        lambda parent, caption, start, *rest: asked.append(start) or ("", "")))
    button.click()
    assert len(asked) == 1
    return Path(asked[0]).name


def test_export_proposes_a_dated_file_name_like_export_this_list(dialog, monkeypatch):
    assert _proposed_name(dialog, dialog.export_button, monkeypatch) == "Briefing 2026-11-27.pdf"
    dialog.panel.title_edit.setText("Talks in Astana")
    assert _proposed_name(dialog, dialog.word_button, monkeypatch) == (
        "Talks in Astana 2026-11-27.docx")


def test_the_proposed_name_makes_a_hostile_subject_safe(dialog, monkeypatch):
    dialog.panel.title_edit.setText('../Q4: <draft> "final"?\u202e\tCON')
    name = _proposed_name(dialog, dialog.export_button, monkeypatch)
    assert name == "-Q4_ _draft_ _final__CON 2026-11-27.pdf"  # no path, no controls
    dialog.panel.title_edit.setText("x" * 200)
    assert _proposed_name(dialog, dialog.export_button, monkeypatch) == (
        "x" * 80 + " 2026-11-27.pdf")


def test_the_proposed_name_is_in_the_readers_language(dialog, monkeypatch):
    from tracker import i18n

    i18n.set_language("ru")
    try:
        name = _proposed_name(dialog, dialog.export_button, monkeypatch)
        dialog.panel.title_edit.setText("Переговоры в Астане")
        titled = _proposed_name(dialog, dialog.word_button, monkeypatch)
    finally:
        i18n.set_language("en")
    assert name == "Информационная справка 2026-11-27.pdf"
    assert titled == "Переговоры в Астане 2026-11-27.docx"
