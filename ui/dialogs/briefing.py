"""The Briefing dialog (Ctrl+E): the options and presets (left), the brief (middle: a new one or
a saved one, its template, the desk's text and how it is printed) and a live preview of the first
pages (right); export to PDF or Word off the GUI thread with progress and Cancel, then the
exported PDF in the view, "Open in system viewer" and Print... (Ctrl+P).

The options are one :class:`tracker.briefing.BriefingOptions`, the same object the CLI and the
saved presets use; the brief is a :class:`tracker.briefing.brief.Brief`, saved as a record of the
briefs kind with its options. The build runs as a task (``ui.tasks``) on a read-only session of
its own (SQLite connections belong to the thread that made them); closing the dialog cancels it.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from tracker import briefing as core
from tracker.errors import TrackerError
from tracker.i18n import current_language, ngettext
from tracker.i18n import gettext as _
from tracker.model import CLASSIFICATIONS
from tracker.model.attachments import FALLBACK_NAME, clean_file_name
from tracker.model.figures import BRIEFS_KIND
from tracker.store.repository import Repository
from ui import messages, window_size
from ui.dialogs.briefing_brief import BriefPanel
from ui.dialogs.briefing_keeper import BriefsKeeper
from ui.dialogs.briefing_options import OptionsPanel
from ui.dialogs.briefing_preview import LivePreview
from ui.tasks import Cancelled, Task, Tasks, one_line
from ui.widgets import pdf_printing

SETTINGS_KEY = "briefing"
MAX_NAME_TITLE = 80  # characters of the title in a proposed file name
WARN_PAGES = 1000  # a briefing estimated at this many pages or more is built only when confirmed


def build(session, task: Task, options: core.BriefingOptions, out_path: Path,
          today: _dt.date | None, brief: core.Brief | None = None, letterhead: str | None = None):
    """The task's work: the briefing, with the task's progress and cancel."""
    try:
        return core.build_briefing(session, options, out_path, brief=brief,
                                   docx_template=letterhead, progress=task.progress,
                                   cancel=task.is_cancelled, today=today)
    except core.BriefingCancelled:
        raise Cancelled from None


def describe_failure(exc: BaseException) -> str:
    """Why the briefing was not made, in one line."""
    if isinstance(exc, (core.BriefingError, TrackerError, OSError, ValueError)):
        return one_line(exc)
    return _("the briefing could not be made: {error}").format(  # a bug: named, never raised
        error=f"{type(exc).__name__}: {exc}")



def default_file_name(title: str, day: _dt.date, fmt: str) -> str:
    """The name Export PDF…/Export Word… propose, dated like Export this list's: the brief's
    title made safe for any file system (or "Briefing" when it has none), the day, the
    extension: ``Talks in Astana 2026-12-06.pdf``."""
    subject = clean_file_name(title.replace("/", "-").replace("\\", "-")) if title.strip() else ""
    subject = "" if subject == FALLBACK_NAME else subject[:MAX_NAME_TITLE].rstrip(" .")
    return clean_file_name(f"{subject or _('Briefing')} {day.isoformat()}.{fmt}")

class BriefingDialog(QDialog):
    """Options on the left, the brief in the middle, the preview on the right, progress and
    actions at the bottom. ``brief_id``: open on that saved brief."""

    def __init__(self, repo: Repository, parent: QWidget | None = None,
                 brief_id: int | None = None):
        super().__init__(parent)
        self.repo = repo
        self.tasks = Tasks(self, lambda: self.repo)  # the build (ui.tasks)
        self.task: Task | None = None
        self.pdf_path: Path | None = None
        self.last_result: core.BriefingResult | None = None
        self.brief_id: int | None = None  # the saved brief shown (None: a new one)
        self.brief_version: int | None = None
        self._today: _dt.date | None = None  # tests pin the date; None: today
        self.setWindowTitle(_("Briefing"))
        self.setObjectName("briefing_dialog")
        self.resize(1280, 760)
        self.preview = LivePreview(self, lambda: self.repo, self.preview_input,
                                   self._show_preview, self._preview_problem)
        self._build_ui()
        self._load_presets()
        self._restore_settings()
        self.briefs = BriefsKeeper(self)
        self.briefs.load_list()
        self._watch_edits()
        if brief_id is None or not self.briefs.open(brief_id):
            self.preview.schedule()  # the first pages of what the dialog shows

    @property
    def today(self) -> _dt.date | None:
        return self._today

    @today.setter
    def today(self, value: _dt.date | None) -> None:
        self._today = self.preview.today = value

    # -- layout -------------------------------------------------------------------------------

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        """Shown first: fitted to the screen (at 150 % a 1920x1080 one is 1280x720)."""
        super().showEvent(event)
        if not getattr(self, "_fitted", False):
            self._fitted = True
            window_size.fit_dialog(self)

    def _build_ui(self) -> None:
        outer = QVBoxLayout(self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        outer.addWidget(self.splitter, 1)

        # options
        self.panel = OptionsPanel()
        self.panel.preset_combo.activated.connect(self._preset_chosen)
        self.panel.save_preset_button.clicked.connect(self.save_preset_dialog)
        self.panel.delete_preset_button.clicked.connect(self.delete_preset)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.panel)
        scroll.setMinimumWidth(360)
        self.splitter.addWidget(scroll)

        # the brief
        self.brief_panel = BriefPanel(self.repo)
        brief_scroll = QScrollArea()
        brief_scroll.setObjectName("brief_scroll")
        brief_scroll.setWidgetResizable(True)
        brief_scroll.setWidget(self.brief_panel)
        brief_scroll.setMinimumWidth(340)
        brief_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.splitter.addWidget(brief_scroll)

        self.splitter.addWidget(self._preview_column())
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 0)
        self.splitter.setStretchFactor(2, 1)
        self.splitter.setSizes([400, 400, 480])

        outer.addLayout(self._bottom_row())

        self.print_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self)
        self.print_shortcut.activated.connect(self.print_briefing)
        self._set_preview_actions()
        read_only = self.repo.read_only
        self.panel.save_preset_button.setEnabled(not read_only)
        self.panel.delete_preset_button.setEnabled(not read_only)
        self.brief_panel.set_read_only(read_only)
        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.setEnabled(not read_only)
        self.brief_panel.letterhead_button.clicked.connect(self.choose_letterhead)

    def _preview_column(self) -> QWidget:
        """The preview (live, or the PDF just exported) with "Open in system viewer" and
        Print…"""
        preview = QWidget()
        pbox = QVBoxLayout(preview)
        pbox.setContentsMargins(6, 0, 0, 0)
        self.preview_label = QLabel(_("Export the briefing to see it here."))
        self.preview_label.setWordWrap(True)
        self.pdf_document = QPdfDocument(self)
        self.pdf_view = QPdfView(preview)
        self.pdf_view.setObjectName("pdf_view")
        self.pdf_view.setDocument(self.pdf_document)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        # fitted to the width, a page just taller than the view brings the scroll bar, which
        # narrows the page until it fits, which takes the bar away: at 150 % Qt spun on that
        self.pdf_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        actions = QHBoxLayout()
        self.open_button = QPushButton(_("Open in system viewer"))
        self.open_button.clicked.connect(self.open_in_viewer)
        self.print_button = QPushButton(_("Print…"))
        self.print_button.setToolTip(_("Print every page (Ctrl+P)"))
        self.print_button.clicked.connect(self.print_briefing)
        actions.addWidget(self.preview_label, 1)
        actions.addWidget(self.open_button)
        actions.addWidget(self.print_button)
        pbox.addLayout(actions)
        pbox.addWidget(self.pdf_view, 1)
        return preview

    def _bottom_row(self) -> QHBoxLayout:
        """The status line, the progress bar and the buttons."""
        bottom = QHBoxLayout()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)
        self.status_label = QLabel("")
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.export_button = QPushButton(_("Export PDF…"))
        self.export_button.setDefault(True)
        self.export_button.clicked.connect(lambda: self.export_dialog("pdf"))
        self.word_button = QPushButton(_("Export Word…"))
        self.word_button.setObjectName("word_button")
        self.word_button.clicked.connect(lambda: self.export_dialog("docx"))
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setEnabled(False)
        self.cancel_button.clicked.connect(self.cancel_export)
        self.close_button = QPushButton(_("Close"))
        self.close_button.clicked.connect(self.reject)
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.progress, 1)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.word_button)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.close_button)
        return bottom

    # -- options -------------------------------------------------------------------------------

    def options(self) -> core.BriefingOptions:
        """The options the panels show (raises BriefingOptionsError for a bad combination).
        A note or a visit brief prints the purpose from the brief, which may be longer than the
        options' own purpose paragraph: then the options go without it."""
        printing = self.brief_panel.printing()
        purpose = self.panel.purpose_edit.toPlainText()
        whole = printing["template"] == "annex" or len(purpose) <= core.MAX_PURPOSE
        return self.panel.options(purpose=whole).replace(**printing)

    def set_options(self, options: core.BriefingOptions) -> None:
        self.panel.set_options(options)
        self.brief_panel.set_printing(options)

    def brief(self) -> core.Brief:
        """The desk's text the dialog shows (raises BriefingError for a bad value)."""
        return core.Brief(title=self.panel.title_edit.text(),
                     drafted_by=self.panel.prepared_edit.text(),
                     purpose=self.panel.purpose_edit.toPlainText(), record_id=self.brief_id,
                     **self.brief_panel.values())

    def preview_input(self) -> tuple[core.BriefingOptions, core.Brief]:
        return self.options(), self.brief()

    def _watch_edits(self) -> None:
        """Every edit of an option or of the brief builds the preview again."""
        p, again = self.panel, self.preview.schedule
        p.title_edit.textChanged.connect(again)
        p.prepared_edit.textChanged.connect(again)
        p.purpose_edit.textChanged.connect(again)
        for combo in (p.classification_combo, p.paper_combo, p.language_combo):
            combo.currentIndexChanged.connect(again)
        p.section_tree.itemChanged.connect(again)
        for check in (p.sources_check, p.notes_check, p.from_check, p.to_check):
            check.toggled.connect(again)
        p.from_edit.dateChanged.connect(again)
        p.to_edit.dateChanged.connect(again)
        self.brief_panel.changed.connect(again)

    # -- presets --------------------------------------------------------------------------------

    def _load_presets(self, select: str | None = None) -> None:
        self.panel.preset_combo.blockSignals(True)
        self.panel.preset_combo.clear()
        self.panel.preset_combo.addItem(_("(current options)"), None)
        try:
            self._presets = self.repo.presets()
        except Exception:  # noqa: BLE001 - an old file without presets still exports
            self._presets = {}
        for name in self._presets:
            self.panel.preset_combo.addItem(name, name)
        if select is not None:
            self.panel.select(self.panel.preset_combo, select)
        self.panel.preset_combo.blockSignals(False)
        self.panel.delete_preset_button.setEnabled(
            self.panel.preset_combo.currentData() is not None and not self.repo.read_only)

    def _preset_chosen(self, _index: int = 0) -> None:
        name = self.panel.preset_combo.currentData()
        self.panel.delete_preset_button.setEnabled(name is not None and not self.repo.read_only)
        if name is None:
            return
        self.apply_preset(name)

    def apply_preset(self, name: str) -> bool:
        try:
            options = core.BriefingOptions.from_dict(self._presets[name])
        except (KeyError, core.BriefingOptionsError) as exc:
            self._show_error(_("The preset {name!r} cannot be used: {error}").format(
                name=name, error=exc))
            return False
        self.set_options(options)
        self.panel.select(self.panel.preset_combo, name)
        self._show_status(_("Preset {name!r} loaded.").format(name=name))
        return True

    def save_preset_dialog(self) -> None:
        current = self.panel.preset_combo.currentData() or ""
        name, ok = QInputDialog.getText(self, _("Save preset"), _("Preset name:"), text=current)
        if ok and name.strip():
            self.save_preset(name)

    def save_preset(self, name: str) -> bool:
        try:
            options = self.options()
            self.repo.save_preset(name, options.to_dict())
        except (core.BriefingOptionsError, TrackerError) as exc:
            self._show_error(str(exc))
            return False
        clean = " ".join(name.split())
        self._load_presets(select=clean)
        self._show_status(_("Preset {name!r} saved.").format(name=clean))
        return True

    def delete_preset(self) -> None:
        name = self.panel.preset_combo.currentData()
        if name is None:
            return
        answer = messages.question(self, _("Delete preset"), _(
            "Delete the preset {name!r}?").format(name=name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.repo.delete_preset(name)
        except TrackerError as exc:
            self._show_error(str(exc))
            return
        self._load_presets()
        self._show_status(_("Preset {name!r} deleted.").format(name=name))

    # -- export ---------------------------------------------------------------------------------

    def export_dialog(self, fmt: str = "pdf") -> None:
        try:
            self.options()
            self.brief()
        except core.BriefingError as exc:
            self._options_error(exc)
            return
        if not self.confirm_size():
            return
        settings = QSettings()
        folder = settings.value(f"{SETTINGS_KEY}/folder", "") or str(Path.home())
        name = default_file_name(self.panel.title_edit.text(), self.today or _dt.date.today(),
                                 fmt)
        path, _filter = messages.get_save_file_name(
            self, _("Export briefing"), str(Path(folder) / name),
            _("PDF files (*.pdf)") if fmt == "pdf" else _("Word documents (*.docx)"))
        if path:
            if not path.lower().endswith(f".{fmt}"):
                path += f".{fmt}"
            self.export_to(Path(path))

    def confirm_size(self) -> bool:
        """Before a briefing of thousands of pages: say about how many, and build it only when
        the user confirms (True: go on)."""
        try:
            pages = core.estimate_pages(self.repo, self.options(), self.today)
        except (core.BriefingOptionsError, TrackerError):
            return True  # the export reports those itself
        if pages < WARN_PAGES:
            return True
        text = ngettext("This briefing will run to about {n} page.",
                        "This briefing will run to about {n} pages.", pages).format(
            n=pages) + "\n\n" + _(
            "Building it may take a long while. Narrow the sections, statuses or dates to "
            "make it shorter. Build it anyway?")
        answer = messages.question(self, _("Long briefing"), text,
                                   default=QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def export_to(self, path: Path) -> bool:
        """Start building the briefing into ``path`` (PDF, or Word for a name ending in .docx)
        in a worker thread (False if it did not start: a build is running or the options are
        bad)."""
        if self.task is not None:
            return False
        try:
            options, brief = self.options(), self.brief()
        except core.BriefingError as exc:
            self._options_error(exc)
            return False
        self._save_settings(options, Path(path).parent)
        out, today = Path(path), self.today
        word = out.suffix.lower() == ".docx"
        letterhead = self.brief_panel.letterhead() if word else None
        self.preview.pause()
        self.task = self.tasks.run(
            lambda session, task: build(session, task, options, out, today, brief, letterhead),
            done=self._on_done, failed=self._on_failed, cancelled=self._on_cancelled,
            progress=self._on_progress, ended=self._on_finished, describe=describe_failure)
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.export_button.setEnabled(False)
        self.word_button.setEnabled(False)
        self.cancel_button.setEnabled(True)
        self.close_button.setEnabled(False)
        self._show_status(_("Building the briefing…"))
        return True

    def cancel_export(self) -> None:
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self._show_status(_("Cancelling…"))

    def is_busy(self) -> bool:
        return self.task is not None

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setValue(done * 1000 // max(total, 1))

    def _on_done(self, result: core.BriefingResult) -> None:
        self.last_result = result
        self.progress.setValue(1000)
        level = dict(CLASSIFICATIONS).get(result.classification, result.classification)
        if result.pages is None:  # a Word file: Word lays out its pages; the preview stays
            self._show_status(_("Saved {path}, marked {level}.").format(
                path=result.path, level=_(level)))
            return
        self._show_status(_("Saved {path}: {pages} pages, marked {level}.").format(
            path=result.path, pages=result.pages, level=_(level)))
        self.load_preview(result.path)

    def _on_failed(self, message: str) -> None:
        self._show_error(_("The briefing was not saved: {error}").format(error=message))

    def _on_cancelled(self) -> None:
        self._show_status(_("Cancelled; no file was written."))

    def _on_finished(self) -> None:
        self.task = None
        self.preview.resume()
        self.progress.setVisible(False)
        self.export_button.setEnabled(True)
        self.word_button.setEnabled(True)
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)

    # -- preview, viewer, printing ----------------------------------------------------------------

    def _show_preview(self, document: QPdfDocument) -> None:
        """The live preview's first pages, in the view (printing stays with an export)."""
        self.pdf_view.setDocument(document)
        self.preview_label.setText(_("Preview of the first pages (not saved)"))

    def _preview_problem(self, text: str) -> None:
        self.preview_label.setText(_("No preview: {error}").format(error=text) if text
                                   else _("The preview could not be shown."))

    def choose_letterhead(self) -> None:
        path, _filter = messages.get_open_file_name(
            self, _("Choose a letterhead"), self.brief_panel.letterhead() or str(Path.home()),
            _("Word documents and templates (*.docx *.dotx)"))
        if path:
            self.brief_panel.letterhead_edit.setText(path)

    def load_preview(self, path: Path) -> bool:
        self.pdf_document.close()
        self.pdf_view.setDocument(self.pdf_document)
        error = self.pdf_document.load(str(path))
        ok = error == QPdfDocument.Error.None_ and self.pdf_document.pageCount() > 0
        if ok:
            self.pdf_path = Path(path)
            self.preview_label.setText(_("{name} — {pages} pages").format(
                name=Path(path).name, pages=self.pdf_document.pageCount()))
        else:
            self.pdf_path = None
            self.preview_label.setText(_("The preview could not be shown."))
        self._set_preview_actions()
        return ok

    def _set_preview_actions(self) -> None:
        ready = self.pdf_path is not None
        self.open_button.setEnabled(ready)
        self.print_button.setEnabled(ready)
        self.print_shortcut.setEnabled(ready)

    def open_in_viewer(self) -> None:
        if self.pdf_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.pdf_path)))

    def make_printer(self) -> QPrinter:
        """A printer at 300 dpi for the paper the briefing was laid out for."""
        return pdf_printing.make_printer(self.pdf_document, self.pdf_path.stem if self.pdf_path
                                         else _("Briefing"))

    def print_briefing(self) -> None:
        if self.pdf_path is None or self.pdf_document.pageCount() == 0:
            return
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_("Print briefing"))
        dialog.setMinMax(1, self.pdf_document.pageCount())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        printed = self.print_to(printer)
        self._show_status(_("Sent {n} pages to the printer.").format(n=printed))

    def print_to(self, printer: QPrinter) -> int:
        """Render each page (in order, at least 300 dpi) onto ``printer``; returns the count."""
        printed = pdf_printing.print_document(self.pdf_document, printer)
        if printed is None:
            self._show_error(_("The printer could not be started."))
            return 0
        return printed

    # -- messages, settings, closing --------------------------------------------------------------

    def show_status(self, text: str) -> None:
        """A message on the status line."""
        self._show_status(text)

    def show_error(self, text: str) -> None:
        """A problem on the status line, in red (one line)."""
        self._show_error(text)

    def _show_status(self, text: str) -> None:
        self.status_label.setStyleSheet("")
        self.status_label.setText(text)

    def _options_error(self, exc: core.BriefingError) -> None:
        """A bad option, named as the form labels it; the cursor goes to the field."""
        option = getattr(exc, "option", None)
        if option == "purpose":
            self._show_error(_("Purpose:") + " " + exc.detail)
            self.panel.purpose_edit.setFocus()
            return
        if option == "meeting_id":
            self._show_error(_(BRIEFS_KIND.field("meeting_id").label) + ": " + exc.detail)
            self.brief_panel.meeting.setFocus()
            return
        self._show_error(str(exc))

    def _show_error(self, text: str) -> None:
        self.status_label.setStyleSheet("color: #b3261e;")
        self.status_label.setText(" ".join(str(text).split()))

    def _save_settings(self, options: core.BriefingOptions, folder: Path | None = None) -> None:
        settings = QSettings()
        settings.setValue(f"{SETTINGS_KEY}/options", json.dumps(options.to_dict(),
                                                               ensure_ascii=False))
        if folder is not None:
            settings.setValue(f"{SETTINGS_KEY}/folder", str(folder))
        settings.setValue(f"{SETTINGS_KEY}/splitter", self.splitter.saveState())

    def _restore_settings(self) -> None:
        settings = QSettings()
        raw = settings.value(f"{SETTINGS_KEY}/options", "")
        options = None
        if raw:
            try:
                options = core.BriefingOptions.from_dict(json.loads(raw))
            except (ValueError, TypeError):
                options = None
        if options is None:  # a new desk starts on a briefing note
            options = core.BriefingOptions(language=current_language(), template="note")
        self.set_options(options)
        state = settings.value(f"{SETTINGS_KEY}/splitter")
        if state is not None:
            self.splitter.restoreState(state)

    def done(self, result: int) -> None:
        """Closing while a build runs cancels it and waits (the temporary file is removed)."""
        if self.task is not None:
            self.tasks.stop()
            self._on_finished()
        self.preview.close()
        try:
            self._save_settings(self.options())
        except core.BriefingOptionsError:
            pass
        self.pdf_document.close()
        super().done(result)
